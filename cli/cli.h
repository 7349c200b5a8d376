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

#define RD_EXIT_USAGE	2

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

/*
 * Parse argv[1..argc-1] (argv[0] is the command name) against @opts (NULL
 * name terminates).  Positional arguments are moved to the front of argv,
 * their count returned in *npos.  "--help" prints the command's help and
 * exits 0; "--help-json" prints the option table as JSON (name, type,
 * metavar, help and, for numbers, the bounds) and exits 0.  On bad input
 * prints "ringdrain CMD: reason" and exits 2.  A table whose numeric option
 * has an empty range, or bounds of another type set, is a bug in the
 * command: the parser says so in one line on stderr and exits 1, before
 * looking at any argument (so "--help-json" finds it too).
 */
void rd_parse_args(const struct rd_command *cmd, struct rd_opt *opts,
		   int argc, char **argv, int *npos);

/**
 * rd_parse_cmdline() - every command's preamble: rd_parse_args(), then the
 * count of positional arguments checked.
 * @cmd:	the command.
 * @opts:	its options, as for rd_parse_args().
 * @argc:	arguments, argv[0] being the command's name.
 * @argv:	the arguments; the positional ones end up first.
 * @min_pos:	the fewest positional arguments the command takes.
 * @max_pos:	the most.
 * @missing:	the one-line error when fewer than @min_pos are given (it
 *		names what is missing and the usage); NULL if @min_pos is 0.
 *
 * Context: a command's run(); exits 2 on bad input, as rd_parse_args().
 * Return: the number of positional arguments, in [@min_pos, @max_pos].
 */
int rd_parse_cmdline(const struct rd_command *cmd, struct rd_opt *opts,
		     int argc, char **argv, int min_pos, int max_pos,
		     const char *missing);

/* Print "ringdrain CMD: reason" to stderr and exit 2. */
void rd_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Parse a whole string as a number in [min, max]; -1 and a reason on error. */
int rd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why);

/*
 * rd_parse_i64() - parse a whole string as a signed number in [min, max].
 * Return: 0 and *out set, or -1 with *why naming the problem ("not a
 * number", "not a whole number", "too small", "too large").
 */
int rd_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
		 const char **why);

/*
 * rd_parse_double() - parse a whole string as a finite number in the range
 * [min, max], or (min, max] when @min_open.
 * Return: 0 and *out set, or -1 with *why naming the problem.
 */
int rd_parse_double(const char *s, double min, bool min_open, double max,
		    double *out, const char **why);

extern const struct rd_command *const rd_commands[];
extern const unsigned int rd_nr_commands;

#endif /* RINGDRAIN_CLI_H */
