// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_eytzinger.c - "eytzinger": each target's region starts in
 * Eytzinger (breadth-first heap) order, so the first levels of every search
 * share a few hot cache lines and the next levels are predictable: the
 * eight nodes three levels below node k are keys[8k .. 8k+7], one cache
 * line, prefetched while the three levels above it are searched.
 *
 * The descent is branchless: node k's key <= addr sends it right and
 * remembers k as the best candidate so far (the last start <= addr is the
 * last node where the search turned right).  The region pointers sit in the
 * same order beside the keys.  Perfect-hash tgid map; rebuilt only on a
 * generation change.
 */
#ifndef __KERNEL__
#include "internal.h"
#endif

struct damon_eyt_target {
	u32 off;	/* slot 0 of this target's slice (slot 0 is unused) */
	u32 nr;		/* regions: slots 1..nr */
};

struct damon_eytzinger_lookup {
	struct damon_snap_buf keys;	/* unsigned long[], per-target slices */
	struct damon_snap_buf regs;	/* struct damon_region *[], same slots */
	struct damon_snap_buf targets;	/* struct damon_eyt_target[] */
	struct damon_snap_buf map;	/* struct damon_tgid_slot[] */
	struct damon_tgid_map tmap;
	unsigned int nr_targets;
	bool has_pid;
};

/* Slots of one target's slice: 1 + nr, whole cache lines of keys. */
static unsigned long damon_eyt_slice(unsigned int nr)
{
	return damon_lookup_pad(1UL + nr, sizeof(unsigned long));
}

/* In-order successor of node k in a tree of n nodes (0 after the last). */
static u32 damon_eyt_next(u32 k, u32 n)
{
	if (2 * k + 1 <= n) {
		k = 2 * k + 1;
		while (2 * k <= n)
			k = 2 * k;
		return k;
	}
	while (k & 1)
		k >>= 1;
	return k >> 1;
}

static int damon_eytzinger_build(struct damon_eytzinger_lookup *s,
				 const struct damon_ctx *ctx,
				 struct damon_snap_alloc *a)
{
	unsigned long slots = 0, nr_regions;
	struct damon_eyt_target *tg;
	struct damon_region **regs;
	unsigned int nr_targets, ti = 0;
	struct damon_target *t;
	struct damon_region *r;
	unsigned long *keys;
	u32 map_slots;

	damon_lookup_count(ctx, &nr_targets, &nr_regions);
	damon_for_each_target(t, ctx)
		slots += damon_eyt_slice(damon_nr_regions(t));
	map_slots = damon_tgid_map_slots(nr_targets);
	if (damon_snap_reserve(a, &s->keys, slots * sizeof(*keys)) ||
	    damon_snap_reserve(a, &s->regs, slots * sizeof(*regs)) ||
	    damon_snap_reserve(a, &s->targets, nr_targets * sizeof(*tg)) ||
	    damon_snap_reserve(a, &s->map,
			       map_slots * sizeof(struct damon_tgid_slot)))
		return -ENOMEM;
	keys = s->keys.p;
	regs = s->regs.p;
	tg = s->targets.p;
	slots = 0;
	damon_for_each_target(t, ctx) {
		u32 n = damon_nr_regions(t), k = 1;

		tg[ti].off = slots;
		tg[ti].nr = n;
		/* Walk the regions in order, the tree in order: leftmost first. */
		while (2 * k <= n)
			k = 2 * k;
		damon_for_each_region(r, t) {
			keys[slots + k] = r->ar.start;
			regs[slots + k] = r;
			k = damon_eyt_next(k, n);
		}
		slots += damon_eyt_slice(n);
		ti++;
	}
	damon_tgid_map_fill(s->map.p, &s->tmap, ctx);
	s->nr_targets = nr_targets;
	s->has_pid = damon_target_has_pid(ctx);
	return 0;
}

static __always_inline struct damon_region *damon_eyt_find(
		const struct damon_eytzinger_lookup *s, u32 ti,
		unsigned long addr)
{
	const struct damon_eyt_target *tg = s->targets.p;
	const unsigned long *b = (const unsigned long *)s->keys.p + tg[ti].off;
	u32 n = tg[ti].nr, k = 1, cand = 0;
	struct damon_region *r;

	while (k <= n) {
		unsigned long right = b[k] <= addr;

		/* The line three levels down, if it is in this slice. */
		prefetch(b + (8 * k <= n ? 8 * k : k));
		cand = right ? k : cand;
		k = 2 * k + right;
	}
	if (!cand)
		return NULL;
	r = ((struct damon_region **)s->regs.p)[tg[ti].off + cand];
	return addr < r->ar.end ? r : NULL;
}

static void damon_eytzinger_lookup(struct damon_eytzinger_lookup *s,
				   const struct damon_ctx *ctx,
				   const struct damon_access_report *reps,
				   unsigned int n, struct damon_region **out)
{
	const struct damon_tgid_slot *map = s->map.p;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct damon_access_report *rep = &reps[i];
		u32 ti;

		if (s->has_pid)
			ti = damon_tgid_map_find(map, &s->tmap, rep->tgid);
		else
			ti = s->nr_targets ? 0 : DAMON_TGID_EMPTY;
		if (ti == DAMON_TGID_EMPTY)
			out[i] = DAMON_LOOKUP_NO_TARGET;
		else
			out[i] = damon_eyt_find(s, ti, s->has_pid ?
						rep->vaddr : rep->paddr);
	}
}

static void damon_eytzinger_release(struct damon_eytzinger_lookup *s,
				    struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->keys);
	damon_snap_free(a, &s->regs);
	damon_snap_free(a, &s->targets);
	damon_snap_free(a, &s->map);
	s->nr_targets = 0;
}

#ifndef __KERNEL__
DRAIN_LOOKUP_STRATEGY(drain_strategy_eytzinger,
	damon_eytzinger_lookup, damon_eytzinger,
	.name = "eytzinger",
	.summary = "Eytzinger-ordered keys per target, branchless descent, prefetch three levels ahead")
#endif /* !__KERNEL__ */
