// SPDX-License-Identifier: GPL-2.0
/*
 * test_procs.c - several processes' traces interleaved as per-CPU rings see
 * them (drain_trace_interleave()), the committed multi-process workload run
 * through every strategy, and the default zero-access policies.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"

/* A trace of @n records of tgid @tgid, addresses tgid * 0x10000 + j. */
static void mk(struct drain_trace *t, pid_t tgid, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->recs = calloc(n, sizeof(*t->recs));
	cr_assert_not_null(t->recs);
	for (size_t j = 0; j < n; j++) {
		t->recs[j].tgid = tgid;
		t->recs[j].addr = tgid * 0x10000UL + j;
		t->recs[j].size = 8;
		t->recs[j].cpu = 77;
		t->recs[j].write = j & 1;
	}
	t->n = t->cap = n;
	t->lines = n + 1;
	t->accesses = 2 * n;
}

Test(procs, interleave_in_time_order_moving_cpus)
{
	struct drain_trace a, b, c, out;
	const struct drain_trace *in[3] = { &a, &b, &c };
	struct rd_err err = { 0 };
	size_t seen[3] = { 0 };

	mk(&a, 1, 4);	/* times 1/8 3/8 5/8 7/8 */
	mk(&b, 2, 2);	/* times 1/4 3/4 */
	mk(&c, 3, 1);	/* time 1/2 */
	cr_assert_eq(drain_trace_interleave(&out, in, 3, 2, 3, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(out.n, 7);
	cr_assert_eq(out.lines, 10);
	cr_assert_eq(out.accesses, 14);
	{
		/* 1/8 a, 1/4 b, 3/8 a, 1/2 c, 5/8 a, 3/4 b, 7/8 a */
		static const pid_t tg[7] = { 1, 2, 1, 3, 1, 2, 1 };
		/* process i in slice m / 3 on CPU (i + m / 3) % 2 */
		static const unsigned int cpu[7] = { 0, 1, 0, 1, 1, 0, 0 };

		for (size_t m = 0; m < 7; m++) {
			const struct drain_trace_rec *r = &out.recs[m];
			size_t j = seen[r->tgid - 1]++;

			cr_assert_eq(r->tgid, tg[m], "record %zu", m);
			cr_assert_eq(r->cpu, cpu[m], "record %zu", m);
			/* each trace's records in their order, unchanged */
			cr_assert_eq(r->addr, r->tgid * 0x10000UL + j);
			cr_assert_eq(r->size, 8);
			cr_assert_eq(r->write, j & 1);
		}
	}
	cr_assert_eq(out.nr_cpus, 2);
	drain_trace_free(&out);
	cr_assert_eq(drain_trace_interleave(&out, in, 3, 0, 3, &err), -EINVAL);
	cr_assert(strstr(err.msg, "need 1..") != NULL, "%s", err.msg);
	cr_assert_eq(drain_trace_interleave(&out, in, 3, 4, 0, &err), -EINVAL);
	cr_assert_eq(drain_trace_interleave(&out, in, 0, 4, 1, &err), -EINVAL);
	drain_trace_free(&a);
	drain_trace_free(&b);
	drain_trace_free(&c);
}

/* Big traces of unequal lengths: every record exactly once, ends together. */
Test(procs, interleave_keeps_every_record_and_spreads_cpus)
{
	static const size_t len[5] = { 68146, 1, 40000, 3, 68000 };
	struct drain_trace t[5], out;
	const struct drain_trace *in[5];
	struct rd_err err = { 0 };
	size_t seen[5] = { 0 }, total = 0, per_cpu[8] = { 0 };

	for (int i = 0; i < 5; i++) {
		mk(&t[i], i + 1, len[i]);
		in[i] = &t[i];
		total += len[i];
	}
	cr_assert_eq(drain_trace_interleave(&out, in, 5, 8, 3600, &err), 0);
	cr_assert_eq(out.n, total);
	for (size_t m = 0; m < out.n; m++) {
		const struct drain_trace_rec *r = &out.recs[m];
		int i = r->tgid - 1;

		cr_assert_eq(r->addr, r->tgid * 0x10000UL + seen[i]);
		/*
		 * In time order: record k of trace i is at (k + 1/2) / len_i,
		 * and each trace has within one record of t * len_j before t,
		 * so m is within 5 of (k + 1/2) * total / len_i.
		 */
		cr_assert_leq(fabs((seen[i] + 0.5) * total / len[i] - m), 5.0,
			      "record %zu: trace %d's %zu", m, i, seen[i]);
		seen[i]++;
		cr_assert_eq(r->cpu, (i + m / 3600) % 8);
		per_cpu[r->cpu]++;
	}
	for (int i = 0; i < 5; i++)
		cr_assert_eq(seen[i], len[i]);
	for (int c = 0; c < 8; c++)
		cr_assert_gt(per_cpu[c], 0, "cpu %d never ran anything", c);
	drain_trace_free(&out);
	for (int i = 0; i < 5; i++)
		drain_trace_free(&t[i]);
}

Test(procs, default_zero_policy_lazy_for_the_fast_strategies)
{
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *s = drain_strategies[i];
		bool posted = !strcmp(s->name, "rfc") || !strcmp(s->name, "list");

		cr_assert_eq(drain_zero_policy_default(s),
			     posted ? DRAIN_ZERO_EAGER : DRAIN_ZERO_LAZY,
			     "%s", s->name);
	}
}
