// SPDX-License-Identifier: GPL-2.0
/* stats.c - quantiles, the Mann-Whitney U test, regimes (see stats.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int rd_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double rd_quantile(const double *v, int n, double q)
{
	double pos = q * (n - 1);
	int lo = (int)floor(pos);

	if (n == 0)
		return NAN;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
}

double rd_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), rd_cmp_double);
	return rd_quantile(v, n, 0.5);
}

/* The @k-th smallest (from 0) of @v, by counting. */
static double kth(const double *v, int n, int k)
{
	for (int i = 0; i < n; i++) {
		int below = 0, upto = 0;

		for (int j = 0; j < n; j++) {
			below += v[j] < v[i];
			upto += v[j] <= v[i];
		}
		if (below <= k && k < upto)
			return v[i];
	}
	return NAN;	/* NANs among the values */
}

double rd_median_of(const double *v, int n)
{
	double pos = 0.5 * (n - 1), lo;
	int k = (int)floor(pos);

	if (n == 0)
		return NAN;
	lo = kth(v, n, k);
	if (k + 1 >= n)
		return lo;
	/* rd_quantile()'s interpolation, term for term */
	return lo + (pos - k) * (kth(v, n, k + 1) - lo);
}

/*
 * Twice the mid-rank of every value of the pooled sample @x (@n values),
 * into @r2 (integers: a mid-rank is a multiple of 1/2), and the tie term
 * sum(t^3 - t) over the groups of t equal values, into *@ties.
 */
static void mid_ranks2(const double *x, int n, int *r2, double *ties)
{
	*ties = 0;
	for (int i = 0; i < n; i++) {
		int below = 0, equal = 0;

		for (int j = 0; j < n; j++) {
			below += x[j] < x[i];
			equal += x[j] == x[i];
		}
		/* ranks below + 1 .. below + equal: their mean, doubled */
		r2[i] = 2 * below + equal + 1;
		/* each group once: at its first member */
		for (int j = 0; j < i && equal > 1; j++)
			if (x[j] == x[i])
				equal = 1;
		if (equal > 1)
			*ties += (double)equal * equal * equal - equal;
	}
}

/*
 * The exact two-sided p of the doubled rank sum @s2 of @k values drawn from
 * the @n doubled mid-ranks @r2: cnt[j][t] counts the draws of j of the
 * first i values with doubled sum t (i growing), so ties are exact.
 * NAN when memory runs out.
 */
static double exact_p(const int *r2, int n, int k, long s2)
{
	long smax = 0;
	double *cnt, le = 0, ge = 0, total = 0;

	/* no draw of k sums to more than k times the largest doubled rank */
	for (int i = 0; i < n; i++)
		if (r2[i] > smax)
			smax = r2[i];
	smax *= k;
	cnt = calloc((size_t)(k + 1) * (smax + 1), sizeof(*cnt));
	if (!cnt)
		return NAN;
#define C(j, t) cnt[(size_t)(j) * (smax + 1) + (t)]
	C(0, 0) = 1;
	for (int i = 0; i < n; i++)
		for (int j = (i + 1 < k ? i + 1 : k); j >= 1; j--)
			for (long t = smax; t >= r2[i]; t--)
				C(j, t) += C(j - 1, t - r2[i]);
	for (long t = 0; t <= smax; t++) {
		total += C(k, t);
		if (t <= s2)
			le += C(k, t);
		if (t >= s2)
			ge += C(k, t);
	}
#undef C
	free(cnt);
	return 2 * fmin(le, ge) / total;
}

double rd_mann_whitney_p(const double *a, int na, const double *b, int nb)
{
	int n = na + nb, *r2;
	double *x, ties, u, p;
	long s2 = 0;

	if (na < 1 || nb < 1)
		return NAN;
	x = malloc(n * sizeof(*x));
	r2 = malloc(n * sizeof(*r2));
	if (!x || !r2) {
		free(x);
		free(r2);
		return NAN;
	}
	memcpy(x, a, na * sizeof(*x));
	memcpy(x + na, b, nb * sizeof(*x));
	mid_ranks2(x, n, r2, &ties);
	for (int i = 0; i < na; i++)
		s2 += r2[i];
	free(x);
	u = s2 / 2.0 - na * (na + 1) / 2.0;
	if (ties == (double)n * n * n - n) {
		p = 1;	/* every value tied: no evidence of a difference */
	} else if ((long)na * nb <= RD_U_EXACT_MAX) {
		long sb2 = 0;

		/* the smaller sample's sum: the same p, a smaller table */
		for (int i = na; i < n; i++)
			sb2 += r2[i];
		p = na <= nb ? exact_p(r2, n, na, s2) : exact_p(r2, n, nb, sb2);
	} else {
		double mu = na * (double)nb / 2.0;
		double var = na * (double)nb / 12.0 *
			     ((n + 1) - ties / ((double)n * (n - 1)));

		p = erfc((fabs(u - mu) - 0.5) / sqrt(var) / sqrt(2));
	}
	free(r2);
	return p > 1 ? 1 : p;
}

/*
 * No copy, no sort: for each value its next larger one is its neighbour in
 * sorted order.  Among equal largest ratios the higher pair wins, as a scan
 * of the sorted values upwards with ">=" would pick.
 */
double rd_regime_split(const double *xfer, int n)
{
	double best = RD_REGIME_GAP, lo = NAN, split = INFINITY;

	for (int i = 0; i < n; i++) {
		double x = xfer[i], next = INFINITY, ratio;

		if (!(x > 0) || !isfinite(x))
			continue;
		for (int j = 0; j < n; j++)
			if (xfer[j] > x && isfinite(xfer[j]) && xfer[j] < next)
				next = xfer[j];
		if (!isfinite(next))
			continue;
		ratio = next / x;
		if (ratio > best || (ratio == best && !(x < lo))) {
			best = ratio;
			lo = x;
			split = sqrt(x * next);
		}
	}
	return split;
}
