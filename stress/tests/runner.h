/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - run a ringdrain stress binary as a user would (through
 * cli/tests/run_cli.h) and read what it printed: exit status, stdout,
 * stderr, and the summary (JSON or the last line).  Test code only.
 */
#ifndef RINGDRAIN_STRESS_RUNNER_H
#define RINGDRAIN_STRESS_RUNNER_H

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_cli.h"	/* the process runner of every test suite */

#define RS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Sanitizer runtimes: a report exits with this, never with 1. */
#define RS_SANITIZER_EXIT	66
#define RS_ASAN_ENV	"ASAN_OPTIONS=exitcode=66:detect_leaks=1 " \
			"UBSAN_OPTIONS=halt_on_error=1:exitcode=66:print_stacktrace=1"
#define RS_TSAN_ENV	"TSAN_OPTIONS='halt_on_error=0 exitcode=66 history_size=7'"

struct rs_run {
	int status;		/* exit status, -1 if killed */
	char cmd[1024];
	char *out, *err;	/* NUL-terminated, malloc'd */
};

/* The summary line's numbers. */
struct rs_line {
	char design[32], mode[16];
	unsigned long long produced, consumed, dropped_full, dropped_nested;
	unsigned long long lost, torn, dup, reorder;
};

/* Run "ENV BIN ARGS" (ARGS printf-style), capturing stdout and stderr. */
static inline void rs_exec(struct rs_run *r, const char *env, const char *bin,
			   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline void rs_exec(struct rs_run *r, const char *env, const char *bin,
			   const char *fmt, ...)
{
	struct rd_proc p;
	va_list ap;
	char *args;

	va_start(ap, fmt);
	args = rd_vfmt(fmt, ap);
	va_end(ap);
	if ((size_t)snprintf(r->cmd, sizeof(r->cmd), "%s%s%s %s",
			     env ? env : "", env ? " " : "", bin, args) >=
	    sizeof(r->cmd))
		abort();	/* a test's command line: keep it under 1 KiB */
	free(args);
	rd_proc_run(&p, r->cmd);
	r->status = p.status;
	r->out = p.out;
	r->err = p.err;
}

static inline void rs_free(struct rs_run *r)
{
	free(r->out);
	free(r->err);
}

/* The last line of @text, parsed; false if it is not the summary line. */
static inline bool rs_last_line(const char *text, struct rs_line *l)
{
	const char *end = text + strlen(text), *start;
	int used = -1;

	if (end == text || end[-1] != '\n')
		return false;
	for (start = end - 1; start > text && start[-1] != '\n'; start--)
		;
	if (sscanf(start,
		   "design=%31s mode=%15s produced=%llu consumed=%llu dropped_full=%llu dropped_nested=%llu lost=%llu torn=%llu dup=%llu reorder=%llu\n%n",
		   l->design, l->mode, &l->produced, &l->consumed,
		   &l->dropped_full, &l->dropped_nested, &l->lost, &l->torn,
		   &l->dup, &l->reorder, &used) != 10)
		return false;
	return start + used == end;
}

/* A number from the JSON summary; aborts the test run if it is missing. */
static inline unsigned long long rs_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v)) {
		fprintf(stderr, "summary JSON lacks integer '%s'\n", key);
		abort();
	}
	return (unsigned long long)json_integer_value(v);
}

/* produced/accepted/nested of one context level in the JSON summary. */
static inline unsigned long long rs_level(json_t *o, unsigned int level,
					  const char *key)
{
	return rs_num(json_array_get(json_object_get(o, "levels"), level), key);
}

/* Did a sanitizer say anything? */
static inline bool rs_sanitizer_spoke(const struct rs_run *r)
{
	return r->status == RS_SANITIZER_EXIT ||
		strstr(r->err, "ERROR: AddressSanitizer") ||
		strstr(r->err, "ERROR: LeakSanitizer") ||
		strstr(r->err, "runtime error:") ||
		strstr(r->err, "WARNING: ThreadSanitizer");
}

#endif /* RINGDRAIN_STRESS_RUNNER_H */
