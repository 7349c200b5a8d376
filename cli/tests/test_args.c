// SPDX-License-Identifier: GPL-2.0
/*
 * test_args.c - the option parser's number readers at the extremes of their
 * types, and its refusal of option tables whose bounds do not fit the
 * option's type, each a returned status (test_cli.c runs every real option
 * and the exits through the binary).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cli/cli.h"

static void u64_ok(const char *s, uint64_t min, uint64_t max, uint64_t want)
{
	const char *why = NULL;
	uint64_t v = ~want;

	cr_assert_eq(rd_parse_u64(s, min, max, &v, &why), 0, "'%s': %s", s,
		     why);
	cr_assert_eq(v, want, "'%s' read as %llu", s, (unsigned long long)v);
}

static void u64_bad(const char *s, uint64_t min, uint64_t max,
		    const char *want)
{
	const char *why = NULL;
	uint64_t v = 12345;

	cr_assert_eq(rd_parse_u64(s, min, max, &v, &why),
		     strncmp(want, "too", 3) ? -EINVAL : -ERANGE, "'%s'", s);
	cr_assert_str_eq(why, want, "'%s'", s);
	cr_assert_eq(v, 12345, "'%s' wrote its output", s);
}

Test(args, u64_extremes)
{
	u64_ok("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	u64_ok("0", 0, UINT64_MAX, 0);
	u64_ok("5", 0, UINT64_MAX, 5);
	u64_ok("0xffffffffffffffff", 0, UINT64_MAX, UINT64_MAX);
	u64_bad("18446744073709551616", 0, UINT64_MAX, "too large");
	u64_bad("18446744073709551615", 0, UINT64_MAX - 1, "too large");
	u64_bad("-1", 0, UINT64_MAX, "must not be negative");
	u64_bad("1", 2, 3, "too small");
	u64_bad("", 0, 3, "not a number");
	u64_bad("+1", 0, 3, "not a number");
	u64_bad("1x", 0, 3, "not a whole number");
	u64_bad("1.5", 0, 3, "not a whole number");
}

static void i64_ok(const char *s, int64_t min, int64_t max, int64_t want)
{
	const char *why = NULL;
	int64_t v = ~want;

	cr_assert_eq(rd_parse_i64(s, min, max, &v, &why), 0, "'%s': %s", s,
		     why);
	cr_assert_eq(v, want, "'%s' read as %lld", s, (long long)v);
}

static void i64_bad(const char *s, int64_t min, int64_t max,
		    const char *want)
{
	const char *why = NULL;
	int64_t v = 12345;

	cr_assert_eq(rd_parse_i64(s, min, max, &v, &why),
		     strncmp(want, "too", 3) ? -EINVAL : -ERANGE, "'%s'", s);
	cr_assert_str_eq(why, want, "'%s'", s);
	cr_assert_eq(v, 12345, "'%s' wrote its output", s);
}

Test(args, i64_extremes)
{
	i64_ok("-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN);
	i64_ok("9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX);
	i64_ok("-3", -3, 3, -3);
	i64_ok("+3", -3, 3, 3);
	i64_bad("-9223372036854775809", INT64_MIN, INT64_MAX, "too small");
	i64_bad("9223372036854775808", INT64_MIN, INT64_MAX, "too large");
	i64_bad("-4", -3, 3, "too small");
	i64_bad("4", -3, 3, "too large");
	i64_bad("", -3, 3, "not a number");
	i64_bad("-", -3, 3, "not a number");
	i64_bad("--1", -3, 3, "not a number");
	i64_bad(" 1", -3, 3, "not a number");
	i64_bad("1 ", -3, 3, "not a whole number");
}

static void dbl_ok(const char *s, double min, bool open, double max,
		   double want)
{
	const char *why = NULL;
	double v = -want - 1;

	cr_assert_eq(rd_parse_double(s, min, open, max, &v, &why), 0,
		     "'%s': %s", s, why);
	cr_assert(v == want, "'%s' read as %.17g", s, v);
}

static void dbl_bad(const char *s, double min, bool open, double max,
		    const char *want)
{
	const char *why = NULL;
	double v = 12345;

	cr_assert_eq(rd_parse_double(s, min, open, max, &v, &why),
		     strncmp(want, "too", 3) ? -EINVAL : -ERANGE, "'%s'", s);
	cr_assert_str_eq(why, want, "'%s'", s);
	cr_assert(v == 12345, "'%s' wrote its output", s);
}

Test(args, double_extremes)
{
	dbl_ok("86400", 0, true, 86400, 86400);
	dbl_ok("4.9406564584124654e-324", 0, true, 86400, 4.9406564584124654e-324);
	dbl_ok("0", 0, false, 1, 0);
	dbl_ok("1.7976931348623157e308", 0, false, DBL_MAX, DBL_MAX);
	dbl_ok("0x1p3", 0, false, 8, 8);
	dbl_bad("0", 0, true, 86400, "too small");
	dbl_bad("-0", 0, true, 86400, "too small");
	dbl_bad("86400.00000000001", 0, true, 86400, "too large");
	dbl_bad("-4.9406564584124654e-324", 0, false, 1, "too small");
	dbl_bad("1e999", 0, false, DBL_MAX, "too large");
	dbl_bad("-1e999", -DBL_MAX, false, DBL_MAX, "too small");
	dbl_bad("inf", 0, false, DBL_MAX, "too large");
	dbl_bad("nan", 0, false, DBL_MAX, "not a number");
	dbl_bad("", 0, false, 1, "not a number");
	dbl_bad(" 1", 0, false, 1, "not a number");
	dbl_bad("1 ", 0, false, 1, "not a number");
	dbl_bad("one", 0, false, 1, "not a number");
}

static const struct rd_command cmd = { .name = "t", .summary = "test" };

static int parse(struct rd_opt *opts, const char *arg, const char *val,
		 struct rd_err *e)
{
	char *argv[] = { "t", (char *)arg, (char *)val, NULL };
	int npos;

	rd_err_clear(e);
	return rd_args_parse(&cmd, opts, val ? 3 : 2, argv, &npos, e);
}

Test(args, i64_option_takes_its_extremes)
{
	int64_t v = 0;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "n", .type = RD_OPT_I64, .dst = &v,
		  .imin = INT64_MIN, .imax = INT64_MAX, .help = "n" },
		{ 0 },
	};

	cr_assert_eq(parse(opts, "--n", "-9223372036854775808", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(v, INT64_MIN);
	opts[0].seen = false;
	cr_assert_eq(parse(opts, "--n=9223372036854775807", NULL, &e), 0, "%s",
		     e.msg);
	cr_assert_eq(v, INT64_MAX);
}

Test(args, value_past_a_bound_is_bad_input)
{
	int64_t v = 0;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "n", .type = RD_OPT_I64, .dst = &v, .imin = -3,
		  .imax = 3, .metavar = "N", .help = "n" },
		{ 0 },
	};

	cr_assert_eq(parse(opts, "--n", "4", &e), -EINVAL, "--n 4 was taken");
	cr_assert_str_eq(e.msg, "--n: '4' too large (expected N from -3 to 3)");
	cr_assert_eq(v, 0);
}

Test(args, bad_input_is_one_line_each)
{
	const char *s = NULL;
	bool f = false;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "s", .type = RD_OPT_STR, .dst = &s, .metavar = "S",
		  .help = "s" },
		{ .name = "f", .type = RD_OPT_FLAG, .dst = &f, .help = "f" },
		{ 0 },
	};
	char *argv[] = { "t", "--f", "--f", NULL };
	int npos;

	cr_assert_eq(parse(opts, "--nope", NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "unknown option '--nope' (see 'ringdrain t --help')");
	cr_assert_eq(parse(opts, "-x", NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "unknown option '-x'");
	cr_assert_eq(parse(opts, "--s", NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--s needs a value S");
	opts[0].seen = false;
	cr_assert_eq(parse(opts, "--s=", NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--s: empty value");
	cr_assert_eq(parse(opts, "--f=1", NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--f takes no value");
	opts[1].seen = false;
	cr_assert_eq(rd_args_parse(&cmd, opts, 3, argv, &npos, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "--f given twice");
	cr_assert_eq(rd_args_check_pos(argv, 0, 1, 1, "no X given", &e),
		     -EINVAL);
	cr_assert_str_eq(e.msg, "no X given");
	cr_assert_eq(rd_args_check_pos(argv, 2, 0, 1, NULL, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "unexpected argument '--f'");
	cr_assert_eq(rd_args_check_pos(argv, 1, 0, 1, NULL, &e), 0);
}

Test(args, help_is_a_status_not_an_exit)
{
	struct rd_err e;
	struct rd_opt opts[] = { { 0 } };

	cr_redirect_stdout();
	cr_assert_eq(parse(opts, "--help", NULL, &e), RD_ARGS_HELP);
	cr_assert_eq(parse(opts, "--help-json", NULL, &e), RD_ARGS_HELP);
}

Test(args, unsigned_option_with_floating_bounds_is_refused)
{
	uint64_t v = 0;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "n", .type = RD_OPT_U64, .dst = &v, .max = 3,
		  .dmax = 3, .help = "n" },
		{ 0 },
	};

	cr_assert_eq(parse(opts, "--n", "1", &e), -ENOTRECOVERABLE,
		     "a mixed table was taken");
	cr_assert_str_eq(e.msg, "bug in the option table: --n has an unsigned option with signed or floating bounds");
}

Test(args, empty_range_is_refused)
{
	double v = 0;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "x", .type = RD_OPT_DOUBLE, .dst = &v, .dmin = 1,
		  .dmin_open = true, .dmax = 1, .help = "x" },
		{ 0 },
	};

	cr_assert_eq(parse(opts, "--x", "1", &e), -ENOTRECOVERABLE,
		     "an empty range was taken");
}

Test(args, bounds_on_a_string_are_refused)
{
	const char *v = NULL;
	struct rd_err e;
	struct rd_opt opts[] = {
		{ .name = "s", .type = RD_OPT_STR, .dst = &v, .max = 3,
		  .help = "s" },
		{ 0 },
	};

	cr_assert_eq(parse(opts, "--s", "a", &e), -ENOTRECOVERABLE,
		     "bounds on a string option were taken");
	/* Before any argument: --help-json finds it too. */
	cr_assert_eq(parse(opts, "--help-json", NULL, &e), -ENOTRECOVERABLE);
}
