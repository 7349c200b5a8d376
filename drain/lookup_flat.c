// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_flat.c - "flat": every target's region starts in one flat array of
 * keys (8 per cache line, no pointer to follow while searching), the region
 * pointers beside it, and a perfect-hash tgid-to-target map, not a walk
 * over the targets.
 *
 * The search is branchless (the comparison picks the next half with a
 * conditional move, so nothing is mispredicted) and interleaved: sixteen
 * reports advance one probe each per round, so their cache misses overlap
 * instead of queueing, and each round prefetches the next probe.  The
 * snapshot is rebuilt only when the context's generation changes.
 */
#ifndef __KERNEL__
#include "internal.h"
#endif
#include "flat_snap.h"

#define DAMON_FLAT_GROUP	16

struct damon_flat_lookup {
	struct damon_flat_snap snap;
};

static int damon_flat_build(struct damon_flat_lookup *s,
			    const struct damon_ctx *ctx,
			    struct damon_snap_alloc *a)
{
	return damon_flat_snap_build(&s->snap, ctx, a);
}

static void damon_flat_lookup(struct damon_flat_lookup *s,
			      const struct damon_ctx *ctx,
			      const struct damon_access_report *reps,
			      unsigned int n, struct damon_region **out)
{
	static const unsigned long none_key;
	const unsigned long *starts = s->snap.starts.p;
	struct damon_region *const *regs = s->snap.regs.p;
	const struct damon_flat_target *tg = s->snap.targets.p;
	unsigned int base, g, j;

	for (base = 0; base < n; base += g) {
		const unsigned long *lo[DAMON_FLAT_GROUP];
		unsigned long addr[DAMON_FLAT_GROUP];
		struct damon_region *miss[DAMON_FLAT_GROUP];
		u32 len[DAMON_FLAT_GROUP], maxlen = 1;

		g = n - base < DAMON_FLAT_GROUP ? n - base : DAMON_FLAT_GROUP;
		for (j = 0; j < g; j++) {
			u32 ti = damon_flat_snap_target(&s->snap,
							&reps[base + j],
							&addr[j]);

			/* Misses search a one-key dummy and never move. */
			lo[j] = &none_key;
			len[j] = 1;
			if (ti == DAMON_TGID_EMPTY) {
				miss[j] = DAMON_LOOKUP_NO_TARGET;
			} else if (!tg[ti].nr) {
				miss[j] = NULL;
			} else {
				miss[j] = NULL;
				lo[j] = starts + tg[ti].off;
				len[j] = tg[ti].nr;
				if (len[j] > maxlen)
					maxlen = len[j];
				prefetch(lo[j] + len[j] / 2);
			}
		}
		/*
		 * Invariant: the last start <= addr, if any, is in
		 * lo[0 .. len).  A shorter search reaches len 1 early and
		 * then stays put (half is 0).
		 */
		while (maxlen > 1) {
			for (j = 0; j < g; j++) {
				u32 half = len[j] >> 1;

				lo[j] += lo[j][half] <= addr[j] ? half : 0;
				len[j] -= half;
				prefetch(lo[j] + (len[j] >> 1));
			}
			maxlen -= maxlen >> 1;
		}
		for (j = 0; j < g; j++) {
			struct damon_region *r = miss[j];

			if (lo[j] != &none_key && *lo[j] <= addr[j]) {
				r = regs[lo[j] - starts];
				if (addr[j] >= r->ar.end)
					r = NULL;
			}
			out[base + j] = r;
		}
	}
}

static void damon_flat_release(struct damon_flat_lookup *s,
			       struct damon_snap_alloc *a)
{
	damon_flat_snap_release(&s->snap, a);
}

#ifndef __KERNEL__
DRAIN_LOOKUP_STRATEGY(drain_strategy_flat, damon_flat_lookup, damon_flat,
	.name = "flat",
	.summary = "flat key array per target, perfect-hash tgid map, branchless search, 16 reports interleaved")
#endif /* !__KERNEL__ */
