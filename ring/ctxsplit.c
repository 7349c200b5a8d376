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
 * The transition case (ftrace's trace_recursive_lock()): a producer that
 * runs after its context was entered but before preempt_count() says so
 * reads the level of the context it interrupted, and would share that
 * level's sub-ring with the producer it interrupted: two producers on one
 * SPSC ring, which loses and tears records (ring/tests/test_ctxsplit_stale.c
 * shows it).  So, as ftrace, a CPU-local mask @busy has a bit per sub-ring
 * with a producer inside; a producer whose level's bit is already set takes
 * the transition sub-ring instead, and one that finds that busy too is
 * refused and counted as a nested drop (ftrace counts it as recursion).
 * @busy needs no atomic: a nested producer restores it before it returns,
 * so an interrupted read-modify-write of it still stores the right value.
 * In that case order is kept per sub-ring: a record that went to the
 * transition sub-ring is drained after later ones of its context that
 * found their level free.
 *
 * For DAMON's callers the level does not read stale: the perf overflow
 * handler runs after nmi_enter() has added NMI_OFFSET, softirq and hardirq
 * handlers after their entry code has updated preempt_count(); the stale
 * window is the entry code itself, which ftrace traces and DAMON does not.
 * The guard costs a CPU-local load and store before and after the sub-ring
 * and makes ctxsplit independent of that argument.
 *
 * Cost: no atomic at all on the producer path, the context-level load and
 * the @busy mask; memory is one ring of the full capacity per level plus
 * the transition one.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#else
#include <asm/local.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/string.h>
#endif
#include "cached.h"

#define DAMON_CTXSPLIT_LEVELS	4
#define DAMON_CTXSPLIT_TRANSITION	DAMON_CTXSPLIT_LEVELS	/* its sub-ring */
#define DAMON_CTXSPLIT_LANES	(DAMON_CTXSPLIT_LEVELS + 1)

/**
 * struct damon_ctxsplit_ring - one CPU's ring: a sub-ring per context level.
 * @sub:	the sub-rings, indexed by interrupt_context_level(), and the
 *		transition sub-ring last.
 * @busy:	bit n set while a producer is inside sub-ring n; this CPU's.
 * @too_deep:	producers deeper than the levels we have (userspace only: in
 *		the kernel interrupt_context_level() is at most 3), and
 *		producers that found their level and the transition busy.
 * @slots:	the sub-rings' slots, one capacity after another.
 */
struct damon_ctxsplit_ring {
	struct damon_cached_ring sub[DAMON_CTXSPLIT_LANES];
	unsigned int busy ____cacheline_aligned;
	local_t too_deep;
	u8 slots[] ____cacheline_aligned;
};

/**
 * damon_ctxsplit_size() - bytes of a ring.
 * @capacity:	slots per sub-ring, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 *
 * Return: the size to allocate, cache-line aligned, for damon_ctxsplit_init().
 */
static size_t damon_ctxsplit_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_ctxsplit_ring) +
		(size_t)DAMON_CTXSPLIT_LANES * capacity * rec_size;
}

/**
 * damon_ctxsplit_init() - set up an empty ring.
 * @ring:	damon_ctxsplit_size() bytes, cache-line aligned.
 * @capacity:	slots per sub-ring, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose producers use the ring.
 */
static void damon_ctxsplit_init(struct damon_ctxsplit_ring *ring,
				unsigned int capacity, unsigned int rec_size,
				unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	for (int level = 0; level < DAMON_CTXSPLIT_LANES; level++)
		damon_cached_ring_init(&ring->sub[level], ring->slots +
				       (size_t)level * capacity * rec_size,
				       capacity, rec_size, cpu);
	local_set(&ring->too_deep, 0);
}

/* Has sub-ring @lane a producer inside, by the CPU-local mask @busy? */
static __always_inline bool damon_ctxsplit_lane_busy(unsigned int busy,
						     unsigned int lane)
{
	return busy & BIT(lane);
}

#ifndef __KERNEL__
#ifdef DAMON_CTXSPLIT_NO_TRANSITION	/* test_ctxsplit_stale.c's control */
#define damon_ctxsplit_lane_busy(busy, lane)	false
#endif
#endif /* !__KERNEL__ */

/**
 * damon_ctxsplit_produce() - add one report to this CPU's ring.
 * @ring:	the ring of the CPU we run on.
 * @r:		the report; report_jiffies is stamped here.
 *
 * Context: any, NMI included, with preemption disabled; a producer that
 * interrupts another on the same CPU writes another sub-ring, the
 * transition one if the level still reads as the interrupted producer's.
 * Return: true if the report is in the ring, false (counted) if its
 * sub-ring was full, or (as a nested drop) if its level's and the
 * transition sub-ring both had a producer inside.
 */
static bool damon_ctxsplit_produce(struct damon_ctxsplit_ring *ring,
				   const struct damon_access_report *r)
{
	unsigned int lane = interrupt_context_level();
	unsigned int busy;
	bool ok;

	if (unlikely(lane >= DAMON_CTXSPLIT_LEVELS)) {
		local_inc(&ring->too_deep);
		return false;
	}
	busy = READ_ONCE(ring->busy);	/* this CPU's; nested ones restore it */
	rd_nest_point();
	if (unlikely(damon_ctxsplit_lane_busy(busy, lane))) {
		/* We interrupted our own level: it reads stale (transition). */
		lane = DAMON_CTXSPLIT_TRANSITION;
		if (busy & BIT(lane)) {
			local_inc(&ring->too_deep);
			return false;
		}
	}
	WRITE_ONCE(ring->busy, busy | BIT(lane));
	barrier();	/* bit, then sub-ring: only this CPU reads @busy */
	ok = damon_cached_ring_produce(&ring->sub[lane], r);
	barrier();	/* sub-ring, then the bit cleared: same reason */
	busy = READ_ONCE(ring->busy);
	rd_nest_point();
	WRITE_ONCE(ring->busy, busy & ~BIT(lane));
	return ok;
}

/**
 * damon_ctxsplit_consume() - take up to @max reports, sub-ring by sub-ring.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Order is kept within a context level, not across levels.
 * Context: the ring's one consumer (kdamond), any CPU.
 * Return: reports copied to @out; 0 when every sub-ring is empty.
 */
static unsigned int damon_ctxsplit_consume(struct damon_ctxsplit_ring *ring,
					   struct damon_access_report *out,
					   unsigned int max)
{
	unsigned int n = 0;

	for (int level = 0; level < DAMON_CTXSPLIT_LANES && n < max; level++)
		n += damon_cached_ring_consume(&ring->sub[level], out + n,
					       max - n);
	return n;
}

#ifndef __KERNEL__
static void damon_ctxsplit_counters(const struct damon_ctxsplit_ring *ring,
				    struct rd_ring_counters *c)
{
	u64 deep = local_read(&ring->too_deep);

	for (int level = 0; level < DAMON_CTXSPLIT_LANES; level++)
		rd_stats_add(c, &ring->sub[level].stats);
	c->dropped_nested += deep;
	c->produced += deep;
}

static void damon_ctxsplit_start_at(struct damon_ctxsplit_ring *ring, u64 pos)
{
	for (int level = 0; level < DAMON_CTXSPLIT_LANES; level++)
		damon_cached_ring_start_at(&ring->sub[level], (unsigned int)pos);
}

RD_RING_DESIGN_COUNTED(rd_design_ctxsplit, damon_ctxsplit_ring, damon_ctxsplit,
	.name = "ctxsplit",
	.summary = "one cached-index SPSC sub-ring per context level (task/softirq/hardirq/NMI) and a transition one",
	.atomics = "none: context-level load, CPU-local busy mask, release store of the sub-ring head",
	.nesting = RD_NEST_SAFE,
	.lanes = DAMON_CTXSPLIT_LANES)
#endif /* !__KERNEL__ */
