// SPDX-License-Identifier: GPL-2.0
/*
 * ctxsplit.c - one SPSC sub-ring per context level.
 *
 * A CPU runs at most one producer per context level at a time: task code can
 * be interrupted by a softirq, that by a hardirq, that by an NMI, but never
 * by a second producer of its own level.  So each level gets its own
 * cached-index SPSC ring (cached.h) and every sub-ring keeps exactly one
 * producer: a nested producer never touches the ring it interrupted.  The
 * level is interrupt_context_level() (0 task, 1 softirq, 2 hardirq, 3 NMI;
 * in userspace the signal-handler depth).  kdamond drains the sub-rings in
 * level order; order is kept per context, not across contexts.
 *
 * Cost: no atomic at all on the producer path, one extra load (the context
 * level); memory is one ring of the full capacity per level.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#endif
#include "cached.h"

#define DAMON_CTXSPLIT_LEVELS	4

struct damon_ctxsplit_ring {
	struct damon_cached_ring sub[DAMON_CTXSPLIT_LEVELS];
	/* Producers deeper than the levels we have (userspace only). */
	local_t too_deep ____cacheline_aligned;
	u8 slots[] ____cacheline_aligned;
};

static bool damon_ctxsplit_produce(struct damon_ctxsplit_ring *ring,
				   const struct damon_access_report *r)
{
	unsigned int level = interrupt_context_level();

	if (unlikely(level >= DAMON_CTXSPLIT_LEVELS)) {
		local_inc(&ring->too_deep);
		return false;
	}
	return damon_cached_ring_produce(&ring->sub[level], r);
}

static unsigned int damon_ctxsplit_consume(struct damon_ctxsplit_ring *ring,
					   struct damon_access_report *out,
					   unsigned int max)
{
	unsigned int n = 0;

	for (int level = 0; level < DAMON_CTXSPLIT_LEVELS && n < max; level++)
		n += damon_cached_ring_consume(&ring->sub[level], out + n,
					       max - n);
	return n;
}

#ifndef __KERNEL__
static size_t damon_ctxsplit_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_ctxsplit_ring) +
		(size_t)DAMON_CTXSPLIT_LEVELS * capacity * rec_size;
}

static void damon_ctxsplit_init(struct damon_ctxsplit_ring *ring,
				unsigned int capacity, unsigned int rec_size,
				unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	for (int level = 0; level < DAMON_CTXSPLIT_LEVELS; level++)
		damon_cached_ring_init(&ring->sub[level], ring->slots +
				       (size_t)level * capacity * rec_size,
				       capacity, rec_size, cpu);
	local_set(&ring->too_deep, 0);
}

static void damon_ctxsplit_counters(const struct damon_ctxsplit_ring *ring,
				    struct rd_ring_counters *c)
{
	u64 deep = local_read(&ring->too_deep);

	for (int level = 0; level < DAMON_CTXSPLIT_LEVELS; level++)
		rd_stats_add(c, &ring->sub[level].stats);
	c->dropped_nested += deep;
	c->produced += deep;
}

static void damon_ctxsplit_start_at(struct damon_ctxsplit_ring *ring, u64 pos)
{
	for (int level = 0; level < DAMON_CTXSPLIT_LEVELS; level++)
		damon_cached_ring_start_at(&ring->sub[level], (unsigned int)pos);
}

RD_GLUE(damon_ctxsplit_ring, damon_ctxsplit)

const struct rd_ring_design rd_design_ctxsplit = {
	.name = "ctxsplit",
	.summary = "one cached-index SPSC sub-ring per context level (task/softirq/hardirq/NMI)",
	.atomics = "none: context-level load, release store of the sub-ring head",
	.nesting = RD_NEST_SAFE,
	.keeps_one_empty = false,
	.free_running = true,
	.nest_hooks = true,
	.lanes = DAMON_CTXSPLIT_LEVELS,
	RD_GLUE_OPS(damon_ctxsplit),
};
#endif /* !__KERNEL__ */
