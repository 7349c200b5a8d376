// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_btree.c - "btree": a static B+ tree (an S+ tree) per target over
 * the region starts.  A node is one 64-byte cache line of eight 64-bit
 * keys; an internal node has nine children, numbered implicitly (node k's
 * children are 9k+1 .. 9k+9, no pointers), and its key i is the smallest
 * start below child i+1.  Counting the keys <= addr picks the child, and in
 * a leaf gives the region: at 10^4 regions per target a search reads five
 * lines, at 10^6 seven.
 *
 * The count is one SIMD comparison where the CPU has one: AVX-512's
 * unsigned 64-bit compare, or AVX2's signed compare on keys with the sign
 * bit flipped.  Elsewhere, and in the kernel (no FPU state in kdamond), it
 * is eight scalar compares the compiler turns into a branch-free sum.
 * Sixteen reports descend together, one level per round, each round
 * prefetching the nodes of the next.
 *
 * Absent keys are ULONG_MAX, so they never count for an address below it;
 * the address ULONG_MAX itself lies in no region (an end cannot exceed
 * it), which the lookup answers up front.  Perfect-hash tgid map
 * (lookup.h); rebuilt only on a generation change.
 */
#ifndef __KERNEL__
#include "internal.h"
#if defined(__x86_64__) && !defined(DRAIN_BTREE_SCALAR_ONLY)
#include <immintrin.h>
#define DAMON_BT_SIMD	1
#endif
#endif

#define DAMON_BT_KEYS	8
#define DAMON_BT_FAN	(DAMON_BT_KEYS + 1)
#define DAMON_BT_GROUP	16

struct damon_bt_node {
	unsigned long k[DAMON_BT_KEYS];
} __aligned(64);

struct damon_bt_target {
	u32 base;	/* node 0 (the root) of this target's tree */
	u32 first_leaf;	/* relative index of the first leaf */
	u32 height;	/* levels, leaves included (>= 1) */
	u32 nr;		/* regions */
	u32 reg_off;	/* first region pointer */
};

enum damon_bt_isa {
	DAMON_BT_SCALAR,
	DAMON_BT_AVX2,
	DAMON_BT_AVX512,
};

struct damon_btree_lookup {
	struct damon_snap_buf nodes;	/* struct damon_bt_node[] */
	struct damon_snap_buf regs;	/* struct damon_region *[] */
	struct damon_snap_buf targets;	/* struct damon_bt_target[] */
	struct damon_snap_buf map;	/* struct damon_tgid_slot[] */
	struct damon_tgid_map tmap;
	unsigned int nr_targets;
	bool has_pid;
	enum damon_bt_isa isa;
};

/* Tree shape for @nr keys: height, first leaf, nodes. */
static void damon_bt_shape(u32 nr, u32 *height, u32 *first_leaf, u32 *nodes)
{
	u32 leaves = nr ? (nr + DAMON_BT_KEYS - 1) / DAMON_BT_KEYS : 1;
	u64 span = 1;	/* leaves under the root at this height */
	u32 h = 1, internal = 0;

	while (span < leaves) {
		internal += span;	/* one more level of internal nodes */
		span *= DAMON_BT_FAN;
		h++;
	}
	*height = h;
	*first_leaf = internal;
	*nodes = internal + leaves;
}

/* Smallest key under node @k of a tree (leaves from @first_leaf). */
static unsigned long damon_bt_min(const struct damon_bt_node *t, u32 k,
				  u32 first_leaf, u32 nodes)
{
	u64 x = k;

	while (x < first_leaf)
		x = x * DAMON_BT_FAN + 1;
	return x < nodes ? t[x].k[0] : ~0UL;
}

static int damon_btree_build(struct damon_btree_lookup *s,
			     const struct damon_ctx *ctx,
			     struct damon_snap_alloc *a)
{
	unsigned long total = 0, nr_regions, ri = 0;
	struct damon_bt_target *tg;
	struct damon_bt_node *nodes;
	struct damon_region **regs;
	unsigned int nr_targets, ti = 0;
	struct damon_target *t;
	struct damon_region *r;
	u32 map_slots;

	damon_lookup_count(ctx, &nr_targets, &nr_regions);
	damon_for_each_target(t, ctx) {
		u32 h, fl, n;

		damon_bt_shape(damon_nr_regions(t), &h, &fl, &n);
		total += n;
	}
	map_slots = damon_tgid_map_slots(nr_targets);
	if (damon_snap_reserve(a, &s->nodes, total * sizeof(*nodes)) ||
	    damon_snap_reserve(a, &s->regs, nr_regions * sizeof(*regs)) ||
	    damon_snap_reserve(a, &s->targets, nr_targets * sizeof(*tg)) ||
	    damon_snap_reserve(a, &s->map,
			       map_slots * sizeof(struct damon_tgid_slot)))
		return -ENOMEM;
	nodes = s->nodes.p;
	regs = s->regs.p;
	tg = s->targets.p;
	total = 0;
	damon_for_each_target(t, ctx) {
		struct damon_bt_node *tree = nodes + total;
		u32 h, fl, n, i = 0, k;

		damon_bt_shape(damon_nr_regions(t), &h, &fl, &n);
		tg[ti].base = total;
		tg[ti].first_leaf = fl;
		tg[ti].height = h;
		tg[ti].nr = damon_nr_regions(t);
		tg[ti].reg_off = ri;
		damon_for_each_region(r, t) {
			tree[fl + i / DAMON_BT_KEYS].k[i % DAMON_BT_KEYS] =
				r->ar.start;
			regs[ri++] = r;
			i++;
		}
		for (; i < (n - fl) * DAMON_BT_KEYS; i++)
			tree[fl + i / DAMON_BT_KEYS].k[i % DAMON_BT_KEYS] =
				~0UL;
		/* Internal nodes: key c = the smallest under child c + 1. */
		for (k = fl; k-- > 0;)
			for (i = 0; i < DAMON_BT_KEYS; i++)
				tree[k].k[i] = damon_bt_min(tree,
					k * DAMON_BT_FAN + 2 + i, fl, n);
		total += n;
		ti++;
	}
	damon_tgid_map_fill(s->map.p, &s->tmap, ctx);
	s->nr_targets = nr_targets;
	s->has_pid = damon_target_has_pid(ctx);
	return 0;
}

/* Keys of @n that are <= @addr. */
static __always_inline u32 damon_bt_count_scalar(const struct damon_bt_node *n,
						 unsigned long addr)
{
	u32 c = 0, i;

	for (i = 0; i < DAMON_BT_KEYS; i++)
		c += n->k[i] <= addr;
	return c;
}

/*
 * The group descent, once per count function.  An item whose tree is
 * shorter than the others stops early; targets of one context usually have
 * trees of one height, so that test is predicted.
 */
#define DAMON_BT_DEFINE_LOOKUP(name, attr, count)			\
static attr void name(const struct damon_btree_lookup *s,		\
		      const struct damon_access_report *reps,		\
		      unsigned int n, struct damon_region **out)	\
{									\
	const struct damon_bt_node *nodes = s->nodes.p;			\
	struct damon_region *const *regs = s->regs.p;			\
	const struct damon_bt_target *tg = s->targets.p;		\
	const struct damon_tgid_slot *map = s->map.p;			\
	unsigned int base, g, j;					\
									\
	for (base = 0; base < n; base += g) {				\
		const struct damon_bt_target *it[DAMON_BT_GROUP];	\
		unsigned long addr[DAMON_BT_GROUP];			\
		u32 k[DAMON_BT_GROUP], hmax = 0, lvl;			\
									\
		g = n - base < DAMON_BT_GROUP ? n - base : DAMON_BT_GROUP; \
		for (j = 0; j < g; j++) {				\
			const struct damon_access_report *rep =		\
				&reps[base + j];			\
			u32 ti;						\
									\
			if (s->has_pid) {				\
				addr[j] = rep->vaddr;			\
				ti = damon_tgid_map_find(map, &s->tmap, \
							 rep->tgid);	\
			} else {					\
				addr[j] = rep->paddr;			\
				ti = s->nr_targets ? 0 : DAMON_TGID_EMPTY; \
			}						\
			k[j] = 0;					\
			it[j] = NULL;					\
			out[base + j] = ti == DAMON_TGID_EMPTY ?	\
				DAMON_LOOKUP_NO_TARGET : NULL;		\
			if (ti == DAMON_TGID_EMPTY || !tg[ti].nr ||	\
			    addr[j] == ~0UL)				\
				continue;				\
			it[j] = &tg[ti];				\
			if (it[j]->height > hmax)			\
				hmax = it[j]->height;			\
			prefetch(&nodes[it[j]->base]);			\
		}							\
		for (lvl = 0; lvl + 1 < hmax; lvl++) {			\
			for (j = 0; j < g; j++) {			\
				const struct damon_bt_node *nd;		\
									\
				if (!it[j] || lvl + 1 >= it[j]->height)	\
					continue;			\
				nd = &nodes[it[j]->base + k[j]];	\
				k[j] = k[j] * DAMON_BT_FAN + 1 +	\
					count(nd, addr[j]);		\
				prefetch(&nodes[it[j]->base + k[j]]);	\
			}						\
		}							\
		for (j = 0; j < g; j++) {				\
			struct damon_region *r;				\
			u32 c;						\
									\
			if (!it[j])					\
				continue;				\
			c = count(&nodes[it[j]->base + k[j]], addr[j]);	\
			if (!c)						\
				continue;				\
			r = regs[it[j]->reg_off + (k[j] - it[j]->first_leaf) * \
				 DAMON_BT_KEYS + c - 1];		\
			if (addr[j] < r->ar.end)			\
				out[base + j] = r;			\
		}							\
	}								\
}

DAMON_BT_DEFINE_LOOKUP(damon_bt_lookup_scalar, , damon_bt_count_scalar)

#ifdef DAMON_BT_SIMD
static __always_inline __attribute__((target("avx2")))
u32 damon_bt_count_avx2(const struct damon_bt_node *n, unsigned long addr)
{
	const __m256i flip = _mm256_set1_epi64x((long long)(1ULL << 63));
	__m256i x = _mm256_xor_si256(_mm256_set1_epi64x((long long)addr), flip);
	__m256i lo = _mm256_xor_si256(_mm256_load_si256((const __m256i *)n->k),
				      flip);
	__m256i hi = _mm256_xor_si256(_mm256_load_si256(
				(const __m256i *)(n->k + 4)), flip);
	/* Keys greater than addr, as sign bits. */
	int gt = _mm256_movemask_pd(_mm256_castsi256_pd(
			_mm256_cmpgt_epi64(lo, x))) |
		_mm256_movemask_pd(_mm256_castsi256_pd(
			_mm256_cmpgt_epi64(hi, x))) << 4;

	return DAMON_BT_KEYS - __builtin_popcount(gt);
}

static __always_inline __attribute__((target("avx512f")))
u32 damon_bt_count_avx512(const struct damon_bt_node *n, unsigned long addr)
{
	__mmask8 le = _mm512_cmple_epu64_mask(
			_mm512_load_si512((const void *)n->k),
			_mm512_set1_epi64((long long)addr));

	return __builtin_popcount(le);
}

DAMON_BT_DEFINE_LOOKUP(damon_bt_lookup_avx2, __attribute__((target("avx2"))),
		       damon_bt_count_avx2)
DAMON_BT_DEFINE_LOOKUP(damon_bt_lookup_avx512,
		       __attribute__((target("avx512f"))),
		       damon_bt_count_avx512)
#endif /* DAMON_BT_SIMD */

static void damon_btree_lookup(struct damon_btree_lookup *s,
			       const struct damon_ctx *ctx,
			       const struct damon_access_report *reps,
			       unsigned int n, struct damon_region **out)
{
#ifdef DAMON_BT_SIMD
	if (s->isa == DAMON_BT_AVX512)
		return damon_bt_lookup_avx512(s, reps, n, out);
	if (s->isa == DAMON_BT_AVX2)
		return damon_bt_lookup_avx2(s, reps, n, out);
#endif
	damon_bt_lookup_scalar(s, reps, n, out);
}

static void damon_btree_release(struct damon_btree_lookup *s,
				struct damon_snap_alloc *a)
{
	damon_snap_free(a, &s->nodes);
	damon_snap_free(a, &s->regs);
	damon_snap_free(a, &s->targets);
	damon_snap_free(a, &s->map);
	s->nr_targets = 0;
}

#ifndef __KERNEL__
int drain_btree_isa_override = -1;

/* The widest count this CPU runs, unless a test forces one. */
static int damon_btree_build_v(void *p, const struct damon_ctx *ctx,
			       struct damon_snap_alloc *a)
{
	struct damon_btree_lookup *s = p;
	int isa = DAMON_BT_SCALAR;

#ifdef DAMON_BT_SIMD
	if (__builtin_cpu_supports("avx512f"))
		isa = DAMON_BT_AVX512;
	else if (__builtin_cpu_supports("avx2"))
		isa = DAMON_BT_AVX2;
#endif
	if (drain_btree_isa_override >= 0 && drain_btree_isa_override < isa)
		isa = drain_btree_isa_override;
	s->isa = isa;
	return damon_btree_build(s, ctx, a);
}

DRAIN_LOOKUP_STRATEGY_OWN_BUILD(drain_strategy_btree,
	damon_btree_lookup, damon_btree,
	.name = "btree",
	.summary = "static B+ tree per target (8 keys a line, implicit children), SIMD counts, 16 reports interleaved")
#endif /* !__KERNEL__ */
