// SPDX-License-Identifier: GPL-2.0
/*
 * cached.c - the 'cached' design: one struct damon_cached_ring (cached.h)
 * with its slots right behind it.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#endif
#include "cached.h"

struct damon_cached {
	struct damon_cached_ring ring;
	u8 slots[] ____cacheline_aligned;
};

static bool damon_cached_produce(struct damon_cached *c,
				 const struct damon_access_report *r)
{
	return damon_cached_ring_produce(&c->ring, r);
}

static unsigned int damon_cached_consume(struct damon_cached *c,
					 struct damon_access_report *out,
					 unsigned int max)
{
	return damon_cached_ring_consume(&c->ring, out, max);
}

#ifndef __KERNEL__
static size_t damon_cached_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_cached) + (size_t)capacity * rec_size;
}

static void damon_cached_init(struct damon_cached *c, unsigned int capacity,
			      unsigned int rec_size, unsigned int cpu)
{
	memset(c, 0, sizeof(*c));
	damon_cached_ring_init(&c->ring, c->slots, capacity, rec_size, cpu);
}

static void damon_cached_start_at(struct damon_cached *c, u64 pos)
{
	damon_cached_ring_start_at(&c->ring, (unsigned int)pos);
}

RD_RING_DESIGN(rd_design_cached, damon_cached, damon_cached, ring.stats,
	.name = "cached",
	.summary = "SPSC with cached indices: the other side's index is read only on apparent full/empty",
	.atomics = "none: release store of head; tail reloaded (acquire) only when full",
	.nesting = RD_NEST_UNSAFE)
#endif /* !__KERNEL__ */
