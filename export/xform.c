// SPDX-License-Identifier: GPL-2.0
/*
 * xform.c - the mechanical transformation from a ringdrain source to the
 * text the kernel gets (the rules are in xform.h).
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
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

char *rd_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	struct rd_buf b = { 0 };
	char chunk[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rd_buf_add(&b, chunk, n);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		rd_buf_free(&b);
		errno = e;
		return NULL;
	}
	fclose(f);
	if (!b.s)
		rd_buf_add(&b, "", 0);
	if (len)
		*len = b.len;
	return b.s;
}

char *rd_resolve(const char *from, const char *included)
{
	char *parts[64], *path, *tok, *save;
	struct rd_buf b = { 0 };
	const char *slash = strrchr(from, '/');
	int n = 0;

	if (included[0] == '/')
		return strdup(included);
	if (slash)
		rd_buf_add(&b, from, slash - from + 1);
	rd_buf_puts(&b, included);
	path = b.s;
	for (tok = strtok_r(path, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 && n > 0 &&
		    strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (n < 64)
			parts[n++] = tok;
	}
	{
		struct rd_buf out = { 0 };

		for (int i = 0; i < n; i++) {
			if (i)
				rd_buf_puts(&out, "/");
			rd_buf_puts(&out, parts[i]);
		}
		free(path);
		return out.s ? out.s : strdup("");
	}
}

/* One line of the source, without its newline. */
struct line {
	const char *s;
	size_t n;
};

static int split_lines(const char *text, struct line **out)
{
	int n = 0, cap = 0;
	struct line *v = NULL;
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v) {
				perror("ringdrain: out of memory");
				exit(1);
			}
		}
		v[n].s = p;
		v[n].n = len;
		n++;
		p += len + (e ? 1 : 0);
	}
	*out = v;
	return n;
}

static bool rx_match(const char *pattern, const char *s, regmatch_t *m,
		     size_t nm)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, pattern, REG_EXTENDED))
		abort();
	ok = regexec(&re, s, nm, m, 0) == 0;
	regfree(&re);
	return ok;
}

enum cond_kind { COND_OTHER, COND_NOT_KERNEL, COND_KERNEL };

struct cond {
	enum cond_kind kind;
	bool in_else;
};

/* Is the current branch of every __KERNEL__ conditional the kernel's? */
static bool visible(const struct cond *st, int depth)
{
	for (int i = 0; i < depth; i++) {
		if (st[i].kind == COND_NOT_KERNEL && !st[i].in_else)
			return false;
		if (st[i].kind == COND_KERNEL && st[i].in_else)
			return false;
	}
	return true;
}

/*
 * Rule 1: the lines the kernel sees, as malloc'd strings, NULL-terminated
 * in *out.  Returns the count or -1 with @err filled.
 */
static int kernel_lines(const char *text, const char *src, char ***out,
			char *err)
{
	struct cond st[64];
	struct line *lines;
	char **v;
	int n = split_lines(text, &lines), depth = 0, kept = 0;

	v = calloc(n + 1, sizeof(*v));
	for (int i = 0; i < n; i++) {
		char *l = strndup(lines[i].s, lines[i].n);
		regmatch_t m[3];
		bool vis = visible(st, depth);

		if (!rx_match("^[ \t]*#[ \t]*(if|ifdef|ifndef|else|elif|endif)([^A-Za-z0-9_]|$)",
			      l, m, 3)) {
			if (vis)
				v[kept++] = l;
			else
				free(l);
			continue;
		}
		if (rx_match("^[ \t]*#[ \t]*ifndef[ \t]+__KERNEL__([ \t]|$)", l,
			     NULL, 0)) {
			st[depth++] = (struct cond){ COND_NOT_KERNEL, false };
		} else if (rx_match("^[ \t]*#[ \t]*ifdef[ \t]+__KERNEL__([ \t]|$)",
				    l, NULL, 0)) {
			st[depth++] = (struct cond){ COND_KERNEL, false };
		} else if (rx_match("^[ \t]*#[ \t]*(if|ifdef|ifndef|elif)[ \t].*__KERNEL__",
				    l, NULL, 0)) {
			snprintf(err, RD_XF_ERR_LEN,
				 "%s:%d: only '#ifndef __KERNEL__' and '#ifdef __KERNEL__' are understood: %s",
				 src, i + 1, l);
			goto fail;
		} else if (rx_match("^[ \t]*#[ \t]*(if|ifdef|ifndef)", l, NULL,
				    0)) {
			if (depth == 64) {
				snprintf(err, RD_XF_ERR_LEN,
					 "%s:%d: conditionals nested too deep",
					 src, i + 1);
				goto fail;
			}
			st[depth++] = (struct cond){ COND_OTHER, false };
			if (vis) {
				v[kept++] = l;
				continue;
			}
		} else if (depth == 0) {
			snprintf(err, RD_XF_ERR_LEN,
				 "%s:%d: '%s' without a matching #if", src,
				 i + 1, l);
			goto fail;
		} else if (rx_match("^[ \t]*#[ \t]*else", l, NULL, 0)) {
			if (st[depth - 1].kind != COND_OTHER) {
				st[depth - 1].in_else = true;
			} else if (vis) {
				v[kept++] = l;
				continue;
			}
		} else if (rx_match("^[ \t]*#[ \t]*elif", l, NULL, 0)) {
			if (st[depth - 1].kind != COND_OTHER) {
				snprintf(err, RD_XF_ERR_LEN,
					 "%s:%d: #elif in a __KERNEL__ conditional is not understood",
					 src, i + 1);
				goto fail;
			}
			if (vis) {
				v[kept++] = l;
				continue;
			}
		} else { /* #endif */
			enum cond_kind k = st[--depth].kind;

			if (k == COND_OTHER && visible(st, depth)) {
				v[kept++] = l;
				continue;
			}
		}
		free(l);
	}
	if (depth) {
		snprintf(err, RD_XF_ERR_LEN, "%s: unterminated #if at the end",
			 src);
		goto fail_nol;
	}
	free(lines);
	*out = v;
	return kept;
fail:
	;
fail_nol:
	for (int i = 0; i < kept; i++)
		free(v[i]);
	free(v);
	free(lines);
	return -1;
}

static void free_lines(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int rd_local_includes(const char *text, const char *src, char **out, int max,
		      char *err)
{
	char **v;
	int n = kernel_lines(text, src, &v, err), found = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		regmatch_t m[2];

		if (!rx_match("^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"", v[i],
			      m, 2))
			continue;
		if (found == max) {
			snprintf(err, RD_XF_ERR_LEN, "%s: too many includes",
				 src);
			free_lines(v, n);
			return -1;
		}
		out[found++] = strndup(v[i] + m[1].rm_so,
				       m[1].rm_eo - m[1].rm_so);
	}
	free_lines(v, n);
	return found;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The include guard of exported file @dst: mm/damon/a_b.h -> _DAMON_A_B_H */
static char *guard_of(const char *dst)
{
	const char *b = base_name(dst);
	struct rd_buf g = { 0 };

	rd_buf_puts(&g, "_DAMON_");
	for (; *b; b++)
		rd_buf_add(&g, (char[]){ isalnum((unsigned char)*b) ?
				toupper((unsigned char)*b) : '_' }, 1);
	return g.s;
}

/* Replace every occurrence of the token @from in @l by @to (malloc'd). */
static char *replace_token(const char *l, const char *from, const char *to)
{
	struct rd_buf b = { 0 };
	size_t fl = strlen(from);
	const char *p = l, *hit;

	while ((hit = strstr(p, from))) {
		bool left = hit == l || !(isalnum((unsigned char)hit[-1]) ||
					  hit[-1] == '_');
		bool right = !(isalnum((unsigned char)hit[fl]) ||
			       hit[fl] == '_');

		rd_buf_add(&b, p, hit - p);
		rd_buf_puts(&b, left && right ? to : from);
		p = hit + fl;
	}
	rd_buf_puts(&b, p);
	return b.s;
}

static bool blank(const char *l)
{
	for (; *l; l++)
		if (!isspace((unsigned char)*l))
			return false;
	return true;
}

char *rd_xform(const char *text, const char *src, const char *dst,
	       rd_include_map_fn map, void *arg, char *err)
{
	bool c_to_h = ends_with(src, ".c") && ends_with(dst, ".h");
	char **v, *old_guard = NULL, *new_guard = guard_of(dst);
	int n = kernel_lines(text, src, &v, err), prev_code = -1;
	int comment_end = -1;
	struct rd_buf out = { 0 };
	bool last_blank = true;

	if (n < 0) {
		free(new_guard);
		return NULL;
	}
	/* Rule 4: the file's own guard is "#ifndef RINGDRAIN_X_H" + define. */
	for (int i = 0; i + 1 < n; i++) {
		regmatch_t m[2];

		if (rx_match("^#ifndef[ \t]+(RINGDRAIN_[A-Z0-9_]+_H)[ \t]*$",
			     v[i], m, 2)) {
			old_guard = strndup(v[i] + m[1].rm_so,
					    m[1].rm_eo - m[1].rm_so);
			break;
		}
	}
	for (int i = 0; i < n; i++) {
		char *l = v[i];
		regmatch_t m[2];

		/* Rule 2: the nesting-test hooks. */
		if (rx_match("^[ \t]*rd_nest_point\\(\\);[ \t]*(/\\*.*\\*/)?[ \t]*$",
			     l, NULL, 0)) {
			if (prev_code >= 0 &&
			    rx_match("^[ \t]*(\\}[ \t]*)?(if|for|while|else)([^A-Za-z0-9_].*)?[^;{}/ \t][ \t]*$",
				     v[prev_code], NULL, 0)) {
				snprintf(err, RD_XF_ERR_LEN,
					 "%s: rd_nest_point() is the body of '%s': dropping it would change the code",
					 src, v[prev_code]);
				goto fail;
			}
			free(l);
			v[i] = NULL;
			continue;
		}
		if (strstr(l, "rd_nest_point")) {
			snprintf(err, RD_XF_ERR_LEN,
				 "%s: rd_nest_point() outside a line of its own: %s",
				 src, l);
			goto fail;
		}
		/* Rule 3: local includes. */
		if (rx_match("^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"(.*)$", l,
			     m, 2)) {
			char *inc = strndup(l + m[1].rm_so,
					    m[1].rm_eo - m[1].rm_so);
			const char *to = map ? map(arg, src, inc) : NULL;

			if (!to) {
				snprintf(err, RD_XF_ERR_LEN,
					 "%s includes \"%s\", which has no exported name (export/files.def)",
					 src, inc);
				free(inc);
				goto fail;
			}
			free(inc);
			free(l);
			v[i] = l = NULL;
			if (asprintf(&v[i], "#include \"%s\"", to) < 0)
				abort();
			l = v[i];
		}
		/* Rule 4: guard and file name. */
		if (old_guard && strstr(l, old_guard)) {
			v[i] = replace_token(l, old_guard, new_guard);
			free(l);
			l = v[i];
		}
		if (i < 8 && comment_end < 0) {
			char pat[300];

			snprintf(pat, sizeof(pat), " * %s - ", base_name(src));
			if (strncmp(l, pat, strlen(pat)) == 0) {
				char *r;

				if (asprintf(&r, " * %s - %s", base_name(dst),
					     l + strlen(pat)) < 0)
					abort();
				free(l);
				v[i] = l = r;
			}
		}
		/* Rule 5: SPDX style of a header. */
		if (i == 0 && c_to_h &&
		    rx_match("^// (SPDX-License-Identifier: .*)$", l, m, 2)) {
			char *r;

			if (asprintf(&r, "/* %.*s */", (int)(m[1].rm_eo - m[1].rm_so),
				     l + m[1].rm_so) < 0)
				abort();
			free(l);
			v[i] = l = r;
		}
		if (comment_end < 0 && i > 0 && strstr(l, "*/"))
			comment_end = i;
		if (!blank(l))
			prev_code = i;
	}
	/* Emit, with the guard of rule 5 and the blank lines of rule 6. */
	for (int i = 0; i < n; i++) {
		if (!v[i])
			continue;
		if (blank(v[i])) {
			if (!last_blank)
				rd_buf_puts(&out, "\n");
			last_blank = true;
			continue;
		}
		rd_buf_puts(&out, v[i]);
		rd_buf_puts(&out, "\n");
		last_blank = false;
		if (c_to_h && i == comment_end) {
			rd_buf_printf(&out, "#ifndef %s\n#define %s\n\n",
				      new_guard, new_guard);
			last_blank = true;
		}
	}
	while (out.len && out.s[out.len - 1] == '\n' &&
	       (out.len == 1 || out.s[out.len - 2] == '\n'))
		out.s[--out.len] = 0;
	if (c_to_h)
		rd_buf_printf(&out, "\n#endif /* %s */\n", new_guard);
	free_lines(v, n);
	free(old_guard);
	free(new_guard);
	return out.s;
fail:
	free_lines(v, n);
	free(old_guard);
	free(new_guard);
	free(out.s);
	return NULL;
}
