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
 *
 * report.c is the shared frame: it loads the folder, groups the repetitions
 * of each benchmark, splits the transfer regimes, formats cells, compares
 * two runs, writes summary.json and draws the plot.  What a suite's
 * benchmarks are called, what is measured, its tables, targets, verdicts
 * and winners belong to the suite: its `struct rd_suite_report` in
 * bench/<suite>_report.c, listed in bench/suites.def.
 */
#ifndef RINGDRAIN_BENCH_REPORT_H
#define RINGDRAIN_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ring/base.h"
/* rd_mann_whitney_p(), rd_regime_split(), quantiles: the statistics. */
#include "stats.h"

struct rd_results;

/**
 * rd_results_load() - read a results folder.
 * @dir:	the folder.
 * @e:		why it failed: a file missing, not JSON, not Google Benchmark
 *		output, not ringdrain's; one line naming the file.
 *
 * Return: the results (free with rd_results_free()), or NULL with @e filled.
 */
struct rd_results *rd_results_load(const char *dir, struct rd_err *e);
void rd_results_free(struct rd_results *r);

/* Median of the benchmark named @name (GB suffixes dropped); NAN if none. */
double rd_results_median(struct rd_results *r, const char *name);

/**
 * rd_report_print() - the report of a run.
 * @out:	where to print it.
 * @cur:	the run.
 * @base:	a base run to compare with, or NULL.
 * @e:		why it failed (out of memory).
 *
 * Return: 0 or -errno.
 */
int rd_report_print(FILE *out, struct rd_results *cur, struct rd_results *base,
		    struct rd_err *e);

/* Winners for `ringdrain export`, with one sentence each on why. */
struct rd_winners {
	char design[32];
	char design_why[512];
	char design_ties[8][32];	/* the tie set the rule chose from */
	int nties;
	const char *design_rule;	/* the rule, one line, for summary.json */
	const char *design_rule_lines;	/* the same, for the report: lines of
					 * at most 80 columns, "\n"-separated */
	char strategy[32];
	char strategy_why[256];
};

/**
 * rd_report_winners() - the winners of a run, from every suite's winner hook.
 * @r:	the run.
 * @w:	filled (zeroed first; an empty name: no winner of that kind).
 * @e:	why it failed (out of memory).
 *
 * Return: 0 or -errno.
 */
int rd_report_winners(struct rd_results *r, struct rd_winners *w,
		      struct rd_err *e);

/**
 * rd_report_write() - write @dir/report.txt and @dir/summary.json.
 * @dir:	the results folder.
 * @print:	also print the report on standard output.
 * @e:		why it failed: the folder's results, or a write error.
 *
 * summary.json is not written for an incomplete run: `ringdrain export`
 * takes its winners from a whole run only.  A report.txt that cannot be
 * written does not keep summary.json from being written (@e then names
 * both failures, if both failed).
 *
 * Return: 0; 1 when the run is incomplete (report.txt written, no
 * summary.json); or -errno.
 */
int rd_report_write(const char *dir, bool print, struct rd_err *e);

/**
 * rd_report_plot() - draw the main comparison with gnuplot.
 * @r:		the run.
 * @path:	the image file, written whole or not at all.
 * @png:	PNG (pngcairo) instead of SVG.
 * @e:		why it failed: no rows to plot, a path gnuplot cannot be
 *		given, gnuplot failing; one line naming the plot.
 *
 * The script is bench/plots/<suite's plot>.gp, run with `gnuplot -e` giving
 * it the data file, the output file, the terminal and the title.
 *
 * Return: 0 or -errno.
 */
int rd_report_plot(struct rd_results *r, const char *path, bool png,
		   struct rd_err *e);

/* ------------------------------------------------------------------ */
/* The frame a suite's report is written with (bench/<suite>_report.c). */

#define RD_MAX_KV	12

/*
 * The baseline every suite compares with: the RFC as posted, the design
 * and the strategy named "rfc".  Listed first among a key's values.
 */
#define RD_BASELINE	"rfc"

/* How a benchmark is measured.  Over every suite the longest prefix wins. */
struct rd_metric {
	const char *prefix;	/* "suite" or "suite/variant" */
	const char *field;	/* a counter, or real_time (per iteration) */
	const char *unit;
	double scale;
	bool higher_better;
};

/* One benchmark configuration and the metric of each of its repetitions. */
struct rd_bm {
	char name[256];		/* suite/variant/key:value/... */
	char suite[24];
	char variant[24];
	struct {
		char k[16];
		char v[48];
	} kv[RD_MAX_KV];
	int nkv;
	double *v, *xfer, *drops;	/* xfer, drops: per repetition too */
	int n, nx, nd;
	int vcap, xcap, dcap;
	double med, p25, p75;
	char error[160];
	const struct rd_metric *m;
};

struct rd_sim;

struct rd_results {
	char dir[512];
	struct rd_bm *bm;
	int n, cap;
	char machine[256];
	int reps;
	char incomplete[1024];	/* what an unfinished run lacks, or "" */
	struct rd_sim *sim;	/* producer-sim.json, when the run has it */
	char sim_note[RD_ERR_MSG_LEN];	/* why it has none */
};

/* What a suite's report hook is given. */
struct rd_report_ctx {
	/* The run; for a per-regime suite, one regime's repetitions of it. */
	struct rd_results *r;
};

/**
 * struct rd_suite_report - how one suite's results are read and reported.
 * @suite:	the suite's name, the first part of its benchmark names.
 * @metrics:	what each of its benchmarks measures; ends with a NULL prefix.
 * @files:	files of the folder that are the suite's own, not Google
 *		Benchmark output (read by @load, if at all); NULL-terminated,
 *		or NULL.
 * @regime_from: "suite/variant" prefixes whose repetitions' xfer_ns decide
 *		the transfer regimes of each pair class; NULL-terminated, or
 *		NULL.
 * @per_regime:	@report is called once per transfer regime, with only that
 *		regime's repetitions (medians never pooled across regimes);
 *		the frame prints the regimes before the first such suite.
 * @load:	optional: read the suite's own files into the results.
 * @report:	print the suite's tables, notes and verdict lines.
 * @winner:	optional: fill the suite's part of the winners.
 * @plot:	optional: the name of the suite's plot, bench/plots/<@plot>.gp
 *		(rd_report_plot() draws the first suite's that has one).
 * @plot_data:	the plot's data rows, with @plot.
 *
 * The hooks return 0 or -errno with @e filled; a suite whose benchmarks
 * the run lacks prints nothing.
 */
struct rd_suite_report {
	const char *suite;
	const struct rd_metric *metrics;
	const char *const *files;
	const char *const *regime_from;
	bool per_regime;
	int (*load)(struct rd_results *r, struct rd_err *e);
	int (*report)(const struct rd_report_ctx *ctx, FILE *f,
		      struct rd_err *e);
	int (*winner)(const struct rd_report_ctx *ctx, struct rd_winners *w,
		      struct rd_err *e);
	const char *plot;
	/*
	 * Write the plot's data rows to @f, its title into @title (no quote
	 * in it), and into @vars any further gnuplot assignments the script
	 * reads ("name=NUMBER; ..."; numbers only).  Return the number of
	 * rows (0: nothing to plot), or -errno with @e filled.
	 */
	int (*plot_data)(const struct rd_report_ctx *ctx, FILE *f,
			 char *title, size_t tlen, char *vars, size_t vlen,
			 struct rd_err *e);
};

/* Every suite's report, in the order of bench/suites.def. */
extern const struct rd_suite_report *const rd_suite_reports[];
extern const unsigned int rd_nr_suite_reports;

/**
 * rd_find() - a benchmark of a run by its keys.
 * @r:		the run.
 * @prefix:	"suite/variant" (or "suite" for a suite without variants).
 * @...:	"key", "value" pairs, then NULL.
 *
 * Return: the first benchmark of @prefix with repetitions whose keys match
 * every pair given, or NULL.
 */
struct rd_bm *rd_find(struct rd_results *r, const char *prefix, ...)
	__attribute__((sentinel));

/**
 * rd_kv() - the value of a key in a benchmark's name.
 * @b:		the benchmark.
 * @key:	the key ("design", "rate", ...).
 *
 * Return: the value, or NULL when @b's name has no such key.
 */
const char *rd_kv(const struct rd_bm *b, const char *key);

/**
 * rd_values_of() - the distinct values of a key among some benchmarks.
 * @r:		the run.
 * @prefix:	"suite/variant" of the benchmarks.
 * @key:	the key.
 * @vals:	filled with the values, each at most 47 characters.
 * @max:	room in @vals.
 *
 * In order: numbers numerically; names with RD_BASELINE first, then
 * alphabetically.
 *
 * Return: how many values were found (at most @max).
 */
int rd_values_of(struct rd_results *r, const char *prefix, const char *key,
		 char vals[][48], int max);

/* Repetitions paired with a transfer latency each (every one, or none). */
static inline bool rd_has_xfer(const struct rd_bm *b)
{
	return b->nx && b->nx == b->n;
}

/**
 * rd_push() - append a value to a growing array.
 * @arr:	the array (NULL to start).
 * @n:		its number of values.
 * @cap:	its allocated room; it grows twofold.
 * @x:		the value.
 * @e:		why it failed.
 *
 * Return: 0, or -ENOMEM with @e filled and the array as it was.
 */
int rd_push(double **arr, int *n, int *cap, double x, struct rd_err *e);

/**
 * rd_spread_pct() - interquartile range over the median, in %.
 * @b:	the benchmark, or NULL.
 *
 * Return: the spread, NAN without a benchmark or with a zero median.
 */
double rd_spread_pct(const struct rd_bm *b);

/**
 * rd_xfer_med() - the median transfer latency of a benchmark's repetitions.
 * @b:	the benchmark, or NULL.
 *
 * Return: the median in ns, NAN without any.
 */
double rd_xfer_med(const struct rd_bm *b);

/**
 * rd_drops_med() - the median drop count of a benchmark's repetitions.
 * @b:	the benchmark.
 *
 * Return: the median, 0 without any.
 */
double rd_drops_med(const struct rd_bm *b);

/**
 * rd_nmi_safe() - is a ring design safe against nesting (NMI-safe)?
 * @design:	the design's name.
 *
 * Return: true for a design of ring/designs.def whose nesting is "safe".
 */
bool rd_nmi_safe(const char *design);

/**
 * rd_project_path() - a path as a reader of the report types it.
 * @path:	the path.
 *
 * Return: @path relative to the project when it lies inside it, else @path.
 */
const char *rd_project_path(const char *path);

/**
 * rd_cell() - print a number right-aligned after a space.
 * @f:		where.
 * @width:	the column's width.
 * @v:		the number: "-" for NAN, 2, 1 or 0 decimals by size.
 */
void rd_cell(FILE *f, int width, double v);

/**
 * rd_ratio_cell() - print one benchmark's median over another's.
 * @f:		where.
 * @width:	the column's width.
 * @b:		the benchmark, or NULL.
 * @base:	the one it is compared with, or NULL.
 *
 * Prints "1.23x", or "-" without both or with a zero base.
 */
void rd_ratio_cell(FILE *f, int width, const struct rd_bm *b,
		   const struct rd_bm *base);

/**
 * rd_pct_cell() - print a percentage without decimals ("-" for NAN).
 * @f:		where.
 * @width:	the column's width.
 * @v:		the percentage.
 */
void rd_pct_cell(FILE *f, int width, double v);

/**
 * rd_section() - start a table: a blank line, then its title.
 * @f:		where.
 * @title:	the title; lines after the first start with two spaces.
 */
void rd_section(FILE *f, const char *title);

/**
 * rd_verdict() - print a verdict line against a suite's target.
 * @f:		where.
 * @met:	whether the target is met.
 * @fmt:	printf format of what was measured and the target.
 *
 * Prints "verdict: MET: ..." or "verdict: MISSED: ...".
 */
void rd_verdict(FILE *f, bool met, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * rd_note_wrapped() - print "note: TEXT", folded to stay within 80 columns.
 * @f:		where.
 * @text:	the note, one line.
 */
void rd_note_wrapped(FILE *f, const char *text);

/*
 * Load a Google Benchmark JSON file, reading its bare nan/inf tokens (which
 * JSON does not have) as null (results_io.c).
 */
#include <jansson.h>
json_t *rd_json_load_gbench(const char *path, json_error_t *jerr);
json_t *rd_json_loads_gbench(const char *text, json_error_t *jerr);

#endif /* RINGDRAIN_BENCH_REPORT_H */
