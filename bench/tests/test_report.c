// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - the review report on committed results: medians and
 * ratios, verdict lines, 80 columns, the comparison with a base run and its
 * U test, plots, and a clear error for every malformed or foreign file.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"

#ifndef RD_TEST_DATA
#error "RD_TEST_DATA must name bench/tests/data"
#endif

#define DATA RD_TEST_DATA

static char *report_of(const char *dir, const char *base)
{
	char err[RD_REPORT_ERR_LEN] = "", *text = NULL;
	struct rd_results *r = rd_results_load(dir, err), *b = NULL;
	size_t len;
	FILE *f;

	cr_assert_not_null(r, "%s", err);
	if (base) {
		b = rd_results_load(base, err);
		cr_assert_not_null(b, "%s", err);
	}
	f = open_memstream(&text, &len);
	rd_report_print(f, r, b);
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
	char err[RD_REPORT_ERR_LEN] = "";
	struct rd_results *r = rd_results_load(DATA "/run-base", err);
	static const char *const designs[] = { "rfc", "cached", "perfnest", "seqslot" };

	cr_assert_not_null(r, "%s", err);
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

static void expect_error(const char *dir, const char *needle)
{
	char err[RD_REPORT_ERR_LEN] = "";

	cr_assert_null(rd_results_load(dir, err), "%s loaded", dir);
	cr_assert(strstr(err, needle), "%s: '%s' lacks '%s'", dir, err, needle);
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
	char err[RD_REPORT_ERR_LEN] = "", svg[64], png[64], head[8] = "";
	struct rd_results *r = rd_results_load(DATA "/run-base", err);
	FILE *f;

	cr_assert_not_null(r, "%s", err);
	snprintf(svg, sizeof(svg), "/tmp/rd-plot-%d.svg", getpid());
	snprintf(png, sizeof(png), "/tmp/rd-plot-%d.png", getpid());
	cr_assert_eq(rd_report_plot(r, svg, false, err), 0, "%s", err);
	cr_assert_eq(rd_report_plot(r, png, true, err), 0, "%s", err);
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
	unlink(svg);
	unlink(png);
	rd_results_free(r);
}
