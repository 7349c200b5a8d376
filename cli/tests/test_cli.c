// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the ringdrain command line as a user meets it: help on every
 * command, one-line errors and exit 2 on bad input, and `list` telling the
 * same truth in text and JSON as the design table.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ring/ring.h"
#include "drain/drain.h"
#include "cli/tests/proc.h"

static void expect_usage_error(const char *args, const char *needle)
{
	struct rd_proc *r = rd_run_cli("%s", args);

	cr_assert_eq(r->status, 2, "'%s' exited %d, want 2", args, r->status);
	cr_assert_eq(rd_proc_lines(r->err), 1, "'%s' printed %d lines on stderr: %s",
		     args, rd_proc_lines(r->err), r->err);
	cr_assert(strstr(r->err, needle), "'%s': '%s' lacks '%s'", args,
		  r->err, needle);
}

/* Every command listed by --help answers --help itself. */
Test(cli, help_everywhere)
{
	struct rd_proc *r = rd_run_cli("--help");
	char cmds[32][32];
	int n = 0;
	const char *p;

	cr_assert_eq(r->status, 0);
	p = strstr(r->out, "commands:\n");
	cr_assert_not_null(p);
	for (p = strchr(p, '\n') + 1; n < 32 && strncmp(p, "  ", 2) == 0;
	     p = strchr(p, '\n') + 1)
		if (sscanf(p, " %31s", cmds[n]) == 1)
			n++;
	cr_assert_geq(n, 2, "--help lists %d commands", n);
	for (int i = 0; i < n; i++) {
		char a[64];

		snprintf(a, sizeof(a), "%s --help", cmds[i]);
		r = rd_run_cli("%s", a);
		cr_assert_eq(r->status, 0, "'%s' exited %d", a, r->status);
		cr_assert(strstr(r->out, "usage: ringdrain "), "%s", a);
		snprintf(a, sizeof(a), "%s --no-such-option", cmds[i]);
		r = rd_run_cli("%s", a);
		cr_assert_eq(r->status, 2, "'%s' exited %d", a, r->status);
		cr_assert_eq(rd_proc_lines(r->err), 1, "'%s': %s", a, r->err);
	}
}

Test(cli, bad_input_is_one_line_and_exit_2)
{
	expect_usage_error("", "no command given");
	expect_usage_error("frobnicate", "unknown command 'frobnicate'");
	expect_usage_error("--frob", "unknown option '--frob'");
	expect_usage_error("list --bogus", "unknown option '--bogus'");
	expect_usage_error("list --json=3", "--json takes no value");
	expect_usage_error("list extra", "unexpected argument 'extra'");
	expect_usage_error("test --only", "--only needs a value");
	/* each command's count of positional arguments */
	expect_usage_error("topo extra", "topo: unexpected argument 'extra'");
	expect_usage_error("replay", "replay: no TRACE given (usage: ");
	/* several traces are several processes: each must open */
	expect_usage_error("replay a b", "replay: a: cannot open");
	expect_usage_error("report", "report: missing the results folder (usage: ");
	expect_usage_error("report a b c", "report: unexpected argument 'c'");
}

/* bench refuses arguments past its 62nd instead of dropping them. */
Test(cli, bench_too_many_arguments)
{
	char args[512] = "bench";

	for (int i = 0; i < 62; i++)
		strcat(args, " x");
	expect_usage_error(args, "unexpected argument 'x'");
	strcat(args, " x");
	expect_usage_error(args, "bench: too many arguments: at most 62");
}

/* A ring's bytes as rd_ring_create() allocates them: size() to a line. */
static size_t list_bytes(const struct rd_ring_design *d, unsigned int cap,
			 unsigned int rec)
{
	return (d->size(cap, rec) + 63) & ~(size_t)63;
}

Test(cli, list_matches_the_table)
{
	struct rd_proc *r = rd_run_cli("list");

	cr_assert_eq(r->status, 0);
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];
		char line[256];

		snprintf(line, sizeof(line), "\n%-10s %-7s %7zu %7zu %s\n",
			 d->name, rd_nesting_name(d->nesting),
			 list_bytes(d, 256, 48), list_bytes(d, 256, 32),
			 d->atomics);
		cr_assert(strstr(r->out, line), "list lacks line for %s",
			  rd_designs[i]->name);
	}
}

/* The drain's lookup strategies and zero-access policies, in text. */
Test(cli, list_shows_strategies_and_policies)
{
	struct rd_proc *r = rd_run_cli("list");

	cr_assert_eq(r->status, 0);
	cr_assert_geq(drain_nr_strategies, 5, "list, rfc and three fast ones");
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *s = drain_strategies[i];
		char line[512];

		snprintf(line, sizeof(line), "\n%-10s %-9s %s\n", s->name,
			 s->per_tick ? "per-tick" : "on-change", s->summary);
		cr_assert(strstr(r->out, line), "list lacks strategy %s",
			  s->name);
	}
	cr_assert(drain_strategy_find("list") && drain_strategy_find("rfc"));
	cr_assert(drain_strategy_find("rfc")->per_tick,
		  "rfc rebuilds its snapshot every tick, as posted");
	for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++) {
		char line[512];

		snprintf(line, sizeof(line), "\n%-10s %s\n",
			 drain_zero_policy_name(z), drain_zero_policy_summary(z));
		cr_assert(strstr(r->out, line), "list lacks policy %s",
			  drain_zero_policy_name(z));
	}
}

Test(cli, list_json)
{
	struct rd_proc *r = rd_run_cli("list --json");
	json_error_t jerr;
	json_t *root, *designs;

	cr_assert_eq(r->status, 0);
	root = json_loads(r->out, 0, &jerr);
	cr_assert_not_null(root, "list --json: %s", jerr.text);
	designs = json_object_get(root, "designs");
	cr_assert(json_is_array(designs));
	cr_assert_eq(json_array_size(designs), rd_nr_designs);
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		json_t *d = json_array_get(designs, i);

		cr_assert_str_eq(json_string_value(json_object_get(d, "name")),
				 rd_designs[i]->name);
		cr_assert_str_eq(json_string_value(json_object_get(d, "nesting")),
				 rd_nesting_name(rd_designs[i]->nesting));
		cr_assert_eq(json_is_true(json_object_get(d, "survives_nesting")),
			     rd_designs[i]->nesting != RD_NEST_UNSAFE);
		cr_assert_str_eq(json_string_value(json_object_get(d, "atomics")),
				 rd_designs[i]->atomics);
		/* bytes per CPU: at least the records, and what is allocated */
		for (unsigned int cap = 256; cap <= 4096; cap *= 16)
			for (unsigned int rec = 32; rec <= 48; rec += 16) {
				char key[16];
				json_int_t b;

				snprintf(key, sizeof(key), "%ux%u", cap, rec);
				b = json_integer_value(json_object_get(
					json_object_get(d, "bytes_per_cpu"), key));
				cr_assert_eq((size_t)b, list_bytes(rd_designs[i],
								  cap, rec),
					     "%s %s", rd_designs[i]->name, key);
				cr_assert_geq((size_t)b, (size_t)cap * rec *
					      (rd_designs[i]->lanes ?
					       rd_designs[i]->lanes : 1));
			}
	}
	designs = json_object_get(root, "strategies");
	cr_assert(json_is_array(designs), "list --json lacks strategies");
	cr_assert_eq(json_array_size(designs), drain_nr_strategies);
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		json_t *d = json_array_get(designs, i);

		cr_assert_str_eq(json_string_value(json_object_get(d, "name")),
				 drain_strategies[i]->name);
		cr_assert_str_eq(json_string_value(json_object_get(d, "summary")),
				 drain_strategies[i]->summary);
		cr_assert_str_eq(json_string_value(json_object_get(d, "snapshot")),
				 drain_strategies[i]->per_tick ? "per-tick" :
				 "on-change");
	}
	designs = json_object_get(root, "zero_policies");
	cr_assert(json_is_array(designs), "list --json lacks zero_policies");
	cr_assert_eq(json_array_size(designs), DRAIN_NR_ZERO_POLICIES);
	for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++)
		cr_assert_str_eq(json_string_value(json_object_get(
				json_array_get(designs, z), "name")),
				 drain_zero_policy_name(z));
	json_decref(root);
}

/* ---- every numeric option of every command ------------------------------ */

/*
 * How a case shows that a valid value was taken:
 *   NUM_RUN	the whole command runs (made cheap by @args) and exits 0;
 *   NUM_HEADER	the command passes all its checks and prints its first line
 *		(stress's configuration) before its long work; it is then
 *		killed;
 *   NUM_THEN	the command has no cheap path: @args holds a bad argument
 *		that the command checks after parsing, so a valid value
 *		leads to exit 2 naming that argument (@then), not the option.
 */
enum num_how { NUM_RUN, NUM_HEADER, NUM_THEN };

/**
 * struct num_case - how to exercise one numeric option.
 * @hooks:	run the hooks build of stress (RD_STRESS_HOOKS) instead of
 *		the ringdrain binary: its --aim exists only there.
 * @cmd:	the command.
 * @opt:	the option, without "--".
 * @typical:	a valid value inside the range.
 * @args:	the rest of a cheap command line; "%T" is a four-record trace.
 * @how:	see enum num_how.
 * @shows:	NUM_RUN/NUM_HEADER: stdout must contain this, "%s" being the
 *		value as given (NULL: the command does not echo it).
 * @then:	NUM_THEN: what the later error says.
 */
struct num_case {
	bool hooks;
	const char *cmd, *opt, *typical, *args;
	enum num_how how;
	const char *shows, *then;
};

#define STRESS_RUN	"--design seqslot --mode thread --seconds 0.01"
#define STRESS_HDR	"--design seqslot --mode thread"
#define REPLAY_RUN	"%T --repeat 1 --strategy list"

#define RUN(c, o, t, a, sh)	{ .cmd = c, .opt = o, .typical = t, \
				  .args = a, .how = NUM_RUN, .shows = sh }
#define HEADER(c, o, t, a, sh)	{ .cmd = c, .opt = o, .typical = t, \
				  .args = a, .how = NUM_HEADER, .shows = sh }
#define THEN(c, o, t, a, th)	{ .cmd = c, .opt = o, .typical = t, \
				  .args = a, .how = NUM_THEN, .then = th }

static const struct num_case num_cases[] = {
	HEADER("stress", "seconds", "0.05", STRESS_HDR,
	       "stress: design=seqslot mode=thread "),
	RUN("stress", "producers", "3", STRESS_RUN, " producers=%s "),
	HEADER("stress", "capacity", "1024", STRESS_HDR " --producers 1",
	       " capacity=%s "),
	RUN("stress", "seed", "42", STRESS_RUN, " seed=%s\n"),
	HEADER("stress", "drain-us", "100", STRESS_HDR, " drain_us=%s "),
	{ .hooks = true, .cmd = "stress", .opt = "aim", .typical = "7",
	  .args = "--design seqslot --mode nest --seconds 0.01",
	  .how = NUM_RUN, .shows = " (aimed nesting)" },
	THEN("replay", "regions", "10", "%T --strategy nosuch",
	     "--strategy: unknown strategy 'nosuch'"),
	RUN("replay", "sample", "2", REPLAY_RUN, "(every %s)"),
	RUN("replay", "tick-reports", "100", REPLAY_RUN, " of up to %s reports"),
	RUN("replay", "aggr-ticks", "5", REPLAY_RUN, NULL),
	RUN("replay", "max-regions", "10", REPLAY_RUN, NULL),
	RUN("replay", "min-regions", "5", REPLAY_RUN " --max-regions 16777216",
	    NULL),
	RUN("replay", "cycles", "2", REPLAY_RUN, NULL),
	RUN("replay", "seed", "5", REPLAY_RUN, NULL),
	RUN("replay", "repeat", "2", "%T --strategy list", "best of %s runs"),
	THEN("kcheck", "seconds", "2", "--design nosuch",
	     "unknown design 'nosuch'"),
	THEN("bench", "repetitions", "5", "--ring-mem nowhere",
	     "--ring-mem: 'nowhere' is neither producer nor consumer"),
	THEN("bench", "nmi-budget", "30", "--ring-mem nowhere",
	     "--ring-mem: 'nowhere' is neither producer nor consumer"),
};

/* The four-record trace that "%T" names, written once. */
static const char *tiny_trace(void)
{
	static char path[64];
	FILE *f;

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "/tmp/rd_cli_trace.%d", getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs("# tgid addr size cpu r|w\n1 0x1000 8 0 r\n1 0x2000 8 1 w\n"
	      "1 0x100000 8 2 r\n1 0x4000000 8 3 r\n", f);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* @c's command line with VALUE for its option, "%T" expanded. */
static void num_cmdline(char *buf, size_t len, const struct num_case *c,
			const char *value)
{
	const char *t = strstr(c->args, "%T");
	int n;

	n = snprintf(buf, len, "%s %.*s%s%s --%s %s", c->hooks ? "" : c->cmd,
		     t ? (int)(t - c->args) : (int)strlen(c->args), c->args,
		     t ? tiny_trace() : "", t ? t + 2 : "", c->opt, value);
	cr_assert(n > 0 && (size_t)n < len);
}

static const char *num_bin(const struct num_case *c)
{
	return c->hooks ? RD_STRESS_HOOKS : RD_BIN;
}

/* A valid @value of @c's option is taken (see enum num_how). */
static void num_expect_valid(const struct num_case *c, const char *value)
{
	struct rd_proc *r;
	char line[1024], shows[256], opt[64];

	num_cmdline(line, sizeof(line), c, value);
	snprintf(opt, sizeof(opt), "--%s", c->opt);
	if (c->how == NUM_HEADER) {
		r = rd_proc_first_line(rd_proc_reuse(), num_bin(c), "%s", line);
		cr_assert(r->stopped || r->status == 0,
			  "'%s' exited %d before its first line: %s", line,
			  r->status, r->err);
	} else {
		r = rd_proc_run(rd_proc_reuse(), NULL, num_bin(c), "%s", line);
	}
	if (c->how == NUM_THEN) {
		cr_assert_eq(r->status, 2, "'%s' exited %d: %s", line,
			     r->status, r->err);
		cr_assert(strstr(r->err, c->then),
			  "'%s': the value was not taken: %s", line, r->err);
		cr_assert_null(strstr(r->err, opt), "'%s': %s", line, r->err);
		return;
	}
	if (c->how == NUM_RUN)
		cr_assert_eq(r->status, 0, "'%s' exited %d: %s", line,
			     r->status, r->err);
	cr_assert_null(strstr(r->err, opt), "'%s': %s", line, r->err);
	if (c->shows) {
		snprintf(shows, sizeof(shows), c->shows, value);
		cr_assert(strstr(r->out, shows), "'%s': stdout lacks '%s': %s",
			  line, shows, r->out);
	}
}

/* @value, just past a bound, is refused in one line naming it and the range. */
static void num_expect_refused(const struct num_case *c, const char *value,
			       const char *range)
{
	struct rd_proc *r;
	char line[1024], want[512];

	num_cmdline(line, sizeof(line), c, value);
	r = rd_proc_run(rd_proc_reuse(), NULL, num_bin(c), "%s", line);
	cr_assert_eq(r->status, 2, "'%s' exited %d, want 2: %s", line,
		     r->status, r->err);
	cr_assert_eq(rd_proc_lines(r->err), 1, "'%s': %s", line, r->err);
	snprintf(want, sizeof(want), ": --%s: '%s' ", c->opt, value);
	cr_assert(strstr(r->err, want), "'%s': '%s' lacks '%s'", line, r->err,
		  want);
	snprintf(want, sizeof(want), " (expected %s)\n", range);
	cr_assert(strstr(r->err, want), "'%s': '%s' lacks '%s'", line, r->err,
		  want);
	cr_assert_str_empty(r->out, "'%s' printed: %s", line, r->out);
}

/* Decimal @v (|v| < 2^127) into @buf. */
static void fmt_i128(char *buf, size_t len, __int128 v)
{
	char tmp[48];
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	int n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[n++] = '-';
	cr_assert((size_t)n < len);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

static __int128 parse_i128(const char *s)
{
	bool neg = *s == '-';
	__int128 v = 0;

	for (s += neg; *s; s++) {
		cr_assert(*s >= '0' && *s <= '9', "bound '%s'", s);
		v = v * 10 + (*s - '0');
	}
	return neg ? -v : v;
}

/* A double in the fewest digits that read back exactly. */
static void fmt_exact(char *buf, size_t len, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/*
 * Exercise one option: @c's typical value, both bounds (the smallest value
 * above an open bound) accepted; one past each refused.
 */
static void num_exercise(const struct num_case *c, json_t *o)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *smin = json_string_value(json_object_get(o, "min"));
	const char *smax = json_string_value(json_object_get(o, "max"));
	const char *range = json_string_value(json_object_get(o, "range"));
	char lo[64], hi[64], below[64], above[64];

	cr_assert(smin && smax && range, "--%s lacks its bounds", c->opt);
	num_expect_valid(c, c->typical);
	if (strcmp(type, "double") == 0) {
		double dmin = strtod(smin, NULL), dmax = strtod(smax, NULL);

		if (json_is_true(json_object_get(o, "min_open"))) {
			fmt_exact(lo, sizeof(lo), nextafter(dmin, INFINITY));
			fmt_exact(below, sizeof(below), dmin);
		} else {
			fmt_exact(lo, sizeof(lo), dmin);
			fmt_exact(below, sizeof(below),
				  nextafter(dmin, -INFINITY));
		}
		fmt_exact(hi, sizeof(hi), dmax);
		fmt_exact(above, sizeof(above), nextafter(dmax, INFINITY));
	} else {
		cr_assert(strcmp(type, "u64") == 0 || strcmp(type, "i64") == 0,
			  "--%s: type %s", c->opt, type);
		snprintf(lo, sizeof(lo), "%s", smin);
		snprintf(hi, sizeof(hi), "%s", smax);
		fmt_i128(below, sizeof(below), parse_i128(smin) - 1);
		fmt_i128(above, sizeof(above), parse_i128(smax) + 1);
	}
	num_expect_valid(c, lo);
	num_expect_valid(c, hi);
	num_expect_refused(c, below, range);
	num_expect_refused(c, above, range);
}

/* The option table of @cmd in @bin ("" for the hooks build), from --help-json. */
static json_t *help_json(const char *bin, const char *cmd)
{
	struct rd_proc *r = rd_proc_run(rd_proc_reuse(), NULL, bin,
					 "%s --help-json", cmd);
	json_error_t jerr;
	json_t *root;

	cr_assert_eq(r->status, 0, "%s %s --help-json exited %d: %s", bin, cmd,
		     r->status, r->err);
	root = json_loads(r->out, 0, &jerr);
	cr_assert_not_null(root, "%s --help-json: %s", cmd, jerr.text);
	cr_assert(json_is_array(json_object_get(root, "options")));
	return root;
}

static const struct num_case *num_case_find(bool hooks, const char *cmd,
					    const char *opt)
{
	for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++)
		if (num_cases[i].hooks == hooks &&
		    strcmp(num_cases[i].cmd, cmd) == 0 &&
		    strcmp(num_cases[i].opt, opt) == 0)
			return &num_cases[i];
	return NULL;
}

/*
 * Every numeric option of every command (and of the hooks build of stress)
 * has a case, taken from the commands' own option tables, and every case
 * names a real option: a new numeric option without a case fails here.
 */
Test(cli, every_numeric_option)
{
	struct rd_proc *r = rd_run_cli("--help");
	char cmds[32][32];
	bool used[sizeof(num_cases) / sizeof(num_cases[0])] = { false };
	int n = 0;
	const char *p;

	cr_assert_eq(r->status, 0);
	p = strstr(r->out, "commands:\n");
	cr_assert_not_null(p);
	for (p = strchr(p, '\n') + 1; n < 32 && strncmp(p, "  ", 2) == 0;
	     p = strchr(p, '\n') + 1)
		if (sscanf(p, " %31s", cmds[n]) == 1)
			n++;
	cr_assert_geq(n, 9, "--help lists %d commands", n);
	for (int i = 0; i <= n; i++) {
		bool hooks = i == n;
		const char *cmd = hooks ? "stress" : cmds[i];
		json_t *root = help_json(hooks ? RD_STRESS_HOOKS : RD_BIN,
					 hooks ? "" : cmd);
		json_t *o;
		size_t k;

		json_array_foreach(json_object_get(root, "options"), k, o) {
			const char *name = json_string_value(json_object_get(o, "name"));
			const char *type = json_string_value(json_object_get(o, "type"));
			const struct num_case *c;

			if (!strcmp(type, "flag") || !strcmp(type, "string"))
				continue;
			c = num_case_find(hooks, cmd, name);
			/* the hooks build shares the plain build's options */
			if (!c && hooks && num_case_find(false, cmd, name))
				continue;
			cr_assert_not_null(c, "%s%s --%s (%s) has no case in num_cases[]",
					   cmd, hooks ? " (hooks build)" : "",
					   name, type);
			used[c - num_cases] = true;
			num_exercise(c, o);
		}
		json_decref(root);
	}
	for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++)
		cr_assert(used[i], "num_cases[]: %s --%s is not a numeric option",
			  num_cases[i].cmd, num_cases[i].opt);
	unlink(tiny_trace());
}
