// SPDX-License-Identifier: GPL-2.0
/*
 * bpfrb.c - the BPF ring buffer's locking policy and commit protocol
 * (kernel/bpf/ringbuf.c) as a per-CPU report ring.
 *
 * Modelled, as __bpf_ringbuf_reserve() and bpf_ringbuf_commit() do it:
 *
 *   reserve  under a spinlock: read the consumer position (acquire), check
 *            space, write the record header with its BUSY bit, publish the
 *            new producer position (release), unlock;
 *   write    the record, outside the lock;
 *   commit   xchg() the header to its length without BUSY.
 *
 *   The consumer (libbpf's ringbuf_process_ring()) reads the producer
 *   position (acquire), then each header (acquire) and stops at the first
 *   BUSY one, so a record reserved later but committed earlier (an NMI that
 *   landed after our unlock) waits for the one before it: order is kept per
 *   context and nothing half written is ever read.
 *
 * The locking policy: BPF takes the lock with raw_spin_trylock_irqsave() in
 * NMI context, and with raw_spin_lock_irqsave() elsewhere.  An NMI that lands
 * on a holder (on this CPU, or contending with another CPU) fails the
 * trylock, and the record is dropped: here that is counted as a nested drop.
 *
 * Userspace: the lock is an atomic flag (xchg to take, release store to
 * drop); the context is interrupt_context_level() (ring/kcompat.h: the
 * signal-handler depth).  The kernel's irqsave keeps a softirq or hardirq
 * off a holder, so there only an NMI can land on it; a signal handler
 * cannot be masked without a system call, so here every nested level
 * (depth >= 1) is NMI-like and trylocks: a plain spin in a handler that
 * interrupted a holder on the same thread would never return.  Only task
 * context (depth 0) spins, and since a ring has one CPU's producers and a
 * depth-0 producer never runs while a handler above it is inside, that spin
 * never waits here.  So the model drops a nested producer at every level
 * that lands between lock and unlock, where the kernel drops only NMIs.
 *
 * Not modelled: variable-length records (every record is one fixed-size
 * slot, a header and the report, so positions count records and a record
 * never wraps the data area, which the kernel maps twice for that), the
 * discard bit, the consumer wakeup (irq_work) and the positions' own pages
 * (the kernel maps them into userspace; here each has its own cache line).
 * BPF's ring is shared by every CPU (MPSC); here one ring per CPU, as the
 * other designs, so the lock only ever meets this CPU's nested producers.
 *
 * Cost: per record a LOCK'ed xchg (lock), a release store (unlock), a
 * release store (producer position) and a LOCK'ed xchg (commit).
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#else
#include <asm/barrier.h>
#include <asm/local.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include "report.h"
#include "stats.h"
#endif

#define DAMON_BPFRB_BUSY_BIT	(1U << 31)	/* BPF_RINGBUF_BUSY_BIT */
#define DAMON_BPFRB_HDR_SZ	8		/* BPF_RINGBUF_HDR_SZ */

/**
 * struct damon_bpfrb_hdr - a record's header, as struct bpf_ringbuf_hdr.
 * @len:	the record's length, with DAMON_BPFRB_BUSY_BIT while its
 *		producer has reserved it and not yet committed it.
 * @pg_off:	unused (BPF finds the ring from a record with it).
 */
struct damon_bpfrb_hdr {
	u32 len;
	u32 pg_off;
};

/**
 * struct damon_bpfrb_ring - one CPU's ring, the BPF ring buffer's protocol.
 * @lock:	the spinlock, 0 free, 1 held; producers only.
 * @producer_pos: next record to reserve; written under @lock.
 * @p_mask:	capacity - 1, the producers' copy.
 * @p_rec_size:	record size in bytes, the producers' copy.
 * @stats:	producer-side counters.
 * @consumer_pos: next record the consumer reads; written by the consumer.
 * @c_mask:	capacity - 1, the consumer's copy.
 * @c_rec_size:	record size in bytes, the consumer's copy.
 * @cpu:	the CPU that owns the ring (rebuilds compact records).
 * @data:	capacity slots of a header and a record each.
 *
 * Positions run free; a slot is position & mask.
 */
struct damon_bpfrb_ring {
	/* producers */
	int lock ____cacheline_aligned;
	unsigned long producer_pos;
	unsigned long p_mask;
	unsigned int p_rec_size;
	struct damon_ring_stats stats;
	/* consumer */
	unsigned long consumer_pos ____cacheline_aligned;
	unsigned long c_mask;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 data[] ____cacheline_aligned;
};

/* The header of the slot of position @pos. */
static __always_inline struct damon_bpfrb_hdr *
damon_bpfrb_slot(u8 *data, unsigned long pos, unsigned long mask,
		 unsigned int rec_size)
{
	return (struct damon_bpfrb_hdr *)(data + (pos & mask) *
					  (DAMON_BPFRB_HDR_SZ + rec_size));
}

/**
 * damon_bpfrb_size() - bytes of a ring.
 * @capacity:	records, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 *
 * Return: the size to allocate, cache-line aligned, for damon_bpfrb_init().
 */
static size_t damon_bpfrb_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_bpfrb_ring) +
		(size_t)capacity * (DAMON_BPFRB_HDR_SZ + rec_size);
}

/**
 * damon_bpfrb_start_at() - move an empty, idle ring's positions.
 * @ring:	the ring.
 * @pos:	the new position of both sides.
 */
static void damon_bpfrb_start_at(struct damon_bpfrb_ring *ring, u64 pos)
{
	ring->producer_pos = pos;
	ring->consumer_pos = pos;
}

/**
 * damon_bpfrb_init() - set up an empty ring.
 * @ring:	damon_bpfrb_size() bytes, cache-line aligned.
 * @capacity:	records, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose producers use the ring.
 */
static void damon_bpfrb_init(struct damon_bpfrb_ring *ring,
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
	damon_bpfrb_start_at(ring, 0);
}

/* raw_spin_trylock(): xchg is fully ordered, so it acquires the section. */
static __always_inline bool damon_bpfrb_trylock(struct damon_bpfrb_ring *ring)
{
	return READ_ONCE(ring->lock) == 0 && xchg(&ring->lock, 1) == 0;
}

/* raw_spin_lock(): test-and-test-and-set. */
static __always_inline void damon_bpfrb_lock(struct damon_bpfrb_ring *ring)
{
	while (!damon_bpfrb_trylock(ring))
		cpu_relax();
}

/* raw_spin_unlock(): release, pairs with the xchg of the next holder. */
static __always_inline void damon_bpfrb_unlock(struct damon_bpfrb_ring *ring)
{
	smp_store_release(&ring->lock, 0);
}

/**
 * damon_bpfrb_produce() - add one report to this CPU's ring.
 * @ring:	the ring of the CPU we run on.
 * @r:		the report; report_jiffies is stamped here.
 *
 * Context: any, with preemption disabled.  In NMI context (here: any
 * signal-handler depth) the lock is only tried: a producer that interrupts
 * a holder on this CPU is refused and counted as a nested drop.  A producer
 * that interrupts another after its unlock reserves the next record.
 * Return: true if the report is in the ring, false (counted) if the ring
 * was full or the lock was held.
 */
static bool damon_bpfrb_produce(struct damon_bpfrb_ring *ring,
				const struct damon_access_report *r)
{
	unsigned long prod, cons;
	struct damon_bpfrb_hdr *hdr;

	rd_nest_point();
	if (interrupt_context_level() > 0) {	/* in_nmi() */
		if (!damon_bpfrb_trylock(ring)) {
			local_inc(&ring->stats.dropped_nested);
			return false;
		}
	} else {
		damon_bpfrb_lock(ring);
	}
	rd_nest_point();	/* an NMI here finds the lock held */
	/* Acquire: pairs with kdamond's release; it is done with those slots. */
	cons = smp_load_acquire(&ring->consumer_pos);
	prod = ring->producer_pos;	/* only written under the lock */
	if (unlikely(prod - cons > ring->p_mask)) {
		damon_bpfrb_unlock(ring);
		local_inc(&ring->stats.dropped_full);
		return false;
	}
	hdr = damon_bpfrb_slot(ring->data, prod, ring->p_mask, ring->p_rec_size);
	WRITE_ONCE(hdr->len, ring->p_rec_size | DAMON_BPFRB_BUSY_BIT);
	rd_nest_point();
	/* Release: the BUSY header first; pairs with kdamond's acquire. */
	smp_store_release(&ring->producer_pos, prod + 1);
	rd_nest_point();
	damon_bpfrb_unlock(ring);
	rd_nest_point();	/* an NMI here reserves the next record */
	damon_report_put(hdr + 1, ring->p_rec_size, r);
	rd_nest_point();
	/* Commit (full barrier): record, then bit; pairs with kdamond. */
	xchg(&hdr->len, ring->p_rec_size);
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

/**
 * damon_bpfrb_consume() - take up to @max committed reports, oldest first.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Stops at the first record still BUSY, as libbpf's consumer does.
 * Context: the ring's one consumer (kdamond), any CPU.
 * Return: reports copied to @out; 0 when nothing committed is in order.
 */
static unsigned int damon_bpfrb_consume(struct damon_bpfrb_ring *ring,
					struct damon_access_report *out,
					unsigned int max)
{
	unsigned long cons = ring->consumer_pos;	/* only we write it */
	/* Acquire: pairs with the producers' release of producer_pos. */
	unsigned long prod = smp_load_acquire(&ring->producer_pos);
	unsigned long now = READ_ONCE(jiffies);
	unsigned int n = 0;

	while (n < max && cons != prod) {
		struct damon_bpfrb_hdr *hdr =
			damon_bpfrb_slot(ring->data, cons, ring->c_mask,
					 ring->c_rec_size);
		/* Acquire: pairs with the commit's xchg; the record is written. */
		u32 len = smp_load_acquire(&hdr->len);

		if (len & DAMON_BPFRB_BUSY_BIT)
			break;
		damon_report_get(&out[n++], hdr + 1, ring->c_rec_size,
				 ring->cpu, now);
		cons++;
	}
	if (n)	/* Release: our reads first; pairs with the producers' acquire. */
		smp_store_release(&ring->consumer_pos, cons);
	return n;
}

#ifndef __KERNEL__
RD_RING_DESIGN(rd_design_bpfrb, damon_bpfrb_ring, damon_bpfrb, stats,
	.name = "bpfrb",
	.summary = "BPF ring buffer policy: spinlock (trylock when nested, drop if held), busy bit then commit",
	.atomics = "2 LOCK xchg (lock, commit); release stores of producer_pos and the lock",
	.nesting = RD_NEST_DROPS)
#endif /* !__KERNEL__ */
