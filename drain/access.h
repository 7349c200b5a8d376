/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h - DAMON's per-region access accounting, modelled on
 * damon_moving_sum() and damon_update_region_access_rate() of
 * mm/damon/core.c, and the two ways to record the ticks nobody reported.
 *
 * The moving sum drops an assumed past value and adds the new one:
 *
 *	bp' = bp - (last_nr_accesses * 10000) / window + (accessed ? 10000 : 0)
 *
 * in unsigned int arithmetic.  As posted, the subtraction wraps when the
 * subtrahend is larger than bp (reachable when the aggregation interval is
 * longer than the window, or when the counts start out of step); the later
 * fix returns the new value instead.  damon_attrs.clamp_moving_sum picks one.
 *
 * Eager (the RFC): after the drain, every region not credited this tick
 * takes one "not accessed" step.  Lazy: a region remembers the last tick
 * folded into its sum (settled_sis); its idle ticks are folded in one step
 * when a report next credits it, or for every region at the aggregation
 * boundary.  An idle step subtracts the same d = last * 10000 / window every
 * time (last_nr_accesses only changes at the boundary), so k steps are
 *
 *	posted:  bp - k * d			(mod 2^32, as k wraps would)
 *	clamped: bp - k * d  if k * d <= bp, else 0
 *
 * (clamped: once bp < d the step returns 0, and 0 stays 0), which is what k
 * single steps give, bit for bit.
 */
#ifndef RINGDRAIN_ACCESS_H
#define RINGDRAIN_ACCESS_H

#ifndef __KERNEL__
#include "damon.h"
#endif

static __always_inline unsigned int damon_window(const struct damon_attrs *a)
{
	return a->window ? a->window : 1;
}

/*
 * damon_moving_sum() as posted, or with the later clamp; @drop is
 * nomvsum / len_window.
 */
static __always_inline unsigned int damon_moving_sum_model(unsigned int mvsum,
		unsigned int drop, unsigned int new_value, bool clamp)
{
	if (clamp && drop > mvsum)
		return new_value;
	return mvsum - drop + new_value;
}

/* damon_update_region_access_rate(): one tick's access check result. */
static __always_inline void damon_access_step(struct damon_region *r,
		bool accessed, const struct damon_attrs *a)
{
	r->nr_accesses_bp = damon_moving_sum_model(r->nr_accesses_bp,
			r->last_nr_accesses * 10000 / damon_window(a),
			accessed ? 10000 : 0, a->clamp_moving_sum);
	if (accessed)
		r->nr_accesses++;
}

/* @k "not accessed" steps at once; bit-identical to @k damon_access_step(). */
static __always_inline void damon_access_fold_idle(struct damon_region *r,
		unsigned long k, const struct damon_attrs *a)
{
	unsigned int d = r->last_nr_accesses * 10000 / damon_window(a);

	if (!k || !d)
		return;
	if (!a->clamp_moving_sum)
		r->nr_accesses_bp -= (unsigned int)(k * d);
	else if (k <= r->nr_accesses_bp / d)
		r->nr_accesses_bp -= (unsigned int)(k * d);
	else
		r->nr_accesses_bp = 0;
}

/*
 * Credit @r for this tick (@now) under the eager policy: at most once per
 * tick.  Returns true when credited, false when it already was.
 */
static __always_inline bool damon_credit_eager(struct damon_region *r,
		const struct damon_attrs *a)
{
	if (r->access_reported)
		return false;
	damon_access_step(r, true, a);
	r->access_reported = true;
	return true;
}

/* The same under the lazy policy: fold the idle ticks since settled_sis. */
static __always_inline bool damon_credit_lazy(struct damon_region *r,
		unsigned long now, const struct damon_attrs *a)
{
	if (r->settled_sis == now)
		return false;
	damon_access_fold_idle(r, now - 1 - r->settled_sis, a);
	damon_access_step(r, true, a);
	r->settled_sis = now;
	return true;
}

/**
 * struct damon_window_div - the divisor of the moving sum's drop,
 * prepared for a multiply: @w is damon_window(), @m is 2^64 / @w rounded
 * up (0 when @w is 1).
 *
 * n / w == (m * n) >> 64 for every 32-bit n and every w from 2 to 2^32 - 1
 * (Lemire, Kaser and Kurz, "Faster remainder by direct computation", 2019:
 * a 64-bit multiplier is exact for 32-bit numerators); w == 1 is n.  The
 * lazy credit divides once per credited region, on the drain's hot path,
 * where a 32-bit divide costs more than the rest of the credit.
 */
struct damon_window_div {
	u64 m;
	u32 w;
};

static inline void damon_window_div_init(struct damon_window_div *v,
					 const struct damon_attrs *a)
{
	v->w = damon_window(a);
	v->m = v->w > 1 ? ~0ULL / v->w + 1 : 0;
}

/* @n / the window, exactly (see struct damon_window_div). */
static __always_inline u32 damon_window_divide(u32 n,
		const struct damon_window_div *v)
{
	if (unlikely(v->w == 1))
		return n;
	return (u32)(((unsigned __int128)v->m * n) >> 64);
}

/*
 * damon_credit_lazy() with the drop divided by @v and the attributes'
 * clamp_moving_sum in @clamp: fold the idle ticks
 * since settled_sis and this tick's access in one update.  As posted the
 * k - 1 idle steps and the accessed one are bp - k * d + 10000 (mod 2^32)
 * with k = @now - settled_sis; the clamp takes them one rule at a time.
 * Bit-identical to damon_credit_lazy(); returns the same.
 */
static __always_inline bool damon_credit_lazy_div(struct damon_region *r,
		unsigned long now, bool clamp, const struct damon_window_div *v)
{
	unsigned long k = now - r->settled_sis;
	unsigned int d, bp;

	if (!k)
		return false;
	d = damon_window_divide(r->last_nr_accesses * 10000, v);
	bp = r->nr_accesses_bp;
	if (likely(!clamp)) {
		bp = bp - (unsigned int)(k * d) + 10000;
	} else {
		if (d && k - 1 > bp / d)
			bp = 0;
		else
			bp -= (unsigned int)((k - 1) * d);
		bp = damon_moving_sum_model(bp, d, 10000, true);
	}
	r->nr_accesses_bp = bp;
	r->nr_accesses++;
	r->settled_sis = now;
	return true;
}

/*
 * damon_credit_lazy_div() for the common attributes: the moving sum as
 * posted and a window over 1, so neither is tested per credit.
 */
static __always_inline bool damon_credit_lazy_posted(struct damon_region *r,
		unsigned long now, const struct damon_window_div *v)
{
	unsigned long k = now - r->settled_sis;
	unsigned int d;

	if (!k)
		return false;
	d = (u32)(((unsigned __int128)v->m * (r->last_nr_accesses * 10000)) >>
		  64);
	r->nr_accesses_bp = r->nr_accesses_bp - (unsigned int)(k * d) + 10000;
	r->nr_accesses++;
	r->settled_sis = now;
	return true;
}

/* Bring @r's sum up to @now (lazy policy). */
static __always_inline void damon_settle(struct damon_region *r,
		unsigned long now, const struct damon_attrs *a)
{
	damon_access_fold_idle(r, now - r->settled_sis, a);
	r->settled_sis = now;
}

#endif /* RINGDRAIN_ACCESS_H */
