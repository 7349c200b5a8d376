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
 * a ring.  kdamond reads each ring in place in one pass and stores tail once
 * after it (damon_rfc_peek(), damon_rfc_release(); consume() is the two with
 * a copy between).  v1 only fires a tracepoint on a drop; the model counts
 * what it sees (struct damon_rfc_trace).
 *
 * rfc_fixed.c builds this file with DAMON_RFC_FIXED: the least ordering that
 * closes both gaps, so the fix reads as the #ifdef blocks below.  In LKMM
 * terms:
 *
 *  1. tail: kdamond's reads of a slot, then smp_store_release(tail); the
 *     producer's READ_ONCE(tail) feeds the full test, and its slot stores
 *     are control-dependent on it.  Release + ctrl dep orders kdamond's
 *     reads before the producer's overwrite (the LB pattern; the kernel's
 *     circular-buffers.rst).  No acquire is needed on the NMI path.
 *  2. head/pending: the producer publishes head with smp_store_release()
 *     (entry before head) and pending with smp_store_release() (head before
 *     pending); kdamond clears pending with xchg() before it reads head.
 *     The bad outcome is: pending ends 0 and kdamond read the old head.
 *     pending ends 0 only if kdamond's clear is after the producer's 1 in
 *     coherence order; an RMW then reads that 1 (it reads the write just
 *     before it), so the pattern is MP (release store, then a fully ordered
 *     RMW that reads it, then the head load): forbidden.  With the posted
 *     WRITE_ONCE(pending, 0); smp_mb() instead of xchg(), the clear only
 *     overwrites the 1 (co, not rf): that is the R pattern, which the LKMM
 *     forbids only with smp_mb() on both sides (release is not enough), so
 *     keeping the posted kdamond side would put an smp_mb() on the NMI
 *     path; the xchg() moves the full barrier to kdamond, once per CPU per
 *     pass.  Dropping the producer's head-before-pending order (a plain
 *     pending store) allows the bad outcome even with the xchg(); so does a
 *     clear that does not order kdamond's head load after it (xchg_relaxed(),
 *     or WRITE_ONCE() without the smp_mb()).
 *     ring/rfc.pml checks all four (stress_spin_rfc).
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

/*
 * The instrumentation of the model: v1 fires trace_damon_perf_ring_overflow()
 * on both kinds of drop and counts nothing.  The model counts what that
 * tracepoint sees (@perf_ring_overflow), and which of those the busy guard
 * refused, plus the accepted reports, on a line of their own as the trace
 * buffer is, so counting adds no sharing the RFC does not have.
 */
struct damon_rfc_trace {
	local_t perf_ring_overflow;	/* every drop: full or nested */
	local_t overflow_nested;	/* of which the busy guard's */
	local_t accepted;		/* model only */
};

struct damon_rfc_ring {
	/* struct damon_report_ring: head, tail and entries a line each */
	unsigned int head ____cacheline_aligned;	/* written by producer (NMI) */
	unsigned int p_mask;
	unsigned int p_rec_size;
	unsigned int tail ____cacheline_aligned;	/* written by consumer (kdamond) */
	unsigned int c_mask;
	unsigned int c_rec_size;
	unsigned int c_head;	/* head snapshot of the current pass */
	unsigned int cpu;
	/*
	 * DEFINE_PER_CPU(local_t, damon_report_ring_busy) and
	 * DEFINE_PER_CPU(unsigned long, damon_ring_pending): two per-CPU
	 * variables of their own, next to each other in the per-CPU area (one
	 * line, which kdamond's clear of pending takes from the producer).
	 */
	local_t busy ____cacheline_aligned;
	unsigned long pending;
	struct damon_rfc_trace trace ____cacheline_aligned;
	u8 entries[] ____cacheline_aligned;
};

#ifndef __KERNEL__
#ifndef xchg
/* The kernel's xchg(): an atomic exchange, fully ordered (x86: xchg). */
#define xchg(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#endif
#endif

#ifdef DAMON_RFC_FIXED
#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer does not model control dependencies, so under it the
 * producer's tail load is an acquire (free on x86 either way).
 */
#define damon_rfc_read_tail(p)	smp_load_acquire(p)
#else
#define damon_rfc_read_tail(p)	READ_ONCE(*(p))
#endif
#endif

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
	local_set(&ring->trace.perf_ring_overflow, 0);
	local_set(&ring->trace.overflow_nested, 0);
	local_set(&ring->trace.accepted, 0);
}

/**
 * damon_rfc_produce() - damon_report_access() of 4/6, statement by statement.
 * @ring:	this CPU's ring.
 * @r:		the report; stamped with jiffies in the slot.
 *
 * Context: any, on the ring's CPU, NMI included.  A producer that finds the
 * busy counter taken (an NMI on top of a task-context producer) or the ring
 * full drops the report and counts it as the RFC's tracepoint sees it.
 * Orders (posted): the entry before head (smp_wmb(), paired with kdamond's
 * smp_rmb()); nothing orders head before pending, and the tail load is not
 * paired with anything.  DAMON_RFC_FIXED: see the file comment.
 *
 * Return: true if the report was placed in the ring.
 */
static bool damon_rfc_produce(struct damon_rfc_ring *ring,
			      const struct damon_access_report *r)
{
	unsigned int head, next;
	bool accepted = false;

	preempt_disable();
	rd_nest_point();
	if (local_inc_return(&ring->busy) != 1) {
		/* NMI nested on a process-context producer; drop. */
		local_inc(&ring->trace.perf_ring_overflow);
		local_inc(&ring->trace.overflow_nested);
		goto out;
	}
	rd_nest_point();
	head = ring->head;	/* only this CPU writes head */
	next = (head + 1) & ring->p_mask;
	rd_nest_point();
#ifdef DAMON_RFC_FIXED
	/*
	 * Control dependency: the slot stores below happen only if this load
	 * saw room, so they are ordered after it (LKMM: ctrl dep orders a load
	 * before later stores); it reads from kdamond's smp_store_release() of
	 * tail in damon_rfc_release(), so kdamond's reads of the slot we
	 * reuse are done before we write it.
	 */
	if (next == damon_rfc_read_tail(&ring->tail)) {
#else
	/* No pairing, as posted: kdamond's tail store is plain (gap 1). */
	if (next == READ_ONCE(ring->tail)) {
#endif
		local_inc(&ring->trace.perf_ring_overflow);
		goto out;
	}
	damon_report_put(damon_rfc_slot(ring, ring->p_rec_size, head),
			 ring->p_rec_size, r);
	rd_nest_point();
#ifdef DAMON_RFC_FIXED
	/* Release: the entry before head; pairs with kdamond's acquire of head. */
	smp_store_release(&ring->head, next);
	rd_nest_point();
	/*
	 * Release: head (and the entry) before pending.  Pairs with kdamond's
	 * xchg() of pending in damon_rfc_peek(): if that xchg reads this 1,
	 * its full barrier orders the head load after it, and release +
	 * acquire is message passing (MP), so kdamond sees this head.  If the
	 * xchg comes earlier in pending's coherence order, pending stays 1
	 * for the next pass.  Either way the report is not stranded, and no
	 * smp_mb() is needed here: see the file comment for why the posted
	 * WRITE_ONCE() + smp_mb() on kdamond's side would need one.
	 */
	smp_store_release(&ring->pending, 1);
#else
	smp_wmb();	/* publish entry before head; pairs with kdamond's smp_rmb() */
	WRITE_ONCE(ring->head, next);
	rd_nest_point();
	/* Nothing orders the head store before this one (gap 2). */
	WRITE_ONCE(ring->pending, 1);
#endif
	local_inc(&ring->trace.accepted);
	accepted = true;
out:
	rd_nest_point();
	local_dec(&ring->busy);
	preempt_enable();
	return accepted;
}

/**
 * damon_rfc_peek() - kdamond's look at one CPU's ring, in place: the loop
 * head of kdamond_check_reported_accesses() in 4/6.
 * @ring:	the ring of the CPU being drained.
 * @first:	set to the slot index of the oldest report shown.
 * @max:	at most this many reports.
 *
 * Context: kdamond only (the one consumer).  Starts a pass when the last
 * one is done: skip the CPU if pending is clear, clear it, read head; then
 * shows the reports from tail up to that head.  Nothing is freed until
 * damon_rfc_release().  Orders: the pending clear before the head load
 * (posted: smp_mb(); fixed: xchg()), and head before the entries (posted:
 * smp_rmb(), pairs with the producer's smp_wmb(); fixed: acquire, pairs
 * with its smp_store_release() of head).
 *
 * Return: reports shown (0 if none).
 */
static unsigned int damon_rfc_peek(struct damon_rfc_ring *ring,
				   unsigned int *first, unsigned int max)
{
	unsigned int tail = ring->tail;	/* only kdamond writes tail */
	unsigned int n;

	*first = tail;
	if (tail == ring->c_head) {
		/* A new pass over this CPU, as kdamond does each interval. */
		if (!READ_ONCE(ring->pending))
			return 0;
#ifdef DAMON_RFC_FIXED
		/*
		 * Full barrier, and an RMW: it reads the latest pending in
		 * coherence order, so a producer's 1 is either read here (and
		 * its head with it, see damon_rfc_produce()) or left set.
		 * Pairs with the producer's smp_store_release() of pending.
		 */
		xchg(&ring->pending, 0);
		/* Acquire: the entries up to head are written; pairs with its release. */
		ring->c_head = smp_load_acquire(&ring->head);
#else
		WRITE_ONCE(ring->pending, 0);
		/* Flag clear before the head read, as posted (not enough: gap 2). */
		smp_mb();
		ring->c_head = READ_ONCE(ring->head);
		smp_rmb();	/* head before the entries; pairs with smp_wmb() */
#endif
	}
	n = (ring->c_head - tail) & ring->c_mask;
	return n < max ? n : max;
}

/**
 * damon_rfc_release() - free the first @n reports shown by the last peek:
 * the one WRITE_ONCE(ring->tail, tail) after 4/6's loop.
 * @ring:	the ring.
 * @n:		reports done with.
 *
 * Context: kdamond only.  Posted: a plain store (gap 1: a weakly ordered
 * CPU may let the producer see it before kdamond's reads of the slots are
 * done).  Fixed: a release, paired with the producer's tail load and its
 * control dependency.
 */
static void damon_rfc_release(struct damon_rfc_ring *ring, unsigned int n)
{
	unsigned int tail = (ring->tail + n) & ring->c_mask;

#ifdef DAMON_RFC_FIXED
	/* Release: our reads of the entries happen before they are reused. */
	smp_store_release(&ring->tail, tail);
#else
	/* Plain store, no release, as posted (gap 1). */
	WRITE_ONCE(ring->tail, tail);
#endif
}

/* Copy-out consume: peek, copy, release. */
static unsigned int damon_rfc_consume(struct damon_rfc_ring *ring,
				      struct damon_access_report *out,
				      unsigned int max)
{
	unsigned int first, n, i;
	unsigned long now;

	n = damon_rfc_peek(ring, &first, max);
	/*
	 * After the peek's read of head, which follows the producers' stamps
	 * (partner: the head store in damon_report_access()): not older than
	 * a stamp it covers, as damon_report_decode() needs for a compact
	 * record.
	 */
	now = READ_ONCE(jiffies);
	for (i = 0; i < n; i++)
		damon_report_get(&out[i],
				 damon_rfc_slot(ring, ring->c_rec_size,
						(first + i) & ring->c_mask),
				 ring->c_rec_size, ring->cpu, now);
	if (n)
		damon_rfc_release(ring, n);
	return n;
}

#ifndef __KERNEL__
static void damon_rfc_counters(const struct damon_rfc_ring *ring,
			       struct rd_ring_counters *c)
{
	u64 a = local_read(&ring->trace.accepted);
	u64 o = local_read(&ring->trace.perf_ring_overflow);
	u64 nested = local_read(&ring->trace.overflow_nested);

	c->accepted += a;
	c->dropped_nested += nested;
	c->dropped_full += o - nested;
	c->produced += a + o;
}

static unsigned int damon_rfc_peek_v(void *r, struct rd_ring_view *v,
				     unsigned int max)
{
	struct damon_rfc_ring *ring = r;
	unsigned int first;

	v->n = damon_rfc_peek(ring, &first, max);
	v->slots = ring->entries;
	v->first = first;
	v->mask = ring->c_mask;
	v->rec_size = ring->c_rec_size;
	v->cpu = ring->cpu;
	return v->n;
}

static void damon_rfc_release_v(void *r, unsigned int n)
{
	damon_rfc_release(r, n);
}

static void damon_rfc_start_at(struct damon_rfc_ring *ring, u64 pos)
{
	ring->head = ring->tail = ring->c_head = pos & ring->p_mask;
}

#ifdef DAMON_RFC_FIXED
#define DAMON_RFC_DESIGN	rd_design_rfc_fixed
#define DAMON_RFC_VARIANT						\
	.name = "rfc-fixed",						\
	.summary = "RFC ring with both ordering gaps closed and exact drop counters", \
	.atomics = "2 local RMW (busy); release head; release pending (no full barrier)"
#else
#define DAMON_RFC_DESIGN	rd_design_rfc
#define DAMON_RFC_VARIANT						\
	.name = "rfc",							\
	.summary = "RFC v1 as posted: busy counter, smp_wmb+head, pending flag, plain tail store", \
	.atomics = "2 local RMW (busy inc/dec); smp_wmb before head"
#endif

RD_RING_DESIGN_COUNTED(DAMON_RFC_DESIGN, damon_rfc_ring, damon_rfc,
	DAMON_RFC_VARIANT,
	.nesting = RD_NEST_DROPS,
	.keeps_one_empty = true,
	.free_running = false,
	.peek = damon_rfc_peek_v,
	.release = damon_rfc_release_v)
#endif /* !__KERNEL__ */
