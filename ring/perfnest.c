// SPDX-License-Identifier: GPL-2.0
/*
 * perfnest.c - the perf mmap ring's protocol (kernel/events/ring_buffer.c)
 * for fixed-size report slots.
 *
 * A producer reserves its slot by advancing the private reserve index @head
 * with a CPU-local cmpxchg, so a nested producer (an NMI on top of it) simply
 * reserves the next slot.  @nest counts the producers running on this CPU;
 * only the outermost one publishes @user_head, the index the consumer reads,
 * and it re-checks @head afterwards in case an NMI reserved behind its back.
 * Nested producers never publish, so the consumer never sees a slot that an
 * interrupted producer is still writing.
 *
 * @nest needs no atomic: every nested producer restores it before it returns,
 * so an interrupted read-modify-write of it still stores the right value.
 *
 * Unlike perf, the producer caches the consumer's tail and re-reads it only
 * when the ring looks full.  A nested producer may refresh the cache under
 * us; any value it holds is a tail the consumer has released, so it is never
 * too far ahead.
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
#include <linux/string.h>
#include "report.h"
#include "stats.h"
#endif

/**
 * struct damon_perfnest_ring - one CPU's ring, perf's protocol.
 * @head:	next slot to reserve; CPU-local, every producer of the CPU.
 * @nest:	producers running on this CPU.
 * @tail_cache:	a tail the consumer has released, as a producer last read it.
 * @p_mask:	capacity - 1, the producers' copy.
 * @p_rec_size:	record size in bytes, the producers' copy.
 * @stats:	producer-side counters.
 * @user_head:	slots below it are written: what the consumer may read.
 *		It shares the producers' line: the consumer reads it once per
 *		drain, and a producer that runs cold after a drain pays one
 *		miss for its state instead of two.
 * @tail:	next slot the consumer reads; written by the consumer only.
 * @c_mask:	capacity - 1, the consumer's copy.
 * @c_rec_size:	record size in bytes, the consumer's copy.
 * @cpu:	the CPU that owns the ring (rebuilds compact records).
 * @slots:	capacity records of @c_rec_size bytes.
 *
 * Indices run free; a slot is index & mask.
 */
struct damon_perfnest_ring {
	/* producer, private to this CPU */
	local_t head ____cacheline_aligned;	/* next slot to reserve */
	unsigned int nest;			/* producers running here */
	unsigned long tail_cache;		/* a tail the consumer released */
	unsigned long p_mask;
	unsigned int p_rec_size;
	struct damon_ring_stats stats;
	unsigned long user_head;		/* producer -> consumer */
	/* consumer */
	unsigned long tail ____cacheline_aligned;
	unsigned long c_mask;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 slots[] ____cacheline_aligned;
};

/**
 * damon_perfnest_size() - bytes of a ring.
 * @capacity:	slots, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 *
 * Return: the size to allocate, cache-line aligned, for damon_perfnest_init().
 */
static size_t damon_perfnest_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_perfnest_ring) + (size_t)capacity * rec_size;
}

/**
 * damon_perfnest_start_at() - move an empty, idle ring's indices.
 * @ring:	the ring.
 * @pos:	the new index of every side.
 */
static void damon_perfnest_start_at(struct damon_perfnest_ring *ring, u64 pos)
{
	local_set(&ring->head, (long)pos);
	ring->tail_cache = pos;
	ring->user_head = pos;
	ring->tail = pos;
}

/**
 * damon_perfnest_init() - set up an empty ring.
 * @ring:	damon_perfnest_size() bytes, cache-line aligned.
 * @capacity:	slots, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose producers use the ring.
 */
static void damon_perfnest_init(struct damon_perfnest_ring *ring,
				unsigned int capacity, unsigned int rec_size,
				unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = capacity - 1;
	ring->c_mask = capacity - 1;
	ring->p_rec_size = rec_size;
	ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
	damon_perfnest_start_at(ring, 0);
}

/* The outermost producer publishes everything reserved so far. */
static __always_inline void
damon_perfnest_commit(struct damon_perfnest_ring *ring)
{
	unsigned long head;
	unsigned int nest = READ_ONCE(ring->nest);

	if (nest > 1) {
		/* Nested: the producer we interrupted publishes our slot. */
		WRITE_ONCE(ring->nest, nest - 1);
		return;
	}
again:
	head = local_read(&ring->head);
	rd_nest_point();	/* an NMI here reserves behind our back */
	/* Release: every slot below head is written, nested ones included. */
	smp_store_release(&ring->user_head, head);
	rd_nest_point();
	WRITE_ONCE(ring->nest, 0);
	barrier();
	rd_nest_point();
	if (unlikely((long)head != local_read(&ring->head))) {
		WRITE_ONCE(ring->nest, 1);
		goto again;
	}
}

/**
 * damon_perfnest_produce() - add one report to this CPU's ring.
 * @ring:	the ring of the CPU we run on.
 * @r:		the report; report_jiffies is stamped here.
 *
 * Context: any, NMI included, with preemption disabled; a producer that
 * interrupts another on the same CPU keeps both reports.
 * Return: true if the report is in the ring, false (counted) if it was full.
 */
static bool damon_perfnest_produce(struct damon_perfnest_ring *ring,
				   const struct damon_access_report *r)
{
	unsigned long head, tail;
	bool accepted = false;

	rd_nest_point();
	WRITE_ONCE(ring->nest, READ_ONCE(ring->nest) + 1);
	barrier();
	do {
		rd_nest_point();
		head = local_read(&ring->head);
		tail = READ_ONCE(ring->tail_cache);
		rd_nest_point();
		if (unlikely(head - tail > ring->p_mask)) {
			/* Acquire: the consumer is done with the slots below tail. */
			tail = smp_load_acquire(&ring->tail);
			WRITE_ONCE(ring->tail_cache, tail);
			if (head - tail > ring->p_mask) {
				local_inc(&ring->stats.dropped_full);
				goto out;
			}
		}
	} while (local_cmpxchg(&ring->head, head, head + 1) != (long)head);
	rd_nest_point();
	damon_report_put(ring->slots + (head & ring->p_mask) * ring->p_rec_size,
			 ring->p_rec_size, r);
	local_inc(&ring->stats.accepted);
	accepted = true;
out:
	rd_nest_point();
	damon_perfnest_commit(ring);
	return accepted;
}

/**
 * damon_perfnest_consume() - take up to @max reports, oldest first.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Context: the ring's one consumer (kdamond), any CPU.
 * Return: reports copied to @out; 0 when nothing is published.
 */
static unsigned int damon_perfnest_consume(struct damon_perfnest_ring *ring,
					   struct damon_access_report *out,
					   unsigned int max)
{
	unsigned long tail = ring->tail;	/* only the consumer writes tail */
	/* Acquire: the slots below user_head are written. */
	unsigned long avail = smp_load_acquire(&ring->user_head) - tail;
	unsigned long now = READ_ONCE(jiffies);
	unsigned int n;

	if (avail > max)
		avail = max;
	for (n = 0; n < avail; n++)
		damon_report_get(&out[n], ring->slots +
				 ((tail + n) & ring->c_mask) * ring->c_rec_size,
				 ring->c_rec_size, ring->cpu, now);
	if (n)	/* Release: our reads are done before the slots are reused. */
		smp_store_release(&ring->tail, tail + n);
	return n;
}

#ifndef __KERNEL__
RD_RING_DESIGN(rd_design_perfnest, damon_perfnest_ring, damon_perfnest, stats,
	.name = "perfnest",
	.summary = "perf ring protocol: local-cmpxchg reserve, nest count, outermost publishes",
	.atomics = "1 local cmpxchg (reserve); release store of user_head (outermost)",
	.nesting = RD_NEST_SAFE)
#endif /* !__KERNEL__ */
