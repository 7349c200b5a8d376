// SPDX-License-Identifier: GPL-2.0
/* series.c - a git format-patch style series of patches that add files. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "series.h"

/* SHA-1 (FIPS 180-4), enough for git blob ids. */
static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void rd_sha1(const void *data, size_t len, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
			  0xc3d2e1f0 };
	const unsigned char *p = data;
	unsigned char tail[128] = { 0 };
	size_t full = len / 64 * 64, rest = len - full, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i < full; i += 64)
		sha1_block(h, p + i);
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = bits >> (8 * i);
	sha1_block(h, tail);
	if (tl == 128)
		sha1_block(h, tail + 64);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = h[i] >> 24;
		out[4 * i + 1] = h[i] >> 16;
		out[4 * i + 2] = h[i] >> 8;
		out[4 * i + 3] = h[i];
	}
}

/* git's blob id of @text, as 40 hex digits. */
static void blob_id(const char *text, char hex[41])
{
	struct rd_buf b = { 0 };
	unsigned char md[20];

	rd_buf_printf(&b, "blob %zu", strlen(text));
	rd_buf_add(&b, "", 1);	/* the NUL after the header */
	rd_buf_puts(&b, text);
	rd_sha1(b.s, b.len, md);
	for (int i = 0; i < 20; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	rd_buf_free(&b);
}

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

char *rd_patch_file_name(int n, const char *subject)
{
	struct rd_buf b = { 0 };
	bool dash = false;

	rd_buf_printf(&b, "%04d-", n);
	if (n == 0) {
		rd_buf_puts(&b, "cover-letter.patch");
		return b.s;
	}
	for (const char *p = subject; *p && b.len < 5 + 52; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
			if (dash && b.len > 5)
				rd_buf_puts(&b, "-");
			dash = false;
			rd_buf_add(&b, p, 1);
		} else {
			dash = true;
		}
	}
	while (b.len > 5 && (b.s[b.len - 1] == '.' || b.s[b.len - 1] == '-'))
		b.s[--b.len] = 0;
	rd_buf_puts(&b, ".patch");
	return b.s;
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* git's diffstat: " path | N +++", scaled to fit 72 columns. */
static void diffstat(FILE *f, const struct rd_series_file *files, int n)
{
	int namew = 0, maxc = 0, total = 0, numw;

	for (int i = 0; i < n; i++) {
		int c = count_lines(files[i].text);

		if ((int)strlen(files[i].path) > namew)
			namew = strlen(files[i].path);
		if (c > maxc)
			maxc = c;
		total += c;
	}
	numw = snprintf(NULL, 0, "%d", maxc);
	for (int i = 0; i < n; i++) {
		int c = count_lines(files[i].text);
		int room = 72 - namew - numw - 4;
		int bar = maxc > room ? (c * room + maxc - 1) / maxc : c;

		fprintf(f, " %-*s | %*d ", namew, files[i].path, numw, c);
		for (int k = 0; k < bar; k++)
			fputc('+', f);
		fputc('\n', f);
	}
	fprintf(f, " %d file%s changed, %d insertion%s(+)\n", n,
		n == 1 ? "" : "s", total, total == 1 ? "" : "s");
}

static void mail_head(FILE *f, const struct rd_series *s, int n)
{
	fprintf(f, "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n");
	fprintf(f, "From: %s\n", s->author);
	fprintf(f, "Date: %s\n", s->date);
	fprintf(f, "Subject: [%s %d/%d] %s\n\n", s->prefix, n, s->npatches,
		n ? s->patches[n - 1].subject : s->cover_subject);
}

void rd_series_write(FILE *f, const struct rd_series *s, int n)
{
	if (n == 0) {
		struct rd_series_file all[RD_SERIES_MAX_FILES * 4] = { 0 };
		int na = 0;

		mail_head(f, s, 0);
		fputs(s->cover_body, f);
		fprintf(f, "%.*s (%d):\n",
			(int)(strchr(s->author, '<') ?
			      strchr(s->author, '<') - s->author - 1 :
			      (long)strlen(s->author)),
			s->author, s->npatches);
		for (int i = 0; i < s->npatches; i++) {
			fprintf(f, "  %s\n", s->patches[i].subject);
			for (int k = 0; k < s->patches[i].nfiles; k++)
				if (na < (int)(sizeof(all) / sizeof(all[0])))
					all[na++] = s->patches[i].files[k];
		}
		fputc('\n', f);
		diffstat(f, all, na);
		for (int i = 0; i < na; i++)
			fprintf(f, " create mode 100644 %s\n", all[i].path);
		fprintf(f, "\n-- \nringdrain export\n\n");
		return;
	}

	const struct rd_patch *p = &s->patches[n - 1];

	mail_head(f, s, n);
	fputs(p->body, f);
	fprintf(f, "\nSigned-off-by: %s\n---\n", s->author);
	diffstat(f, p->files, p->nfiles);
	for (int i = 0; i < p->nfiles; i++)
		fprintf(f, " create mode 100644 %s\n", p->files[i].path);
	fputc('\n', f);
	for (int i = 0; i < p->nfiles; i++) {
		const char *t = p->files[i].text;
		int lines = count_lines(t);
		char id[41];

		blob_id(t, id);
		fprintf(f, "diff --git a/%s b/%s\n", p->files[i].path,
			p->files[i].path);
		fprintf(f, "new file mode 100644\nindex 000000000000..%.12s\n",
			id);
		fprintf(f, "--- /dev/null\n+++ b/%s\n", p->files[i].path);
		if (lines == 1)
			fprintf(f, "@@ -0,0 +1 @@\n");
		else
			fprintf(f, "@@ -0,0 +1,%d @@\n", lines);
		for (const char *l = t; *l;) {
			const char *e = strchr(l, '\n');
			size_t len = e ? (size_t)(e - l) : strlen(l);

			fputc('+', f);
			fwrite(l, 1, len, f);
			fputc('\n', f);
			l += len + (e ? 1 : 0);
		}
	}
	fprintf(f, "-- \nringdrain export\n\n");
}
