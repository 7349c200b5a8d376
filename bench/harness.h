/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - what every bench suite shares: the run's settings, pinned
 * threads, ring memory placed on a chosen NUMA node, the clock, and the
 * cache-line transfer latency between the two CPUs of a pair, measured with
 * every repetition because this machine's vCPUs move between host cores.
 */
#ifndef RINGDRAIN_HARNESS_H
#define RINGDRAIN_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cbench.h"
#include "ring.h"
#include "topo.h"

enum rd_ring_mem { RD_MEM_PRODUCER, RD_MEM_CONSUMER };

struct rd_bench {
	struct rd_topo topo;
	bool quick;		/* the default suite; --full runs every point */
	enum rd_ring_mem ring_mem;	/* NUMA node of ring memory */
	double nmi_budget_s;	/* producer/nmi time budget; 0: the default */
	unsigned int reps;	/* --repetitions; 0: the default (5, full 9) */
};

extern struct rd_bench rd_bench;

/* A suite registers its benchmarks, named "<suite>/<variant>/key:value/..". */
struct rd_suite {
	const char *name;
	const char *summary;
	void (*add)(struct rd_bench *b);
	/*
	 * Optional: a step run after Google Benchmark when the suite is
	 * selected, writing its own files into the results folder @dir.
	 * Returns 0, or 1 when the run failed (said on stderr).
	 */
	int (*after)(struct rd_bench *b, const char *dir);
};

/* The cachesim child's entry (bench/cachesim_main.c). */
int rd_producer_sim_main(int argc, char **argv);

extern const struct rd_suite *const rd_suites[];
extern const unsigned int rd_nr_suites;

static inline uint64_t rd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Cross-core classes present on this machine, closest first. */
int rd_cross_classes(const struct rd_bench *b, enum rd_pair_class *out);

/*
 * One-way cache-line transfer latency between PUs @a and @b in ns: half of
 * the median round trip of a line bounced between two pinned threads.
 * Returns 0 for the same CPU.
 */
double rd_xfer_ns(struct rd_bench *b, unsigned int a, unsigned int b_cpu);

/* A thread pinned to one CPU. */
struct rd_thread {
	pthread_t tid;
	void *(*fn)(void *);
	void *arg;
	unsigned int cpu;
	struct rd_bench *b;
	char err[256];
};

int rd_thread_start(struct rd_thread *t, struct rd_bench *b, unsigned int cpu,
		    void *(*fn)(void *), void *arg);
void rd_thread_join(struct rd_thread *t);

/* A ring whose memory sits on the producer's (or consumer's) NUMA node. */
struct rd_ring *rd_bench_ring(struct rd_bench *b,
			      const struct rd_ring_design *d,
			      unsigned int capacity, unsigned int rec_size,
			      unsigned int prod_cpu, unsigned int cons_cpu,
			      char *err);
void rd_bench_ring_free(struct rd_bench *b, struct rd_ring *ring);

/* Reports that look like PEBS samples: page-aligned, PAGE_SIZE, varied. */
void rd_bench_reports(struct damon_access_report *r, unsigned int n,
		      unsigned int cpu);

/* Spin until @ns have passed; returns the time it actually took. */
uint64_t rd_spin_ns(uint64_t ns);

/* Any single-producer single-consumer queue of reports. */
struct rd_spsc_ops {
	bool (*produce)(void *q, const struct damon_access_report *r);
	unsigned int (*consume)(void *q, struct damon_access_report *out,
				unsigned int max);
};

extern const struct rd_spsc_ops rd_ring_spsc_ops;	/* q is a struct rd_ring */

/*
 * Stream @n reports from the calling thread (bound to @prod_cpu) to a
 * consumer thread on @cons_cpu taking batches of up to @batch.  Returns the
 * wall time in ns from the first produce to the last report consumed, and
 * in *full_spins how often the producer found the queue full and retried.
 */
uint64_t rd_stream_run(struct rd_bench *b, const struct rd_spsc_ops *ops,
		       void *q, unsigned int prod_cpu, unsigned int cons_cpu,
		       unsigned int batch, uint64_t n, uint64_t *full_spins);

/*
 * Set the counters every streaming benchmark reports: items processed, ns
 * per record, producer retries on a full queue per record, and the cache-line
 * transfer latency @xfer_ns measured with this repetition.
 */
void rd_stream_counters(struct cbench_state *s, uint64_t records,
			uint64_t total_ns, uint64_t full_spins, double xfer_ns);

#endif /* RINGDRAIN_HARNESS_H */
