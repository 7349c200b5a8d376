/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - stress records that identify and check themselves.
 *
 * Every record carries its producer id, its context level, its sequence
 * number and a checksum, in fields that both ring formats keep intact (the
 * 32-byte compact encoding keeps paddr, vaddr, tgid, 31 bits of tid, is_write
 * and 32 bits of size; cpu is implied by the ring and report_jiffies is
 * stamped by the ring):
 *
 *   paddr	sequence number of this (producer, level) stream, from 0
 *   vaddr	checksum: a 64-bit hash of (seed, producer, level, sequence)
 *   tgid	RD_STRESS_TGID_BASE | producer << 4 | level
 *   tid	31 bits of a second hash of the checksum
 *   size	31 more bits of it (never 0, never saturated by the encoding)
 *   is_write	its top bit
 *   cpu	the producer id (the full format stores it; compact implies it)
 *
 * A record torn between two producers, or a slot read before it was
 * written, fails the check unless both halves came from the very same
 * record.  The sequence number only advances when the ring accepts a
 * record, so the accepted records of a stream are exactly 0 .. accepted-1.
 */
#ifndef RINGDRAIN_STRESS_RECORD_H
#define RINGDRAIN_STRESS_RECORD_H

#include "ring/ring.h"

#define RD_STRESS_TGID_BASE	0x52440000U	/* "RD" in the top half */
#define RD_STRESS_TGID_MASK	0xffff0000U
#define RD_STRESS_LEVELS	4	/* task, and signal depths 1..3 */
#define RD_STRESS_MAX_PRODUCERS	64

/* splitmix64's finaliser: every input bit moves every output bit. */
static __always_inline u64 rd_stress_mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/**
 * rd_stress_record() - the record @seq of stream (@producer, @level).
 * @r:		record to fill.
 * @seed:	the run's --seed.
 * @producer:	producer id, below RD_STRESS_MAX_PRODUCERS.
 * @level:	context level, below RD_STRESS_LEVELS.
 * @seq:	sequence number in the stream.
 *
 * Context: any, including a signal handler: arithmetic and stores only.
 */
static __always_inline void rd_stress_record(struct damon_access_report *r,
		u64 seed, unsigned int producer, unsigned int level, u64 seq)
{
	u64 sum = rd_stress_mix(rd_stress_mix(seed ^ (producer << 8 | level)) +
				seq);
	u64 more = rd_stress_mix(sum ^ 0x5bd1e9955bd1e995ULL);

	r->paddr = seq;
	r->vaddr = sum;
	r->size = ((more >> 31) & 0x7fffffffUL) | 1;
	r->cpu = producer;
	r->tid = (pid_t)(more & 0x7fffffffU);
	r->tgid = (pid_t)(RD_STRESS_TGID_BASE | producer << 4 | level);
	r->is_write = more >> 63;
	r->report_jiffies = 0;	/* the ring stamps it */
}

/**
 * rd_stress_identify() - check a consumed record and say whose it is.
 * @r:		the record as the consumer got it.
 * @seed:	the run's --seed.
 * @ring_cpu:	the ring it came out of (its producer id).
 * @now:	jiffies when it was consumed: no record may be stamped later.
 * @producer:	set to the producer id.
 * @level:	set to the context level.
 *
 * Context: the consumer.
 * Return: true if @r is exactly record r->paddr of a stream of @ring_cpu.
 */
static inline bool rd_stress_identify(const struct damon_access_report *r,
		u64 seed, unsigned int ring_cpu, unsigned long now,
		unsigned int *producer, unsigned int *level)
{
	struct damon_access_report want;
	u32 tgid = (u32)r->tgid;

	if ((tgid & RD_STRESS_TGID_MASK) != RD_STRESS_TGID_BASE)
		return false;
	*producer = (tgid >> 4) & 0xfff;
	*level = tgid & 0xf;
	if (*producer != ring_cpu || *level >= RD_STRESS_LEVELS)
		return false;
	rd_stress_record(&want, seed, *producer, *level, r->paddr);
	return r->vaddr == want.vaddr && r->size == want.size &&
		r->cpu == want.cpu && r->tid == want.tid &&
		r->is_write == want.is_write && r->report_jiffies <= now;
}

#endif /* RINGDRAIN_STRESS_RECORD_H */
