/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress.h - ringdrain stress: producers in real asynchronous contexts
 * (threads, POSIX timer signals, perf overflow signals, nested signals)
 * against one ring design, one ring per producer, and one consumer that
 * drains them all and accounts for every record.  See stress/README.md.
 */
#ifndef RINGDRAIN_STRESS_H
#define RINGDRAIN_STRESS_H

#include "record.h"

enum rd_stress_mode {
	RD_STRESS_THREAD,	/* plain threads produce in a loop */
	RD_STRESS_SIGNAL,	/* only signal handlers produce, never nested */
	RD_STRESS_PERF,		/* handlers driven by perf overflow signals */
	RD_STRESS_NEST,		/* task producer, handlers on top, depth 2 */
};

#define RD_STRESS_MAX_SECONDS	86400.0
#define RD_STRESS_MAX_DRAIN_US	1000000

/* Exit statuses of ringdrain stress besides 0 and RD_EXIT_USAGE (2). */
#define RD_STRESS_EXIT_FAILED	1	/* records lost, torn, ... or no run */
#define RD_STRESS_EXIT_NO_PERF	3	/* perf events are not permitted */

struct rd_stress_config {
	const struct rd_ring_design *design;
	enum rd_stress_mode mode;
	double seconds;
	unsigned int producers;
	unsigned int capacity;
	unsigned int rec_size;
	u64 seed;
	unsigned int drain_us;	/* 0: drain continuously */
	bool progress;		/* a line on stderr every second */
	unsigned int aim_every;	/* hooks builds: aim every Nth task record */
};

/* What one context level did, summed over the producers. */
struct rd_stress_level_result {
	u64 produced;		/* produce() calls */
	u64 accepted;		/* calls the ring accepted */
	u64 nested;		/* calls made while a shallower one was inside */
	u64 nested_accepted;	/* ... and accepted */
};

struct rd_stress_result {
	/* the summary line */
	u64 produced, consumed, dropped_full, dropped_nested;
	u64 lost, torn, dup, reorder;
	/* how the line is checked */
	u64 accepted;		/* records producers were told were accepted */
	u64 unaccounted;	/* ring counters that disagree with the harness */
	bool order_promised;	/* reorder counts as a failure */
	bool clean;		/* the exit status is 0 */
	/* what happened */
	struct rd_stress_level_result level[RD_STRESS_LEVELS];
	u64 signals;		/* producing signal handler invocations */
	u64 perf_samples;	/* samples read from the perf mmap rings */
	u64 perf_foreign;	/* samples of another thread (must be 0) */
	u64 aimed;		/* hook points that raised a nesting signal */
	u64 aimed_accepted;	/* ... inside a produce() that was accepted */
	u64 drains;		/* consumer passes over all rings */
	double elapsed;		/* seconds the producers ran */
};

/**
 * rd_stress_run() - run one stress configuration.
 * @cfg:	a checked configuration (the command validates it).
 * @res:	filled with the outcome.
 * @e:		filled when the run could not happen.
 *
 * Context: the main thread of a process that runs nothing else: installs
 * process-wide signal handlers and starts and joins its own threads.
 * Return: 0 when the run happened (@res says how it went), -EACCES when
 * perf events are not permitted, another -errno when it could not be set
 * up.
 */
int rd_stress_run(const struct rd_stress_config *cfg,
		  struct rd_stress_result *res, struct rd_err *e);

const char *rd_stress_mode_name(enum rd_stress_mode mode);
/* The mode called @name; -ENOENT if there is none. */
int rd_stress_mode_find(const char *name);

#endif /* RINGDRAIN_STRESS_H */
