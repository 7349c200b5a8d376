// SPDX-License-Identifier: GPL-2.0
/*
 * peers_report.c - the peers suite's report: DPDK rte_ring, native ck_ring
 * and the designs streaming (peers/stream, once per transfer regime), and
 * io_uring's kernel-produced completions (peers/io_uring).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "ring/ring.h"

static const struct rd_metric peers_metrics[] = {
	{ "peers/stream", "items_per_second", "Mrec/s", 1e-6, true },
	{ "peers/io_uring", "ns_per_record", "ns", 1, false },
	{ NULL },
};

static const char *const peers_regime_from[] = { "peers/stream", NULL };

static void report_peers(FILE *f, struct rd_results *r)
{
	char designs[16][48], batches[8][48];
	int nd = rd_values_of(r, "peers/stream", "design", designs, 16);
	int nb = rd_values_of(r, "peers/io_uring", "batch", batches, 8);
	struct rd_bm *rfc = NULL, *rte = NULL, *ckr = NULL, *best = NULL;

	if (nd) {
		rd_section(f, "peers/stream: 48B reports cross-core, capacity 4096, batch 32");
		fprintf(f, "%-10s %8s %7s %6s %6s\n", "ring", "Mrec/s", "x rfc",
			"spread", "xfer");
		for (int i = 0; i < nd; i++)
			if (!strcmp(designs[i], "rfc"))
				rfc = rd_find(r, "peers/stream", "design", "rfc", NULL);
		for (int i = 0; i < nd; i++) {
			struct rd_bm *b = rd_find(r, "peers/stream", "design",
					       designs[i], NULL);

			if (!b)
				continue;
			fprintf(f, "%-10s", designs[i]);
			rd_cell(f, 8, b->med);
			rd_ratio_cell(f, 7, b, rfc);
			rd_pct_cell(f, 6, rd_spread_pct(b));
			rd_cell(f, 6, rd_xfer_med(b));
			fputc('\n', f);
			if (!strcmp(designs[i], "rte_ring"))
				rte = b;
			else if (!strcmp(designs[i], "ck_ring"))
				ckr = b;
			else if (rd_nmi_safe(designs[i]) &&
				 (!best || b->med > best->med))
				best = b;
		}
		if (rte && best)
			fprintf(f, "note: best NMI-safe %s streams at %.2fx DPDK rte_ring\n",
				rd_kv(best, "design"), best->med / rte->med);
		if (ckr && best)
			fprintf(f, "note: best NMI-safe %s streams at %.2fx native ck_ring\n",
				rd_kv(best, "design"), best->med / ckr->med);
	}
	if (nb) {
		rd_section(f, "peers/io_uring: NOP completions, kernel-produced, ns per record");
		fprintf(f, "%-10s %8s %8s\n", "batch", "total", "spread");
		for (int i = 0; i < nb; i++) {
			struct rd_bm *b = rd_find(r, "peers/io_uring", "batch",
					       batches[i], NULL);

			if (!b)
				continue;
			fprintf(f, "%-10s", batches[i]);
			rd_cell(f, 8, b->med);
			rd_pct_cell(f, 8, rd_spread_pct(b));
			fputc('\n', f);
		}
	}
}

static int peers_report(const struct rd_report_ctx *ctx, FILE *f,
			struct rd_err *e)
{
	report_peers(f, ctx->r);
	return 0;
}

const struct rd_suite_report rd_report_peers = {
	.suite = "peers",
	.metrics = peers_metrics,
	.regime_from = peers_regime_from,
	.per_regime = true,
	.report = peers_report,
};
