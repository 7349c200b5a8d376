// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_suite.c - the `drain` suite: ns per report of each lookup strategy.
 *
 * drain/lookup: a context of N regions over T targets (drain_layout_
 * generate(), or a real trace's span split evenly for trace-driven
 * addresses), its snapshot built once (untimed), then batches of 256
 * reports looked up with drain_kdamond_lookup(): target by tgid, region by
 * address, nothing changed.  An iteration is one report, so the time per
 * iteration is the time per report.  Reports are uniform over the regions, zipf,
 * a hit/miss mix (unknown tgids, gaps, straddlers), or replayed from the
 * committed lackey trace of sort(1) ("trace") or from the five committed
 * traces as five processes interleaved over five CPUs ("procs",
 * drain_workload_load()), over their spans split evenly.  The RFC's per-tick snapshot rebuild
 * is not in this number; the tick suite has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"
#include "harness.h"

#define POOL		16384	/* reports cycled through */
#define BATCH		256
#define TRACE_FILE	RD_SOURCE_DIR "/drain/data/sort.lackey"

struct lookup_cfg {
	const struct drain_strategy *s;
	unsigned long regions;
	unsigned int targets;
	enum drain_gen_kind dist;
	bool procs;	/* dist TRACE: the procs workload, not sort */
};

/* One context per layout, shared by every strategy looking into it. */
struct layout_cache {
	unsigned long regions;
	unsigned int targets;
	bool trace;
	bool procs;
	struct damon_ctx *ctx;
	struct layout_cache *next;
};

static struct layout_cache *layouts;
static struct drain_trace trace, procs;
static bool trace_loaded, procs_loaded;

static const char *const dist_names[] = {
	[DRAIN_GEN_UNIFORM] = "uniform",
	[DRAIN_GEN_ZIPF] = "zipf",
	[DRAIN_GEN_MIX] = "mix",
	[DRAIN_GEN_TRACE] = "trace",
};

static int load_trace(struct rd_err *err)
{
	struct drain_trace_opts o = { .sample = 1, .lackey_tgid = 1000 };

	if (trace_loaded)
		return 0;
	if (drain_trace_load(TRACE_FILE, &o, &trace, err))
		return -1;
	trace_loaded = true;
	return 0;
}

static int load_procs(struct rd_err *err)
{
	if (procs_loaded)
		return 0;
	if (drain_workload_load("procs", RD_SOURCE_DIR "/drain/data", 1,
				4 * 3600, &procs, err))
		return -1;
	procs_loaded = true;
	return 0;
}

static struct damon_ctx *layout_ctx(unsigned long regions,
				    unsigned int targets, bool from_trace,
				    bool from_procs, struct rd_err *err)
{
	struct layout_cache *c;
	struct drain_layout l = { 0 };
	struct damon_attrs a;
	int ret;

	for (c = layouts; c; c = c->next)
		if (c->regions == regions && c->targets == targets &&
		    c->trace == from_trace && c->procs == from_procs)
			return c->ctx;
	drain_attrs_default(&a);
	a.aggr_ticks = 0;	/* the layout stays as built */
	a.min_nr_regions = 1;
	a.max_nr_regions = regions;
	if (from_procs)
		ret = load_procs(err) ? -1 :
			drain_layout_split_span(&l, &procs, regions, false, err);
	else if (from_trace)
		ret = load_trace(err) ? -1 :
			drain_layout_split_span(&l, &trace, regions, false, err);
	else
		ret = drain_layout_generate(&l, regions, targets, false, 42, err);
	if (ret)
		return NULL;
	c = calloc(1, sizeof(*c));
	c->regions = regions;
	c->targets = targets;
	c->trace = from_trace;
	c->procs = from_procs;
	c->ctx = drain_ctx_from_layout(&l, &a, 42, err);
	drain_layout_free(&l);
	if (!c->ctx) {
		free(c);
		return NULL;
	}
	c->next = layouts;
	layouts = c;
	return c->ctx;
}

static void lookup(struct cbench_state *s, void *arg)
{
	const struct lookup_cfg *c = arg;
	struct drain_gen_params gp = {
		.kind = c->dist, .seed = 7, .nr_cpus = 1, .hit_ratio = 0.8,
		.trace = c->dist != DRAIN_GEN_TRACE ? NULL :
			c->procs ? &procs : &trace,
	};
	struct drain_opts o = { .strategy = c->s, .zero = DRAIN_ZERO_EAGER,
				.snap = DRAIN_SNAP_ON_CHANGE,
				.alloc = DRAIN_ALLOC_REUSE };
	struct damon_access_report *reps;
	struct damon_region *out[BATCH];
	struct drain_kdamond *kd;
	struct damon_ctx *ctx;
	struct drain_gen *g;
	struct rd_err err = { 0 };
	u64 found = 0, looked = 0;
	size_t k = 0;

	ctx = layout_ctx(c->regions, c->targets, c->dist == DRAIN_GEN_TRACE,
			 c->procs, &err);
	if (c->procs)
		gp.nr_cpus = DRAIN_NR_PROCS;
	g = ctx ? drain_gen_new(ctx, &gp, &err) : NULL;
	kd = g ? drain_kdamond_new(ctx, &o, &err) : NULL;
	if (!kd || drain_kdamond_prepare(kd)) {
		cbench_skip_with_error(s, kd ? "snapshot build failed" : err.msg);
		drain_gen_free(g);
		drain_kdamond_free(kd);
		return;
	}
	reps = malloc(POOL * sizeof(*reps));
	drain_gen_fill(g, reps, POOL);
	while (cbench_keep_running_batch(s, BATCH)) {
		found += drain_kdamond_lookup(kd, reps + k, BATCH, out);
		looked += BATCH;
		k = (k + BATCH) % POOL;
	}
	cbench_counter(s, "hit_ratio", looked ? (double)found / looked : 0, 0);
	cbench_set_items_processed(s, looked);
	free(reps);
	drain_gen_free(g);
	drain_kdamond_free(kd);
}

static void add_cfg(const struct drain_strategy *st, unsigned long regions,
		    unsigned int targets, enum drain_gen_kind dist, bool procs)
{
	struct lookup_cfg *c = calloc(1, sizeof(*c));
	char name[192];

	*c = (struct lookup_cfg){ st, regions, targets, dist, procs };
	snprintf(name, sizeof(name),
		 "drain/lookup/strategy:%s/regions:%lu/targets:%u/dist:%s",
		 st->name, regions, targets, procs ? "procs" : dist_names[dist]);
	cbench_min_time(cbench_register(name, lookup, c), 0.1);
}

static void add_one(const struct drain_strategy *st, unsigned long regions,
		    unsigned int targets, enum drain_gen_kind dist)
{
	add_cfg(st, regions, targets, dist, false);
}

static void add(struct rd_bench *b)
{
	static const unsigned long quick_regions[] = { 100, 10000, 1000000 };
	static const unsigned long full_regions[] = { 100, 1000, 10000,
						       100000, 1000000 };
	static const unsigned int full_targets[] = { 1, 8, 64 };
	const unsigned long *regions = b->quick ? quick_regions : full_regions;
	unsigned int nregions = b->quick ? 3 : 5;

	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *st = drain_strategies[i];
		/* The list walk is O(regions) per report: stop at 1e4. */
		unsigned long max = strcmp(st->name, "list") ? ~0UL : 10000;

		for (unsigned int r = 0; r < nregions; r++)
			if (regions[r] <= max)
				add_one(st, regions[r], 8, DRAIN_GEN_UNIFORM);
		if (b->quick) {
			add_one(st, 10000, 1, DRAIN_GEN_UNIFORM);
			add_one(st, 10000, 64, DRAIN_GEN_UNIFORM);
			add_one(st, 10000, 8, DRAIN_GEN_ZIPF);
			add_one(st, 10000, 8, DRAIN_GEN_MIX);
			add_one(st, 10000, 1, DRAIN_GEN_TRACE);
			add_cfg(st, 1000, DRAIN_NR_PROCS, DRAIN_GEN_TRACE, true);
			add_cfg(st, 10000, DRAIN_NR_PROCS, DRAIN_GEN_TRACE,
				true);
			continue;
		}
		for (unsigned int t = 0; t < 3; t++)
			for (unsigned int r = 0; r < nregions; r++) {
				if (regions[r] > max)
					continue;
				if (full_targets[t] != 8)
					add_one(st, regions[r], full_targets[t],
						DRAIN_GEN_UNIFORM);
				add_one(st, regions[r], full_targets[t],
					DRAIN_GEN_ZIPF);
				add_one(st, regions[r], full_targets[t],
					DRAIN_GEN_MIX);
			}
		for (unsigned int r = 0; r < nregions; r++)
			if (regions[r] <= max) {
				add_one(st, regions[r], 1, DRAIN_GEN_TRACE);
				add_cfg(st, regions[r], DRAIN_NR_PROCS,
					DRAIN_GEN_TRACE, true);
			}
	}
}

const struct rd_suite rd_suite_drain = {
	.name = "drain",
	.summary = "ns per report per lookup strategy: 1e2..1e6 regions, 1..64 targets, uniform/zipf/mix/trace/procs",
	.add = add,
	.report = &rd_report_drain,
};
