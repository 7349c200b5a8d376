// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_rfc.c - "rfc": the RFC's drain lookup as posted (v1, patch 4/6).
 *
 * Every tick, damon_build_target_lookup() walks all targets and copies each
 * target's region pointers into one flat array, sliced per target; both
 * buffers grow with krealloc_array() on a new high-water mark and never
 * shrink (here: damon_snap_reserve() under DRAIN_ALLOC_REUSE).  Per
 * report, every target is visited: a virtual-address context
 * skips targets whose pid is not the report's tgid; the others are binary
 * searched through the pointer array, comparing regions[mid]->ar.start and
 * ->ar.end (two dependent loads per probe).  The loop goes on over the
 * remaining targets' pid checks after a hit, as the posted one does; the
 * answer is the first matching target's (the lookup interface has one
 * answer a report), and the drain's credit step searches every later
 * target of the same tgid with this same binary search, in list order,
 * right after the first target's credit (drain/tick.c): so each one is
 * credited, judged and counted as 4/6's walk does.
 */
#ifndef __KERNEL__
#include "internal.h"
#endif

struct damon_target_lookup {
	struct damon_target *t;
	struct damon_region **regions;
	unsigned int nr_regions;
};

struct damon_rfc_lookup {
	struct damon_snap_buf lookups;	/* struct damon_target_lookup[] */
	struct damon_snap_buf region_buf; /* struct damon_region *[] */
	unsigned int nr_targets;
};

static int damon_rfc_build(struct damon_rfc_lookup *s,
			   const struct damon_ctx *ctx,
			   struct damon_snap_alloc *a)
{
	unsigned int nr_targets = 0, total_regions = 0, ti = 0, ri = 0;
	struct damon_target_lookup *tbl;
	struct damon_region **buf;
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		nr_targets++;
		total_regions += damon_nr_regions(t);
	}
	/*
	 * Under the default allocator (DRAIN_ALLOC_REUSE) a reservation that
	 * fits is free and a larger one reallocates: the RFC's
	 * krealloc_array() on a new high-water mark.
	 */
	if (damon_snap_reserve(a, &s->lookups,
			       (size_t)nr_targets * sizeof(*tbl)))
		return -ENOMEM;
	if (damon_snap_reserve(a, &s->region_buf,
			       (size_t)total_regions * sizeof(*buf)))
		return -ENOMEM;
	tbl = s->lookups.p;
	buf = s->region_buf.p;
	damon_for_each_target(t, ctx) {
		struct damon_region *r;

		tbl[ti].t = t;
		tbl[ti].regions = &buf[ri];
		tbl[ti].nr_regions = damon_nr_regions(t);
		damon_for_each_region(r, t)
			buf[ri++] = r;
		ti++;
	}
	s->nr_targets = nr_targets;
	return 0;
}

/*
 * One target of kdamond_apply_access_report(): the binary search.  Also
 * the drain's search of the later targets of a tgid (drain/tick.c).
 */
struct damon_region *damon_rfc_search(struct damon_region **regions,
				      unsigned int nr_regions,
				      unsigned long addr)
{
	int left = 0, right = nr_regions - 1, mid;

	while (left <= right) {
		mid = left + (right - left) / 2;
		if (addr < regions[mid]->ar.start)
			right = mid - 1;
		else if (addr >= regions[mid]->ar.end)
			left = mid + 1;
		else
			return regions[mid];
	}
	return NULL;
}

static void damon_rfc_lookup(struct damon_rfc_lookup *s,
			     const struct damon_ctx *ctx,
			     const struct damon_access_report *reps,
			     unsigned int n, struct damon_region **out)
{
	const struct damon_target_lookup *tbl = s->lookups.p;
	bool has_pid = damon_target_has_pid(ctx);
	unsigned int i, ti;

	for (i = 0; i < n; i++) {
		const struct damon_access_report *rep = &reps[i];
		struct damon_region *found = DAMON_LOOKUP_NO_TARGET, *r;
		unsigned long addr = has_pid ? rep->vaddr : rep->paddr;

		for (ti = 0; ti < s->nr_targets; ti++) {
			if (has_pid &&
			    damon_target_pid_nr(tbl[ti].t) != rep->tgid)
				continue;
			if (found != DAMON_LOOKUP_NO_TARGET)
				continue;	/* a later target: the credit's */
			r = damon_rfc_search(tbl[ti].regions,
					     tbl[ti].nr_regions, addr);
			found = r;
		}
		out[i] = found;
	}
}

static void damon_rfc_release(struct damon_rfc_lookup *s,
			      struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->lookups);
	damon_snap_free(a, &s->region_buf);
	s->nr_targets = 0;
}

#ifndef __KERNEL__
DRAIN_LOOKUP_STRATEGY(drain_strategy_rfc, damon_rfc_lookup, damon_rfc,
	.name = "rfc",
	.summary = "the RFC: per-tick pointer snapshot (grow-only), every target per report, binary search through region pointers",
	.per_tick = true)
#endif /* !__KERNEL__ */
