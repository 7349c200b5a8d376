/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.h - read what a ringdrain stress binary printed, run through
 * the tests' process runner (cli/tests/proc.h): the summary (JSON or the
 * last line) and whether a sanitizer spoke.  Test code only.
 */
#ifndef RINGDRAIN_STRESS_SUMMARY_H
#define RINGDRAIN_STRESS_SUMMARY_H

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/tests/proc.h"

#define RS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Sanitizer runtimes: a report exits with this, never with 1. */
#define RS_SANITIZER_EXIT	66
#define RS_ASAN_ENV	"ASAN_OPTIONS=exitcode=66:detect_leaks=1 " \
			"UBSAN_OPTIONS=halt_on_error=1:exitcode=66:print_stacktrace=1"
#define RS_TSAN_ENV	"TSAN_OPTIONS='halt_on_error=0 exitcode=66 history_size=7'"

/* The summary line's numbers. */
struct rs_line {
	char design[32], mode[16];
	unsigned long long produced, consumed, dropped_full, dropped_nested;
	unsigned long long lost, torn, dup, reorder;
};

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
static inline bool rs_sanitizer_spoke(const struct rd_proc *r)
{
	return r->status == RS_SANITIZER_EXIT ||
		strstr(r->err, "ERROR: AddressSanitizer") ||
		strstr(r->err, "ERROR: LeakSanitizer") ||
		strstr(r->err, "runtime error:") ||
		strstr(r->err, "WARNING: ThreadSanitizer");
}

#endif /* RINGDRAIN_STRESS_SUMMARY_H */
