/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run_cli.h - run the ringdrain binary as a user would, for the tests.
 *
 * rd_run_cli("replay %s --regions %d", path, n) runs "RD_BIN replay ..."
 * through the shell and returns its exit status, stdout and stderr;
 * rd_run_bin() runs another binary the same way.  The result is static:
 * each call overwrites the previous one.
 */
#ifndef RINGDRAIN_RUN_CLI_H
#define RINGDRAIN_RUN_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RD_BIN
#error "RD_BIN must name the ringdrain binary"
#endif

struct rd_cli_result {
	int status;		/* exit status, -1 if it did not exit */
	bool stopped;		/* rd_run_first_line() killed it */
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

/* rd_run_cli() with another binary @bin: "BIN ARGS". */
static inline struct rd_cli_result *rd_run_bin_v(const char *bin,
						 const char *fmt, va_list ap)
{
	static struct rd_cli_result r;
	char args[2048], cmd[4096], outp[64], errp[64];
	int st;

	vsnprintf(args, sizeof(args), fmt, ap);
	snprintf(outp, sizeof(outp), "/tmp/rd_cli_out.%d", getpid());
	snprintf(errp, sizeof(errp), "/tmp/rd_cli_err.%d", getpid());
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>%s", bin, args, outp, errp);
	st = system(cmd);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r.stopped = false;
	rd_cli_slurp(outp, r.out, sizeof(r.out));
	rd_cli_slurp(errp, r.err, sizeof(r.err));
	unlink(outp);
	unlink(errp);
	return &r;
}

static inline struct rd_cli_result *rd_run_bin(const char *bin,
					       const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline struct rd_cli_result *rd_run_bin(const char *bin,
					       const char *fmt, ...)
{
	struct rd_cli_result *r;
	va_list ap;

	va_start(ap, fmt);
	r = rd_run_bin_v(bin, fmt, ap);
	va_end(ap);
	return r;
}

static inline struct rd_cli_result *rd_run_cli(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline struct rd_cli_result *rd_run_cli(const char *fmt, ...)
{
	struct rd_cli_result *r;
	va_list ap;

	va_start(ap, fmt);
	r = rd_run_bin_v(RD_BIN, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * rd_run_first_line() - run "BIN ARGS" until it has printed its first
 * line on stdout, then kill it: for a command whose parsing and checks end
 * in a header line before long work (stress prints its configuration).
 * Deterministic: it waits for the line or for the end of the process, never
 * for a time.  The result's out holds the line (or all stdout, if the
 * process ended first), err its stderr, stopped whether it was killed.
 */
static inline struct rd_cli_result *rd_run_first_line(const char *bin,
						      const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline struct rd_cli_result *rd_run_first_line(const char *bin,
						      const char *fmt, ...)
{
	static struct rd_cli_result r;
	char args[2048], cmd[4096], errp[64];
	size_t len = 0;
	int fd[2], st;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(errp, sizeof(errp), "/tmp/rd_cli_err.%d", getpid());
	snprintf(cmd, sizeof(cmd), "exec %s %s 2>%s", bin, args, errp);
	memset(&r, 0, sizeof(r));
	if (pipe(fd))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (len < sizeof(r.out) - 1 && !memchr(r.out, '\n', len)) {
		ssize_t n = read(fd[0], r.out + len, sizeof(r.out) - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	r.out[len] = 0;
	/* the process (not the shell: exec) is ours until waitpid() */
	r.stopped = kill(pid, SIGKILL) == 0;
	close(fd[0]);
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r.stopped &= !WIFEXITED(st);
	rd_cli_slurp(errp, r.err, sizeof(r.err));
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
