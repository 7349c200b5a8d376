/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cached.h - single-producer single-consumer ring with cached indices
 * (rigtorp's SPSCQueue, MCRingBuffer).
 *
 * Each side keeps a private copy of the other side's index and re-reads the
 * shared one only when its copy says the ring is full (producer) or empty
 * (consumer).  On the fast path the producer touches its own line and the
 * slot, nothing else.  Indices run free (unsigned int); every slot is usable.
 *
 * Used directly as the 'cached' design and as the per-context sub-ring of
 * 'ctxsplit'.  Not safe against a nested producer on its own.
 */
#ifndef RINGDRAIN_CACHED_H
#define RINGDRAIN_CACHED_H

#ifndef __KERNEL__
#include "kcompat.h"
#include "report.h"
#include "stats.h"
#else
#include <asm/barrier.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include "report.h"
#include "stats.h"
#endif

/**
 * struct damon_cached_ring - an SPSC ring whose sides cache each other's index.
 * @head:	next slot the producer fills; written by the producer only.
 * @tail_cache:	a tail the consumer has released, as the producer last read it.
 * @p_mask:	capacity - 1, the producer's copy.
 * @p_rec_size:	record size in bytes, the producer's copy.
 * @p_slots:	the slots, the producer's copy.
 * @stats:	producer-side counters.
 * @tail:	next slot the consumer reads; written by the consumer only.
 * @head_cache:	a head the producer has released, as the consumer last read it.
 * @c_mask:	capacity - 1, the consumer's copy.
 * @c_rec_size:	record size in bytes, the consumer's copy.
 * @cpu:	the CPU that owns the ring (rebuilds compact records).
 * @c_slots:	the slots, the consumer's copy.
 *
 * Each side reads only its own cache line on the fast path.
 */
struct damon_cached_ring {
	/* producer */
	unsigned int head ____cacheline_aligned;
	unsigned int tail_cache;	/* a tail the consumer has released */
	unsigned int p_mask;
	unsigned int p_rec_size;
	u8 *p_slots;
	struct damon_ring_stats stats;
	/* consumer */
	unsigned int tail ____cacheline_aligned;
	unsigned int head_cache;	/* a head the producer has released */
	unsigned int c_mask;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 *c_slots;
};

/**
 * damon_cached_ring_init() - set up an empty ring over @slots.
 * @ring:	the ring.
 * @slots:	@capacity * @rec_size bytes, owned by the caller.
 * @capacity:	slots, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU that owns the ring.
 */
static inline void damon_cached_ring_init(struct damon_cached_ring *ring,
					  u8 *slots, unsigned int capacity,
					  unsigned int rec_size,
					  unsigned int cpu)
{
	ring->head = 0;
	ring->tail_cache = 0;
	ring->tail = 0;
	ring->head_cache = 0;
	ring->p_mask = capacity - 1;
	ring->c_mask = capacity - 1;
	ring->p_rec_size = rec_size;
	ring->c_rec_size = rec_size;
	ring->p_slots = slots;
	ring->c_slots = slots;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
}

/**
 * damon_cached_ring_produce() - add one report.
 * @ring:	the ring.
 * @r:		the report.
 *
 * Context: the ring's single producer; never two at once (the caller
 * guarantees it, e.g. one ring per context level).
 * Return: true if accepted, false (counted) if the ring is full.
 */
static __always_inline bool
damon_cached_ring_produce(struct damon_cached_ring *ring,
			  const struct damon_access_report *r)
{
	unsigned int head = ring->head;	/* only the producer writes head */

	rd_nest_point();
	if (unlikely(head - ring->tail_cache > ring->p_mask)) {
		/* Acquire: the consumer's reads of the slot we reuse are done. */
		ring->tail_cache = smp_load_acquire(&ring->tail);
		rd_nest_point();
		if (head - ring->tail_cache > ring->p_mask) {
			local_inc(&ring->stats.dropped_full);
			return false;
		}
	}
	damon_report_put(ring->p_slots + (size_t)(head & ring->p_mask) *
			 ring->p_rec_size, ring->p_rec_size, r);
	rd_nest_point();
	smp_store_release(&ring->head, head + 1);	/* slot before head */
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

/**
 * damon_cached_ring_consume() - take up to @max reports.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Context: the ring's single consumer.
 * Return: reports copied to @out; 0 when the ring is empty.
 */
static __always_inline unsigned int
damon_cached_ring_consume(struct damon_cached_ring *ring,
			  struct damon_access_report *out, unsigned int max)
{
	unsigned int tail = ring->tail;	/* only the consumer writes tail */
	unsigned long now;
	unsigned int avail, n;

	if (tail == ring->head_cache) {
		/* Acquire: the slots below head are written. */
		ring->head_cache = smp_load_acquire(&ring->head);
		if (tail == ring->head_cache)
			return 0;
	}
	avail = ring->head_cache - tail;
	if (avail > max)
		avail = max;
	now = READ_ONCE(jiffies);
	for (n = 0; n < avail; n++)
		damon_report_get(&out[n], ring->c_slots +
				 (size_t)((tail + n) & ring->c_mask) *
				 ring->c_rec_size, ring->c_rec_size,
				 ring->cpu, now);
	/* Release: our reads are done before the slots are reused. */
	smp_store_release(&ring->tail, tail + n);
	return n;
}

#ifndef __KERNEL__
/**
 * damon_cached_ring_start_at() - move an empty, idle ring's indices.
 * @ring:	the ring.
 * @pos:	the new index of both sides.
 *
 * Test only: lets a test start a ring next to the index wrap.
 */
static inline void damon_cached_ring_start_at(struct damon_cached_ring *ring,
					      unsigned int pos)
{
	ring->head = pos;
	ring->tail_cache = pos;
	ring->tail = pos;
	ring->head_cache = pos;
}
#endif /* !__KERNEL__ */

#endif /* RINGDRAIN_CACHED_H */
