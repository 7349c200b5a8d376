/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lookup.h - what the lookup cores share, in the kernel's dialect.
 *
 * A lookup core answers one question per report: which region of which
 * target holds the report's address.  It builds a snapshot of the
 * context's targets and regions into buffers it gets from
 * damon_snap_reserve(), and looks reports up in it without changing
 * anything.  The drain then rejects straddlers and credits the region, so
 * every core gives the same answers, only faster or slower.
 *
 * The answer for one report is a region, NULL (a target has the report's
 * tgid, or the context is physical, but no region holds the address) or
 * DAMON_LOOKUP_NO_TARGET (no target has the tgid).  A region holds @addr
 * when start <= addr < end; targets' regions are sorted and disjoint, so
 * the region is the last one starting at or below @addr, if @addr is below
 * its end.
 *
 * In the kernel, damon_snap_reserve() keeps a grow-only buffer: kvmalloc()
 * on a new high-water mark, as the RFC's krealloc_array() does.  (Built in
 * userspace, ringdrain's drain/snapshot.c provides it, with a choice of
 * allocators and failure injection.)
 */
#ifndef RINGDRAIN_LOOKUP_H
#define RINGDRAIN_LOOKUP_H

#ifndef __KERNEL__
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "damon.h"

#ifndef noinline
#define noinline	__attribute__((noinline))
#endif
#define min_t(type, a, b)	((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define __ffs(x)		((unsigned long)__builtin_ctzl(x))
#ifndef BITS_PER_LONG
#define BITS_PER_LONG		(8 * (int)sizeof(long))
#endif
#define list_prev_entry(pos, member)					\
	list_entry((pos)->member.prev, typeof(*(pos)), member)
#ifndef prefetch
#define prefetch(p)	__builtin_prefetch(p)
#endif
#else
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/damon.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/prefetch.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#endif /* !__KERNEL__ */

/*
 * The answer for a report whose tgid no target has: an error pointer
 * (ESRCH, no such process), so that NULL, this and a region are told
 * apart by damon_lookup_found().
 */
#define DAMON_LOOKUP_NO_TARGET	((struct damon_region *)ERR_PTR(-ESRCH))

/* @r is a region: neither NULL nor DAMON_LOOKUP_NO_TARGET. */
static __always_inline bool damon_lookup_found(const struct damon_region *r)
{
	return !IS_ERR_OR_NULL(r);
}

/**
 * struct damon_snap_buf - a snapshot buffer.
 * @p:		the buffer, or NULL.
 * @cap:	its size in bytes.
 */
struct damon_snap_buf {
	void *p;
	size_t cap;
};

#ifndef __KERNEL__
struct damon_snap_alloc;

/*
 * damon_snap_reserve() - make @b hold at least @bytes (64-byte aligned).
 * The contents are not kept.  Returns 0, or -ENOMEM with @b unchanged.
 */
int damon_snap_reserve(struct damon_snap_alloc *a, struct damon_snap_buf *b,
		       size_t bytes);

/* damon_snap_free() - give @b back; it is empty afterwards. */
void damon_snap_free(struct damon_snap_alloc *a, struct damon_snap_buf *b);
#else
/**
 * struct damon_snap_alloc - how snapshot buffers are allocated.
 * @gfp:	the allocation flags (kdamond: GFP_KERNEL).
 */
struct damon_snap_alloc {
	gfp_t gfp;
};

/**
 * damon_snap_reserve() - make a grow-only snapshot buffer big enough.
 * @a:		the allocation flags.
 * @b:		the buffer.
 * @bytes:	the size it must have.
 *
 * A buffer that is big enough is kept; a bigger one replaces it, so a
 * steady layout allocates nothing.  The contents are not kept.
 *
 * Return: 0, or -ENOMEM with @b unchanged.
 */
static inline int damon_snap_reserve(struct damon_snap_alloc *a,
				     struct damon_snap_buf *b, size_t bytes)
{
	void *p;

	if (b->p && bytes <= b->cap)
		return 0;
	p = kvmalloc(max_t(size_t, bytes, 1), a->gfp);
	if (!p)
		return -ENOMEM;
	kvfree(b->p);
	b->p = p;
	b->cap = bytes;
	return 0;
}

/**
 * damon_snap_free() - give a snapshot buffer back.
 * @a:		the allocation flags.
 * @b:		the buffer; empty afterwards.
 */
static inline void damon_snap_free(struct damon_snap_alloc *a,
				   struct damon_snap_buf *b)
{
	kvfree(b->p);
	b->p = NULL;
	b->cap = 0;
}

/* The tgid of a virtual-address target; 0 for the physical one. */
static inline pid_t damon_target_pid_nr(const struct damon_target *t)
{
	return pid_nr(t->pid);
}
#endif /* !__KERNEL__ */

/*
 * The tgid map of the fast cores: tgid to target index.  The build looks
 * for a multiplier that sends every target's tgid to its own slot of a
 * table 4 to 64 times the number of targets, so a lookup is one multiply,
 * one load and one compare, no probing.  Should no multiplier be perfect
 * (thousands of targets), the table falls back to linear probing.
 *
 * Several targets of one tgid: the map holds the first of them in list
 * order (the later ones take no slot, so they cost the map nothing), and
 * a core answers for that first target; the drain credits the others.
 */
struct damon_tgid_slot {
	s32 pid;
	u32 idx;	/* DAMON_TGID_EMPTY: empty */
};

#define DAMON_TGID_EMPTY	0xffffffffU
#define DAMON_TGID_TRIES	16

struct damon_tgid_map {
	u32 mult;
	u32 bits;	/* slots: 1 << bits */
	bool probe;	/* not perfect: probe linearly */
};

static __always_inline u32 damon_tgid_slot_of(s32 pid, u32 mult, u32 bits)
{
	return (u32)pid * mult >> (32 - bits);
}

/* log2 of the largest table the build may use for @nr targets. */
static inline u32 damon_tgid_map_max_bits(unsigned int nr)
{
	u32 bits = 3;

	while ((1U << bits) < 64 * nr)
		bits++;
	return bits;
}

/* Slots to reserve for @nr targets. */
static inline u32 damon_tgid_map_slots(unsigned int nr)
{
	return 1U << damon_tgid_map_max_bits(nr);
}

static inline void damon_tgid_map_clear(struct damon_tgid_slot *slots, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		slots[i].pid = 0;
		slots[i].idx = DAMON_TGID_EMPTY;
	}
}

/*
 * A perfect table's empty slots take the first target's tgid: that tgid
 * always hashes to its own slot, so an empty slot can never match, and a
 * lookup needs one compare (damon_tgid_map_find_or()).
 */
static inline void damon_tgid_map_filler(struct damon_tgid_slot *slots,
					 u32 bits, const struct damon_ctx *ctx)
{
	s32 filler;
	u32 i;

	if (list_empty(&ctx->adaptive_targets))
		return;
	filler = damon_target_pid_nr(list_first_entry(&ctx->adaptive_targets,
						      struct damon_target, list));
	for (i = 0; i < (1U << bits); i++)
		if (slots[i].idx == DAMON_TGID_EMPTY)
			slots[i].pid = filler;
}

/* Fill @slots (damon_tgid_map_slots(nr) of them) from @ctx's targets. */
static inline void damon_tgid_map_fill(struct damon_tgid_slot *slots,
				       struct damon_tgid_map *m,
				       const struct damon_ctx *ctx)
{
	unsigned int nr = 0;
	struct damon_target *t;
	u32 bits, max_bits, i, ti, try, mult = 0x9e3779b1U;

	damon_for_each_target(t, ctx)
		nr++;
	max_bits = damon_tgid_map_max_bits(nr);
	for (bits = max_bits > 7 ? max_bits - 4 : 3; bits <= max_bits;
	     bits++) {
		for (try = 0; try < DAMON_TGID_TRIES; try++) {
			mult = mult * 0x2c1b3c6dU + 0x297a2d39U;
			mult |= 1;
			damon_tgid_map_clear(slots, 1U << bits);
			ti = 0;
			damon_for_each_target(t, ctx) {
				s32 pid = damon_target_pid_nr(t);

				i = damon_tgid_slot_of(pid, mult, bits);
				if (slots[i].idx != DAMON_TGID_EMPTY &&
				    slots[i].pid != pid)
					break;
				/* A later target of a tgid: the first keeps it. */
				if (slots[i].idx == DAMON_TGID_EMPTY) {
					slots[i].pid = pid;
					slots[i].idx = ti;
				}
				ti++;
			}
			if (ti == nr) {
				m->mult = mult;
				m->bits = bits;
				m->probe = false;
				damon_tgid_map_filler(slots, bits, ctx);
				return;
			}
		}
	}
	/* No perfect multiplier: linear probing over the largest table. */
	m->mult = 0x9e3779b1U;
	m->bits = max_bits;
	m->probe = true;
	damon_tgid_map_clear(slots, 1U << max_bits);
	ti = 0;
	damon_for_each_target(t, ctx) {
		s32 pid = damon_target_pid_nr(t);

		i = damon_tgid_slot_of(pid, m->mult, m->bits);
		while (slots[i].idx != DAMON_TGID_EMPTY &&
		       slots[i].pid != pid)
			i = (i + 1) & ((1U << m->bits) - 1);
		if (slots[i].idx == DAMON_TGID_EMPTY) {
			slots[i].pid = pid;
			slots[i].idx = ti;
		}
		ti++;
	}
}

/* Target index of @pid, or DAMON_TGID_EMPTY. */
static __always_inline u32
damon_tgid_map_find(const struct damon_tgid_slot *slots,
		    const struct damon_tgid_map *m, s32 pid)
{
	u32 i = damon_tgid_slot_of(pid, m->mult, m->bits);

	if (likely(!m->probe))
		return slots[i].pid == pid ? slots[i].idx : DAMON_TGID_EMPTY;
	while (slots[i].idx != DAMON_TGID_EMPTY) {
		if (slots[i].pid == pid)
			return slots[i].idx;
		i = (i + 1) & ((1U << m->bits) - 1);
	}
	return DAMON_TGID_EMPTY;
}

#ifndef __KERNEL__
/* Targets and regions of @ctx, counted. */
static inline void damon_lookup_count(const struct damon_ctx *ctx,
				      unsigned int *nr_targets,
				      unsigned long *nr_regions)
{
	struct damon_target *t;

	*nr_targets = 0;
	*nr_regions = 0;
	damon_for_each_target(t, ctx) {
		(*nr_targets)++;
		*nr_regions += damon_nr_regions(t);
	}
}

/* Round @n up to a multiple of 64 bytes' worth of @size-byte items. */
static inline unsigned long damon_lookup_pad(unsigned long n, size_t size)
{
	unsigned long per = 64 / size;

	return (n + per - 1) / per * per;
}
#endif /* !__KERNEL__ */

#endif /* RINGDRAIN_LOOKUP_H */
