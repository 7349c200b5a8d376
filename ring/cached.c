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

static void damon_cached_counters(const struct damon_cached *c,
				  struct rd_ring_counters *out)
{
	rd_stats_add(out, &c->ring.stats);
}

static void damon_cached_start_at(struct damon_cached *c, u64 pos)
{
	damon_cached_ring_start_at(&c->ring, (unsigned int)pos);
}

RD_GLUE(damon_cached, damon_cached)

const struct rd_ring_design rd_design_cached = {
	.name = "cached",
	.summary = "SPSC with cached indices: the other side's index is read only on apparent full/empty",
	.atomics = "none: release store of head; tail reloaded (acquire) only when full",
	.nesting = RD_NEST_UNSAFE,
	.keeps_one_empty = false,
	.free_running = true,
	.nest_hooks = true,
	.lanes = 1,
	RD_GLUE_OPS(damon_cached),
};
#endif /* !__KERNEL__ */
