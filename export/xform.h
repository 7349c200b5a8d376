/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xform.h - text buffers and file reading for ringdrain export.
 *
 * The export's transformation of a source into kernel text is Debian's
 * unifdef plus the short filter in export/series.sh (the rules are in
 * export/README.md; export/tests/xform.awk re-implements them
 * independently for the test that compares the module's headers with the
 * sources).
 */
#ifndef RINGDRAIN_XFORM_H
#define RINGDRAIN_XFORM_H

#include <stddef.h>

#include "base.h"

/* A growable string. */
struct rd_buf {
	char *s;
	size_t len, cap;
};

void rd_buf_add(struct rd_buf *b, const char *s, size_t n);
void rd_buf_puts(struct rd_buf *b, const char *s);
void rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rd_buf_free(struct rd_buf *b);

#endif /* RINGDRAIN_XFORM_H */
