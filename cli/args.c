// SPDX-License-Identifier: GPL-2.0
/* args.c - the option parser every ringdrain command uses. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int rd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ') {
		*why = *s == '-' ? "must not be negative" : "not a number";
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE) {
		*why = "too large";
		return -ERANGE;
	}
	if (*end) {
		*why = "not a whole number";
		return -EINVAL;
	}
	if (v < min) {
		*why = "too small";
		return -ERANGE;
	}
	if (v > max) {
		*why = "too large";
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int rd_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
		 const char **why)
{
	const char *digits = *s == '-' || *s == '+' ? s + 1 : s;
	char *end;
	long long v;

	if (!*digits || *digits == '-' || *digits == '+' || *digits == ' ' ||
	    *s == ' ') {
		*why = "not a number";
		return -EINVAL;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno == ERANGE) {
		*why = v < 0 ? "too small" : "too large";
		return -ERANGE;
	}
	if (*end) {
		*why = "not a whole number";
		return -EINVAL;
	}
	if (v < min) {
		*why = "too small";
		return -ERANGE;
	}
	if (v > max) {
		*why = "too large";
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int rd_parse_double(const char *s, double min, bool min_open, double max,
		    double *out, const char **why)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s)) {
		*why = "not a number";
		return -EINVAL;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s) {
		*why = "not a number";
		return -EINVAL;
	}
	if (isnan(v)) {
		*why = "not a number";
		return -EINVAL;
	}
	/* Overflow is out of range; underflow keeps strtod's nearest value. */
	if (errno == ERANGE && fabs(v) > 1) {
		*why = v < 0 ? "too small" : "too large";
		return -ERANGE;
	}
	if (v < min || (min_open && v == min)) {
		*why = "too small";
		return -ERANGE;
	}
	if (v > max) {
		*why = "too large";
		return -ERANGE;
	}
	*out = v;
	return 0;
}

/*
 * fmt_double() - @v in the fewest digits that read back as exactly @v, so
 * that a bound printed in an error or by --help-json is the bound.
 */
static void fmt_double(char *buf, size_t len, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/*
 * fmt_range() - "N from 1 to 64", "S above 0 and at most 86400": the range
 * of numeric option @o for errors and --help-json's "range".
 */
static void fmt_range(char *buf, size_t len, const struct rd_opt *o)
{
	const char *mv = o->metavar ? o->metavar : "a number";
	char a[40], b[40];

	switch (o->type) {
	case RD_OPT_U64:
		snprintf(buf, len, "%s from %" PRIu64 " to %" PRIu64, mv,
			 o->min, o->max);
		break;
	case RD_OPT_I64:
		snprintf(buf, len, "%s from %" PRId64 " to %" PRId64, mv,
			 o->imin, o->imax);
		break;
	case RD_OPT_DOUBLE:
		fmt_double(a, sizeof(a), o->dmin);
		fmt_double(b, sizeof(b), o->dmax);
		snprintf(buf, len, o->dmin_open ? "%s above %s and at most %s" :
			 "%s from %s to %s", mv, a, b);
		break;
	default:
		snprintf(buf, len, "%s", mv);
		break;
	}
}

/*
 * check_opt() - a numeric option sets only its own type's bounds, in
 * order, with finite doubles.
 * Return: NULL, or what is wrong with @o.
 */
static const char *check_opt(const struct rd_opt *o)
{
	bool u = o->min || o->max, i = o->imin || o->imax;
	bool d = o->dmin != 0 || o->dmax != 0 || o->dmin_open;

	switch (o->type) {
	case RD_OPT_U64:
		if (i || d)
			return "an unsigned option with signed or floating bounds";
		return o->min > o->max ? "min above max" : NULL;
	case RD_OPT_I64:
		if (u || d)
			return "a signed option with unsigned or floating bounds";
		return o->imin > o->imax ? "min above max" : NULL;
	case RD_OPT_DOUBLE:
		if (u || i)
			return "a floating option with integer bounds";
		if (!isfinite(o->dmin) || !isfinite(o->dmax))
			return "a bound that is not finite";
		return o->dmin > o->dmax || (o->dmin_open && o->dmin == o->dmax) ?
			"an empty range" : NULL;
	default:
		return u || i || d ? "bounds on an option that takes no number" :
			NULL;
	}
}

static int check_table(const struct rd_opt *opts, struct rd_err *e)
{
	for (const struct rd_opt *o = opts; o && o->name; o++) {
		const char *why = check_opt(o);

		if (why)
			return rd_errf(e, ENOTRECOVERABLE,
				       "bug in the option table: --%s has %s",
				       o->name, why);
	}
	return 0;
}

static const char *const type_names[] = {
	[RD_OPT_FLAG] = "flag", [RD_OPT_STR] = "string",
	[RD_OPT_U64] = "u64", [RD_OPT_I64] = "i64",
	[RD_OPT_DOUBLE] = "double",
};

/*
 * print_help_json() - the option table as one JSON object: "command" and
 * "options", each with "name", "type" (flag, string, u64, i64, double),
 * "metavar", "help" and, for numbers, "min" and "max" as exact decimal
 * strings, "min_open" and "range" (as errors word it).  "--help" is not
 * listed: every command has it.
 */
static void print_help_json(const struct rd_command *cmd,
			    const struct rd_opt *opts)
{
	json_t *root = json_object(), *arr = json_array();
	char a[40], b[40], range[160];

	for (const struct rd_opt *o = opts; o && o->name; o++) {
		json_t *j = json_object();

		json_object_set_new(j, "name", json_string(o->name));
		json_object_set_new(j, "type", json_string(type_names[o->type]));
		if (o->metavar)
			json_object_set_new(j, "metavar",
					    json_string(o->metavar));
		json_object_set_new(j, "help", json_string(o->help));
		if (o->type == RD_OPT_U64) {
			snprintf(a, sizeof(a), "%" PRIu64, o->min);
			snprintf(b, sizeof(b), "%" PRIu64, o->max);
		} else if (o->type == RD_OPT_I64) {
			snprintf(a, sizeof(a), "%" PRId64, o->imin);
			snprintf(b, sizeof(b), "%" PRId64, o->imax);
		} else if (o->type == RD_OPT_DOUBLE) {
			fmt_double(a, sizeof(a), o->dmin);
			fmt_double(b, sizeof(b), o->dmax);
		}
		if (o->type >= RD_OPT_U64) {
			fmt_range(range, sizeof(range), o);
			json_object_set_new(j, "min", json_string(a));
			json_object_set_new(j, "max", json_string(b));
			json_object_set_new(j, "min_open",
					    json_boolean(o->dmin_open));
			json_object_set_new(j, "range", json_string(range));
		}
		json_array_append_new(arr, j);
	}
	json_object_set_new(root, "command", json_string(cmd->name));
	json_object_set_new(root, "options", arr);
	json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
}

static void print_help(const struct rd_command *cmd, const struct rd_opt *opts)
{
	printf("usage: ringdrain %s%s%s\n\n%s\n", cmd->name,
	       cmd->synopsis ? " " : "", cmd->synopsis ? cmd->synopsis : "",
	       cmd->summary);
	if (cmd->description)
		printf("\n%s\n", cmd->description);
	printf("\noptions:\n");
	for (const struct rd_opt *o = opts; o && o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		printf("  %-24s %s\n", left, o->help);
	}
	printf("  %-24s %s\n", "--help", "show this help and exit");
	printf("  %-24s %s\n", "--help-json",
	       "the options and their ranges as JSON, and exit");
}

static struct rd_opt *find_opt(struct rd_opt *opts, const char *name,
			       size_t len)
{
	for (struct rd_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static int set_value(struct rd_opt *o, const char *val, struct rd_err *e)
{
	const char *why = "invalid";
	char range[160];
	uint64_t u;
	int64_t i;
	double d;

	switch (o->type) {
	case RD_OPT_FLAG:
		*(bool *)o->dst = true;
		return 0;
	case RD_OPT_STR:
		if (!*val)
			return rd_errf(e, EINVAL, "--%s: empty value", o->name);
		*(const char **)o->dst = val;
		return 0;
	case RD_OPT_U64:
		if (rd_parse_u64(val, o->min, o->max, &u, &why))
			break;
		*(uint64_t *)o->dst = u;
		return 0;
	case RD_OPT_I64:
		if (rd_parse_i64(val, o->imin, o->imax, &i, &why))
			break;
		*(int64_t *)o->dst = i;
		return 0;
	case RD_OPT_DOUBLE:
		if (rd_parse_double(val, o->dmin, o->dmin_open, o->dmax, &d,
				    &why))
			break;
		*(double *)o->dst = d;
		return 0;
	}
	fmt_range(range, sizeof(range), o);
	return rd_errf(e, EINVAL, "--%s: '%s' %s (expected %s)", o->name, val,
		       why, range);
}

int rd_args_parse(const struct rd_command *cmd, struct rd_opt *opts,
		  int argc, char **argv, int *npos, struct rd_err *e)
{
	int pos = 0, ret;
	bool only_pos = false;

	ret = check_table(opts, e);
	if (ret)
		return ret;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *name, *eq;
		struct rd_opt *o;

		if (only_pos || arg[0] != '-' || arg[1] == '\0') {
			argv[pos++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_help(cmd, opts);
			return RD_ARGS_HELP;
		}
		if (strcmp(arg, "--help-json") == 0) {
			print_help_json(cmd, opts);
			return RD_ARGS_HELP;
		}
		if (arg[1] != '-')
			return rd_errf(e, EINVAL, "unknown option '%s'", arg);
		name = arg + 2;
		eq = strchr(name, '=');
		o = find_opt(opts, name, eq ? (size_t)(eq - name) : strlen(name));
		if (!o)
			return rd_errf(e, EINVAL,
				       "unknown option '%s' (see 'ringdrain %s --help')",
				       arg, cmd->name);
		if (o->seen)
			return rd_errf(e, EINVAL, "--%s given twice", o->name);
		o->seen = true;
		if (o->type == RD_OPT_FLAG) {
			if (eq)
				return rd_errf(e, EINVAL, "--%s takes no value",
					       o->name);
			set_value(o, NULL, e);
			continue;
		}
		if (!eq && i + 1 >= argc)
			return rd_errf(e, EINVAL, "--%s needs a value%s%s",
				       o->name, o->metavar ? " " : "",
				       o->metavar ? o->metavar : "");
		ret = set_value(o, eq ? eq + 1 : argv[++i], e);
		if (ret)
			return ret;
	}
	*npos = pos;
	return 0;
}

int rd_args_check_pos(char **argv, int npos, int min_pos, int max_pos,
		      const char *missing, struct rd_err *e)
{
	if (npos < min_pos)
		return rd_errf(e, EINVAL, "%s",
			       missing ? missing : "missing arguments");
	if (npos > max_pos)
		return rd_errf(e, EINVAL, "unexpected argument '%s'",
			       argv[max_pos]);
	return 0;
}
