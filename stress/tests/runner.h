/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - run a ringdrain stress binary as a user would and read what it
 * printed: exit status, stdout, stderr, and the summary (JSON or the last
 * line).  Test code only.
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

static inline char *rs_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 1 << 16, n;
	char *buf = malloc(cap);

	if (!f) {
		buf[0] = 0;
		return buf;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

/* Run "ENV BIN ARGS" (ARGS printf-style), capturing stdout and stderr. */
static inline void rs_exec(struct rs_run *r, const char *env, const char *bin,
			   const char *fmt, ...)
{
	char args[512], outp[64], errp[64], sh[1400];
	static unsigned int seq;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "/tmp/rd_stress_out.%d.%u", getpid(), seq);
	snprintf(errp, sizeof(errp), "/tmp/rd_stress_err.%d.%u", getpid(), seq++);
	snprintf(r->cmd, sizeof(r->cmd), "%s%s%s %s", env ? env : "",
		 env ? " " : "", bin, args);
	snprintf(sh, sizeof(sh), "%s >%s 2>%s", r->cmd, outp, errp);
	st = system(sh);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->out = rs_slurp(outp);
	r->err = rs_slurp(errp);
	unlink(outp);
	unlink(errp);
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
