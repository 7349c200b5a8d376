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
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s) {
			perror("ringdrain: out of memory");
			exit(1);
		}
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
		perror("ringdrain: out of memory");
		exit(1);
	}
	rd_buf_add(b, s, n);
	free(s);
}

void rd_buf_free(struct rd_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
