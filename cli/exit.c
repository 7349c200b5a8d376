// SPDX-License-Identifier: GPL-2.0
/*
 * exit.c - where a command's run() ends early: the option parser's status
 * and a run()'s own usage errors become one line on stderr and an exit
 * status.  The parser (args.c) and the libraries return errors (base.h);
 * only these, called from a run() or main(), exit.  Linked into the
 * ringdrain binaries only, never into a library.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

void rd_args_exit(const struct rd_command *cmd, int status,
		  const struct rd_err *e)
{
	if (status == RD_ARGS_HELP)
		exit(0);
	fprintf(stderr, "ringdrain %s: %s\n", cmd->name,
		e && e->code ? e->msg : "bad arguments");
	exit(status == -ENOTRECOVERABLE ? 1 : RD_EXIT_USAGE);
}

void rd_parse_args(const struct rd_command *cmd, struct rd_opt *opts,
		   int argc, char **argv, int *npos)
{
	struct rd_err e;
	int ret = rd_args_parse(cmd, opts, argc, argv, npos, &e);

	if (ret)
		rd_args_exit(cmd, ret, &e);
}

int rd_parse_cmdline(const struct rd_command *cmd, struct rd_opt *opts,
		     int argc, char **argv, int min_pos, int max_pos,
		     const char *missing)
{
	struct rd_err e;
	int npos, ret;

	ret = rd_args_parse(cmd, opts, argc, argv, &npos, &e);
	if (!ret)
		ret = rd_args_check_pos(argv, npos, min_pos, max_pos, missing,
					&e);
	if (ret)
		rd_args_exit(cmd, ret, &e);
	return npos;
}
