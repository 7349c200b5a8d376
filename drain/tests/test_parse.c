// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - the trace and layout readers: what they accept, and for
 * every kind of bad line, "NAME:LINE: what is wrong".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "drain/drain.h"

static int layout(const char *text, struct drain_layout *l,
		  struct rd_err *err)
{
	return drain_layout_parse(text, strlen(text), "t.layout", l, err);
}

/* A rejected input's message: "WHERE...WHAT...", one line. */
static void expect_err(int ret, const struct rd_err *e, const char *text,
		       const char *where, const char *what)
{
	const char *err = e->msg;

	cr_assert_eq(ret, -EINVAL, "accepted: %s", text);
	cr_assert_eq(e->code, EINVAL, "%s", err);
	cr_assert(strncmp(err, where, strlen(where)) == 0,
		  "'%s' does not start with '%s'", err, where);
	cr_assert(strstr(err, what), "'%s' lacks '%s'", err, what);
	cr_assert_null(strchr(err, '\n'), "one line: %s", err);
}

static void layout_bad(const char *text, const char *where, const char *what)
{
	struct drain_layout l;
	struct rd_err err = { 0 };

	expect_err(layout(text, &l, &err), &err, text, where, what);
	drain_layout_free(&l);
}

Test(layout, accepts_the_documented_format)
{
	struct drain_layout l;
	struct rd_err err = { 0 };

	cr_assert_eq(layout("# pid start end\n"
			    "100 0x1000 0x2000\n"
			    "100\t0x2000 0x3000   # touching is fine\n"
			    "\n"
			    "100 16384 20480\r\n"
			    "7 0x1000 0x2000\n"
			    "7 0xfffffffffffff000 0xffffffffffffffff\n",
			    &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 5);
	cr_assert_not(l.physical);
	cr_assert_eq(l.e[2].start, 16384);
	cr_assert_eq(l.e[4].end, ~0UL);
	drain_layout_free(&l);

	cr_assert_eq(layout("0 0x0 0x1000\n0 0x1000 0x2000\n", &l, &err), 0);
	cr_assert(l.physical);
	drain_layout_free(&l);
}

/* A 'target' line starts a second target of a tgid: A 100, B 7, C 100, D 100. */
Test(layout, target_lines_give_a_tgid_several_targets)
{
	struct drain_layout l;
	struct damon_ctx *ctx;
	struct damon_target *t;
	struct rd_err err = { 0 };
	static const pid_t want_pid[] = { 100, 7, 100, 100 };
	static const unsigned int want_nr[] = { 2, 1, 1, 1 };
	unsigned int k = 0;

	cr_assert_eq(layout("100 0x1000 0x2000\n"
			    "100 0x2000 0x3000\n"
			    "7 0x1000 0x2000\n"
			    "target   # a second target of tgid 100\n"
			    "100 0x1800 0x2800\n"
			    "\ttarget\n"
			    "100 0x0 0x1000\n",
			    &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 5);
	cr_assert_not(l.e[2].new_target);
	cr_assert(l.e[3].new_target);
	cr_assert(l.e[4].new_target);
	ctx = drain_ctx_from_layout(&l, NULL, 1, &err);
	cr_assert(ctx, "%s", err.msg);
	damon_for_each_target(t, ctx) {
		cr_assert_lt(k, 4);
		cr_assert_eq(damon_target_pid_nr(t), want_pid[k]);
		cr_assert_eq(damon_nr_regions(t), want_nr[k]);
		k++;
	}
	cr_assert_eq(k, 4);
	cr_assert_eq(ctx->nr_dup_targets, 2);
	drain_ctx_free(ctx);
	drain_layout_free(&l);

	/* A leading 'target' line is the first target's. */
	cr_assert_eq(layout("target\n5 0x1000 0x2000\n", &l, &err), 0, "%s", err.msg);
	cr_assert_eq(l.n, 1);
	drain_layout_free(&l);
}

Test(layout, rejects_bad_lines_with_file_and_line)
{
	layout_bad("1 0x1000\n", "t.layout:1:", "expected 'tgid start end' or 'target', found 2 fields");
	layout_bad("1 2 3 4 5 6 7 8 9 10\n", "t.layout:1:", "more than 8 fields");
	layout_bad("\n\nx 0x1000 0x2000\n", "t.layout:3:", "tgid 'x' is not a number");
	layout_bad("1 0x1000 0x2000\n-1 0x1000 0x2000\n", "t.layout:2:", "not a number");
	layout_bad("1 0x10g0 0x2000\n", "t.layout:1:", "start '0x10g0' is not a number");
	layout_bad("1 0x0 0x10000000000000000\n", "t.layout:1:", "out of range");
	layout_bad("5000000 0x0 0x1000\n", "t.layout:1:", "above the limit");
	layout_bad("1 0x2000 0x2000\n", "t.layout:1:", "not above start");
	layout_bad("1 0x3000 0x2000\n", "t.layout:1:", "not above start");
	layout_bad("1 0x1000 0x3000\n1 0x2000 0x4000\n", "t.layout:2:", "overlaps the previous one");
	layout_bad("1 0x5000 0x6000\n1 0x1000 0x2000\n", "t.layout:2:", "must be sorted");
	layout_bad("1 0x1000 0x2000\n2 0x1000 0x2000\n1 0x3000 0x4000\n",
		   "t.layout:3:", "tgid 1 appears again after tgid 2");
	layout_bad("0 0x1000 0x2000\n3 0x3000 0x4000\n", "t.layout:2:", "physical");
	layout_bad("3 0x1000 0x2000\n0 0x3000 0x4000\n", "t.layout:2:", "physical");
	layout_bad("1 0x1000 0x2000\n2 0x1000 0x2000\n1 0x3000 0x4000\n",
		   "t.layout:3:", "or put a 'target' line before a second target of tgid 1");
	layout_bad("1 0x1000 0x2000\ntarget 1\n", "t.layout:2:",
		   "expected 'target' alone on its line, found 2 fields");
	layout_bad("1 0x1000 0x2000\ntarget\n\ntarget\n1 0x0 0x1000\n",
		   "t.layout:4:", "the target started at line 2 has no regions");
	layout_bad("1 0x1000 0x2000\ntarget\n# end\n", "t.layout:3:",
		   "the target started at line 2 has no regions");
	layout_bad("0 0x1000 0x2000\ntarget\n0 0x3000 0x4000\n", "t.layout:2:",
		   "a second target in a physical layout");
	layout_bad("target\n0 0x1000 0x2000\n0 0x3000 0x4000\ntarget\n",
		   "t.layout:4:", "a second target in a physical layout");
	layout_bad("1 0x1000 0x2000\ntarget\n0 0x3000 0x4000\n", "t.layout:3:",
		   "cannot be mixed");
	{
		static const char nul[] = "1 0x1000 0x2000\n1 0x2000\0 0x3000\n";
		struct drain_layout l;
		struct rd_err err = { 0 };

		cr_assert_eq(drain_layout_parse(nul, sizeof(nul) - 1, "t.layout",
						&l, &err), -EINVAL);
		cr_assert(strstr(err.msg, "t.layout:2: start '0x2000?' is not a number"),
			  "%s", err.msg);
		drain_layout_free(&l);
	}
	layout_bad("# nothing\n\n", "t.layout:", "no regions");
	layout_bad("", "t.layout:", "no regions");
}

Test(layout, load_reports_a_missing_file)
{
	struct drain_layout l;
	struct rd_err err = { 0 };

	cr_assert_eq(drain_layout_load("/nonexistent/x.layout", &l, &err),
		     -ENOENT);
	cr_assert(strstr(err.msg, "/nonexistent/x.layout: cannot open"), "%s", err.msg);
}

static int trace(const char *text, unsigned long sample, struct drain_trace *t,
		 struct rd_err *err)
{
	struct drain_trace_opts o = { .sample = sample, .lackey_tgid = 77 };

	return drain_trace_parse(text, strlen(text), "t.trace", &o, t, err);
}

static void trace_bad(const char *text, const char *where, const char *what)
{
	struct drain_trace t;
	struct rd_err err = { 0 };

	expect_err(trace(text, 1, &t, &err), &err, text, where, what);
	drain_trace_free(&t);
}

Test(trace, reads_the_text_format)
{
	struct drain_trace t;
	struct rd_err err = { 0 };

	cr_assert_eq(trace("# tgid addr size cpu r|w\n"
			   "100 0x7f0000001000 4096 3 r\n"
			   "100 140737488355328 8 0 w\n"
			   "0 0xffffffffffffffff 1 1 r\n", 1, &t, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(t.format, DRAIN_TRACE_TEXT);
	cr_assert_eq(t.n, 3);
	cr_assert_eq(t.nr_cpus, 4);
	cr_assert_eq(t.recs[0].addr, 0x7f0000001000UL);
	cr_assert_eq(t.recs[0].size, 4096);
	cr_assert_eq(t.recs[0].tgid, 100);
	cr_assert_not(t.recs[0].write);
	cr_assert(t.recs[1].write);
	cr_assert_eq(t.recs[2].addr, ~0UL);
	drain_trace_free(&t);
}

Test(trace, detects_lackey_and_samples)
{
	static const char lk[] =
		"==123== Lackey, an example Valgrind tool\n"
		"==123== Command: sort -n in.txt\n"
		"==123== \n"
		"I  0401ab70,3\n"
		" S 1fff000608,8\n"
		" L 04222cac,4\n"
		"I  0401ab73,5\n"
		" M 0425a9c8,4\n"
		" L 04222cb0,16\n"
		" S 1fff000600,8\n"
		"==123== Exit code:       0\n";
	struct drain_trace t;
	struct rd_err err = { 0 };

	cr_assert_eq(trace(lk, 1, &t, &err), 0, "%s", err.msg);
	cr_assert_eq(t.format, DRAIN_TRACE_LACKEY);
	cr_assert_eq(t.n, 5, "instruction fetches are not data accesses");
	cr_assert_eq(t.accesses, 5);
	cr_assert_eq(t.recs[0].addr, 0x1fff000608UL);
	cr_assert(t.recs[0].write, "S is a write");
	cr_assert_not(t.recs[1].write, "L is a read");
	cr_assert(t.recs[2].write, "M (modify) is a write");
	cr_assert_eq(t.recs[3].size, 16);
	cr_assert_eq(t.recs[0].tgid, 77);
	drain_trace_free(&t);

	cr_assert_eq(trace(lk, 2, &t, &err), 0, "%s", err.msg);
	cr_assert_eq(t.n, 3, "every 2nd of 5: the 1st, 3rd and 5th");
	cr_assert_eq(t.recs[1].addr, 0x0425a9c8UL);
	cr_assert_eq(t.accesses, 5);
	drain_trace_free(&t);
}

Test(trace, rejects_bad_lines_with_file_and_line)
{
	trace_bad("1 0x1000 8 0\n", "t.trace:1:", "expected 'tgid addr size cpu r|w', found 4 fields");
	trace_bad("1 0x1000 8 0 x\n", "t.trace:1:", "access 'x' is neither r nor w");
	trace_bad("1 0x1000 8 0 rw\n", "t.trace:1:", "neither r nor w");
	trace_bad("1 0x1000 0 0 r\n", "t.trace:1:", "size 0");
	trace_bad("1 0x1000 8 4096 r\n", "t.trace:1:", "cpu 4096 is above the limit");
	trace_bad("1 0x1000 8 0 r\n1 zz 8 0 r\n", "t.trace:2:", "addr 'zz' is not a number");
	trace_bad("1 0x1000 8 0 r\n L 04222cac,4\n", "t.trace:2:", "found 2 fields");
	trace_bad("I  0401ab70,3\n1 0x1000 8 0 r\n", "t.trace:2:", "not a lackey line");
	trace_bad(" L 04222cac\n", "t.trace:1:", "without ',size'");
	trace_bad(" L 0422zcac,4\n", "t.trace:1:", "lackey address '0422zcac' is not a number");
	trace_bad(" L 04222cac,x\n", "t.trace:1:", "lackey size 'x' is not a number");
	trace_bad(" L 04222cac,0\n", "t.trace:1:", "lackey size 0");
	trace_bad(" S 11112222333344445,8\n", "t.trace:1:", "out of range");
	trace_bad("==1== only valgrind's own lines\n", "t.trace:", "no accesses");
}

Test(trace, limits_records)
{
	struct drain_trace_opts o = { .sample = 1, .max_records = 2 };
	static const char txt[] = "1 1 1 0 r\n1 2 1 0 r\n1 3 1 0 r\n";
	struct drain_trace t;
	struct rd_err err = { 0 };

	cr_assert_eq(drain_trace_parse(txt, strlen(txt), "t.trace", &o, &t,
				       &err), -EINVAL);
	cr_assert(strstr(err.msg, "t.trace:3: more than 2 records"), "%s", err.msg);
	drain_trace_free(&t);
}

Test(trace, split_span_like_damon)
{
	static const char txt[] =
		"5 0x10000 8 0 r\n"
		"5 0x4fff8 16 1 w\n"	/* span 0x10000 .. 0x51000 */
		"9 0x9000 1 0 r\n";	/* one page */
	struct drain_layout l;
	struct drain_trace t;
	struct rd_err err = { 0 };

	cr_assert_eq(trace(txt, 1, &t, &err), 0, "%s", err.msg);
	cr_assert_eq(drain_layout_split_span(&l, &t, 8, false, &err), 0, "%s",
		     err.msg);
	/* 4 pieces for each tgid; tgid 9 has one page, so one region. */
	cr_assert_eq(l.n, 5);
	cr_assert_eq(l.e[0].tgid, 5);
	cr_assert_eq(l.e[0].start, 0x10000);
	cr_assert_eq(l.e[1].start, 0x20000);
	cr_assert_eq(l.e[3].end, 0x51000);
	cr_assert_eq(l.e[4].tgid, 9);
	cr_assert_eq(l.e[4].start, 0x9000);
	cr_assert_eq(l.e[4].end, 0xa000);
	drain_layout_free(&l);
	cr_assert_eq(drain_layout_split_span(&l, &t, 1, false, &err), -EINVAL);
	cr_assert(strstr(err.msg, "one per target"), "%s", err.msg);
	drain_trace_free(&t);
}
