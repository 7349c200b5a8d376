// SPDX-License-Identifier: GPL-2.0
/* nmi_stats.c - the NMI-regime figure's statistics (see nmi_stats.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmi_stats.h"
#include "report.h"

const int rd_nmi_probe_lines[RD_NMI_PROBES] = { 0, 1, 2, 4 };

const char *const rd_nmi_verdict_names[] = {
	[RD_NMI_FASTER] = "faster",
	[RD_NMI_TIE] = "tie",
	[RD_NMI_SLOWER] = "slower",
	[RD_NMI_UNRESOLVED] = "not resolved here",
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double rd_iq_mean(double *v, size_t n)
{
	size_t lo = n / 4, hi = n - n / 4;
	double sum = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_d);
	if (hi <= lo)
		return v[n / 2];
	for (size_t i = lo; i < hi; i++)
		sum += v[i];
	return sum / (hi - lo);
}

static double median_sorted(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int rd_boot_median_ci(const double *v, int n, double *med, double *lo,
		      double *hi)
{
	double *tmp, *meds;
	uint64_t x = 0x2545f4914f6cdd1dULL;

	*med = *lo = *hi = NAN;
	if (n < 1)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, v, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_d);
	*med = median_sorted(tmp, n);
	if (n < 2) {
		free(tmp);
		return 0;
	}
	meds = malloc(RD_BOOT_RESAMPLES * sizeof(*meds));
	if (!meds) {
		free(tmp);
		*med = NAN;
		return -ENOMEM;
	}
	for (int r = 0; r < RD_BOOT_RESAMPLES; r++) {
		for (int i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			tmp[i] = v[x % (uint64_t)n];
		}
		qsort(tmp, n, sizeof(*tmp), cmp_d);
		meds[r] = median_sorted(tmp, n);
	}
	qsort(meds, RD_BOOT_RESAMPLES, sizeof(*meds), cmp_d);
	*lo = meds[(int)floor((1 - RD_BOOT_LEVEL) / 2 * RD_BOOT_RESAMPLES)];
	*hi = meds[(int)ceil((1 + RD_BOOT_LEVEL) / 2 * RD_BOOT_RESAMPLES) - 1];
	free(meds);
	free(tmp);
	return 0;
}

double rd_nmi_target_width(double miss_ns)
{
	double w = miss_ns / 2;

	return w == w && w > 1 ? w : 1;
}

bool rd_nmi_calibration_ok(const double med[RD_NMI_PROBES], double miss_ns,
			   char *why, size_t len)
{
	for (int i = 0; i < RD_NMI_PROBES; i++)
		if (med[i] != med[i]) {
			snprintf(why, len, "probe %d has no value",
				 rd_nmi_probe_lines[i]);
			return false;
		}
	if (!(miss_ns > 0)) {
		snprintf(why, len, "no miss latency measured");
		return false;
	}
	for (int i = 1; i < RD_NMI_PROBES; i++) {
		int dl = rd_nmi_probe_lines[i] - rd_nmi_probe_lines[i - 1];
		double step = (med[i] - med[i - 1]) / dl;

		if (med[i] <= med[i - 1]) {
			snprintf(why, len, "probes out of order: %d lines %.1f ns <= %d lines %.1f ns",
				 rd_nmi_probe_lines[i], med[i],
				 rd_nmi_probe_lines[i - 1], med[i - 1]);
			return false;
		}
		if (step < miss_ns / 2 || step > miss_ns * 2) {
			snprintf(why, len, "step %d->%d lines: %.1f ns a line, not within 2x of a %.1f ns miss",
				 rd_nmi_probe_lines[i - 1], rd_nmi_probe_lines[i],
				 step, miss_ns);
			return false;
		}
	}
	return true;
}

int rd_nmi_verdict(const double *safe, int ns, const double *rfc, int nr,
		   enum rd_nmi_verdict *v, double *p)
{
	double ms, ls, hs, mr, lr, hr;

	double orderings = 1;

	*p = NAN;
	*v = RD_NMI_UNRESOLVED;
	/* the smallest two-sided p of the U test is 2 / C(ns + nr, ns) */
	for (int i = 1; i <= ns && ns > 0 && nr > 0; i++)
		orderings = orderings * (nr + i) / i;
	if (ns < 2 || nr < 2 || 2 / orderings >= 0.05)
		return 0;
	if (rd_boot_median_ci(safe, ns, &ms, &ls, &hs) ||
	    rd_boot_median_ci(rfc, nr, &mr, &lr, &hr))
		return -ENOMEM;
	if (!rd_cost_resolved(ls, hs) || !rd_cost_resolved(lr, hr))
		return 0;
	*p = rd_mann_whitney_p(safe, ns, rfc, nr);
	if (isnan(*p))
		return -ENOMEM;
	if (*p >= 0.05)
		*v = RD_NMI_TIE;
	else
		*v = ms < mr ? RD_NMI_FASTER : RD_NMI_SLOWER;
	return 0;
}
