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
 *   consume  a batch of reports, from the one consumer (kdamond);
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

#include "kcompat.h"
#include "report.h"
#include "stats.h"

#define RD_ERR_LEN		256
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
	/* Any time; exact once producers are quiescent. */
	void (*counters)(const void *ring, struct rd_ring_counters *c);
	/* Test only: on an empty, idle ring, move every index to @pos. */
	void (*start_at)(void *ring, u64 pos);
};

/* The table: every design listed in ring/designs.def, in that order. */
extern const struct rd_ring_design *const rd_designs[];
extern const unsigned int rd_nr_designs;

const struct rd_ring_design *rd_design_find(const char *name);
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

/*
 * Check a ring's parameters; on error fill @err (naming the input and the
 * problem) and return -1.
 */
int rd_ring_check(const struct rd_ring_design *d, unsigned long capacity,
		  unsigned long rec_size, char *err);

/** struct rd_ring - a userspace handle: one design instance, one "CPU". */
struct rd_ring {
	const struct rd_ring_design *d;
	void *impl;
	unsigned int capacity;
	unsigned int rec_size;
	unsigned int cpu;
	bool own_mem;
};

/* Allocate (64-byte aligned) and init; NULL with @err filled on bad input. */
struct rd_ring *rd_ring_create(const struct rd_ring_design *d,
			       unsigned long capacity, unsigned long rec_size,
			       unsigned int cpu, char *err);
/* Init in caller memory of d->size() bytes (e.g. on a chosen NUMA node). */
struct rd_ring *rd_ring_create_in(const struct rd_ring_design *d, void *mem,
				  unsigned long capacity,
				  unsigned long rec_size, unsigned int cpu,
				  char *err);
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

int rd_ring_set_init(struct rd_ring_set *set, const struct rd_ring_design *d,
		     unsigned int nr_cpus, unsigned long capacity,
		     unsigned long rec_size, char *err);
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
