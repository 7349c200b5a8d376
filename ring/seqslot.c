// SPDX-License-Identifier: GPL-2.0
/*
 * seqslot.c - fixed-size slots claimed with a CPU-local cmpxchg and
 * published one by one with a per-slot sequence word.
 *
 * For position p the slot is free when seq == p, published when
 * seq == p + 1, and the consumer frees it for the next lap with
 * seq = p + capacity.  A producer claims position p by moving the reserve
 * index @head from p to p + 1 with a CPU-local cmpxchg, so a nested producer
 * (an NMI on top of it) claims p + 1 and publishes it on its own.  The
 * consumer walks positions in order and stops at the first slot that is not
 * published, so a slot still being written by an interrupted producer holds
 * back the ones after it until that producer resumes and publishes.
 *
 * Unlike perfnest there is no nest count and no shared head: the consumer
 * reads only the slots, the producer only its own line and the slot.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#endif

struct damon_seqslot_slot {
	u32 seq;
	u32 pad;
	u8 rec[];
};

struct damon_seqslot_ring {
	/* producer, private to this CPU */
	local_t head ____cacheline_aligned;	/* next position to claim */
	unsigned long p_mask;
	unsigned int p_stride;
	unsigned int p_rec_size;
	struct damon_ring_stats stats;
	/* consumer */
	unsigned long tail ____cacheline_aligned;	/* private */
	unsigned long c_mask;
	unsigned int c_stride;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 slots[] ____cacheline_aligned;
};

static inline struct damon_seqslot_slot *damon_seqslot_slot(u8 *slots,
		unsigned int stride, unsigned long mask, unsigned long pos)
{
	return (struct damon_seqslot_slot *)(slots + (pos & mask) * stride);
}

static bool damon_seqslot_produce(struct damon_seqslot_ring *ring,
				  const struct damon_access_report *r)
{
	struct damon_seqslot_slot *s;
	unsigned long pos;

	for (;;) {
		rd_nest_point();
		pos = local_read(&ring->head);
		s = damon_seqslot_slot(ring->slots, ring->p_stride,
				       ring->p_mask, pos);
		rd_nest_point();
		/* Acquire: the consumer's reads of this slot's last lap are done. */
		if (unlikely(smp_load_acquire(&s->seq) != (u32)pos)) {
			if (local_read(&ring->head) != (long)pos)
				continue;	/* an NMI claimed pos: retry */
			local_inc(&ring->stats.dropped_full);
			return false;
		}
		rd_nest_point();
		if (local_cmpxchg(&ring->head, pos, pos + 1) == (long)pos)
			break;
	}
	rd_nest_point();
	damon_report_put(s->rec, ring->p_rec_size, r);
	rd_nest_point();
	smp_store_release(&s->seq, (u32)pos + 1);	/* record before seq */
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

static unsigned int damon_seqslot_consume(struct damon_seqslot_ring *ring,
					  struct damon_access_report *out,
					  unsigned int max)
{
	unsigned long now = READ_ONCE(jiffies);
	unsigned long pos = ring->tail;
	unsigned int n;

	for (n = 0; n < max; n++, pos++) {
		struct damon_seqslot_slot *s = damon_seqslot_slot(ring->slots,
				ring->c_stride, ring->c_mask, pos);

		/* Acquire: the record is written. */
		if (smp_load_acquire(&s->seq) != (u32)pos + 1)
			break;
		damon_report_get(&out[n], s->rec, ring->c_rec_size, ring->cpu,
				 now);
		/* Release: our read is done before the next lap's write. */
		smp_store_release(&s->seq, (u32)(pos + ring->c_mask + 1));
	}
	ring->tail = pos;
	return n;
}

#ifndef __KERNEL__
static unsigned int damon_seqslot_stride(unsigned int rec_size)
{
	return sizeof(struct damon_seqslot_slot) + rec_size;
}

static size_t damon_seqslot_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_seqslot_ring) +
		(size_t)capacity * damon_seqslot_stride(rec_size);
}

static void damon_seqslot_start_at(struct damon_seqslot_ring *ring, u64 pos)
{
	local_set(&ring->head, (long)pos);
	ring->tail = pos;
	for (unsigned long i = 0; i <= ring->p_mask; i++)
		damon_seqslot_slot(ring->slots, ring->p_stride, ring->p_mask,
				   pos + i)->seq = (u32)(pos + i);
}

static void damon_seqslot_init(struct damon_seqslot_ring *ring,
			       unsigned int capacity, unsigned int rec_size,
			       unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = ring->c_mask = capacity - 1;
	ring->p_stride = ring->c_stride = damon_seqslot_stride(rec_size);
	ring->p_rec_size = ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
	damon_seqslot_start_at(ring, 0);
}

static void damon_seqslot_counters(const struct damon_seqslot_ring *ring,
				   struct rd_ring_counters *c)
{
	rd_stats_add(c, &ring->stats);
}

RD_GLUE(damon_seqslot_ring, damon_seqslot)

const struct rd_ring_design rd_design_seqslot = {
	.name = "seqslot",
	.summary = "slots claimed by local cmpxchg, each published by its own sequence word",
	.atomics = "1 local cmpxchg (claim); release store of the slot's sequence",
	.nesting = RD_NEST_SAFE,
	.keeps_one_empty = false,
	.free_running = true,
	.nest_hooks = true,
	.lanes = 1,
	RD_GLUE_OPS(damon_seqslot),
};
#endif /* !__KERNEL__ */
