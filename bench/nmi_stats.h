/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nmi_stats.h - the statistics of the NMI-regime figure (producer/nmi):
 * the interval of a design's cost, the calibration check of the probes,
 * and the verdict of the best NMI-safe design against rfc.
 *
 * One repetition of a subject (a ring design at one record size, or a probe)
 * gives one value: the mean of the middle half of its paired-window
 * differences.  A subject's cost is the median of its repetitions; its
 * interval is a percentile bootstrap of that median (RD_BOOT_RESAMPLES
 * resamples of the repetitions, a fixed seed, so the same values give the
 * same interval).  The bench uses these to stop adding repetitions, the
 * report to print and judge them: both see the same numbers.
 */
#ifndef RINGDRAIN_NMI_STATS_H
#define RINGDRAIN_NMI_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define RD_BOOT_RESAMPLES	2000
#define RD_BOOT_LEVEL		0.95
#define RD_NMI_PROBES		4	/* probes of 0, 1, 2 and 4 cold lines */

extern const int rd_nmi_probe_lines[RD_NMI_PROBES];

/*
 * Mean of the middle half of @v (sorted in place): as robust as the median
 * to an interrupt landing in one window, but finer than a clock step.
 * Returns 0 for n == 0.
 */
double rd_iq_mean(double *v, size_t n);

/*
 * The median of @v[0..n) in *@med and the RD_BOOT_LEVEL percentile
 * bootstrap interval of it in [*@lo, *@hi].  @v is not changed.  With
 * n < 2 the interval is NAN.  Deterministic: the resampling is seeded.
 * Returns 0, or -ENOMEM (all three NAN).
 */
int rd_boot_median_ci(const double *v, int n, double *med, double *lo,
		      double *hi);

/*
 * A cost is resolved when its interval lies wholly above zero: an interval
 * that includes zero, or a negative one, says nothing about the design.
 */
static inline bool rd_cost_resolved(double lo, double hi)
{
	return lo == lo && hi == hi && lo > 0;
}

/*
 * The interval width every subject must get below before the bench stops
 * adding repetitions: half of this machine's miss latency @miss_ns, so
 * that costs one miss apart have disjoint intervals and one miss is told
 * from zero.  Never below 1 ns (the method's grain).
 */
double rd_nmi_target_width(double miss_ns);

/*
 * The calibration check.  @med[i] is the cost of the probe touching
 * rd_nmi_probe_lines[i] cold lines, @miss_ns the miss latency measured in
 * the same run.  Reliable when the probes read in order (each median above
 * the one before) and every step, per line, is within a factor of two of
 * @miss_ns.  On false, @why (of @len bytes) says which condition failed.
 */
bool rd_nmi_calibration_ok(const double med[RD_NMI_PROBES], double miss_ns,
			   char *why, size_t len);

enum rd_nmi_verdict {
	RD_NMI_FASTER,		/* best NMI-safe significantly faster */
	RD_NMI_TIE,		/* no significant difference */
	RD_NMI_SLOWER,		/* best NMI-safe significantly slower */
	RD_NMI_UNRESOLVED,	/* a cost not resolved here: no verdict */
};

extern const char *const rd_nmi_verdict_names[];

/*
 * Best NMI-safe design (repetitions @safe[0..ns)) against rfc (@rfc[0..nr))
 * by the two-sided Mann-Whitney U test at p < 0.05: the verdict in *@v,
 * the p value in *@p.  UNRESOLVED (p NAN) when the test cannot reach
 * p < 0.05 with so few repetitions (3 vs 3 cannot; 4 vs 4 can) or either
 * cost is not resolved (its bootstrap interval reaches zero).  Returns 0,
 * or -ENOMEM.
 */
int rd_nmi_verdict(const double *safe, int ns, const double *rfc, int nr,
		   enum rd_nmi_verdict *v, double *p);

#endif /* RINGDRAIN_NMI_STATS_H */
