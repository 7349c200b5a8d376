// SPDX-License-Identifier: GPL-2.0
/*
 * stream_report.c - the stream suite's report: Mrec/s cross-core per
 * design, pair class, capacity, record size and batch, once per transfer
 * regime; the verdicts against ck_ring's best (>= 1.5x for the best design,
 * >= 1.2x for the best NMI-safe one).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "ring/ring.h"

static const struct rd_metric stream_metrics[] = {
	{ "stream", "items_per_second", "Mrec/s", 1e-6, true },
	{ NULL },
};

static const char *const stream_regime_from[] = { "stream", NULL };

static void report_stream(FILE *f, struct rd_results *r)
{
	static const char *const batches[] = { "1", "16", "256" };
	static const char *const recs[] = { "48", "32" };
	char classes[8][48], caps[8][48], designs[24][48];
	int nc = rd_values_of(r, "stream", "class", classes, 8);
	int ncap = rd_values_of(r, "stream", "cap", caps, 8);
	int nd = rd_values_of(r, "stream", "design", designs, 24);
	/* ck_ring called natively; older runs had only the `ck` design */
	const char *peer = rd_find(r, "stream", "design", "ck_ring", NULL) ?
			   "ck_ring" : "ck";

	for (int ci = 0; ci < nc; ci++) {
		const char *cls = classes[ci];
		struct rd_bm *best = NULL, *ck = NULL, *safe = NULL;

		for (int k = 0; k < ncap; k++) {
			char title[256];

			snprintf(title, sizeof(title),
				 "stream: Mrec/s cross-core (pair %.47s), capacity %.47s, by record size/batch",
				 cls, caps[k]);
			rd_section(f, title);
			fprintf(f, "%-10s", "design");
			for (int ri = 0; ri < 2; ri++)
				for (int bi = 0; bi < 3; bi++) {
					char h[16];

					snprintf(h, sizeof(h), "%sB/%s", recs[ri],
						 batches[bi]);
					fprintf(f, " %7s", h);
				}
			fprintf(f, " %6s\n", "xfer");
			for (int i = 0; i < nd; i++) {
				const char *d = designs[i];
				struct rd_bm *any = NULL;

				fprintf(f, "%-10s", d);
				for (int ri = 0; ri < 2; ri++)
					for (int bi = 0; bi < 3; bi++) {
						struct rd_bm *b = rd_find(r, "stream",
							"design", d, "rec", recs[ri],
							"cap", caps[k], "batch",
							batches[bi], "class", cls, NULL);

						rd_cell(f, 7, b ? b->med : NAN);
						any = any ? any : b;
						if (b && !strcmp(recs[ri], "48")) {
							if (!strcmp(d, peer) &&
							    (!ck || b->med > ck->med))
								ck = b;
							if (rd_design_find(d) &&
							    strcmp(d, "ck") &&
							    (!best || b->med > best->med))
								best = b;
							if (rd_nmi_safe(d) &&
							    (!safe || b->med > safe->med))
								safe = b;
						}
					}
				rd_cell(f, 6, rd_xfer_med(any));
				fputc('\n', f);
			}
		}
		if (best && ck)
			rd_verdict(f, best->med >= 1.5 * ck->med,
				"best design %s %.1f Mrec/s (48B cap %s batch %s)\n"
				"  = %.2fx %s's best, %.1f Mrec/s (cap %s batch %s); target >= 1.5",
				rd_kv(best, "design"), best->med, rd_kv(best, "cap"),
				rd_kv(best, "batch"), best->med / ck->med, peer,
				ck->med, rd_kv(ck, "cap"), rd_kv(ck, "batch"));
		if (safe && ck)
			rd_verdict(f, safe->med >= 1.2 * ck->med,
				"best NMI-safe %s %.1f Mrec/s (48B cap %s batch %s)\n"
				"  = %.2fx %s's best; target >= 1.2",
				rd_kv(safe, "design"), safe->med, rd_kv(safe, "cap"),
				rd_kv(safe, "batch"), safe->med / ck->med, peer);
	}
}

static int stream_report(const struct rd_report_ctx *ctx, FILE *f,
			 struct rd_err *e)
{
	report_stream(f, ctx->r);
	return 0;
}

const struct rd_suite_report rd_report_stream = {
	.suite = "stream",
	.metrics = stream_metrics,
	.regime_from = stream_regime_from,
	.per_regime = true,
	.report = stream_report,
};
