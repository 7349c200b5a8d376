// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_radix.c - "radix": a direct index on the address bits.  Each
 * target's span [first start, last end) is cut into at most 2n equal
 * power-of-two buckets (n: its regions); bucket i records the region that
 * holds, or last starts before, the bucket's first address.  A report's
 * bucket is one subtraction and one shift away, and its region is that
 * recorded one or one of the next three: three branch-free compares against
 * the flat key array finish the search.  Only a bucket spanning more than
 * three region starts (a dense cluster in a sparse span) falls back to a
 * branchless binary search between its bound and the next bucket's.
 *
 * Why the next three keys are enough without checking the bucket's bound:
 * every key past the next bucket's recorded region lies beyond the next
 * bucket's first address, so beyond any address of this bucket; and each
 * target's keys end with three ULONG_MAX pads (the address ULONG_MAX is in
 * no region and is answered up front).
 *
 * Bucket index + key pairs + region pointers: 32 bytes a region, rebuilt
 * only on a generation change.  Perfect-hash tgid map as the other fast
 * cores.
 */
#ifndef __KERNEL__
#include "internal.h"
#endif

#define DAMON_RADIX_PAD	3	/* keys read past a bucket's region */

/* A region's range, beside its neighbours': four to a cache line. */
struct damon_radix_key {
	unsigned long start;
	unsigned long end;
};

/*
 * One per target, and one more after them that every tgid without a target
 * maps to: its span is 0, so every address misses with @miss.
 */
struct damon_radix_target {
	unsigned long lo;	/* first region start */
	unsigned long span;	/* last region end - lo */
	const struct damon_radix_key *keys;	/* nr + PAD of them */
	const u32 *buckets;	/* nr_buckets + 1 of them */
	struct damon_region *const *regs;
	struct damon_region *miss;	/* NULL, or DAMON_LOOKUP_NO_TARGET */
	u32 shift;		/* bucket = (addr - lo) >> shift */
	u32 nr;
};

struct damon_radix_lookup {
	struct damon_snap_buf keys;	/* struct damon_radix_key[], padded */
	struct damon_snap_buf buckets;	/* u32[]: a region index per bucket */
	struct damon_snap_buf regs;	/* struct damon_region *[] */
	struct damon_snap_buf targets;	/* struct damon_radix_target[] */
	struct damon_snap_buf map;	/* struct damon_tgid_slot[] */
	struct damon_tgid_map tmap;
	unsigned int nr_targets;
	bool has_pid;
};

/* Smallest shift leaving fewer than 2n buckets (plus one) over @span. */
static u32 damon_radix_shift(unsigned long span, u32 nr)
{
	u32 shift = 0;

	while (shift < 63 && (span >> shift) >= 2UL * nr)
		shift++;
	return shift;
}

static unsigned long damon_radix_buckets(const struct damon_target *t)
{
	const struct damon_region *first, *last;
	u32 nr = damon_nr_regions(t);

	if (!nr)
		return 1;
	first = list_first_entry(&t->regions_list, struct damon_region, list);
	last = list_last_entry(&t->regions_list, struct damon_region, list);
	return ((last->ar.end - first->ar.start) >>
		damon_radix_shift(last->ar.end - first->ar.start, nr)) + 2;
}

static int damon_radix_build(struct damon_radix_lookup *s,
			     const struct damon_ctx *ctx,
			     struct damon_snap_alloc *a)
{
	unsigned long nr_regions, nr_keys = 0, nr_bkts = 0;
	unsigned long ki = 0, bi = 0, ri = 0, b, nb;
	struct damon_radix_target *tg;
	unsigned int nr_targets, ti = 0;
	struct damon_region **regs;
	struct damon_radix_key *keys;
	struct damon_target *t;
	struct damon_region *r;
	u32 *bkts, slots;

	damon_lookup_count(ctx, &nr_targets, &nr_regions);
	damon_for_each_target(t, ctx) {
		nr_keys += damon_nr_regions(t) + DAMON_RADIX_PAD;
		nr_bkts += damon_radix_buckets(t);
	}
	slots = damon_tgid_map_slots(nr_targets);
	if (damon_snap_reserve(a, &s->keys, nr_keys * sizeof(*keys)) ||
	    damon_snap_reserve(a, &s->buckets, nr_bkts * sizeof(*bkts)) ||
	    damon_snap_reserve(a, &s->regs, nr_regions * sizeof(*regs)) ||
	    damon_snap_reserve(a, &s->targets,
			       (nr_targets + 1) * sizeof(*tg)) ||
	    damon_snap_reserve(a, &s->map,
			       slots * sizeof(struct damon_tgid_slot)))
		return -ENOMEM;
	keys = s->keys.p;
	bkts = s->buckets.p;
	regs = s->regs.p;
	tg = s->targets.p;
	damon_for_each_target(t, ctx) {
		u32 nr = damon_nr_regions(t), j = 0, k;

		nb = damon_radix_buckets(t) - 1;

		tg[ti].keys = keys + ki;
		tg[ti].buckets = bkts + bi;
		tg[ti].regs = regs + ri;
		tg[ti].nr = nr;
		tg[ti].miss = NULL;
		tg[ti].lo = tg[ti].span = 0;
		tg[ti].shift = 0;
		damon_for_each_region(r, t) {
			keys[ki].start = r->ar.start;
			keys[ki++].end = r->ar.end;
			regs[ri++] = r;
		}
		for (k = 0; k < DAMON_RADIX_PAD; k++) {
			keys[ki].start = ~0UL;
			keys[ki++].end = 0;
		}
		if (nr) {
			const struct damon_radix_key *kt = tg[ti].keys;

			tg[ti].lo = kt[0].start;
			tg[ti].span = kt[nr - 1].end - kt[0].start;
			tg[ti].shift = damon_radix_shift(tg[ti].span, nr);
			/* Bucket b: the last region starting at or below it. */
			for (b = 0; b < nb; b++) {
				unsigned long at = tg[ti].lo +
					(b << tg[ti].shift);

				while (j + 1 < nr && kt[j + 1].start <= at)
					j++;
				bkts[bi + b] = j;
			}
			bkts[bi + nb] = nr - 1;
		}
		bi += nb + 1;
		ti++;
	}
	tg[ti].lo = tg[ti].span = 0;	/* the no-target target */
	tg[ti].miss = DAMON_LOOKUP_NO_TARGET;
	damon_tgid_map_fill(s->map.p, &s->tmap, ctx);
	s->nr_targets = nr_targets;
	s->has_pid = damon_target_has_pid(ctx);
	return 0;
}

/*
 * The region of @tg holding @addr, or NULL.  One unsigned compare covers
 * an address below the first start (the difference wraps above the span),
 * past the last end, and ULONG_MAX (no end lies above it).
 */
static __always_inline struct damon_region *damon_radix_find(
		const struct damon_radix_target *tg, unsigned long addr)
{
	const struct damon_radix_key *k;
	unsigned long d = addr - tg->lo;
	u32 f, l;

	if (d >= tg->span)
		return tg->miss;
	f = tg->buckets[d >> tg->shift];
	l = tg->buckets[(d >> tg->shift) + 1];
	k = tg->keys + f;
	if (likely(l - f <= DAMON_RADIX_PAD)) {
		f += (k[1].start <= addr) + (k[2].start <= addr) +
			(k[3].start <= addr);
	} else {
		u32 len = l - f + 1;

		while (len > 1) {
			u32 half = len >> 1;

			f += tg->keys[f + half].start <= addr ? half : 0;
			len -= half;
		}
	}
	return addr < tg->keys[f].end ? tg->regs[f] : NULL;
}

static void damon_radix_lookup(struct damon_radix_lookup *s,
			       const struct damon_ctx *ctx,
			       const struct damon_access_report *reps,
			       unsigned int n, struct damon_region **out)
{
	const struct damon_radix_target *tg = s->targets.p;
	const struct damon_tgid_slot *map = s->map.p;
	struct damon_tgid_map tmap = s->tmap;
	u32 none = s->nr_targets;
	unsigned int i;

	if (!s->has_pid || !none) {	/* no tgid, or no target to match */
		for (i = 0; i < n; i++)
			out[i] = damon_radix_find(&tg[0], s->has_pid ?
					reps[i].vaddr : reps[i].paddr);
		return;
	}
	for (i = 0; i < n; i++) {
		u32 ti = damon_tgid_map_find_or(map, &tmap, reps[i].tgid,
						none);

		out[i] = damon_radix_find(&tg[ti], reps[i].vaddr);
	}
}

static void damon_radix_release(struct damon_radix_lookup *s,
				struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->keys);
	damon_snap_free(a, &s->buckets);
	damon_snap_free(a, &s->regs);
	damon_snap_free(a, &s->targets);
	damon_snap_free(a, &s->map);
	s->nr_targets = 0;
}

#ifndef __KERNEL__
DRAIN_GLUE(damon_radix_lookup, damon_radix)

const struct drain_strategy drain_strategy_radix = {
	.name = "radix",
	.summary = "direct bucket index on (addr - first start) >> shift, then three branch-free compares",
	.per_tick = false,
	DRAIN_GLUE_OPS(damon_radix_lookup, damon_radix),
};
#endif /* !__KERNEL__ */
