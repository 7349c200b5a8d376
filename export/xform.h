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

#include <stdbool.h>
#include <stddef.h>

#include "ring/base.h"

/*
 * A growable string.  Out of memory, it keeps what it had, takes nothing
 * more and says so at the next rd_buf_check() or rd_buf_take().
 */
struct rd_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void rd_buf_add(struct rd_buf *b, const char *s, size_t n);
void rd_buf_puts(struct rd_buf *b, const char *s);
void rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rd_buf_free(struct rd_buf *b);

/* 0, or -ENOMEM with @e filled if @b ran out of memory. */
int rd_buf_check(const struct rd_buf *b, struct rd_err *e);

/*
 * The string (the caller frees it; "" for an empty buffer), or NULL with
 * @e filled (the buffer freed) if @b ran out of memory.
 */
char *rd_buf_take(struct rd_buf *b, struct rd_err *e);

#endif /* RINGDRAIN_XFORM_H */
