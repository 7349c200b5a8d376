/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.h - one API over every per-CPU report ring design.
 *
 * A design is one file under ring/ that fills a struct rd_ring_design and
 * one line in ring/designs.def.  Every design has the same shape:
 *
 *   init     a ring of a given capacity and record size, in caller memory;
 *   produce  one report, from the CPU that owns the ring, in any context the
 *            design allows (task, signal, NMI): returns accepted/refused;
 *   consume  a batch of reports, from the one consumer (kdamond), copied out;
 *   peek     the same reports in place, and release to give a batch of
 *            slots back with one store (natively, or through the generic
 *            fallback of registry.c for a design without its own);
 *   counters produced = accepted + dropped_full + dropped_nested.
 *
 * The producer side is async-signal-safe in every design: no allocation, no
 * locks, no libc, no syscalls, bounded work.  Which designs survive a
 * producer interrupted by a nested producer on the same CPU is stated by
 * ->nesting and proven by ring/tests/test_nest.c.
 */
#ifndef RINGDRAIN_RING_H
#define RINGDRAIN_RING_H

#include <stddef.h>

#include "base.h"
#include "kcompat.h"
#include "report.h"
#include "stats.h"

#define RD_MAX_CAPACITY		(1U << 24)	/* slots per ring */

/** struct rd_ring_counters - what a ring's producer side has seen. */
struct rd_ring_counters {
	u64 produced;		/* produce() calls */
	u64 accepted;		/* reports placed in the ring */
	u64 dropped_full;	/* refused: no free slot */
	u64 dropped_nested;	/* refused: a producer was already running */
};

/** enum rd_nesting - what happens to a producer interrupted by another. */
enum rd_nesting {
	RD_NEST_UNSAFE,	/* records may be lost, duplicated or torn */
	RD_NEST_DROPS,	/* the nested producer's record is refused and counted */
	RD_NEST_SAFE,	/* both records are kept, nothing is dropped */
};

/**
 * struct rd_ring_view - reports a consumer may read in place (the shape of
 * perf's mmap ring and of io_uring's CQ: read the records where they lie,
 * then give the slots back with one store).
 * @slots:	the slot array (or the generic fallback's staging buffer).
 * @first:	slot index of the oldest report of the view.
 * @mask:	slot index mask: report i lies at (@first + i) & @mask.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the ring's CPU (the compact form does not store it).
 * @n:		reports in the view.
 *
 * Valid until the matching release; nothing in it may be written.
 */
struct rd_ring_view {
	const u8 *slots;
	unsigned int first;
	unsigned int mask;
	unsigned int rec_size;
	unsigned int cpu;
	unsigned int n;
};

/* Report @i of @v where it lies (either record format). */
static inline const void *rd_view_slot(const struct rd_ring_view *v,
				       unsigned int i)
{
	return v->slots + (size_t)((v->first + i) & v->mask) * v->rec_size;
}

/*
 * Reports of @v, from report @i on, that lie next to each other in memory
 * before the slot array wraps (at least 1 for i < n).
 */
static inline unsigned int rd_view_contig(const struct rd_ring_view *v,
					  unsigned int i)
{
	unsigned int at = (v->first + i) & v->mask;
	unsigned int left = v->n - i;
	unsigned int to_end = v->mask - at + 1;

	/* to_end is 0 only for the fallback's mask ~0 at index 0. */
	return to_end && to_end < left ? to_end : left;
}

/* Report @i of @v as the full struct (decoded if the ring is compact). */
static inline void rd_view_get(const struct rd_ring_view *v, unsigned int i,
			       struct damon_access_report *out,
			       unsigned long now)
{
	damon_report_get(out, rd_view_slot(v, i), v->rec_size, v->cpu, now);
}

struct rd_ring_design {
	const char *name;	/* CLI name */
	const char *summary;	/* one line for ringdrain list */
	const char *atomics;	/* per-record atomics and barriers, producer side */
	enum rd_nesting nesting;
	bool keeps_one_empty;	/* usable capacity is capacity - 1 */
	bool free_running;	/* indices run free and wrap at 2^32 (or 2^64) */
	bool nest_hooks;	/* producer carries rd_nest_point() marks */
	unsigned int lanes;	/* independent sub-rings, each of the capacity */

	/* Bytes of ring memory for @capacity slots of @rec_size bytes. */
	size_t (*size)(unsigned int capacity, unsigned int rec_size);
	/* Initialise @ring (size() bytes, 64-byte aligned, any content). */
	void (*init)(void *ring, unsigned int capacity, unsigned int rec_size,
		     unsigned int cpu);
	/* Producer: the owning CPU, any context the design allows. */
	bool (*produce)(void *ring, const struct damon_access_report *r);
	/* Consumer: up to @max reports into @out; 0 when nothing is visible. */
	unsigned int (*consume)(void *ring, struct damon_access_report *out,
				unsigned int max);
	/*
	 * Consumer, in place (optional: NULL takes the generic fallback of
	 * ring/registry.c).  peek: describe in @v up to @max of the oldest
	 * reports where they lie, without freeing their slots; returns how
	 * many (0 when nothing is visible).  Calling it again before a
	 * release shows the same reports first.  release: free the first
	 * @n reports of the last peek (n <= what it showed) with one store.
	 */
	unsigned int (*peek)(void *ring, struct rd_ring_view *v,
			     unsigned int max);
	void (*release)(void *ring, unsigned int n);
	/* Any time; exact once producers are quiescent. */
	void (*counters)(const void *ring, struct rd_ring_counters *c);
	/* Test only: on an empty, idle ring, move every index to @pos. */
	void (*start_at)(void *ring, u64 pos);
};

/* The table: every design listed in ring/designs.def, in that order. */
extern const struct rd_ring_design *const rd_designs[];
extern const unsigned int rd_nr_designs;

/* The design called @name, or NULL. */
const struct rd_ring_design *rd_design_find(const char *name);

/**
 * rd_design_lookup() - the design called @name.
 * @name:	its CLI name.
 * @e:		if there is none, "unknown design '<name>' (known: ...)".
 *
 * Return: the design, or NULL with @e filled.
 */
const struct rd_ring_design *rd_design_lookup(const char *name,
					      struct rd_err *e);
const char *rd_nesting_name(enum rd_nesting n);

/* Reports the design can hold at once. */
static inline unsigned int rd_usable_capacity(const struct rd_ring_design *d,
					      unsigned int capacity)
{
	return d->keeps_one_empty ? capacity - 1 : capacity;
}

/* Reports a ring can hold at once, over all its sub-rings. */
static inline unsigned int rd_max_held(const struct rd_ring_design *d,
				       unsigned int capacity)
{
	return rd_usable_capacity(d, capacity) * (d->lanes ? d->lanes : 1);
}

/**
 * rd_ring_check() - check a ring's parameters.
 * @d:		the design.
 * @capacity:	slots, a power of two in 2..RD_MAX_CAPACITY.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @e:		on bad input, one line naming the input and the problem.
 *
 * Return: 0, or -EINVAL with @e filled.
 */
int rd_ring_check(const struct rd_ring_design *d, unsigned long capacity,
		  unsigned long rec_size, struct rd_err *e);

/** struct rd_ring - a userspace handle: one design instance, one "CPU". */
struct rd_ring {
	const struct rd_ring_design *d;
	void *impl;
	unsigned int capacity;
	unsigned int rec_size;
	unsigned int cpu;
	bool own_mem;
	/* The generic peek/release of designs without their own. */
	struct damon_access_report *stage;
	unsigned int stage_cap;
	unsigned int stage_first;
	unsigned int stage_n;
};

/*
 * Allocate (64-byte aligned) and init; NULL with @e filled on bad input
 * (EINVAL) or when out of memory (ENOMEM).
 */
struct rd_ring *rd_ring_create(const struct rd_ring_design *d,
			       unsigned long capacity, unsigned long rec_size,
			       unsigned int cpu, struct rd_err *e);
/* Init in caller memory of d->size() bytes (e.g. on a chosen NUMA node). */
struct rd_ring *rd_ring_create_in(const struct rd_ring_design *d, void *mem,
				  unsigned long capacity,
				  unsigned long rec_size, unsigned int cpu,
				  struct rd_err *e);
void rd_ring_destroy(struct rd_ring *ring);

static inline bool rd_ring_produce(struct rd_ring *ring,
				   const struct damon_access_report *r)
{
	return ring->d->produce(ring->impl, r);
}

static inline unsigned int rd_ring_consume(struct rd_ring *ring,
					   struct damon_access_report *out,
					   unsigned int max)
{
	return ring->d->consume(ring->impl, out, max);
}

unsigned int rd_ring_peek_fallback(struct rd_ring *ring,
				   struct rd_ring_view *v, unsigned int max);
void rd_ring_release_fallback(struct rd_ring *ring, unsigned int n);

/**
 * rd_ring_peek() - the oldest reports of @ring, in place.
 * @ring:	the ring; called only by its one consumer.
 * @v:		filled with where the reports lie (rd_view_slot(),
 *		rd_view_get(), rd_view_contig()).
 * @max:	at most this many.
 *
 * The reports' slots stay taken until rd_ring_release(): a producer that
 * finds the ring full is refused, nothing is overwritten.  A design without
 * its own peek goes through the generic fallback: it takes the reports out
 * with ->consume() into a staging buffer of the handle (so their slots are
 * free at once) and shows them there; they stay valid until released.
 * Orders like ->consume(): the reports read through @v are complete.
 * Do not mix rd_ring_consume() into a ring while a view of it is not fully
 * released (the fallback's staged reports would be overtaken).
 *
 * Return: reports in the view (0 when nothing is visible).
 */
static inline unsigned int rd_ring_peek(struct rd_ring *ring,
					struct rd_ring_view *v,
					unsigned int max)
{
	if (!max) {
		v->n = 0;
		return 0;
	}
	if (ring->d->peek)
		return ring->d->peek(ring->impl, v, max);
	return rd_ring_peek_fallback(ring, v, max);
}

/**
 * rd_ring_release() - give back the first @n reports of the last peek.
 * @ring:	the ring; its one consumer.
 * @n:		at most the last view's count.
 *
 * One store of the consumer index (a release in the designs that order
 * it): every read through the view happens before a producer reuses the
 * slots.  The rest of the view stays readable and is shown first by the
 * next peek.
 */
static inline void rd_ring_release(struct rd_ring *ring, unsigned int n)
{
	if (!n)
		return;
	if (ring->d->release)
		ring->d->release(ring->impl, n);
	else
		rd_ring_release_fallback(ring, n);
}

static inline void rd_ring_counters(const struct rd_ring *ring,
				    struct rd_ring_counters *c)
{
	ring->d->counters(ring->impl, c);
}

/*
 * struct rd_ring_set - one ring per CPU, as the kernel's per-CPU rings, and
 * the consumer-side scan kdamond does every sampling interval.
 */
struct rd_ring_set {
	const struct rd_ring_design *d;
	unsigned int nr_cpus;
	struct rd_ring **rings;
};

/*
 * One ring of @d per CPU; 0, or -EINVAL / -ENOMEM with @e filled (nothing
 * left to destroy).
 */
int rd_ring_set_init(struct rd_ring_set *set, const struct rd_ring_design *d,
		     unsigned int nr_cpus, unsigned long capacity,
		     unsigned long rec_size, struct rd_err *e);
void rd_ring_set_destroy(struct rd_ring_set *set);

/* Called by the scan with each batch it takes out of CPU @cpu's ring. */
typedef void (*rd_batch_fn)(void *arg, unsigned int cpu,
			    const struct damon_access_report *batch,
			    unsigned int n);

/*
 * rd_ring_set_drain() - kdamond's scan: every CPU's ring, in CPU order, in
 * batches of up to @batch_len reports through @buf.  Takes at most one
 * ring's usable capacity per CPU per call, so a producer that keeps
 * producing cannot hold the scan on its CPU.  Returns reports taken.
 */
u64 rd_ring_set_drain(struct rd_ring_set *set,
		      struct damon_access_report *buf, unsigned int batch_len,
		      rd_batch_fn fn, void *arg);

/* Sum of every CPU's counters. */
void rd_ring_set_counters(const struct rd_ring_set *set,
			  struct rd_ring_counters *c);

#endif /* RINGDRAIN_RING_H */
