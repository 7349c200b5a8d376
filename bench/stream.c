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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Every design's loops, from the generated stream_inst_<id>.c units. */
#define RD_DESIGN(id)							\
	extern const struct rd_stream_loops rd_stream_##id##_loops;	\
	extern const struct rd_ring_design *const rd_stream_##id##_design;
#include "ring/designs.def"
#undef RD_DESIGN

static const struct {
	const struct rd_stream_loops *loops;
	const struct rd_ring_design *const *design;
} stream_insts[] = {
#define RD_DESIGN(id) { &rd_stream_##id##_loops, &rd_stream_##id##_design },
#include "ring/designs.def"
#undef RD_DESIGN
};

const struct rd_stream_loops *rd_stream_loops_of(const struct rd_ring_design *d)
{
	for (size_t i = 0; i < sizeof(stream_insts) / sizeof(stream_insts[0]); i++)
		if (!strcmp((*stream_insts[i].design)->name, d->name))
			return stream_insts[i].loops;
	return NULL;
}

struct stream_consumer {
	const struct rd_stream_loops *l;
	void *q;
	unsigned int batch;
	uint64_t n;
	int ready, go;
	uint64_t t_end;
	uint64_t checksum;
};

static void *consume_all(void *p)
{
	struct stream_consumer *c = p;

	/* Release: we are bound and about to wait; the producer may start. */
	__atomic_store_n(&c->ready, 1, __ATOMIC_RELEASE);
	/* Acquire: pairs with the producer's release of go; a start line. */
	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	c->checksum = c->l->consume(c->q, c->batch, c->n);
	c->t_end = rd_now_ns();
	return NULL;
}

uint64_t rd_stream_run(struct rd_bench *b, const struct rd_stream_loops *l,
		       void *q, unsigned int prod_cpu, unsigned int cons_cpu,
		       unsigned int batch, uint64_t n, uint64_t *full_spins,
		       struct rd_err *err)
{
	static struct damon_access_report reports[RD_STREAM_NREPORTS];
	struct stream_consumer c = {
		.l = l, .q = q, .batch = batch, .n = n,
	};
	uint64_t t0, spins, want = 0;
	struct rd_thread t;

	if (batch < 1 || batch > RD_STREAM_MAX_BATCH) {
		rd_errf(err, EINVAL, "batch %u is outside 1..%u", batch,
			RD_STREAM_MAX_BATCH);
		return 0;
	}
	rd_bench_reports(reports, RD_STREAM_NREPORTS, prod_cpu);
	for (uint64_t i = 0; i < n; i++)
		want += reports[i & (RD_STREAM_NREPORTS - 1)].vaddr;
	if (rd_topo_bind_thread(&b->topo, prod_cpu, err))
		return 0;
	if (rd_thread_start(&t, b, cons_cpu, consume_all, &c, err)) {
		rd_err_prefix(err, "the consumer thread on CPU %u: ", cons_cpu);
		return 0;
	}
	/* Acquire: the consumer is running on its CPU and waits for go. */
	while (!__atomic_load_n(&c.ready, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	t0 = rd_now_ns();
	/* Release: the start line; nothing before it matters to the consumer. */
	__atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
	spins = l->produce(q, reports, n);
	rd_thread_join(&t);
	*full_spins = spins;
	if (c.checksum != want) {
		rd_errf(err, EIO, "%s: the consumer's checksum of %llu reports is wrong: reports lost, duplicated or torn",
			l->name, (unsigned long long)n);
		return 0;
	}
	return c.t_end - t0;
}

struct stream_cfg {
	const struct rd_ring_design *d;	/* NULL: the native peer ck_ring */
	const struct rd_stream_loops *loops;
	unsigned int rec_size, capacity, batch;
	enum rd_pair_class cls;
};

static void stream(struct cbench_state *s, void *arg)
{
	const struct stream_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	unsigned int node_cpu = rd_bench.ring_mem == RD_MEM_PRODUCER ?
				pair->cpu[0] : pair->cpu[1];
	uint64_t records = 0, spins = 0, total_ns = 0;
	struct rd_err err = { 0 };
	double xfer;

	xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);
	while (cbench_keep_running(s)) {
		struct rd_ring *ring = NULL;
		struct rd_peer_queue pq;
		uint64_t ns, sp;

		if (c->d) {
			ring = rd_bench_ring(&rd_bench, c->d, c->capacity,
					     c->rec_size, pair->cpu[0],
					     pair->cpu[1], &err);
			if (!ring) {
				cbench_skip_with_error(s, err.msg);
				return;
			}
		} else if (rd_peer_create(&pq, "ck_ring", c->capacity, node_cpu,
					  &err)) {
			cbench_skip_with_error(s, err.msg);
			return;
		}
		ns = rd_stream_run(&rd_bench, c->loops, ring ? ring->impl : pq.q,
				   pair->cpu[0], pair->cpu[1], c->batch,
				   RD_STREAM_RECORDS, &sp, &err);
		if (ring)
			rd_bench_ring_free(&rd_bench, ring);
		else
			rd_peer_free(&pq);
		if (!ns) {
			cbench_skip_with_error(s, err.msg);
			return;
		}
		cbench_set_iteration_time(s, ns * 1e-9);
		records += RD_STREAM_RECORDS;
		total_ns += ns;
		spins += sp;
	}
	rd_stream_counters(s, records, total_ns, spins, xfer);
}

static void add_one(const struct rd_ring_design *d, unsigned int rs,
		    unsigned int cap, unsigned int batch,
		    enum rd_pair_class cls)
{
	struct stream_cfg *c = calloc(1, sizeof(*c));
	struct cbench *bm;
	char name[160];

	*c = (struct stream_cfg) { d, NULL, rs, cap, batch, cls };
	c->loops = d ? rd_stream_loops_of(d) : rd_peer_loops("ck_ring");
	if (!c->loops) {
		fprintf(stderr, "ringdrain bench: stream: no stream loops for %s\n",
			d ? d->name : "ck_ring");
		free(c);
		return;
	}
	snprintf(name, sizeof(name),
		 "stream/design:%s/rec:%u/cap:%u/batch:%u/class:%s",
		 d ? d->name : "ck_ring", rs, cap, batch,
		 rd_pair_class_name(cls));
	bm = cbench_register(name, stream, c);
	cbench_use_manual_time(bm);
	cbench_iterations(bm, 1);
}

/*
 * Every design but `ck` (ck_ring behind ringdrain's ring API, kept for the
 * tests and the nesting proof), and ck_ring called natively in its place
 * (48-byte reports: its typed value is the report itself).
 */
static void add(struct rd_bench *b)
{
	static const unsigned int caps[] = { 256, 4096 };
	static const unsigned int quick_batches[] = { 1, 16, 256 };
	static const unsigned int full_batches[] = { 1, 4, 16, 64, 256 };
	const unsigned int *batches = b->quick ? quick_batches : full_batches;
	unsigned int nbatches = b->quick ? 3 : 5;
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	int ncross = rd_cross_classes(b, cross);

	if (!ncross)
		fprintf(stderr, "ringdrain bench: stream skipped: no cross-core CPU pair on this machine\n");
	for (int k = 0; k < ncross; k++)
		for (unsigned int i = 0; i <= rd_nr_designs; i++)
			for (unsigned int rs = DAMON_REPORT_COMPACT;
			     rs <= DAMON_REPORT_FULL; rs += 16)
				for (unsigned int ci = 0; ci < 2; ci++)
					for (unsigned int bi = 0; bi < nbatches; bi++) {
						const struct rd_ring_design *d =
							i < rd_nr_designs ? rd_designs[i] : NULL;

						if ((d && !strcmp(d->name, "ck")) ||
						    (!d && rs != DAMON_REPORT_FULL))
							continue;
						add_one(d, rs, caps[ci], batches[bi],
							cross[k]);
					}
}

const struct rd_suite rd_suite_stream = {
	.name = "stream",
	.summary = "cross-core streaming throughput per design, topology class, record size, capacity, batch",
	.add = add,
	.report = &rd_report_stream,
};
