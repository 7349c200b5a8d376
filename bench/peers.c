// SPDX-License-Identifier: GPL-2.0
/*
 * peers.c - the `peers` suite: real rings from libraries, measured beside
 * ringdrain's designs under the same conditions.
 *
 * peers/stream: cross-core streaming of 48-byte reports, batch 32, capacity
 * 4096, for DPDK's rte_ring in single-producer/single-consumer mode through
 * the _elem calls (rte_ring_init on our own memory, no EAL), ck_ring, the RFC
 * ring and the NMI-safe designs.
 *
 * peers/io_uring: the io_uring completion ring, the kernel as producer: a
 * batch of NOPs submitted, their completions drained with liburing and the
 * CQ head released once per batch.  Per record, and the drain alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "harness.h"

#define PEER_RECORDS	200000
#define PEER_CAPACITY	4096
#define PEER_BATCH	32

static bool rte_produce(void *q, const struct damon_access_report *r)
{
	return rte_ring_sp_enqueue_elem(q, (void *)r, sizeof(*r)) == 0;
}

static unsigned int rte_consume(void *q, struct damon_access_report *out,
				unsigned int max)
{
	return rte_ring_sc_dequeue_burst_elem(q, out, sizeof(*out), max, NULL);
}

static const struct rd_spsc_ops rte_ops = {
	.produce = rte_produce,
	.consume = rte_consume,
};

struct peer_cfg {
	const char *peer;
	const struct rd_ring_design *d;	/* NULL for rte_ring */
	enum rd_pair_class cls;
};

static void peer_stream(struct cbench_state *s, void *arg)
{
	const struct peer_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	uint64_t records = 0, total_ns = 0, spins = 0;
	char err[RD_ERR_LEN];
	double xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);

	while (cbench_keep_running(s)) {
		const struct rd_spsc_ops *ops;
		struct rd_ring *ring = NULL;
		struct rte_ring *r = NULL;
		ssize_t bytes = 0;
		void *q;
		uint64_t ns, sp;

		if (c->d) {
			ring = rd_bench_ring(&rd_bench, c->d, PEER_CAPACITY,
					     DAMON_REPORT_FULL, pair->cpu[0],
					     pair->cpu[1], err);
			if (!ring) {
				cbench_skip_with_error(s, err);
				return;
			}
			ops = &rd_ring_spsc_ops;
			q = ring;
		} else {
			bytes = rte_ring_get_memsize_elem(
				sizeof(struct damon_access_report), PEER_CAPACITY);
			r = bytes > 0 ? rd_topo_alloc_near(&rd_bench.topo,
				rd_bench.ring_mem == RD_MEM_PRODUCER ?
				pair->cpu[0] : pair->cpu[1], bytes) : NULL;
			if (!r || rte_ring_init(r, "ringdrain", PEER_CAPACITY,
						RING_F_SP_ENQ | RING_F_SC_DEQ)) {
				cbench_skip_with_error(s, "rte_ring_init failed");
				return;
			}
			ops = &rte_ops;
			q = r;
		}
		ns = rd_stream_run(&rd_bench, ops, q, pair->cpu[0],
				   pair->cpu[1], PEER_BATCH, PEER_RECORDS, &sp);
		if (ring)
			rd_bench_ring_free(&rd_bench, ring);
		else
			rd_topo_free(&rd_bench.topo, r, bytes);
		if (!ns) {
			cbench_skip_with_error(s, "cannot start the consumer thread");
			return;
		}
		cbench_set_iteration_time(s, ns * 1e-9);
		records += PEER_RECORDS;
		total_ns += ns;
		spins += sp;
	}
	rd_stream_counters(s, records, total_ns, spins, xfer);
}

static void peer_io_uring(struct cbench_state *s, void *arg)
{
	unsigned int batch = (unsigned int)(uintptr_t)arg;
	struct io_uring_cqe *cqes[256];
	struct io_uring ring;
	uint64_t records = 0, total_ns = 0, drain_ns = 0, sum = 0;
	int ret;

	ret = io_uring_queue_init(batch, &ring, 0);
	if (ret < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "io_uring_queue_init: %s",
			 strerror(-ret));
		cbench_skip_with_error(s, msg);
		return;
	}
	while (cbench_keep_running(s)) {
		uint64_t t0 = rd_now_ns(), t1;
		unsigned int got = 0;

		for (unsigned int i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_nop(sqe);
			sqe->user_data = i;
		}
		/* NOPs complete inline: the kernel posts the CQEs. */
		io_uring_submit(&ring);
		t1 = rd_now_ns();
		while (got < batch) {
			unsigned int n = io_uring_peek_batch_cqe(&ring, cqes,
								 batch - got);

			for (unsigned int i = 0; i < n; i++)
				sum += cqes[i]->user_data;
			io_uring_cq_advance(&ring, n);	/* one head release */
			got += n;
		}
		drain_ns += rd_now_ns() - t1;
		total_ns += rd_now_ns() - t0;
		records += batch;
		cbench_set_iteration_time(s, (rd_now_ns() - t0) * 1e-9);
	}
	io_uring_queue_exit(&ring);
	cbench_do_not_optimize(&sum);
	cbench_set_items_processed(s, records);
	cbench_counter(s, "ns_per_record",
		       records ? (double)total_ns / records : 0, 0);
	cbench_counter(s, "drain_ns_per_record",
		       records ? (double)drain_ns / records : 0, 0);
}

static void add(struct rd_bench *b)
{
	static const char *const designs[] = {
		"rfc", "ck", "ctxsplit", "perfnest", "seqslot", "cached",
	};
	enum rd_pair_class cross[RD_NR_PAIR_CLASSES];
	char name[160];

	if (rd_cross_classes(b, cross)) {
		for (size_t i = 0; i <= sizeof(designs) / sizeof(designs[0]); i++) {
			struct peer_cfg *c = calloc(1, sizeof(*c));
			struct cbench *bm;

			c->cls = cross[0];
			if (i < sizeof(designs) / sizeof(designs[0])) {
				c->d = rd_design_find(designs[i]);
				c->peer = designs[i];
			} else {
				c->peer = "rte_ring";
			}
			snprintf(name, sizeof(name),
				 "peers/stream/design:%s/rec:48/cap:%u/batch:%u/class:%s",
				 c->peer, PEER_CAPACITY, PEER_BATCH,
				 rd_pair_class_name(c->cls));
			bm = cbench_register(name, peer_stream, c);
			cbench_use_manual_time(bm);
			cbench_iterations(bm, 1);
		}
	} else {
		fprintf(stderr, "ringdrain bench: peers/stream skipped: no cross-core CPU pair on this machine\n");
	}
	for (unsigned int batch = 16; batch <= 256; batch *= 4) {
		snprintf(name, sizeof(name), "peers/io_uring/design:io_uring/batch:%u",
			 batch);
		cbench_min_time(cbench_use_manual_time(cbench_register(name,
				peer_io_uring, (void *)(uintptr_t)batch)), 0.1);
	}
}

const struct rd_suite rd_suite_peers = {
	.name = "peers",
	.summary = "DPDK rte_ring (SP/SC, _elem), ck_ring and the io_uring CQ ring beside the designs",
	.add = add,
};
