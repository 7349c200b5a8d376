/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_int.h - what the run (stress.c) and the producers (producer.c,
 * perf.c) share.  Not an API: the command uses stress.h.
 */
#ifndef RINGDRAIN_STRESS_INT_H
#define RINGDRAIN_STRESS_INT_H

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "stress.h"

/*
 * What one context level of one producer did.  Only that level of that
 * thread writes it (a deeper level that interrupts it has its own), so the
 * updates need no atomic read-modify-write; they are relaxed atomic stores
 * because the consumer's progress line reads them while they move.
 */
struct rd_stress_counts {
	u64 seq;		/* next sequence number = records accepted */
	u64 produced;		/* produce() calls */
	u64 nested;		/* calls made while a shallower level was inside */
	u64 nested_accepted;
	u64 signals;		/* producing handler invocations at this level */
	u64 perf_samples;	/* perf samples read by this level's handler */
	u64 perf_foreign;	/* ... that name another thread */
	u64 aimed;		/* produce() calls a nesting signal was aimed at */
	u64 aimed_accepted;
};

/*
 * Hooks builds (-DRD_NEST_HOOKS): where in this level's current produce()
 * to raise the next nesting signal.  Touched only by this level's
 * produce(), from rd_nest_point_hit() and the code around the call.
 */
struct rd_stress_aim {
	bool armed;		/* this produce() is aimed */
	bool fired;		/* the signal was raised in it */
	unsigned int seen;	/* hook points this produce() passed so far */
	unsigned int target;	/* raise at this point (1-based) */
	unsigned int points;	/* most points one produce() passed */
	u64 rounds;		/* aimed produce() calls so far */
};

#define RD_STRESS_AIM_LEVELS	2	/* aim at depth 0 (-> 1) and 1 (-> 2) */

struct rd_stress_shared;

struct rd_stress_producer {
	unsigned int id;
	struct rd_ring *ring;
	struct rd_stress_shared *run;
	pthread_t thread;
	pid_t tid;
	/* setup outcome, written before the producer says it is ready */
	int status;		/* 0 or -errno */
	struct rd_err err;
	timer_t timer;
	bool have_timer;
	int perf_fd;
	void *perf_map;
	size_t perf_map_len;
	/* the producer's contexts on its thread */
	unsigned char in_produce[RD_STRESS_LEVELS];
	struct rd_stress_counts lvl[RD_STRESS_LEVELS];
	struct rd_stress_aim aim[RD_STRESS_AIM_LEVELS];
} ____cacheline_aligned;

/* The consumer's view of one (producer, level) stream. */
struct rd_stress_stream {
	u64 base;		/* first sequence number the window covers */
	u64 next;		/* one past the highest sequence number seen */
	u64 consumed;		/* distinct records of the stream taken out */
	u64 *seen;		/* RD_STRESS_WINDOW bits from base */
};

#define RD_STRESS_WINDOW	(1U << 16)

struct rd_stress_shared {
	const struct rd_stress_config *cfg;
	struct rd_ring_set set;
	struct rd_stress_producer *prod;
	struct rd_stress_stream *streams;	/* [producer][level] */
	pthread_t consumer, storm;
	struct timespec clock0;	/* jiffies' origin, set before any thread */
	struct timespec start;	/* the producers' start, set before go */
	/* flags, see the comments where they are stored */
	int go, stop, abort, consumer_stop;
	unsigned int ready;
	/* consumer's findings */
	u64 torn, dup, reorder, drains;
};

/* producer.c */
int rd_stress_signals_setup(const struct rd_stress_config *cfg,
			    sigset_t *used, struct rd_err *e);
void *rd_stress_producer_main(void *arg);
void *rd_stress_storm_main(void *arg);
void rd_stress_producer_release(struct rd_stress_producer *p);
bool rd_stress_produce_one(struct rd_stress_producer *p, bool aim_deeper);

/* perf.c */
int rd_stress_perf_open(struct rd_stress_producer *p, int sig);
void rd_stress_perf_read(struct rd_stress_producer *p,
			 struct rd_stress_counts *c);
void rd_stress_perf_enable(struct rd_stress_producer *p, bool on);
void rd_stress_perf_close(struct rd_stress_producer *p);

/* Thread-local: the producer running on this thread, for its handlers. */
extern __thread struct rd_stress_producer *rd_stress_self;

/**
 * rd_stress_stat_inc() - count one event in a single-writer counter.
 * @c:	a counter only the calling context level of this thread writes.
 *
 * Context: its owning context, including a signal handler.  Relaxed: the
 * only other reader (the progress line) needs an untorn value, nothing else.
 */
static __always_inline void rd_stress_stat_inc(u64 *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

/* Relaxed read of a counter that another thread may be moving. */
static __always_inline u64 rd_stress_stat_read(const u64 *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Monotonic seconds since @t0. */
double rd_stress_since(const struct timespec *t0);

#endif /* RINGDRAIN_STRESS_INT_H */
