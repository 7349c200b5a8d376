/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - the ringdrain command line: the command table and a small
 * declarative option parser that every command uses, so every command has
 * --help, rejects unknown options and bad values with one line naming the
 * input and the problem, and exits 2 on bad input.
 */
#ifndef RINGDRAIN_CLI_H
#define RINGDRAIN_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/base.h"

#define RD_EXIT_USAGE	2
/* rd_args_parse() printed help: nothing to run, exit 0. */
#define RD_ARGS_HELP	1

enum rd_opt_type {
	RD_OPT_FLAG,	/* bool, no value */
	RD_OPT_STR,	/* const char * */
	RD_OPT_U64,	/* uint64_t within [min, max] */
	RD_OPT_I64,	/* int64_t within [imin, imax] */
	RD_OPT_DOUBLE,	/* double within [dmin, dmax] (dmin excluded if dmin_open) */
};

/**
 * struct rd_opt - one option of a command, for rd_parse_args().
 * @name:	without the leading "--".
 * @type:	what @dst points to: bool, const char *, uint64_t, int64_t or
 *		double.
 * @dst:	where the value goes; left alone unless the option is given.
 * @metavar:	value name in --help and in range errors, e.g. "N".
 * @help:	one line for --help.
 * @min:	RD_OPT_U64 only: the smallest value accepted.
 * @max:	RD_OPT_U64 only: the largest value accepted (UINT64_MAX is exact).
 * @imin:	RD_OPT_I64 only: the smallest value accepted.
 * @imax:	RD_OPT_I64 only: the largest value accepted.
 * @dmin:	RD_OPT_DOUBLE only: the smallest value accepted, or with
 *		@dmin_open the bound every value must lie strictly above.
 * @dmax:	RD_OPT_DOUBLE only: the largest value accepted.
 * @dmin_open:	RD_OPT_DOUBLE only: @dmin itself is refused ("positive").
 * @seen:	set by the parser when the option was given.
 *
 * Each numeric type keeps its bounds in its own type, so every bound is
 * exact: a table must fill only the bounds of its option's type (the
 * parser refuses a table that does not, see rd_parse_args()).
 */
struct rd_opt {
	const char *name;
	enum rd_opt_type type;
	void *dst;
	const char *metavar;
	const char *help;
	uint64_t min, max;
	int64_t imin, imax;
	double dmin, dmax;
	bool dmin_open;
	bool seen;
};

struct rd_command {
	const char *name;
	const char *synopsis;	/* arguments after the command name */
	const char *summary;	/* one line */
	const char *description;	/* a paragraph for --help, or NULL */
	int (*run)(int argc, char **argv);
};

/**
 * rd_args_parse() - parse a command's options.
 * @cmd:	the command (its name and help).
 * @opts:	its options (NULL name terminates).
 * @argc:	arguments, argv[0] being the command's name.
 * @argv:	the arguments; the positional ones are moved to the front.
 * @npos:	set to the count of positional arguments.
 * @e:		why it failed: one line naming the input and the problem
 *		("--n: '4' too large (expected N from -3 to 3)"), without the
 *		"ringdrain CMD: " a command's exit puts before it.
 *
 * "--help" prints the command's help, "--help-json" the option table as
 * JSON (name, type, metavar, help and, for numbers, the bounds), both on
 * stdout.  A table whose numeric option has an empty range, or bounds of
 * another type set, is a bug in the command, found before any argument is
 * looked at (so "--help-json" finds it too).  Nothing here exits.
 *
 * Return: 0; RD_ARGS_HELP after printing help; -EINVAL on bad input;
 * -ENOTRECOVERABLE for a bad table ("bug in the option table: ...").
 */
int rd_args_parse(const struct rd_command *cmd, struct rd_opt *opts,
		  int argc, char **argv, int *npos, struct rd_err *e);

/**
 * rd_args_check_pos() - the count of positional arguments.
 * @argv:	the arguments after rd_args_parse() (positional ones first).
 * @npos:	how many are positional.
 * @min_pos:	the fewest the command takes.
 * @max_pos:	the most.
 * @missing:	the error when fewer than @min_pos are given (it names what
 *		is missing and the usage); NULL if @min_pos is 0.
 * @e:		why it failed.
 *
 * Return: 0, or -EINVAL with @e filled.
 */
int rd_args_check_pos(char **argv, int npos, int min_pos, int max_pos,
		      const char *missing, struct rd_err *e);

/*
 * The exits of a command's run() (cli/exit.c, linked into the ringdrain
 * binaries only): they print and exit, so only a run() or main() calls
 * them.
 */

/**
 * rd_args_exit() - end a run() on a status of rd_args_parse() or
 * rd_args_check_pos(): exit 0 after help, 1 on a bad table, 2 on bad input,
 * printing "ringdrain CMD: " and @e's message for an error.
 */
void rd_args_exit(const struct rd_command *cmd, int status,
		  const struct rd_err *e) __attribute__((noreturn));

/*
 * rd_parse_args() - rd_args_parse(), exiting as rd_args_exit() on anything
 * but success.
 */
void rd_parse_args(const struct rd_command *cmd, struct rd_opt *opts,
		   int argc, char **argv, int *npos);

/**
 * rd_parse_cmdline() - every command's preamble: rd_args_parse(), then the
 * count of positional arguments checked (rd_args_check_pos()).
 * @cmd:	the command.
 * @opts:	its options, as for rd_args_parse().
 * @argc:	arguments, argv[0] being the command's name.
 * @argv:	the arguments; the positional ones end up first.
 * @min_pos:	the fewest positional arguments the command takes.
 * @max_pos:	the most.
 * @missing:	the one-line error when fewer than @min_pos are given.
 *
 * Context: a command's run(); exits as rd_args_exit() unless all is well.
 * Return: the number of positional arguments, in [@min_pos, @max_pos].
 */
int rd_parse_cmdline(const struct rd_command *cmd, struct rd_opt *opts,
		     int argc, char **argv, int min_pos, int max_pos,
		     const char *missing);

/* Print "ringdrain CMD: reason" to stderr and exit 2 (a run()'s bad input). */
void rd_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/*
 * Parse a whole string as a number in [min, max]; 0, or -EINVAL (not a
 * number) or -ERANGE (out of range) and a reason on error.
 */
int rd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why);

/*
 * rd_parse_i64() - parse a whole string as a signed number in [min, max].
 * Return: 0 and *out set, or -EINVAL / -ERANGE with *why naming the
 * problem ("not a number", "not a whole number", "too small", "too large").
 */
int rd_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
		 const char **why);

/*
 * rd_parse_double() - parse a whole string as a finite number in the range
 * [min, max], or (min, max] when @min_open.
 * Return: 0 and *out set, or -EINVAL / -ERANGE with *why naming the
 * problem.
 */
int rd_parse_double(const char *s, double min, bool min_open, double max,
		    double *out, const char **why);

extern const struct rd_command *const rd_commands[];
extern const unsigned int rd_nr_commands;

#endif /* RINGDRAIN_CLI_H */
