/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - the access report a producer pushes into a per-CPU ring, and
 * its compact 32-byte encoding.
 *
 * struct damon_access_report is the kernel's (include/linux/damon.h, with the
 * RFC's @tgid): 48 bytes on 64-bit, so a 64-byte cache line holds one and a
 * third.  struct damon_report_compact carries the same information in 32
 * bytes, two per cache line:
 *
 *   - @cpu is dropped: the ring it sits in is per-CPU, so the consumer knows it;
 *   - @size is narrowed to 32 bits (perf reports are PAGE_SIZE);
 *   - @report_jiffies is narrowed to its low 32 bits and rebuilt against the
 *     consumer's current jiffies (exact for reports younger than 2^31 ticks;
 *     the drain drops reports older than one sampling interval anyway);
 *   - @is_write shares a word with @tid (pids are below PID_MAX_LIMIT, 2^22).
 *
 * The encoding is lossless for every report with size < 4 GiB, which covers
 * every page-sized report.  A larger @size is saturated to U32_MAX, never
 * wrapped, so a huge report can be recognised, not mistaken for a small one.
 */
#ifndef RINGDRAIN_REPORT_H
#define RINGDRAIN_REPORT_H

#ifndef __KERNEL__
#include "kcompat.h"
#include "nest.h"

/*
 * struct damon_access_report - Represents a single access report.
 * @paddr:	Physical address of the accessed memory.
 * @vaddr:	Virtual address of the accessed memory.
 * @size:	The size of the accessed address range.
 * @cpu:	The id of the CPU that made the access.
 * @tid:	The task id of the task that made the access.
 * @tgid:	Thread group id of the task that made the access.
 * @is_write:	Whether the access is write.
 */
struct damon_access_report {
	unsigned long paddr;
	unsigned long vaddr;
	unsigned long size;
	unsigned int cpu;
	pid_t tid;
	pid_t tgid;
	bool is_write;
	/* private: */
	unsigned long report_jiffies; /* when this report is made */
};
#else
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/damon.h>
#include <linux/jiffies.h>
#include <linux/types.h>
#endif /* !__KERNEL__ */

/**
 * struct damon_report_compact - 32-byte ring encoding of an access report.
 * @paddr:	as &damon_access_report.paddr.
 * @vaddr:	as &damon_access_report.vaddr.
 * @tgid:	as &damon_access_report.tgid.
 * @tid_write:	tid in bits 0..30, is_write in bit 31.
 * @size:	size, saturated at U32_MAX.
 * @jiffies_lo:	low 32 bits of report_jiffies.
 */
struct damon_report_compact {
	u64 paddr;
	u64 vaddr;
	u32 tgid;
	u32 tid_write;
	u32 size;
	u32 jiffies_lo;
};

#define DAMON_REPORT_COMPACT_WRITE	BIT(31)

static_assert(sizeof(struct damon_report_compact) == 32,
	      "two compact reports per 64-byte cache line");
#if defined(__LP64__) || defined(CONFIG_64BIT)
static_assert(sizeof(struct damon_access_report) == 48,
	      "struct damon_access_report is 48 bytes on 64-bit");
#endif

/*
 * Record sizes a ring can be built with.  The ring stores one or the other;
 * producers and consumers always see struct damon_access_report.  A build
 * that stores only compact records defines DAMON_REPORT_RING_COMPACT (the
 * kernel text of ringdrain export is cut with it): damon_report_put() and
 * damon_report_get() then take no run-time branch on the record size.
 */
enum damon_report_format {
	DAMON_REPORT_FULL = sizeof(struct damon_access_report),
	DAMON_REPORT_COMPACT = sizeof(struct damon_report_compact),
};

/**
 * damon_report_encode() - pack a report into its compact form.
 * @c:		slot to write.
 * @r:		report to encode; @r->cpu is not stored.
 * @now:	jiffies to stamp, as the producer stamps the full record.
 *
 * Context: any, including NMI.  Plain stores only; the caller publishes.
 */
static __always_inline void
damon_report_encode(struct damon_report_compact *c,
		    const struct damon_access_report *r, unsigned long now)
{
	c->paddr = r->paddr;
	c->vaddr = r->vaddr;
	c->tgid = (u32)r->tgid;
	rd_nest_point();	/* an NMI here sees half a record in this slot */
	c->tid_write = ((u32)r->tid & ~DAMON_REPORT_COMPACT_WRITE) |
		(r->is_write ? DAMON_REPORT_COMPACT_WRITE : 0);
	c->size = r->size > 0xffffffffUL ? 0xffffffffU : (u32)r->size;
	c->jiffies_lo = (u32)now;
}

/**
 * damon_report_decode() - unpack a compact report.
 * @r:		report to fill.
 * @c:		compact slot.
 * @cpu:	the CPU whose ring held @c.
 * @now:	the consumer's current jiffies, not older than the report: read
 *		after the acquire (or full barrier) that observed @c published,
 *		which orders it after the producer's read for the stamp.  Read
 *		before, a tick and a report stamped after it decode 2^32 - 1
 *		ticks old.
 */
static __always_inline void
damon_report_decode(struct damon_access_report *r,
		    const struct damon_report_compact *c, unsigned int cpu,
		    unsigned long now)
{
	r->paddr = c->paddr;
	r->vaddr = c->vaddr;
	r->size = c->size;
	r->cpu = cpu;
	r->tid = (pid_t)(c->tid_write & ~DAMON_REPORT_COMPACT_WRITE);
	r->tgid = (pid_t)c->tgid;
	r->is_write = !!(c->tid_write & DAMON_REPORT_COMPACT_WRITE);
	r->report_jiffies = now - (u32)((u32)now - c->jiffies_lo);
}

/**
 * damon_report_put() - store a report into a ring slot and stamp it.
 * @slot:	slot memory, @rec_size bytes.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @r:		the report.
 *
 * One struct copy of @r, then report_jiffies stamped with the current
 * jiffies, as the RFC's producer does (compact: the encoding's stores).
 * Context: any, including NMI.  Plain stores; the caller publishes the slot.
 */
static __always_inline void
damon_report_put(void *slot, unsigned int rec_size,
		 const struct damon_access_report *r)
{
	unsigned long now = READ_ONCE(jiffies);
#ifdef DAMON_REPORT_RING_COMPACT
	/* The build's one record format: no branch on @rec_size. */
	damon_report_encode(slot, r, now);
#else
	struct damon_access_report *f = slot;

	if (rec_size == DAMON_REPORT_COMPACT) {
		damon_report_encode(slot, r, now);
		return;
	}
	*f = *r;		/* one struct copy, as the RFC's producer does */
	rd_nest_point();	/* an NMI here sees a record not yet stamped */
	f->report_jiffies = now;
#endif
}

/**
 * damon_report_get() - load a report from a ring slot.
 * @r:		report to fill.
 * @slot:	slot memory, @rec_size bytes.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose ring held @slot (used by the compact form).
 * @now:	the consumer's jiffies (used by the compact form).
 *
 * Context: the ring's consumer, after acquiring the slot.
 */
static __always_inline void
damon_report_get(struct damon_access_report *r, const void *slot,
		 unsigned int rec_size, unsigned int cpu, unsigned long now)
{
#ifdef DAMON_REPORT_RING_COMPACT
	/* The build's one record format: no branch on @rec_size. */
	damon_report_decode(r, slot, cpu, now);
#else
	if (rec_size == DAMON_REPORT_COMPACT)
		damon_report_decode(r, slot, cpu, now);
	else
		*r = *(const struct damon_access_report *)slot;
#endif
}

#endif /* RINGDRAIN_REPORT_H */
