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
#else
#include <asm/barrier.h>
#include <asm/local.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/prefetch.h>
#include <linux/string.h>
#include "report.h"
#include "stats.h"
#endif

/**
 * struct damon_seqslot_slot - one slot: its sequence word, then the record.
 * @seq:	position p: free when p, published when p + 1.
 * @pad:	keeps @rec 8-byte aligned.
 * @rec:	the record, DAMON_REPORT_FULL or DAMON_REPORT_COMPACT bytes.
 */
struct damon_seqslot_slot {
	u32 seq;
	u32 pad;
	u8 rec[];
};

/**
 * struct damon_seqslot_ring - one CPU's ring of sequenced slots.
 * @head:	next position to claim; CPU-local, every producer of the CPU.
 * @p_mask:	capacity - 1, the producers' copy.
 * @p_stride:	bytes per slot, the producers' copy.
 * @p_rec_size:	record size in bytes, the producers' copy.
 * @stats:	producer-side counters.
 * @tail:	next position the consumer reads; private to the consumer.
 * @c_mask:	capacity - 1, the consumer's copy.
 * @c_stride:	bytes per slot, the consumer's copy.
 * @c_rec_size:	record size in bytes, the consumer's copy.
 * @cpu:	the CPU that owns the ring (rebuilds compact records).
 * @slots:	capacity slots of @c_stride bytes.
 */
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

static inline struct damon_seqslot_slot *
damon_seqslot_slot(u8 *slots, unsigned int stride, unsigned long mask,
		   unsigned long pos)
{
	return (struct damon_seqslot_slot *)(slots + (pos & mask) * stride);
}

/*
 * One slot per cache line: 8 bytes of sequence word and a 48- or 32-byte
 * record.  A slot that straddled two lines (a 56- or 40-byte stride does,
 * one time in two) would cost a producer whose ring went cold a second miss.
 */
static unsigned int damon_seqslot_stride(unsigned int rec_size)
{
	BUILD_BUG_ON(sizeof(struct damon_seqslot_slot) + DAMON_REPORT_FULL >
		     SMP_CACHE_BYTES);
	return SMP_CACHE_BYTES;
}

/**
 * damon_seqslot_size() - bytes of a ring.
 * @capacity:	slots, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 *
 * Return: the size to allocate, cache-line aligned, for damon_seqslot_init().
 */
static size_t damon_seqslot_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_seqslot_ring) +
		(size_t)capacity * damon_seqslot_stride(rec_size);
}

/**
 * damon_seqslot_start_at() - move an empty, idle ring's indices.
 * @ring:	the ring.
 * @pos:	the new position of both sides; every slot is made free for it.
 */
static void damon_seqslot_start_at(struct damon_seqslot_ring *ring, u64 pos)
{
	local_set(&ring->head, (long)pos);
	ring->tail = pos;
	for (unsigned long i = 0; i <= ring->p_mask; i++)
		damon_seqslot_slot(ring->slots, ring->p_stride, ring->p_mask,
				   pos + i)->seq = (u32)(pos + i);
}

/**
 * damon_seqslot_init() - set up an empty ring.
 * @ring:	damon_seqslot_size() bytes, cache-line aligned.
 * @capacity:	slots, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose producers use the ring.
 */
static void damon_seqslot_init(struct damon_seqslot_ring *ring,
			       unsigned int capacity, unsigned int rec_size,
			       unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = capacity - 1;
	ring->c_mask = capacity - 1;
	ring->p_stride = damon_seqslot_stride(rec_size);
	ring->c_stride = damon_seqslot_stride(rec_size);
	ring->p_rec_size = rec_size;
	ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
	damon_seqslot_start_at(ring, 0);
}

/**
 * damon_seqslot_produce() - add one report to this CPU's ring.
 * @ring:	the ring of the CPU we run on.
 * @r:		the report; report_jiffies is stamped here.
 *
 * Context: any, NMI included, with preemption disabled; a producer that
 * interrupts another on the same CPU keeps both reports.
 * Return: true if the report is in the ring, false (counted) if it was full.
 */
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
		/*
		 * We read the sequence word and then write the slot: ask for
		 * the line in exclusive state at once, not shared then upgraded
		 * (the consumer wrote it last, so either costs a transfer).
		 */
		prefetchw(s);
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
	/*
	 * Release: the record and its jiffies read before seq; pairs with
	 * the consumer's acquire of seq and its jiffies read after it.
	 */
	smp_store_release(&s->seq, (u32)pos + 1);
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

/**
 * damon_seqslot_consume() - take up to @max reports, oldest first.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Stops at the first slot that is not published yet.
 * Context: the ring's one consumer (kdamond), any CPU.
 * Return: reports copied to @out; 0 when nothing is published.
 */
static unsigned int damon_seqslot_consume(struct damon_seqslot_ring *ring,
					  struct damon_access_report *out,
					  unsigned int max)
{
	unsigned long pos = ring->tail;
	unsigned long now;
	unsigned int n;

	for (n = 0; n < max; n++, pos++) {
		struct damon_seqslot_slot *s = damon_seqslot_slot(ring->slots,
				ring->c_stride, ring->c_mask, pos);

		rd_nest_point();	/* a tick, then a producer publishes */
		/* Acquire: the record is written. */
		if (smp_load_acquire(&s->seq) != (u32)pos + 1)
			break;
		/*
		 * After the acquire: the producer read jiffies for its stamp
		 * before its release of @s->seq (the partner), so this read is
		 * not older than the stamp, as damon_report_decode() needs.
		 * One @now read before the loop could be, by a tick on another
		 * CPU and a slot published after it.
		 */
		now = READ_ONCE(jiffies);
		damon_report_get(&out[n], s->rec, ring->c_rec_size, ring->cpu,
				 now);
		/* Release: our read is done before the next lap's write. */
		smp_store_release(&s->seq, (u32)(pos + ring->c_mask + 1));
	}
	ring->tail = pos;
	return n;
}

#ifndef __KERNEL__
RD_RING_DESIGN(rd_design_seqslot, damon_seqslot_ring, damon_seqslot, stats,
	.name = "seqslot",
	.summary = "slots claimed by local cmpxchg, each published by its own sequence word",
	.atomics = "1 local cmpxchg (claim); release store of the slot's sequence",
	.nesting = RD_NEST_SAFE)
#endif /* !__KERNEL__ */
