/* SPDX-License-Identifier: GPL-2.0 */
/*
 * base.h - the userspace base every part of ringdrain shares: one error
 * convention and one whole-file reader.
 *
 * Error convention.  A function that can fail takes a `struct rd_err *`
 * as its last argument and returns 0 or a negative errno (or NULL for a
 * pointer); on failure it fills the struct with the errno and one line
 * that names the input and the problem ("trace.txt:12: size 0").  Only a
 * command's run() turns an error into a message and an exit status;
 * library code never prints it and never calls exit().  A caller that
 * adds context does so with rd_err_prefix() ("--layout: " + the line).
 *
 * Userspace only: nothing here is part of the exported kernel text.
 */
#ifndef RINGDRAIN_BASE_H
#define RINGDRAIN_BASE_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define RD_ERR_MSG_LEN	512

/**
 * struct rd_err - why a call failed.
 * @code:	the positive errno (EINVAL for bad input, ENOMEM, EIO, ...);
 *		0 while nothing failed.
 * @msg:	one line, no trailing newline, naming the input and the problem.
 */
struct rd_err {
	int code;
	char msg[RD_ERR_MSG_LEN];
};

/**
 * rd_errf() - record a failure.
 * @e:		where to record it; may be NULL (the caller does not care why).
 * @code:	positive errno.
 * @fmt:	printf format of the message.
 *
 * Return: -@code, so that `return rd_errf(e, EINVAL, "...");` reads as
 * the failure it is.  A message longer than RD_ERR_MSG_LEN - 1 bytes is
 * cut and ends in "...".
 */
int rd_errf(struct rd_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * rd_err_prefix() - put context before an error's message.
 * @e:		an error already recorded (NULL: nothing happens).
 * @fmt:	printf format of the prefix, e.g. "--layout %s: ".
 *
 * Return: -@e->code (or -EINVAL if @e is NULL), to pass the failure on.
 */
int rd_err_prefix(struct rd_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** rd_err_clear() - forget a recorded error (code 0, empty message). */
static inline void rd_err_clear(struct rd_err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

/**
 * rd_read_file() - read a whole file (or standard input) into memory.
 * @path:	the file; "-" is standard input.
 * @len:	if not NULL, the number of bytes read.
 * @e:		why it failed: "<path>: cannot open: <strerror>", "cannot read",
 *		out of memory.
 *
 * The buffer is NUL-terminated (one byte past @len) so text parsers may use
 * string functions; a file with a NUL byte in it still reports its full
 * length.  The caller frees it with free().
 *
 * Return: the buffer, or NULL with @e filled.
 */
char *rd_read_file(const char *path, size_t *len, struct rd_err *e);

/**
 * rd_table_find() - the one registry lookup: an entry of a table by name.
 * @table:	the table's entries; each begins with its `const char *name`
 *		(struct rd_ring_design, struct drain_strategy).
 * @n:		entries in @table.
 * @what:	what an entry is, for the error ("design", "strategy").
 * @name:	the name looked for.
 * @e:		on failure "unknown <what> '<name>' (known: a, b, c)"; may be
 *		NULL.
 *
 * Return: the entry, or NULL with @e filled (ENOENT).
 */
const void *rd_table_find(const void *const *table, unsigned int n,
			  const char *what, const char *name, struct rd_err *e);

/**
 * rd_table_names() - the names of a table's entries, ", "-separated.
 * @table:	as rd_table_find().
 * @n:		entries in @table.
 * @buf:	where the list goes; cut (ending in "...") if it does not fit.
 * @len:	bytes at @buf.
 *
 * Return: @buf.
 */
char *rd_table_names(const void *const *table, unsigned int n, char *buf,
		     size_t len);

#endif /* RINGDRAIN_BASE_H */
