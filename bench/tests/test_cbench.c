// SPDX-License-Identifier: GPL-2.0
/*
 * test_cbench.c - benchmarks written in C through cbench run in Google
 * Benchmark and come out in its JSON as registered: names with arguments
 * and ranges, fixed iterations, repetitions, manual time, paused time,
 * items processed and custom counters; unknown flags are refused.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cbench.h"

static void bm_counter(struct cbench_state *s, void *arg)
{
	int64_t n = 0;

	while (cbench_keep_running(s))
		n++;
	cbench_counter(s, "drops", 7, 0);
	cbench_counter(s, "per_iter", (double)n, CBENCH_COUNTER_AVG_ITERATIONS);
	cbench_set_items_processed(s, n * 3);
	cbench_set_label(s, *(const char *)arg ? arg : "none");
}

static void bm_args(struct cbench_state *s, void *arg)
{
	while (cbench_keep_running(s))
		;
	cbench_counter(s, "arg0", (double)cbench_range_arg(s, 0), 0);
}

static void bm_plain(struct cbench_state *s, void *arg)
{
	while (cbench_keep_running(s))
		;
}

static void bm_manual(struct cbench_state *s, void *arg)
{
	while (cbench_keep_running(s))
		cbench_set_iteration_time(s, 0.001);	/* 1 ms each */
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * bm_pause's own clock readings, CLOCK_MONOTONIC as Google Benchmark's real
 * time: from before the loop to after it (the benchmark's timer runs inside
 * that window), and the sum of the sleeps (each inside a paused stretch).
 */
static double pause_window_ns, pause_slept_ns;

static void bm_pause(struct cbench_state *s, void *arg)
{
	double begin = now_ns(), slept = 0;

	while (cbench_keep_running(s)) {
		double t;

		cbench_pause(s);
		t = now_ns();
		sleep_ms(30);
		slept += now_ns() - t;
		cbench_resume(s);
	}
	pause_window_ns = now_ns() - begin;
	pause_slept_ns = slept;
}

static void bm_batch(struct cbench_state *s, void *arg)
{
	int64_t batches = 0;

	while (cbench_keep_running_batch(s, 10))
		batches++;
	cbench_counter(s, "batches", (double)batches, 0);
}

static json_t *run(const char *filter, const char *extra)
{
	char out[64], fl[128], of[96];
	char *argv[] = { "t", fl, of, "--benchmark_out_format=json",
			 (char *)extra, NULL };
	json_error_t jerr;
	json_t *root;

	snprintf(out, sizeof(out), "/tmp/cbench-test-%d.json", getpid());
	snprintf(fl, sizeof(fl), "--benchmark_filter=%s", filter);
	snprintf(of, sizeof(of), "--benchmark_out=%s", out);
	cr_assert_eq(cbench_main(extra ? 5 : 4, argv), 0);
	root = json_load_file(out, 0, &jerr);
	unlink(out);
	cr_assert_not_null(root, "%s", jerr.text);
	return root;
}

static json_t *bench(json_t *root, const char *name)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	cr_assert_fail("no benchmark named %s", name);
	return NULL;
}

static double num(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);

	cr_assert(json_is_number(v), "no number %s", key);
	return json_number_value(v);
}

static void register_all(void)
{
	static const int64_t pair[] = { 3, 9 };
	static const char *const names[] = { "first", "second" };

	cbench_iterations(cbench_register("t/counter", bm_counter, "lbl"), 5);
	cbench_iterations(cbench_args(cbench_register("t/args", bm_args, NULL),
				      pair, 2), 1);
	cbench_iterations(cbench_arg_names(cbench_args(
		cbench_register("t/named", bm_args, NULL), pair, 2), names, 2), 1);
	cbench_iterations(cbench_range_multiplier(cbench_range(
		cbench_register("t/range", bm_args, NULL), 8, 64), 8), 1);
	cbench_iterations(cbench_dense_range(
		cbench_register("t/dense", bm_args, NULL), 1, 3, 1), 1);
	cbench_iterations(cbench_use_manual_time(
		cbench_register("t/manual", bm_manual, NULL)), 4);
	cbench_unit(cbench_iterations(cbench_use_real_time(
		cbench_register("t/pause", bm_pause, NULL)), 2), CBENCH_MS);
	cbench_iterations(cbench_register("t/batch", bm_batch, NULL), 30);
	cbench_repetitions(cbench_iterations(
		cbench_register("t/reps", bm_plain, NULL), 1), 3);
}

Test(cbench, registration_and_run)
{
	json_t *root, *b;

	register_all();
	cr_assert_eq(cbench_registered(), 9);
	root = run("^t/", NULL);

	b = bench(root, "t/counter/iterations:5");
	cr_assert_eq(num(b, "iterations"), 5);
	cr_assert_eq(num(b, "drops"), 7);
	cr_assert_eq(num(b, "per_iter"), 1);	/* 5 counted, averaged over 5 */
	cr_assert_gt(num(b, "items_per_second"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(b, "label")), "lbl");

	cr_assert_eq(num(bench(root, "t/args/3/9/iterations:1"), "arg0"), 3);
	cr_assert_eq(num(bench(root, "t/named/first:3/second:9/iterations:1"),
			 "arg0"), 3);
	cr_assert_eq(num(bench(root, "t/range/8/iterations:1"), "arg0"), 8);
	cr_assert_eq(num(bench(root, "t/range/64/iterations:1"), "arg0"), 64);
	cr_assert_eq(num(bench(root, "t/dense/2/iterations:1"), "arg0"), 2);

	/* Manual time: exactly what the benchmark reported, 1 ms each. */
	b = bench(root, "t/manual/iterations:4/manual_time");
	cr_assert_float_eq(num(b, "real_time"), 1e6, 1, "%f", num(b, "real_time"));

	/*
	 * Paused time is not counted: the time counted over both iterations
	 * is at most the loop's window less the sleeps, which lie inside
	 * paused stretches (1 us of slack for the conversions to ms).  With
	 * the sleeps counted it would exceed that by the sleeps.
	 */
	b = bench(root, "t/pause/iterations:2/real_time");
	cr_assert_str_eq(json_string_value(json_object_get(b, "time_unit")), "ms");
	cr_assert_geq(pause_slept_ns, 2 * 30e6, "the sleeps were cut short");
	cr_assert_leq(num(b, "real_time") * 2 * 1e6,
		      pause_window_ns - pause_slept_ns + 1e3,
		      "paused time leaked: %f ms per iteration, %f ms window, %f ms asleep",
		      num(b, "real_time"), pause_window_ns / 1e6,
		      pause_slept_ns / 1e6);

	b = bench(root, "t/batch/iterations:30");
	cr_assert_eq(num(b, "batches"), 3);

	/* Repetitions: three iteration runs plus aggregates. */
	{
		size_t i, reps = 0;
		json_t *e;

		json_array_foreach(json_object_get(root, "benchmarks"), i, e)
			if (!strcmp(json_string_value(json_object_get(e, "run_name")),
				    "t/reps/iterations:1/repeats:3") &&
			    !strcmp(json_string_value(json_object_get(e, "run_type")),
				    "iteration"))
				reps++;
		cr_assert_eq(reps, 3);
	}
	json_decref(root);
}

Test(cbench, flags_pass_through)
{
	json_t *root;

	register_all();
	root = run("^t/args", "--benchmark_repetitions=2");
	/* Only the filtered family ran, twice, plus its aggregates. */
	cr_assert_geq(json_array_size(json_object_get(root, "benchmarks")), 2);
	{
		size_t i;
		json_t *e;

		json_array_foreach(json_object_get(root, "benchmarks"), i, e)
			cr_assert(!strncmp(json_string_value(json_object_get(e, "name")),
					   "t/args/", 7));
	}
	json_decref(root);
}

Test(cbench, unknown_flag_is_refused)
{
	char *argv[] = { "t", "--benchmark_no_such_flag=1", NULL };

	register_all();
	cr_assert_eq(cbench_main(2, argv), 2);
}

Test(cbench, filter_matching_nothing_is_an_error)
{
	char *argv[] = { "t", "--benchmark_filter=^no/such/benchmark$", NULL };

	register_all();
	cr_assert_eq(cbench_main(2, argv), 2);
}

/*
 * A benchmark during whose second run the stop arrives, as from Ctrl-C.  It
 * loops in batches of 4, so 5 iterations planned are 8 run and reported.
 */
static void bm_stopper(struct cbench_state *s, void *arg)
{
	static int runs;

	while (cbench_keep_running_batch(s, 4))
		;
	if (++runs == 2)
		cbench_stop();
}

/* The error of each repetition of @name in @root, "" where none, joined. */
static void errors_of(json_t *root, const char *name, char *buf, size_t len)
{
	json_t *b;
	size_t i, o = 0;

	buf[0] = 0;
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *msg = json_string_value(json_object_get(b, "error_message"));

		if (strcmp(json_string_value(json_object_get(b, "run_name")), name) ||
		    strcmp(json_string_value(json_object_get(b, "run_type")), "iteration"))
			continue;
		o += snprintf(buf + o, len - o, "[%s]", msg ? msg : "");
	}
}

Test(cbench, stop_skips_later_runs_and_json_stays_in_memory)
{
	char *argv[] = { "t", "--benchmark_filter=t/", NULL };
	char errs[256], *text;
	json_error_t jerr;
	json_t *root;

	/*
	 * Two repetitions measured and one skipped: Google Benchmark's
	 * statistics then insist that all three report 8 iterations.
	 */
	cbench_repetitions(cbench_iterations(
		cbench_register("t/stopper", bm_stopper, NULL), 5), 3);
	cbench_repetitions(cbench_iterations(
		cbench_register("t/after", bm_plain, NULL), 1), 2);
	cr_assert_eq(cbench_init(2, argv), 0);
	cr_assert_not(cbench_stopped());
	cr_assert_eq(cbench_run_json(&text), 2);
	cr_assert(cbench_stopped());
	root = json_loads(text, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	/* The run in progress finished; every later one was skipped. */
	errors_of(root, "t/stopper/iterations:5/repeats:3", errs, sizeof(errs));
	cr_assert_str_eq(errs, "[][][" CBENCH_STOPPED "]");
	{
		json_t *b;
		size_t i, n = 0;

		json_array_foreach(json_object_get(root, "benchmarks"), i, b)
			if (!strcmp(json_string_value(json_object_get(b, "run_name")),
				    "t/stopper/iterations:5/repeats:3") &&
			    !strcmp(json_string_value(json_object_get(b, "run_type")),
				    "iteration")) {
				cr_assert_eq(json_integer_value(json_object_get(b,
						"iterations")), 8);
				n++;
			}
		cr_assert_eq(n, 3);
	}
	errors_of(root, "t/after/iterations:1/repeats:2", errs, sizeof(errs));
	cr_assert_str_eq(errs, "[" CBENCH_STOPPED "][" CBENCH_STOPPED "]");
	json_decref(root);
	free(text);

	/* A second group in the same process, after the first is forgotten. */
	cbench_clear();
	cr_assert_eq(cbench_registered(), 0);
	cbench_iterations(cbench_register("t/next", bm_plain, NULL), 1);
	cr_assert_eq(cbench_run_json(&text), 1);
	root = json_loads(text, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	errors_of(root, "t/next/iterations:1", errs, sizeof(errs));
	cr_assert_str_eq(errs, "[" CBENCH_STOPPED "]");
	json_decref(root);
	free(text);
	cbench_shutdown();
}
