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
	RD_OPT_DOUBLE,	/* double within [min, max] */
};

struct rd_opt {
	const char *name;	/* without the leading "--" */
	enum rd_opt_type type;
	void *dst;
	const char *metavar;	/* value name in --help, e.g. "N" */
	const char *help;
	double min, max;	/* range for numbers (inclusive) */
	bool seen;		/* set by the parser */
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
 * exits 0.  On bad input prints "ringdrain CMD: reason" and exits 2.
 */
void rd_parse_args(const struct rd_command *cmd, struct rd_opt *opts,
		   int argc, char **argv, int *npos);

/* Print "ringdrain CMD: reason" to stderr and exit 2. */
void rd_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Parse a whole string as a number in [min, max]; -1 and a reason on error. */
int rd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char **why);

extern const struct rd_command *const rd_commands[];
extern const unsigned int rd_nr_commands;

#endif /* RINGDRAIN_CLI_H */
