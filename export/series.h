/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - write a git format-patch style series of new files: a cover
 * letter and one mail per patch, each patch creating files.
 */
#ifndef RINGDRAIN_SERIES_H
#define RINGDRAIN_SERIES_H

#include <stdio.h>

#include "xform.h"

#define RD_SERIES_MAX_FILES	16

struct rd_series_file {
	const char *path;	/* in the kernel tree, e.g. mm/damon/x.h */
	const char *text;	/* whole contents */
};

struct rd_patch {
	const char *subject;	/* without "[RFC PATCH n/N] " */
	const char *body;	/* commit message, already wrapped */
	struct rd_series_file files[RD_SERIES_MAX_FILES];
	int nfiles;
};

struct rd_series {
	const char *author;	/* "Name <email>" */
	const char *date;	/* RFC 2822 */
	const char *prefix;	/* "RFC PATCH" */
	const char *cover_subject;
	const char *cover_body;	/* before the shortlog */
	struct rd_patch *patches;
	int npatches;
};

/* SHA-1 of @len bytes (git's blob ids). */
void rd_sha1(const void *data, size_t len, unsigned char out[20]);

/* Append @text to @b wrapped at @width columns; blank lines separate. */
void rd_wrap(struct rd_buf *b, const char *text, int width);

/* "0001-mm-damon-add-the-thing.patch" for patch @n of @subject. */
char *rd_patch_file_name(int n, const char *subject);

/* Write mail @n (0: the cover letter) of @s to @f. */
void rd_series_write(FILE *f, const struct rd_series *s, int n);

#endif /* RINGDRAIN_SERIES_H */
