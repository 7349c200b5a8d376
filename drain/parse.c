// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - the trace and layout readers.  Both read a whole buffer with an
 * explicit length (NUL bytes are just bad characters), stop at the first
 * bad line and say "NAME:LINE: what is wrong".  Both are fuzzed
 * (drain/fuzz/).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_FIELDS	8
#define DEFAULT_MAX_RECORDS	(1UL << 24)

struct line_iter {
	const char *p, *end;
	const char *name;
	unsigned long lineno;
};

struct line {
	const char *s;
	size_t len;
};

static bool next_line(struct line_iter *it, struct line *l)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', it->end - it->p);
	l->s = it->p;
	l->len = (nl ? nl : it->end) - it->p;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	if (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	return true;
}

static int fail(struct rd_err *err, const struct line_iter *it,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "NAME:LINE: what is wrong" (EINVAL); returns -EINVAL. */
static int fail(struct rd_err *err, const struct line_iter *it,
		const char *fmt, ...)
{
	char what[RD_ERR_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return rd_errf(err, EINVAL, "%s:%lu: %s", it->name, it->lineno, what);
}

/* A field, quoted for a message: at most 24 printable characters. */
static const char *show(const struct line *f, char *buf)
{
	size_t i, n = f->len < 24 ? f->len : 24;

	for (i = 0; i < n; i++)
		buf[i] = f->s[i] >= 0x20 && f->s[i] < 0x7f ? f->s[i] : '?';
	if (f->len > 24) {
		memcpy(buf + 24, "...", 4);
		return buf;
	}
	buf[n] = 0;
	return buf;
}

/* Split on blanks, up to a '#'; returns fields (MAX_FIELDS + 1: too many). */
static int split(const struct line *l, struct line *f)
{
	size_t i = 0;
	int n = 0;

	while (i < l->len) {
		size_t s;

		while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
			i++;
		if (i >= l->len || l->s[i] == '#')
			break;
		s = i;
		while (i < l->len && l->s[i] != ' ' && l->s[i] != '\t' &&
		       l->s[i] != '#')
			i++;
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		f[n].s = l->s + s;
		f[n].len = i - s;
		n++;
	}
	return n;
}

/* An unsigned 64-bit number: decimal, or hex after 0x (or always, @hex). */
static int parse_num(const struct line *f, bool hex, unsigned long *out,
		     const char **why)
{
	const char *s = f->s, *e = f->s + f->len;
	unsigned long v = 0;
	unsigned int base = 10;

	if (!hex && e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (hex) {
		base = 16;
	}
	if (s == e) {
		*why = "is not a number";
		return -EINVAL;
	}
	for (; s < e; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else {
			*why = "is not a number";
			return -EINVAL;
		}
		if (v > (~0UL - d) / base) {
			*why = "is out of range (above 2^64 - 1)";
			return -ERANGE;
		}
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int field_num(struct rd_err *err, const struct line_iter *it,
		     const struct line *f, const char *what, bool hex,
		     unsigned long max, unsigned long *out)
{
	const char *why;
	char buf[32];

	if (parse_num(f, hex, out, &why))
		return fail(err, it, "%s '%s' %s", what, show(f, buf), why);
	if (*out > max)
		return fail(err, it, "%s %lu is above the limit %lu", what,
			    *out, max);
	return 0;
}

/* ---- layouts --------------------------------------------------------- */

int drain_layout_push(struct drain_layout *l, pid_t tgid, unsigned long start,
		      unsigned long end)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct drain_layout_entry *e = realloc(l->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n].tgid = tgid;
	l->e[l->n].start = start;
	l->e[l->n].end = end;
	l->e[l->n].new_target = false;
	l->n++;
	return 0;
}

void drain_layout_free(struct drain_layout *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}

int drain_layout_parse(const char *buf, size_t len, const char *name,
			 struct drain_layout *out, struct rd_err *err)
{
	struct line_iter it = { buf, buf + len, name, 0 };
	unsigned long target_line = 0;	/* a 'target' line waiting */
	size_t nr_targets = 0;
	pid_t *seen = NULL;
	size_t nr_seen = 0;
	struct line l, f[MAX_FIELDS];
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	seen = malloc(DRAIN_MAX_TARGETS * sizeof(*seen));
	if (!seen)
		return rd_errf(err, ENOMEM, "%s: out of memory", name);
	while (next_line(&it, &l)) {
		unsigned long tgid, start, end;
		const struct drain_layout_entry *prev;
		bool new_target;
		int n = split(&l, f);

		if (!n)
			continue;
		if (f[0].len == 6 && !memcmp(f[0].s, "target", 6)) {
			if (n != 1) {
				fail(err, &it, "expected 'target' alone on its line, found %d fields",
				     n);
				goto out;
			}
			if (target_line) {
				fail(err, &it, "the target started at line %lu has no regions",
				     target_line);
				goto out;
			}
			if (out->physical) {
				fail(err, &it, "a second target in a physical layout (tgid 0 has one target)");
				goto out;
			}
			target_line = it.lineno;
			continue;
		}
		if (n != 3) {
			fail(err, &it, "expected 'tgid start end' or 'target', found %s%d fields",
			     n > MAX_FIELDS ? "more than " : "",
			     n > MAX_FIELDS ? MAX_FIELDS : n);
			goto out;
		}
		if (field_num(err, &it, &f[0], "tgid", false, DRAIN_PID_MAX,
			      &tgid) ||
		    field_num(err, &it, &f[1], "start", false, ~0UL, &start) ||
		    field_num(err, &it, &f[2], "end", false, ~0UL, &end))
			goto out;
		if (start >= end) {
			fail(err, &it, "end %#lx is not above start %#lx", end,
			     start);
			goto out;
		}
		prev = out->n ? &out->e[out->n - 1] : NULL;
		if (out->n && (tgid == 0) != out->physical) {
			fail(err, &it, "tgid 0 (the physical-address target) cannot be mixed with other tgids");
			goto out;
		}
		if (tgid == 0 && target_line && out->n) {
			fail(err, &it, "a second target in a physical layout (tgid 0 has one target)");
			goto out;
		}
		new_target = !prev || prev->tgid != (pid_t)tgid ||
			target_line;
		if (!new_target) {
			if (start < prev->start) {
				fail(err, &it, "region [%#lx, %#lx) of tgid %lu is below the previous one [%#lx, %#lx): regions must be sorted",
				     start, end, tgid, prev->start, prev->end);
				goto out;
			}
			if (start < prev->end) {
				fail(err, &it, "region [%#lx, %#lx) of tgid %lu overlaps the previous one [%#lx, %#lx)",
				     start, end, tgid, prev->start, prev->end);
				goto out;
			}
		} else {
			for (size_t i = 0; i < nr_seen && !target_line; i++) {
				if (seen[i] == (pid_t)tgid) {
					fail(err, &it, "tgid %lu appears again after tgid %d: keep each target's lines together, or put a 'target' line before a second target of tgid %lu",
					     tgid, prev->tgid, tgid);
					goto out;
				}
			}
			if (nr_targets == DRAIN_MAX_TARGETS) {
				fail(err, &it, "more than %d targets",
				     DRAIN_MAX_TARGETS);
				goto out;
			}
			nr_targets++;
			seen[nr_seen++] = tgid;
		}
		if (out->n == DRAIN_MAX_REGIONS) {
			fail(err, &it, "more than %lu regions", DRAIN_MAX_REGIONS);
			goto out;
		}
		if (drain_layout_push(out, tgid, start, end)) {
			ret = rd_errf(err, ENOMEM, "%s:%lu: out of memory",
				      it.name, it.lineno);
			goto out;
		}
		out->e[out->n - 1].new_target = target_line != 0;
		target_line = 0;
		out->physical = tgid == 0;
	}
	if (target_line) {
		fail(err, &it, "the target started at line %lu has no regions",
		     target_line);
		goto out;
	}
	if (!out->n) {
		rd_errf(err, EINVAL, "%s: no regions (expected 'tgid start end' lines)",
			name);
		goto out;
	}
	ret = 0;
out:
	free(seen);
	return ret;
}

int drain_layout_load(const char *path, struct drain_layout *out,
			struct rd_err *err)
{
	size_t len;
	char *buf;
	int ret;

	memset(out, 0, sizeof(*out));
	buf = rd_read_file(path, &len, err);
	if (!buf)
		return err ? -err->code : -EIO;
	ret = drain_layout_parse(buf, len, path, out, err);
	free(buf);
	return ret;
}

/* ---- traces --------------------------------------------------------- */

static int trace_push(struct drain_trace *tr, const struct drain_trace_rec *r)
{
	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? 2 * tr->cap : 4096;
		struct drain_trace_rec *n = realloc(tr->recs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tr->recs = n;
		tr->cap = cap;
	}
	tr->recs[tr->n++] = *r;
	if (r->cpu + 1 > tr->nr_cpus)
		tr->nr_cpus = r->cpu + 1;
	return 0;
}

void drain_trace_free(struct drain_trace *tr)
{
	free(tr->recs);
	memset(tr, 0, sizeof(*tr));
}

/* A line valgrind itself writes ("==PID== ..."), not lackey's output. */
static bool valgrind_line(const struct line *l)
{
	return l->len >= 2 && l->s[0] == '=' && l->s[1] == '=';
}

static bool blank_or_comment(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i == l->len || l->s[i] == '#';
}

/* "I  " or " L " / " S " / " M ": the shape of lackey's lines. */
static bool lackey_shape(const struct line *l)
{
	if (l->len < 4)
		return false;
	if (l->s[0] == 'I' && l->s[1] == ' ' && l->s[2] == ' ')
		return true;
	return l->s[0] == ' ' && l->s[2] == ' ' &&
		(l->s[1] == 'L' || l->s[1] == 'S' || l->s[1] == 'M');
}

/* One lackey line: kind ('I', 'L', 'S', 'M'), "addr,size". */
static int lackey_line(struct rd_err *err, const struct line_iter *it,
		       const struct line *l, char *kind,
		       unsigned long *addr, unsigned long *size)
{
	struct line a, s;
	const char *comma;
	const char *why;
	char buf[32];

	if (!lackey_shape(l))
		return fail(err, it, "not a lackey line (expected 'I  addr,size' or ' L|S|M addr,size')");
	*kind = l->s[0] == 'I' ? 'I' : l->s[1];
	a.s = l->s + 3;
	a.len = l->len - 3;
	comma = memchr(a.s, ',', a.len);
	if (!comma)
		return fail(err, it, "lackey line without ',size'");
	s.s = comma + 1;
	s.len = a.s + a.len - s.s;
	a.len = comma - a.s;
	if (parse_num(&a, true, addr, &why))
		return fail(err, it, "lackey address '%s' %s", show(&a, buf),
			    why);
	if (parse_num(&s, false, size, &why))
		return fail(err, it, "lackey size '%s' %s", show(&s, buf), why);
	if (!*size)
		return fail(err, it, "lackey size 0");
	return 0;
}

static int text_line(struct rd_err *err, const struct line_iter *it,
		     const struct line *f, int n, struct drain_trace_rec *r)
{
	unsigned long tgid, cpu;
	char buf[32];

	if (n != 5)
		return fail(err, it, "expected 'tgid addr size cpu r|w', found %s%d fields",
			    n > MAX_FIELDS ? "more than " : "",
			    n > MAX_FIELDS ? MAX_FIELDS : n);
	if (field_num(err, it, &f[0], "tgid", false, DRAIN_PID_MAX, &tgid) ||
	    field_num(err, it, &f[1], "addr", false, ~0UL, &r->addr) ||
	    field_num(err, it, &f[2], "size", false, ~0UL, &r->size) ||
	    field_num(err, it, &f[3], "cpu", false, DRAIN_MAX_CPUS - 1, &cpu))
		return -EINVAL;
	if (!r->size)
		return fail(err, it, "size 0");
	if (f[4].len != 1 || (f[4].s[0] != 'r' && f[4].s[0] != 'w'))
		return fail(err, it, "access '%s' is neither r nor w",
			    show(&f[4], buf));
	r->tgid = tgid;
	r->cpu = cpu;
	r->write = f[4].s[0] == 'w';
	return 0;
}

int drain_trace_parse(const char *buf, size_t len, const char *name,
			const struct drain_trace_opts *o,
			struct drain_trace *out, struct rd_err *err)
{
	struct drain_trace_opts def = { .sample = 1, .lackey_tgid = 1 };
	struct line_iter it = { buf, buf + len, name, 0 };
	unsigned long max;
	bool detected = false;
	struct line l, f[MAX_FIELDS];
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!o)
		o = &def;
	max = o->max_records ? o->max_records : DEFAULT_MAX_RECORDS;
	if (!o->sample)
		return rd_errf(err, EINVAL, "%s: sample must be at least 1",
			       name);
	while (next_line(&it, &l)) {
		struct drain_trace_rec r = { 0 };

		if (blank_or_comment(&l) || valgrind_line(&l))
			continue;
		if (!detected) {
			out->format = lackey_shape(&l) ? DRAIN_TRACE_LACKEY :
				DRAIN_TRACE_TEXT;
			detected = true;
		}
		if (out->format == DRAIN_TRACE_LACKEY) {
			char kind = 0;

			if (lackey_line(err, &it, &l, &kind, &r.addr, &r.size))
				goto bad;
			if (kind == 'I')
				continue;
			r.tgid = o->lackey_tgid;
			r.write = kind != 'L';
		} else if (text_line(err, &it, f, split(&l, f), &r)) {
			goto bad;
		}
		if (out->accesses++ % o->sample)
			continue;
		if (out->n == max) {
			fail(err, &it, "more than %lu records kept (use --sample)",
			     max);
			goto bad;
		}
		if (trace_push(out, &r)) {
			ret = rd_errf(err, ENOMEM, "%s:%lu: out of memory",
				      it.name, it.lineno);
			goto bad;
		}
	}
	out->lines = it.lineno;
	if (!out->n) {
		rd_errf(err, EINVAL, "%s: no accesses in the trace", name);
		goto bad;
	}
	return 0;
bad:
	out->lines = it.lineno;
	return ret;
}

int drain_trace_load(const char *path, const struct drain_trace_opts *o,
		       struct drain_trace *out, struct rd_err *err)
{
	size_t len;
	char *buf;
	int ret;

	memset(out, 0, sizeof(*out));
	buf = rd_read_file(path, &len, err);
	if (!buf)
		return err ? -err->code : -EIO;
	ret = drain_trace_parse(buf, len, path, o, out, err);
	free(buf);
	return ret;
}
