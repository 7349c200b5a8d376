// SPDX-License-Identifier: GPL-2.0
/* results_io.c - whole-or-nothing files and the results folder lock. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "results_io.h"

/*
 * The temporary file being written and the lock file, for the signal
 * handler: it reads them only while the *_live flag is set, and the flag is
 * set after the name is complete and cleared before it changes.
 */
static char io_tmp[1100], lock_path[1100];
static volatile sig_atomic_t io_tmp_live, lock_live;
static int lock_fd = -1;

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void rd_tmp_name(const char *path, char *tmp, size_t len)
{
	const char *base = base_name(path);

	io_tmp_live = 0;
	snprintf(tmp, len, "%.*s.%s.tmp.%ld", (int)(base - path), path, base,
		 (long)getpid());
	snprintf(io_tmp, sizeof(io_tmp), "%s", tmp);
	io_tmp_live = 1;
}

void rd_io_abandon(void)
{
	if (io_tmp_live)
		unlink(io_tmp);
}

static int fail(const char *tmp, const char *path, int e, struct rd_err *err)
{
	unlink(tmp);
	io_tmp_live = 0;
	return rd_errf(err, e, "cannot write %s: %s", path, strerror(e));
}

/* Sync @path's folder, so that a rename into it survives a crash. */
static int sync_dir(const char *path)
{
	const char *base = base_name(path);
	char dir[1100];
	int fd, ret;

	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	fd = open(dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

int rd_commit_file(const char *tmp, const char *path, struct rd_err *err)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(tmp, path, errno, err);
	/* The writer closed the file; its data may still be only in the cache. */
	if (fsync(fd)) {
		int e = errno;

		close(fd);
		return fail(tmp, path, e, err);
	}
	close(fd);
	if (rename(tmp, path))
		return fail(tmp, path, errno, err);
	io_tmp_live = 0;
	if (sync_dir(path))
		return rd_errf(err, errno, "cannot write %s: %s", path,
			       strerror(errno));
	return 0;
}

/* RINGDRAIN_IO_FAIL=NAME: the byte count after which writing @path fails. */
static size_t injected_limit(const char *path, size_t len)
{
	const char *name = getenv("RINGDRAIN_IO_FAIL");

	return name && !strcmp(name, base_name(path)) ? len / 2 : SIZE_MAX;
}

int rd_write_file(const char *path, const void *data, size_t len,
		  struct rd_err *err)
{
	size_t done = 0, limit = injected_limit(path, len);
	char tmp[sizeof(io_tmp)];
	int fd;

	rd_tmp_name(path, tmp, sizeof(tmp));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(tmp, path, errno, err);
	while (done < len) {
		size_t chunk = len - done;
		ssize_t n;

		if (done >= limit) {
			close(fd);
			return fail(tmp, path, ENOSPC, err);
		}
		if (limit != SIZE_MAX && chunk > limit - done)
			chunk = limit - done;
		n = write(fd, (const char *)data + done, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return fail(tmp, path, e, err);
		}
		done += n;
	}
	if (close(fd))
		return fail(tmp, path, errno, err);
	/* Data on the disk before the name: the rename must not expose holes. */
	return rd_commit_file(tmp, path, err);
}

int rd_write_json(const char *path, const json_t *j, size_t flags,
		  struct rd_err *err)
{
	char *text = json_dumps(j, flags);
	size_t len;
	int ret;

	if (!text)
		return rd_errf(err, ENOMEM, "cannot write %s: %s", path,
			       strerror(ENOMEM));
	len = strlen(text);
	text[len] = '\n';	/* json_dumps leaves room for its NUL */
	ret = rd_write_file(path, text, len + 1, err);
	free(text);
	return ret;
}

/* "PID (COMMAND LINE)" of the lock file @fd, into @buf; the pid returned. */
static long lock_holder(int fd, char *buf, size_t len)
{
	char text[1024];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid = 0;
	char *nl;

	text[n > 0 ? n : 0] = 0;
	nl = strchr(text, '\n');
	if (nl) {
		*nl = 0;
		pid = strtol(text, NULL, 10);
		nl[strcspn(nl + 1, "\n") + 1] = 0;
		snprintf(buf, len, "pid %ld (%s)", pid, nl + 1);
	} else {
		snprintf(buf, len, "a process that has not written its pid yet");
	}
	return pid;
}

int rd_results_lock(const char *dir, int argc, char *const *argv,
		    char *note, size_t note_len, struct rd_err *err)
{
	char holder[1100], line[2048] = "";
	struct stat a, b;
	size_t len;
	long pid;
	int fd;

	note[0] = 0;
	lock_live = 0;
	snprintf(lock_path, sizeof(lock_path), "%s/.lock", dir);
	for (;;) {
		fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return rd_errf(err, errno, "cannot create %s: %s",
				       lock_path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int e = errno, ret;

			if (e == EWOULDBLOCK) {
				lock_holder(fd, holder, sizeof(holder));
				ret = rd_errf(err, EBUSY,
					      "%s is in use by %s: wait for it to end",
					      dir, holder);
			} else {
				ret = rd_errf(err, e, "cannot lock %s: %s",
					      lock_path, strerror(e));
			}
			close(fd);
			return ret;
		}
		/* The holder before us may have unlinked the file: retry. */
		if (!fstat(fd, &a) && !stat(lock_path, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	if (!fstat(fd, &a) && a.st_size > 0) {
		pid = lock_holder(fd, holder, sizeof(holder));
		snprintf(note, note_len,
			 "taking over the stale lock %s of %s: %s", lock_path,
			 holder, pid > 0 && kill(pid, 0) && errno == ESRCH ?
			 "that process is gone" : "it no longer holds it");
	}
	len = snprintf(line, sizeof(line), "%ld\nringdrain", (long)getpid());
	for (int i = 0; i < argc && len < sizeof(line) - 2; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s", argv[i]);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	if (ftruncate(fd, 0) || pwrite(fd, line, len, 0) != (ssize_t)len) {
		int ret = rd_errf(err, errno ? errno : EIO, "cannot write %s: %s",
				  lock_path, strerror(errno));

		unlink(lock_path);
		close(fd);
		return ret;
	}
	lock_fd = fd;
	lock_live = 1;
	return 0;
}

void rd_results_lock_abandon(void)
{
	if (lock_live)
		unlink(lock_path);
}

void rd_results_unlock(void)
{
	if (lock_fd < 0)
		return;
	/* Unlink while still holding it: a waiter then finds a new file. */
	unlink(lock_path);
	lock_live = 0;
	close(lock_fd);
	lock_fd = -1;
}

json_t *rd_json_load_gbench(const char *path, json_error_t *jerr)
{
	struct rd_err e = { 0 };
	char *text = rd_read_file(path, NULL, &e);
	json_t *root;

	if (!text) {
		/* the message names the file already; say only the problem */
		const char *why = strncmp(e.msg, path, strlen(path)) ? e.msg :
				  e.msg + strlen(path) + 2;

		snprintf(jerr->text, sizeof(jerr->text), "%.*s",
			 (int)sizeof(jerr->text) - 1, why);
		jerr->line = 0;
		return NULL;
	}
	root = rd_json_loads_gbench(text, jerr);
	free(text);
	return root;
}

json_t *rd_json_loads_gbench(const char *text, json_error_t *jerr)
{
	static const char *const bad[] = { "-nan", "nan", "-NaN", "NaN", "-inf",
					   "inf", "-Infinity", "Infinity" };
	size_t len = strlen(text), o = 0;
	bool in_string = false;
	char *clean;
	json_t *root;

	/*
	 * Google Benchmark writes non-finite numbers (the cv of an all-zero
	 * counter is -nan) as bare nan/inf tokens, which JSON does not have,
	 * and jansson has no flag to accept them: outside strings, read them
	 * as null.
	 */
	clean = malloc(2 * len + 1);
	if (!clean) {
		snprintf(jerr->text, sizeof(jerr->text), "out of memory");
		jerr->line = 0;
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		bool replaced = false;

		if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
			in_string = !in_string;
		if (!in_string && (i == 0 || !isalnum((unsigned char)text[i - 1])))
			for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
				size_t bl = strlen(bad[k]);

				if (!strncmp(text + i, bad[k], bl) &&
				    !isalnum((unsigned char)text[i + bl])) {
					memcpy(clean + o, "null", 4);
					o += 4;
					i += bl;
					replaced = true;
					break;
				}
			}
		if (!replaced)
			clean[o++] = text[i++];
	}
	clean[o] = 0;
	root = json_loads(clean, 0, jerr);
	free(clean);
	return root;
}
