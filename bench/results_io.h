/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results_io.h - every file of a results folder is written here, whole or
 * not at all, and a results folder is held by one run at a time.
 *
 * A file is written to a hidden temporary name in its own folder
 * (".NAME.tmp.PID"), flushed to the disk with fsync(), then renamed over
 * NAME, and the folder is synced so the rename lasts.  A reader therefore
 * sees the old file, the new file, or no file: never a truncated one.  On any
 * error the temporary file is removed and the message names NAME and the
 * errno text.  The report skips hidden files, so a temporary file left by a
 * killed process is never read as a result.
 *
 * Test hook: RINGDRAIN_IO_FAIL=NAME makes the write of every file whose base
 * name is NAME fail with ENOSPC after half of its bytes reached the
 * temporary file, as a full disk does.
 */
#ifndef RINGDRAIN_RESULTS_IO_H
#define RINGDRAIN_RESULTS_IO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ring/base.h"

/*
 * Write @len bytes of @data to @path atomically.  0, or -errno with @err:
 * "cannot write PATH: <errno text>".
 */
int rd_write_file(const char *path, const void *data, size_t len,
		  struct rd_err *err);

/* Write @j (json_dumps @flags) to @path atomically.  0, or -errno and @err. */
int rd_write_json(const char *path, const json_t *j, size_t flags,
		  struct rd_err *err);

/*
 * The temporary name for @path, for a file another program writes (gnuplot):
 * write it there, then rd_commit_file().  Registered for rd_io_abandon().
 */
void rd_tmp_name(const char *path, char *tmp, size_t len);

/* fsync @tmp and rename it over @path; on error @tmp is removed.  0/-errno. */
int rd_commit_file(const char *tmp, const char *path, struct rd_err *err);

/*
 * Remove the temporary file being written now, if any.  Async-signal-safe:
 * for a handler that is about to end the process.
 */
void rd_io_abandon(void);

/*
 * Take the lock of results folder @dir: @dir/.lock, held with flock() for
 * the life of the process and holding "PID\nCOMMAND LINE\n".  A lock held by
 * a live process: -EBUSY and @err naming its pid and command line.  A lock
 * file no process holds (its process died) is taken over, with a note in
 * @note (@note_len bytes; else @note is empty).  @argv is this process's
 * command line.  0 or -errno.
 */
int rd_results_lock(const char *dir, int argc, char *const *argv,
		    char *note, size_t note_len, struct rd_err *err);

/* Remove the lock file and release the lock.  Idempotent. */
void rd_results_unlock(void);

/* rd_results_unlock() for a signal handler: unlinks the file only. */
void rd_results_lock_abandon(void);

#endif /* RINGDRAIN_RESULTS_IO_H */
