/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run_cli.h - run the ringdrain binary as a user would, for the tests.
 *
 * rd_run_cli("replay %s --regions %d", path, n) runs "RD_BIN replay ..."
 * through the shell and returns its exit status, stdout and stderr.  The
 * result is static: each call overwrites the previous one.
 */
#ifndef RINGDRAIN_RUN_CLI_H
#define RINGDRAIN_RUN_CLI_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RD_BIN
#error "RD_BIN must name the ringdrain binary"
#endif

struct rd_cli_result {
	int status;		/* exit status, -1 if it did not exit */
	char out[65536];
	char err[8192];
};

static inline void rd_cli_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = 0;
}

static inline struct rd_cli_result *rd_run_cli(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline struct rd_cli_result *rd_run_cli(const char *fmt, ...)
{
	static struct rd_cli_result r;
	char args[2048], cmd[4096], outp[64], errp[64];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "/tmp/rd_cli_out.%d", getpid());
	snprintf(errp, sizeof(errp), "/tmp/rd_cli_err.%d", getpid());
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>%s", RD_BIN, args, outp, errp);
	st = system(cmd);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	rd_cli_slurp(outp, r.out, sizeof(r.out));
	rd_cli_slurp(errp, r.err, sizeof(r.err));
	unlink(outp);
	unlink(errp);
	return &r;
}

/* How many lines @s holds. */
static inline int rd_cli_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#endif /* RINGDRAIN_RUN_CLI_H */
