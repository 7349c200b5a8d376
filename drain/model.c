// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - the DAMON context model: targets, address-ordered regions, and
 * what kdamond_fn() does to them at an aggregation boundary, modelled on
 * mainline mm/damon/core.c:
 *
 *  - kdamond_merge_regions(): per target, update every region's age
 *    (reset to 0 when nr_accesses moved more than the threshold from
 *    last_nr_accesses, or one of them is zero and the other not; else +1),
 *    then merge it into its predecessor when they touch, their nr_accesses
 *    differ by at most the threshold and the sum of their sizes is within
 *    sz_limit.  A merge keeps the size-weighted mean of nr_accesses and age
 *    and sets nr_accesses_bp = nr_accesses * 10000.  While there are more
 *    than max_nr_regions, repeat with the threshold doubled, up to the
 *    window.  The threshold starts at max_nr_accesses / 10.
 *  - kdamond_reset_aggregated(): nr_accesses_bp := nr_accesses * 10000 if
 *    it drifted (damon_warn_fix_nr_accesses_corruption()), then
 *    last_nr_accesses := nr_accesses, nr_accesses := 0.
 *  - kdamond_split_regions(): if there are at most max_nr_regions / 2
 *    regions, split every region into 2 (3 if the count did not change
 *    since the last split and is below max / 3) pieces: the left piece is
 *    1..9 tenths of the region, page-aligned, drawn from the PRNG, and the
 *    left piece is split again.
 *  - damon_region_sz_limit(): all region sizes / min_nr_regions, at least
 *    min_region_sz; at kdamond start and every ops update interval.
 *
 * Userspace only: in the kernel all of this is mm/damon/core.c itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "drain.h"

/* splitmix64: the model's PRNG (the kernel's is prandom on ctx->rnd_state). */
static u64 drain_rand_next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* damon_rand(l, r): a number in [l, r). */
static unsigned long damon_rand_model(struct damon_ctx *ctx, unsigned long l,
				      unsigned long r)
{
	return l + drain_rand_next(&ctx->rnd) % (r - l);
}

void drain_attrs_default(struct damon_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->window = 20;
	a->aggr_ticks = 20;
	a->ops_update_ticks = 12000;
	a->min_nr_regions = 10;
	a->max_nr_regions = 1000;
	a->min_region_sz = PAGE_SIZE;
	a->stale_jiffies = 1;
	a->clamp_moving_sum = false;
}

struct damon_ctx *drain_ctx_new(const struct damon_attrs *a, bool has_pid,
				u64 seed)
{
	struct damon_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	if (a)
		ctx->attrs = *a;
	else
		drain_attrs_default(&ctx->attrs);
	if (!ctx->attrs.min_region_sz)
		ctx->attrs.min_region_sz = PAGE_SIZE;
	/*
	 * The kernel's len_window and its aggregation period are the same
	 * aggr_interval / sample_interval: derive one from the other.
	 */
	if (ctx->attrs.aggr_ticks)
		ctx->attrs.window = ctx->attrs.aggr_ticks;
	ctx->has_pid = has_pid;
	INIT_LIST_HEAD(&ctx->adaptive_targets);
	INIT_LIST_HEAD(&ctx->sample_control.sample_filters);
	ctx->rnd = seed;
	return ctx;
}

static struct damon_region *model_new_region(unsigned long start,
					     unsigned long end)
{
	struct damon_region *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ar.start = start;
	r->ar.end = end;
	INIT_LIST_HEAD(&r->list);
	return r;
}

static void model_destroy_region(struct damon_region *r,
				 struct damon_target *t)
{
	list_del(&r->list);
	t->nr_regions--;
	free(r);
}

void drain_ctx_free(struct damon_ctx *ctx)
{
	struct damon_sample_filter *f, *fn;
	struct damon_target *t, *tn;
	struct damon_region *r, *rn;

	if (!ctx)
		return;
	list_for_each_entry_safe(f, fn, &ctx->sample_control.sample_filters,
				 list) {
		list_del(&f->list);
		free(f->tid_arr);
		free(f);
	}
	damon_for_each_target_safe(t, tn, ctx) {
		damon_for_each_region_safe(r, rn, t)
			model_destroy_region(r, t);
		list_del(&t->list);
		free(t->pid);
		free(t);
	}
	free(ctx);
}

int drain_ctx_add_target(struct damon_ctx *ctx, pid_t pid,
			 struct damon_target **out)
{
	struct damon_target *t;
	unsigned int n = 0;
	bool dup = false;

	if (!ctx->has_pid)
		pid = 0;
	damon_for_each_target(t, ctx) {
		if (!ctx->has_pid)
			return -EINVAL;
		dup |= damon_target_pid_nr(t) == pid;
		n++;
	}
	if (n >= DRAIN_MAX_TARGETS)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (ctx->has_pid) {
		t->pid = calloc(1, sizeof(*t->pid));
		if (!t->pid) {
			free(t);
			return -ENOMEM;
		}
		t->pid->count = 1;
		t->pid->nr = pid;
	}
	INIT_LIST_HEAD(&t->regions_list);
	list_add_tail(&t->list, &ctx->adaptive_targets);
	ctx->nr_dup_targets += dup;
	ctx->generation++;
	*out = t;
	return 0;
}

int drain_ctx_add_sample_filter(struct damon_ctx *ctx,
				enum damon_sample_filter_type type,
				bool matching, bool allow,
				const unsigned int *ids, unsigned int nr_ids)
{
	struct damon_sample_filter *f;
	unsigned int i;

	if ((unsigned int)type > DAMON_FILTER_TYPE_WRITE)
		return -EINVAL;
	if (type == DAMON_FILTER_TYPE_CPUMASK)
		for (i = 0; i < nr_ids; i++)
			if (ids[i] >= DAMON_SAMPLE_FILTER_CPUS)
				return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->type = type;
	f->matching = matching;
	f->allow = allow;
	if (type == DAMON_FILTER_TYPE_THREADS && nr_ids) {
		f->tid_arr = calloc(nr_ids, sizeof(*f->tid_arr));
		if (!f->tid_arr) {
			free(f);
			return -ENOMEM;
		}
		for (i = 0; i < nr_ids; i++)
			f->tid_arr[i] = (pid_t)ids[i];
		f->tid_arr_len = nr_ids;
	}
	if (type == DAMON_FILTER_TYPE_CPUMASK)
		for (i = 0; i < nr_ids; i++)
			f->cpumask[ids[i] / BITS_PER_LONG] |=
				1UL << (ids[i] % BITS_PER_LONG);
	list_add_tail(&f->list, &ctx->sample_control.sample_filters);
	return 0;
}

int drain_ctx_add_region(struct damon_ctx *ctx, struct damon_target *t,
			 unsigned long start, unsigned long end)
{
	struct damon_region *r;

	if (start >= end)
		return -EINVAL;
	if (!list_empty(&t->regions_list) &&
	    start < list_last_entry(&t->regions_list, struct damon_region,
				    list)->ar.end)
		return -EINVAL;
	r = model_new_region(start, end);
	if (!r)
		return -ENOMEM;
	/* Eager: access_reported false (the allocation is zeroed). */
	if (ctx->lazy_zero)
		r->settled_sis = ctx->passed_sample_intervals;
	list_add_tail(&r->list, &t->regions_list);
	t->nr_regions++;
	ctx->generation++;
	return 0;
}

struct damon_ctx *drain_ctx_clone(const struct damon_ctx *src)
{
	struct damon_ctx *ctx = drain_ctx_new(&src->attrs, src->has_pid, 0);
	const struct damon_sample_filter *sf;
	struct damon_target *st, *t;
	struct damon_region *sr, *r;

	if (!ctx)
		return NULL;
	damon_for_each_sample_filter(sf, &src->sample_control) {
		struct damon_sample_filter *f = calloc(1, sizeof(*f));

		if (!f)
			goto fail;
		*f = *sf;
		f->tid_arr = NULL;
		list_add_tail(&f->list, &ctx->sample_control.sample_filters);
		if (sf->tid_arr_len) {
			f->tid_arr = calloc(sf->tid_arr_len,
					    sizeof(*f->tid_arr));
			if (!f->tid_arr)
				goto fail;
			memcpy(f->tid_arr, sf->tid_arr,
			       sf->tid_arr_len * sizeof(*f->tid_arr));
		}
	}
	damon_for_each_target(st, src) {
		if (drain_ctx_add_target(ctx, damon_target_pid_nr(st), &t))
			goto fail;
		damon_for_each_region(sr, st) {
			r = model_new_region(sr->ar.start, sr->ar.end);
			if (!r)
				goto fail;
			*r = *sr;
			list_add_tail(&r->list, &t->regions_list);
			t->nr_regions++;
		}
	}
	/* Everything but the lists themselves. */
	ctx->passed_sample_intervals = src->passed_sample_intervals;
	ctx->next_aggregation_sis = src->next_aggregation_sis;
	ctx->next_ops_update_sis = src->next_ops_update_sis;
	ctx->sz_limit = src->sz_limit;
	ctx->last_nr_regions = src->last_nr_regions;
	ctx->generation = src->generation;
	ctx->rnd = src->rnd;
	ctx->nr_merges = src->nr_merges;
	ctx->nr_splits = src->nr_splits;
	ctx->nr_bp_fixups = src->nr_bp_fixups;
	ctx->lazy_zero = src->lazy_zero;
	return ctx;
fail:
	drain_ctx_free(ctx);
	return NULL;
}

void drain_ctx_bump_generation(struct damon_ctx *ctx)
{
	ctx->generation++;
}

unsigned long drain_ctx_nr_regions(const struct damon_ctx *ctx)
{
	struct damon_target *t;
	unsigned long n = 0;

	damon_for_each_target(t, ctx)
		n += t->nr_regions;
	return n;
}

unsigned int drain_ctx_nr_targets(const struct damon_ctx *ctx)
{
	struct damon_target *t;
	unsigned int n = 0;

	damon_for_each_target(t, ctx)
		n++;
	return n;
}

void drain_ctx_settle(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	if (!ctx->lazy_zero)
		return;
	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			damon_settle(r, ctx->passed_sample_intervals,
				     &ctx->attrs);
}

void drain_ctx_randomize_state(struct damon_ctx *ctx, u64 seed)
{
	unsigned int w = damon_window(&ctx->attrs);
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			u64 x = drain_rand_next(&seed);

			r->nr_accesses = x % (w + 1);
			r->last_nr_accesses = (x >> 8) % (2 * w + 1);
			r->nr_accesses_bp = (x >> 16) % (2 * w * 10000 + 1);
			r->age = (x >> 40) % 50;
		}
	}
}

bool drain_ctx_compare(const struct damon_ctx *a, const struct damon_ctx *b,
			 struct rd_err *why)
{
	const struct list_head *ta = a->adaptive_targets.next;
	const struct list_head *tb = b->adaptive_targets.next;

	if (a->passed_sample_intervals != b->passed_sample_intervals) {
		rd_errf(why, EINVAL, "tick %lu vs %lu",
			a->passed_sample_intervals,
			b->passed_sample_intervals);
		return false;
	}
	if (a->nr_merges != b->nr_merges || a->nr_splits != b->nr_splits ||
	    a->nr_bp_fixups != b->nr_bp_fixups) {
		rd_errf(why, EINVAL, "merges/splits/bp fixups %" PRIu64 "/%"
			PRIu64 "/%" PRIu64 " vs %" PRIu64 "/%" PRIu64 "/%" PRIu64,
			a->nr_merges, a->nr_splits, a->nr_bp_fixups,
			b->nr_merges, b->nr_splits, b->nr_bp_fixups);
		return false;
	}
	for (; ta != &a->adaptive_targets && tb != &b->adaptive_targets;
	     ta = ta->next, tb = tb->next) {
		const struct damon_target *x = list_entry(ta, struct damon_target,
							  list);
		const struct damon_target *y = list_entry(tb, struct damon_target,
							  list);
		const struct list_head *ra = x->regions_list.next;
		const struct list_head *rb = y->regions_list.next;
		unsigned long i = 0;

		if (damon_target_pid_nr(x) != damon_target_pid_nr(y) ||
		    x->nr_regions != y->nr_regions) {
			rd_errf(why, EINVAL, "target %d with %u regions vs %d with %u",
				damon_target_pid_nr(x), x->nr_regions,
				damon_target_pid_nr(y), y->nr_regions);
			return false;
		}
		for (; ra != &x->regions_list;
		     ra = ra->next, rb = rb->next, i++) {
			const struct damon_region *p =
				list_entry(ra, struct damon_region, list);
			const struct damon_region *q =
				list_entry(rb, struct damon_region, list);

			if (p->ar.start != q->ar.start || p->ar.end != q->ar.end ||
			    p->nr_accesses != q->nr_accesses ||
			    p->nr_accesses_bp != q->nr_accesses_bp ||
			    p->last_nr_accesses != q->last_nr_accesses ||
			    damon_region_reported(a, p) !=
			    damon_region_reported(b, q) ||
			    p->age != q->age) {
				rd_errf(why, EINVAL, "target %d region %lu: [%#lx, %#lx) nr %u bp %u last %u age %u rep %d vs [%#lx, %#lx) nr %u bp %u last %u age %u rep %d",
					damon_target_pid_nr(x), i,
					p->ar.start, p->ar.end,
					p->nr_accesses, p->nr_accesses_bp,
					p->last_nr_accesses, p->age,
					damon_region_reported(a, p), q->ar.start,
					q->ar.end, q->nr_accesses,
					q->nr_accesses_bp, q->last_nr_accesses,
					q->age, damon_region_reported(b, q));
				return false;
			}
		}
	}
	if (ta != &a->adaptive_targets || tb != &b->adaptive_targets) {
		rd_errf(why, EINVAL, "different numbers of targets");
		return false;
	}
	return true;
}

/* ---- aggregation: merge, reset, split -------------------------------- */

/* The kernel's abs() of an unsigned int difference, compared unsigned. */
static unsigned int model_abs_diff(unsigned int a, unsigned int b)
{
	int d = (int)(a - b);

	return d < 0 ? -(unsigned int)d : (unsigned int)d;
}

/* damon_region_sz_limit() */
static unsigned long model_sz_limit(const struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;
	unsigned long sz = 0;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			sz += damon_sz_region(r);
	if (ctx->attrs.min_nr_regions)
		sz /= ctx->attrs.min_nr_regions;
	if (sz < ctx->attrs.min_region_sz)
		sz = ctx->attrs.min_region_sz;
	return sz;
}

/* damon_merge_two_regions(): @r folds into its predecessor @l. */
static void model_merge_two(struct damon_ctx *ctx, struct damon_target *t,
			    struct damon_region *l, struct damon_region *r)
{
	unsigned long sz_l = damon_sz_region(l), sz_r = damon_sz_region(r);

	l->nr_accesses = (l->nr_accesses * sz_l + r->nr_accesses * sz_r) /
		(sz_l + sz_r);
	l->nr_accesses_bp = l->nr_accesses * 10000;
	l->age = (l->age * sz_l + r->age * sz_r) / (sz_l + sz_r);
	l->ar.end = r->ar.end;
	model_destroy_region(r, t);
	ctx->nr_merges++;
}

/* damon_merge_regions_of() */
static void model_merge_regions_of(struct damon_ctx *ctx,
				   struct damon_target *t, unsigned int thres,
				   unsigned long sz_limit)
{
	struct damon_region *r, *next, *prev = NULL;

	damon_for_each_region_safe(r, next, t) {
		if (model_abs_diff(r->nr_accesses, r->last_nr_accesses) > thres)
			r->age = 0;
		else if ((r->nr_accesses == 0) != (r->last_nr_accesses == 0))
			r->age = 0;
		else
			r->age++;

		if (prev && prev->ar.end == r->ar.start &&
		    model_abs_diff(prev->nr_accesses, r->nr_accesses) <= thres &&
		    damon_sz_region(prev) + damon_sz_region(r) <= sz_limit)
			model_merge_two(ctx, t, prev, r);
		else
			prev = r;
	}
}

/* kdamond_merge_regions() */
static void model_merge_regions(struct damon_ctx *ctx, unsigned int threshold,
				unsigned long sz_limit)
{
	unsigned int max_thres = damon_window(&ctx->attrs);
	struct damon_target *t;
	unsigned int nr_regions;

	do {
		nr_regions = 0;
		damon_for_each_target(t, ctx) {
			model_merge_regions_of(ctx, t, threshold, sz_limit);
			nr_regions += t->nr_regions;
		}
		threshold = threshold * 2 > 1 ? threshold * 2 : 1;
	} while (nr_regions > ctx->attrs.max_nr_regions &&
		 threshold / 2 < max_thres);
}

/* kdamond_reset_aggregated() */
static void model_reset_aggregated(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (r->nr_accesses_bp != r->nr_accesses * 10000) {
				r->nr_accesses_bp = r->nr_accesses * 10000;
				ctx->nr_bp_fixups++;
			}
			r->last_nr_accesses = r->nr_accesses;
			r->nr_accesses = 0;
		}
	}
}

/* damon_split_region_at(): the piece past @sz_r becomes a new region. */
static void model_split_region_at(struct damon_ctx *ctx,
				  struct damon_target *t,
				  struct damon_region *r, unsigned long sz_r)
{
	struct damon_region *n = model_new_region(r->ar.start + sz_r,
						  r->ar.end);

	if (!n)
		return;
	r->ar.end = n->ar.start;
	n->age = r->age;
	n->last_nr_accesses = r->last_nr_accesses;
	n->nr_accesses_bp = r->nr_accesses_bp;
	n->nr_accesses = r->nr_accesses;
	n->settled_sis = r->settled_sis;	/* or access_reported: one word */
	__list_add(&n->list, &r->list, r->list.next);
	t->nr_regions++;
	ctx->nr_splits++;
}

/* damon_split_regions_of() */
static void model_split_regions_of(struct damon_ctx *ctx,
				   struct damon_target *t, int nr_subs)
{
	unsigned long min_sz = ctx->attrs.min_region_sz;
	struct damon_region *r, *next;
	unsigned long sz_region, sz_sub;
	int i;

	damon_for_each_region_safe(r, next, t) {
		sz_region = damon_sz_region(r);
		for (i = 0; i < nr_subs - 1 && sz_region > 2 * min_sz; i++) {
			sz_sub = ALIGN_DOWN(damon_rand_model(ctx, 1, 10) *
					    sz_region / 10, min_sz);
			if (sz_sub == 0 || sz_sub >= sz_region)
				continue;
			model_split_region_at(ctx, t, r, sz_sub);
			sz_region = sz_sub;
		}
	}
}

/* kdamond_split_regions() */
static void model_split_regions(struct damon_ctx *ctx)
{
	unsigned int nr_regions = drain_ctx_nr_regions(ctx);
	struct damon_target *t;
	int nr_subregions = 2;

	if (nr_regions > ctx->attrs.max_nr_regions / 2)
		return;
	if (ctx->last_nr_regions == nr_regions &&
	    nr_regions < ctx->attrs.max_nr_regions / 3)
		nr_subregions = 3;
	damon_for_each_target(t, ctx)
		model_split_regions_of(ctx, t, nr_subregions);
	ctx->last_nr_regions = nr_regions;
}

/*
 * drain_model_start() - what kdamond_fn() does before its loop: the first
 * boundaries and the region size limit.  Called by the first tick.
 */
void drain_model_start(struct damon_ctx *ctx)
{
	ctx->next_aggregation_sis = ctx->attrs.aggr_ticks ?
		ctx->attrs.aggr_ticks : ~0UL;
	ctx->next_ops_update_sis = ctx->attrs.ops_update_ticks ?
		ctx->attrs.ops_update_ticks : ~0UL;
	ctx->sz_limit = model_sz_limit(ctx);
}

/*
 * drain_model_after_check() - the rest of one kdamond_fn() iteration once
 * the access check (the drain and its zero-access pass) has run and found
 * @max_nr_accesses: merge, reset and split at an aggregation boundary, and
 * the region size limit at an ops update.  The lazy policy settles every
 * region before calling this at a boundary.
 */
void drain_model_after_check(struct damon_ctx *ctx,
			     unsigned int max_nr_accesses)
{
	unsigned long gen_marks = ctx->nr_merges + ctx->nr_splits;

	if (ctx->passed_sample_intervals >= ctx->next_aggregation_sis) {
		model_merge_regions(ctx, max_nr_accesses / 10, ctx->sz_limit);
		ctx->next_aggregation_sis += ctx->attrs.aggr_ticks;
		model_reset_aggregated(ctx);
		model_split_regions(ctx);
		if (ctx->nr_merges + ctx->nr_splits != gen_marks)
			ctx->generation++;
	}
	if (ctx->passed_sample_intervals >= ctx->next_ops_update_sis) {
		ctx->next_ops_update_sis += ctx->attrs.ops_update_ticks;
		ctx->sz_limit = model_sz_limit(ctx);
	}
}

/* ---- building and showing -------------------------------------------- */

struct damon_ctx *drain_ctx_from_layout(const struct drain_layout *l,
					  const struct damon_attrs *a, u64 seed,
					  struct rd_err *err)
{
	struct damon_ctx *ctx = drain_ctx_new(a, !l->physical, seed);
	struct damon_target *t = NULL;
	int ret;

	if (!ctx) {
		rd_errf(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct drain_layout_entry *e = &l->e[i];

		if (!t || e->new_target ||
		    (ctx->has_pid && damon_target_pid_nr(t) != e->tgid)) {
			ret = drain_ctx_add_target(ctx, e->tgid, &t);
			if (ret) {
				rd_errf(err, -ret, "layout entry %zu: cannot add target %d: %s",
					i, e->tgid, strerror(-ret));
				drain_ctx_free(ctx);
				return NULL;
			}
		}
		ret = drain_ctx_add_region(ctx, t, e->start, e->end);
		if (ret) {
			rd_errf(err, -ret, "layout entry %zu: region [%#lx, %#lx) of target %d: %s",
				i, e->start, e->end, e->tgid,
				ret == -EINVAL ? "empty, or not above the previous region"
				: strerror(-ret));
			drain_ctx_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

bool drain_counters_equal(const struct drain_counters *a,
			  const struct drain_counters *b)
{
	return a->reports == b->reports && a->applied == b->applied &&
		a->deduplicated == b->deduplicated && a->stale == b->stale &&
		a->no_target == b->no_target && a->no_region == b->no_region &&
		a->straddling == b->straddling && a->filtered == b->filtered &&
		a->snapshot_alloc_failures == b->snapshot_alloc_failures;
}

int drain_ctx_dump(FILE *f, struct damon_ctx *ctx,
		   const struct drain_counters *c)
{
	struct damon_target *t;
	struct damon_region *r;

	drain_ctx_settle(ctx);
	fprintf(f, "# tgid start end nr_accesses nr_accesses_bp last_nr_accesses age\n");
	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			fprintf(f, "%d %#lx %#lx %u %u %u %u\n",
				damon_target_pid_nr(t),
				r->ar.start, r->ar.end, r->nr_accesses,
				r->nr_accesses_bp, r->last_nr_accesses, r->age);
	fprintf(f, "# ticks %lu\n", ctx->passed_sample_intervals);
	if (c) {
		fprintf(f, "# reports %" PRIu64 "\n", c->reports);
		fprintf(f, "# applied %" PRIu64 "\n", c->applied);
		fprintf(f, "# deduplicated %" PRIu64 "\n", c->deduplicated);
		fprintf(f, "# stale %" PRIu64 "\n", c->stale);
		fprintf(f, "# filtered %" PRIu64 "\n", c->filtered);
		fprintf(f, "# no_target %" PRIu64 "\n", c->no_target);
		fprintf(f, "# no_region %" PRIu64 "\n", c->no_region);
		fprintf(f, "# straddling %" PRIu64 "\n", c->straddling);
		fprintf(f, "# snapshot_alloc_failures %" PRIu64 "\n",
			c->snapshot_alloc_failures);
	}
	fprintf(f, "# merges %" PRIu64 "\n# splits %" PRIu64
		"\n# bp_fixups %" PRIu64 "\n", ctx->nr_merges, ctx->nr_splits,
		ctx->nr_bp_fixups);
	return ferror(f) ? -1 : 0;
}
