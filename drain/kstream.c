// SPDX-License-Identifier: GPL-2.0
/*
 * kstream.c - replay a kernel drain stream through the model.
 *
 * kcheck's drain module (export/kmod/kcheck_drain_main.c) keeps DAMON
 * targets and regions in the 6.12 guest, lets task, hardirq and NMI
 * producers on every CPU report accesses through core.c's own
 * damon_report_access() (the series' or RFC v1 4/6's), and drains them
 * with a kthread calling core.c's kdamond_check_reported_accesses(), tick
 * by tick, changing the regions between ticks.  It logs
 * what it did, one line each (numbers hexadecimal unless said otherwise):
 *
 *   kstream 1 window=W stale=S	header: the moving sum's len_window and
 *				the stale limit in jiffies (decimal)
 *   L tgid start end		an initial region, in address order
 *   T now			a tick: jiffies since the start (decimal)
 *   r tgid addr size age	a report it drained, in drain order; age:
 *				now - report_jiffies (decimal, may be < 0)
 *   Z				the tick's zero-access pass
 *   A				an aggregation: ages, then the reset
 *   S tgid start at		split the region at start at address at
 *   M tgid start		merge the region at start with the next
 *   D tgid start		destroy the region at start
 *   F tgid start end nr bp last age	the module's final state (skipped
 *				here; kcheck compares it with the dump)
 *   E reports ticks		the end (decimal)
 *
 * Every report line belongs to the tick begun by the last T line; the
 * tick is credited at its Z line, as kdamond_check_reported_accesses()
 * does: lookup, stale and straddle checks, one credit per region, then the
 * zero-access pass.  Aggregation (A) is kdamond_merge_regions()'s age
 * update without its merges (the stream names every merge) and
 * kdamond_reset_aggregated().  The model's own aggregation is off.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kstream.h"

#define KSTREAM_JIFFIES_BASE	(1UL << 30)

enum kstream_op { KS_L, KS_T, KS_R, KS_Z, KS_A, KS_S, KS_M, KS_D };

struct kstream_line {
	enum kstream_op op;
	unsigned int line;
	long tgid;
	unsigned long a, b;
	long n;
};

struct kstream {
	const char *path;
	unsigned int window;
	unsigned long stale;
	struct kstream_line *v;
	size_t n, cap;
	unsigned long reports, ticks;
};

static int ks_err(struct rd_err *err, const struct kstream *ks,
		  unsigned int line, const char *what)
{
	return rd_errf(err, EINVAL, "%s:%u: %s", ks->path, line, what);
}

static int ks_push(struct kstream *ks, const struct kstream_line *l)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 1024;
		struct kstream_line *v = realloc(ks->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ks->v = v;
		ks->cap = cap;
	}
	ks->v[ks->n++] = *l;
	return 0;
}

/* Parse @nf fields of @s after the op letter: 'x' hex, 'd' decimal. */
static bool ks_fields(const char *s, const char *fmt, long *tgid,
		      unsigned long *a, unsigned long *b, long *n)
{
	unsigned long *u[2] = { a, b };
	int ui = 0;
	char *end;

	for (const char *f = fmt; *f; f++) {
		while (*s == ' ')
			s++;
		if (!*s || *s == '\n')
			return false;
		errno = 0;
		if (*f == 't')
			*tgid = strtol(s, &end, 10);
		else if (*f == 'd')
			*n = strtol(s, &end, 10);
		else
			*u[ui++] = strtoul(s, &end, 16);
		if (end == s || errno || (*end && *end != ' ' && *end != '\n'))
			return false;
		s = end;
	}
	while (*s == ' ')
		s++;
	return !*s || *s == '\n';
}

static int ks_parse(struct kstream *ks, FILE *f, struct rd_err *err)
{
	static const struct {
		char c;
		enum kstream_op op;
		const char *fmt;
	} ops[] = {
		{ 'L', KS_L, "txx" }, { 'T', KS_T, "d" }, { 'r', KS_R, "txxd" },
		{ 'Z', KS_Z, "" }, { 'A', KS_A, "" }, { 'S', KS_S, "txx" },
		{ 'M', KS_M, "tx" }, { 'D', KS_D, "tx" },
	};
	char buf[512];
	unsigned int line = 0;
	bool header = false, ended = false, ticking = false;

	while (fgets(buf, sizeof(buf), f)) {
		struct kstream_line l = { .line = ++line };
		size_t i;

		if (!strchr(buf, '\n') && !feof(f))
			return ks_err(err, ks, line, "line too long");
		if (buf[0] == '#' || buf[0] == '\n')
			continue;
		if (!header) {
			if (sscanf(buf, "kstream 1 window=%u stale=%lu",
				   &ks->window, &ks->stale) != 2 || !ks->window)
				return ks_err(err, ks, line, "not a kernel drain stream (want 'kstream 1 window=W stale=S' first)");
			header = true;
			continue;
		}
		if (ended)
			return ks_err(err, ks, line, "text after the E line");
		if (buf[0] == 'F')
			continue;
		if (buf[0] == 'E') {
			unsigned long r, t;

			if (sscanf(buf, "E %lu %lu", &r, &t) != 2)
				return ks_err(err, ks, line, "bad E line (want 'E reports ticks')");
			if (r != ks->reports || t != ks->ticks)
				return ks_err(err, ks, line, "the E line's counts differ from the stream's (lines lost?)");
			ended = true;
			continue;
		}
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (buf[0] == ops[i].c && (buf[1] == ' ' || buf[1] == '\n'))
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			return ks_err(err, ks, line, "unknown line (want L, T, r, Z, A, S, M, D, F or E)");
		l.op = ops[i].op;
		if (!ks_fields(buf + 1, ops[i].fmt, &l.tgid, &l.a, &l.b, &l.n))
			return ks_err(err, ks, line, "bad fields for its kind");
		if (l.op == KS_L && ks->ticks)
			return ks_err(err, ks, line, "an L line after the first tick");
		if (l.op == KS_T) {
			if (ticking)
				return ks_err(err, ks, line, "a T line before the last tick's Z");
			ticking = true;
			ks->ticks++;
		}
		if (l.op == KS_R) {
			if (!ticking)
				return ks_err(err, ks, line, "a report outside a tick");
			ks->reports++;
		}
		if (l.op == KS_Z) {
			if (!ticking)
				return ks_err(err, ks, line, "a Z line outside a tick");
			ticking = false;
		}
		if ((l.op == KS_A || l.op == KS_S || l.op == KS_M ||
		     l.op == KS_D) && ticking)
			return ks_err(err, ks, line, "a region change inside a tick");
		if (ks_push(ks, &l))
			return rd_errf(err, ENOMEM, "out of memory");
	}
	if (ferror(f))
		return rd_errf(err, EIO, "%s: read error", ks->path);
	if (!header)
		return ks_err(err, ks, line, "empty stream");
	if (!ended)
		return ks_err(err, ks, line, "no E line: the stream is cut short");
	return 0;
}

static struct damon_target *ks_target(struct damon_ctx *ctx, long tgid)
{
	struct damon_target *t;

	damon_for_each_target(t, ctx)
		if (damon_target_pid_nr(t) == tgid)
			return t;
	return NULL;
}

static struct damon_region *ks_region(struct damon_ctx *ctx, long tgid,
				      unsigned long start,
				      struct damon_target **tp)
{
	struct damon_target *t = ks_target(ctx, tgid);
	struct damon_region *r;

	*tp = t;
	if (!t)
		return NULL;
	damon_for_each_region(r, t)
		if (r->ar.start == start)
			return r;
	return NULL;
}

/* The kernel's abs() of an unsigned int difference (drain/model.c's). */
static unsigned int ks_abs_diff(unsigned int a, unsigned int b)
{
	int d = (int)(a - b);

	return d < 0 ? -(unsigned int)d : (unsigned int)d;
}

/* damon_merge_regions_of()'s age update, then kdamond_reset_aggregated(). */
static void ks_aggregate(struct damon_ctx *ctx)
{
	unsigned int max = 0, thres;
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			if (r->nr_accesses > max)
				max = r->nr_accesses;
	thres = max / 10;
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (ks_abs_diff(r->nr_accesses, r->last_nr_accesses) > thres)
				r->age = 0;
			else if ((r->nr_accesses == 0) != (r->last_nr_accesses == 0))
				r->age = 0;
			else
				r->age++;
			if (r->nr_accesses_bp != r->nr_accesses * 10000) {
				r->nr_accesses_bp = r->nr_accesses * 10000;
				ctx->nr_bp_fixups++;
			}
			r->last_nr_accesses = r->nr_accesses;
			r->nr_accesses = 0;
		}
	}
}

/* S, M, D: damon_split_region_at(), damon_merge_two_regions(), destroy. */
static int ks_change(struct damon_ctx *ctx, const struct kstream *ks,
		     const struct kstream_line *l, struct rd_err *err)
{
	struct damon_target *t;
	struct damon_region *r = ks_region(ctx, l->tgid, l->a, &t), *n;
	unsigned long sl, sr;

	if (!r)
		return ks_err(err, ks, l->line, "no region of that target starts there");
	switch (l->op) {
	case KS_S:
		if (l->b <= r->ar.start || l->b >= r->ar.end)
			return ks_err(err, ks, l->line, "the split point is not inside the region");
		n = calloc(1, sizeof(*n));
		if (!n)
			return ks_err(err, ks, l->line, "out of memory");
		n->ar.start = l->b;
		n->ar.end = r->ar.end;
		r->ar.end = l->b;
		n->age = r->age;
		n->last_nr_accesses = r->last_nr_accesses;
		n->nr_accesses_bp = r->nr_accesses_bp;
		n->nr_accesses = r->nr_accesses;
		n->settled_sis = r->settled_sis;
		__list_add(&n->list, &r->list, r->list.next);
		t->nr_regions++;
		ctx->nr_splits++;
		break;
	case KS_M:
		if (r->list.next == &t->regions_list)
			return ks_err(err, ks, l->line, "the region to merge has no next region");
		n = list_next_entry(r, list);
		sl = damon_sz_region(r);
		sr = damon_sz_region(n);
		r->nr_accesses = (r->nr_accesses * sl + n->nr_accesses * sr) /
			(sl + sr);
		r->nr_accesses_bp = r->nr_accesses * 10000;
		r->age = (r->age * sl + n->age * sr) / (sl + sr);
		r->ar.end = n->ar.end;
		list_del(&n->list);
		free(n);
		t->nr_regions--;
		ctx->nr_merges++;
		break;
	default:
		list_del(&r->list);
		free(r);
		t->nr_regions--;
		break;
	}
	drain_ctx_bump_generation(ctx);
	return 0;
}

/* One pass of the stream through @s; the final context in *@out. */
static int ks_run(const struct kstream *ks, const struct drain_strategy *s,
		  struct damon_ctx **out, struct drain_counters *c,
		  struct rd_err *err)
{
	struct drain_opts o = { .strategy = s, .zero = DRAIN_ZERO_EAGER };
	struct damon_access_report *reps = NULL;
	struct drain_kdamond *kd = NULL;
	struct damon_attrs attrs;
	struct damon_ctx *ctx;
	size_t nrep = 0, cap = 0;
	unsigned long now = 0;
	int ret = -EINVAL;

	drain_attrs_default(&attrs);
	attrs.aggr_ticks = 0;
	attrs.ops_update_ticks = 0;
	attrs.window = ks->window;
	attrs.stale_jiffies = ks->stale;
	ctx = drain_ctx_new(&attrs, true, 0);
	if (!ctx) {
		return rd_errf(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ks->n; i++) {
		const struct kstream_line *l = &ks->v[i];
		struct damon_target *t;
		int e;

		switch (l->op) {
		case KS_L:
			t = ks_target(ctx, l->tgid);
			e = t ? 0 : drain_ctx_add_target(ctx, l->tgid, &t);
			if (!e)
				e = drain_ctx_add_region(ctx, t, l->a, l->b);
			if (e) {
				ks_err(err, ks, l->line, "bad initial region (empty, out of order, or a bad tgid)");
				goto out;
			}
			break;
		case KS_T:
			now = KSTREAM_JIFFIES_BASE + l->n;
			nrep = 0;
			break;
		case KS_R:
			if (nrep == cap) {
				size_t nc = cap ? 2 * cap : 256;
				void *p = realloc(reps, nc * sizeof(*reps));

				if (!p) {
					rd_errf(err, ENOMEM, "out of memory");
					goto out;
				}
				reps = p;
				cap = nc;
			}
			memset(&reps[nrep], 0, sizeof(reps[nrep]));
			reps[nrep].tgid = l->tgid;
			reps[nrep].tid = l->tgid;
			reps[nrep].vaddr = l->a;
			reps[nrep].paddr = l->a;
			reps[nrep].size = l->b;
			reps[nrep].report_jiffies = now - l->n;
			nrep++;
			break;
		case KS_Z:
			if (!kd) {
				kd = drain_kdamond_new(ctx, &o, err);
				if (!kd)
					goto out;
			}
			jiffies = now;
			drain_tick_begin(kd);
			if (drain_kdamond_apply(kd, reps, nrep)) {
				ks_err(err, ks, l->line, "snapshot allocation failed");
				goto out;
			}
			drain_tick_end(kd);
			break;
		case KS_A:
			ks_aggregate(ctx);
			break;
		default:
			if (ks_change(ctx, ks, l, err))
				goto out;
			break;
		}
	}
	ret = 0;
out:
	if (kd)
		*c = kd->c;
	drain_kdamond_free(kd);
	free(reps);
	if (ret) {
		drain_ctx_free(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

int drain_kstream_replay(const char *path, const char *strategy,
			 const char *dump, FILE *out, struct rd_err *err)
{
	struct kstream ks = { .path = path };
	struct damon_ctx *first = NULL;
	struct drain_counters c0 = { 0 };
	const char *first_name = NULL;
	bool same = true, any = false;
	FILE *f = fopen(path, "r");
	int ret = -1;

	if (!f) {
		return rd_errf(err, errno, "%s: %s", path, strerror(errno));
	}
	ret = ks_parse(&ks, f, err);
	fclose(f);
	if (ret)
		goto out;
	fprintf(out, "kstream %s: %lu ticks, %lu reports, window %u, stale after %lu jiffies\n",
		path, ks.ticks, ks.reports, ks.window, ks.stale);
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *s = drain_strategies[i];
		struct drain_counters c = { 0 };
		struct damon_ctx *ctx = NULL;
		struct rd_err why = { 0 };

		if (strategy && strcmp(strategy, "all") &&
		    strcmp(strategy, s->name))
			continue;
		ret = ks_run(&ks, s, &ctx, &c, err);
		if (ret)
			goto out;
		any = true;
		fprintf(out, "%-10s applied %" PRIu64 " dedup %" PRIu64 " stale %" PRIu64
			" no_target %" PRIu64 " no_region %" PRIu64 " straddling %" PRIu64 "\n",
			s->name, c.applied, c.deduplicated, c.stale,
			c.no_target, c.no_region, c.straddling);
		if (!first) {
			first = ctx;
			first_name = s->name;
			c0 = c;
			continue;
		}
		if (!drain_counters_equal(&c0, &c) ||
		    !drain_ctx_compare(first, ctx, &why)) {
			fprintf(out, "  differs from %s: %s\n", first_name,
				why.msg[0] ? why.msg : "counters");
			same = false;
		}
		drain_ctx_free(ctx);
	}
	if (!any) {
		ret = rd_errf(err, EINVAL, "--strategy: unknown strategy '%s'",
			      strategy);
		goto out;
	}
	if (dump) {
		FILE *d = fopen(dump, "w");

		if (!d || drain_ctx_dump(d, first, &c0) || fclose(d)) {
			ret = rd_errf(err, errno ?: EIO,
				      "--dump: cannot write '%s': %s", dump,
				      strerror(errno));
			goto out;
		}
	}
	fprintf(out, "results identical: %s\n", same ? "yes" : "no");
	ret = same ? 0 : 1;
out:
	drain_ctx_free(first);
	free(ks.v);
	return ret;
}
