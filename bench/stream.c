// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c - the `stream` suite: cross-core streaming throughput.
 *
 * A producer pinned to one CPU pushes reports as fast as the ring takes
 * them; a consumer pinned to another takes batches of 1 to 256.  Per design,
 * topology class, record size (48/32), capacity (256/4096) and batch size.
 * The one-way cache-line transfer latency of the pair is measured before
 * every repetition and reported with it (xfer_ns).
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define STREAM_RECORDS	200000

static bool ring_produce(void *q, const struct damon_access_report *r)
{
	return rd_ring_produce(q, r);
}

static unsigned int ring_consume(void *q, struct damon_access_report *out,
				 unsigned int max)
{
	return rd_ring_consume(q, out, max);
}

const struct rd_spsc_ops rd_ring_spsc_ops = {
	.produce = ring_produce,
	.consume = ring_consume,
};

struct stream_consumer {
	const struct rd_spsc_ops *ops;
	void *q;
	unsigned int batch;
	uint64_t n;
	int go;
	uint64_t t_end;
	uint64_t checksum;
};

static void *consume_all(void *p)
{
	struct stream_consumer *c = p;
	struct damon_access_report out[256];
	uint64_t got = 0, sum = 0;

	/* Acquire: pairs with the producer's release of go; a start line. */
	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	while (got < c->n) {
		unsigned int k = c->ops->consume(c->q, out, c->batch);

		for (unsigned int i = 0; i < k; i++)
			sum += out[i].vaddr;
		got += k;
	}
	c->t_end = rd_now_ns();
	c->checksum = sum;
	return NULL;
}

uint64_t rd_stream_run(struct rd_bench *b, const struct rd_spsc_ops *ops,
		       void *q, unsigned int prod_cpu, unsigned int cons_cpu,
		       unsigned int batch, uint64_t n, uint64_t *full_spins)
{
	static struct damon_access_report reports[1024];
	struct stream_consumer c = {
		.ops = ops, .q = q, .batch = batch, .n = n,
	};
	struct rd_thread t;
	uint64_t t0, spins = 0;
	char err[256];

	if (!reports[0].size)
		rd_bench_reports(reports, 1024, prod_cpu);
	if (rd_topo_bind_thread(&b->topo, prod_cpu, err) ||
	    rd_thread_start(&t, b, cons_cpu, consume_all, &c))
		return 0;
	t0 = rd_now_ns();
	/* Release: the start line; nothing before it matters to the consumer. */
	__atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
	for (uint64_t i = 0; i < n; i++)
		while (!ops->produce(q, &reports[i % 1024])) {
			spins++;
			__builtin_ia32_pause();
		}
	rd_thread_join(&t);
	*full_spins = spins;
	cbench_do_not_optimize(&c.checksum);
	return c.t_end - t0;
}

struct stream_cfg {
	const struct rd_ring_design *d;
	unsigned int rec_size, capacity, batch;
	enum rd_pair_class cls;
};

static void stream(struct cbench_state *s, void *arg)
{
	const struct stream_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	uint64_t records = 0, spins = 0, total_ns = 0;
	char err[RD_ERR_LEN];
	double xfer;

	xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);
	while (cbench_keep_running(s)) {
		struct rd_ring *ring = rd_bench_ring(&rd_bench, c->d,
				c->capacity, c->rec_size, pair->cpu[0],
				pair->cpu[1], err);
		uint64_t ns, sp;

		if (!ring) {
			cbench_skip_with_error(s, err);
			return;
		}
		ns = rd_stream_run(&rd_bench, &rd_ring_spsc_ops, ring,
				   pair->cpu[0], pair->cpu[1], c->batch,
				   STREAM_RECORDS, &sp);
		rd_bench_ring_free(&rd_bench, ring);
		if (!ns) {
			cbench_skip_with_error(s, "cannot start the consumer thread");
			return;
		}
		cbench_set_iteration_time(s, ns * 1e-9);
		records += STREAM_RECORDS;
		total_ns += ns;
		spins += sp;
	}
	rd_stream_counters(s, records, total_ns, spins, xfer);
}

static void add(struct rd_bench *b)
{
	static const unsigned int caps[] = { 256, 4096 };
	static const unsigned int quick_batches[] = { 1, 16, 256 };
	static const unsigned int full_batches[] = { 1, 4, 16, 64, 256 };
	const unsigned int *batches = b->quick ? quick_batches : full_batches;
	unsigned int nbatches = b->quick ? 3 : 5;
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	int ncross = rd_cross_classes(b, cross);
	char name[160];

	if (!ncross)
		fprintf(stderr, "ringdrain bench: stream skipped: no cross-core CPU pair on this machine\n");
	for (int k = 0; k < ncross; k++)
		for (unsigned int i = 0; i < rd_nr_designs; i++)
			for (unsigned int rs = DAMON_REPORT_COMPACT;
			     rs <= DAMON_REPORT_FULL; rs += 16)
				for (unsigned int ci = 0; ci < 2; ci++)
					for (unsigned int bi = 0; bi < nbatches; bi++) {
						struct stream_cfg *c = calloc(1, sizeof(*c));
						struct cbench *bm;

						*c = (struct stream_cfg) {
							rd_designs[i], rs, caps[ci],
							batches[bi], cross[k],
						};
						snprintf(name, sizeof(name),
							 "stream/design:%s/rec:%u/cap:%u/batch:%u/class:%s",
							 rd_designs[i]->name, rs, caps[ci],
							 batches[bi],
							 rd_pair_class_name(cross[k]));
						bm = cbench_register(name, stream, c);
						cbench_use_manual_time(bm);
						cbench_iterations(bm, 1);
					}
}

const struct rd_suite rd_suite_stream = {
	.name = "stream",
	.summary = "cross-core streaming throughput per design, topology class, record size, capacity, batch",
	.add = add,
};
