// SPDX-License-Identifier: GPL-2.0
/* proc.c - the test suites' process runner (see proc.h). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "ring/base.h"

static char *rd_vfmt(const char *fmt, va_list ap)
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

char *rd_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rd_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

char *rd_slurp(const char *path)
{
	char *buf = rd_read_file(path, NULL, NULL);

	/* a file the child never wrote reads as empty */
	return buf ? buf : rd_fmt("%s", "");
}

/* "ENV BIN ARGS" (ENV and its blank left out when NULL). */
static char *rd_cmdline(const char *env, const char *bin, const char *fmt,
			va_list ap)
{
	char *args = rd_vfmt(fmt, ap);
	char *cmd = rd_fmt("%s%s%s %s", env ? env : "", env ? " " : "", bin,
			   args);

	free(args);
	return cmd;
}

struct rd_proc *rd_proc_run(struct rd_proc *p, const char *env,
			    const char *bin, const char *fmt, ...)
{
	static unsigned int seq;
	char outp[64], errp[64], *sh;
	va_list ap;
	int st;

	va_start(ap, fmt);
	p->cmd = rd_cmdline(env, bin, fmt, ap);
	va_end(ap);
	snprintf(outp, sizeof(outp), "/tmp/rd_test_out.%d.%u", (int)getpid(),
		 seq);
	snprintf(errp, sizeof(errp), "/tmp/rd_test_err.%d.%u", (int)getpid(),
		 seq++);
	sh = rd_fmt("%s >%s 2>%s", p->cmd, outp, errp);
	st = system(sh);
	free(sh);
	p->status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	p->stopped = false;
	p->out = rd_slurp(outp);
	p->err = rd_slurp(errp);
	unlink(outp);
	unlink(errp);
	return p;
}

struct rd_proc *rd_proc_first_line(struct rd_proc *p, const char *bin,
				   const char *fmt, ...)
{
	size_t len = 0, cap = 4096;
	char errp[64], *sh;
	int fd[2], st;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	p->cmd = rd_cmdline(NULL, bin, fmt, ap);
	va_end(ap);
	snprintf(errp, sizeof(errp), "/tmp/rd_test_err.%d.first", (int)getpid());
	sh = rd_fmt("exec %s 2>%s", p->cmd, errp);
	p->out = malloc(cap);
	if (!p->out || pipe(fd))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/bin/sh", "sh", "-c", sh, (char *)NULL);
		_exit(127);
	}
	free(sh);
	close(fd[1]);
	while (len < cap - 1 && !memchr(p->out, '\n', len)) {
		ssize_t n = read(fd[0], p->out + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	p->out[len] = 0;
	/* the process (not the shell: exec) is ours until waitpid() */
	kill(pid, SIGKILL);
	close(fd[0]);
	waitpid(pid, &st, 0);
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	p->stopped = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	p->err = rd_slurp(errp);
	unlink(errp);
	return p;
}

void rd_proc_free(struct rd_proc *p)
{
	free(p->cmd);
	free(p->out);
	free(p->err);
	p->cmd = p->out = p->err = NULL;
}

struct rd_proc *rd_proc_reuse(void)
{
	static struct rd_proc r;

	rd_proc_free(&r);
	memset(&r, 0, sizeof(r));
	return &r;
}

int rd_proc_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}
