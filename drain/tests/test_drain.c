// SPDX-License-Identifier: GPL-2.0
/*
 * test_drain.c - the drain: DAMON's accounting rules, every strategy and
 * zero-access policy against each other (the property test, and proof that
 * it catches a broken strategy), zero allocations in a steady tick counted
 * by jemalloc itself, injected snapshot allocation failures, and the
 * report streams.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#ifndef DRAIN_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "drain/access.h"
#include "drain/internal.h"
#include "prop.h"

/* ---- DAMON's rules --------------------------------------------------- */

static struct damon_region mkregion(unsigned int nr, unsigned int bp,
				    unsigned int last)
{
	struct damon_region r = { .nr_accesses = nr, .nr_accesses_bp = bp,
				  .last_nr_accesses = last };
	return r;
}

Test(model, moving_sum_posted_wraps_clamped_does_not)
{
	struct damon_attrs a;
	struct damon_region r;

	drain_attrs_default(&a);	/* window 20 */
	/* last 40 drops 40 * 10000 / 20 = 20000 a step; bp 5000 is below. */
	r = mkregion(0, 5000, 40);
	damon_access_step(&r, false, &a);
	cr_assert_eq(r.nr_accesses_bp, (unsigned int)(5000 - 20000),
		     "posted: wraps to %u", r.nr_accesses_bp);
	a.clamp_moving_sum = true;
	r = mkregion(0, 5000, 40);
	damon_access_step(&r, false, &a);
	cr_assert_eq(r.nr_accesses_bp, 0);
	r = mkregion(3, 5000, 40);
	damon_access_step(&r, true, &a);
	cr_assert_eq(r.nr_accesses_bp, 10000, "clamped: the new value");
	cr_assert_eq(r.nr_accesses, 4);
	/* In step: 30000 - 20000 + 10000. */
	r = mkregion(0, 30000, 40);
	damon_access_step(&r, true, &a);
	cr_assert_eq(r.nr_accesses_bp, 20000);
}

Test(model, folded_idle_ticks_equal_single_steps)
{
	u64 rnd = 7;

	for (int i = 0; i < 200000; i++) {
		struct damon_attrs a;
		struct damon_region x, y;
		unsigned long k = prop_below(&rnd, 50);

		drain_attrs_default(&a);
		a.window = 1 + prop_below(&rnd, 40);
		a.clamp_moving_sum = prop_next(&rnd) & 1;
		x = mkregion(prop_below(&rnd, 50), prop_next(&rnd) >>
			     (32 + prop_below(&rnd, 32)), prop_below(&rnd, 90));
		if (prop_below(&rnd, 50) == 0)
			x.last_nr_accesses = prop_next(&rnd);	/* u32 wrap */
		y = x;
		for (unsigned long j = 0; j < k; j++)
			damon_access_step(&x, false, &a);
		damon_access_fold_idle(&y, k, &a);
		cr_assert_eq(x.nr_accesses_bp, y.nr_accesses_bp,
			     "k %lu bp %u last %u window %u clamp %d: %u vs %u",
			     k, y.nr_accesses_bp, y.last_nr_accesses, a.window,
			     a.clamp_moving_sum, x.nr_accesses_bp,
			     y.nr_accesses_bp);
	}
}

Test(model, window_reciprocal_divides_exactly)
{
	static const u32 ws[] = { 1, 2, 3, 7, 10, 20, 30, 1000, 65535, 65536,
				  0x7fffffffU, 0x80000000U, 0xfffffffeU,
				  0xffffffffU };
	u64 rnd = 11;

	for (int i = 0; i < 2000; i++) {
		u32 w = i < (int)ARRAY_SIZE(ws) ? ws[i] :
			i < 1000 ? (u32)i : 1 + (u32)prop_below(&rnd, ~0U);
		struct damon_attrs a = { .window = w };
		struct damon_window_div v;

		damon_window_div_init(&v, &a);
		for (int j = 0; j < 300; j++) {
			/* The edges around multiples of w, the top, random. */
			u64 q = prop_below(&rnd, (0xffffffffULL / w) + 1);
			u32 n = j < 3 ? (u32[]){ 0, 1, ~0U }[j] :
				j % 3 == 0 ? (u32)(q * w) :
				j % 3 == 1 ? (u32)(q * w) - 1 :
				(u32)prop_next(&rnd);

			cr_assert_eq(damon_window_divide(n, &v), n / w,
				     "%u / %u: %u", n, w,
				     damon_window_divide(n, &v));
		}
	}
}

Test(model, lazy_credit_in_one_update_equals_fold_and_step)
{
	u64 rnd = 13;

	for (int i = 0; i < 200000; i++) {
		struct damon_attrs a;
		struct damon_window_div v;
		struct damon_region x, y, z;
		unsigned long now = 1 + prop_below(&rnd, 60);
		bool cx, cy, cz;

		drain_attrs_default(&a);
		a.window = 1 + prop_below(&rnd, 40);
		a.clamp_moving_sum = prop_next(&rnd) & 1;
		damon_window_div_init(&v, &a);
		x = mkregion(prop_below(&rnd, 50), prop_next(&rnd) >>
			     (32 + prop_below(&rnd, 32)), prop_below(&rnd, 90));
		if (prop_below(&rnd, 50) == 0)
			x.last_nr_accesses = prop_next(&rnd);	/* u32 wrap */
		x.settled_sis = prop_below(&rnd, now + 1);
		y = x;
		z = x;
		cx = damon_credit_lazy(&x, now, &a);
		cy = damon_credit_lazy_div(&y, now, a.clamp_moving_sum, &v);
		cr_assert(cx == cy && x.nr_accesses_bp == y.nr_accesses_bp &&
			  x.nr_accesses == y.nr_accesses &&
			  x.settled_sis == y.settled_sis,
			  "now %lu window %u clamp %d: %d bp %u nr %u vs %d bp %u nr %u",
			  now, a.window, a.clamp_moving_sum, cx,
			  x.nr_accesses_bp, x.nr_accesses, cy,
			  y.nr_accesses_bp, y.nr_accesses);
		if (a.clamp_moving_sum || a.window == 1)
			continue;
		cz = damon_credit_lazy_posted(&z, now, &v);
		cr_assert(cx == cz && x.nr_accesses_bp == z.nr_accesses_bp &&
			  x.nr_accesses == z.nr_accesses &&
			  x.settled_sis == z.settled_sis,
			  "posted, now %lu window %u: bp %u vs %u", now,
			  a.window, x.nr_accesses_bp, z.nr_accesses_bp);
	}
}

/* A context of one target with the given regions, aggregating every tick. */
static struct damon_ctx *ctx_of(const unsigned long (*rg)[2], int n,
				unsigned int max_regions)
{
	struct damon_attrs a;
	struct damon_target *t;
	struct damon_ctx *ctx;

	drain_attrs_default(&a);
	a.aggr_ticks = 1;
	a.window = 20;
	a.max_nr_regions = max_regions;
	a.min_nr_regions = 1;
	ctx = drain_ctx_new(&a, true, 1);
	cr_assert_eq(drain_ctx_add_target(ctx, 42, &t), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(drain_ctx_add_region(ctx, t, rg[i][0], rg[i][1]), 0);
	return ctx;
}

static struct damon_region *nth(struct damon_ctx *ctx, int n)
{
	struct damon_target *t = list_first_entry(&ctx->adaptive_targets,
						  struct damon_target, list);
	struct damon_region *r;

	damon_for_each_region(r, t)
		if (!n--)
			return r;
	return NULL;
}

Test(model, merge_age_and_weighted_means)
{
	/* Three touching regions and one past a gap. */
	static const unsigned long rg[][2] = {
		{ 0x10000, 0x12000 }, { 0x12000, 0x16000 },
		{ 0x16000, 0x17000 }, { 0x20000, 0x21000 },
	};
	/* max 3 regions: no split afterwards (3 > 3 / 2) */
	struct damon_ctx *ctx = ctx_of(rg, 4, 3);
	struct drain_kdamond *kd;
	struct rd_err err = { 0 };

	nth(ctx, 0)->nr_accesses = 10;
	nth(ctx, 0)->last_nr_accesses = 10;
	nth(ctx, 0)->age = 4;
	nth(ctx, 1)->nr_accesses = 13;
	nth(ctx, 1)->last_nr_accesses = 2;	/* moved by 11: age 0 */
	nth(ctx, 1)->age = 9;
	nth(ctx, 2)->nr_accesses = 30;		/* far from 13: no merge */
	nth(ctx, 2)->last_nr_accesses = 30;
	nth(ctx, 3)->nr_accesses = 30;		/* close, but a gap */
	nth(ctx, 3)->last_nr_accesses = 0;	/* zero vs non-zero: age 0 */
	nth(ctx, 3)->age = 5;
	kd = drain_kdamond_new(ctx, NULL, &err);
	cr_assert_not_null(kd);
	/*
	 * The tick's eager pass takes one non-access step (bp changes, nr
	 * does not); max nr_accesses 30 gives threshold 3.  Region 0 ages to
	 * 5, region 1 resets to 0 and merges into 0 (|10 - 13| <= 3): nr =
	 * (10 * 2 + 13 * 4) / 6 = 12, age = (5 * 2 + 0 * 4) / 6 = 1.  Region
	 * 2 ages to 1 but stays (|12 - 30| > 3); region 3 ages to 0.  Then
	 * the reset moves nr to last.
	 */
	drain_kdamond_tick(kd, NULL);
	cr_assert_eq(drain_ctx_nr_regions(ctx), 3);
	cr_assert_eq(nth(ctx, 0)->ar.start, 0x10000);
	cr_assert_eq(nth(ctx, 0)->ar.end, 0x16000);
	cr_assert_eq(nth(ctx, 0)->last_nr_accesses, 12);
	cr_assert_eq(nth(ctx, 0)->nr_accesses, 0);
	cr_assert_eq(nth(ctx, 0)->nr_accesses_bp, 120000,
		     "a merge sets the sum to nr * 10000; the reset keeps it");
	cr_assert_eq(nth(ctx, 0)->age, 1);
	cr_assert_eq(nth(ctx, 1)->age, 1);
	cr_assert_eq(nth(ctx, 1)->last_nr_accesses, 30);
	cr_assert_eq(nth(ctx, 2)->age, 0);
	cr_assert_eq(ctx->nr_merges, 1);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
}

Test(model, split_keeps_coverage_and_alignment)
{
	static const unsigned long rg[][2] = {
		{ 0x100000, 0x200000 }, { 0x200000, 0x203000 },
		{ 0x400000, 0x401000 },
	};
	struct damon_ctx *ctx = ctx_of(rg, 3, 1000);
	struct drain_kdamond *kd;
	struct rd_err err = { 0 };
	unsigned long prev_gen;

	kd = drain_kdamond_new(ctx, NULL, &err);
	/* Nothing accessed: regions merge first (same counts), then split. */
	for (int tick = 0; tick < 12; tick++) {
		struct damon_region *r, *p = NULL;
		unsigned long covered = 0;

		prev_gen = ctx->generation;
		drain_kdamond_tick(kd, NULL);
		cr_assert_neq(ctx->generation, prev_gen,
			      "a boundary that split bumps the generation");
		for (int i = 0; (r = nth(ctx, i)); i++) {
			cr_assert(r->ar.start < r->ar.end);
			cr_assert(!p || p->ar.end <= r->ar.start);
			cr_assert_eq(r->ar.start % PAGE_SIZE, 0);
			covered += r->ar.end - r->ar.start;
			p = r;
		}
		cr_assert_eq(covered, 0x100000 + 0x3000 + 0x1000,
			     "split and merge keep the covered bytes");
	}
	cr_assert_gt(ctx->nr_splits, 0);
	cr_assert_gt(drain_ctx_nr_regions(ctx), 3);
	/* A one-page region cannot split (it is not above 2 pages). */
	cr_assert_eq(nth(ctx, (int)drain_ctx_nr_regions(ctx) - 1)->ar.start,
		     0x400000);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
}

Test(model, reset_fixes_a_drifted_sum)
{
	static const unsigned long rg[][2] = { { 0x1000, 0x2000 } };
	struct damon_ctx *ctx = ctx_of(rg, 1, 3);
	struct drain_kdamond *kd;
	struct rd_err err = { 0 };

	nth(ctx, 0)->nr_accesses = 2;
	nth(ctx, 0)->nr_accesses_bp = 12345;
	kd = drain_kdamond_new(ctx, NULL, &err);
	drain_kdamond_tick(kd, NULL);
	cr_assert_eq(ctx->nr_bp_fixups, 1);
	cr_assert_eq(nth(ctx, 0)->nr_accesses_bp, 20000);
	cr_assert_eq(nth(ctx, 0)->last_nr_accesses, 2);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
}

Test(model, lazy_policy_counts_as_eager)
{
	static const unsigned long rg[][2] = { { 0x1000, 0x3000 } };
	struct damon_ctx *e = ctx_of(rg, 1, 3), *l;
	struct drain_opts lazy = { .zero = DRAIN_ZERO_LAZY };
	struct drain_kdamond *ke, *kl;
	struct damon_access_report rep = { .vaddr = 0x1000, .size = 8,
					   .tgid = 42 };
	struct rd_err err = { 0 };

	/* No boundary (the window stays 20), counts set from outside. */
	e->attrs.aggr_ticks = 0;
	e->attrs.window = 20;
	nth(e, 0)->last_nr_accesses = 7;
	nth(e, 0)->nr_accesses_bp = 70000;
	l = drain_ctx_clone(e);
	ke = drain_kdamond_new(e, NULL, &err);
	kl = drain_kdamond_new(l, &lazy, &err);
	for (int tick = 1; tick <= 9; tick++) {
		drain_tick_begin(ke);
		drain_tick_begin(kl);
		rep.report_jiffies = jiffies;
		if (tick % 4 == 0) {
			drain_kdamond_apply(ke, &rep, 1);
			drain_kdamond_apply(kl, &rep, 1);
			drain_kdamond_apply(kl, &rep, 1);	/* dedup */
		}
		drain_tick_end(ke);
		drain_tick_end(kl);
	}
	cr_assert_eq(kl->c.applied, 2);
	cr_assert_eq(kl->c.deduplicated, 2);
	cr_assert_neq(nth(l, 0)->nr_accesses_bp, nth(e, 0)->nr_accesses_bp,
		      "lazy holds idle ticks back until settled");
	drain_ctx_settle(l);
	cr_assert(drain_ctx_compare(e, l, &err), "%s", err.msg);
	/* 70000 - 9 * 3500 + 2 * 10000 */
	cr_assert_eq(nth(e, 0)->nr_accesses_bp, 58500);
	drain_kdamond_free(ke);
	drain_kdamond_free(kl);
	drain_ctx_free(e);
	drain_ctx_free(l);
}

/* ---- the property test ----------------------------------------------- */

#ifdef DRAIN_NO_JEMALLOC
#define PROP_CASES	1000
#else
#define PROP_CASES	3000
#endif

Test(property, every_strategy_and_policy_identical)
{
	struct prop_reach reach = { 0 };
	struct rd_err why = { 0 };

	for (u64 seed = 1; seed <= PROP_CASES; seed++)
		cr_assert(prop_case(seed, NULL, &reach, &why), "%s", why.msg);

	/* The cases reached what they are meant to reach. */
	cr_assert_gt(reach.applied, 1000);
	cr_assert_gt(reach.dedup, 100);
	cr_assert_gt(reach.stale, 100);
	cr_assert_gt(reach.no_target, 100);
	cr_assert_gt(reach.no_region, 100);
	cr_assert_gt(reach.straddling, 100);
	cr_assert_gt(reach.merges, 100);
	cr_assert_gt(reach.splits, 100);
	cr_assert_gt(reach.bp_fixups, 10, "the moving-sum wrap is fixed at reset");
	cr_assert_gt(reach.wrapped, 10, "moving sums that wrapped (posted)");
	cr_assert_gt(reach.clamped_cases, 50);
	cr_assert_gt(reach.physical_cases, 50);
	cr_assert_gt(reach.empty_targets, 50);
	cr_assert_gt(reach.one_region_targets, 50);
	cr_assert_gt(reach.top_regions, 50, "regions ending near 2^64");
	cr_assert_gt(reach.boundary_reports, 1000);
	cr_assert_gt(reach.wrap_size_reports, 100);
	cr_assert_gt(reach.grain_targets, 300, "granule-aligned targets");
	cr_assert_gt(reach.filter_cases, 300, "cases with sample filters");
	cr_assert_gt(reach.filtered, 1000, "reports dropped by a filter");
	cr_assert_gt(reach.dup_cases, PROP_CASES / 10,
		     "contexts with a tgid of several targets");
	cr_assert_gt(reach.dup_targets, PROP_CASES / 5);
	cr_assert_lt(reach.dup_cases, reach.cases / 2, "and most without");
}

/* damon_sample_filter_out(): first applying filter decides, else the last one's opposite. */
Test(rfc_exact, sample_filter_rules)
{
	struct damon_ctx *ctx = drain_ctx_new(NULL, true, 0);
	struct damon_access_report r = { .cpu = 2, .tid = 7, .is_write = true };
	unsigned int cpus[] = { 2 }, tids[] = { 7, 9 };

	cr_assert_not(damon_sample_filter_out(&r, &ctx->sample_control),
		      "no filter keeps everything");
	/* reject writes */
	cr_assert_eq(drain_ctx_add_sample_filter(ctx, DAMON_FILTER_TYPE_WRITE,
						 true, false, NULL, 0), 0);
	cr_assert(damon_sample_filter_out(&r, &ctx->sample_control));
	r.is_write = false;
	/* no filter applies, the last rejects: keep */
	cr_assert_not(damon_sample_filter_out(&r, &ctx->sample_control));
	/* then allow CPU 2: a read on CPU 2 is allowed, on CPU 3 rejected */
	cr_assert_eq(drain_ctx_add_sample_filter(ctx, DAMON_FILTER_TYPE_CPUMASK,
						 true, true, cpus, 1), 0);
	cr_assert_not(damon_sample_filter_out(&r, &ctx->sample_control));
	r.cpu = 3;
	cr_assert(damon_sample_filter_out(&r, &ctx->sample_control),
		  "none applies, the last allows: reject");
	/* a write on CPU 2 is still rejected by the first filter */
	r.cpu = 2;
	r.is_write = true;
	cr_assert(damon_sample_filter_out(&r, &ctx->sample_control));
	drain_ctx_free(ctx);

	/* matching = false: applies to the threads not listed */
	ctx = drain_ctx_new(NULL, true, 0);
	cr_assert_eq(drain_ctx_add_sample_filter(ctx, DAMON_FILTER_TYPE_THREADS,
						 false, false, tids, 2), 0);
	r.tid = 9;
	cr_assert_not(damon_sample_filter_out(&r, &ctx->sample_control));
	r.tid = 8;
	cr_assert(damon_sample_filter_out(&r, &ctx->sample_control));
	cr_assert_eq(drain_ctx_add_sample_filter(ctx, DAMON_FILTER_TYPE_CPUMASK,
						 true, true,
						 (unsigned int[]){ 4096 }, 1),
		     -EINVAL, "a CPU past the mask is refused");
	drain_ctx_free(ctx);
}

/* The moving sum's window is the aggregation period, as in the kernel. */
Test(rfc_exact, window_is_the_aggregation_period)
{
	struct damon_attrs a;
	struct damon_ctx *ctx;

	drain_attrs_default(&a);
	a.window = 20;
	a.aggr_ticks = 7;
	ctx = drain_ctx_new(&a, true, 0);
	cr_assert_eq(ctx->attrs.window, 7);
	cr_assert_eq(damon_window(&ctx->attrs), 7);
	drain_ctx_free(ctx);
	a.aggr_ticks = 0;	/* never aggregates: its own window */
	ctx = drain_ctx_new(&a, true, 0);
	cr_assert_eq(ctx->attrs.window, 20);
	drain_ctx_free(ctx);
}

/*
 * The rfc drain, in place: per CPU one pass and one tail store; stale
 * before filtered (a stale report a filter would drop counts as stale);
 * exact counters; the rings are empty after the tick, and a pass takes
 * only what it saw at its start.
 */
Test(rfc_exact, in_place_drain_order_and_counts)
{
	for (int fmt = 0; fmt < 2; fmt++) {
		unsigned int rs = fmt ? DAMON_REPORT_COMPACT : DAMON_REPORT_FULL;
		struct drain_opts o = { .strategy = drain_strategy_find("rfc"),
					.batch_len = 3 };
		struct damon_attrs a;
		struct damon_ctx *ctx;
		struct drain_kdamond *kd;
		struct damon_target *t;
		struct rd_ring_set set;
		struct rd_ring_view v;
		struct rd_err err = { 0 };

		drain_attrs_default(&a);
		a.aggr_ticks = 0;
		ctx = drain_ctx_new(&a, true, 1);
		cr_assert_eq(drain_ctx_add_target(ctx, 42, &t), 0);
		cr_assert_eq(drain_ctx_add_region(ctx, t, 0x10000, 0x20000), 0);
		cr_assert_eq(drain_ctx_add_region(ctx, t, 0x20000, 0x30000), 0);
		/* drop reads */
		cr_assert_eq(drain_ctx_add_sample_filter(ctx,
				DAMON_FILTER_TYPE_WRITE, false, false, NULL, 0), 0);
		kd = drain_kdamond_new(ctx, &o, &err);
		cr_assert(kd, "%s", err.msg);
		cr_assert(kd->in_place);
		cr_assert_eq(rd_ring_set_init(&set, rd_design_find("rfc"), 2,
					      16, rs, &err), 0, "%s", err.msg);
		jiffies = 1000;
		for (int i = 0; i < 12; i++) {
			struct damon_access_report r = {
				.vaddr = 0x10000 + (i % 2) * 0x10000 + i * 8,
				.size = 8, .cpu = i % 2, .tid = 5,
				.tgid = i == 11 ? 43 : 42, .is_write = i % 3 != 0,
			};

			/* reports 0 and 1 are stale; 0 is a read too */
			jiffies = i < 2 ? 900 : 1000;
			cr_assert(rd_ring_produce(set.rings[r.cpu], &r));
		}
		jiffies = 1000;
		cr_assert_eq(drain_kdamond_tick(kd, &set), 0);
		cr_assert_eq(kd->c.reports, 12);
		cr_assert_eq(kd->c.stale, 2, "stale first: report 0 is a read");
		/* reads among 2..11: 3, 6, 9 */
		cr_assert_eq(kd->c.filtered, 3);
		cr_assert_eq(kd->c.no_target, 1, "report 11");
		/* 2, 4, 5, 7, 8, 10 hit the two regions: 2 credits */
		cr_assert_eq(kd->c.applied, 2);
		cr_assert_eq(kd->c.deduplicated, 4);
		for (unsigned int c = 0; c < 2; c++)
			cr_assert_eq(rd_ring_peek(set.rings[c], &v, 16), 0,
				     "cpu %u drained", c);
		rd_ring_set_destroy(&set);
		drain_kdamond_free(kd);
		drain_ctx_free(ctx);
	}
}

/*
 * A strategy with an off-by-one the way a search goes wrong: an address
 * exactly at a region's start is missed.  The property test must see it.
 */
static void broken_lookup(void *p, const struct damon_ctx *ctx,
			  const struct damon_access_report *reps,
			  unsigned int n, struct damon_region **out)
{
	drain_strategy_find("flat")->lookup(p, ctx, reps, n, out);
	for (unsigned int i = 0; i < n; i++)
		if (out[i] && out[i] != DAMON_LOOKUP_NO_TARGET &&
		    out[i]->ar.start == damon_report_addr(ctx, &reps[i]))
			out[i] = NULL;
}

/*
 * Several targets of one tgid: 4/6's walk over every target credits each
 * one whose pid is the report's tgid, in list order, and judges the report
 * against each (no region, straddling, applied, deduplicated per target).
 * Targets A, C, D, E have tgid 42 (D has no regions), B has 7:
 *
 *   A [0x10000, 0x20000) [0x20000, 0x30000)   B [0x10000, 0x40000)
 *   C [0x18000, 0x28000)   D (none)   E [0x10000, 0x10010)
 *
 *   report            A          C          D          E
 *   42 0x10000 +8     applied    no region  no region  applied
 *   42 0x1a000 +8     dedup      applied    no region  no region
 *   42 0x1fffc +8     straddling dedup      no region  no region
 *   7  0x10000 +8     (B: applied)
 *   9  0x10000 +8     no target
 *
 * A single-target model credits only A: applied 2, no region 0.  Every
 * strategy, both policies, both ways of reading the rings.
 */
Test(rfc_exact, every_target_of_the_tgid_is_credited)
{
	static const pid_t pids[] = { 42, 7, 42, 42, 42 };
	static const unsigned long regs[][3] = {
		{ 0, 0x10000, 0x20000 }, { 0, 0x20000, 0x30000 },
		{ 1, 0x10000, 0x40000 }, { 2, 0x18000, 0x28000 },
		{ 4, 0x10000, 0x10010 },
	};
	static const struct { pid_t tgid; unsigned long addr; } reps[] = {
		{ 42, 0x10000 }, { 42, 0x1a000 }, { 42, 0x1fffc },
		{ 7, 0x10000 }, { 9, 0x10000 },
	};
	/* nr_accesses after the tick, in list order */
	static const unsigned int want[] = { 1, 0, 1, 1, 1 };

	for (unsigned int si = 0; si < drain_nr_strategies; si++)
	for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++)
	for (int rings = DRAIN_RINGS_IN_PLACE; rings <= DRAIN_RINGS_BATCHED;
	     rings++) {
		const struct drain_strategy *s = drain_strategies[si];
		struct drain_opts o = { .strategy = s, .zero = z,
					.rings = rings };
		struct damon_target *t[5], *tt;
		struct damon_region *r, *found[2];
		struct damon_access_report rep = { .size = 8 };
		struct damon_attrs a;
		struct damon_ctx *ctx;
		struct drain_kdamond *kd;
		struct rd_ring_set set;
		struct rd_err err = { 0 };
		unsigned int k = 0;

		drain_attrs_default(&a);
		a.aggr_ticks = 0;
		ctx = drain_ctx_new(&a, true, 1);
		for (unsigned int i = 0; i < 5; i++)
			cr_assert_eq(drain_ctx_add_target(ctx, pids[i], &t[i]),
				     0, "a second target of tgid %d", pids[i]);
		cr_assert_eq(ctx->nr_dup_targets, 3);
		for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
			cr_assert_eq(drain_ctx_add_region(ctx, t[regs[i][0]],
							  regs[i][1],
							  regs[i][2]), 0);
		kd = drain_kdamond_new(ctx, &o, &err);
		cr_assert(kd, "%s", err.msg);
		cr_assert_eq(rd_ring_set_init(&set, rd_design_find("rfc"), 2,
					      16, DAMON_REPORT_FULL, &err), 0,
			     "%s", err.msg);
		jiffies = 1000;
		for (unsigned int i = 0; i < ARRAY_SIZE(reps); i++) {
			rep.tgid = rep.tid = reps[i].tgid;
			rep.vaddr = reps[i].addr;
			rep.cpu = i % 2;
			cr_assert(rd_ring_produce(set.rings[rep.cpu], &rep));
		}
		cr_assert_eq(drain_kdamond_tick(kd, &set), 0);
		cr_assert_eq(kd->c.reports, 5, "%s", s->name);
		cr_assert_eq(kd->c.applied, 4, "%s/%d/%d: applied %llu", s->name,
			     z, rings, (unsigned long long)kd->c.applied);
		cr_assert_eq(kd->c.deduplicated, 2, "%s", s->name);
		cr_assert_eq(kd->c.straddling, 1, "%s", s->name);
		cr_assert_eq(kd->c.no_region, 6, "%s", s->name);
		cr_assert_eq(kd->c.no_target, 1, "%s", s->name);
		cr_assert_eq(kd->c.stale, 0);
		drain_ctx_settle(ctx);
		damon_for_each_target(tt, ctx)
			damon_for_each_region(r, tt) {
				cr_assert_eq(r->nr_accesses, want[k],
					     "%s: region %u", s->name, k);
				k++;
			}
		/* A lookup answers for the first target of the tgid. */
		rep.tgid = 42;
		rep.vaddr = 0x1a000;
		cr_assert_eq(drain_kdamond_lookup(kd, &rep, 1, found), 1);
		cr_assert_eq(found[0], list_first_entry(&t[0]->regions_list,
							struct damon_region,
							list), "%s", s->name);
		rd_ring_set_destroy(&set);
		drain_kdamond_free(kd);
		drain_ctx_free(ctx);
	}
}

Test(property, catches_a_broken_strategy)
{
	struct drain_strategy broken = *drain_strategy_find("flat");
	struct prop_reach reach = { 0 };
	struct rd_err why = { 0 };
	u64 seed;

	broken.name = "broken";
	broken.lookup = broken_lookup;
	for (seed = 1; seed <= 200; seed++)
		if (!prop_case(seed, &broken, &reach, &why))
			break;
	cr_assert_leq(seed, 200, "the property test missed an off-by-one");
	cr_assert(strstr(why.msg, "broken"), "%s", why.msg);
}

/* ---- memory ------------------------------------------------------------ */

struct bench_ctx {
	struct damon_ctx *ctx;
	struct drain_kdamond *kd;
	struct rd_ring_set set;
	struct drain_gen *gen;
	struct damon_access_report reps[512];
};

static void bc_init(struct bench_ctx *b, const struct drain_opts *o,
		    unsigned long regions, unsigned int targets,
		    unsigned int aggr_ticks)
{
	struct drain_gen_params gp = { .kind = DRAIN_GEN_MIX, .seed = 3,
				       .nr_cpus = 4, .hit_ratio = 0.9 };
	struct drain_layout l;
	struct damon_attrs a;
	struct rd_err err = { 0 };

	drain_attrs_default(&a);
	a.aggr_ticks = aggr_ticks;
	a.max_nr_regions = 2 * regions;
	cr_assert_eq(drain_layout_generate(&l, regions, targets, false, 5, &err),
		     0, "%s", err.msg);
	b->ctx = drain_ctx_from_layout(&l, &a, 1, &err);
	cr_assert_not_null(b->ctx, "%s", err.msg);
	drain_layout_free(&l);
	b->kd = drain_kdamond_new(b->ctx, o, &err);
	cr_assert_not_null(b->kd, "%s", err.msg);
	cr_assert_eq(rd_ring_set_init(&b->set, rd_design_find("rfc"), 4, 256,
				      DAMON_REPORT_FULL, &err), 0, "%s", err.msg);
	b->gen = drain_gen_new(b->ctx, &gp, &err);
	cr_assert_not_null(b->gen, "%s", err.msg);
}

static void bc_fill(struct bench_ctx *b, size_t n)
{
	jiffies++;
	drain_gen_fill(b->gen, b->reps, n);
	cr_assert_eq(drain_ring_set_fill(&b->set, b->reps, n), n);
}

static void bc_free(struct bench_ctx *b)
{
	drain_gen_free(b->gen);
	rd_ring_set_destroy(&b->set);
	drain_kdamond_free(b->kd);
	drain_ctx_free(b->ctx);
}

static void add_regions(struct damon_ctx *ctx, unsigned int n)
{
	struct damon_target *t = list_first_entry(&ctx->adaptive_targets,
						  struct damon_target, list);
	unsigned long end = list_last_entry(&t->regions_list,
					    struct damon_region, list)->ar.end;

	for (unsigned int i = 0; i < n; i++, end += PAGE_SIZE)
		cr_assert_eq(drain_ctx_add_region(ctx, t, end, end + PAGE_SIZE),
			     0);
}

#ifndef DRAIN_NO_JEMALLOC
static u64 *je_allocated, *je_deallocated;

static void je_counters(void)
{
	size_t sz = sizeof(u64 *);

	cr_assert_eq(mallctl("thread.allocatedp", &je_allocated, &sz, NULL, 0),
		     0);
	cr_assert_eq(mallctl("thread.deallocatedp", &je_deallocated, &sz,
			     NULL, 0), 0);
}

/* Bytes jemalloc allocated and freed on this thread during one tick. */
static void tick_bytes(struct bench_ctx *b, u64 *alloc, u64 *dealloc, int *ret)
{
	u64 a0 = *je_allocated, d0 = *je_deallocated;

	*ret = drain_kdamond_tick(b->kd, &b->set);
	*alloc = *je_allocated - a0;
	*dealloc = *je_deallocated - d0;
}

Test(alloc, jemalloc_counters_see_snapshot_buffers)
{
	struct damon_snap_alloc a = { .kind = DRAIN_ALLOC_REUSE,
				      .arena = drain_snap_arena() };
	struct damon_snap_buf buf = { 0 };
	u64 a0;

	je_counters();
	a0 = *je_allocated;
	cr_assert_eq(damon_snap_reserve(&a, &buf, 100000), 0);
	cr_assert_geq(*je_allocated - a0, 100000,
		      "the counter must see arena allocations");
	a0 = *je_allocated;
	cr_assert_eq(damon_snap_reserve(&a, &buf, 5000), 0);
	cr_assert_eq(*je_allocated - a0, 0, "reuse: a fitting reservation is free");
	damon_snap_free(&a, &buf);
}

Test(alloc, steady_tick_allocates_nothing)
{
	je_counters();
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++) {
			for (int snap = DRAIN_SNAP_DEFAULT;
			     snap <= DRAIN_SNAP_ON_CHANGE; snap++) {
				struct drain_opts o = {
					.strategy = drain_strategies[i],
					.zero = z, .snap = snap };
				struct bench_ctx b;
				u64 al, de;
				int ret;

				bc_init(&b, &o, 2000, 4, 0);
				for (int t = 0; t < 3; t++) {	/* warm up */
					bc_fill(&b, 500);
					drain_kdamond_tick(b.kd, &b.set);
				}
				for (int t = 0; t < 10; t++) {
					bc_fill(&b, 500);
					tick_bytes(&b, &al, &de, &ret);
					cr_assert_eq(ret, 0);
					cr_assert_eq(al + de, 0,
						     "%s/%s snap %d: a steady tick allocated %llu and freed %llu bytes",
						     drain_strategies[i]->name,
						     drain_zero_policy_name(z),
						     snap, (unsigned long long)al,
						     (unsigned long long)de);
				}
				cr_assert_gt(b.kd->c.applied, 1000);
				bc_free(&b);
			}
		}
	}
}

Test(alloc, rfc_reallocates_only_on_growth)
{
	struct drain_opts o = { .strategy = drain_strategy_find("rfc") };
	struct bench_ctx b;
	u64 al, de, builds;
	int ret;

	je_counters();
	bc_init(&b, &o, 2000, 4, 0);
	bc_fill(&b, 100);
	drain_kdamond_tick(b.kd, &b.set);
	builds = b.kd->alloc.stats.builds;
	tick_bytes(&b, &al, &de, &ret);
	cr_assert_eq(al, 0);
	cr_assert_eq(b.kd->alloc.stats.builds, builds + 1,
		     "rfc rebuilds every tick");
	add_regions(b.ctx, 1000);
	tick_bytes(&b, &al, &de, &ret);
	cr_assert_geq(al, 3000 * sizeof(void *),
		      "a new high-water mark reallocates");
	tick_bytes(&b, &al, &de, &ret);
	cr_assert_eq(al + de, 0, "then nothing again");
	bc_free(&b);
}

Test(alloc, fast_strategies_rebuild_only_on_change)
{
	je_counters();
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		struct drain_opts o = { .strategy = drain_strategies[i] };
		struct bench_ctx b;
		u64 al, de, builds;
		int ret;

		if (drain_strategies[i]->per_tick)
			continue;
		bc_init(&b, &o, 2000, 4, 0);
		drain_kdamond_tick(b.kd, &b.set);
		builds = b.kd->alloc.stats.builds;
		for (int t = 0; t < 5; t++)
			drain_kdamond_tick(b.kd, &b.set);
		cr_assert_eq(b.kd->alloc.stats.builds, builds,
			     "%s rebuilt without a change", drain_strategies[i]->name);
		drain_ctx_bump_generation(b.ctx);
		tick_bytes(&b, &al, &de, &ret);
		cr_assert_eq(b.kd->alloc.stats.builds, builds + 1);
		cr_assert_eq(al, 0, "%s: a rebuild that fits allocates nothing",
			     drain_strategies[i]->name);
		if (strcmp(drain_strategies[i]->name, "list")) {
			add_regions(b.ctx, 1000);
			tick_bytes(&b, &al, &de, &ret);
			cr_assert_gt(al, 0, "%s: growth reallocates",
				     drain_strategies[i]->name);
		}
		bc_free(&b);
	}
}

Test(alloc, per_build_allocators_allocate_every_build)
{
	struct drain_opts o = { .strategy = drain_strategy_find("flat"),
				.snap = DRAIN_SNAP_PER_TICK,
				.alloc = DRAIN_ALLOC_JEMALLOC };
	struct bench_ctx b;
	u64 al, de, allocs;
	int ret;

	je_counters();
	bc_init(&b, &o, 2000, 4, 0);
	drain_kdamond_tick(b.kd, &b.set);
	tick_bytes(&b, &al, &de, &ret);
	cr_assert_gt(al, 2000 * 16, "jemalloc: fresh buffers every build");
	cr_assert_gt(de, 2000 * 16, "and the old ones freed");
	bc_free(&b);

	o.alloc = DRAIN_ALLOC_GLIBC;
	bc_init(&b, &o, 2000, 4, 0);
	drain_kdamond_tick(b.kd, &b.set);
	allocs = b.kd->alloc.stats.allocs;
	tick_bytes(&b, &al, &de, &ret);
	cr_assert_eq(al, 0, "glibc: jemalloc sees nothing");
	cr_assert_eq(b.kd->alloc.stats.allocs, allocs + 4,
		     "glibc: four fresh buffers a build");
	bc_free(&b);
}
#endif /* !DRAIN_NO_JEMALLOC */

Test(alloc, injected_failure_skips_the_lookup_keeps_the_reports)
{
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++) {
			struct drain_opts o = {
				.strategy = drain_strategies[i], .zero = z };
			bool allocates = strcmp(drain_strategies[i]->name, "list");
			struct bench_ctx b;
			u64 before;
			int ret;

			bc_init(&b, &o, 300, 2, 0);
			bc_fill(&b, 200);
			cr_assert_eq(drain_kdamond_tick(b.kd, &b.set), 0);
			add_regions(b.ctx, 3000);	/* past every buffer */
			drain_inject_alloc_failures(b.kd, 1);
			bc_fill(&b, 200);
			before = b.kd->c.reports;
			ret = drain_kdamond_tick(b.kd, &b.set);
			if (!allocates) {
				cr_assert_eq(ret, 0, "list has nothing to allocate");
				bc_free(&b);
				continue;
			}
			cr_assert_eq(ret, -ENOMEM, "%s", drain_strategies[i]->name);
			cr_assert_eq(b.kd->c.snapshot_alloc_failures, 1);
			cr_assert_eq(b.kd->c.reports, before,
				     "the failed tick took nothing out of the rings");
			cr_assert_eq(b.ctx->passed_sample_intervals, 2,
				     "the tick itself completed");
			/* Next tick (same jiffies: not stale) drains them. */
			cr_assert_eq(drain_kdamond_tick(b.kd, &b.set), 0);
			cr_assert_eq(b.kd->c.reports, before + 200, "%s/%s",
				     drain_strategies[i]->name,
				     drain_zero_policy_name(z));
			cr_assert_eq(b.kd->c.stale, 0);
			cr_assert_eq(b.kd->c.snapshot_alloc_failures, 1);
			bc_free(&b);
		}
	}
}

/* ---- report streams --------------------------------------------------- */

static struct drain_counters stream_counts(struct drain_gen_params *gp)
{
	struct drain_opts o = { .strategy = drain_strategy_find("btree") };
	static struct damon_access_report reps[20000];
	struct drain_kdamond *kd;
	struct damon_ctx *ctx;
	struct drain_layout l;
	struct drain_counters c;
	struct rd_err err = { 0 };
	struct drain_gen *g;

	cr_assert_eq(drain_layout_generate(&l, 5000, 8, false, 9, &err), 0);
	ctx = drain_ctx_from_layout(&l, NULL, 1, &err);
	kd = drain_kdamond_new(ctx, &o, &err);
	g = drain_gen_new(ctx, gp, &err);
	cr_assert_not_null(g, "%s", err.msg);
	drain_gen_fill(g, reps, 20000);
	drain_tick_begin(kd);
	drain_kdamond_apply(kd, reps, 20000);
	c = kd->c;
	drain_gen_free(g);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
	drain_layout_free(&l);
	return c;
}

Test(gen, streams_hit_what_they_promise)
{
	struct drain_gen_params gp = { .kind = DRAIN_GEN_UNIFORM, .seed = 1 };
	struct drain_counters u, z, m;

	u = stream_counts(&gp);
	cr_assert_eq(u.applied + u.deduplicated, 20000, "uniform: all hits");
	gp.kind = DRAIN_GEN_ZIPF;
	z = stream_counts(&gp);
	cr_assert_eq(z.applied + z.deduplicated, 20000, "zipf: all hits");
	cr_assert_lt(z.applied, u.applied * 3 / 4,
		     "zipf hits fewer distinct regions (%llu vs %llu)",
		     (unsigned long long)z.applied,
		     (unsigned long long)u.applied);
	gp.kind = DRAIN_GEN_MIX;
	gp.hit_ratio = 0.4;
	m = stream_counts(&gp);
	cr_assert(m.no_target > 3000 && m.no_region > 3000 &&
		  m.straddling > 3000, "mix: %llu/%llu/%llu misses",
		  (unsigned long long)m.no_target,
		  (unsigned long long)m.no_region,
		  (unsigned long long)m.straddling);
	cr_assert_gt(m.applied + m.deduplicated, 7000);
}

Test(gen, layouts_are_sorted_and_seeded)
{
	struct drain_layout a, b;
	struct rd_err err = { 0 };

	cr_assert_eq(drain_layout_generate(&a, 1000, 7, false, 4, &err), 0);
	cr_assert_eq(drain_layout_generate(&b, 1000, 7, false, 4, &err), 0);
	cr_assert_eq(a.n, 1000);
	cr_assert_eq(memcmp(a.e, b.e, a.n * sizeof(*a.e)), 0);
	for (size_t i = 1; i < a.n; i++)
		if (a.e[i].tgid == a.e[i - 1].tgid)
			cr_assert_geq(a.e[i].start, a.e[i - 1].end);
	drain_layout_free(&b);
	cr_assert_eq(drain_layout_generate(&b, 3, 7, false, 4, &err), -EINVAL);
	cr_assert(strstr(err.msg, "regions 3"), "%s", err.msg);
	drain_layout_free(&a);
	drain_layout_free(&b);
}

Test(registry, unknown_strategy_lists_the_known)
{
	struct rd_err e;

	cr_assert_null(drain_strategy_lookup("nope", &e));
	cr_assert_eq(e.code, ENOENT);
	cr_assert_str_eq(e.msg, "unknown strategy 'nope' (known: list, rfc, flat, eytzinger, btree, radix, sortmerge)");
	cr_assert_eq(drain_strategy_lookup("radix", &e),
		     drain_strategy_find("radix"));
	cr_assert_null(drain_strategy_find(""));
	cr_assert_eq(drain_zero_policy_find("lazy"), DRAIN_ZERO_LAZY);
	cr_assert_eq(drain_zero_policy_find("nope"), -ENOENT);
	/* Every descriptor has its ops; only rfc rebuilds every tick. */
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *s = drain_strategies[i];

		cr_assert(s->build && s->lookup && s->release && s->priv_size,
			  "%s", s->name);
		cr_assert_eq(s->per_tick, !strcmp(s->name, "rfc"), "%s",
			     s->name);
	}
}
