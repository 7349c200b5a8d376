/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - read a results folder and make the review table.
 *
 * A results folder holds one Google Benchmark JSON file per suite (every
 * repetition kept, not only aggregates) and machine.json.  The report gives,
 * per suite, the median of each design or strategy, its ratio to `rfc`, the
 * spread (interquartile range over the median), and one verdict line per
 * suite against the project's targets; with a second folder, the change of
 * every median and its significance (two-sided Mann-Whitney U over the
 * repetitions, as Google Benchmark's compare tool does).  No line is wider
 * than 80 columns.
 */
#ifndef RINGDRAIN_BENCH_REPORT_H
#define RINGDRAIN_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#define RD_REPORT_ERR_LEN 512

struct rd_results;

/*
 * Load @dir; NULL with @err (naming the file and the problem) if a file is
 * missing, not JSON, not Google Benchmark output, or not ringdrain's.
 */
struct rd_results *rd_results_load(const char *dir, char *err);
void rd_results_free(struct rd_results *r);

/* Median of the benchmark named @name (GB suffixes dropped); NAN if none. */
double rd_results_median(struct rd_results *r, const char *name);

/* The report of @cur, compared with @base when it is not NULL. */
void rd_report_print(FILE *out, struct rd_results *cur,
		     struct rd_results *base);

/* Winners for `ringdrain export`, with one sentence each on why. */
struct rd_winners {
	char design[32];
	char design_why[512];
	char design_ties[8][32];	/* the tie set the rule chose from */
	int nties;
	const char *design_rule;	/* RD_TIE_RULE when a design won */
	char strategy[32];
	char strategy_why[256];
};

/*
 * The design winner: among the nesting-safe designs in the NMI regime, the
 * lowest median and every design whose difference from it is not
 * significant (two-sided Mann-Whitney U, p >= RD_TIE_P) are a tie; the
 * rule RD_TIE_RULE picks one of the tie set, so the same code wins on every
 * run whose tie set is the same.
 */
#define RD_TIE_P	0.05
#define RD_TIE_RULE	"designs whose NMI-regime cost differs from the lowest median with U test p >= 0.05 tie; among them the smallest per-CPU ring (bytes, 256 slots of 48 B), then the fewest per-record atomics (ringdrain list), then the fewest lines of ring/<design>.c, then the name"

void rd_report_winners(struct rd_results *r, struct rd_winners *w);

/*
 * Write @dir/report.txt and @dir/summary.json from the folder's results
 * and print the report when @print.  Returns 0 or 1.
 */
int rd_report_write(const char *dir, bool print);

/* Draw the main comparison (producer/nmi per design) with gnuplot. */
int rd_report_plot(struct rd_results *r, const char *path, bool png,
		   char *err);

/*
 * Load a Google Benchmark JSON file, reading its bare nan/inf tokens (which
 * JSON does not have) as null.
 */
#include <jansson.h>
json_t *rd_json_load_gbench(const char *path, json_error_t *jerr);
json_t *rd_json_loads_gbench(const char *text, json_error_t *jerr);

/* rd_mann_whitney_p(), rd_regime_split(): the statistics. */
#include "stats.h"

#endif /* RINGDRAIN_BENCH_REPORT_H */
