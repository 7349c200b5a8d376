// SPDX-License-Identifier: GPL-2.0
/*
 * xform.c - text buffers for ringdrain export (files are read with
 * rd_read_file() of ring/base.h).  The transformation itself is Debian's
 * unifdef and the short filter of export/series.sh (export/README.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xform.h"

void rd_buf_add(struct rd_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void rd_buf_puts(struct rd_buf *b, const char *s)
{
	rd_buf_add(b, s, strlen(s));
}

void rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	rd_buf_add(b, s, n);
	free(s);
}

void rd_buf_free(struct rd_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

int rd_buf_check(const struct rd_buf *b, struct rd_err *e)
{
	return b->oom ? rd_errf(e, ENOMEM, "out of memory for the export's text") :
		0;
}

char *rd_buf_take(struct rd_buf *b, struct rd_err *e)
{
	char *s;

	if (rd_buf_check(b, e)) {
		rd_buf_free(b);
		return NULL;
	}
	s = b->s ? b->s : strdup("");
	if (!s)
		rd_errf(e, ENOMEM, "out of memory for the export's text");
	memset(b, 0, sizeof(*b));
	return s;
}
