// SPDX-License-Identifier: GPL-2.0
/*
 * tick.c - one kdamond sampling interval over the per-CPU rings, after the
 * RFC's kdamond_check_reported_accesses():
 *
 *   1. passed_sample_intervals++; make the snapshot current (the RFC
 *      rebuilds it every tick; the fast strategies only on a generation
 *      change).  If a snapshot buffer cannot be allocated, skip the drain:
 *      the reports stay in the rings for the next tick.
 *   2. Drain every CPU's ring.  The rfc strategy does it as 4/6 does: per
 *      CPU one rd_ring_peek() (the pass: pending, head), every report read
 *      where it lies, then one rd_ring_release() (the one tail store).  The
 *      fast strategies copy reports out of the rings into full batches
 *      across CPUs.  Per report, in 4/6's order: stale (stamped before
 *      jiffies - stale_jiffies), else filtered (damon_sample_filter_out()),
 *      else looked up: no target, no region, straddling (address + size
 *      past the region end), or its region credited at most once per tick.
 *      (The lookup runs a batch at a time, a stale report's too; it changes
 *      nothing, so only the counters show the order, and they follow it.)
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

/*
 * The credit prefetches, for writing, the region this many reports ahead.
 * Only a region of this batch: found[] has as many spare entries past the
 * batch, which would hold NULL or a pointer of an earlier batch (maybe
 * freed by a merge since), so the credit sets them to NULL first; and a
 * prefetch never faults, but one to an unmapped page (NULL,
 * DAMON_LOOKUP_NO_TARGET) costs a page walk (~50 ns), so those prefetch
 * found[] itself instead (branch-free).
 */
#define DRAIN_CREDIT_AHEAD	16

struct drain_kdamond *drain_kdamond_new(struct damon_ctx *ctx,
					  const struct drain_opts *o,
					  struct rd_err *err)
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
	    (unsigned int)o->snap > DRAIN_SNAP_ON_CHANGE ||
	    (unsigned int)o->rings > DRAIN_RINGS_BATCHED) {
		rd_errf(err, EINVAL, "bad drain options");
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
	kd->found = calloc(kd->batch_len + DRAIN_CREDIT_AHEAD,
			   sizeof(*kd->found));
	kd->kept = calloc(kd->batch_len, sizeof(*kd->kept));
	kd->in_place = o->rings == DRAIN_RINGS_DEFAULT ?
		strcmp(kd->strategy->name, "rfc") == 0 :
		o->rings == DRAIN_RINGS_IN_PLACE;
	if (!kd->snap || !kd->batch || !kd->found || !kd->kept) {
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
		/* access_reported shares settled_sis's word: clear it. */
		damon_for_each_target(t, ctx)
			damon_for_each_region(r, t)
				r->settled_sis = 0;
		ctx->lazy_zero = false;
	}
	return kd;
nomem:
	rd_errf(err, ENOMEM, "out of memory");
	return NULL;
}

void drain_kdamond_free(struct drain_kdamond *kd)
{
	if (!kd)
		return;
	if (kd->snap)
		kd->strategy->release(kd->snap, &kd->alloc);
	damon_snap_free(&kd->alloc, &kd->dup.tgids);
	damon_snap_free(&kd->alloc, &kd->dup.targets);
	damon_snap_free(&kd->alloc, &kd->dup.regions);
	damon_snap_free(&kd->alloc, &kd->dup.scratch);
	free(kd->snap);
	free(kd->batch);
	free(kd->found);
	free(kd->kept);
	free(kd);
}

const char *const drain_phase_names[DRAIN_NR_PHASES] = {
	[DRAIN_PHASE_SNAPSHOT] = "snapshot",
	[DRAIN_PHASE_RING] = "ring",
	[DRAIN_PHASE_LOOKUP] = "lookup",
	[DRAIN_PHASE_CREDIT] = "credit",
	[DRAIN_PHASE_ZERO] = "zero",
	[DRAIN_PHASE_BOUNDARY] = "boundary",
};

void drain_kdamond_set_clock(struct drain_kdamond *kd, u64 (*clock)(void))
{
	kd->clock = clock;
	memset(kd->phase_clk, 0, sizeof(kd->phase_clk));
}

/* The clock's time, or 0 without one. */
static inline u64 drain_clock(const struct drain_kdamond *kd)
{
	return unlikely(kd->clock) ? kd->clock() : 0;
}

void drain_inject_alloc_failures(struct drain_kdamond *kd, unsigned int n)
{
	kd->alloc.fail_next = n;
}

/*
 * Several targets of one tgid.  A lookup answers for the first target of
 * the report's tgid in list order (the tgid maps keep the first, the
 * walking cores stop there); the drain's credit step then walks every
 * later target of that tgid, in list order, with 4/6's binary search over
 * the target's region pointers, right after the first target's credit: so
 * each matching target is judged (no region, straddling) and credited
 * (applied, deduplicated) in the order of 4/6's walk over every target,
 * whatever the strategy.  Built with the snapshot, and only for a context
 * that has such targets (ctx->nr_dup_targets), so the usual context pays
 * one test a chunk.
 */
struct drain_dup_tgid {
	pid_t tgid;
	unsigned int first;	/* its first later target in dup.targets */
	unsigned int nr;	/* its later targets */
};

struct drain_dup_target {
	struct damon_region **regions;
	unsigned int nr_regions;
};

struct drain_dup_sort {
	pid_t tgid;
	unsigned int idx;
	struct damon_target *t;
};

static int drain_dup_cmp(const void *a, const void *b)
{
	const struct drain_dup_sort *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Build kd->dup from the context: the tgids of several targets, sorted,
 * each with its later targets (all but the first in list order) and their
 * region pointers.  Returns 0 or -ENOMEM.
 */
static int drain_dup_build(struct drain_kdamond *kd)
{
	const struct damon_ctx *ctx = kd->ctx;
	struct drain_dup *d = &kd->dup;
	unsigned int nr = 0, i, j, nt = 0, ri = 0;
	unsigned long nr_regions = 0;
	struct drain_dup_sort *srt;
	struct drain_dup_tgid *tg;
	struct drain_dup_target *dt;
	struct damon_region **regs, *r;
	struct damon_target *t;

	d->nr_tgids = 0;
	if (!ctx->nr_dup_targets)
		return 0;
	damon_lookup_count(ctx, &nr, &nr_regions);
	if (damon_snap_reserve(&kd->alloc, &d->scratch, nr * sizeof(*srt)) ||
	    damon_snap_reserve(&kd->alloc, &d->tgids, nr * sizeof(*tg)) ||
	    damon_snap_reserve(&kd->alloc, &d->targets, nr * sizeof(*dt)) ||
	    damon_snap_reserve(&kd->alloc, &d->regions,
			       nr_regions * sizeof(*regs)))
		return -ENOMEM;
	srt = d->scratch.p;
	tg = d->tgids.p;
	dt = d->targets.p;
	regs = d->regions.p;
	i = 0;
	damon_for_each_target(t, ctx) {
		srt[i] = (struct drain_dup_sort){ damon_target_pid_nr(t), i, t };
		i++;
	}
	qsort(srt, nr, sizeof(*srt), drain_dup_cmp);
	for (i = 0; i < nr; i = j) {
		for (j = i + 1; j < nr && srt[j].tgid == srt[i].tgid; j++)
			;
		if (j - i < 2)
			continue;
		tg[d->nr_tgids++] = (struct drain_dup_tgid){ srt[i].tgid, nt,
							     j - i - 1 };
		for (unsigned int k = i + 1; k < j; k++) {
			dt[nt].regions = &regs[ri];
			dt[nt].nr_regions = damon_nr_regions(srt[k].t);
			damon_for_each_region(r, srt[k].t)
				regs[ri++] = r;
			nt++;
		}
	}
	return 0;
}

/* The later targets of @tgid, or NULL; @nr: how many. */
static const struct drain_dup_target *
drain_dup_find(const struct drain_dup *d, pid_t tgid, unsigned int *nr)
{
	const struct drain_dup_tgid *tg = d->tgids.p;
	unsigned int lo = 0, hi = d->nr_tgids;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (tg[mid].tgid < tgid) {
			lo = mid + 1;
		} else if (tg[mid].tgid > tgid) {
			hi = mid;
		} else {
			*nr = tg[mid].nr;
			return (const struct drain_dup_target *)d->targets.p +
				tg[mid].first;
		}
	}
	return NULL;
}

int drain_kdamond_prepare(struct drain_kdamond *kd)
{
	if (!kd->per_tick && kd->snap_valid &&
	    kd->snap_generation == kd->ctx->generation)
		return 0;
	kd->snap_valid = false;
	if (kd->strategy->build(kd->snap, kd->ctx, &kd->alloc) ||
	    drain_dup_build(kd)) {
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
	/*
	 * Not a region: NULL or DAMON_LOOKUP_NO_TARGET, the only other answers
	 * a lookup gives.  Compared on 32-bit halves so it vectorizes with
	 * SSE2 (damon_lookup_found()'s 64-bit unsigned compare does not).
	 */
	for (unsigned int i = 0; i < n; i++) {
		unsigned long v = (unsigned long)out[i];
		unsigned long nt = (unsigned long)DAMON_LOOKUP_NO_TARGET;
		u32 hi = v >> 32, lo = v;

		hits += ((hi == 0) & (lo == 0)) |
			((hi == (u32)(nt >> 32)) & (lo == (u32)nt));
	}
	return n - hits;
}

/* time_before(report_jiffies, jiffies - stale_jiffies) */
static __always_inline bool drain_stale(const struct damon_access_report *r,
					unsigned long limit)
{
	return (long)(r->report_jiffies - limit) < 0;
}

/* A report's later targets of its tgid, each judged and credited. */
struct drain_dup_counts {
	u64 no_region, straddling, applied, dedup;
};

static noinline void drain_credit_dup(struct drain_kdamond *kd,
				      const struct damon_access_report *rep,
				      bool lazy, struct drain_dup_counts *c)
{
	const struct damon_attrs *attrs = &kd->ctx->attrs;
	unsigned long now = kd->ctx->passed_sample_intervals;
	const struct drain_dup_target *dt;
	unsigned long addr = rep->vaddr;
	struct damon_region *r;
	unsigned int nr = 0, k;

	dt = drain_dup_find(&kd->dup, rep->tgid, &nr);
	for (k = 0; dt && k < nr; k++) {
		r = damon_rfc_search(dt[k].regions, dt[k].nr_regions, addr);
		if (!r)
			c->no_region++;
		else if (addr + rep->size > r->ar.end)
			c->straddling++;
		else if (lazy ? damon_credit_lazy(r, now, attrs) :
			 damon_credit_eager(r, attrs))
			c->applied++;
		else
			c->dedup++;
	}
}

/*
 * Judge and credit the looked-up reports of one chunk: stale, no target,
 * no region, straddling, then the credit.  Specialised per policy, address
 * kind and (lazy) @plain: the moving sum as posted and a window over 1, so
 * the hot loop tests none of them; the counts stay in locals (a store to a
 * region could otherwise alias them).  @dup: the context has targets that
 * share a tgid; each report's later targets are judged and credited right
 * after its first (drain_credit_dup()).
 */
static __always_inline void drain_credit(struct drain_kdamond *kd,
		const struct damon_access_report *reps, unsigned int n,
		bool lazy, bool has_pid, bool plain, bool dup)
{
	struct drain_dup_counts dc = { 0 };
	const struct damon_attrs *attrs = &kd->ctx->attrs;
	unsigned long now = kd->ctx->passed_sample_intervals;
	unsigned long limit = READ_ONCE(jiffies) - attrs->stale_jiffies;
	struct damon_region **found = kd->found;
	u64 stale = 0, no_target = 0, no_region = 0, straddling = 0;
	u64 applied = 0, dedup = 0;
	bool clamp = attrs->clamp_moving_sum;
	struct damon_window_div div;
	unsigned int i;

	damon_window_div_init(&div, attrs);
	for (i = 0; i < DRAIN_CREDIT_AHEAD; i++)
		found[n + i] = NULL;
	for (i = 0; i < n; i++) {
		const struct damon_access_report *rep = &reps[i];
		struct damon_region *r = found[i];
		unsigned long addr = has_pid ? rep->vaddr : rep->paddr;
		struct damon_region *next = found[i + DRAIN_CREDIT_AHEAD];

		prefetchw(damon_lookup_found(next) ? (void *)next :
			  (void *)found);
		if (unlikely(drain_stale(rep, limit)))
			stale++;
		else if (unlikely(r == DAMON_LOOKUP_NO_TARGET))
			no_target++;
		else if (unlikely(!r))
			no_region++;
		else if (unlikely(addr + rep->size > r->ar.end))
			straddling++;
		else if (lazy && plain ? damon_credit_lazy_posted(r, now, &div) :
			 lazy ? damon_credit_lazy_div(r, now, clamp, &div) :
			 damon_credit_eager(r, attrs))
			applied++;
		else
			dedup++;
		if (dup && !drain_stale(rep, limit) &&
		    r != DAMON_LOOKUP_NO_TARGET)
			drain_credit_dup(kd, rep, lazy, &dc);
	}
	kd->c.stale += stale;
	kd->c.no_target += no_target;
	kd->c.no_region += no_region + dc.no_region;
	kd->c.straddling += straddling + dc.straddling;
	kd->c.applied += applied + dc.applied;
	kd->c.deduplicated += dedup + dc.dedup;
}

/*
 * The sample filters, in 4/6's place: after the stale test, before the
 * lookup.  Keeps (in kd->kept, in order) the stale reports, which the
 * credit counts as stale first, and the reports no filter drops; counts
 * the others.  Only a context with filters pays for it.
 */
static unsigned int drain_filter(struct drain_kdamond *kd,
				 const struct damon_access_report **reps,
				 unsigned int n)
{
	unsigned long limit = READ_ONCE(jiffies) -
		kd->ctx->attrs.stale_jiffies;
	const struct damon_access_report *in = *reps;
	unsigned int i, m = 0;

	for (i = 0; i < n; i++) {
		if (!drain_stale(&in[i], limit) &&
		    damon_sample_filter_out(&in[i], &kd->ctx->sample_control)) {
			kd->c.filtered++;
			continue;
		}
		kd->kept[m++] = in[i];
	}
	*reps = kd->kept;
	return m;
}

/*
 * One chunk: look every report up (a stale one too: the lookup changes
 * nothing, and skipping it would cost a pass over the chunk), then judge
 * and credit them in order.
 */
static void drain_chunk(struct drain_kdamond *kd,
			const struct damon_access_report *reps,
			unsigned int n)
{
	const struct damon_attrs *a = &kd->ctx->attrs;
	bool lazy = kd->zero == DRAIN_ZERO_LAZY;
	bool plain = !a->clamp_moving_sum && damon_window(a) > 1;
	u64 t0, t1;

	if (!n)
		return;
	kd->c.reports += n;
	if (!list_empty(&kd->ctx->sample_control.sample_filters))
		n = drain_filter(kd, &reps, n);
	t0 = drain_clock(kd);
	kd->strategy->lookup(kd->snap, kd->ctx, reps, n, kd->found);
	t1 = drain_clock(kd);
	kd->phase_clk[DRAIN_PHASE_LOOKUP] += t1 - t0;
	if (unlikely(kd->dup.nr_tgids))
		drain_credit(kd, reps, n, lazy, true, false, true);
	else if (!lazy)
		drain_credit(kd, reps, n, false, kd->ctx->has_pid, false,
			     false);
	else if (kd->ctx->has_pid && plain)
		drain_credit(kd, reps, n, true, true, true, false);
	else if (kd->ctx->has_pid)
		drain_credit(kd, reps, n, true, true, false, false);
	else
		drain_credit(kd, reps, n, true, false, false, false);
	kd->phase_clk[DRAIN_PHASE_CREDIT] += drain_clock(kd) - t1;
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

int drain_tick_begin(struct drain_kdamond *kd)
{
	u64 t0 = drain_clock(kd);

	if (!kd->ctx->passed_sample_intervals)
		drain_model_start(kd->ctx);
	kd->ctx->passed_sample_intervals++;
	kd->tick_skipped = drain_kdamond_prepare(kd) != 0;
	kd->phase_clk[DRAIN_PHASE_SNAPSHOT] += drain_clock(kd) - t0;
	return kd->tick_skipped ? -ENOMEM : 0;
}

/*
 * 4/6's drain of the rings: per CPU, one pass read in place and one tail
 * store after it.  rd_ring_peek() is the loop head of
 * kdamond_check_reported_accesses() (skip the CPU unless pending; clear
 * it; read head), the chunks are its loop body read where the reports lie
 * (full records straight from the slots; a compact ring's decoded a chunk
 * at a time), and rd_ring_release() is its WRITE_ONCE(ring->tail, tail).
 * A pass takes what the ring held at its start, at most one ring's worth.
 */
static u64 drain_tick_drain_in_place(struct drain_kdamond *kd,
				     struct rd_ring_set *set)
{
	unsigned long now = READ_ONCE(jiffies);
	struct rd_ring_view v;
	unsigned int n, i, k, j;
	struct rd_ring *ring;
	u64 total = 0;

	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++) {
		ring = set->rings[cpu];
		n = rd_ring_peek(ring, &v, rd_max_held(ring->d,
						       ring->capacity));
		if (!n)
			continue;
		for (i = 0; i < n; i += k) {
			k = min_t(unsigned int, rd_view_contig(&v, i),
				  kd->batch_len);
			if (v.rec_size == DAMON_REPORT_FULL) {
				drain_chunk(kd, rd_view_slot(&v, i), k);
				continue;
			}
			for (j = 0; j < k; j++)
				rd_view_get(&v, i + j, &kd->batch[j], now);
			drain_chunk(kd, kd->batch, k);
		}
		rd_ring_release(ring, n);
		total += n;
	}
	return total;
}

/*
 * kdamond's scan (rd_ring_set_drain()'s: every CPU's ring in CPU order, at
 * most what one ring holds per CPU), but consuming straight into the free
 * part of one batch, so the lookup and the credit run over full batches
 * of batch_len reports instead of one CPU's few.
 */
static u64 drain_tick_drain_batched(struct drain_kdamond *kd,
				    struct rd_ring_set *set)
{
	unsigned int fill = 0, budget, got, want;
	struct rd_ring *ring;
	u64 total = 0;

	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++) {
		ring = set->rings[cpu];
		budget = rd_max_held(ring->d, ring->capacity);
		while (budget) {
			want = min_t(unsigned int, budget,
				     kd->batch_len - fill);
			got = rd_ring_consume(ring, kd->batch + fill, want);
			fill += got;
			budget -= got;
			total += got;
			if (fill == kd->batch_len) {
				drain_chunk(kd, kd->batch, fill);
				fill = 0;
			}
			/* Short: nothing more was visible (every design's rule). */
			if (got < want)
				break;
		}
	}
	drain_chunk(kd, kd->batch, fill);
	return total;
}

u64 drain_tick_drain(struct drain_kdamond *kd, struct rd_ring_set *set)
{
	u64 t0, inner, total;

	if (kd->tick_skipped || !set)
		return 0;
	if (likely(!kd->clock))
		return kd->in_place ? drain_tick_drain_in_place(kd, set) :
			drain_tick_drain_batched(kd, set);
	/* The ring's share: the drain's time less its lookups and credits. */
	inner = kd->phase_clk[DRAIN_PHASE_LOOKUP] +
		kd->phase_clk[DRAIN_PHASE_CREDIT];
	t0 = kd->clock();
	total = kd->in_place ? drain_tick_drain_in_place(kd, set) :
		drain_tick_drain_batched(kd, set);
	kd->phase_clk[DRAIN_PHASE_RING] += kd->clock() - t0 -
		(kd->phase_clk[DRAIN_PHASE_LOOKUP] +
		 kd->phase_clk[DRAIN_PHASE_CREDIT] - inner);
	return total;
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
	u64 t0 = drain_clock(kd), t1;

	if (kd->zero == DRAIN_ZERO_EAGER)
		max_nr_accesses = drain_zero_walk(ctx, false);
	else if (ctx->passed_sample_intervals >= ctx->next_aggregation_sis)
		max_nr_accesses = drain_zero_walk(ctx, true);
	t1 = drain_clock(kd);
	kd->phase_clk[DRAIN_PHASE_ZERO] += t1 - t0;
	drain_model_after_check(ctx, max_nr_accesses);
	kd->phase_clk[DRAIN_PHASE_BOUNDARY] += drain_clock(kd) - t1;
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
