/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - text helpers for the messages of ringdrain export.  The series
 * is made by git: export/series.sh commits the kernel text in a scratch
 * repository and runs git format-patch.
 */
#ifndef RINGDRAIN_SERIES_H
#define RINGDRAIN_SERIES_H

#include "xform.h"

/* Append @text to @b wrapped at @width columns; blank lines separate. */
void rd_wrap(struct rd_buf *b, const char *text, int width);

#endif /* RINGDRAIN_SERIES_H */
