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
#include "ring/ring.h"
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

struct rd_suite_report;

/* A suite registers its benchmarks, named "<suite>/<variant>/key:value/..". */
struct rd_suite {
	const char *name;
	const char *summary;
	void (*add)(struct rd_bench *b);
	/*
	 * How its results are read and reported: its tables, targets,
	 * verdicts and winners (report.h; <file>_report.c).
	 */
	const struct rd_suite_report *report;
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

/* Every suite and its report (suites.def). */
#define RD_SUITE(name)							\
	extern const struct rd_suite rd_suite_##name;			\
	extern const struct rd_suite_report rd_report_##name;
#include "suites.def"
#undef RD_SUITE

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

/* A thread created already bound to one CPU (pthread attr affinity). */
struct rd_thread {
	pthread_t tid;
	void *(*fn)(void *);
	void *arg;
	unsigned int cpu;
	struct rd_bench *b;
	int state;		/* starting, bound, failed (harness.c) */
	struct rd_err err;	/* why it could not be bound */
};

/*
 * Start @fn(@arg) on a thread bound to CPU @cpu (hwloc, after the pthread
 * attr affinity).  Returns once the thread is bound: 0; or, when it cannot
 * be bound or created, -errno with @e, the thread gone and @fn never run.
 */
int rd_thread_start(struct rd_thread *t, struct rd_bench *b, unsigned int cpu,
		    void *(*fn)(void *), void *arg, struct rd_err *e);
void rd_thread_join(struct rd_thread *t);

/* A ring whose memory sits on the producer's (or consumer's) NUMA node. */
struct rd_ring *rd_bench_ring(struct rd_bench *b,
			      const struct rd_ring_design *d,
			      unsigned int capacity, unsigned int rec_size,
			      unsigned int prod_cpu, unsigned int cons_cpu,
			      struct rd_err *e);
void rd_bench_ring_free(struct rd_bench *b, struct rd_ring *ring);

/* Reports that look like PEBS samples: page-aligned, PAGE_SIZE, varied. */
void rd_bench_reports(struct damon_access_report *r, unsigned int n,
		      unsigned int cpu);

/* Spin until @ns have passed; returns the time it actually took. */
uint64_t rd_spin_ns(uint64_t ns);

/*
 * Streaming: the timed loops of one queue (stream_loop.h instantiates them
 * per queue, so the queue's calls are direct).  The producer cycles through
 * RD_STREAM_NREPORTS prepared reports; the consumer takes batches of at most
 * RD_STREAM_MAX_BATCH.
 */
#define RD_STREAM_NREPORTS	1024	/* a power of two */
#define RD_STREAM_MAX_BATCH	256

struct rd_stream_loops {
	const char *name;
	/* Produce @n reports; returns how often the queue was full (retries). */
	uint64_t (*produce)(void *q, struct damon_access_report *reports,
			    uint64_t n);
	/* Consume @n reports in batches of up to @batch; returns sum of vaddr. */
	uint64_t (*consume)(void *q, unsigned int batch, uint64_t n);
};

/* The stream loops of ring design @d (its own unit's direct calls). */
const struct rd_stream_loops *rd_stream_loops_of(const struct rd_ring_design *d);

/*
 * Stream @n reports from the calling thread to a consumer thread on
 * @cons_cpu taking batches of up to @batch.  Outside the timed window: the
 * calling thread is bound to @prod_cpu, the consumer thread is created
 * already bound to @cons_cpu, both signal ready and start together at t0;
 * the reports are prepared before and the consumer's checksum verified
 * after.  Returns the wall time in ns from t0 to the last report consumed
 * (0 on failure, with @e filled), and in *full_spins how often the
 * producer found the queue full and retried.
 */
uint64_t rd_stream_run(struct rd_bench *b, const struct rd_stream_loops *l,
		       void *q, unsigned int prod_cpu, unsigned int cons_cpu,
		       unsigned int batch, uint64_t n, uint64_t *full_spins,
		       struct rd_err *e);

/*
 * A native peer queue for streaming (peers.c): "ck_ring" (its typed SPSC
 * calls) or "rte_ring" (SP/SC _elem bursts), 48-byte reports, memory near
 * @node_cpu.  0, or -errno with @e filled.
 */
struct rd_peer_queue {
	const struct rd_stream_loops *loops;
	void *q;
	size_t bytes;
};

/* The stream loops of native peer @peer; NULL if there is none. */
const struct rd_stream_loops *rd_peer_loops(const char *peer);
int rd_peer_create(struct rd_peer_queue *pq, const char *peer,
		   unsigned int capacity, unsigned int node_cpu,
		   struct rd_err *e);
void rd_peer_free(struct rd_peer_queue *pq);

/* Records per timed window of the streaming benchmarks: ~50-200 ms here. */
#define RD_STREAM_RECORDS	(2U << 20)

/*
 * Set the counters every streaming benchmark reports: items processed, ns
 * per record, producer retries on a full queue per record, and the cache-line
 * transfer latency @xfer_ns measured with this repetition.
 */
void rd_stream_counters(struct cbench_state *s, uint64_t records,
			uint64_t total_ns, uint64_t full_spins, double xfer_ns);

#endif /* RINGDRAIN_HARNESS_H */
