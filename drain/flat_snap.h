/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flat_snap.h - the flat snapshot "flat" and "sortmerge" share, in the
 * kernel's dialect: every target's region starts in one array of keys
 * (sliced per target, in address order), the region pointers beside them,
 * and the perfect-hash tgid map of lookup.h.  16 bytes a region; rebuilt
 * only when the context's generation changes.
 */
#ifndef RINGDRAIN_FLAT_SNAP_H
#define RINGDRAIN_FLAT_SNAP_H

#include "lookup.h"

struct damon_flat_target {
	u32 off;	/* first region in the flat arrays */
	u32 nr;		/* regions */
};

struct damon_flat_snap {
	struct damon_snap_buf starts;	/* unsigned long[nr_regions] */
	struct damon_snap_buf regs;	/* struct damon_region *[] */
	struct damon_snap_buf targets;	/* struct damon_flat_target[] */
	struct damon_snap_buf map;	/* struct damon_tgid_slot[] */
	struct damon_tgid_map tmap;
	unsigned int nr_targets;
	bool has_pid;
};

static inline int damon_flat_snap_build(struct damon_flat_snap *s,
					const struct damon_ctx *ctx,
					struct damon_snap_alloc *a)
{
	struct damon_flat_target *tg;
	struct damon_region **regs;
	unsigned long *starts;
	unsigned long nr_regions, ri = 0;
	unsigned int nr_targets, ti = 0;
	struct damon_target *t;
	struct damon_region *r;
	u32 slots;

	damon_lookup_count(ctx, &nr_targets, &nr_regions);
	slots = damon_tgid_map_slots(nr_targets);
	if (damon_snap_reserve(a, &s->starts, nr_regions * sizeof(*starts)) ||
	    damon_snap_reserve(a, &s->regs, nr_regions * sizeof(*regs)) ||
	    damon_snap_reserve(a, &s->targets, nr_targets * sizeof(*tg)) ||
	    damon_snap_reserve(a, &s->map,
			       slots * sizeof(struct damon_tgid_slot)))
		return -ENOMEM;
	starts = s->starts.p;
	regs = s->regs.p;
	tg = s->targets.p;
	damon_for_each_target(t, ctx) {
		tg[ti].off = ri;
		tg[ti].nr = damon_nr_regions(t);
		damon_for_each_region(r, t) {
			starts[ri] = r->ar.start;
			regs[ri++] = r;
		}
		ti++;
	}
	damon_tgid_map_fill(s->map.p, &s->tmap, ctx);
	s->nr_targets = nr_targets;
	s->has_pid = damon_target_has_pid(ctx);
	return 0;
}

static inline void damon_flat_snap_release(struct damon_flat_snap *s,
					   struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->starts);
	damon_snap_free(a, &s->regs);
	damon_snap_free(a, &s->targets);
	damon_snap_free(a, &s->map);
	s->nr_targets = 0;
}

/* @rep's target index (DAMON_TGID_EMPTY: none) and its address. */
static __always_inline u32 damon_flat_snap_target(
		const struct damon_flat_snap *s,
		const struct damon_access_report *rep, unsigned long *addr)
{
	if (s->has_pid) {
		*addr = rep->vaddr;
		return damon_tgid_map_find(s->map.p, &s->tmap, rep->tgid);
	}
	*addr = rep->paddr;
	return s->nr_targets ? 0 : DAMON_TGID_EMPTY;
}

#endif /* RINGDRAIN_FLAT_SNAP_H */
