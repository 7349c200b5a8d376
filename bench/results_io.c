// SPDX-License-Identifier: GPL-2.0
/* results_io.c - whole-or-nothing files and the results folder lock. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results_io.h"

/*
 * The temporary file being written and the lock file, for the signal
 * handler: it reads them only while the *_live flag is set, and the flag is
 * set after the name is complete and cleared before it changes.
 */
static char io_tmp[1100], lock_path[1100];
static volatile sig_atomic_t io_tmp_live, lock_live;
static int lock_fd = -1;

char *rd_msgf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n >= (int)len)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

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

static int fail(const char *tmp, const char *path, int e, char *err)
{
	unlink(tmp);
	io_tmp_live = 0;
	snprintf(err, RD_IO_ERR_LEN, "cannot write %s: %s", path, strerror(e));
	return -1;
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

int rd_commit_file(const char *tmp, const char *path, char *err)
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
	if (sync_dir(path)) {
		snprintf(err, RD_IO_ERR_LEN, "cannot write %s: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* RINGDRAIN_IO_FAIL=NAME: the byte count after which writing @path fails. */
static size_t injected_limit(const char *path, size_t len)
{
	const char *name = getenv("RINGDRAIN_IO_FAIL");

	return name && !strcmp(name, base_name(path)) ? len / 2 : SIZE_MAX;
}

int rd_write_file(const char *path, const void *data, size_t len, char *err)
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

int rd_write_json(const char *path, const json_t *j, size_t flags, char *err)
{
	char *text = json_dumps(j, flags);
	size_t len;
	int ret;

	if (!text) {
		snprintf(err, RD_IO_ERR_LEN, "cannot write %s: %s", path,
			 strerror(ENOMEM));
		return -1;
	}
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

int rd_results_lock(const char *dir, int argc, char *const *argv, char *err,
		    char *note)
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
		if (fd < 0) {
			snprintf(err, RD_IO_ERR_LEN, "cannot create %s: %s",
				 lock_path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int e = errno;

			if (e == EWOULDBLOCK) {
				lock_holder(fd, holder, sizeof(holder));
				snprintf(err, RD_IO_ERR_LEN,
					 "%s is in use by %s: wait for it to end",
					 dir, holder);
			} else {
				snprintf(err, RD_IO_ERR_LEN, "cannot lock %s: %s",
					 lock_path, strerror(e));
			}
			close(fd);
			return -1;
		}
		/* The holder before us may have unlinked the file: retry. */
		if (!fstat(fd, &a) && !stat(lock_path, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	if (!fstat(fd, &a) && a.st_size > 0) {
		pid = lock_holder(fd, holder, sizeof(holder));
		rd_msgf(note, RD_IO_ERR_LEN,
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
		snprintf(err, RD_IO_ERR_LEN, "cannot write %s: %s", lock_path,
			 strerror(errno));
		unlink(lock_path);
		close(fd);
		return -1;
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
