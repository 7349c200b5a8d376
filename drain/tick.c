// SPDX-License-Identifier: GPL-2.0
/*
 * tick.c - one kdamond sampling interval over the per-CPU rings, after the
 * RFC's kdamond_check_reported_accesses():
 *
 *   1. passed_sample_intervals++; make the snapshot current (the RFC
 *      rebuilds it every tick; the fast strategies only on a generation
 *      change).  If a snapshot buffer cannot be allocated, skip the drain:
 *      the reports stay in the rings for the next tick.
 *   2. Drain every CPU's ring (rd_ring_set_drain()).  Per report: drop it
 *      if stale (stamped before jiffies - stale_jiffies), look it up (no
 *      target, no region, or its region), reject it if address + size runs
 *      past the region end, and credit the region at most once per tick.
 *   3. The zero-access pass: eager walks every region (clear the credit
 *      mark, or record a non-access); lazy does nothing until the boundary.
 *   4. The aggregation boundary and the ops update (drain/model.c).
 *
 * The straddle test is the RFC's: addr + size > end, in unsigned long, so
 * a report whose end wraps past 2^64 is not a straddler.  Every strategy
 * sees the same rule because it is applied here, after the lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "internal.h"

#define DRAIN_DEFAULT_BATCH	256

struct drain_kdamond *drain_kdamond_new(struct damon_ctx *ctx,
					const struct drain_opts *o, char *err)
{
	struct drain_opts def = { 0 };
	struct drain_kdamond *kd;
	struct damon_target *t;
	struct damon_region *r;

	if (!o)
		o = &def;
	kd = calloc(1, sizeof(*kd));
	if (!kd)
		goto nomem;
	kd->ctx = ctx;
	kd->strategy = o->strategy ? o->strategy : drain_strategy_find("flat");
	if ((unsigned int)o->zero >= DRAIN_NR_ZERO_POLICIES ||
	    (unsigned int)o->alloc > DRAIN_ALLOC_GLIBC ||
	    (unsigned int)o->snap > DRAIN_SNAP_ON_CHANGE) {
		snprintf(err, DRAIN_ERR_LEN, "bad drain options");
		free(kd);
		return NULL;
	}
	kd->zero = o->zero;
	kd->per_tick = o->snap == DRAIN_SNAP_DEFAULT ? kd->strategy->per_tick :
		o->snap == DRAIN_SNAP_PER_TICK;
	kd->alloc.kind = o->alloc;
	kd->alloc.arena = drain_snap_arena();
	kd->batch_len = o->batch_len ? o->batch_len : DRAIN_DEFAULT_BATCH;
	kd->snap = calloc(1, kd->strategy->priv_size ?
			  kd->strategy->priv_size : 1);
	kd->batch = calloc(kd->batch_len, sizeof(*kd->batch));
	kd->live = calloc(kd->batch_len, sizeof(*kd->live));
	kd->found = calloc(kd->batch_len, sizeof(*kd->found));
	if (!kd->snap || !kd->batch || !kd->live || !kd->found) {
		drain_kdamond_free(kd);
		goto nomem;
	}
	if (kd->zero == DRAIN_ZERO_LAZY) {
		if (!ctx->lazy_zero)
			damon_for_each_target(t, ctx)
				damon_for_each_region(r, t)
					r->settled_sis =
						ctx->passed_sample_intervals;
		ctx->lazy_zero = true;
	} else if (ctx->lazy_zero) {
		drain_ctx_settle(ctx);
		ctx->lazy_zero = false;
	}
	return kd;
nomem:
	snprintf(err, DRAIN_ERR_LEN, "out of memory");
	return NULL;
}

void drain_kdamond_free(struct drain_kdamond *kd)
{
	if (!kd)
		return;
	if (kd->snap)
		kd->strategy->release(kd->snap, &kd->alloc);
	free(kd->snap);
	free(kd->batch);
	free(kd->live);
	free(kd->found);
	free(kd);
}

void drain_inject_alloc_failures(struct drain_kdamond *kd, unsigned int n)
{
	kd->alloc.fail_next = n;
}

int drain_kdamond_prepare(struct drain_kdamond *kd)
{
	if (!kd->per_tick && kd->snap_valid &&
	    kd->snap_generation == kd->ctx->generation)
		return 0;
	kd->snap_valid = false;
	if (kd->strategy->build(kd->snap, kd->ctx, &kd->alloc)) {
		kd->c.snapshot_alloc_failures++;
		return -ENOMEM;
	}
	kd->alloc.stats.builds++;
	kd->snap_valid = true;
	kd->snap_generation = kd->ctx->generation;
	return 0;
}

unsigned int drain_kdamond_lookup(struct drain_kdamond *kd,
				  const struct damon_access_report *reps,
				  unsigned int n, struct damon_region **out)
{
	unsigned int hits = 0;

	if ((!kd->snap_valid || kd->snap_generation != kd->ctx->generation) &&
	    drain_kdamond_prepare(kd)) {
		memset(out, 0, n * sizeof(*out));
		return 0;
	}
	kd->strategy->lookup(kd->snap, kd->ctx, reps, n, out);
	for (unsigned int i = 0; i < n; i++)
		hits += out[i] && out[i] != DAMON_LOOKUP_NO_TARGET;
	return hits;
}

/* time_before(report_jiffies, jiffies - stale_jiffies) */
static __always_inline bool drain_stale(const struct damon_access_report *r,
					unsigned long limit)
{
	return (long)(r->report_jiffies - limit) < 0;
}

/*
 * Credit the looked-up reports of one chunk.  Specialised per policy so
 * the hot loop has no policy test.
 */
static __always_inline void drain_credit(struct drain_kdamond *kd,
		const struct damon_access_report *reps, unsigned int n,
		bool lazy)
{
	const struct damon_attrs *attrs = &kd->ctx->attrs;
	unsigned long now = kd->ctx->passed_sample_intervals;
	bool has_pid = kd->ctx->has_pid;
	struct damon_region **found = kd->found;
	struct drain_counters *c = &kd->c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct damon_region *r = found[i];
		unsigned long addr = has_pid ? reps[i].vaddr : reps[i].paddr;

		if (r == DAMON_LOOKUP_NO_TARGET)
			c->no_target++;
		else if (!r)
			c->no_region++;
		else if (addr + reps[i].size > r->ar.end)
			c->straddling++;
		else if (lazy ? damon_credit_lazy(r, now, attrs) :
			 damon_credit_eager(r, attrs))
			c->applied++;
		else
			c->deduplicated++;
	}
}

static void drain_chunk(struct drain_kdamond *kd,
			const struct damon_access_report *reps,
			unsigned int n)
{
	unsigned long limit = READ_ONCE(jiffies) - kd->ctx->attrs.stale_jiffies;
	unsigned int i, live = 0;

	kd->c.reports += n;
	for (i = 0; i < n && !drain_stale(&reps[i], limit); i++)
		;
	if (i < n) {
		/* Some are stale: look up only the others. */
		for (i = 0; i < n; i++) {
			if (drain_stale(&reps[i], limit))
				kd->c.stale++;
			else
				kd->live[live++] = reps[i];
		}
		reps = kd->live;
		n = live;
	}
	if (!n)
		return;
	kd->strategy->lookup(kd->snap, kd->ctx, reps, n, kd->found);
	if (kd->zero == DRAIN_ZERO_LAZY)
		drain_credit(kd, reps, n, true);
	else
		drain_credit(kd, reps, n, false);
}

int drain_kdamond_apply(struct drain_kdamond *kd,
			const struct damon_access_report *reps, size_t n)
{
	if (!kd->ctx->passed_sample_intervals && drain_tick_begin(kd))
		return -ENOMEM;
	if ((!kd->snap_valid || kd->snap_generation != kd->ctx->generation) &&
	    drain_kdamond_prepare(kd))
		return -ENOMEM;
	while (n) {
		unsigned int m = n < kd->batch_len ? n : kd->batch_len;

		drain_chunk(kd, reps, m);
		reps += m;
		n -= m;
	}
	return 0;
}

static void drain_batch_cb(void *arg, unsigned int cpu,
			   const struct damon_access_report *batch,
			   unsigned int n)
{
	struct drain_kdamond *kd = arg;

	drain_chunk(kd, batch, n);
}

int drain_tick_begin(struct drain_kdamond *kd)
{
	if (!kd->ctx->passed_sample_intervals)
		drain_model_start(kd->ctx);
	kd->ctx->passed_sample_intervals++;
	kd->tick_skipped = drain_kdamond_prepare(kd) != 0;
	return kd->tick_skipped ? -ENOMEM : 0;
}

u64 drain_tick_drain(struct drain_kdamond *kd, struct rd_ring_set *set)
{
	if (kd->tick_skipped || !set)
		return 0;
	return rd_ring_set_drain(set, kd->batch, kd->batch_len, drain_batch_cb,
				 kd);
}

/*
 * The walk over every region after the drain.  Eager (the RFC's
 * kdamond_apply_zero_access_report()): clear the credit mark, or record a
 * non-access.  Lazy, at a boundary: fold every region's idle ticks.  Both
 * return the largest nr_accesses, the merge threshold's base.
 */
static __always_inline unsigned int drain_zero_walk(struct damon_ctx *ctx,
						    bool lazy)
{
	unsigned int max_nr_accesses = 0;
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (lazy)
				damon_settle(r, ctx->passed_sample_intervals,
					     &ctx->attrs);
			else if (r->access_reported)
				r->access_reported = false;
			else
				damon_access_step(r, false, &ctx->attrs);
			if (r->nr_accesses > max_nr_accesses)
				max_nr_accesses = r->nr_accesses;
		}
	}
	return max_nr_accesses;
}

void drain_tick_end(struct drain_kdamond *kd)
{
	struct damon_ctx *ctx = kd->ctx;
	unsigned int max_nr_accesses = 0;

	if (kd->zero == DRAIN_ZERO_EAGER)
		max_nr_accesses = drain_zero_walk(ctx, false);
	else if (ctx->passed_sample_intervals >= ctx->next_aggregation_sis)
		max_nr_accesses = drain_zero_walk(ctx, true);
	drain_model_after_check(ctx, max_nr_accesses);
}

int drain_kdamond_tick(struct drain_kdamond *kd, struct rd_ring_set *set)
{
	int ret = drain_tick_begin(kd);

	drain_tick_drain(kd, set);
	drain_tick_end(kd);
	return ret;
}

u64 drain_ring_set_fill(struct rd_ring_set *set,
			const struct damon_access_report *reps, size_t n)
{
	u64 accepted = 0;

	for (size_t i = 0; i < n; i++)
		accepted += rd_ring_produce(set->rings[reps[i].cpu %
						       set->nr_cpus], &reps[i]);
	return accepted;
}
