/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the statistics the report draws its lines from: quantiles of
 * repetitions, the two-sided Mann-Whitney U test (exact with ties for small
 * samples), and the transfer-regime split of xfer_ns values.  Pure
 * functions of their arguments; nothing here prints or allocates for the
 * caller.
 */
#ifndef RINGDRAIN_BENCH_STATS_H
#define RINGDRAIN_BENCH_STATS_H

/* qsort() comparison of two doubles, ascending. */
int rd_cmp_double(const void *a, const void *b);

/**
 * rd_quantile() - quantile of sorted values, linear interpolation.
 * @v:	@n values in ascending order.
 * @n:	how many; 0 gives NAN.
 * @q:	the quantile, 0..1 (0.5: the median).
 *
 * Return: the value at position @q * (@n - 1), interpolated between the two
 * neighbours.
 */
double rd_quantile(const double *v, int n, double q);

/**
 * rd_median() - median of @n values, sorting them in place.
 * @v:	the values (reordered).
 * @n:	how many; 0 gives NAN.
 *
 * Return: the median.
 */
double rd_median(double *v, int n);

/**
 * rd_median_of() - median of @n values, leaving them as they are.
 * @v:	the values.
 * @n:	how many; 0 gives NAN.
 *
 * The same value as rd_median() (sorted, interpolated), found without a
 * copy: nothing to allocate, nothing to fail.  O(@n^2): for repetitions.
 *
 * Return: the median.
 */
double rd_median_of(const double *v, int n);

/*
 * Largest na * nb for which rd_mann_whitney_p() computes the exact
 * permutation distribution; above it, the normal approximation.
 */
#define RD_U_EXACT_MAX	2500

/**
 * rd_mann_whitney_p() - two-sided p-value of the Mann-Whitney U test.
 * @a:	the first sample.
 * @na:	its size.
 * @b:	the second sample.
 * @nb:	its size.
 *
 * U counts the pairs (a[i], b[j]) with a[i] > b[j], a tie counting one half:
 * the rank sum of @a over the pooled sample with mid-ranks for tied values.
 * For na * nb <= RD_U_EXACT_MAX the p-value comes from the exact permutation
 * distribution of that rank sum, over every way of drawing @na of the pooled
 * mid-ranks (so tied values are handled exactly: without ties it is the
 * classic exact U distribution); above it, from the normal approximation
 * with the tie-corrected variance and a continuity correction of 1/2.  p is
 * twice the smaller tail, at most 1; when every value is tied, 1.
 *
 * Return: p, or NAN when a sample is empty.
 */
double rd_mann_whitney_p(const double *a, int na, const double *b, int nb);

/* Neighbouring xfer values this many times apart split two regimes. */
#define RD_REGIME_GAP	2.0

/**
 * rd_regime_split() - the transfer-regime split of xfer_ns values.
 * @xfer:	the values (not changed); values <= 0 and non-finite ones
 *		are ignored.
 * @n:		how many.
 *
 * Return: the geometric mean of the two neighbours (sorted) with the largest
 * ratio, when that ratio is at least RD_REGIME_GAP; INFINITY (one regime) otherwise, or
 * on too few values.
 */
double rd_regime_split(const double *xfer, int n);

#endif /* RINGDRAIN_BENCH_STATS_H */
