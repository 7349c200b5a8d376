// SPDX-License-Identifier: GPL-2.0
/*
 * ffwd.c - FastForward-style SPSC ring: the slot is the flag.
 *
 * Each slot starts with a sequence word; the indices are private to their
 * side and never shared.  For position p (free-running unsigned int) the
 * slot is free when seq == p, holds a record when seq == p + 1, and the
 * consumer frees it for the next lap with seq = p + capacity.  Only the
 * slot lines move between CPUs, never an index line.
 *
 * Not safe against a nested producer: an NMI that lands after the outer
 * producer read its private index claims the same slot, and the two records
 * overwrite each other.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#endif

struct damon_ffwd_slot {
	u32 seq;
	u32 pad;
	u8 rec[];
};

struct damon_ffwd_ring {
	/* producer */
	unsigned int head ____cacheline_aligned;	/* private */
	unsigned int p_mask;
	unsigned int p_stride;
	unsigned int p_rec_size;
	struct damon_ring_stats stats;
	/* consumer */
	unsigned int tail ____cacheline_aligned;	/* private */
	unsigned int c_mask;
	unsigned int c_stride;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 slots[] ____cacheline_aligned;
};

static inline struct damon_ffwd_slot *damon_ffwd_slot(u8 *slots,
		unsigned int stride, unsigned int mask, unsigned int pos)
{
	return (struct damon_ffwd_slot *)(slots + (size_t)(pos & mask) * stride);
}

static bool damon_ffwd_produce(struct damon_ffwd_ring *ring,
			       const struct damon_access_report *r)
{
	unsigned int pos;
	struct damon_ffwd_slot *s;

	rd_nest_point();
	pos = ring->head;
	s = damon_ffwd_slot(ring->slots, ring->p_stride, ring->p_mask, pos);
	prefetchw(s);	/* read, then write: one exclusive fetch, as seqslot */
	rd_nest_point();
	/* Acquire: the consumer's reads of this slot's last lap are done. */
	if (smp_load_acquire(&s->seq) != pos) {
		local_inc(&ring->stats.dropped_full);
		return false;
	}
	rd_nest_point();
	damon_report_put(s->rec, ring->p_rec_size, r);
	rd_nest_point();
	smp_store_release(&s->seq, pos + 1);	/* record before seq */
	rd_nest_point();
	ring->head = pos + 1;
	local_inc(&ring->stats.accepted);
	return true;
}

static unsigned int damon_ffwd_consume(struct damon_ffwd_ring *ring,
				       struct damon_access_report *out,
				       unsigned int max)
{
	unsigned int pos = ring->tail;
	unsigned long now;
	unsigned int n;

	for (n = 0; n < max; n++, pos++) {
		struct damon_ffwd_slot *s = damon_ffwd_slot(ring->slots,
				ring->c_stride, ring->c_mask, pos);

		/* Acquire: the record is written. */
		if (smp_load_acquire(&s->seq) != pos + 1)
			break;
		/*
		 * After the acquire (partner: the producer's release of
		 * @s->seq, after it read jiffies for the stamp): not older
		 * than the stamp, as damon_report_decode() needs.
		 */
		now = READ_ONCE(jiffies);
		damon_report_get(&out[n], s->rec, ring->c_rec_size, ring->cpu,
				 now);
		/* Release: our read is done before the next lap's write. */
		smp_store_release(&s->seq, pos + ring->c_mask + 1);
	}
	ring->tail = pos;
	return n;
}

#ifndef __KERNEL__
/* One slot per cache line, as seqslot: a straddling slot costs two lines. */
static unsigned int damon_ffwd_stride(unsigned int rec_size)
{
	return SMP_CACHE_BYTES;
}

static size_t damon_ffwd_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_ffwd_ring) +
		(size_t)capacity * damon_ffwd_stride(rec_size);
}

static void damon_ffwd_start_at(struct damon_ffwd_ring *ring, u64 pos)
{
	unsigned int p = (unsigned int)pos;

	ring->head = ring->tail = p;
	for (unsigned int i = 0; i <= ring->p_mask; i++)
		damon_ffwd_slot(ring->slots, ring->p_stride, ring->p_mask,
				p + i)->seq = p + i;
}

static void damon_ffwd_init(struct damon_ffwd_ring *ring,
			    unsigned int capacity, unsigned int rec_size,
			    unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = ring->c_mask = capacity - 1;
	ring->p_stride = ring->c_stride = damon_ffwd_stride(rec_size);
	ring->p_rec_size = ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
	damon_ffwd_start_at(ring, 0);
}

RD_RING_DESIGN(rd_design_ffwd, damon_ffwd_ring, damon_ffwd, stats,
	.name = "ffwd",
	.summary = "FastForward: per-slot sequence word, private indices, only slot lines move",
	.atomics = "none: acquire load and release store of the slot's sequence",
	.nesting = RD_NEST_UNSAFE)
#endif /* !__KERNEL__ */
