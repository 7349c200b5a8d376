// SPDX-License-Identifier: GPL-2.0
/*
 * peers.c - the `peers` suite: real rings from libraries, measured beside
 * ringdrain's designs under the same conditions.
 *
 * peers/stream: cross-core streaming of 48-byte reports, batch 32, capacity
 * 4096, for DPDK's rte_ring in single-producer/single-consumer mode through
 * the _elem burst calls (rte_ring_init on our own memory, no EAL), ck_ring
 * through its native typed SPSC calls, the RFC ring and the NMI-safe
 * designs, each through the same stream loops (stream_loop.h) with its
 * calls direct.
 *
 * peers/io_uring: the io_uring completion ring, the kernel as producer: a
 * batch of NOPs submitted, their completions read in place with
 * io_uring_for_each_cqe() and the CQ head released once per batch.  Per record, and the drain alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <ck_ring.h>

#include "harness.h"

#define PEER_CAPACITY	4096
#define PEER_BATCH	32

/*
 * ck_ring as its users call it: a ring typed with CK_RING_PROTOTYPE whose
 * value is the report itself, ck_ring_enqueue_spsc_<type>() copying it in
 * (one struct copy) and ck_ring_dequeue_spsc_<type>() copying it out.  The
 * producer stamps report_jiffies first: the one store every design pays.
 */
CK_RING_PROTOTYPE(rd_peer, damon_access_report)

struct peer_ck {
	struct ck_ring ring;
	struct damon_access_report buf[] ____cacheline_aligned;
};

static inline bool ck_put(struct peer_ck *c, struct damon_access_report *r)
{
	r->report_jiffies = READ_ONCE(jiffies);	/* as damon_report_put() */
	return ck_ring_enqueue_spsc_rd_peer(&c->ring, c->buf, r);
}

static inline unsigned int ck_take(struct peer_ck *c,
				   struct damon_access_report *out,
				   unsigned int max)
{
	unsigned int n = 0;

	while (n < max && ck_ring_dequeue_spsc_rd_peer(&c->ring, c->buf,
						       &out[n]))
		n++;
	return n;
}

#define RD_LOOP_NAME(x)		 ck_native_##x
#define RD_LOOP_PRODUCE(q, r)	 ck_put((q), (r))
#define RD_LOOP_CONSUME(q, o, m) ck_take((q), (o), (m))
#define RD_LOOP_LABEL		 "ck_ring"
#include "stream_loop.h"

/*
 * DPDK's rte_ring in SP/SC mode with its _elem calls, the report as a
 * 48-byte element: a burst of one per report (a sampling producer has one
 * report at a time), bursts of up to the batch on the consumer side.
 */
static inline bool rte_put(struct rte_ring *q, struct damon_access_report *r)
{
	r->report_jiffies = READ_ONCE(jiffies);	/* as damon_report_put() */
	return rte_ring_sp_enqueue_burst_elem(q, r, sizeof(*r), 1, NULL) == 1;
}

#define RD_LOOP_NAME(x)		 rte_native_##x
#define RD_LOOP_PRODUCE(q, r)	 rte_put((q), (r))
#define RD_LOOP_CONSUME(q, o, m) rte_ring_sc_dequeue_burst_elem((q), (o), \
					sizeof(struct damon_access_report), (m), NULL)
#define RD_LOOP_LABEL		 "rte_ring"
#include "stream_loop.h"

const struct rd_stream_loops *rd_peer_loops(const char *peer)
{
	return !strcmp(peer, "ck_ring") ? &ck_native_loops :
	       !strcmp(peer, "rte_ring") ? &rte_native_loops : NULL;
}

int rd_peer_create(struct rd_peer_queue *pq, const char *peer,
		   unsigned int capacity, unsigned int node_cpu,
		   struct rd_err *err)
{
	memset(pq, 0, sizeof(*pq));
	if (!strcmp(peer, "ck_ring")) {
		pq->bytes = sizeof(struct peer_ck) +
			(size_t)capacity * sizeof(struct damon_access_report);
		pq->loops = &ck_native_loops;
	} else if (!strcmp(peer, "rte_ring")) {
		ssize_t bytes = rte_ring_get_memsize_elem(
			sizeof(struct damon_access_report), capacity);

		if (bytes <= 0) {
			return rd_errf(err, EINVAL,
				       "rte_ring: capacity %u refused", capacity);
		}
		pq->bytes = bytes;
		pq->loops = &rte_native_loops;
	} else {
		return rd_errf(err, EINVAL, "peer '%s' is not ck_ring or rte_ring",
			       peer);
	}
	pq->q = rd_topo_alloc_near(&rd_bench.topo, node_cpu, pq->bytes);
	if (!pq->q) {
		return rd_errf(err, ENOMEM, "cannot allocate %zu bytes near CPU %u",
			       pq->bytes, node_cpu);
	}
	if (pq->loops == &ck_native_loops) {
		ck_ring_init(&((struct peer_ck *)pq->q)->ring, capacity);
	} else if (rte_ring_init(pq->q, "ringdrain", capacity,
				 RING_F_SP_ENQ | RING_F_SC_DEQ)) {
		rd_peer_free(pq);
		return rd_errf(err, EINVAL, "rte_ring_init failed");
	}
	return 0;
}

void rd_peer_free(struct rd_peer_queue *pq)
{
	rd_topo_free(&rd_bench.topo, pq->q, pq->bytes);
	memset(pq, 0, sizeof(*pq));
}

struct peer_cfg {
	const char *peer;
	const struct rd_ring_design *d;	/* NULL for a native peer */
	enum rd_pair_class cls;
};

static void peer_stream(struct cbench_state *s, void *arg)
{
	const struct peer_cfg *c = arg;
	const struct rd_pair *pair = &rd_bench.topo.pairs[c->cls];
	unsigned int node_cpu = rd_bench.ring_mem == RD_MEM_PRODUCER ?
				pair->cpu[0] : pair->cpu[1];
	uint64_t records = 0, total_ns = 0, spins = 0;
	struct rd_err err = { 0 };
	double xfer = rd_xfer_ns(&rd_bench, pair->cpu[0], pair->cpu[1]);

	while (cbench_keep_running(s)) {
		const struct rd_stream_loops *l;
		struct rd_peer_queue pq;
		struct rd_ring *ring = NULL;
		uint64_t ns, sp;
		void *q;

		if (c->d) {
			ring = rd_bench_ring(&rd_bench, c->d, PEER_CAPACITY,
					     DAMON_REPORT_FULL, pair->cpu[0],
					     pair->cpu[1], &err);
			if (!ring) {
				cbench_skip_with_error(s, err.msg);
				return;
			}
			l = rd_stream_loops_of(c->d);
			q = ring->impl;
		} else {
			if (rd_peer_create(&pq, c->peer, PEER_CAPACITY,
					   node_cpu, &err)) {
				cbench_skip_with_error(s, err.msg);
				return;
			}
			l = pq.loops;
			q = pq.q;
		}
		ns = rd_stream_run(&rd_bench, l, q, pair->cpu[0],
				   pair->cpu[1], PEER_BATCH, RD_STREAM_RECORDS,
				   &sp, &err);
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

static void peer_io_uring(struct cbench_state *s, void *arg)
{
	unsigned int batch = (unsigned int)(uintptr_t)arg;
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
			struct io_uring_cqe *cqe;
			unsigned int head, n = 0;

			/* The CQEs read in place, as liburing's users do. */
			io_uring_for_each_cqe(&ring, head, cqe) {
				sum += cqe->user_data;
				n++;
			}
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
		"rfc", "ctxsplit", "perfnest", "seqslot", "cached", "ck_ring",
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
				if (!c->d && strcmp(c->peer, "ck_ring")) {
					free(c);
					continue;
				}
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
	.report = &rd_report_peers,
};
