// SPDX-License-Identifier: GPL-2.0
/*
 * test_stress.c - the stress proofs, each a Criterion suite that CTest runs
 * on its own (stress/tests/CMakeLists.txt):
 *
 *   cli		bad arguments, perf refused (exit 3), --json, the
 *			progress line;
 *   matrix		every design, thread and signal modes, both record
 *			sizes: exit 0 and the summary line balances;
 *   nest		nest mode with natural signal timing: every NMI-safe
 *			design and rfc/rfc-fixed exit 0, signals did land inside
 *			produce(), rfc/rfc-fixed count nested drops;
 *   aimed		hooks build, a nesting signal raised at every hook point
 *			in turn, depth 2 included: NMI-safe designs keep every
 *			record, rfc/rfc-fixed drop and count, and the designs
 *			`ringdrain list` calls unsafe lose, tear or duplicate;
 *   tsan		ThreadSanitizer build, thread mode: every design but rfc
 *			clean; rfc's report is exactly its tail race; ck's
 *			annotations (ring/ck.c) pass their control;
 *   asan		ASan+UBSan builds: the signal matrix and the aimed nest
 *			matrix without a sanitizer report.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ring/ring.h"
#include "summary.h"

#if !defined(RD_BIN) || !defined(RD_STRESS_HOOKS) || \
	!defined(RD_STRESS_ASAN) || !defined(RD_STRESS_HOOKS_ASAN) || \
	!defined(RD_STRESS_TSAN) || !defined(RD_TSAN_CK_CONTROL) || \
	!defined(RD_TSAN_CK_CONTROL_NO_ACQUIRE) || !defined(RD_DENY_PERF)
#error "the stress binaries must be named at build time"
#endif

struct sp {
	char design[16];
	unsigned int rec;
	enum rd_nesting nesting;
};

#define SP_MAX	32

/* Every design with both record sizes; @nest_ok: only safe and drops. */
static size_t sp_params(struct sp *p, bool nest_ok)
{
	size_t n = 0;

	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		if (nest_ok && rd_designs[i]->nesting == RD_NEST_UNSAFE)
			continue;
		for (int f = 0; f < 2; f++) {
			snprintf(p[n].design, sizeof(p[n].design), "%s",
				 rd_designs[i]->name);
			p[n].rec = f ? 32 : 48;
			p[n].nesting = rd_designs[i]->nesting;
			n++;
		}
	}
	return n;
}

/* The Criterion parameters of suite/test: sp_params(@nest_ok). */
#define SP_PARAMETERS(suite, test, nest_ok)				\
ParameterizedTestParameters(suite, test)				\
{									\
	static struct sp p[SP_MAX];					\
									\
	return cr_make_param_array(struct sp, p, sp_params(p, nest_ok)); \
}									\
struct sp_unused_##suite##_##test

static json_t *sp_json(const struct rd_proc *r)
{
	json_error_t jerr;
	json_t *o = json_loads(r->out, 0, &jerr);

	cr_assert_not_null(o, "%s: stdout is not JSON (%s): %s", r->cmd,
			   jerr.text, r->out);
	return o;
}

/* Summary line present, exit as expected, counts that balance. */
static void sp_expect_clean_line(const struct rd_proc *r, const struct sp *p,
				 const char *mode)
{
	struct rs_line l;

	cr_assert_eq(r->status, 0, "%s exited %d:\n%s%s", r->cmd, r->status,
		     r->out, r->err);
	cr_assert(rs_last_line(r->out, &l), "%s: last line is not the summary:\n%s",
		  r->cmd, r->out);
	cr_assert_str_eq(l.design, p->design);
	cr_assert_str_eq(l.mode, mode);
	cr_assert(l.lost == 0 && l.torn == 0 && l.dup == 0 && l.reorder == 0,
		  "%s: %s", r->cmd, r->out);
	cr_assert_eq(l.produced, l.consumed + l.dropped_full + l.dropped_nested,
		     "%s: produced != consumed + dropped:\n%s", r->cmd, r->out);
	cr_assert_gt(l.consumed, 1000, "%s: only %llu records went through",
		     r->cmd, l.consumed);
}

/* ---- cli ---------------------------------------------------------------- */

static void expect_usage(const char *args, const char *needle)
{
	struct rd_proc r;

	rd_proc_run(&r, NULL, RD_BIN, "stress %s", args);
	cr_assert_eq(r.status, 2, "'stress %s' exited %d, want 2: %s", args,
		     r.status, r.err);
	cr_assert(strchr(r.err, '\n') && !strchr(strchr(r.err, '\n') + 1, '\n'),
		  "'stress %s': want one line on stderr: %s", args, r.err);
	cr_assert(strstr(r.err, needle), "'stress %s': '%s' lacks '%s'", args,
		  r.err, needle);
	cr_assert_str_empty(r.out, "'stress %s' printed on stdout: %s", args,
			    r.out);
	rd_proc_free(&r);
}

Test(cli, bad_arguments_exit_2_with_one_line)
{
	expect_usage("--design perfnest --mode bogus", "--mode: 'bogus' is not a mode");
	expect_usage("--design nosuch --mode thread", "--design: 'nosuch' is not a ring design");
	expect_usage("--mode thread", "--design is required");
	expect_usage("--design rfc", "--mode is required");
	expect_usage("--design rfc --mode thread --seconds 0", "--seconds: '0' too small (expected S above 0 and at most 86400)");
	expect_usage("--design rfc --mode thread --seconds -3", "--seconds: '-3' too small");
	expect_usage("--design rfc --mode thread --seconds 1e9", "--seconds: '1e9' too large");
	expect_usage("--design rfc --mode thread --seconds soon", "--seconds: 'soon'");
	expect_usage("--design rfc --mode thread --producers 0", "--producers: '0' too small");
	expect_usage("--design rfc --mode thread --producers 100000", "--producers: '100000' too large");
	expect_usage("--design rfc --mode thread --producers -1", "--producers: '-1' must not be negative");
	expect_usage("--design rfc --mode thread --capacity 100", "not a power of two");
	expect_usage("--design rfc --mode thread --capacity 1", "--capacity: '1' too small");
	expect_usage("--design ctxsplit --mode thread --capacity 16777216 --producers 64",
		     "--capacity: 16777216 slots x 64 producers need");
	expect_usage("--design rfc --mode thread --record 40", "--record: '40' must be 48 (full) or 32 (compact)");
	expect_usage("--design rfc --mode thread --drain-us 5000000", "--drain-us: '5000000' too large");
	expect_usage("--design rfc --mode thread --seed x1", "--seed: 'x1'");
	expect_usage("--design rfc --mode thread extra", "unexpected argument 'extra'");
	/* aiming exists only in the hooks build */
	expect_usage("--design rfc --mode nest --aim 3", "unknown option '--aim'");
}

Test(cli, aim_only_in_nest_mode)
{
	struct rd_proc r;

	rd_proc_run(&r, NULL, RD_STRESS_HOOKS, "--design rfc --mode thread --aim 3");
	cr_assert_eq(r.status, 2, "%s exited %d", r.cmd, r.status);
	cr_assert(strstr(r.err, "--aim: only in --mode nest"), "%s", r.err);
	rd_proc_free(&r);
}

/* Where perf events are not permitted: say so, exit 3 (tests: skipped). */
Test(cli, perf_not_permitted_exits_3)
{
	struct rd_proc r;

	rd_proc_run(&r, "LD_PRELOAD=" RD_DENY_PERF, RD_BIN,
		"stress --design perfnest --mode perf --seconds 1");
	cr_assert_eq(r.status, 3, "%s exited %d: %s", r.cmd, r.status, r.err);
	cr_assert(strstr(r.err, "ringdrain stress: perf events are not permitted here: perf_event_open(cpu-clock sampling) failed: Permission denied (kernel.perf_event_paranoid="),
		  "%s: %s", r.cmd, r.err);
	rd_proc_free(&r);
}

Test(cli, json_and_progress)
{
	unsigned long long last[8] = { 0 };
	unsigned int last_t = 0;
	struct rd_proc r;
	json_t *o;
	int lines = 0;

	rd_proc_run(&r, NULL, RD_BIN,
		"stress --design seqslot --mode thread --seconds 3.5 --json --progress");
	cr_assert_eq(r.status, 0, "%s exited %d: %s", r.cmd, r.status, r.err);
	o = sp_json(&r);
	cr_assert_str_eq(json_string_value(json_object_get(o, "design")),
			 "seqslot");
	cr_assert(json_is_true(json_object_get(o, "clean")));
	cr_assert_eq(rs_num(o, "produced"), rs_num(o, "consumed") +
		     rs_num(o, "dropped_full") + rs_num(o, "dropped_nested"));
	cr_assert_eq(rs_num(o, "accepted"), rs_num(o, "consumed"));
	cr_assert_eq(rs_num(o, "unaccounted"), 0);
	/*
	 * stderr holds only progress lines, at most one per whole second of
	 * the run, each at a later second than the one before, with counts
	 * that never go back and never pass the final summary's.  Their
	 * number depends on scheduling; only one, in the 2.5 s after the
	 * first second, is required.
	 */
	for (const char *s = r.err; *s; s = strchr(s, '\n') + 1) {
		unsigned int t, total;
		unsigned long long v[8];
		int used = -1;

		cr_assert(sscanf(s, "stress: %u/%u s produced=%llu accepted=%llu consumed=%llu dropped_full=%llu dropped_nested=%llu torn=%llu dup=%llu reorder=%llu\n%n",
				 &t, &total, &v[0], &v[1], &v[2], &v[3], &v[4],
				 &v[5], &v[6], &v[7], &used) == 10 && used > 0 &&
			  s[used - 1] == '\n',
			  "not a progress line: %s", s);
		cr_assert(t >= 1 && t < 3.5 && t > last_t,
			  "progress at %u s after %u s of a 3.5 s run:\n%s", t,
			  last_t, r.err);
		for (int i = 0; i < 8; i++)
			cr_assert_geq(v[i], last[i], "a count went back:\n%s",
				      r.err);
		memcpy(last, v, sizeof(last));
		last_t = t;
		lines++;
	}
	cr_assert_geq(lines, 1, "no progress line in a 3.5 s run");
	cr_assert_leq(last[0], rs_num(o, "produced"));
	cr_assert_leq(last[2], rs_num(o, "consumed"));
	cr_assert_leq(last[3], rs_num(o, "dropped_full"));
	json_decref(o);
	rd_proc_free(&r);
}

/* ---- matrix: thread and signal modes, plain build ------------------------ */

SP_PARAMETERS(matrix, thread_and_signal, false);

ParameterizedTest(struct sp *p, matrix, thread_and_signal)
{
	static const char *const modes[] = { "thread", "signal" };

	for (int m = 0; m < 2; m++) {
		struct rd_proc r;

		/* continuous drain: producer and consumer overlap all the time */
		rd_proc_run(&r, NULL, RD_BIN,
			"stress --design %s --mode %s --seconds 1 --record %u --drain-us %d",
			p->design, modes[m], p->rec, m ? 5000 : 0);
		sp_expect_clean_line(&r, p, modes[m]);
		rd_proc_free(&r);
	}
}

/* ---- nest: natural timing, plain build ----------------------------------- */

SP_PARAMETERS(nest, natural, true);

ParameterizedTest(struct sp *p, nest, natural)
{
	struct rd_proc r;
	json_t *o;

	rd_proc_run(&r, NULL, RD_BIN,
		"stress --design %s --mode nest --seconds 2 --record %u --drain-us 0 --json",
		p->design, p->rec);
	cr_assert_eq(r.status, 0, "%s exited %d: %s%s", r.cmd, r.status, r.out,
		     r.err);
	o = sp_json(&r);
	cr_assert(json_is_true(json_object_get(o, "clean")), "%s", r.out);
	cr_assert_eq(rs_num(o, "produced"), rs_num(o, "consumed") +
		     rs_num(o, "dropped_full") + rs_num(o, "dropped_nested"),
		     "%s", r.out);
	/* the handlers did run on top of a task-context produce() */
	cr_assert_gt(rs_level(o, 1, "nested"), 0, "%s: no nesting", r.out);
	if (p->nesting == RD_NEST_SAFE)
		cr_assert_eq(rs_num(o, "dropped_nested"), 0, "%s", r.out);
	else
		cr_assert_gt(rs_num(o, "dropped_nested"), 0,
			     "%s: no nested drop counted", r.out);
	json_decref(o);
	rd_proc_free(&r);
}

/* ---- aimed: hooks build, nesting signal at every hook point --------------- */

/*
 * Run nest mode with --aim in @bin: a nesting signal raised at a hook point
 * of every 8th task-context produce(), the point advancing each time, and a
 * second one inside every aimed depth-1 produce() (depth 2).
 */
static void aimed_run(const struct sp *p, const char *bin, const char *env)
{
	struct rd_proc r;
	json_t *o;

	rd_proc_run(&r, env, bin,
		"--design %s --mode nest --seconds 1 --record %u --drain-us 0 --aim 8 --json",
		p->design, p->rec);
	cr_assert(!rs_sanitizer_spoke(&r), "%s: sanitizer report:\n%s", r.cmd,
		  r.err);
	o = sp_json(&r);
	cr_assert_gt(rs_num(o, "aimed"), 100, "%s: aim never fired: %s",
		     r.cmd, r.out);
	switch (p->nesting) {
	case RD_NEST_SAFE:
		cr_assert_eq(r.status, 0, "%s exited %d: %s", r.cmd, r.status,
			     r.out);
		cr_assert_eq(rs_num(o, "dropped_nested"), 0, "%s", r.out);
		/* nested records really went in, at depth 1 and depth 2 */
		cr_assert_gt(rs_num(o, "aimed_accepted"), 100, "%s", r.out);
		cr_assert_gt(rs_level(o, 2, "nested_accepted"), 0, "%s", r.out);
		break;
	case RD_NEST_DROPS:
		cr_assert_eq(r.status, 0, "%s exited %d: %s", r.cmd, r.status,
			     r.out);
		cr_assert_gt(rs_num(o, "dropped_nested"), 100,
			     "%s: nested drops not counted: %s", r.cmd, r.out);
		break;
	case RD_NEST_UNSAFE:
		cr_assert_eq(r.status, 1, "%s: listed as unsafe, exited %d: %s",
			     r.cmd, r.status, r.out);
		cr_assert_gt(rs_num(o, "lost") + rs_num(o, "torn") +
			     rs_num(o, "dup"), 0, "%s", r.out);
		break;
	}
	json_decref(o);
	rd_proc_free(&r);
}

SP_PARAMETERS(aimed, every_design, false);

ParameterizedTest(struct sp *p, aimed, every_design)
{
	aimed_run(p, RD_STRESS_HOOKS, NULL);
}

/* ---- tsan: thread mode under ThreadSanitizer ------------------------------ */

/* Does the report starting at @w stop before @end? */
static bool within(const char *w, const char *end, const char *needle)
{
	const char *s = strstr(w, needle);

	return s && s < end;
}

/*
 * rfc's finding: kdamond's plain tail store lets the producer reuse a slot
 * kdamond may still be reading.  TSan shows it as a write to the slot in
 * damon_rfc_produce() after a read of it in damon_rfc_consume() that does
 * not happen before it.  (kcompat.h annotates rfc's smp_wmb/smp_rmb head
 * publication, which TSan cannot model; without that it reports a false
 * race on the head side instead, and that report hides this one, since
 * TSan does not record an access it has reported.)  Every report must be
 * this one, and at least one must carry both stacks.
 */
static void expect_rfc_tail_race(const struct rd_proc *r)
{
	const char *w = r->err;
	int reports = 0, with_stacks = 0;

	while ((w = strstr(w, "WARNING: ThreadSanitizer: "))) {
		const char *end = strstr(w + 1, "WARNING: ThreadSanitizer: ");
		const char *prev = strstr(w, "Previous read of size");

		if (!end)
			end = w + strlen(w);
		cr_assert(strncmp(w, "WARNING: ThreadSanitizer: data race", 35) == 0,
			  "%s: not a data race: %.300s", r->cmd, w);
		cr_assert(within(w, end, "  Write of size") &&
			  within(w, end, "damon_rfc_produce") &&
			  prev && prev < end,
			  "%s: a report that is not the tail race:\n%.2000s",
			  r->cmd, w);
		cr_assert(within(w, end, "Thread T") &&
			  within(w, end, "'rd-consumer'"),
			  "%s: the earlier read is not the consumer's:\n%.2000s",
			  r->cmd, w);
		with_stacks += within(prev, end, "damon_rfc_consume");
		reports++;
		w = end;
	}
	cr_assert_gt(reports, 0, "%s: TSan did not report rfc's tail race:\n%s",
		     r->cmd, r->err);
	cr_assert_gt(with_stacks, 0,
		     "%s: no report shows the consumer's read stack:\n%s",
		     r->cmd, r->err);
}

SP_PARAMETERS(tsan, thread_mode, false);

ParameterizedTest(struct sp *p, tsan, thread_mode)
{
	struct rd_proc r;

	rd_proc_run(&r, RS_TSAN_ENV, RD_STRESS_TSAN,
		"--design %s --mode thread --seconds 1 --record %u --capacity 64 --drain-us 0",
		p->design, p->rec);
	if (strcmp(p->design, "rfc") == 0) {
		cr_assert_eq(r.status, RS_SANITIZER_EXIT, "%s exited %d",
			     r.cmd, r.status);
		expect_rfc_tail_race(&r);
	} else {
		cr_assert(!rs_sanitizer_spoke(&r), "%s: TSan report:\n%s",
			  r.cmd, r.err);
		cr_assert_eq(r.status, 0, "%s exited %d: %s", r.cmd, r.status,
			     r.out);
	}
	rd_proc_free(&r);
}

/*
 * ck's ordering lives in inline assembly that TSan cannot see; ring/ck.c
 * announces it at ck's index loads and stores.  The control shows that the
 * slot accesses are still checked: without the acquire after each index
 * load, TSan reports the consumer reading a slot the producer wrote.
 */
Test(tsan, ck_annotations_are_not_blind)
{
	struct rd_proc r;

	rd_proc_run(&r, RS_TSAN_ENV, RD_TSAN_CK_CONTROL, "%s", "");
	cr_assert(!rs_sanitizer_spoke(&r) && r.status == 0,
		  "%s exited %d:\n%s", r.cmd, r.status, r.err);
	rd_proc_free(&r);
	rd_proc_run(&r, RS_TSAN_ENV, RD_TSAN_CK_CONTROL_NO_ACQUIRE, "%s", "");
	cr_assert_eq(r.status, RS_SANITIZER_EXIT, "%s exited %d:\n%s", r.cmd,
		     r.status, r.err);
	cr_assert(strstr(r.err, "WARNING: ThreadSanitizer: data race") &&
		  strstr(r.err, "rd_ck_consume") &&
		  strstr(r.err, "rd_ck_produce"),
		  "%s: not the slot race:\n%s", r.cmd, r.err);
	rd_proc_free(&r);
}

/* ---- asan: ASan + UBSan, signal mode and aimed nest mode ------------------ */

SP_PARAMETERS(asan, signal_and_nest, false);

ParameterizedTest(struct sp *p, asan, signal_and_nest)
{
	struct rd_proc r;

	rd_proc_run(&r, RS_ASAN_ENV, RD_STRESS_ASAN,
		"--design %s --mode signal --seconds 1 --record %u", p->design,
		p->rec);
	cr_assert(!rs_sanitizer_spoke(&r), "%s: sanitizer report:\n%s", r.cmd,
		  r.err);
	sp_expect_clean_line(&r, p, "signal");
	rd_proc_free(&r);
	aimed_run(p, RD_STRESS_HOOKS_ASAN, RS_ASAN_ENV);
}
