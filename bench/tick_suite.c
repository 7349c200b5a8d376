// SPDX-License-Identifier: GPL-2.0
/*
 * tick_suite.c - the `tick` suite: one whole kdamond sampling interval.
 *
 * N simulated CPUs each have a ring (the RFC's, 256 slots) pre-filled with
 * what R samples per second leave in 5 ms; one tick drains every ring,
 * looks every report up, credits regions and runs the zero-access pass
 * (drain_kdamond_tick()).  The layout is fixed (no aggregation boundary),
 * so a strategy that rebuilds its snapshot only on a layout change builds
 * it once, and the RFC's strategy rebuilds it every tick as posted.  Each
 * configuration names its snapshot policy (tick: every tick; change: on a
 * generation change; default: the strategy's own) and allocator (reuse:
 * the RFC's grow-only buffers; jemalloc: a fresh mallocx() per build;
 * glibc: a fresh malloc() per build).  The ring filling is untimed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"
#include "harness.h"

#define TICK_NS		5000000ULL
#define RING_SLOTS	256

struct tick_cfg {
	const struct drain_strategy *s;
	unsigned int cpus, rate, targets;
	unsigned long regions;
	enum drain_snap_policy snap;
	enum drain_alloc_kind alloc;
	enum drain_zero_policy zero;
};

static const char *snap_name(enum drain_snap_policy p)
{
	return p == DRAIN_SNAP_PER_TICK ? "tick" :
		p == DRAIN_SNAP_ON_CHANGE ? "change" : "default";
}

static void tick(struct cbench_state *s, void *arg)
{
	const struct tick_cfg *c = arg;
	struct drain_gen_params gp = { .kind = DRAIN_GEN_UNIFORM, .seed = 11,
				       .nr_cpus = c->cpus };
	struct drain_opts o = { .strategy = c->s, .zero = c->zero,
				.snap = c->snap, .alloc = c->alloc };
	unsigned int per_cpu = (unsigned int)((u64)c->rate * TICK_NS /
					      1000000000ULL);
	size_t nreps = (size_t)per_cpu * c->cpus;
	struct damon_access_report *reps = malloc(nreps * sizeof(*reps));
	struct drain_layout l = { 0 };
	struct drain_kdamond *kd = NULL;
	struct damon_ctx *ctx = NULL;
	struct drain_gen *g = NULL;
	struct rd_ring_set set = { 0 };
	struct damon_attrs a;
	struct rd_err err = { 0 };
	u64 refused = 0, ticks = 0, total_ns = 0;

	drain_attrs_default(&a);
	a.aggr_ticks = 0;	/* a fixed layout: no aggregation boundary */
	a.min_nr_regions = 1;
	a.max_nr_regions = c->regions;
	if (drain_layout_generate(&l, c->regions, c->targets, false, 42, &err) ||
	    !(ctx = drain_ctx_from_layout(&l, &a, 42, &err)) ||
	    !(g = drain_gen_new(ctx, &gp, &err)) ||
	    !(kd = drain_kdamond_new(ctx, &o, &err)) ||
	    rd_ring_set_init(&set, rd_design_find("rfc"), c->cpus, RING_SLOTS,
			     DAMON_REPORT_FULL, &err)) {
		cbench_skip_with_error(s, err.msg);
		goto out;
	}
	jiffies = 1000;
	while (cbench_keep_running(s)) {
		uint64_t t0;

		jiffies++;	/* one sampling interval per tick */
		drain_gen_fill(g, reps, nreps);
		refused += nreps - drain_ring_set_fill(&set, reps, nreps);
		t0 = rd_now_ns();
		drain_kdamond_tick(kd, &set);
		t0 = rd_now_ns() - t0;
		cbench_set_iteration_time(s, t0 * 1e-9);
		total_ns += t0;
		ticks++;
	}
	cbench_counter(s, "tick_us", ticks ? total_ns / 1e3 / ticks : 0, 0);
	cbench_counter(s, "tick_pct", ticks ? 100.0 * total_ns / ticks /
		       TICK_NS : 0, 0);
	cbench_counter(s, "reports_per_tick", (double)nreps, 0);
	cbench_counter(s, "dropped", (double)refused, 0);
	cbench_counter(s, "applied", (double)kd->c.applied, 0);
out:
	free(reps);
	drain_layout_free(&l);
	drain_gen_free(g);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
	if (set.rings)
		rd_ring_set_destroy(&set);
}

/*
 * tick/trace: the committed lackey workloads ("procs": five processes on
 * five CPUs, "sort": one), TRACE_TICK reports a tick produced into the
 * rings (untimed), the trace's span split evenly into N regions, and
 * DAMON's aggregation every 20 ticks with merges and splits between
 * min_nr_regions N and max_nr_regions 2N (N = 10: DAMON's defaults, 10 and
 * 1000), so the count stays near N (the merges stop at the size limit,
 * span / N) and 1e4 regions stay about 1e4.  The regions change at every
 * boundary, so the fast strategies rebuild their snapshots there; the trace
 * cycles.  Every strategy drains the rings in place, as 4/6 does (a CPU's
 * ring holds hundreds of one process's reports a tick here, long enough
 * runs for the lookup: in place saves radix the copy-out, 13 of its 100
 * instructions a report).  The metric is the whole tick per report.
 */
#define TRACE_TICK	3600
#define TRACE_SLICE	(4 * TRACE_TICK)	/* a process moves CPU every 4 ticks */
#define TRACE_RING	8192	/* slots: a tick on one CPU fits (power of 2) */

struct trace_cfg {
	const struct drain_strategy *s;
	const char *workload;
	unsigned long regions;
	enum drain_zero_policy zero;
};

static void trace_tick(struct cbench_state *s, void *arg)
{
	const struct trace_cfg *c = arg;
	struct drain_opts o = { .strategy = c->s, .zero = c->zero,
				.rings = DRAIN_RINGS_IN_PLACE };
	struct damon_access_report *reps = malloc(TRACE_TICK * sizeof(*reps));
	struct drain_trace tr = { 0 };
	struct drain_gen_params gp = { .kind = DRAIN_GEN_TRACE, .seed = 11,
				       .trace = &tr };
	struct drain_layout l = { 0 };
	struct drain_kdamond *kd = NULL;
	struct damon_ctx *ctx = NULL;
	struct drain_gen *g = NULL;
	struct rd_ring_set set = { 0 };
	struct damon_attrs a;
	struct rd_err err = { 0 };
	u64 refused = 0, ticks = 0, total_ns = 0, reports = 0;

	drain_attrs_default(&a);	/* aggregation every 20 ticks */
	a.min_nr_regions = c->regions;
	a.max_nr_regions = c->regions == 10 ? 1000 : 2 * c->regions;
	if (drain_workload_load(c->workload, RD_SOURCE_DIR "/drain/data", 1,
				TRACE_SLICE, &tr, &err) ||
	    drain_layout_split_span(&l, &tr, c->regions, false, &err) ||
	    !(ctx = drain_ctx_from_layout(&l, &a, 42, &err)) ||
	    !(gp.nr_cpus = tr.nr_cpus, g = drain_gen_new(ctx, &gp, &err)) ||
	    !(kd = drain_kdamond_new(ctx, &o, &err)) ||
	    rd_ring_set_init(&set, rd_design_find("rfc"), tr.nr_cpus,
			     TRACE_RING, DAMON_REPORT_FULL, &err)) {
		cbench_skip_with_error(s, err.msg);
		goto out;
	}
	jiffies = 1000;
	while (cbench_keep_running(s)) {
		uint64_t t0;

		jiffies++;
		drain_gen_fill(g, reps, TRACE_TICK);
		refused += TRACE_TICK - drain_ring_set_fill(&set, reps,
							    TRACE_TICK);
		t0 = rd_now_ns();
		drain_kdamond_tick(kd, &set);
		t0 = rd_now_ns() - t0;
		cbench_set_iteration_time(s, t0 * 1e-9);
		total_ns += t0;
		ticks++;
	}
	reports = kd->c.reports;
	cbench_counter(s, "ns_per_report", reports ? (double)total_ns /
		       reports : 0, 0);
	cbench_counter(s, "tick_us", ticks ? total_ns / 1e3 / ticks : 0, 0);
	cbench_counter(s, "dropped", (double)refused, 0);
	cbench_counter(s, "applied", (double)kd->c.applied, 0);
	cbench_counter(s, "regions", (double)drain_ctx_nr_regions(ctx), 0);
out:
	free(reps);
	drain_trace_free(&tr);
	drain_layout_free(&l);
	drain_gen_free(g);
	drain_kdamond_free(kd);
	drain_ctx_free(ctx);
	if (set.rings)
		rd_ring_set_destroy(&set);
}

/*
 * RD_TICKS=N: exactly N ticks a repetition, for instruction counts under
 * callgrind (whose slowdown would otherwise leave a few ticks, the first
 * snapshot build outweighing them, and no aggregation boundary); else at
 * least 0.1 s.
 */
static void tick_length(struct cbench *bm)
{
	const char *e = getenv("RD_TICKS");

	if (e && atol(e) > 0)
		cbench_iterations(bm, atol(e));
	else
		cbench_min_time(bm, 0.1);
}

static void add_trace(const struct drain_strategy *st, const char *workload,
		      unsigned long regions, enum drain_zero_policy zero)
{
	struct trace_cfg *c = calloc(1, sizeof(*c));
	struct cbench *bm;
	char name[224];

	*c = (struct trace_cfg){ st, workload, regions, zero };
	snprintf(name, sizeof(name),
		 "tick/trace/strategy:%s/workload:%s/regions:%lu/aggr:20/zero:%s",
		 st->name, workload, regions, drain_zero_policy_name(zero));
	bm = cbench_register(name, trace_tick, c);
	cbench_use_manual_time(bm);
	cbench_unit(bm, CBENCH_US);
	tick_length(bm);
}

static void add_one(const struct drain_strategy *st, unsigned int cpus,
		    unsigned int rate, unsigned long regions,
		    unsigned int targets, enum drain_snap_policy snap,
		    enum drain_alloc_kind alloc, enum drain_zero_policy zero)
{
	struct tick_cfg *c = calloc(1, sizeof(*c));
	struct cbench *bm;
	char name[224];

	*c = (struct tick_cfg){ st, cpus, rate, targets, regions, snap, alloc,
				zero };
	snprintf(name, sizeof(name),
		 "tick/strategy:%s/cpus:%u/rate:%u/regions:%lu/targets:%u/snapshot:%s/alloc:%s/zero:%s",
		 st->name, cpus, rate, regions, targets, snap_name(snap),
		 drain_alloc_name(alloc), drain_zero_policy_name(zero));
	bm = cbench_register(name, tick, c);
	cbench_use_manual_time(bm);
	cbench_unit(bm, CBENCH_US);
	tick_length(bm);
}

static void add(struct rd_bench *b)
{
	static const unsigned int full_cpus[] = { 64, 256, 512 };
	static const unsigned long full_regions[] = { 1000, 10000, 100000 };
	const struct drain_strategy *rfc = drain_strategy_find("rfc");
	const struct drain_strategy *flat = drain_strategy_find("flat");
	const struct drain_strategy *radix = drain_strategy_find("radix");

	for (unsigned int ci = 0; ci < (b->quick ? 1 : 3); ci++)
	for (unsigned int ri = 0; ri < (b->quick ? 1 : 3); ri++) {
		unsigned int cpus = b->quick ? 256 : full_cpus[ci];
		unsigned long regions = b->quick ? 10000 : full_regions[ri];

		for (unsigned int i = 0; i < drain_nr_strategies; i++)
			for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++)
				add_one(drain_strategies[i], cpus, 5000, regions,
					8, DRAIN_SNAP_DEFAULT, DRAIN_ALLOC_REUSE, z);
		/* The RFC's rebuild, by allocator; and a fast strategy
		 * rebuilding every tick, to price the rebuild alone. */
		add_one(rfc, cpus, 5000, regions, 8, DRAIN_SNAP_PER_TICK,
			DRAIN_ALLOC_GLIBC, DRAIN_ZERO_EAGER);
		add_one(rfc, cpus, 5000, regions, 8, DRAIN_SNAP_PER_TICK,
			DRAIN_ALLOC_JEMALLOC, DRAIN_ZERO_EAGER);
		add_one(rfc, cpus, 5000, regions, 8, DRAIN_SNAP_ON_CHANGE,
			DRAIN_ALLOC_REUSE, DRAIN_ZERO_EAGER);
		add_one(flat, cpus, 5000, regions, 8, DRAIN_SNAP_PER_TICK,
			DRAIN_ALLOC_REUSE, DRAIN_ZERO_EAGER);
		/* radix as the export's drain patch ships it: rebuilt every
		 * tick, grow-only buffers, eager zero pass (the patch's own
		 * cost line reads this). */
		add_one(radix, cpus, 5000, regions, 8, DRAIN_SNAP_PER_TICK,
			DRAIN_ALLOC_REUSE, DRAIN_ZERO_EAGER);
	}
	/* The committed traces, each strategy with its default policy. */
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		static const unsigned long quick_regions[] = { 10, 10000 };
		static const unsigned long full_regions[] = { 10, 100, 1000,
							      10000, 100000 };
		const struct drain_strategy *st = drain_strategies[i];
		const unsigned long *rg = b->quick ? quick_regions :
			full_regions;

		if (!strcmp(st->name, "list"))	/* O(regions) per report */
			continue;
		for (unsigned int r = 0; r < (b->quick ? 2 : 5); r++) {
			add_trace(st, "procs", rg[r],
				  drain_zero_policy_default(st));
			if (rg[r] == 10000)
				add_trace(st, "sort", rg[r],
					  drain_zero_policy_default(st));
		}
	}
}

const struct rd_suite rd_suite_tick = {
	.name = "tick",
	.summary = "a whole kdamond tick: 256 CPUs x 5K samples/s, drain + lookup + zero pass; the committed traces with aggregation",
	.add = add,
	.report = &rd_report_tick,
};
