// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_radix.c - "radix": a direct index on the address bits.
 *
 * Each target's regions, and the gaps between them, become sorted entries
 * (a gap answers NULL), so the answer for an address is the entry starting
 * last at or below it, with no end to compare.  A target's regions form
 * clusters, split at gaps too wide to index (a process's heap, libraries
 * and stack, terabytes apart, are three; a dense span is one).  A
 * cluster's span [first start, last end) is cut into equal power-of-two
 * buckets, and a report's bucket is one subtraction and one shift away
 * (a bisection over the clusters' starts first, when there are several).
 * A bucket is read in one of two ways, chosen per cluster when the
 * snapshot is built:
 *
 * granular: every region boundary is a multiple of the cluster's granule
 *	(the largest power of two dividing every boundary's offset from the
 *	span's start: a page, for page-aligned regions), so an entry starts
 *	in a granule at most once.  A bucket is eight granules, and its
 *	32-bit record holds the entry holding its first granule and a bitmap
 *	of the granules 1..7 where another entry starts; the entry of an
 *	address is the first one plus the bits below its granule.  The
 *	answer is then one load from an array of region pointers: two cache
 *	lines a lookup, 4 bytes a bucket and 8 an entry.  Taken when the
 *	span has at most DAMON_RADIX_GRAIN_MAX buckets per entry.
 *
 * compare: any other cluster (a sparse span, or boundaries of mixed
 *	alignment).  Its span is cut into fewer than two buckets per entry;
 *	a bucket's record is the entry starting last at or below its first
 *	address, and the entry of an address is that one or one of the next
 *	three: three branch-free compares of { start, region } entries pick
 *	it.  Only a bucket where more than three entries start (a dense
 *	cluster in a sparse span) is flagged, and bisected between its
 *	record and the next bucket's.  Every entry after the next bucket's
 *	record starts beyond any address of this bucket, and each cluster's
 *	entries end with three pads starting at ULONG_MAX, which no address
 *	inside a span reaches (the span ends at a region end, exclusive).
 *
 * Large snapshots are looked up in batches: blocks of DAMON_RADIX_BLOCK
 * reports in three passes (find the target and prefetch the bucket; read
 * the bucket and prefetch the entry; answer), so the cache misses of a
 * block overlap instead of queueing one behind the other.  A snapshot that
 * fits the L1 is looked up in one pass.
 *
 * Rebuilt only on a generation change.  The tgid map is the perfect hash of
 * lookup.h, with each target's index parameters in its slot, so a report's
 * tgid leads to its buckets with one multiply and one load.
 *
 * Region cache: real reports come in runs (a CPU's ring holds one process
 * at a time, which works in a few regions: its stack, heap, text), so the
 * DAMON_RADIX_CACHE regions found last, with their tgid, start and length,
 * answer most reports before the index is read.  A hit is exact: the
 * regions of a target are disjoint, so a cached region holding the address
 * is the one the index would find, and the cache is emptied whenever the
 * snapshot is rebuilt (every region change bumps the generation first).
 * The cache is taken only while it pays: a batch looked up through it whose
 * hits fall under half goes back to the index alone, and a batch looked up
 * by the index where at least a quarter of the reports repeat the previous
 * report's region turns it on for the next.  That probe is a pass over the
 * batch's answers; after one that finds no runs the next 1, 2, 4, .. 16
 * batches skip it, so reports without runs pay it on one batch in 17.
 */
#ifndef __KERNEL__
#include "internal.h"
#if defined(__x86_64__) && !defined(__clang__)
/* hweight32() as the kernel runs it on x86-64: POPCNT (every x86-64-v2). */
#pragma GCC target("popcnt")
#endif
#else
#include "lookup.h"
#endif

#define DAMON_RADIX_PAD		3	/* compare mode: entries read past a record */
#define DAMON_RADIX_DENSE	0x80000000U	/* compare mode: bisect this bucket */
#define DAMON_RADIX_GRAINS	8	/* granular mode: granules per bucket */
#define DAMON_RADIX_GRAIN_SHIFT	3	/* log2(DAMON_RADIX_GRAINS) */
#define DAMON_RADIX_FIRST	0x01ffffffU	/* granular record: entry index */
/* (and bit 32 - i of a granular record: an entry starts in granule i) */
#define DAMON_RADIX_GRAIN_MAX	4	/* granular mode: most buckets per entry */
/*
 * Bucket records and granular entries reserved at the start of the
 * snapshot's arrays for the reports that miss (a plain batched lookup):
 * record 0 leads to entry 0 (NULL: no region), record 1 to entry 1
 * (DAMON_LOOKUP_NO_TARGET).
 */
#define DAMON_RADIX_RSV		2
#define DAMON_RADIX_G_GAP	0	/* record 0's first granule */
#define DAMON_RADIX_G_NONE	DAMON_RADIX_GRAINS	/* record 1's first granule */
#define DAMON_RADIX_BLOCK	32	/* reports per pass of a batched lookup */
/*
 * Snapshots bigger than this (bytes) are looked up in batched passes: past
 * the L1, the drain finds the index cold (the rings, the regions and the
 * rest of the tick have been through the caches since the last batch).
 */
#define DAMON_RADIX_BATCH_BYTES	(64UL * 1024)

/*
 * Granular mode: the entries starting in granules 1..@x of a bucket whose
 * record is @rec (granule i's bit is bit 32 - i, above the entry index).
 * Shifted left by @x in 64 bits, the bits of granules 1..@x are the ones
 * carried past bit 31 (the entry index stays below bit 32), so one shift
 * each way and hweight32() count them.
 */
static __always_inline u32 damon_radix_before(u32 rec, u32 x)
{
	return hweight32((u32)(((u64)rec << x) >> 32));
}

/**
 * struct damon_radix_ent - compare mode: where a region or a gap starts.
 * @start:	its first address.
 * @r:		the region, or NULL for a gap (and for a pad).
 */
struct damon_radix_ent {
	unsigned long start;
	struct damon_region *r;
};

/**
 * struct damon_radix_slot - one target's index, under its tgid; or one
 * cluster of a target's regions.
 * @pid:	the target's tgid (in a tgid map slot no target took: a tgid
 *		that never hashes there, so no report matches it).
 * @shift:	bucket = (addr - @lo) >> @shift.
 * @grain:	granular mode: log2 of the granule; compare mode: 0.
 * @granular:	the buckets are read in granular mode.
 * @nr_clusters: 0: the slot indexes all the target's regions; else their
 *		clusters are the @nr_clusters slots at @clusters, by address.
 * @lo:		the first region start.
 * @span:	the last region end - @lo; 0 for no region.
 * @gbase:	granular mode: the index of the cluster's first bucket in the
 *		snapshot's bucket records, times DAMON_RADIX_GRAINS (its first
 *		granule's index in the granules of every granular cluster).
 * @bkts:	the bucket records.
 * @clusters:	the target's clusters (@nr_clusters of them).
 * @regs:	granular mode: every granular cluster's entries (a record
 *		holds an index into all of them, NULL for a gap).
 * @ents:	compare mode: the entries, then PAD pads.
 *
 * A cache line each, so a slot's address is a shift away from its index.
 */
struct damon_radix_slot {
	s32 pid;
	u8 shift;
	u8 grain;
	bool granular;
	u32 nr_clusters;
	unsigned long lo;
	unsigned long span;
	unsigned long gbase;
	union {
		const u32 *bkts;
		const struct damon_radix_slot *clusters;
	};
	union {
		struct damon_region *const *regs;
		const struct damon_radix_ent *ents;
	};
} __aligned(64);

/**
 * struct damon_radix_run - a cluster: regions no wide gap separates.
 * @first:	its first region.
 * @next:	the first region of the next run, or NULL.
 * @nr:		its regions.
 * @nr_ents:	its entries: a region each, and a gap wherever one does not
 *		touch the next.
 * @nr_bkts:	its bucket records.
 * @lo:		its first region start.
 * @span:	its last region end - @lo.
 * @shift:	bucket = (addr - @lo) >> @shift.
 * @grain:	granular mode: log2 of the granule.
 * @granular:	granular mode, else compare mode.
 */
struct damon_radix_run {
	struct damon_region *first;
	struct damon_region *next;
	unsigned long nr;
	unsigned long nr_ents;
	unsigned long nr_bkts;
	unsigned long lo;
	unsigned long span;
	u32 shift;
	u32 grain;
	bool granular;
};

/**
 * struct damon_radix_cent - a region cache entry.
 * @start:	the region's start.
 * @len:	the region's length (end - @start); 0: the entry is empty.
 * @r:		the region.
 * @pid:	its target's tgid (0 for a physical target).
 */
struct damon_radix_cent {
	unsigned long start;
	unsigned long len;
	struct damon_region *r;
	s32 pid;
};

#define DAMON_RADIX_MEMO	16	/* clusters a build walks only once */
#define DAMON_RADIX_CACHE	4	/* regions cached, replaced oldest first */
#define DAMON_RADIX_PROBE_MAX	16	/* most index batches between probes */

/* struct damon_radix_lookup's @cached: the next batch's path. */
enum {
	DAMON_RADIX_INDEX,	/* the index alone */
	DAMON_RADIX_CACHED,	/* the cache first, while it pays */
	DAMON_RADIX_ALWAYS,	/* the cache first, always (the tests) */
};

/**
 * struct damon_radix_lookup - the snapshot.
 * @cache:	the region cache (emptied at every build).
 * @cached:	the next batch's path: DAMON_RADIX_INDEX, _CACHED, _ALWAYS.
 * @cache_next:	the cache entry replaced next.
 * @probe_wait:	index batches to look up before the next probe for runs.
 * @probe_gap:	the wait after a probe that finds none: doubled by each
 *		such probe up to DAMON_RADIX_PROBE_MAX, 0 again at a build
 *		and whenever the cache pays.
 * @memo:	a build's first clusters, between its two walks.
 * @bkts:	u32[]: DAMON_RADIX_RSV records for the misses, then every
 *		cluster's bucket records.
 * @regs:	struct damon_region *[]: DAMON_RADIX_RSV entries for the
 *		misses, then the granular clusters' entries.
 * @ents:	struct damon_radix_ent[]: compare clusters' entries.
 * @targets:	struct damon_radix_slot[]: the targets, in order.
 * @clusters:	struct damon_radix_slot[]: every target's clusters, by
 *		address (a target of one also has it in its own slot).
 * @slots:	struct damon_radix_slot[]: the targets again, laid out as the
 *		slots of the tgid map, so a report's tgid hashes straight to
 *		its target (perfect maps only).
 * @map:	struct damon_tgid_slot[]: the tgid map.
 * @tmap:	the tgid map's parameters.
 * @bytes:	bytes of @bkts, @regs and @ents in use.
 * @nr_targets:	targets.
 * @has_pid:	the targets are processes (virtual addresses).
 * @direct:	virtual addresses, a target or more, and a perfect tgid map:
 *		a report's tgid hashes straight into @slots.
 * @batched:	look up in batched passes (@bytes is over
 *		DAMON_RADIX_BATCH_BYTES).
 * @plain:	@direct, and every target one granular cluster (the common
 *		case gets a loop that tests neither).
 */
struct damon_radix_lookup {
	struct damon_radix_cent cache[DAMON_RADIX_CACHE];
	u8 cached;
	u8 cache_next;
	u8 probe_wait;
	u8 probe_gap;
	struct damon_radix_run memo[DAMON_RADIX_MEMO];
	struct damon_snap_buf bkts;
	struct damon_snap_buf regs;
	struct damon_snap_buf ents;
	struct damon_snap_buf targets;
	struct damon_snap_buf clusters;
	struct damon_snap_buf slots;
	struct damon_snap_buf map;
	struct damon_tgid_map tmap;
	unsigned long bytes;
	unsigned int nr_targets;
	bool has_pid;
	bool direct;
	bool batched;
	bool plain;
};

#ifndef __KERNEL__
int drain_radix_override = -1;
#endif

static struct damon_region *damon_radix_next(struct damon_region *r)
{
	return list_next_entry(r, list);
}

/* Smallest shift leaving fewer than two buckets per entry over @span. */
static u32 damon_radix_shift(unsigned long span, unsigned long nr)
{
	u32 shift = 0;

	while (shift < 63 && (span >> shift) >= 2 * nr)
		shift++;
	return shift;
}

/*
 * The widest gap a cluster of @t keeps inside: any wider one would by
 * itself take more granular buckets (eight of the target's granules each)
 * than four per entry of the whole target.  A process's heap, libraries
 * and stack, terabytes apart, become three clusters; a dense span, one.
 */
static unsigned long damon_radix_gap_max(const struct damon_target *t)
{
	unsigned long lo = 0, bits = 0, nr = 0;
	struct damon_region *r;
	u32 shift;

	damon_for_each_region(r, t) {
		if (!nr++)
			lo = r->ar.start;
		bits |= (r->ar.start - lo) | (r->ar.end - lo);
	}
	if (!bits)
		return ULONG_MAX;
	shift = __ffs(bits) + DAMON_RADIX_GRAIN_SHIFT;
	nr *= 2 * DAMON_RADIX_GRAIN_MAX;	/* entries, at most 2 a region */
	if (shift >= BITS_PER_LONG || nr > ULONG_MAX >> shift)
		return ULONG_MAX;
	return nr << shift;
}

/*
 * The run starting at region @first of @t: its regions up to the first gap
 * wider than @gap_max, its entries, span, granule and mode.  @regs: the
 * granular entries before it (a record holds an entry's index in all).
 */
static void damon_radix_run(const struct damon_target *t,
			    struct damon_region *first, unsigned long gap_max,
			    unsigned long regs, struct damon_radix_run *run)
{
	struct damon_region *r = first, *n;
	unsigned long bits = 0, nb;

	run->first = first;
	run->lo = first->ar.start;
	run->nr = 1;
	run->nr_ents = 1;
	for (;;) {
		bits |= (r->ar.start - run->lo) | (r->ar.end - run->lo);
		n = damon_radix_next(r);
		run->next = &n->list == &t->regions_list ? NULL : n;
		if (!run->next || n->ar.start - r->ar.end > gap_max)
			break;
		run->nr++;
		run->nr_ents += 1 + (n->ar.start != r->ar.end);
		r = n;
	}
	run->span = r->ar.end - run->lo;
	run->granular = false;
	/* bits is not 0: the span is. */
	run->grain = min_t(u32, __ffs(bits), 63 - DAMON_RADIX_GRAIN_SHIFT);
	run->shift = run->grain + DAMON_RADIX_GRAIN_SHIFT;
	nb = ((run->span - 1) >> run->shift) + 1;
	if (nb <= DAMON_RADIX_GRAIN_MAX * run->nr_ents &&
#ifndef __KERNEL__
	    /* Tests: 2 forces compare mode on every cluster (the glue). */
	    drain_radix_override != 2 &&
#endif
	    run->nr_ents <= DAMON_RADIX_FIRST + 1UL - regs) {
		run->granular = true;
		run->nr_bkts = nb;
		return;
	}
	run->grain = 0;
	run->shift = damon_radix_shift(run->span, run->nr_ents);
	/* One record past the last bucket bounds a bisection. */
	run->nr_bkts = ((run->span - 1) >> run->shift) + 2;
}

/*
 * Granular mode: entry @j starts at offset @o.  The buckets starting before
 * it are held by entry @j - 1 (from *@nb, the first not yet recorded); a
 * bucket it starts is its own, and a start inside a bucket is a bit.
 */
static void damon_radix_enter(const struct damon_radix_run *run, u32 *b,
			      unsigned long *nb, u32 j, unsigned long o)
{
	unsigned long bk = o >> run->shift;
	unsigned long inside = o & ((1UL << run->shift) - 1);

	while (*nb < bk || (*nb == bk && inside))
		b[(*nb)++] = j - 1;
	if (*nb == bk)
		b[(*nb)++] = j;
	else
		b[bk] |= 1U << (32 - (inside >> run->grain));
}

/*
 * Granular mode: @run's regions (NULL for gaps), from entry @j of @regs
 * (every granular cluster's), and bucket records.
 */
static void damon_radix_fill_granular(const struct damon_radix_run *run,
				      struct damon_region **regs, u32 *b,
				      unsigned long j)
{
	struct damon_region *r = run->first;
	unsigned long i, nb = 0, end = 0;

	for (i = 0; i < run->nr; i++, r = damon_radix_next(r)) {
		if (i && r->ar.start != end) {
			damon_radix_enter(run, b, &nb, j, end - run->lo);
			regs[j++] = NULL;
		}
		damon_radix_enter(run, b, &nb, j, r->ar.start - run->lo);
		regs[j++] = r;
		end = r->ar.end;
	}
	while (nb < run->nr_bkts)
		b[nb++] = j - 1;
}

/* Compare mode: @run's entries (PAD pads after them) and bucket records. */
static void damon_radix_fill_compare(const struct damon_radix_run *run,
				     struct damon_radix_ent *e, u32 *b)
{
	struct damon_region *r = run->first;
	unsigned long nr = 0, i, j = 0, at, end = 0;

	for (i = 0; i < run->nr; i++, r = damon_radix_next(r)) {
		if (i && r->ar.start != end) {
			e[nr].start = end;
			e[nr++].r = NULL;
		}
		e[nr].start = r->ar.start;
		e[nr++].r = r;
		end = r->ar.end;
	}
	for (i = 0; i < DAMON_RADIX_PAD; i++) {
		e[nr + i].start = ULONG_MAX;
		e[nr + i].r = NULL;
	}
	/* Bucket i: the last entry starting at or below its first address. */
	for (i = 0; i < run->nr_bkts; i++) {
		at = i <= ULONG_MAX >> run->shift ? i << run->shift : ULONG_MAX;
		while (j + 1 < nr && e[j + 1].start - run->lo <= at)
			j++;
		b[i] = j;
	}
	for (i = 0; i + 1 < run->nr_bkts; i++)
		if (b[i + 1] - b[i] > DAMON_RADIX_PAD)
			b[i] |= DAMON_RADIX_DENSE;
}

/* Lay the targets out as the tgid map's slots (a perfect map). */
static void damon_radix_fill_slots(struct damon_radix_lookup *s)
{
	const struct damon_tgid_slot *map = s->map.p;
	const struct damon_radix_slot *tg = s->targets.p;
	struct damon_radix_slot *sl = s->slots.p;
	u32 i;

	for (i = 0; i < (1U << s->tmap.bits); i++) {
		if (map[i].idx == DAMON_TGID_EMPTY) {
			sl[i] = tg[0];
			sl[i].pid = map[i].pid;	/* the filler: never matches */
			sl[i].span = 0;
			sl[i].nr_clusters = 0;
		} else {
			sl[i] = tg[map[i].idx];
		}
	}
}

/**
 * struct damon_radix_sizes - what a snapshot needs.
 * @bkts:	bucket records.
 * @regs:	granular entries.
 * @ents:	compare entries, with their pads.
 * @clusters:	clusters of the targets that have more than one.
 * @targets:	targets.
 * @mixed:	targets of several clusters or a compare cluster.
 */
struct damon_radix_sizes {
	unsigned long bkts;
	unsigned long regs;
	unsigned long ents;
	unsigned long clusters;
	unsigned int targets;
	unsigned int mixed;
};

/*
 * Walk @ctx's clusters, counting into @n; with @s, also fill them at the
 * offsets @n has reached, and the target slots.  Every cluster is filled
 * in @s->clusters (@n counts room for them all); a target of one cluster
 * then takes it in its own slot.  The first DAMON_RADIX_MEMO clusters
 * found by the counting walk are kept in @memo and the filling walk takes
 * them from there instead of walking their regions twice more (the widest
 * gap of their target, the cluster); the regions do not change between
 * the two walks of one build.
 */
static void damon_radix_walk(const struct damon_ctx *ctx,
			     struct damon_radix_lookup *s,
			     struct damon_radix_sizes *n,
			     struct damon_radix_run *memo)
{
	struct damon_radix_slot *sl, *first;
	struct damon_radix_run run;
	struct damon_radix_ent *ents;
	struct damon_region **regs;
	unsigned long gap_max = 0, nr_runs;
	bool have_gap;
	u32 *bkts;
	struct damon_region *r;
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		have_gap = false;
		first = s ? (struct damon_radix_slot *)s->clusters.p +
			n->clusters : NULL;
		nr_runs = 0;
		r = list_empty(&t->regions_list) ? NULL :
			list_first_entry(&t->regions_list, struct damon_region,
					 list);
		for (; r; r = run.next, nr_runs++) {
			if (s && n->clusters < DAMON_RADIX_MEMO) {
				run = memo[n->clusters];
			} else {
				if (!have_gap)
					gap_max = damon_radix_gap_max(t);
				have_gap = true;
				damon_radix_run(t, r, gap_max, n->regs, &run);
				if (n->clusters < DAMON_RADIX_MEMO)
					memo[n->clusters] = run;
			}
			if (s) {
				sl = first + nr_runs;
				memset(sl, 0, sizeof(*sl));
				sl->lo = run.lo;
				sl->span = run.span;
				sl->shift = run.shift;
				sl->grain = run.grain;
				sl->granular = run.granular;
				bkts = (u32 *)s->bkts.p + n->bkts;
				regs = s->regs.p;
				ents = (struct damon_radix_ent *)s->ents.p +
					n->ents;
				sl->bkts = bkts;
				if (run.granular) {
					sl->gbase = n->bkts <<
						DAMON_RADIX_GRAIN_SHIFT;
					sl->regs = regs;
					damon_radix_fill_granular(&run, regs,
								  bkts,
								  n->regs);
				} else {
					sl->ents = ents;
					damon_radix_fill_compare(&run, ents,
								 bkts);
				}
			}
			if (run.granular)
				n->regs += run.nr_ents;
			else
				n->ents += run.nr_ents + DAMON_RADIX_PAD;
			n->mixed += !run.granular || nr_runs;
			n->bkts += run.nr_bkts;
			n->clusters++;
		}
		if (s) {
			sl = (struct damon_radix_slot *)s->targets.p + n->targets;
			if (nr_runs == 1) {
				*sl = *first;
			} else {
				memset(sl, 0, sizeof(*sl));
				sl->nr_clusters = nr_runs;
				sl->clusters = first;
			}
			sl->pid = damon_target_pid_nr(t);
		}
		n->targets++;
	}
}

static int damon_radix_build(struct damon_radix_lookup *s,
			     const struct damon_ctx *ctx,
			     struct damon_snap_alloc *a)
{
	struct damon_radix_sizes n = {
		.bkts = DAMON_RADIX_RSV, .regs = DAMON_RADIX_RSV,
	};
	struct damon_region **regs;
	u32 *bkts, nr_slots;

	damon_radix_walk(ctx, NULL, &n, s->memo);
	nr_slots = damon_tgid_map_slots(n.targets);
	if (damon_snap_reserve(a, &s->bkts, n.bkts * sizeof(u32)) ||
	    damon_snap_reserve(a, &s->regs,
			       n.regs * sizeof(struct damon_region *)) ||
	    damon_snap_reserve(a, &s->ents,
			       n.ents * sizeof(struct damon_radix_ent)) ||
	    damon_snap_reserve(a, &s->targets,
			       n.targets * sizeof(struct damon_radix_slot)) ||
	    damon_snap_reserve(a, &s->clusters,
			       n.clusters * sizeof(struct damon_radix_slot)) ||
	    damon_snap_reserve(a, &s->slots,
			       nr_slots * sizeof(struct damon_radix_slot)) ||
	    damon_snap_reserve(a, &s->map, nr_slots *
			       sizeof(struct damon_tgid_slot)))
		return -ENOMEM;
	bkts = s->bkts.p;
	regs = s->regs.p;
	bkts[0] = 0;
	bkts[1] = 1;
	regs[0] = NULL;
	regs[1] = DAMON_LOOKUP_NO_TARGET;
	memset(&n, 0, sizeof(n));
	n.bkts = DAMON_RADIX_RSV;
	n.regs = DAMON_RADIX_RSV;
	damon_radix_walk(ctx, s, &n, s->memo);
	s->nr_targets = n.targets;
	s->has_pid = damon_target_has_pid(ctx);
	s->bytes = (n.bkts - DAMON_RADIX_RSV) * sizeof(u32) +
		(n.regs - DAMON_RADIX_RSV) * sizeof(struct damon_region *) +
		n.ents * sizeof(struct damon_radix_ent);
	s->batched = s->bytes > DAMON_RADIX_BATCH_BYTES;
	s->direct = false;
	if (s->has_pid && n.targets) {
		damon_tgid_map_fill(s->map.p, &s->tmap, ctx);
		s->direct = !s->tmap.probe;
		if (s->direct)
			damon_radix_fill_slots(s);
	}
	s->plain = s->direct && !n.mixed;
	memset(s->cache, 0, sizeof(s->cache));
	s->cache_next = 0;
	s->cached = DAMON_RADIX_INDEX;
	s->probe_wait = 0;
	s->probe_gap = 0;
	return 0;
}

/**
 * struct damon_radix_map - what a lookup loop keeps of the tgid map.
 * @slots:	the slots.
 * @mult:	the multiplier.
 * @shift:	32 - log2 of the slots.
 */
struct damon_radix_map {
	const struct damon_radix_slot *slots;
	u32 mult;
	u32 shift;
};

/*
 * The slot of @rep's target, NULL for none, and the address to look up.
 * @direct: the snapshot's, passed as a constant so each loop is built for
 * one case; @m: its tgid map, for direct.
 */
static __always_inline const struct damon_radix_slot *
damon_radix_slot(const struct damon_radix_lookup *s,
		 const struct damon_radix_map *m,
		 const struct damon_access_report *rep, unsigned long *addr,
		 bool direct)
{
	const struct damon_radix_slot *sl;
	u32 i;

	if (direct) {
		*addr = rep->vaddr;
		sl = m->slots + ((u32)rep->tgid * m->mult >> m->shift);
		return likely(sl->pid == rep->tgid) ? sl : NULL;
	}
	if (!s->nr_targets)
		return NULL;
	if (!s->has_pid) {
		*addr = rep->paddr;
		return s->targets.p;
	}
	*addr = rep->vaddr;
	i = damon_tgid_map_find(s->map.p, &s->tmap, rep->tgid);
	if (i == DAMON_TGID_EMPTY)
		return NULL;
	return (const struct damon_radix_slot *)s->targets.p + i;
}

static __always_inline void damon_radix_map(const struct damon_radix_lookup *s,
					    struct damon_radix_map *m)
{
	m->slots = s->slots.p;
	m->mult = s->tmap.mult;
	m->shift = 32 - s->tmap.bits;
}

/*
 * The cluster of a target holding @addr, if any: the last one starting at
 * or below it (else the first, whose span test then misses).
 */
static __always_inline const struct damon_radix_slot *
damon_radix_cluster(const struct damon_radix_slot *sl, unsigned long addr)
{
	const struct damon_radix_slot *c = sl->clusters;
	u32 len = sl->nr_clusters, half;

	while (len > 1) {
		half = len >> 1;
		c += c[half].lo <= addr ? half : 0;
		len -= half;
	}
	return c;
}

/*
 * Granular mode: where the region of offset @d of @sl is, from its
 * bucket's record.
 */
static __always_inline struct damon_region *const *
damon_radix_grain_at(const struct damon_radix_slot *sl, unsigned long d)
{
	unsigned long g = d >> sl->grain;
	u32 rec = sl->bkts[g >> DAMON_RADIX_GRAIN_SHIFT];

	return sl->regs + (rec & DAMON_RADIX_FIRST) +
		damon_radix_before(rec, g & (DAMON_RADIX_GRAINS - 1));
}

/*
 * Compare mode, a dense bucket: bisect between the bucket's record and the
 * next bucket's for the last entry starting at or below @addr.
 */
static noinline struct damon_region *
damon_radix_dense(const struct damon_radix_ent *ents, const u32 *bkt,
		  unsigned long addr)
{
	u32 f = *bkt & ~DAMON_RADIX_DENSE;
	u32 len = (bkt[1] & ~DAMON_RADIX_DENSE) - f + 1, half;

	while (len > 1) {
		half = len >> 1;
		f += ents[f + half].start <= addr ? half : 0;
		len -= half;
	}
	return ents[f].r;
}

/* Compare mode: the region (or NULL) holding @addr, from its bucket. */
static __always_inline struct damon_region *
damon_radix_compare(const struct damon_radix_ent *ents, const u32 *bkt,
		    unsigned long addr)
{
	const struct damon_radix_ent *e = ents + *bkt;

	if (unlikely(*bkt & DAMON_RADIX_DENSE))
		return damon_radix_dense(ents, bkt, addr);
	return e[(unsigned long)(e[1].start <= addr) +
		 (e[2].start <= addr) + (e[3].start <= addr)].r;
}

/* The answer for offset @d (inside the span) of @sl's target. */
static __always_inline struct damon_region *
damon_radix_find(const struct damon_radix_slot *sl, unsigned long d)
{
	if (likely(sl->granular))
		return *damon_radix_grain_at(sl, d);
	return damon_radix_compare(sl->ents, sl->bkts + (d >> sl->shift),
				   sl->lo + d);
}

/*
 * One pass per report: for snapshots that stay in the caches.  @direct and
 * @plain are the snapshot's, passed as constants so each loop is built for
 * one case.
 */
static __always_inline void
damon_radix_lookup_direct(const struct damon_radix_lookup *s,
			  const struct damon_access_report *reps,
			  unsigned int n, struct damon_region **out,
			  bool direct, bool plain)
{
	const struct damon_radix_slot *sl;
	unsigned long addr = 0, d;
	struct damon_radix_map m;
	unsigned int i;

	damon_radix_map(s, &m);
	for (i = 0; i < n; i++) {
		sl = damon_radix_slot(s, &m, &reps[i], &addr, direct);
		if (unlikely(!sl)) {
			out[i] = DAMON_LOOKUP_NO_TARGET;
			continue;
		}
		if (!plain && unlikely(sl->nr_clusters))
			sl = damon_radix_cluster(sl, addr);
		d = addr - sl->lo;
		if (unlikely(d >= sl->span))
			out[i] = NULL;
		else if (plain)
			out[i] = *damon_radix_grain_at(sl, d);
		else
			out[i] = damon_radix_find(sl, d);
	}
}

/*
 * Three passes per block: bucket records (prefetched); the entries they
 * lead to (prefetched); the answers.  A report that missed its target or
 * span is answered in the first pass and skipped by the others.
 */
static __always_inline void
damon_radix_lookup_batched(const struct damon_radix_lookup *s,
			   const struct damon_access_report *reps,
			   unsigned int n, struct damon_region **out,
			   bool direct)
{
	const struct damon_radix_slot *slot[DAMON_RADIX_BLOCK];
	struct damon_region *const *at[DAMON_RADIX_BLOCK];
	unsigned long off[DAMON_RADIX_BLOCK];
	const struct damon_radix_slot *sl;
	const struct damon_radix_ent *e;
	struct damon_radix_map m;
	unsigned int i, j, k;
	const u32 *bkt;
	unsigned long addr = 0;

	damon_radix_map(s, &m);
	for (i = 0; i < n; i += k) {
		k = min_t(unsigned int, n - i, DAMON_RADIX_BLOCK);
		for (j = 0; j < k; j++) {
			sl = damon_radix_slot(s, &m, &reps[i + j], &addr,
					      direct);
			slot[j] = NULL;
			if (unlikely(!sl)) {
				out[i + j] = DAMON_LOOKUP_NO_TARGET;
				continue;
			}
			if (unlikely(sl->nr_clusters))
				sl = damon_radix_cluster(sl, addr);
			off[j] = addr - sl->lo;
			if (unlikely(off[j] >= sl->span)) {
				out[i + j] = NULL;
				continue;
			}
			slot[j] = sl;
			prefetch(sl->bkts + (off[j] >> sl->shift));
		}
		for (j = 0; j < k; j++) {
			sl = slot[j];
			if (unlikely(!sl))
				continue;
			if (likely(sl->granular)) {
				at[j] = damon_radix_grain_at(sl, off[j]);
				prefetch(at[j]);
			} else {
				e = sl->ents + (sl->bkts[off[j] >> sl->shift] &
						~DAMON_RADIX_DENSE);
				prefetch(e);
				prefetch(e + DAMON_RADIX_PAD);
			}
		}
		for (j = 0; j < k; j++) {
			sl = slot[j];
			if (unlikely(!sl))
				continue;
			if (likely(sl->granular)) {
				out[i + j] = *at[j];
				continue;
			}
			bkt = sl->bkts + (off[j] >> sl->shift);
			out[i + j] = damon_radix_compare(sl->ents, bkt,
							 sl->lo + off[j]);
		}
	}
}

/**
 * struct damon_radix_block - a block of a plain batched lookup between its
 * passes.
 * @cell:	per report: after the first pass, @cell.g, its granule;
 *		after the second, @cell.at, where its answer is.
 * @cell.g:	the report's granule, by its index in the granules of every
 *		granular cluster (DAMON_RADIX_G_GAP or _G_NONE for a miss).
 * @cell.at:	where the answer is.
 */
struct damon_radix_block {
	union {
		unsigned long g;
		struct damon_region *const *at;
	} cell[DAMON_RADIX_BLOCK];
};

/* First pass: the granule of @rep, its bucket record prefetched. */
static __always_inline void
damon_radix_pass1(const struct damon_radix_lookup *s,
		  const struct damon_radix_map *m, const u32 *bkts,
		  const struct damon_access_report *rep,
		  struct damon_radix_block *b, unsigned int j)
{
	const struct damon_radix_slot *sl;
	unsigned long addr = 0, g;

	sl = damon_radix_slot(s, m, rep, &addr, true);
	if (likely(sl && addr - sl->lo < sl->span))
		g = ((addr - sl->lo) >> sl->grain) + sl->gbase;
	else
		g = sl ? DAMON_RADIX_G_GAP : DAMON_RADIX_G_NONE;
	b->cell[j].g = g;
	prefetch(bkts + (g >> DAMON_RADIX_GRAIN_SHIFT));
}

/* Second pass: where the answer is, from the record, prefetched. */
static __always_inline void damon_radix_pass2(const u32 *bkts,
					      struct damon_region *const *regs,
					      struct damon_radix_block *b,
					      unsigned int j)
{
	unsigned long g = b->cell[j].g;
	u32 rec = bkts[g >> DAMON_RADIX_GRAIN_SHIFT];

	b->cell[j].at = regs + (rec & DAMON_RADIX_FIRST) +
		damon_radix_before(rec, g & (DAMON_RADIX_GRAINS - 1));
	prefetch(b->cell[j].at);
}

/*
 * The three passes of full blocks: the answers of the block in @cur, then
 * the next block's first pass over it; the second pass of the block in
 * @prev.  Inlined once with each block of the pair as @cur, so both are
 * at fixed places on the stack.
 */
static __always_inline void
damon_radix_plain_full(const struct damon_radix_lookup *s,
		       const struct damon_radix_map *m, const u32 *bkts,
		       struct damon_region *const *regs,
		       const struct damon_access_report *rep,
		       struct damon_region **o, struct damon_radix_block *cur,
		       struct damon_radix_block *prev)
{
	unsigned int j;

	for (j = 0; j < DAMON_RADIX_BLOCK; j++, rep++) {
		o[j] = *cur->cell[j].at;
		damon_radix_pass1(s, m, bkts, rep, cur, j);
		damon_radix_pass2(bkts, regs, prev, j);
	}
}

/*
 * The batched lookup of a plain snapshot (one granular cluster a target,
 * tgids hashed straight to their slots), software-pipelined over blocks:
 * one loop runs the first pass of block b, the second of block b - 1 and
 * the third (the answer) of block b - 2, so each block's misses have two
 * blocks' work to land behind.  Blocks b and b - 2 share their state, the
 * answer read before the new granule is written.  Every granular
 * cluster's records and entries are indexed from the snapshot's arrays,
 * and a report that missed reads a record and an answer reserved for it
 * there, so the passes carry one word a report and the later ones have no
 * test at all.
 */
static void damon_radix_lookup_plain(const struct damon_radix_lookup *s,
				     const struct damon_access_report *reps,
				     unsigned int n, struct damon_region **out)
{
	const unsigned int bs = DAMON_RADIX_BLOCK;
	struct damon_region *const *regs = s->regs.p;
	unsigned int nb = DIV_ROUND_UP(n, bs), b, j, k1, k2, k3;
	struct damon_radix_block blk[2], *cur, *prev;
	const u32 *bkts = s->bkts.p;
	struct damon_radix_map m;

	damon_radix_map(s, &m);
	for (b = 0; b < nb + 2; b++) {
		cur = &blk[b & 1];
		prev = &blk[(b + 1) & 1];
		k1 = b < nb ? min(bs, n - b * bs) : 0;
		k2 = b >= 1 && b <= nb ? min(bs, n - (b - 1) * bs) : 0;
		k3 = b >= 2 ? min(bs, n - (b - 2) * bs) : 0;
		if (k1 == bs && k2 == bs && k3 == bs) {
			if (b & 1)
				damon_radix_plain_full(s, &m, bkts, regs,
						       reps + b * bs,
						       out + (b - 2) * bs,
						       &blk[1], &blk[0]);
			else
				damon_radix_plain_full(s, &m, bkts, regs,
						       reps + b * bs,
						       out + (b - 2) * bs,
						       &blk[0], &blk[1]);
			continue;
		}
		for (j = 0; j < k3; j++)
			out[(b - 2) * bs + j] = *cur->cell[j].at;
		for (j = 0; j < k1; j++)
			damon_radix_pass1(s, &m, bkts, &reps[b * bs + j], cur,
					  j);
		for (j = 0; j < k2; j++)
			damon_radix_pass2(bkts, regs, prev, j);
	}
}

/* The index alone, for one report (the cache's miss path). */
static struct damon_region *damon_radix_one(const struct damon_radix_lookup *s,
					    const struct damon_radix_map *m,
					    const struct damon_access_report *rep)
{
	const struct damon_radix_slot *sl;
	unsigned long addr = 0, d;

	sl = s->direct ? damon_radix_slot(s, m, rep, &addr, true) :
		damon_radix_slot(s, m, rep, &addr, false);
	if (unlikely(!sl))
		return DAMON_LOOKUP_NO_TARGET;
	if (unlikely(sl->nr_clusters))
		sl = damon_radix_cluster(sl, addr);
	d = addr - sl->lo;
	if (unlikely(d >= sl->span))
		return NULL;
	return damon_radix_find(sl, d);
}

/*
 * Through the region cache: the cached regions, then the index, whose
 * region (if any) replaces the oldest entry (first in, first out: cheaper
 * than keeping them in recency order, and as good on the committed traces).
 * Return: the hits.
 */
static __always_inline unsigned int
damon_radix_cached(struct damon_radix_lookup *s,
		   const struct damon_access_report *reps, unsigned int n,
		   struct damon_region **out, bool has_pid)
{
	struct damon_radix_cent *c = s->cache;
	unsigned int i, k, hits = 0;
	struct damon_radix_map m;
	struct damon_region *r;

	damon_radix_map(s, &m);
	for (i = 0; i < n; i++) {
		const struct damon_access_report *rep = &reps[i];
		unsigned long addr = has_pid ? rep->vaddr : rep->paddr;
		s32 pid = has_pid ? rep->tgid : 0;

		for (k = 0; k < DAMON_RADIX_CACHE; k++)
			if (c[k].pid == pid && addr - c[k].start < c[k].len)
				break;
		if (k < DAMON_RADIX_CACHE) {
			out[i] = c[k].r;
			hits++;
			continue;
		}
		r = damon_radix_one(s, &m, rep);
		out[i] = r;
		if (!damon_lookup_found(r))
			continue;
		/* Replace the oldest entry. */
		k = s->cache_next++ % DAMON_RADIX_CACHE;
		c[k].start = r->ar.start;
		c[k].len = r->ar.end - r->ar.start;
		c[k].r = r;
		c[k].pid = pid;
	}
	return hits;
}

static unsigned int
damon_radix_lookup_cached(struct damon_radix_lookup *s,
			  const struct damon_access_report *reps,
			  unsigned int n, struct damon_region **out)
{
	return s->has_pid ? damon_radix_cached(s, reps, n, out, true) :
		damon_radix_cached(s, reps, n, out, false);
}

/* Reports answered with the previous report's region. */
static unsigned int damon_radix_runs(struct damon_region *const *out,
				     unsigned int n)
{
	unsigned int i, same = 0;

	for (i = 1; i < n; i++)
		same += out[i] == out[i - 1] &&
			damon_lookup_found(out[i]);
	return same;
}

/*
 * A probe found no runs, or the cache stopped paying: look the next
 * batches up in the index alone without probing, twice as many as last
 * time (up to DAMON_RADIX_PROBE_MAX), so reports with no runs (uniform,
 * zipf) pay the probe's pass over the answers on one batch in 17, and a
 * cache that flaps on and off settles off.
 */
static void damon_radix_probe_later(struct damon_radix_lookup *s)
{
	s->probe_gap = s->probe_gap ?
		min_t(u8, 2 * s->probe_gap, DAMON_RADIX_PROBE_MAX) : 1;
	s->probe_wait = s->probe_gap;
}

static void damon_radix_lookup_index(struct damon_radix_lookup *s,
				     const struct damon_access_report *reps,
				     unsigned int n, struct damon_region **out)
{
	if (s->plain && s->batched)
		damon_radix_lookup_plain(s, reps, n, out);
	else if (s->plain)
		damon_radix_lookup_direct(s, reps, n, out, true, true);
	else if (s->direct && s->batched)
		damon_radix_lookup_batched(s, reps, n, out, true);
	else if (s->direct)
		damon_radix_lookup_direct(s, reps, n, out, true, false);
	else if (s->batched)
		damon_radix_lookup_batched(s, reps, n, out, false);
	else
		damon_radix_lookup_direct(s, reps, n, out, false, false);
}

static void damon_radix_lookup(struct damon_radix_lookup *s,
			       const struct damon_ctx *ctx,
			       const struct damon_access_report *reps,
			       unsigned int n, struct damon_region **out)
{
	unsigned int hits;

	if (s->cached) {
		hits = damon_radix_lookup_cached(s, reps, n, out);
		if (s->cached != DAMON_RADIX_CACHED)
			return;
		if (2 * hits >= n) {
			s->probe_gap = 0;
			return;
		}
		s->cached = DAMON_RADIX_INDEX;
		damon_radix_probe_later(s);
		return;
	}
	damon_radix_lookup_index(s, reps, n, out);
	if (s->probe_wait) {
		s->probe_wait--;
		return;
	}
	if (n < 16)
		return;
	if (4 * damon_radix_runs(out, n) >= n)
		s->cached = DAMON_RADIX_CACHED;
	else
		damon_radix_probe_later(s);
}

static void damon_radix_release(struct damon_radix_lookup *s,
				struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->bkts);
	damon_snap_free(a, &s->regs);
	damon_snap_free(a, &s->ents);
	damon_snap_free(a, &s->targets);
	damon_snap_free(a, &s->clusters);
	damon_snap_free(a, &s->slots);
	damon_snap_free(a, &s->map);
	s->nr_targets = 0;
	s->direct = false;
	s->plain = false;
}

#ifndef __KERNEL__
/*
 * drain_radix_override: -1 as built; 0 one pass; 1 batched passes; 2
 * batched passes and compare mode on every target; 3 as built, every
 * report through the region cache first.  The tests run each over layouts
 * too small to be batched as built.
 */
static int damon_radix_build_v(void *p, const struct damon_ctx *ctx,
			       struct damon_snap_alloc *a)
{
	struct damon_radix_lookup *s = p;
	int ret = damon_radix_build(s, ctx, a);

	if (!ret && drain_radix_override == 3)
		s->cached = DAMON_RADIX_ALWAYS;
	else if (!ret && drain_radix_override >= 0)
		s->batched = drain_radix_override > 0;
	return ret;
}

DRAIN_LOOKUP_STRATEGY_OWN_BUILD(drain_strategy_radix,
	damon_radix_lookup, damon_radix,
	.name = "radix",
	.summary = "direct bucket index on (addr - first start) >> shift: a granule bitmap per bucket, or three compares; batched with prefetch")
#endif /* !__KERNEL__ */
