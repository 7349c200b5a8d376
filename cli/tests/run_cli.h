/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run_cli.h - run the ringdrain binary (or a test build of one of its
 * commands) as a user would, for the tests: the one process runner of the
 * test suites (cli, drain, stress).
 *
 * rd_proc_run() runs a shell command line and captures its exit status,
 * stdout and stderr whole, in memory of their size.  On top of it:
 * rd_run_cli("replay %s --regions %d", path, n) runs "RD_BIN replay ..."
 * and rd_run_bin() another binary; their result is static, each call
 * replacing the previous one.  rd_run_first_line() runs a command until its
 * first line on stdout and then kills it.  Test code only: on a failure of
 * the test machinery itself (no memory, no fork) it aborts.
 */
#ifndef RINGDRAIN_RUN_CLI_H
#define RINGDRAIN_RUN_CLI_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RD_BIN
#error "RD_BIN must name the ringdrain binary"
#endif

/**
 * struct rd_proc - what a finished process left.
 * @status:	its exit status; -1 if a signal ended it.
 * @out:	its stdout, NUL-terminated, malloc'd.
 * @err:	its stderr, likewise.
 */
struct rd_proc {
	int status;
	char *out, *err;
};

/* vsnprintf() into memory of the right size (malloc'd). */
static inline char *rd_vfmt(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (!s)
		abort();
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static inline char *rd_fmt(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline char *rd_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rd_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

/**
 * rd_slurp() - the whole of the file at @path.
 * @path:	the file.
 *
 * Return: its bytes and a NUL, malloc'd; "" if it cannot be opened.
 */
static inline char *rd_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 1 << 16, n;
	char *buf = malloc(cap);

	if (!buf)
		abort();
	buf[0] = 0;
	if (!f)
		return buf;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			if (!buf)
				abort();
		}
	}
	buf[len] = 0;
	fclose(f);
	return buf;
}

/* rd_slurp() into @buf of @len bytes, cut to fit, NUL-terminated. */
static inline void rd_cli_slurp(const char *path, char *buf, size_t len)
{
	char *all = rd_slurp(path);

	snprintf(buf, len, "%s", all);
	free(all);
}

/**
 * rd_proc_run() - run @cmdline through /bin/sh, stdout and stderr captured.
 * @p:		filled; rd_proc_free() it.
 * @cmdline:	the command line, redirections of its own left out.
 */
static inline void rd_proc_run(struct rd_proc *p, const char *cmdline)
{
	static unsigned int seq;
	char outp[64], errp[64], *sh;
	int st;

	snprintf(outp, sizeof(outp), "/tmp/rd_test_out.%d.%u", getpid(), seq);
	snprintf(errp, sizeof(errp), "/tmp/rd_test_err.%d.%u", getpid(), seq++);
	sh = rd_fmt("%s >%s 2>%s", cmdline, outp, errp);
	st = system(sh);
	free(sh);
	p->status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	p->out = rd_slurp(outp);
	p->err = rd_slurp(errp);
	unlink(outp);
	unlink(errp);
}

static inline void rd_proc_free(struct rd_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

/**
 * struct rd_cli_result - a run of rd_run_cli(), rd_run_bin() or
 * rd_run_first_line().
 * @status:	exit status, -1 if it did not exit.
 * @stopped:	rd_run_first_line() killed it.
 * @out:	its stdout (rd_run_first_line(): up to its first newline or
 *		a little past it), NUL-terminated.
 * @err:	its stderr, NUL-terminated.
 */
struct rd_cli_result {
	int status;
	bool stopped;
	char *out, *err;
};

/* The one result the calls below fill, its previous contents freed. */
static inline struct rd_cli_result *rd_cli_result_reset(void)
{
	static struct rd_cli_result r;

	free(r.out);
	free(r.err);
	memset(&r, 0, sizeof(r));
	return &r;
}

/* rd_run_cli() with another binary @bin: "BIN ARGS". */
static inline struct rd_cli_result *rd_run_bin_v(const char *bin,
						 const char *fmt, va_list ap)
{
	struct rd_cli_result *r = rd_cli_result_reset();
	struct rd_proc p;
	char *args, *cmd;

	args = rd_vfmt(fmt, ap);
	cmd = rd_fmt("%s %s", bin, args);
	rd_proc_run(&p, cmd);
	free(args);
	free(cmd);
	r->status = p.status;
	r->out = p.out;
	r->err = p.err;
	return r;
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
 * rd_run_first_line() - run "BIN ARGS" until it has printed its first line
 * on stdout, then kill it: for a command whose parsing and checks end in a
 * header line before long work (stress prints its configuration).
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
	struct rd_cli_result *r = rd_cli_result_reset();
	size_t len = 0, cap = 4096;
	char *args, *cmd, errp[64];
	int fd[2], st;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	args = rd_vfmt(fmt, ap);
	va_end(ap);
	snprintf(errp, sizeof(errp), "/tmp/rd_test_err.%d.first", getpid());
	cmd = rd_fmt("exec %s %s 2>%s", bin, args, errp);
	free(args);
	r->out = malloc(cap);
	if (!r->out || pipe(fd))
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
	free(cmd);
	close(fd[1]);
	while (len < cap - 1 && !memchr(r->out, '\n', len)) {
		ssize_t n = read(fd[0], r->out + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	r->out[len] = 0;
	/* the process (not the shell: exec) is ours until waitpid() */
	kill(pid, SIGKILL);
	close(fd[0]);
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->stopped = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	r->err = rd_slurp(errp);
	unlink(errp);
	return r;
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
