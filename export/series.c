// SPDX-License-Identifier: GPL-2.0
/*
 * series.c - text helpers for the messages of ringdrain export.  The series
 * itself is made by git (export/series.sh).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"

void rd_wrap(struct rd_buf *b, const char *text, int width)
{
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		int col = 0;

		/* Lines that start with a space are kept as they are. */
		if (n == 0 || p[0] == ' ') {
			rd_buf_add(b, p, n);
			rd_buf_puts(b, "\n");
			p += n + (eol ? 1 : 0);
			continue;
		}
		/* A "- " item continues two columns in. */
		bool item = n > 2 && p[0] == '-' && p[1] == ' ';

		for (size_t i = 0; i < n;) {
			size_t w = i;

			while (w < n && p[w] != ' ')
				w++;
			if (col && col + 1 + (int)(w - i) > width) {
				rd_buf_puts(b, item ? "\n " : "\n");
				col = item ? 1 : 0;
			}
			if (col) {
				rd_buf_puts(b, " ");
				col++;
			}
			rd_buf_add(b, p + i, w - i);
			col += w - i;
			i = w;
			while (i < n && p[i] == ' ')
				i++;
		}
		rd_buf_puts(b, "\n");
		p += n + (eol ? 1 : 0);
	}
}
