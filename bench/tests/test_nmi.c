// SPDX-License-Identifier: GPL-2.0
/*
 * test_nmi.c - the NMI-regime figure: its statistics (intervals, resolved
 * or not, the calibration check, the verdict classes), the report's table
 * and verdict on crafted runs, and the simulated counts' files.  No timing:
 * every input is a committed file or a literal.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cachesim.h"
#include "bench/nmi_stats.h"
#include "bench/report.h"

#ifndef RD_TEST_DATA
#error "RD_TEST_DATA must name bench/tests/data"
#endif

#define DATA RD_TEST_DATA

static char *report_of(const char *dir)
{
	struct rd_err err = { 0 };
	char *text = NULL;
	struct rd_results *r = rd_results_load(dir, &err);
	size_t len;
	FILE *f;

	cr_assert_not_null(r, "%s", err.msg);
	f = open_memstream(&text, &len);
	cr_assert_eq(rd_report_print(f, r, NULL, &err), 0, "%s", err.msg);
	fclose(f);
	rd_results_free(r);
	return text;
}

/* The line of @text starting with @prefix, copied to @out. */
static bool line_of(const char *text, const char *prefix, char *out, size_t len)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, prefix, strlen(prefix))) {
			size_t n = strcspn(p, "\n");

			snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
			return true;
		}
	return false;
}

static void assert_80_columns(const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		cr_assert_leq(n, 80, "line wider than 80: '%.*s'", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

Test(nmi_stats, interquartile_mean_drops_the_tails)
{
	double v[] = { 1000, 10, 12, 11, -500, 13, 9, 14 };

	/* sorted: -500 9 10 11 12 13 14 1000; middle half 10 11 12 13 */
	cr_assert_float_eq(rd_iq_mean(v, 8), 11.5, 1e-12);
	cr_assert_float_eq(rd_iq_mean(v, 0), 0, 1e-12);
}

Test(nmi_stats, bootstrap_interval_holds_the_median)
{
	const double v[] = { 48, 51, 47, 50, 49, 52, 46, 50, 49 };
	double med, lo, hi, med2, lo2, hi2;

	rd_boot_median_ci(v, 9, &med, &lo, &hi);
	cr_assert_float_eq(med, 49, 1e-12);
	cr_assert(lo <= med && med <= hi, "[%g, %g] around %g", lo, hi, med);
	cr_assert(lo >= 46 && hi <= 52, "inside the sample: [%g, %g]", lo, hi);
	cr_assert(hi > lo, "a spread sample has a spread interval");
	rd_boot_median_ci(v, 9, &med2, &lo2, &hi2);
	cr_assert(lo == lo2 && hi == hi2, "seeded: the same interval twice");
	rd_boot_median_ci(v, 1, &med, &lo, &hi);
	cr_assert_float_eq(med, 48, 1e-12);
	cr_assert(isnan(lo) && isnan(hi), "one repetition has no interval");
}

/* rd_nmi_verdict()'s verdict; the call itself must not fail. */
static enum rd_nmi_verdict verdict_of(const double *a, int na,
				      const double *b, int nb, double *p)
{
	enum rd_nmi_verdict v;

	cr_assert_eq(rd_nmi_verdict(a, na, b, nb, &v, p), 0);
	return v;
}

Test(nmi_stats, negative_and_zero_straddling_costs_are_unresolved)
{
	const double straddle[] = { -4, 3, -1, 5, 0, 2, -3 };
	const double negative[] = { -20, -15, -18, -12, -16 };
	const double positive[] = { 40, 42, 41, 39, 43 };
	double med, lo, hi;

	rd_boot_median_ci(straddle, 7, &med, &lo, &hi);
	cr_assert_not(rd_cost_resolved(lo, hi), "[%g, %g]", lo, hi);
	rd_boot_median_ci(negative, 5, &med, &lo, &hi);
	cr_assert_not(rd_cost_resolved(lo, hi), "[%g, %g]", lo, hi);
	rd_boot_median_ci(positive, 5, &med, &lo, &hi);
	cr_assert(rd_cost_resolved(lo, hi), "[%g, %g]", lo, hi);
	cr_assert_not(rd_cost_resolved(NAN, NAN));
	cr_assert_not(rd_cost_resolved(0, 5), "an interval from zero");
}

Test(nmi_stats, target_width_is_half_a_miss)
{
	cr_assert_float_eq(rd_nmi_target_width(40), 20, 1e-12);
	cr_assert_float_eq(rd_nmi_target_width(1), 1, 1e-12);
	cr_assert_float_eq(rd_nmi_target_width(NAN), 1, 1e-12);
}

Test(nmi_stats, calibration_in_order_is_reliable)
{
	const double good[] = { 10, 50, 90, 170 };
	const double near[] = { 10, 35, 90, 200 };	/* steps 25, 55, 55 */
	char why[160] = "";

	cr_assert(rd_nmi_calibration_ok(good, 40, why, sizeof(why)), "%s", why);
	cr_assert(rd_nmi_calibration_ok(near, 40, why, sizeof(why)), "%s", why);
}

Test(nmi_stats, calibration_out_of_order_is_flagged)
{
	const double swapped[] = { 10, 90, 50, 170 };
	const double flat[] = { 10, 10, 50, 130 };
	const double small[] = { 10, 14, 18, 26 };	/* 4 ns steps */
	const double large[] = { 10, 200, 390, 770 };	/* 190 ns steps */
	const double missing[] = { 10, NAN, 90, 170 };
	const double good[] = { 10, 50, 90, 170 };
	char why[160];

	cr_assert_not(rd_nmi_calibration_ok(swapped, 40, why, sizeof(why)));
	cr_assert(strstr(why, "out of order: 2 lines"), "%s", why);
	cr_assert_not(rd_nmi_calibration_ok(flat, 40, why, sizeof(why)));
	cr_assert(strstr(why, "out of order: 1 lines"), "%s", why);
	cr_assert_not(rd_nmi_calibration_ok(small, 40, why, sizeof(why)));
	cr_assert(strstr(why, "not within 2x of a 40.0 ns miss"), "%s", why);
	cr_assert_not(rd_nmi_calibration_ok(large, 40, why, sizeof(why)));
	cr_assert(strstr(why, "step 0->1 lines: 190.0 ns"), "%s", why);
	cr_assert_not(rd_nmi_calibration_ok(missing, 40, why, sizeof(why)));
	cr_assert(strstr(why, "probe 1 has no value"), "%s", why);
	cr_assert_not(rd_nmi_calibration_ok(good, NAN, why, sizeof(why)));
	cr_assert(strstr(why, "no miss latency"), "%s", why);
}

Test(nmi_stats, verdict_classes)
{
	const double rfc[] = { 60, 61, 59, 60.5, 59.5, 60, 61.5 };
	const double fast[] = { 45, 46, 44, 45.5, 44.5, 45, 46.5 };
	const double slow[] = { 75, 76, 74, 75.5, 74.5, 75, 76.5 };
	const double same[] = { 60.2, 59.8, 61, 59, 60.4, 60.6, 59.6 };
	const double straddle[] = { -4, 3, -1, 5, 0, 2, -3 };
	double p;

#define rd_nmi_verdict(a, na, b, nb, p) verdict_of(a, na, b, nb, p)
	cr_assert_eq(rd_nmi_verdict(fast, 7, rfc, 7, &p), RD_NMI_FASTER);
	cr_assert_lt(p, 0.05);
	cr_assert_eq(rd_nmi_verdict(slow, 7, rfc, 7, &p), RD_NMI_SLOWER);
	cr_assert_lt(p, 0.05);
	cr_assert_eq(rd_nmi_verdict(same, 7, rfc, 7, &p), RD_NMI_TIE);
	cr_assert_geq(p, 0.05);
	cr_assert_eq(rd_nmi_verdict(straddle, 7, rfc, 7, &p), RD_NMI_UNRESOLVED);
	cr_assert(isnan(p));
	cr_assert_eq(rd_nmi_verdict(fast, 7, straddle, 7, &p), RD_NMI_UNRESOLVED);
	cr_assert_eq(rd_nmi_verdict(fast, 1, rfc, 7, &p), RD_NMI_UNRESOLVED);
	/* 3 vs 3 cannot reach p < 0.05 (2 of 20 orderings): no tie from it */
	cr_assert_eq(rd_nmi_verdict(fast, 3, rfc, 3, &p), RD_NMI_UNRESOLVED);
	cr_assert_eq(rd_nmi_verdict(fast, 4, rfc, 4, &p), RD_NMI_FASTER);
#undef rd_nmi_verdict
	cr_assert_str_eq(rd_nmi_verdict_names[RD_NMI_UNRESOLVED],
			 "not resolved here");
}

Test(nmi_report, faster_with_simulated_counts)
{
	char *text = report_of(DATA "/nmi-faster"), line[256];

	assert_80_columns(text);
	cr_assert(strstr(text, "\ncalibration: reliable (probes in order; steps 40.0 40.0 40.0 ns a line)\n"),
		  "%s", text);
	cr_assert(strstr(text, "\nmiss latency: 40.0 ns a line"), "%s", text);
	cr_assert(strstr(text, "\nverdict: best NMI-safe perfnest vs rfc (48B): faster\n"),
		  "%s", text);
	cr_assert(strstr(text, "  simulated per call: 55 vs 40 instructions, 5.50 vs 7.50 cold lines\n"),
		  "%s", text);
	/* the rows: cost, interval, repetitions, then Ir, D1, LL net of probe 0 */
	cr_assert(line_of(text, "rfc ", line, sizeof(line)), "%s", text);
	cr_assert(strstr(line, " 60.00 ") && strstr(line, "    9 ") &&
		  strstr(line, "  40.0  7.50  0.00"), "%s", line);
	cr_assert(line_of(text, "probe 4 ", line, sizeof(line)), "%s", text);
	cr_assert(strstr(line, "170.0"), "%s", line);
	cr_assert(line_of(text, "ctxsplit ", line, sizeof(line)));
	cr_assert(strstr(line, "      -     -     -"),
		  "no counts for ctxsplit: %s", line);
	cr_assert_not(strstr(text, "not resolved here"), "%s", text);
	cr_assert_not(strstr(text, "0.5"), "the 0.5x target is retired: %s", text);
	free(text);
}

Test(nmi_report, tie_and_slower)
{
	char *tie = report_of(DATA "/nmi-tie"), *slower = report_of(DATA "/nmi-slower");

	cr_assert(strstr(tie, "\nverdict: best NMI-safe perfnest vs rfc (48B): tie\n"),
		  "%s", tie);
	cr_assert(strstr(slower, "\nverdict: best NMI-safe perfnest vs rfc (48B): slower\n"),
		  "%s", slower);
	/* a skip note, and a broken file: said, the verdict still drawn */
	cr_assert(strstr(tie, "\nnote: simulated counts skipped: no valgrind in PATH\n"),
		  "%s", tie);
	cr_assert(strstr(slower, "\nnote: bench/tests/data/nmi-slower/producer-sim.json: subject\n"),
		  "%s", slower);
	cr_assert(strstr(slower, "\"D1mr\" is not a number"), "%s", slower);
	cr_assert_not(strstr(slower, "  simulated per call: "), "%s", slower);
	assert_80_columns(tie);
	assert_80_columns(slower);
	free(tie);
	free(slower);
}

Test(nmi_report, unresolved_costs_draw_no_verdict)
{
	char *text = report_of(DATA "/nmi-unresolved"), line[256];

	cr_assert(strstr(text, "\nnote: no simulated counts in this run (no producer-sim.json)\n"),
		  "%s", text);
	assert_80_columns(text);
	cr_assert(line_of(text, "perfnest ", line, sizeof(line)), "%s", text);
	cr_assert(strstr(line, "not resolved here"), "%s", line);
	cr_assert(line_of(text, "ctxsplit ", line, sizeof(line)), "%s", text);
	cr_assert(strstr(line, "not resolved here"), "%s", line);
	cr_assert_not(strstr(line, "-15"), "a negative cost is not a result: %s",
		      line);
	cr_assert(strstr(text, "\n  ctxsplit 48: median -15.0, interval ["),
		  "the footnote names it: %s", text);
	cr_assert(line_of(text, "verdict: ", line, sizeof(line)), "%s", text);
	cr_assert_str_eq(line, "verdict: best NMI-safe vs rfc (48B): not resolved here");
	cr_assert(strstr(text, "(no NMI-safe design has a resolved cost)"), "%s", text);
	free(text);
}

Test(nmi_report, miscalibrated_table_is_flagged)
{
	char *text = report_of(DATA "/nmi-miscal"), line[256];

	assert_80_columns(text);
	cr_assert(strstr(text, "\ncalibration: UNRELIABLE, no verdict from this table:\n"
			 "  probes out of order: 2 lines 50.0 ns <= 1 lines 90.0 ns\n"),
		  "%s", text);
	cr_assert(line_of(text, "verdict: ", line, sizeof(line)), "%s", text);
	cr_assert_str_eq(line, "verdict: withheld: the calibration is unreliable (above)");
	free(text);
}

Test(cachesim, load_good_and_skipped)
{
	struct rd_err err = { 0 };
	struct rd_sim s;
	const struct rd_sim_entry *e;

	cr_assert_eq(rd_sim_load(DATA "/sim/good.json", &s, &err), 0, "%s", err.msg);
	cr_assert_eq(s.n, 3);
	cr_assert_str_empty(s.skipped);
	e = rd_sim_find(&s, "producer/nmi/design:rfc/rec:48/rate:20000/class:l3");
	cr_assert_not_null(e);
	cr_assert_float_eq(e->calls, 200, 1e-9);
	cr_assert_float_eq(e->ir / e->calls, 56, 1e-9);
	cr_assert_float_eq(e->d1mw / e->calls, 4.5, 1e-9);
	cr_assert_null(rd_sim_find(&s, "producer/nmi/design:ck/rec:48/rate:20000/class:l3"));
	rd_sim_free(&s);
	cr_assert_eq(rd_sim_load(DATA "/sim/skipped.json", &s, &err), 0, "%s", err.msg);
	cr_assert_eq(s.n, 0);
	cr_assert_str_eq(s.skipped, "simulated counts skipped: no valgrind in PATH");
	rd_sim_free(&s);
}

static void expect_sim_error(const char *file, const char *needle)
{
	struct rd_err err = { 0 };
	struct rd_sim s;

	cr_assert_lt(rd_sim_load(file, &s, &err), 0, "%s loaded", file);
	cr_assert(strstr(err.msg, needle), "%s: '%s' lacks '%s'", file, err.msg,
		  needle);
	cr_assert(strstr(err.msg, file), "the error names the file: %s",
		  err.msg);
}

Test(cachesim, load_broken_files)
{
	expect_sim_error(DATA "/sim/cut.json", "not valid JSON");
	expect_sim_error(DATA "/sim/no-subjects.json", "no \"subjects\" array");
	expect_sim_error(DATA "/sim/negative.json",
			 "rfc/rec:48/rate:20000/class:l3': \"D1mr\" is not a number >= 0");
	expect_sim_error(DATA "/sim/no-calls.json", "\"calls\" is not a number >= 1");
	expect_sim_error(DATA "/sim/no-such-file.json", "not valid JSON");
}

Test(cachesim, parse_callgrind_output)
{
	struct rd_err err = { 0 };
	struct rd_sim s;

	cr_assert_eq(rd_sim_parse_callgrind(DATA "/sim/callgrind.out", &s, &err),
		     0, "%s", err.msg);
	cr_assert_eq(s.n, 2, "two dumped parts; program termination ignored");
	cr_assert_str_eq(s.e[0].name, "producer/nmi/design:rfc/rec:32/rate:20000/class:l3");
	cr_assert_str_eq(s.e[1].name, "producer/nmi/design:rfc/rec:48/rate:20000/class:l3");
	cr_assert_float_eq(s.e[1].calls, 200, 1e-9);
	/* summary: 11200 3200 3800 3 1200 900 (DLmr, DLmw omitted: 0) */
	cr_assert_float_eq(s.e[1].ir, 11200, 1e-9);
	cr_assert_float_eq(s.e[1].dw, 3800, 1e-9);
	cr_assert_float_eq(s.e[1].d1mr, 1200, 1e-9);
	cr_assert_float_eq(s.e[1].d1mw, 900, 1e-9);
	cr_assert_float_eq(s.e[1].dlmw, 0, 1e-9);
	cr_assert_float_eq(s.e[0].d1mw, 800, 1e-9);
	rd_sim_free(&s);
	cr_assert_eq(rd_sim_parse_callgrind(DATA "/sim/callgrind-no-calls.out", &s,
					    &err), -EINVAL);
	cr_assert(strstr(err.msg, "lacks ' calls:N'"), "%s", err.msg);
	cr_assert_eq(rd_sim_parse_callgrind(DATA "/sim/callgrind-no-cache.out", &s,
					    &err), -EINVAL);
	cr_assert(strstr(err.msg, "no cache events"), "%s", err.msg);
}

Test(cachesim, write_then_load)
{
	struct rd_err err = { 0 };
	char path[64];
	struct rd_sim s, back;

	cr_assert_eq(rd_sim_parse_callgrind(DATA "/sim/callgrind.out", &s, &err),
		     0, "%s", err.msg);
	snprintf(path, sizeof(path), "/tmp/rd-sim-%d.json", getpid());
	cr_assert_eq(rd_sim_write(path, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(rd_sim_load(path, &back, &err), 0, "%s", err.msg);
	cr_assert_eq(back.n, s.n);
	for (int i = 0; i < s.n; i++) {
		cr_assert_str_eq(back.e[i].name, s.e[i].name);
		cr_assert_float_eq(back.e[i].d1mr, s.e[i].d1mr, 1e-9);
		cr_assert_float_eq(back.e[i].ir, s.e[i].ir, 1e-9);
	}
	unlink(path);
	rd_sim_free(&s);
	rd_sim_free(&back);
}
