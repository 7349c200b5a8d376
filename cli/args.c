// SPDX-License-Identifier: GPL-2.0
/* args.c - the option parser every ringdrain command uses. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void rd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ringdrain%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(RD_EXIT_USAGE);
}

int rd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ') {
		*why = *s == '-' ? "must not be negative" : "not a number";
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE) {
		*why = "too large";
		return -1;
	}
	if (*end) {
		*why = "not a whole number";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	if (v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	return 0;
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
}

static struct rd_opt *find_opt(struct rd_opt *opts, const char *name,
			       size_t len)
{
	for (struct rd_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static void set_value(const struct rd_command *cmd, struct rd_opt *o,
		      const char *val)
{
	const char *why;
	uint64_t u;
	double d;
	char *end;

	switch (o->type) {
	case RD_OPT_FLAG:
		*(bool *)o->dst = true;
		break;
	case RD_OPT_STR:
		if (!*val)
			rd_usage_error(cmd->name, "--%s: empty value", o->name);
		*(const char **)o->dst = val;
		break;
	case RD_OPT_U64:
		if (rd_parse_u64(val, (uint64_t)o->min, (uint64_t)o->max, &u,
				 &why))
			rd_usage_error(cmd->name,
				       "--%s: '%s' %s (expected %s from %.0f to %.0f)",
				       o->name, val, why,
				       o->metavar ? o->metavar : "a number",
				       o->min, o->max);
		*(uint64_t *)o->dst = u;
		break;
	case RD_OPT_DOUBLE:
		errno = 0;
		d = strtod(val, &end);
		if (!*val || *end || errno || isnan(d))
			rd_usage_error(cmd->name, "--%s: '%s' is not a number",
				       o->name, val);
		if (d < o->min || d > o->max)
			rd_usage_error(cmd->name,
				       "--%s: %s is out of range (%g to %g)",
				       o->name, val, o->min, o->max);
		*(double *)o->dst = d;
		break;
	}
}

void rd_parse_args(const struct rd_command *cmd, struct rd_opt *opts,
		   int argc, char **argv, int *npos)
{
	int pos = 0;
	bool only_pos = false;

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
			exit(0);
		}
		if (arg[1] != '-')
			rd_usage_error(cmd->name, "unknown option '%s'", arg);
		name = arg + 2;
		eq = strchr(name, '=');
		o = find_opt(opts, name, eq ? (size_t)(eq - name) : strlen(name));
		if (!o)
			rd_usage_error(cmd->name,
				       "unknown option '%s' (see 'ringdrain %s --help')",
				       arg, cmd->name);
		if (o->seen)
			rd_usage_error(cmd->name, "--%s given twice", o->name);
		o->seen = true;
		if (o->type == RD_OPT_FLAG) {
			if (eq)
				rd_usage_error(cmd->name,
					       "--%s takes no value", o->name);
			set_value(cmd, o, NULL);
			continue;
		}
		if (eq) {
			set_value(cmd, o, eq + 1);
			continue;
		}
		if (i + 1 >= argc)
			rd_usage_error(cmd->name, "--%s needs a value%s%s",
				       o->name, o->metavar ? " " : "",
				       o->metavar ? o->metavar : "");
		set_value(cmd, o, argv[++i]);
	}
	*npos = pos;
}
