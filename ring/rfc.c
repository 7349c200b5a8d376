// SPDX-License-Identifier: GPL-2.0
/*
 * rfc.c - the RFC v1 per-CPU report ring ("mm/damon: hardware-sampled access
 * reports", 2026-05-29), modelled exactly as posted.  It is the baseline and
 * the evidence for the review, so its two ordering gaps are kept:
 *
 *  1. kdamond stores the new tail with a plain WRITE_ONCE(), no release: on a
 *     weakly ordered CPU the producer can see the new tail and overwrite a
 *     slot before kdamond's reads of it are done.  In the C11 model this is a
 *     data race on the slot; ThreadSanitizer reports it.
 *  2. nothing orders the producer's head store before its pending store, so
 *     kdamond can see pending, clear it, read a stale head and strand the
 *     report until the next one arrives on that CPU.
 *
 * Shape as posted: capacity slots (256 in the RFC) with one kept empty,
 * masked unsigned int indices, a per-CPU busy counter that drops a nested
 * producer (an NMI landing on a task-context producer), smp_wmb() then
 * WRITE_ONCE(head), a per-CPU pending flag that kdamond checks before touching
 * a ring.  v1 only fires a tracepoint on a drop; the counters here are the
 * model's instrumentation (a later tree adds the same with this_cpu_inc()).
 *
 * rfc_fixed.c builds this file with DAMON_RFC_FIXED: the same design with the
 * gaps closed, so the fix reads as the #ifdef blocks below:
 *
 *  1. the producer reads tail with acquire and kdamond stores it with
 *     release, so a slot is reused only after kdamond is done with it;
 *  2. head is published with release and read with acquire (as smp_wmb +
 *     WRITE_ONCE, and visible to ThreadSanitizer), and a full barrier sits
 *     between the head store and the pending store.  With kdamond's smp_mb()
 *     between clearing pending and reading head this is the "R" litmus
 *     pattern: either kdamond reads the new head or pending stays set.  A
 *     weaker barrier (smp_wmb) on the producer side does not forbid the bad
 *     outcome in the LKMM.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#else
#include <asm/barrier.h>
#include <asm/local.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include "report.h"
#include "stats.h"
#endif

struct damon_rfc_ring {
	/* producer */
	unsigned int head ____cacheline_aligned;
	unsigned int p_mask;
	unsigned int p_rec_size;
	/* consumer (kdamond) */
	unsigned int tail ____cacheline_aligned;
	unsigned int c_mask;
	unsigned int c_rec_size;
	unsigned int c_head;	/* head snapshot of the current pass */
	unsigned int cpu;
	/* the RFC's per-CPU variables: busy, pending (and model counters) */
	local_t busy ____cacheline_aligned;
	int pending;
	struct damon_ring_stats stats;
	u8 entries[] ____cacheline_aligned;
};

static inline void *damon_rfc_slot(struct damon_rfc_ring *ring,
				   unsigned int rec_size, unsigned int i)
{
	return ring->entries + (size_t)i * rec_size;
}

static size_t damon_rfc_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_rfc_ring) + (size_t)capacity * rec_size;
}

static void damon_rfc_init(struct damon_rfc_ring *ring, unsigned int capacity,
			   unsigned int rec_size, unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = capacity - 1;
	ring->c_mask = capacity - 1;
	ring->p_rec_size = rec_size;
	ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	local_set(&ring->busy, 0);
	damon_ring_stats_init(&ring->stats);
}

static bool damon_rfc_produce(struct damon_rfc_ring *ring,
			      const struct damon_access_report *r)
{
	unsigned int head, next;
	bool accepted = false;

	preempt_disable();
	rd_nest_point();
	if (local_inc_return(&ring->busy) != 1) {
		/* A producer is running on this CPU and we interrupted it. */
		local_inc(&ring->stats.dropped_nested);
		goto out;
	}
	rd_nest_point();
	head = ring->head;	/* only this CPU writes head */
	next = (head + 1) & ring->p_mask;
	rd_nest_point();
#ifdef DAMON_RFC_FIXED
	/* Acquire: kdamond's reads of the slot we reuse are done. */
	if (next == smp_load_acquire(&ring->tail)) {
#else
	/* No acquire, as posted: pairs with kdamond's plain tail store (gap 1). */
	if (next == READ_ONCE(ring->tail)) {
#endif
		local_inc(&ring->stats.dropped_full);
		goto out;
	}
	damon_report_put(damon_rfc_slot(ring, ring->p_rec_size, head),
			 ring->p_rec_size, r);
	rd_nest_point();
#ifdef DAMON_RFC_FIXED
	smp_store_release(&ring->head, next);	/* entry before head */
	rd_nest_point();
	smp_mb();	/* head before pending; pairs with kdamond's smp_mb() */
#else
	smp_wmb();	/* entry before head; pairs with kdamond's smp_rmb() */
	WRITE_ONCE(ring->head, next);
	rd_nest_point();
	/* Nothing orders the head store before this one (gap 2). */
#endif
	WRITE_ONCE(ring->pending, 1);
	local_inc(&ring->stats.accepted);
	accepted = true;
out:
	rd_nest_point();
	local_dec(&ring->busy);
	preempt_enable();
	return accepted;
}

static unsigned int damon_rfc_consume(struct damon_rfc_ring *ring,
				      struct damon_access_report *out,
				      unsigned int max)
{
	unsigned int tail = ring->tail;	/* only kdamond writes tail */
	unsigned long now = READ_ONCE(jiffies);
	unsigned int n = 0;

	if (tail == ring->c_head) {
		/* Start a pass over this CPU, as kdamond does each interval. */
		if (!READ_ONCE(ring->pending))
			return 0;
		WRITE_ONCE(ring->pending, 0);
		smp_mb();	/* clear pending before reading head */
#ifdef DAMON_RFC_FIXED
		/* Acquire: the entries up to head are written. */
		ring->c_head = smp_load_acquire(&ring->head);
#else
		ring->c_head = READ_ONCE(ring->head);
		smp_rmb();	/* head before the entries; pairs with smp_wmb() */
#endif
	}
	while (tail != ring->c_head && n < max) {
		damon_report_get(&out[n++],
				 damon_rfc_slot(ring, ring->c_rec_size, tail),
				 ring->c_rec_size, ring->cpu, now);
		tail = (tail + 1) & ring->c_mask;
	}
#ifdef DAMON_RFC_FIXED
	/* Release: our reads of the entries are done before they are reused. */
	smp_store_release(&ring->tail, tail);
#else
	/* Plain store, no release, as posted (gap 1). */
	WRITE_ONCE(ring->tail, tail);
#endif
	return n;
}

#ifndef __KERNEL__
static void damon_rfc_counters(const struct damon_rfc_ring *ring,
			       struct rd_ring_counters *c)
{
	rd_stats_add(c, &ring->stats);
}

static void damon_rfc_start_at(struct damon_rfc_ring *ring, u64 pos)
{
	ring->head = ring->tail = ring->c_head = pos & ring->p_mask;
}

RD_GLUE(damon_rfc_ring, damon_rfc)

#ifdef DAMON_RFC_FIXED
const struct rd_ring_design rd_design_rfc_fixed = {
	.name = "rfc-fixed",
	.summary = "RFC ring with both ordering gaps closed and exact drop counters",
	.atomics = "2 local RMW (busy); release head; smp_mb before pending",
#else
const struct rd_ring_design rd_design_rfc = {
	.name = "rfc",
	.summary = "RFC v1 as posted: busy counter, smp_wmb+head, pending flag, plain tail store",
	.atomics = "2 local RMW (busy inc/dec); smp_wmb before head",
#endif
	.nesting = RD_NEST_DROPS,
	.keeps_one_empty = true,
	.free_running = false,
	.nest_hooks = true,
	.lanes = 1,
	RD_GLUE_OPS(damon_rfc),
};
#endif /* !__KERNEL__ */
