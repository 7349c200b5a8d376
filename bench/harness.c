// SPDX-License-Identifier: GPL-2.0
/* harness.c - shared bench machinery (see harness.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct rd_bench rd_bench;

int rd_cross_classes(const struct rd_bench *b, enum rd_pair_class *out)
{
	int n = 0;

	for (int c = RD_PAIR_SMT; c < RD_NR_PAIR_CLASSES; c++)
		if (b->topo.pairs[c].present)
			out[n++] = c;
	return n;
}

/* RD_THREAD_*: how far a new thread got; its creator waits for the verdict. */
enum { RD_THREAD_STARTING, RD_THREAD_BOUND, RD_THREAD_FAILED };

static void *thread_main(void *p)
{
	struct rd_thread *t = p;
	int state = RD_THREAD_BOUND;

	if (rd_topo_bind_thread(&t->b->topo, t->cpu, &t->err))
		state = RD_THREAD_FAILED;
	__atomic_store_n(&t->state, state, __ATOMIC_RELEASE);
	/* Never run unbound: the creator reports the error and joins. */
	return state == RD_THREAD_BOUND ? t->fn(t->arg) : NULL;
}

int rd_thread_start(struct rd_thread *t, struct rd_bench *b, unsigned int cpu,
		    void *(*fn)(void *), void *arg, struct rd_err *e)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int ret, state;

	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	t->b = b;
	t->state = RD_THREAD_STARTING;
	rd_err_clear(&t->err);
	ret = pthread_attr_init(&attr);
	if (ret)
		return rd_errf(e, ret, "cannot start a thread on CPU %u: %s",
			       cpu, strerror(ret));
	/*
	 * Created already on its CPU: a thread inheriting its creator's
	 * one-CPU binding would wait for a spinning creator to be preempted.
	 */
	CPU_ZERO(&set);
	if (b->topo.thissystem && cpu < CPU_SETSIZE) {
		CPU_SET(cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	ret = pthread_create(&t->tid, &attr, thread_main, t);
	pthread_attr_destroy(&attr);
	if (ret)
		return rd_errf(e, ret, "cannot start a thread on CPU %u: %s",
			       cpu, strerror(ret));
	/* Until it is bound (or cannot be): outside every timed window. */
	while ((state = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) ==
	       RD_THREAD_STARTING)
		sched_yield();
	if (state == RD_THREAD_FAILED) {
		pthread_join(t->tid, NULL);
		if (e)
			*e = t->err;
		return -(t->err.code ? t->err.code : EINVAL);
	}
	return 0;
}

void rd_thread_join(struct rd_thread *t)
{
	pthread_join(t->tid, NULL);
}

/* The bounced line: each side waits for its parity, then writes the next. */
struct pingpong {
	_Alignas(64) unsigned long turn;
	unsigned long rounds;
};

static void *pong(void *p)
{
	struct pingpong *pp = p;

	for (unsigned long i = 0; i < pp->rounds; i++) {
		/* Acquire/release: a plain handshake; the cost is the line. */
		while (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) != 2 * i + 1)
			__builtin_ia32_pause();
		__atomic_store_n(&pp->turn, 2 * i + 2, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double rd_xfer_ns(struct rd_bench *b, unsigned int a, unsigned int b_cpu)
{
	enum { BATCHES = 15, PER_BATCH = 200 };
	struct pingpong pp = { .turn = 0, .rounds = BATCHES * PER_BATCH };
	uint64_t batch_ns[BATCHES];
	struct rd_thread t;

	if (a == b_cpu)
		return 0;
	if (rd_topo_bind_thread(&b->topo, a, NULL) ||
	    rd_thread_start(&t, b, b_cpu, pong, &pp, NULL))
		return -1;
	for (unsigned long batch = 0, i = 0; batch < BATCHES; batch++) {
		uint64_t t0 = rd_now_ns();

		for (unsigned long k = 0; k < PER_BATCH; k++, i++) {
			__atomic_store_n(&pp.turn, 2 * i + 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) !=
			       2 * i + 2)
				__builtin_ia32_pause();
		}
		batch_ns[batch] = rd_now_ns() - t0;
	}
	rd_thread_join(&t);
	qsort(batch_ns, BATCHES, sizeof(batch_ns[0]), cmp_u64);
	/* a round trip is two one-way transfers */
	return (double)batch_ns[BATCHES / 2] / PER_BATCH / 2;
}

struct rd_ring *rd_bench_ring(struct rd_bench *b,
			      const struct rd_ring_design *d,
			      unsigned int capacity, unsigned int rec_size,
			      unsigned int prod_cpu, unsigned int cons_cpu,
			      struct rd_err *e)
{
	unsigned int node_cpu = b->ring_mem == RD_MEM_PRODUCER ? prod_cpu :
							       cons_cpu;
	size_t bytes = d->size(capacity, rec_size);
	struct rd_ring *ring;
	void *mem;

	if (rd_ring_check(d, capacity, rec_size, e))
		return NULL;
	mem = rd_topo_alloc_near(&b->topo, node_cpu, bytes);
	if (!mem) {
		rd_errf(e, ENOMEM, "cannot allocate %zu bytes near CPU %u",
			bytes, node_cpu);
		return NULL;
	}
	ring = rd_ring_create_in(d, mem, capacity, rec_size, prod_cpu, e);
	if (!ring)
		rd_topo_free(&b->topo, mem, bytes);
	return ring;
}

void rd_bench_ring_free(struct rd_bench *b, struct rd_ring *ring)
{
	if (!ring)
		return;
	rd_topo_free(&b->topo, ring->impl,
		     ring->d->size(ring->capacity, ring->rec_size));
	rd_ring_destroy(ring);
}

void rd_bench_reports(struct damon_access_report *r, unsigned int n,
		      unsigned int cpu)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (unsigned int i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r[i] = (struct damon_access_report) {
			.paddr = (x & 0xffffffffff) << 12 >> 12 << 12,
			.vaddr = 0x7f0000000000UL + ((x >> 20) & 0xfffffff) * 4096,
			.size = 4096,
			.cpu = cpu,
			.tid = 1000 + (int)(x % 8),
			.tgid = 1000,
			.is_write = x & 1,
		};
	}
}

uint64_t rd_spin_ns(uint64_t ns)
{
	uint64_t t0 = rd_now_ns(), t;

	do
		t = rd_now_ns();
	while (t - t0 < ns);
	return t - t0;
}

void rd_stream_counters(struct cbench_state *s, uint64_t records,
			uint64_t total_ns, uint64_t full_spins, double xfer_ns)
{
	cbench_set_items_processed(s, records);
	cbench_counter(s, "ns_per_record",
		       records ? (double)total_ns / records : 0, 0);
	cbench_counter(s, "full_spins_per_record",
		       records ? (double)full_spins / records : 0, 0);
	cbench_counter(s, "xfer_ns", xfer_ns, 0);
}
