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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

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
	bool floor;		/* nmi: an empty call instead of produce() */
};

/* The method's floor: a call that does nothing, through the same pointer. */
static __attribute__((noinline)) bool produce_nothing(struct rd_ring *ring,
		const struct damon_access_report *r)
{
	__asm__ __volatile__("" : : "r"(ring), "r"(r) : "memory");
	return true;
}

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
	char err[RD_ERR_LEN];

	if (rd_topo_bind_thread(&rd_bench.topo, cpu, err)) {
		cbench_skip_with_error(s, err);
		return;
	}
	ring = rd_bench_ring(&rd_bench, c->d, HOT_CAPACITY, c->rec_size, cpu,
			     cpu, err);
	if (!ring) {
		cbench_skip_with_error(s, err);
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

/*
 * What the task dirties between two samples: a quarter of the sampling
 * period's worth of writes at this core's write bandwidth, from 64 KiB
 * (the L1 is gone) to 2 MiB (the L2 is gone too).  The buffer it walks
 * fits the L3, so the ring is evicted to L3, as a busy task would do.
 */
static size_t pollute_bytes_for(uint64_t period_ns)
{
	double bytes = period_ns / 4.0 * pollute_bytes_per_ns;

	if (bytes < 64 << 10)
		bytes = 64 << 10;
	if (bytes > 2 << 20)
		bytes = 2 << 20;
	return (size_t)bytes & ~(size_t)63;
}

struct drainer {
	struct rd_ring *ring;
	int stop;
	uint64_t drained;
	uint64_t period_ns;	/* 0: NMI_PERIOD_NS */
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
	}
	return NULL;
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Mean of the middle half of sorted @v: as robust as the median to an
 * interrupt landing in one window, but not stuck to the clock's ~10 ns
 * steps the way a median of quantised differences is.
 */
static double interquartile_mean(const int64_t *v, size_t n)
{
	size_t lo = n / 4, hi = n - n / 4;
	double sum = 0;

	if (hi <= lo)
		return n ? v[n / 2] : 0;
	for (size_t i = lo; i < hi; i++)
		sum += v[i];
	return sum / (hi - lo);
}

static void nmi(struct cbench_state *s, void *arg)
{
	const struct producer_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	uint64_t period = 1000000000ULL / c->rate;
	uint64_t sum_with = 0, sum_without = 0, pairs = 0, t_start, next;
	size_t pollute_bytes = pollute_bytes_for(period);
	int64_t *diff = NULL;
	size_t cap = 0;
	struct drainer dr = { 0 };
	struct rd_ring_counters rc;
	struct rd_thread consumer;
	char err[RD_ERR_LEN];
	unsigned int k = 0;
	double xfer;
	bool (*produce)(struct rd_ring *, const struct damon_access_report *);

	xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);
	if (rd_topo_bind_thread(&rd_bench.topo, pair->cpu[0], err)) {
		cbench_skip_with_error(s, err);
		return;
	}
	dr.ring = rd_bench_ring(&rd_bench, c->d, NMI_CAPACITY, c->rec_size,
				pair->cpu[0], pair->cpu[1], err);
	if (!dr.ring) {
		cbench_skip_with_error(s, err);
		return;
	}
	produce = c->floor ? produce_nothing : rd_ring_produce;
	rd_thread_start(&consumer, &rd_bench, pair->cpu[1], drain_periodically,
			&dr);

	/*
	 * Two timed windows per sampling period; the rest of the period is
	 * an untimed wait for the next one, so reports arrive at the rate.
	 */
	t_start = next = rd_now_ns();
	while (cbench_keep_running(s)) {
		int64_t took[2];

		for (int w = 0; w < 2; w++) {
			bool with = w == (int)(pairs % 2);
			uint64_t t0 = rd_now_ns();

			pollute(pollute_bytes);
			if (with)
				produce(dr.ring, &reports[k++ % NREPORTS]);
			/*
			 * Wait for the window's stores to reach the cache: a
			 * produce() whose store misses retire into the store
			 * buffer still costs the task those misses, later.
			 */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			took[with] = rd_now_ns() - t0;
		}
		sum_with += took[1];
		sum_without += took[0];
		if (pairs == cap) {
			cap = cap ? 2 * cap : 1024;
			diff = realloc(diff, cap * sizeof(*diff));
		}
		diff[pairs++] = took[1] - took[0];
		cbench_set_iteration_time(s, took[1] * 1e-9);
		next += period;
		while (rd_now_ns() < next)
			__builtin_ia32_pause();
	}
	{
		uint64_t elapsed = rd_now_ns() - t_start;

		__atomic_store_n(&dr.stop, 1, __ATOMIC_RELAXED);
		rd_thread_join(&consumer);
		qsort(diff, pairs, sizeof(*diff), cmp_s64);
		rd_ring_counters(dr.ring, &rc);
		cbench_counter(s, "ns_per_produce", interquartile_mean(diff, pairs),
			       0);
		cbench_counter(s, "ns_per_produce_mean", pairs ?
			       ((double)sum_with - sum_without) / pairs : 0, 0);
		cbench_counter(s, "rate_per_s", elapsed ?
			       pairs * 1e9 / elapsed : 0, 0);
		cbench_counter(s, "pollute_kib", pollute_bytes / 1024.0, 0);
		cbench_counter(s, "dropped",
			       rc.dropped_full + rc.dropped_nested, 0);
		cbench_counter(s, "xfer_ns", xfer, 0);
		cbench_set_items_processed(s, pairs);
	}
	free(diff);
	rd_bench_ring_free(&rd_bench, dr.ring);
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
	char err[RD_ERR_LEN];

	if (rd_topo_bind_thread(&rd_bench.topo, pair->cpu[0], err)) {
		cbench_skip_with_error(s, err);
		return;
	}
	dr.ring = rd_bench_ring(&rd_bench, c->d, c->capacity, c->rec_size,
				pair->cpu[0], pair->cpu[1], err);
	if (!dr.ring) {
		cbench_skip_with_error(s, err);
		return;
	}
	rd_thread_start(&consumer, &rd_bench, pair->cpu[1], drain_periodically,
			&dr);
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

static void calibrate(void)
{
	uint64_t t0, best = ~0ULL;

	pollute_buf = aligned_alloc(4096, POLLUTE_BUF);
	memset(pollute_buf, 1, POLLUTE_BUF);
	rd_bench_reports(reports, NREPORTS, 0);
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
	static const unsigned int quick_rates[] = { 20000 };
	static const unsigned int full_rates[] = { 5000, 20000, 100000 };
	const unsigned int *rates = b->quick ? quick_rates : full_rates;
	unsigned int nrates = b->quick ? 1 : 3;
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
	/* The closest cross-core pair: kdamond on a neighbour core. */
	for (unsigned int r = 0; r < nrates; r++)
		for (unsigned int i = 0; i < rd_nr_designs; i++)
			for (unsigned int rs = DAMON_REPORT_COMPACT;
			     rs <= DAMON_REPORT_FULL; rs += 16) {
				struct cbench *bm;

				snprintf(name, sizeof(name),
					 "producer/nmi/design:%s/rec:%u/rate:%u/class:%s",
					 rd_designs[i]->name, rs, rates[r],
					 rd_pair_class_name(cross[0]));
				bm = cbench_register(name, nmi,
					cfg(rd_designs[i], rs, rates[r], cross[0]));
				cbench_use_manual_time(bm);
				cbench_iterations(bm, b->quick ? 2000 : 8000);
			}
	/* What the method reads for a call that does nothing. */
	for (unsigned int r = 0; r < nrates; r++) {
		struct producer_cfg *c = cfg(rd_design_find("lamport"),
					     DAMON_REPORT_FULL, rates[r], cross[0]);
		struct cbench *bm;

		c->floor = true;
		snprintf(name, sizeof(name),
			 "producer/nmi/design:none/rec:48/rate:%u/class:%s",
			 rates[r], rd_pair_class_name(cross[0]));
		bm = cbench_register(name, nmi, c);
		cbench_use_manual_time(bm);
		cbench_iterations(bm, b->quick ? 2000 : 8000);
	}
}

const struct rd_suite rd_suite_producer = {
	.name = "producer",
	.summary = "cost of one produce(): hot, and in the NMI regime with a 5 ms drain",
	.add = add,
};
