/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h - the one process runner of the test suites (cli, drain, stress,
 * bench): run a binary as a user would and keep what it left.
 *
 * rd_proc_run(p, env, bin, "replay %s --regions %d", path, n) runs
 * "ENV BIN ARGS" through /bin/sh and captures its exit status, stdout and
 * stderr whole, in memory of their size; rd_proc_first_line() runs one
 * until its first line on stdout and then kills it.  rd_run_cli(ARGS...)
 * is rd_proc_run() of RD_BIN (the test's ringdrain binary) into the one
 * static result rd_proc_reuse() hands out, each call replacing the
 * previous one.  Test code only (the rd_test_proc library): on a failure
 * of the test machinery itself (no memory, no fork) it aborts.
 */
#ifndef RINGDRAIN_TEST_PROC_H
#define RINGDRAIN_TEST_PROC_H

#include <stdbool.h>

/**
 * struct rd_proc - what a finished process left.
 * @cmd:	the command line it was run with, for messages.
 * @status:	its exit status; -1 if a signal ended it.
 * @stopped:	rd_proc_first_line() killed it.
 * @out:	its stdout (rd_proc_first_line(): up to its first newline or
 *		a little past it), NUL-terminated.
 * @err:	its stderr, likewise.
 *
 * Every string is malloc'd; rd_proc_free() frees them.
 */
struct rd_proc {
	char *cmd;
	int status;
	bool stopped;
	char *out, *err;
};

/**
 * rd_proc_run() - run "ENV BIN ARGS" through /bin/sh, output captured.
 * @p:		filled (its previous contents are not freed).
 * @env:	"VAR=value ..." put before the command, or NULL.
 * @bin:	the binary.
 * @fmt:	its arguments, printf-style, redirections of their own left
 *		out.
 *
 * Return: @p.
 */
struct rd_proc *rd_proc_run(struct rd_proc *p, const char *env,
			    const char *bin, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * rd_proc_first_line() - run "BIN ARGS" until it has printed its first line
 * on stdout, then kill it: for a command whose parsing and checks end in a
 * header line before long work (stress prints its configuration).
 * Deterministic: it waits for the line or for the end of the process, never
 * for a time.  @p's out holds the line (or all stdout, if the process ended
 * first), err its stderr, stopped whether it was killed.  Return: @p.
 */
struct rd_proc *rd_proc_first_line(struct rd_proc *p, const char *bin,
				   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void rd_proc_free(struct rd_proc *p);

/* The one static result, its previous contents freed. */
struct rd_proc *rd_proc_reuse(void);

#ifdef RD_BIN
/* "RD_BIN ARGS" into rd_proc_reuse()'s result. */
#define rd_run_cli(...)	rd_proc_run(rd_proc_reuse(), NULL, RD_BIN, __VA_ARGS__)
#endif

/* How many lines @s holds. */
int rd_proc_lines(const char *s);

/* The whole of the file at @path, NUL-terminated, malloc'd; "" if it
 * cannot be opened. */
char *rd_slurp(const char *path);

/* vsnprintf() into memory of the right size (malloc'd). */
char *rd_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* RINGDRAIN_TEST_PROC_H */
