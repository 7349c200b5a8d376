// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - the review report on committed results: medians and
 * ratios, verdict lines, 80 columns, the comparison with a base run and its
 * U test, plots, a clear error for every malformed or foreign file, and
 * what an unfinished run lacks.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/report.h"
#include "cli/tests/proc.h"
#include "ring/ring.h"

#ifndef RD_TEST_DATA
#error "RD_TEST_DATA must name bench/tests/data"
#endif

#define DATA RD_TEST_DATA

static char *report_of(const char *dir, const char *base)
{
	struct rd_err err = { 0 };
	char *text = NULL;
	struct rd_results *r = rd_results_load(dir, &err), *b = NULL;
	size_t len;
	FILE *f;

	cr_assert_not_null(r, "%s", err.msg);
	if (base) {
		b = rd_results_load(base, &err);
		cr_assert_not_null(b, "%s", err.msg);
	}
	f = open_memstream(&text, &len);
	cr_assert_eq(rd_report_print(f, r, b, &err), 0, "%s", err.msg);
	fclose(f);
	rd_results_free(r);
	rd_results_free(b);
	return text;
}

/* The median of one benchmark's metric, straight from the JSON file. */
static double json_median(const char *file, const char *name,
			  const char *field)
{
	json_error_t jerr;
	json_t *root = rd_json_load_gbench(file, &jerr), *e;
	double v[64];
	int n = 0;
	size_t i;

	cr_assert_not_null(root, "%s", jerr.text);
	json_array_foreach(json_object_get(root, "benchmarks"), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "run_name")), name) &&
		    !strcmp(json_string_value(json_object_get(e, "run_type")),
			    "iteration"))
			v[n++] = json_number_value(json_object_get(e, field));
	json_decref(root);
	cr_assert_gt(n, 0, "%s not in %s", name, file);
	for (int a = 0; a < n; a++)	/* insertion sort, n is small */
		for (int b = a; b > 0 && v[b] < v[b - 1]; b--) {
			double t = v[b];

			v[b] = v[b - 1];
			v[b - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Test(report, medians_match_the_json)
{
	struct rd_err err = { 0 };
	struct rd_results *r = rd_results_load(DATA "/run-base", &err);
	static const char *const designs[] = { "rfc", "cached", "perfnest", "seqslot" };

	cr_assert_not_null(r, "%s", err.msg);
	for (size_t i = 0; i < 4; i++) {
		char nmi[256], hot[256], gb_nmi[300], gb_hot[300];

		snprintf(nmi, sizeof(nmi), "producer/nmi/design:%s/rec:48/rate:20000/class:l3",
			 designs[i]);
		snprintf(gb_nmi, sizeof(gb_nmi), "%s/iterations:1000/manual_time", nmi);
		snprintf(hot, sizeof(hot), "producer/hot/design:%s/rec:48", designs[i]);
		snprintf(gb_hot, sizeof(gb_hot), "%s/manual_time", hot);
		cr_assert_float_eq(rd_results_median(r, nmi),
				   json_median(DATA "/run-base/producer.json",
					       gb_nmi, "ns_per_produce"), 1e-9,
				   "%s", nmi);
		cr_assert_float_eq(rd_results_median(r, hot),
				   json_median(DATA "/run-base/producer.json",
					       gb_hot, "real_time"), 1e-9,
				   "%s", hot);
	}
	cr_assert(isnan(rd_results_median(r, "producer/hot/design:ck/rec:48")));
	rd_results_free(r);
}

Test(report, table_and_verdicts)
{
	char *text = report_of(DATA "/run-base", NULL), *line, *save;
	int verdicts = 0;
	bool hot = false;

	cr_assert(strstr(text, "producer/hot: ns per produce()"), "%s", text);
	cr_assert(strstr(text, "producer/nmi: ns per produce(), 20000/s"), "%s", text);
	cr_assert(strstr(text, "\nrfc     "), "%s", text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		cr_assert_leq(strlen(line), 80, "line wider than 80: '%s'", line);
		if (!strncmp(line, "verdict: ", 9))
			verdicts++;
		if (!strncmp(line, "producer/", 9))
			hot = !strncmp(line, "producer/hot", 12);
		if (hot && !strncmp(line, "rfc ", 4))
			cr_assert(strstr(line, "1.00x"), "rfc is its own baseline: %s", line);
	}
	cr_assert_eq(verdicts, 1, "one verdict for producer/nmi");
	free(text);
}

Test(report, compare_with_base)
{
	char *text = report_of(DATA "/run-new", DATA "/run-base");

	cr_assert(strstr(text, "change against the base run"), "%s", text);
	cr_assert(strstr(text, "benchmarks in both runs"), "%s", text);
	cr_assert(strstr(text, "base: bench/tests/data/run-base\n"), "%s", text);
	free(text);
}

Test(report, mann_whitney_exact_values)
{
	const double lo[] = { 1, 2, 3, 4, 5 }, hi[] = { 6, 7, 8, 9, 10 };
	const double odd[] = { 1, 3, 5, 7, 9 }, even[] = { 2, 4, 6, 8, 10 };

	/* Complete separation of 5 vs 5: 2 of C(10,5) = 252 orderings. */
	cr_assert_float_eq(rd_mann_whitney_p(lo, 5, hi, 5), 2.0 / 252, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(hi, 5, lo, 5), 2.0 / 252, 1e-12);
	/* U = 10 of 25: 87 of the 252 orderings have U <= 10, p = 174/252 */
	cr_assert_float_eq(rd_mann_whitney_p(odd, 5, even, 5), 174.0 / 252, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(lo, 5, lo, 5), 1.0, 1e-12);
}

/*
 * Ties.  The expected values are exact fractions from an independent
 * enumeration (bench/tests/u_enumerate.py) of every split of the pooled
 * sample, U counted pairwise (a tie 1/2), two-sided p = 2 x the smaller
 * tail.
 */
Test(stats, u_test_all_tied_is_p_one)
{
	const double z[9] = { 0 }, one[5] = { 7, 7, 7, 7, 7 };

	cr_assert_eq(rd_mann_whitney_p(z, 9, z, 9), 1.0);
	cr_assert_eq(rd_mann_whitney_p(z, 5, z, 9), 1.0);
	cr_assert_eq(rd_mann_whitney_p(one, 5, one, 5), 1.0);
	/* above the exact limit, the normal approximation: still 1 */
	{
		double big[60] = { 0 };

		cr_assert_eq(rd_mann_whitney_p(big, 60, big, 50), 1.0);
	}
}

Test(stats, u_test_exact_with_ties)
{
	const double a[] = { 1, 2, 2, 3, 4 }, b[] = { 2, 3, 3, 5, 6, 7 };
	/* drop percentages: one run all zero, the other mostly zero */
	const double z[9] = { 0 };
	const double d[9] = { 0, 0, 0.2, 0.4, 0, 0.1, 0.3, 0, 0.5 };
	const double z5[5] = { 0 }, d5[5] = { 0, 0, 0, 0, 1.5 };

	cr_assert_float_eq(rd_mann_whitney_p(a, 5, b, 6), 4.0 / 33, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(b, 6, a, 5), 4.0 / 33, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(z, 9, d, 9), 1.0 / 34, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(d, 9, z, 9), 1.0 / 34, 1e-12);
	/* the tie-blind distribution said 0.690 here: the truth is 1 */
	cr_assert_eq(rd_mann_whitney_p(z5, 5, d5, 5), 1.0);
	/* one value against many (the smaller sample's sum is enumerated) */
	cr_assert_float_eq(rd_mann_whitney_p(d5 + 4, 1, z, 9), 2.0 / 10,
			   1e-12);
}

/* Above RD_U_EXACT_MAX: normal, tie-corrected variance, continuity 1/2. */
Test(stats, u_test_normal_with_ties)
{
	double a[60], b[50], ties = 0, n = 110, u = 0, var, z;

	for (int i = 0; i < 60; i++)
		a[i] = i % 4;		/* 15 each of 0, 1, 2, 3 */
	for (int i = 0; i < 50; i++)
		b[i] = 1 + i % 5;	/* 10 each of 1, 2, 3, 4, 5 */
	for (int i = 0; i < 60; i++)
		for (int j = 0; j < 50; j++)
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	/* groups: 0 x15, 1..3 x25, 4 x10, 5 x10 */
	ties = (15.0 * 15 * 15 - 15) + 3 * (25.0 * 25 * 25 - 25) +
	       2 * (10.0 * 10 * 10 - 10);
	var = 60.0 * 50 / 12 * (n + 1 - ties / (n * (n - 1)));
	z = (fabs(u - 1500) - 0.5) / sqrt(var);
	cr_assert_float_eq(rd_mann_whitney_p(a, 60, b, 50), erfc(z / sqrt(2)),
			   1e-12);
}

/* Without ties the exact distribution is the classic one, sample order free. */
Test(stats, u_test_without_ties_is_the_classic_exact_test)
{
	const double a[] = { 0.3, 1.7, 2.2, 9.1 }, b[] = { 2.0, 5.5, 6.1 };

	/* U = 4 of 12; 11 of the C(7,4) = 35 splits have U <= 4 */
	cr_assert_float_eq(rd_mann_whitney_p(a, 4, b, 3), 22.0 / 35, 1e-12);
	cr_assert_float_eq(rd_mann_whitney_p(b, 3, a, 4), 22.0 / 35, 1e-12);
	cr_assert(isnan(rd_mann_whitney_p(a, 0, b, 3)));
}

/* rd_median_of() gives rd_median()'s value, without touching the array. */
Test(stats, median_of_leaves_the_values)
{
	const double odd[] = { 9, 1, 5, 5, 3 }, even[] = { 8, 2, 6, 4, 4, 10 };
	double copy[6];

	cr_assert_eq(rd_median_of(odd, 5), 5);
	cr_assert_eq(odd[0], 9);
	memcpy(copy, even, sizeof(even));
	cr_assert_eq(rd_median_of(even, 6), rd_median(copy, 6));
	cr_assert_eq(rd_median_of(even, 6), 5);
	cr_assert_eq(even[0], 8);
	cr_assert(isnan(rd_median_of(even, 0)));
}

Test(stats, quantiles)
{
	double v[] = { 4, 1, 3, 2 };

	cr_assert_float_eq(rd_median(v, 4), 2.5, 1e-12);	/* sorts v */
	cr_assert_eq(v[0], 1);
	cr_assert_float_eq(rd_quantile(v, 4, 0.25), 1.75, 1e-12);
	cr_assert_float_eq(rd_quantile(v, 4, 1), 4, 1e-12);
	cr_assert(isnan(rd_quantile(v, 0, 0.5)));
}

static void expect_error(const char *dir, const char *needle)
{
	struct rd_err err = { 0 };

	cr_assert_null(rd_results_load(dir, &err), "%s loaded", dir);
	cr_assert(strstr(err.msg, needle), "%s: '%s' lacks '%s'", dir, err.msg,
		  needle);
	cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
}

Test(report, malformed_and_foreign_files)
{
	expect_error(DATA "/bad-json", "bad-json/producer.json: line");
	expect_error(DATA "/bad-json", "not valid JSON");
	expect_error(DATA "/foreign", "'BM_memcpy/64' is not one of ringdrain's");
	expect_error(DATA "/missing-metric", "lacks the number \"ns_per_produce\"");
	expect_error(DATA "/not-gbench", "not Google Benchmark output");
	expect_error(DATA "/empty", "no results");
	expect_error(DATA "/no-such-folder", "cannot read the folder");
}

Test(report, plots)
{
	struct rd_err err = { 0 };
	char svg[64], png[64], head[8] = "";
	struct rd_results *r = rd_results_load(DATA "/run-base", &err);
	FILE *f;

	cr_assert_not_null(r, "%s", err.msg);
	snprintf(svg, sizeof(svg), "/tmp/rd-plot-%d.svg", getpid());
	snprintf(png, sizeof(png), "/tmp/rd-plot-%d.png", getpid());
	cr_assert_eq(rd_report_plot(r, svg, false, &err), 0, "%s", err.msg);
	cr_assert_eq(rd_report_plot(r, png, true, &err), 0, "%s", err.msg);
	f = fopen(png, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fread(head, 1, 4, f), 4);
	fclose(f);
	cr_assert_eq(memcmp(head, "\x89PNG", 4), 0);
	f = fopen(svg, "r");
	cr_assert_not_null(f);
	{
		char buf[4096] = "";

		cr_assert_gt(fread(buf, 1, sizeof(buf) - 1, f), 0);
		cr_assert(strstr(buf, "<svg"));
	}
	fclose(f);
	/* Drawn into a temporary name, renamed: none is left. */
	snprintf(svg + 5, sizeof(svg) - 5, ".rd-plot-%d.svg.tmp.%d", getpid(),
		 getpid());
	cr_assert_neq(access(svg, F_OK), 0, "%s left behind", svg);
	snprintf(svg, sizeof(svg), "/tmp/rd-plot-%d.svg", getpid());
	unlink(svg);
	unlink(png);
	rd_results_free(r);
}

/* A plot with nothing to draw, or a path gnuplot cannot be given: one line. */
Test(report, plot_errors_name_the_plot)
{
	struct rd_err err = { 0 };
	struct rd_results *r = rd_results_load(DATA "/run-regimes", &err);
	char path[64];

	cr_assert_not_null(r, "%s", err.msg);
	snprintf(path, sizeof(path), "/tmp/rd-plot-%d.svg", getpid());
	cr_assert_eq(rd_report_plot(r, path, false, &err), -ENODATA);
	cr_assert(strstr(err.msg, "plot producer-nmi: no rows to draw in "),
		  "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
	cr_assert_neq(access(path, F_OK), 0, "%s drawn", path);
	rd_results_free(r);

	r = rd_results_load(DATA "/run-base", &err);
	cr_assert_not_null(r, "%s", err.msg);
	snprintf(path, sizeof(path), "/tmp/rd-plot-%d'x.svg", getpid());
	cr_assert_eq(rd_report_plot(r, path, false, &err), -EINVAL);
	cr_assert(strstr(err.msg, "plot producer-nmi: /tmp/rd-plot-"), "%s",
		  err.msg);
	cr_assert(strstr(err.msg, "with a quote"), "%s", err.msg);
	cr_assert_neq(access(path, F_OK), 0, "%s drawn", path);
	rd_results_free(r);
}

Test(report, incomplete_run)
{
	char *text = report_of(DATA "/incomplete", NULL), *line, *save;
	struct rd_err err = { 0 };

	cr_assert(strstr(text, "INCOMPLETE run: interrupted by SIGINT\n"
			       "suites not run or cut short: stream drain\n"
			       "benchmarks cut short: 2, 1 of them reported over fewer\n"), "%s", text);
	/* The resume command, wrapped for the shell. */
	cr_assert(strstr(text, "resume: ./ringdrain bench --suite stream,drain"),
		  "%s", text);
	cr_assert(strstr(text, " \\\n    '--benchmark_filter=design:"), "%s", text);
	/* What completed is reported as usual. */
	cr_assert(strstr(text, "producer/nmi: ns per produce(), 20000/s"), "%s", text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		cr_assert_leq(strlen(line), 80, "line wider than 80: '%s'", line);
	free(text);
	/* A complete run says nothing of the kind. */
	text = report_of(DATA "/run-base", NULL);
	cr_assert_null(strstr(text, "INCOMPLETE"), "%s", text);
	free(text);
	cr_assert_null(rd_results_load(DATA "/interrupted-early", &err));
	cr_assert(strstr(err.msg, "no results: the run was not completed and no suite finished (INCOMPLETE run: interrupted by SIGTERM; suites not run or cut short: producer; machine.json says how to resume)"),
		  "%s", err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "one line: %s", err.msg);
}

/* The text of the report between the lines starting @from and @to. */
static char *between(const char *text, const char *from, const char *to)
{
	const char *a = strstr(text, from), *b;

	cr_assert_not_null(a, "no '%s' in:\n%s", from, text);
	b = to ? strstr(a, to) : NULL;
	return strndup(a, b ? (size_t)(b - a) : strlen(a));
}

Test(report, regime_split_rule)
{
	static const double one[] = { 25, 31, 40, 55, 60 };
	static const double two[] = { 30, 175, 28, 190, 33, 181 };
	static const double three[] = { 10, 30, 31, 200 };	/* 6.5x gap wins */

	cr_assert(isinf(rd_regime_split(one, 5)), "gaps under 2x: one regime");
	cr_assert_float_eq(rd_regime_split(two, 6), sqrt(33.0 * 175.0), 1e-9);
	cr_assert_float_eq(rd_regime_split(three, 4), sqrt(31.0 * 200.0), 1e-9);
	cr_assert(isinf(rd_regime_split(two, 1)));
}

/*
 * run-regimes: every benchmark has 6 repetitions at xfer ~30 ns and 4 at
 * ~180 ns.  cached: 20, 21, 19, 20.5, 19.5, 20 (median 20.00) and 5, 5.2,
 * 4.8, 5.1 (median 5.05); pooled, the median would be 19.25.
 */
Test(report, medians_per_transfer_regime_never_pooled)
{
	char *text = report_of(DATA "/run-regimes", NULL);
	char *low = between(text, "== low-xfer regime", "== high-xfer regime");
	char *high = between(text, "== high-xfer regime", NULL);

	cr_assert(strstr(text, "l3: split at 76 ns: low 36 reps (xfer 29-33),\n"
			       "    high 24 reps (xfer 176-188)"), "%s", text);
	cr_assert(strstr(low, "cached           -   20.00"), "%s", low);
	cr_assert(strstr(high, "cached           -    5.05"), "%s", high);
	cr_assert(strstr(low, "cached        20.00"), "%s", low);
	cr_assert(strstr(high, "ck_ring        4.00"), "%s", high);
	cr_assert_null(strstr(text, "19.25"), "a pooled median:\n%s", text);
	/* ratios only within a regime: 20/10 low, 5.05/4 high */
	cr_assert(strstr(low, "= 2.00x ck_ring's best"), "%s", low);
	cr_assert(strstr(high, "= 1.26x ck_ring's best"), "%s", high);
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		cr_assert_leq(strcspn(l, "\n"), 80);
	free(low);
	free(high);
	free(text);
}

static void winners_of(const char *dir, struct rd_winners *w)
{
	struct rd_err err = { 0 };
	struct rd_results *r = rd_results_load(dir, &err);

	cr_assert_not_null(r, "%s", err.msg);
	cr_assert_eq(rd_report_winners(r, w, &err), 0, "%s", err.msg);
	rd_results_free(r);
}

/*
 * run-ties-a: seqslot has the lowest median, perfnest lies within its
 * spread, ctxsplit is clearly slower.  run-ties-b: the same values with
 * perfnest and seqslot swapped.  The tie set and the winner must be the
 * same in both, and the winner the one the rule puts first.
 */
Test(report, ties_broken_by_the_rule_on_every_run)
{
	const struct rd_ring_design *p = rd_design_find("perfnest");
	const struct rd_ring_design *s = rd_design_find("seqslot");
	size_t fp = p->size(256, 48), fs = s->size(256, 48);
	struct rd_winners a, b;

	winners_of(DATA "/run-ties-a", &a);
	winners_of(DATA "/run-ties-b", &b);
	cr_assert_eq(a.nties, 2);
	cr_assert_eq(b.nties, 2);
	cr_assert_str_eq(a.design_ties[0], "perfnest");
	cr_assert_str_eq(a.design_ties[1], "seqslot");
	cr_assert_str_eq(a.design, b.design);
	cr_assert_not_null(a.design_rule);
	/* the rule: the smaller per-CPU ring first (then atomics, lines) */
	if (fp != fs)
		cr_assert_str_eq(a.design, fp < fs ? "perfnest" : "seqslot");
	cr_assert(strstr(a.design_why, "tied"), "%s", a.design_why);
}

Test(report, a_significant_winner_is_not_a_tie)
{
	struct rd_winners w;

	winners_of(DATA "/run-ties-c", &w);
	cr_assert_eq(w.nties, 1);
	cr_assert_str_eq(w.design, "seqslot");
	cr_assert(strstr(w.design_why, "significantly"), "%s", w.design_why);
}

/* summary.json carries the tie set and the rule beside the keys export reads. */
Test(report, summary_records_ties_and_rule)
{
	char dir[] = "/tmp/ringdrain-test-ties-XXXXXX", path[600];
	json_error_t jerr;
	json_t *root, *win, *ties;
	struct rd_proc p;

	cr_assert_not_null(mkdtemp(dir));
	rd_proc_run(&p, NULL, "cp", "%s/run-ties-b/producer.json %s/", DATA,
		    dir);
	cr_assert_eq(p.status, 0, "%s: %s", p.cmd, p.err);
	rd_proc_free(&p);
	cr_assert_eq(rd_report_write(dir, false, NULL), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	root = json_load_file(path, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	win = json_object_get(root, "winners");
	cr_assert(json_is_string(json_object_get(win, "design")));
	cr_assert(json_is_string(json_object_get(win, "design_why")));
	cr_assert(json_is_string(json_object_get(win, "strategy")));
	ties = json_object_get(win, "design_ties");
	cr_assert_eq(json_array_size(ties), 2);
	cr_assert_str_eq(json_string_value(json_array_get(ties, 0)), "perfnest");
	cr_assert(strstr(json_string_value(json_object_get(win, "design_rule")),
			 "smallest per-CPU ring"));
	json_decref(root);
	rd_proc_run(&p, NULL, "rm", "-r %s", dir);
	cr_assert_eq(p.status, 0, "%s: %s", p.cmd, p.err);
	rd_proc_free(&p);
}

/*
 * run-ties-d: run-ties-a plus 6 perfnest repetitions at xfer ~180 ns and
 * ~45 ns per produce.  Pooled, perfnest would be significantly slower; in
 * the dominant (low) regime it ties with seqslot as in run-ties-a.
 */
Test(report, winner_within_one_transfer_regime)
{
	struct rd_winners a, d;

	winners_of(DATA "/run-ties-a", &a);
	winners_of(DATA "/run-ties-d", &d);
	cr_assert_eq(d.nties, 2, "%s", d.design_why);
	cr_assert_str_eq(d.design, a.design);
	cr_assert(strstr(d.design_why, "6 repetitions of 21 in the other left out"),
		  "%s", d.design_why);
}
