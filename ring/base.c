// SPDX-License-Identifier: GPL-2.0
/*
 * base.c - the error convention and the whole-file reader of base.h.
 * (Part of the ring library because every other library links it; it is
 * not a ring design and designs.def does not name it.)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

static void rd_err_mark_cut(struct rd_err *e, int n)
{
	if (n >= (int)sizeof(e->msg))
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

int rd_errf(struct rd_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EINVAL;
	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	rd_err_mark_cut(e, vsnprintf(e->msg, sizeof(e->msg), fmt, ap));
	va_end(ap);
	return -code;
}

int rd_err_prefix(struct rd_err *e, const char *fmt, ...)
{
	char old[RD_ERR_MSG_LEN];
	va_list ap;
	int n;

	if (!e)
		return -EINVAL;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n < (int)sizeof(e->msg))
		n += snprintf(e->msg + n, sizeof(e->msg) - n, "%s", old);
	rd_err_mark_cut(e, n);
	return e->code ? -e->code : -EINVAL;
}

char *rd_read_file(const char *path, size_t *len, struct rd_err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *buf, *nb;

	if (!f) {
		rd_errf(e, errno, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (ferror(f)) {
			rd_errf(e, EIO, "%s: cannot read: %s", path,
				strerror(errno));
			free(buf);
			buf = NULL;
			break;
		}
		if (n < cap - 1)
			break;
		cap *= 2;
		nb = realloc(buf, cap);
		if (!nb)
			free(buf);
		buf = nb;
	}
	if (f != stdin)
		fclose(f);
	if (!buf) {
		if (!e || !e->code)
			rd_errf(e, ENOMEM, "%s: out of memory reading it", path);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Every table entry begins with its name. */
static const char *rd_table_name(const void *entry)
{
	return *(const char *const *)entry;
}

char *rd_table_names(const void *const *table, unsigned int n, char *buf,
		     size_t len)
{
	size_t at = 0;
	int k;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned int i = 0; i < n; i++) {
		k = snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
			     rd_table_name(table[i]));
		if (k < 0 || (size_t)k >= len - at) {
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		at += k;
	}
	return buf;
}

const void *rd_table_find(const void *const *table, unsigned int n,
			  const char *what, const char *name, struct rd_err *e)
{
	char known[RD_ERR_MSG_LEN / 2];

	for (unsigned int i = 0; i < n; i++)
		if (strcmp(rd_table_name(table[i]), name) == 0)
			return table[i];
	rd_errf(e, ENOENT, "unknown %s '%s' (known: %s)", what, name,
		rd_table_names(table, n, known, sizeof(known)));
	return NULL;
}
