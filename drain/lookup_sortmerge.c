// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_sortmerge.c - "sortmerge": sort the batch of reports by (target,
 * address), then walk each target's sorted region starts once, forward,
 * for the whole run of reports that fell on that target: every step
 * gallops (1, 2, 4, ... regions ahead, then bisects), so a dense batch
 * costs O(reports + regions touched) with streaming access, and a sparse
 * one O(reports * log(gap)).
 *
 * The sort is a bottom-up merge sort of 16-byte items through a scratch
 * array reserved with the snapshot, so a lookup never allocates.  Flat key
 * array and perfect-hash tgid map as "flat" (flat_snap.h); rebuilt only on a
 * generation change.
 */
#ifndef __KERNEL__
#include "internal.h"
#endif
#include "flat_snap.h"

/* Items a lookup call sorts at once; longer batches go in slices. */
#define DAMON_SM_SLICE	512

struct damon_sm_item {
	unsigned long addr;
	u32 ti;		/* target index; DAMON_TGID_EMPTY sorts last */
	u32 idx;	/* position in the batch */
};

struct damon_sortmerge_lookup {
	struct damon_flat_snap snap;
	struct damon_snap_buf scratch;	/* struct damon_sm_item[2 * SLICE] */
};

static int damon_sortmerge_build(struct damon_sortmerge_lookup *s,
				 const struct damon_ctx *ctx,
				 struct damon_snap_alloc *a)
{
	if (damon_snap_reserve(a, &s->scratch, 2 * DAMON_SM_SLICE *
			       sizeof(struct damon_sm_item)))
		return -ENOMEM;
	return damon_flat_snap_build(&s->snap, ctx, a);
}

static __always_inline bool damon_sm_before(const struct damon_sm_item *x,
					    const struct damon_sm_item *y)
{
	return x->ti < y->ti || (x->ti == y->ti && x->addr < y->addr);
}

/* Sort @n items of @a with @b (as long) as scratch; return the sorted copy. */
static struct damon_sm_item *damon_sm_sort(struct damon_sm_item *a,
					   struct damon_sm_item *b,
					   unsigned int n)
{
	unsigned int width, i;

	/* Runs of two by hand, then merge passes. */
	for (i = 0; i + 1 < n; i += 2) {
		if (damon_sm_before(&a[i + 1], &a[i])) {
			struct damon_sm_item x = a[i];

			a[i] = a[i + 1];
			a[i + 1] = x;
		}
	}
	for (width = 2; width < n; width *= 2) {
		struct damon_sm_item *t;

		for (i = 0; i < n; i += 2 * width) {
			unsigned int l = i, m = i + width < n ? i + width : n;
			unsigned int e = i + 2 * width < n ? i + 2 * width : n;
			unsigned int r = m, o = i;

			while (l < m && r < e)
				b[o++] = damon_sm_before(&a[r], &a[l]) ?
					a[r++] : a[l++];
			while (l < m)
				b[o++] = a[l++];
			while (r < e)
				b[o++] = a[r++];
		}
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Last index in [@lo, @n) with starts[i] <= @addr, given starts[lo] <= addr. */
static __always_inline u32 damon_sm_gallop(const unsigned long *starts,
					   u32 lo, u32 n, unsigned long addr)
{
	u32 step = 1, hi;

	while (lo + step < n && starts[lo + step] <= addr) {
		lo += step;
		step *= 2;
	}
	hi = lo + step < n ? lo + step : n;	/* starts[hi] > addr or hi = n */
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (starts[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void damon_sm_slice(struct damon_sortmerge_lookup *s,
			   const struct damon_access_report *reps,
			   unsigned int n, struct damon_region **out)
{
	const unsigned long *starts = s->snap.starts.p;
	struct damon_region *const *regs = s->snap.regs.p;
	const struct damon_flat_target *tg = s->snap.targets.p;
	struct damon_sm_item *items = s->scratch.p, *sorted;
	unsigned int i = 0;

	for (i = 0; i < n; i++) {
		items[i].ti = damon_flat_snap_target(&s->snap, &reps[i],
						     &items[i].addr);
		items[i].idx = i;
	}
	sorted = damon_sm_sort(items, items + DAMON_SM_SLICE, n);

	i = 0;
	while (i < n) {
		u32 ti = sorted[i].ti, pos, nr;
		const unsigned long *st;
		bool started = false;

		if (ti == DAMON_TGID_EMPTY) {
			for (; i < n; i++)
				out[sorted[i].idx] = DAMON_LOOKUP_NO_TARGET;
			break;
		}
		st = starts + tg[ti].off;
		nr = tg[ti].nr;
		pos = 0;
		for (; i < n && sorted[i].ti == ti; i++) {
			unsigned long addr = sorted[i].addr;
			struct damon_region *r = NULL;

			if (!started) {
				if (!nr || st[0] > addr) {
					out[sorted[i].idx] = NULL;
					continue;
				}
				started = true;
			}
			pos = damon_sm_gallop(st, pos, nr, addr);
			r = regs[tg[ti].off + pos];
			out[sorted[i].idx] = addr < r->ar.end ? r : NULL;
		}
	}
}

static void damon_sortmerge_lookup(struct damon_sortmerge_lookup *s,
				   const struct damon_ctx *ctx,
				   const struct damon_access_report *reps,
				   unsigned int n, struct damon_region **out)
{
	unsigned int done, len;

	for (done = 0; done < n; done += len) {
		len = n - done < DAMON_SM_SLICE ? n - done : DAMON_SM_SLICE;
		damon_sm_slice(s, reps + done, len, out + done);
	}
}

static void damon_sortmerge_release(struct damon_sortmerge_lookup *s,
				    struct damon_snap_alloc *a)
{
	damon_flat_snap_release(&s->snap, a);
	damon_snap_free(a, &s->scratch);
}

#ifndef __KERNEL__
DRAIN_LOOKUP_STRATEGY(drain_strategy_sortmerge,
	damon_sortmerge_lookup, damon_sortmerge,
	.name = "sortmerge",
	.summary = "sort the batch by (target, address), then one galloping forward walk over each target's starts")
#endif /* !__KERNEL__ */
