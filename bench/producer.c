// SPDX-License-Identifier: GPL-2.0
/*
 * producer.c - the `producer` suite: what one produce() costs.
 *
 * producer/hot: the ring hot in one thread's cache, a batch of produce()
 * calls timed together, the ring drained (untimed) between batches.  The
 * floor of each design.
 *
 * producer/nmi: the regime that matters, the cycles an NMI steals.  Reports
 * arrive at a realistic rate (a few thousand to a hundred thousand per second
 * per CPU) and between two of them the producer thread runs a workload that
 * dirties enough memory to evict the ring from its L1 and L2; a consumer on
 * another CPU drains the ring every 5 ms as kdamond does, pulling the lines
 * the producer wrote.  One produce() is tens of ns and the clock reads in
 * ~10 ns steps, so it is never timed alone: each sampling period holds two
 * timed windows of the same workload, one ending with a produce() and one
 * without, in alternating order, each closed by a full fence so that store
 * misses (which retire into the store buffer and would otherwise be paid
 * outside the window) are counted, and the cost of a produce is the mean of
 * the middle half of the paired differences (robust to an interrupt landing
 * in one window, and finer than the clock's step).  The rest of the period
 * is an untimed wait for the next period, which keeps the rate.
 *
 * producer/nmi runs after Google Benchmark (nmi_after()), in rounds of one
 * repetition of every design and of four calibration probes (0, 1, 2, 4
 * cold lines), until every interval is narrow enough or the budget is
 * spent (bench/nmi_stats.h); then the same workload runs under valgrind
 * for the simulated counts (bench/cachesim.h).  bench/README.md states the
 * method.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <jansson.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define RD_HAVE_CALLGRIND 1
#endif

#include "cachesim.h"
#include "harness.h"
#include "nmi_stats.h"
#include "results_io.h"

#define HOT_CAPACITY	256
#define NMI_CAPACITY	256		/* the RFC's ring */
#define NMI_PERIOD_NS	5000000ULL	/* kdamond's sampling interval */
#define POLLUTE_BUF	(8 << 20)	/* beyond any L2, within this L3 */
#define NREPORTS	1024

struct producer_cfg {
	const struct rd_ring_design *d;
	unsigned int rec_size;
	unsigned int rate;
	enum rd_pair_class cls;
	unsigned int capacity;	/* cadence */
	unsigned int drain_ms;	/* cadence */
};

static struct damon_access_report reports[NREPORTS];
static unsigned char *pollute_buf;
static size_t pollute_pos;
static double pollute_bytes_per_ns;

static void hot(struct cbench_state *s, void *arg)
{
	const struct producer_cfg *c = arg;
	struct damon_access_report out[64];
	unsigned int cpu = rd_bench.topo.pairs[RD_PAIR_SAME_CPU].cpu[0];
	unsigned int batch, k = 0;
	struct rd_ring *ring;
	struct rd_err err = { 0 };

	if (rd_topo_bind_thread(&rd_bench.topo, cpu, &err)) {
		cbench_skip_with_error(s, err.msg);
		return;
	}
	ring = rd_bench_ring(&rd_bench, c->d, HOT_CAPACITY, c->rec_size, cpu,
			     cpu, &err);
	if (!ring) {
		cbench_skip_with_error(s, err.msg);
		return;
	}
	batch = rd_usable_capacity(c->d, HOT_CAPACITY) / 2;
	if (batch > 64)
		batch = 64;
	while (cbench_keep_running_batch(s, batch)) {
		uint64_t t0 = rd_now_ns();

		for (unsigned int i = 0; i < batch; i++)
			rd_ring_produce(ring, &reports[k++ % NREPORTS]);
		cbench_set_iteration_time(s, (rd_now_ns() - t0) * 1e-9);
		while (rd_ring_consume(ring, out, 64))
			;
	}
	cbench_set_items_processed(s, cbench_iteration_count(s));
	rd_bench_ring_free(&rd_bench, ring);
}

/* The task's own work between two samples: dirty @bytes of lines. */
static void pollute(size_t bytes)
{
	for (size_t i = 0; i < bytes; i += 64) {
		pollute_buf[pollute_pos]++;
		pollute_pos = (pollute_pos + 64) & (POLLUTE_BUF - 1);
	}
}

static size_t producer_l2_bytes;	/* the producer core's L2, 0 unknown */

/*
 * What the task dirties in each of a period's two windows: a quarter of
 * the sampling period's worth of writes at this core's write bandwidth,
 * from 64 KiB (the L1 is gone) to 2 MiB (the L2 is gone too), and at least
 * half this core's L2 where that fits in 40% of the period, so that the
 * two windows between two reports push the ring out of the L2 on a core
 * whose L2 is large for its bandwidth.  The buffer it walks fits the L3,
 * so the ring is evicted to L3, as a busy task would do.
 */
static size_t pollute_bytes_for(uint64_t period_ns)
{
	double bytes = period_ns / 4.0 * pollute_bytes_per_ns;
	double half_l2 = producer_l2_bytes / 2.0;

	if (bytes < 64 << 10)
		bytes = 64 << 10;
	if (bytes > 2 << 20)
		bytes = 2 << 20;
	if (bytes < half_l2 && half_l2 <= 2 << 20 &&
	    half_l2 / pollute_bytes_per_ns <= period_ns * 0.4)
		bytes = half_l2;
	return (size_t)bytes & ~(size_t)63;
}

/* The size of the L2 above PU @cpu (OS index), or 0. */
static size_t l2_bytes_of(unsigned int cpu)
{
	hwloc_obj_t o = hwloc_get_pu_obj_by_os_index(rd_bench.topo.topo, cpu);

	for (; o; o = o->parent)
		if (o->type == HWLOC_OBJ_L2CACHE && o->attr)
			return o->attr->cache.size;
	return 0;
}

struct drainer {
	struct rd_ring *ring;
	int stop;
	uint64_t drained;
	uint64_t period_ns;	/* 0: NMI_PERIOD_NS */
	void ***touch;		/* lines kdamond writes each drain (probes) */
	unsigned int nr_touch;
};

/* kdamond: wake every sampling interval, drain everything. */
static void *drain_periodically(void *p)
{
	struct drainer *dr = p;
	struct damon_access_report out[64];
	struct timespec next;
	unsigned int n;

	clock_gettime(CLOCK_MONOTONIC, &next);
	/* Relaxed: a stop request, nothing to order with it. */
	while (!__atomic_load_n(&dr->stop, __ATOMIC_RELAXED)) {
		next.tv_nsec += dr->period_ns ? dr->period_ns : NMI_PERIOD_NS;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		while ((n = rd_ring_consume(dr->ring, out, 64)))
			dr->drained += n;
		/* The probes' lines, as a drain reads the ring's: word 1 only,
		 * word 0 is the chase's pointer. */
		for (unsigned int i = 0; i < dr->nr_touch; i++)
			WRITE_ONCE(((unsigned long *)dr->touch[i])[1],
				   ((unsigned long *)dr->touch[i])[1] + 1);
	}
	return NULL;
}

static void nmi_buffers(void);

/* The reports are built in registers in both windows: an NMI handler builds
 * its report on its own (hot) stack, so reading a cold array is no part of
 * what produce() costs. */
static inline void make_report(struct damon_access_report *r, unsigned int k,
			       unsigned int cpu)
{
	uint64_t x = (uint64_t)k * 0x9e3779b97f4a7c15ULL;

	r->paddr = (x >> 24) << 12;
	r->vaddr = 0x7f0000000000UL + ((x >> 36) << 12);
	r->size = 4096;
	r->cpu = cpu;
	r->tid = 1000 + (int)(k & 7);
	r->tgid = 1000;
	r->is_write = k & 1;
	r->report_jiffies = 0;
	__asm__ __volatile__("" : : "r"(r) : "memory");
}

/*
 * The calibration probes: a call through the same pointer that touches
 * exactly K cold lines, one dependent load each, where "cold" is what the
 * ring's lines are in this regime: last written by kdamond on the other CPU.
 * Each call takes the next of PROBE_POSITIONS positions (as produce() takes
 * the next slot), a chase through K lines; the drain thread writes every
 * line of every position at each drain, so a position's lines are always
 * the other CPU's when the producer comes back to them.  Probe 0 is the
 * method's zero: the same call and cursor, no line.  The last line's value
 * is returned: valgrind drops a load whose value nothing uses.
 */
#define PROBE_LINES_MAX	4
#define PROBE_POSITIONS	128	/* x 50 us > the 5 ms drain: always cold */
#define PROBE_PAGES	8	/* 16 positions of 4 lines a page */
struct probe_rot {
	void **pos[PROBE_POSITIONS];	/* each position's first line */
	unsigned int next;
};
static struct probe_rot probe_rot;
/*
 * The lines the drain thread writes at each drain: the probes' lines, then
 * LAT_LINES more for the latency chase (lat_lines), in their own pages.
 */
#define LAT_LINES	256
#define LAT_PAGES	16
static void **probe_lines[PROBE_POSITIONS * PROBE_LINES_MAX + LAT_LINES];
static void ***const lat_lines = &probe_lines[PROBE_POSITIONS *
					       PROBE_LINES_MAX];

#define PROBE_FN(k)							\
static __attribute__((noinline)) bool probe##k(void *ring,		\
		const struct damon_access_report *r)			\
{									\
	struct probe_rot *pr = ring;					\
	void *const *q = (void *const *)				\
		pr->pos[pr->next++ & (PROBE_POSITIONS - 1)];		\
									\
	for (int i = 0; i < (k); i++)					\
		q = *q;							\
	__asm__ __volatile__("" : : "r"(r) : "memory");		\
	return q != NULL;	/* a use, which valgrind keeps too */	\
}
PROBE_FN(0)
PROBE_FN(1)
PROBE_FN(2)
PROBE_FN(4)

static bool (*const probe_fns[RD_NMI_PROBES])(void *,
		const struct damon_access_report *) = {
	probe0, probe1, probe2, probe4,
};

/* One subject of producer/nmi: a design at one record size, or a probe. */
struct nmi_subject {
	char name[192];
	const struct rd_ring_design *d;	/* the ring (rfc's for a probe) */
	unsigned int rec_size;
	int probe;			/* index of rd_nmi_probe_lines, or -1 */
	double *v;			/* ns per produce, one per repetition */
	int n, cap;
	double med, lo, hi;
	char error[RD_ERR_MSG_LEN];		/* a design that cannot run here */
};

/* What one repetition measured besides its cost. */
struct nmi_rep_out {
	double ns;		/* the cost: mean of the middle half of diffs */
	double rate_per_s;
	uint64_t dropped;
	double miss_ns;		/* probe 0 only: the latency chase, per line */
};

/*
 * One repetition of @sj: @periods sampling periods of the regime at
 * @rate/s on @pair, the producer dirtying @pollute_bytes in each window.
 * Ring setup, page faults, thread start and the drain's stop are outside
 * every window.  With @sim (under valgrind) nothing waits for the period and
 * the cache events of each produce() call alone are collected.  0, or
 * -errno with @err.
 */
static int nmi_rep(const struct nmi_subject *sj, unsigned int rate,
		   const struct rd_pair *pair, unsigned int periods,
		   size_t pollute_bytes, bool sim, struct nmi_rep_out *o,
		   struct rd_err *err)
{
	uint64_t period = 1000000000ULL / rate, t_start, next;
	struct damon_access_report out[64], rep;
	double *diff = malloc(periods * sizeof(*diff));
	struct drainer dr = { 0 };
	struct rd_ring_counters rc;
	struct rd_thread consumer;
	void *target;
	bool (*produce)(void *, const struct damon_access_report *);
	int ret;

	*o = (struct nmi_rep_out){ 0 };
	if (!diff)
		return rd_errf(err, ENOMEM, "%s: out of memory", sj->name);
	ret = rd_topo_bind_thread(&rd_bench.topo, pair->cpu[0], err);
	if (ret) {
		free(diff);
		return ret;
	}
	dr.ring = rd_bench_ring(&rd_bench, sj->d, NMI_CAPACITY, sj->rec_size,
				pair->cpu[0], pair->cpu[1], err);
	if (!dr.ring) {
		free(diff);
		return -(err && err->code ? err->code : EINVAL);
	}
	/* Fault every page of the ring in, untimed. */
	make_report(&rep, 0, pair->cpu[0]);
	while (rd_ring_produce(dr.ring, &rep))
		;
	while (rd_ring_consume(dr.ring, out, 64))
		;
	rd_ring_counters(dr.ring, &rc);
	o->dropped = rc.dropped_full + rc.dropped_nested;
	if (sj->probe >= 0) {
		produce = probe_fns[sj->probe];
		target = &probe_rot;
		dr.touch = probe_lines;
		dr.nr_touch = PROBE_POSITIONS * PROBE_LINES_MAX + LAT_LINES;
	} else {
		/* the design's own produce(), not the harness's dispatch */
		produce = sj->d->produce;
		target = dr.ring->impl;
	}
	ret = rd_thread_start(&consumer, &rd_bench, pair->cpu[1],
			      drain_periodically, &dr, err);
	if (ret) {
		free(diff);
		rd_bench_ring_free(&rd_bench, dr.ring);
		return ret;
	}
	t_start = next = rd_now_ns();
	for (unsigned int p = 0; p < periods; p++) {
		int64_t took[2];

		for (int w = 0; w < 2; w++) {
			bool with = w == (int)(p % 2);
			uint64_t t0 = rd_now_ns();

			pollute(pollute_bytes);
			make_report(&rep, p, pair->cpu[0]);
			/*
			 * NMI entry takes hundreds of cycles before the
			 * handler calls produce(): the task's pending stores
			 * have drained by then.  Without this the first miss
			 * of produce() hides behind that drain: MFENCE orders
			 * the loads after it but lets them execute early;
			 * LFENCE holds them until it has completed.
			 */
			__asm__ __volatile__("mfence; lfence" : : : "memory");
			if (with && sim) {
#ifdef RD_HAVE_CALLGRIND
				CALLGRIND_TOGGLE_COLLECT;
				produce(target, &rep);
				CALLGRIND_TOGGLE_COLLECT;
#endif
			} else if (with) {
				produce(target, &rep);
			}
			/*
			 * Wait for the window's stores to reach the cache: a
			 * produce() whose store misses retire into the store
			 * buffer still costs the task those misses, later.
			 */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			took[with] = rd_now_ns() - t0;
		}
		diff[p] = took[1] - took[0];
		next += period;
		while (!sim && rd_now_ns() < next)
			__builtin_ia32_pause();
	}
	o->rate_per_s = periods * 1e9 / (rd_now_ns() - t_start);
	o->miss_ns = NAN;
	if (sj->probe == 0 && !sim) {
		/*
		 * This machine's miss latency for a line like the probes'
		 * (last written by the drain thread, 0-5 ms ago), measured
		 * directly: the task's dirtying, then a chase of LAT_LINES
		 * such lines in a random order, minus the same chase hot.
		 */
		void *const *q = (void *const *)lat_lines[0];
		uint64_t cold, hot;

		pollute(pollute_bytes);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		t_start = rd_now_ns();
		for (int i = 0; i < LAT_LINES; i++)
			q = *q;
		cbench_do_not_optimize(q);
		cold = rd_now_ns() - t_start;
		t_start = rd_now_ns();
		for (int i = 0; i < LAT_LINES; i++)
			q = *q;
		cbench_do_not_optimize(q);
		hot = rd_now_ns() - t_start;
		o->miss_ns = ((double)cold - (double)hot) / LAT_LINES;
	}
	__atomic_store_n(&dr.stop, 1, __ATOMIC_RELAXED);
	rd_thread_join(&consumer);
	rd_ring_counters(dr.ring, &rc);
	o->dropped = rc.dropped_full + rc.dropped_nested - o->dropped;
	o->ns = rd_iq_mean(diff, periods);
	free(diff);
	rd_bench_ring_free(&rd_bench, dr.ring);
	return 0;
}

/* @a = 0..@n-1 in a random order (Fisher-Yates, xorshift64 state @x). */
static void random_order(unsigned int *a, unsigned int n, uint64_t *x)
{
	for (unsigned int i = 0; i < n; i++)
		a[i] = i;
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j, t;

		*x ^= *x << 13;
		*x ^= *x >> 7;
		*x ^= *x << 17;
		j = *x % (i + 1);
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/*
 * The probes' lines: PROBE_POSITIONS chains of PROBE_LINES_MAX lines in
 * PROBE_PAGES pages, a footprint like a ring's (rfc: 12 KiB, 3 pages), so a
 * call pays the TLB as produce() does.  A position's lines share a page, at
 * slots of a random order (no constant stride for a prefetcher to learn: a
 * 1 KiB stride made the 4-line chase read 2.7 lines), and the positions are
 * taken in a random order.
 */
static void setup_lines(void)
{
	unsigned char *buf = aligned_alloc(4096, PROBE_PAGES * 4096);
	unsigned int order[PROBE_POSITIONS];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	memset(buf, 0, PROBE_PAGES * 4096);
	unsigned int slot[64];	/* a page's lines in a random order */

	random_order(slot, 64, &x);
	for (unsigned int p = 0; p < PROBE_POSITIONS; p++) {
		unsigned char *page = buf + (p % PROBE_PAGES) * 4096;

		for (unsigned int i = 0; i < PROBE_LINES_MAX; i++)
			probe_lines[p * PROBE_LINES_MAX + i] = (void **)(page +
				slot[i * 16 + p / PROBE_PAGES] * 64);
	}
	random_order(order, PROBE_POSITIONS, &x);
	for (unsigned int p = 0; p < PROBE_POSITIONS; p++) {
		void ***chain = &probe_lines[order[p] * PROBE_LINES_MAX];

		probe_rot.pos[p] = chain[0];
		for (unsigned int i = 0; i < PROBE_LINES_MAX; i++)
			*chain[i] = chain[(i + 1) % PROBE_LINES_MAX];
	}
	/* The latency chase: 16 lines a page at the same random slots, the
	 * pages and lines chased in a random order. */
	{
		unsigned char *lb = aligned_alloc(4096, LAT_PAGES * 4096);
		unsigned int lo[LAT_LINES];

		memset(lb, 0, LAT_PAGES * 4096);
		random_order(lo, LAT_LINES, &x);
		for (unsigned int i = 0; i < LAT_LINES; i++)
			lat_lines[i] = (void **)(lb + (lo[i] % LAT_PAGES) * 4096 +
						 slot[lo[i] / LAT_PAGES] * 64);
		for (unsigned int i = 0; i < LAT_LINES; i++)
			*lat_lines[i] = lat_lines[(i + 1) % LAT_LINES];
	}
}

/* Every design at both record sizes, then the probes; -ENOMEM. */
static int nmi_subjects(struct nmi_subject **out, unsigned int rate,
			enum rd_pair_class cls)
{
	int n = 0, max = rd_nr_designs * 2 + RD_NMI_PROBES;
	struct nmi_subject *s = calloc(max, sizeof(*s));

	*out = s;
	if (!s)
		return -ENOMEM;

	for (unsigned int i = 0; i < rd_nr_designs; i++)
		for (unsigned int rs = DAMON_REPORT_COMPACT;
		     rs <= DAMON_REPORT_FULL; rs += 16, n++) {
			s[n].d = rd_designs[i];
			s[n].rec_size = rs;
			s[n].probe = -1;
			snprintf(s[n].name, sizeof(s[n].name),
				 "producer/nmi/design:%s/rec:%u/rate:%u/class:%s",
				 rd_designs[i]->name, rs, rate,
				 rd_pair_class_name(cls));
		}
	for (int p = 0; p < RD_NMI_PROBES; p++, n++) {
		s[n].d = rd_design_find("rfc");
		s[n].rec_size = DAMON_REPORT_FULL;
		s[n].probe = p;
		snprintf(s[n].name, sizeof(s[n].name),
			 "producer/nmi/probe:%d/rate:%u/class:%s",
			 rd_nmi_probe_lines[p], rate, rd_pair_class_name(cls));
	}
	*out = s;
	return n;
}

/* One Google Benchmark-shaped repetition entry, so the report reads it. */
static json_t *gb_entry(const char *name, int reps, int idx, unsigned int
			periods, const char *metric, double value)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:f, s:s, s:f}",
			 "name", name, "run_name", name, "run_type", "iteration",
			 "repetitions", reps, "repetition_index", idx,
			 "threads", 1, "iterations", (int)periods,
			 "real_time", value, "cpu_time", value, "time_unit", "ns",
			 metric, value);
}

/* The subjects whose interval is still wider than @width. */
static int nmi_unresolved(struct nmi_subject *s, int n, double width)
{
	int wide = 0;

	for (int i = 0; i < n; i++) {
		if (s[i].error[0])
			continue;
		/* out of memory: a NAN interval, counted as wide */
		rd_boot_median_ci(s[i].v, s[i].n, &s[i].med, &s[i].lo,
				  &s[i].hi);
		wide += !(s[i].hi - s[i].lo < width);
	}
	return wide;
}

/*
 * producer/nmi at one rate: rounds of one repetition of every subject, in a
 * random order, each round opened by a miss-latency measurement and the
 * pair's transfer latency, until every subject's interval is narrower than
 * rd_nmi_target_width() of the run's miss latency (after @min_reps rounds)
 * or @budget_s is spent.  Repetitions go to @benchmarks.
 */
static int nmi_rate(unsigned int rate, enum rd_pair_class cls,
		    unsigned int periods, int min_reps, double budget_s,
		    json_t *benchmarks, json_t *runs)
{
	const struct rd_pair *pair = &rd_bench.topo.pairs[cls];
	size_t pollute_bytes = pollute_bytes_for(1000000000ULL / rate);
	struct nmi_subject *s;
	int n = nmi_subjects(&s, rate, cls), rounds = 0, wide = n;
	double *miss = NULL, width = 0;
	uint64_t t0 = rd_now_ns(), last = t0, spent = 0;
	int *order = malloc(n * sizeof(*order)), nm = 0, mcap = 0;
	char lat_name[160];
	struct rd_err err = { 0 };
	json_t *reps = json_array();

	snprintf(lat_name, sizeof(lat_name), "producer/misslat/rate:%u/class:%s",
		 rate, rd_pair_class_name(cls));
	if (n < 0 || !order || !reps) {
		n = n < 0 ? 0 : n;
		rd_errf(&err, ENOMEM, "out of memory");
		goto fail;
	}
	for (int i = 0; i < n; i++)
		order[i] = i;
	while (rounds < min_reps ||
	       (wide && spent < (uint64_t)(budget_s * 1e9))) {
		double xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);

		if (nm == mcap) {
			int ncap = mcap ? 2 * mcap : 16;
			double *nmiss = realloc(miss, ncap * sizeof(*miss));

			if (!nmiss) {
				rd_errf(&err, ENOMEM, "out of memory");
				goto fail;
			}
			miss = nmiss;
			mcap = ncap;
		}
		if (rd_topo_bind_thread(&rd_bench.topo, pair->cpu[0], &err))
			goto fail;

		for (int i = n - 1; i > 0; i--) {
			int j = rand() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < n; k++) {
			struct nmi_subject *sj = &s[order[k]];
			struct nmi_rep_out o;
			json_t *e;

			if (sj->error[0])
				continue;
			if (nmi_rep(sj, rate, pair, periods, pollute_bytes,
				    false, &o, &err)) {
				/* the probes must run; a design may not */
				snprintf(sj->error, sizeof(sj->error), "%.*s",
					 (int)sizeof(sj->error) - 1, err.msg);
				if (sj->probe >= 0 || err.code == ENOMEM)
					goto fail;
				fprintf(stderr, "ringdrain bench: %s skipped: %s\n",
					sj->name, sj->error);
				continue;
			}
			if (sj->n == sj->cap) {
				int ncap = sj->cap ? 2 * sj->cap : 16;
				double *nv = realloc(sj->v, ncap * sizeof(*nv));

				if (!nv) {
					rd_errf(&err, ENOMEM, "out of memory");
					goto fail;
				}
				sj->v = nv;
				sj->cap = ncap;
			}
			sj->v[sj->n++] = o.ns;
			if (sj->probe == 0) {
				miss[nm++] = o.miss_ns;
				json_array_append_new(reps, json_pack(
					"{s:s, s:f}", "name", lat_name,
					"miss_ns", o.miss_ns));
			}
			if (rd_now_ns() - last >= 10000000000ULL) {
				last = rd_now_ns();
				fprintf(stderr, "ringdrain bench: producer/nmi %u/s: round %d, %d of %d subjects, %.0f of %.0f s budget\n",
					rate, rounds + 1, k + 1, n,
					(last - t0) / 1e9, budget_s);
			}
			e = json_pack("{s:s, s:f, s:f, s:f, s:I, s:f}",
				      "name", sj->name, "ns_per_produce", o.ns,
				      "rate_per_s", o.rate_per_s,
				      "pollute_kib", pollute_bytes / 1024.0,
				      "dropped", (json_int_t)o.dropped,
				      "xfer_ns", xfer);
			json_array_append_new(reps, e);
		}
		rounds++;
		spent = rd_now_ns() - t0;
		{
			double tmp[256];
			int m = nm < 256 ? nm : 256;

			memcpy(tmp, miss, m * sizeof(*tmp));
			width = rd_nmi_target_width(rd_iq_mean(tmp, m));
		}
		wide = nmi_unresolved(s, n, width);
		if (rd_now_ns() - last >= 10000000000ULL || !wide ||
		    rounds == min_reps) {
			last = rd_now_ns();
			fprintf(stderr, "ringdrain bench: producer/nmi %u/s: %d rounds, %.0f of %.0f s budget, %d of %d intervals wider than %.1f ns\n",
				rate, rounds, spent / 1e9, budget_s, wide, n,
				width);
		}
	}
	/* As Google Benchmark entries: repetition i of r, in run order. */
	{
		size_t i;
		json_t *e;
		int *idx = calloc(n + 1, sizeof(*idx)), li = 0;

		if (!idx) {
			rd_errf(&err, ENOMEM, "out of memory");
			goto fail;
		}

		json_array_foreach(reps, i, e) {
			const char *name = json_string_value(json_object_get(e, "name"));
			json_t *g;

			if (!strcmp(name, lat_name)) {
				g = gb_entry(name, rounds, li++, 1,
					     "miss_ns", json_real_value(
						json_object_get(e, "miss_ns")));
			} else {
				int si = 0;

				while (strcmp(s[si].name, name))
					si++;
				g = gb_entry(name, rounds, idx[si]++, periods,
					     "ns_per_produce", json_real_value(
						json_object_get(e, "ns_per_produce")));
				json_object_update(g, e);
			}
			json_array_append_new(benchmarks, g);
		}
		free(idx);
		for (int k = 0; k < n; k++)
			if (s[k].error[0])
				json_array_append_new(benchmarks, json_pack(
					"{s:s, s:s, s:s, s:b, s:s}",
					"name", s[k].name, "run_name", s[k].name,
					"run_type", "iteration",
					"error_occurred", 1,
					"error_message", s[k].error));
	}
	json_array_append_new(runs, json_pack("{s:i, s:i, s:i, s:f, s:f, s:f, s:s, s:I}",
		"rate", (int)rate, "rounds", rounds, "periods", (int)periods,
		"budget_s", budget_s, "spent_s", spent / 1e9,
		"target_width_ns", width,
		"stopped", wide ? "budget" : "every interval narrow enough",
		"pollute_bytes", (json_int_t)pollute_bytes));
	fprintf(stderr, "ringdrain bench: producer/nmi %u/s: stopped after %d rounds (%.0f s): %s\n",
		rate, rounds, spent / 1e9, wide ? "budget spent, some intervals still wide" :
		"every interval narrow enough");
	json_decref(reps);
	for (int i = 0; i < n; i++)
		free(s[i].v);
	free(s);
	free(order);
	free(miss);
	return 0;
fail:
	fprintf(stderr, "ringdrain bench: producer/nmi: %s\n", err.msg);
	json_decref(reps);
	for (int i = 0; i < n; i++)
		free(s[i].v);
	free(s);
	free(order);
	free(miss);
	return -1;
}

static const unsigned int quick_rates[] = { 20000 };
static const unsigned int full_rates[] = { 5000, 20000, 100000 };
#define SIM_PERIODS	200

/*
 * The simulated counts: this suite's workload re-run under callgrind, for
 * SIM_PERIODS periods of every subject at each rate, with the timed run's
 * pollution (its bandwidth calibration would read valgrind's).
 */
static void nmi_sim(struct rd_bench *b, const char *dir)
{
	const unsigned int *rates = b->quick ? quick_rates : full_rates;
	unsigned int nrates = b->quick ? 1 : 3;
	char *argv[8 + 4 * 3], bytes[3][32], periods[16], rate_s[3][16];
	char note[600];
	int n = 0, ret;
	uint64_t t0 = rd_now_ns();

	snprintf(periods, sizeof(periods), "%u", SIM_PERIODS);
	argv[n++] = RD_CACHESIM_EXE;
	argv[n++] = "--periods";
	argv[n++] = periods;
	for (unsigned int r = 0; r < nrates; r++) {
		snprintf(rate_s[r], sizeof(rate_s[r]), "%u", rates[r]);
		snprintf(bytes[r], sizeof(bytes[r]), "%zu",
			 pollute_bytes_for(1000000000ULL / rates[r]));
		argv[n++] = "--rate";
		argv[n++] = rate_s[r];
		argv[n++] = "--pollute-bytes";
		argv[n++] = bytes[r];
	}
	argv[n] = NULL;
	fprintf(stderr, "ringdrain bench: producer/nmi: simulated cache counts under valgrind (%u periods per subject)\n",
		SIM_PERIODS);
	ret = rd_sim_run(argv, dir, note, sizeof(note));
	fprintf(stderr, "ringdrain bench: producer/nmi: %s%s (%.0f s)\n",
		ret < 0 ? "warning: " : "", note, (rd_now_ns() - t0) / 1e9);
}

/* After Google Benchmark: the timed NMI regime, then its simulation. */
static int nmi_after(struct rd_bench *b, const char *dir)
{
	const unsigned int *rates = b->quick ? quick_rates : full_rates;
	unsigned int nrates = b->quick ? 1 : 3;
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	double budget = b->nmi_budget_s > 0 ? b->nmi_budget_s :
		b->quick ? 60 : 240;
	json_t *root, *benchmarks = json_array(), *runs = json_array();
	char path[1100], host[64] = "host";
	struct rd_err err = { 0 };
	int ret = 0;

	if (!rd_cross_classes(b, cross))
		return 0;	/* said when the suite was added */
	srand((unsigned int)rd_now_ns());	/* each run its own order */
	for (unsigned int r = 0; r < nrates && !ret; r++)
		ret = nmi_rate(rates[r], cross[0], b->quick ? 2000 : 8000,
			       b->reps ? (int)b->reps : b->quick ? 5 : 9,
			       budget / nrates, benchmarks,
			       runs);
	if (ret) {
		json_decref(benchmarks);
		json_decref(runs);
		return 1;
	}
	gethostname(host, sizeof(host) - 1);
	root = json_pack("{s:{s:s, s:s, s:o}, s:o}",
			 "context", "host_name", host, "ringdrain_method",
			 "producer/nmi: adaptive repetitions, see bench/README.md",
			 "nmi_runs", runs, "benchmarks", benchmarks);
	snprintf(path, sizeof(path), "%s/producer-nmi.json", dir);
	if (rd_write_json(path, root, JSON_INDENT(1), &err)) {
		fprintf(stderr, "ringdrain bench: %s\n", err.msg);
		ret = 1;
	}
	json_decref(root);
	nmi_sim(b, dir);
	return ret;
}

/*
 * The child run under valgrind: every subject for --periods periods at each
 * --rate, each dumped as one callgrind part named after its benchmark.
 */
int rd_producer_sim_main(int argc, char **argv)
{
	unsigned int rates[3], nrates = 0, periods = 0, nbytes = 0;
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	size_t bytes[3];
	struct rd_err err = { 0 };

	for (int i = 1; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 10);

		if (!strcmp(argv[i], "--rate") && nrates < 3 && v)
			rates[nrates++] = v;
		else if (!strcmp(argv[i], "--periods") && v)
			periods = v;
		else if (!strcmp(argv[i], "--pollute-bytes") && v >= 64 &&
			 nbytes < 3)
			bytes[nbytes++] = v & ~63UL;
		else {
			fprintf(stderr, "%s: bad argument '%s %s'\n", argv[0],
				argv[i], argv[i + 1]);
			return 2;
		}
	}
	if (!nrates || !periods || nbytes != nrates) {
		fprintf(stderr, "%s: needs --periods and, per rate, --rate and --pollute-bytes\n",
			argv[0]);
		return 2;
	}
#ifndef RD_HAVE_CALLGRIND
	fprintf(stderr, "%s: built without valgrind/callgrind.h\n", argv[0]);
	return 1;
#endif
	if (rd_topo_load(&rd_bench.topo, &err)) {
		fprintf(stderr, "%s: %s\n", argv[0], err.msg);
		return 1;
	}
	if (!rd_cross_classes(&rd_bench, cross)) {
		fprintf(stderr, "%s: one CPU, no cross-core pair\n", argv[0]);
		return 1;
	}
	nmi_buffers();
	for (unsigned int r = 0; r < nrates; r++) {
		struct nmi_subject *s;
		int n = nmi_subjects(&s, rates[r], cross[0]);

		if (n < 0) {
			fprintf(stderr, "%s: out of memory\n", argv[0]);
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct nmi_rep_out o;
			char dump[256];

			if (nmi_rep(&s[i], rates[r], &rd_bench.topo.pairs[cross[0]],
				    periods, bytes[r], true, &o, &err)) {
				/* no part for it: the report shows no counts */
				fprintf(stderr, "%s: %s skipped: %s\n", argv[0],
					s[i].name, err.msg);
				if (s[i].probe >= 0)
					return 1;
				continue;
			}
			snprintf(dump, sizeof(dump), "%s calls:%u", s[i].name,
				 periods);
#ifdef RD_HAVE_CALLGRIND
			CALLGRIND_DUMP_STATS_AT(dump);
#endif
		}
		free(s);
	}
	return 0;
}

/*
 * producer/cadence: the drops of the RFC's ring as kdamond's drain slows.
 * Reports arrive at a steady rate for half a second while the consumer
 * drains every N ms; the ring refuses what does not fit.  The RFC drains
 * every sampling interval (5 ms); a later revision drains at the
 * aggregation boundary (100 ms).
 */
static void cadence(struct cbench_state *s, void *arg)
{
	const struct producer_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	struct drainer dr = { .period_ns = c->drain_ms * 1000000ULL };
	uint64_t produced = 0, period = 1000000000ULL / c->rate;
	struct rd_ring_counters rc;
	struct rd_thread consumer;
	struct rd_err err = { 0 };

	if (rd_topo_bind_thread(&rd_bench.topo, pair->cpu[0], &err)) {
		cbench_skip_with_error(s, err.msg);
		return;
	}
	dr.ring = rd_bench_ring(&rd_bench, c->d, c->capacity, c->rec_size,
				pair->cpu[0], pair->cpu[1], &err);
	if (!dr.ring) {
		cbench_skip_with_error(s, err.msg);
		return;
	}
	if (rd_thread_start(&consumer, &rd_bench, pair->cpu[1],
			    drain_periodically, &dr, &err)) {
		rd_bench_ring_free(&rd_bench, dr.ring);
		cbench_skip_with_error(s, err.msg);
		return;
	}
	while (cbench_keep_running(s)) {
		uint64_t t0 = rd_now_ns(), next = t0;

		/* Paced by the clock: here the cost is not what is measured. */
		while (next - t0 < 500000000ULL) {
			rd_ring_produce(dr.ring, &reports[produced++ % NREPORTS]);
			next += period;
			while (rd_now_ns() < next)
				;
		}
	}
	__atomic_store_n(&dr.stop, 1, __ATOMIC_RELAXED);
	rd_thread_join(&consumer);
	rd_ring_counters(dr.ring, &rc);
	cbench_counter(s, "drop_pct", rc.produced ?
		       100.0 * (rc.dropped_full + rc.dropped_nested) /
		       rc.produced : 0, 0);
	cbench_counter(s, "dropped", rc.dropped_full + rc.dropped_nested, 0);
	cbench_counter(s, "per_drain", (double)c->rate * c->drain_ms / 1000, 0);
	rd_bench_ring_free(&rd_bench, dr.ring);
}

/* The task's buffer, the probes' lines and the chase, once. */
static void nmi_buffers(void)
{
	if (pollute_buf)
		return;
	pollute_buf = aligned_alloc(4096, POLLUTE_BUF);
	memset(pollute_buf, 1, POLLUTE_BUF);
	setup_lines();
}

static void calibrate(void)
{
	uint64_t t0, best = ~0ULL;

	nmi_buffers();
	rd_bench_reports(reports, NREPORTS, 0);
	{
		enum rd_pair_class cross[RD_NR_PAIR_CLASSES];

		if (rd_cross_classes(&rd_bench, cross))
			producer_l2_bytes = l2_bytes_of(
				rd_bench.topo.pairs[cross[0]].cpu[0]);
	}
	for (int i = 0; i < 5; i++) {
		t0 = rd_now_ns();
		pollute(1 << 20);
		if (rd_now_ns() - t0 < best)
			best = rd_now_ns() - t0;
	}
	pollute_bytes_per_ns = (double)(1 << 20) / best;
}

static struct producer_cfg *cfg(const struct rd_ring_design *d,
				unsigned int rec_size, unsigned int rate,
				enum rd_pair_class cls)
{
	struct producer_cfg *c = calloc(1, sizeof(*c));

	c->d = d;
	c->rec_size = rec_size;
	c->rate = rate;
	c->cls = cls;
	return c;
}

static void add(struct rd_bench *b)
{
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	int ncross = rd_cross_classes(b, cross);
	char name[160];

	calibrate();
	for (unsigned int i = 0; i < rd_nr_designs; i++)
		for (unsigned int rs = DAMON_REPORT_COMPACT;
		     rs <= DAMON_REPORT_FULL; rs += 16) {
			snprintf(name, sizeof(name),
				 "producer/hot/design:%s/rec:%u",
				 rd_designs[i]->name, rs);
			cbench_min_time(cbench_use_manual_time(cbench_register(
				name, hot, cfg(rd_designs[i], rs, 0,
					       RD_PAIR_SAME_CPU))), 0.1);
		}
	if (!ncross) {
		fprintf(stderr, "ringdrain bench: producer/nmi skipped: this machine has one CPU, no cross-core pair\n");
		return;
	}
	/* Drops of the RFC's ring against the drain cadence and capacity. */
	for (unsigned int cap = 256; cap <= 4096; cap *= 16)
		for (unsigned int ms = 5; ms <= 100; ms *= ms == 5 ? 4 : 5) {
			struct producer_cfg *c = cfg(rd_design_find("rfc"),
				DAMON_REPORT_FULL, 5000, cross[0]);
			struct cbench *bm;

			c->capacity = cap;
			c->drain_ms = ms;
			snprintf(name, sizeof(name),
				 "producer/cadence/design:rfc/cap:%u/drain_ms:%u/rate:5000/class:%s",
				 cap, ms, rd_pair_class_name(cross[0]));
			bm = cbench_register(name, cadence, c);
			cbench_iterations(bm, 1);
			cbench_unit(bm, CBENCH_MS);
		}
	/* producer/nmi runs after Google Benchmark: see nmi_after(). */
}

const struct rd_suite rd_suite_producer = {
	.name = "producer",
	.summary = "cost of one produce(): hot, and in the NMI regime with a 5 ms drain",
	.add = add,
	.report = &rd_report_producer,
	.after = nmi_after,
};
