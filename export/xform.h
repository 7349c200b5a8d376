/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xform.h - the mechanical transformation from a ringdrain source file (the
 * kernel dialect over ring/kcompat.h) to the text the kernel gets.
 *
 * The rules, applied in this order (export/README.md states them too, and
 * export/tests/xform.awk re-implements them independently for the test that
 * compares the series with the sources):
 *
 *  1. Of every "#ifndef __KERNEL__ ... [#else ...] #endif" block keep only
 *     the #else branch; of every "#ifdef __KERNEL__ ... [#else ...] #endif"
 *     keep only the first branch.  The directive lines themselves go.
 *  2. Drop every line whose only statement is "rd_nest_point();" (the
 *     nesting-test hooks; a trailing comment goes with it).
 *  3. Rename local includes: #include "x" becomes the exported name of x.
 *  4. Rename the file's own include guard RINGDRAIN_*_H to the exported
 *     file's guard, and the file name at the head of the first comment.
 *  5. A ".c" source exported as a ".h" gets the header SPDX comment style
 *     and an include guard around everything after its first comment.
 *  6. Squeeze runs of blank lines to one, and drop blank lines at the end.
 */
#ifndef RINGDRAIN_XFORM_H
#define RINGDRAIN_XFORM_H

#include <stddef.h>

#define RD_XF_ERR_LEN	512

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

/* Read a whole file; NULL with errno set on failure. */
char *rd_read_file(const char *path, size_t *len);

/* Maps a local include, as written in @from_src, to its exported name. */
typedef const char *(*rd_include_map_fn)(void *arg, const char *from_src,
					  const char *included);

/*
 * rd_xform() - transform @text (the contents of source file @src, a path
 * relative to the source root) into the file @dst (a path in the kernel
 * tree).  Returns the new text (malloc'd) or NULL with @err filled.
 */
char *rd_xform(const char *text, const char *src, const char *dst,
	       rd_include_map_fn map, void *arg, char *err);

/*
 * rd_local_includes() - the local includes ("x") that survive rule 1 in
 * @text, in order: fills @out (malloc'd strings) up to @max; returns the
 * count or -1 with @err filled.
 */
int rd_local_includes(const char *text, const char *src, char **out, int max,
		      char *err);

/* "dir/x/../y.h" relative to the directory of @from: "dir/y.h" (malloc'd). */
char *rd_resolve(const char *from, const char *included);

#endif /* RINGDRAIN_XFORM_H */
