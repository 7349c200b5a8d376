// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_report.c - the drain suite's report (drain/lookup): ns per report
 * per lookup strategy, by address distribution, targets and regions; the
 * targets: at 1e4 regions x 8 targets >= 20x faster than rfc and < 10 ns,
 * at 1e6 >= 100x.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "ring/ring.h"

static const struct rd_metric drain_metrics[] = {
	{ "drain", "real_time", "ns", 1, false },
	{ NULL },
};

static void report_drain(FILE *f, struct rd_results *r)
{
	char strategies[16][48], regions[16][48], targets[8][48], dists[8][48];
	int ns = rd_values_of(r, "drain/lookup", "strategy", strategies, 16);
	int nreg = rd_values_of(r, "drain/lookup", "regions", regions, 16);
	int nt = rd_values_of(r, "drain/lookup", "targets", targets, 8);
	int nd = rd_values_of(r, "drain/lookup", "dist", dists, 8);

	for (int di = 0; di < nd; di++)
	for (int ti = 0; ti < nt; ti++) {
		char title[160];
		bool any = false;

		for (int si = 0; si < ns && !any; si++)
			for (int ri = 0; ri < nreg && !any; ri++)
				any = rd_find(r, "drain/lookup", "strategy", strategies[si],
					   "regions", regions[ri], "targets",
					   targets[ti], "dist", dists[di], NULL);
		if (!any)
			continue;
		snprintf(title, sizeof(title),
			 "drain/lookup: ns per report, %.47s addresses, %.47s targets, by regions",
			 dists[di], targets[ti]);
		rd_section(f, title);
		fprintf(f, "%-10s", "strategy");
		for (int ri = 0; ri < nreg && ri < 6; ri++)
			fprintf(f, " %7s", regions[ri]);
		fprintf(f, " %8s\n", "x rfc@max");
		for (int si = 0; si < ns; si++) {
			struct rd_bm *last = NULL, *rfc_last = NULL;

			fprintf(f, "%-10s", strategies[si]);
			for (int ri = 0; ri < nreg && ri < 6; ri++) {
				struct rd_bm *b = rd_find(r, "drain/lookup",
					"strategy", strategies[si], "regions",
					regions[ri], "targets", targets[ti],
					"dist", dists[di], NULL);

				rd_cell(f, 7, b ? b->med : NAN);
				if (b) {
					last = b;
					rfc_last = rd_find(r, "drain/lookup",
						"strategy", "rfc", "regions",
						regions[ri], "targets", targets[ti],
						"dist", dists[di], NULL);
				}
			}
			rd_ratio_cell(f, 8, last, rfc_last);
			fputc('\n', f);
		}
	}
	/* The targets: 1e4 regions x 8 targets >= 20x, 1e6 >= 100x. */
	for (int k = 0; k < 2; k++) {
		const char *nreg_s = k ? "1000000" : "10000";
		double want = k ? 100 : 20;
		struct rd_bm *rfc = rd_find(r, "drain/lookup", "strategy", "rfc",
					 "regions", nreg_s, "targets", "8",
					 "dist", "uniform", NULL);
		struct rd_bm *best = NULL;

		for (int si = 0; si < ns && rfc; si++) {
			struct rd_bm *b = rd_find(r, "drain/lookup", "strategy",
				strategies[si], "regions", nreg_s, "targets", "8",
				"dist", "uniform", NULL);

			if (b && strcmp(strategies[si], "rfc") &&
			    (!best || b->med < best->med))
				best = b;
		}
		if (rfc && best)
			rd_verdict(f, rfc->med >= want * best->med &&
				(k || best->med < 10),
				"%s regions x 8 targets: %s %.2f ns/report,\n"
				"  %.1fx faster than rfc's %.1f ns (target >= %.0fx%s)",
				k ? "1e6" : "1e4", rd_kv(best, "strategy"), best->med,
				rfc->med / best->med, rfc->med, want,
				k ? "" : " and < 10 ns");
	}
}

static int drain_report(const struct rd_report_ctx *ctx, FILE *f,
			struct rd_err *e)
{
	report_drain(f, ctx->r);
	return 0;
}

const struct rd_suite_report rd_report_drain = {
	.suite = "drain",
	.metrics = drain_metrics,
	.report = drain_report,
};
