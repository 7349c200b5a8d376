// SPDX-License-Identifier: GPL-2.0
/*
 * gen.c - generated layouts and report streams, for the tests, the
 * benchmarks and ringdrain replay.  Everything is seeded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static u64 gen_next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static u64 gen_below(u64 *s, u64 n)
{
	return gen_next(s) % n;
}

#define GEN_BASE	0x55d000000000UL	/* a PIE heap's neighbourhood */

int drain_layout_generate(struct drain_layout *out, unsigned long nr_regions,
			    unsigned int nr_targets, bool physical, u64 seed,
			    struct rd_err *err)
{
	memset(out, 0, sizeof(*out));
	if (physical)
		nr_targets = 1;
	if (!nr_targets || nr_targets > DRAIN_MAX_TARGETS)
		return rd_errf(err, EINVAL, "targets %u: must be 1 to %d",
			       nr_targets, DRAIN_MAX_TARGETS);
	if (nr_regions < nr_targets || nr_regions > DRAIN_MAX_REGIONS)
		return rd_errf(err, EINVAL, "regions %lu: must be %u (one per target) to %lu",
			       nr_regions, nr_targets, DRAIN_MAX_REGIONS);
	out->physical = physical;
	for (unsigned int t = 0; t < nr_targets; t++) {
		unsigned long n = nr_regions / nr_targets +
			(t < nr_regions % nr_targets);
		pid_t tgid = physical ? 0 : 1000 + t;
		unsigned long addr = physical ? 1UL << 32 : GEN_BASE;

		for (unsigned long i = 0; i < n; i++) {
			unsigned long len = (1 + gen_below(&seed, 16)) *
				PAGE_SIZE;

			if (drain_layout_push(out, tgid, addr, addr + len)) {
				drain_layout_free(out);
				return rd_errf(err, ENOMEM, "out of memory");
			}
			addr += len;
			if (gen_next(&seed) & 1)
				addr += (1 + gen_below(&seed, 8)) * PAGE_SIZE;
		}
	}
	return 0;
}

struct span {
	pid_t tgid;
	unsigned long lo, hi;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

int drain_layout_split_span(struct drain_layout *out,
			      const struct drain_trace *tr,
			      unsigned long nr_regions, bool physical,
			      struct rd_err *err)
{
	struct span *sp = NULL;
	size_t nsp = 0;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	out->physical = physical;
	if (!tr->n)
		return rd_errf(err, EINVAL, "the trace has no records");
	sp = calloc(DRAIN_MAX_TARGETS, sizeof(*sp));
	if (!sp)
		goto nomem;
	for (size_t i = 0; i < tr->n; i++) {
		const struct drain_trace_rec *r = &tr->recs[i];
		pid_t tgid = physical ? 0 : r->tgid;
		unsigned long hi = r->addr + r->size < r->addr ? ~0UL :
			r->addr + r->size;
		size_t j;

		for (j = 0; j < nsp && sp[j].tgid != tgid; j++)
			;
		if (j == nsp) {
			if (nsp == DRAIN_MAX_TARGETS) {
				rd_errf(err, EINVAL, "the trace has more than %d tgids",
					DRAIN_MAX_TARGETS);
				goto out;
			}
			sp[nsp].tgid = tgid;
			sp[nsp].lo = r->addr;
			sp[nsp].hi = hi;
			nsp++;
		}
		if (r->addr < sp[j].lo)
			sp[j].lo = r->addr;
		if (hi > sp[j].hi)
			sp[j].hi = hi;
	}
	if (nr_regions < nsp || nr_regions > DRAIN_MAX_REGIONS) {
		rd_errf(err, EINVAL, "--regions %lu: must be %zu (one per target) to %lu",
			nr_regions, nsp, DRAIN_MAX_REGIONS);
		goto out;
	}
	qsort(sp, nsp, sizeof(*sp), span_cmp);
	for (size_t j = 0; j < nsp; j++) {
		unsigned long n = nr_regions / nsp + (j < nr_regions % nsp);
		unsigned long lo = ALIGN_DOWN(sp[j].lo, PAGE_SIZE);
		unsigned long hi = sp[j].hi > ~0UL - PAGE_SIZE + 1 ? ~0UL :
			ALIGN_DOWN(sp[j].hi + PAGE_SIZE - 1, PAGE_SIZE);
		unsigned long pages = (hi - lo) / PAGE_SIZE, piece;

		if (pages < n)
			n = pages ? pages : 1;
		piece = n > 1 ? ALIGN_DOWN((hi - lo) / n, PAGE_SIZE) : hi - lo;
		for (unsigned long i = 0; i < n; i++) {
			unsigned long s = lo + i * piece;
			unsigned long e = i + 1 < n ? s + piece : hi;

			if (drain_layout_push(out, sp[j].tgid, s, e))
				goto nomem;
		}
	}
	ret = 0;
	goto out;
nomem:
	ret = rd_errf(err, ENOMEM, "out of memory");
out:
	if (ret)
		drain_layout_free(out);
	free(sp);
	return ret;
}

/* ---- report streams --------------------------------------------------- */

struct gen_region {
	pid_t tgid;
	unsigned long start, end;
};

struct drain_gen {
	struct drain_gen_params p;
	struct gen_region *regs;
	size_t nr;
	double *cdf;		/* zipf: cumulative weights of ranks */
	size_t *rank;		/* zipf: rank -> region */
	pid_t absent_tgid;	/* mix: a tgid no target has */
	u64 rnd;
	size_t next;		/* trace: next record */
	u64 count;
};

void drain_gen_free(struct drain_gen *g)
{
	if (!g)
		return;
	free(g->regs);
	free(g->cdf);
	free(g->rank);
	free(g);
}

struct drain_gen *drain_gen_new(const struct damon_ctx *ctx,
				  const struct drain_gen_params *p,
				  struct rd_err *err)
{
	struct drain_gen *g = calloc(1, sizeof(*g));
	struct damon_target *t;
	struct damon_region *r;
	size_t i = 0;

	if (!g)
		goto nomem;
	g->p = *p;
	if (!g->p.nr_cpus)
		g->p.nr_cpus = 1;
	if (!g->p.size)
		g->p.size = PAGE_SIZE;
	if (g->p.zipf_s <= 0)
		g->p.zipf_s = 0.99;
	g->rnd = p->seed;
	if (p->kind == DRAIN_GEN_TRACE) {
		if (!p->trace || !p->trace->n) {
			rd_errf(err, EINVAL, "trace stream without a trace");
			goto fail;
		}
		return g;
	}
	if ((unsigned int)p->kind > DRAIN_GEN_TRACE ||
	    (p->kind == DRAIN_GEN_MIX &&
	     (p->hit_ratio < 0 || p->hit_ratio > 1))) {
		rd_errf(err, EINVAL, "bad stream parameters");
		goto fail;
	}
	g->nr = drain_ctx_nr_regions(ctx);
	if (!g->nr) {
		rd_errf(err, EINVAL, "the context has no regions");
		goto fail;
	}
	g->regs = malloc(g->nr * sizeof(*g->regs));
	if (!g->regs)
		goto nomem;
	g->absent_tgid = 1;
	damon_for_each_target(t, ctx) {
		if (damon_target_pid_nr(t) >= g->absent_tgid)
			g->absent_tgid = damon_target_pid_nr(t) + 1;
		damon_for_each_region(r, t) {
			g->regs[i].tgid = damon_target_pid_nr(t);
			g->regs[i].start = r->ar.start;
			g->regs[i].end = r->ar.end;
			i++;
		}
	}
	if (p->kind == DRAIN_GEN_ZIPF) {
		double sum = 0;

		g->cdf = malloc(g->nr * sizeof(*g->cdf));
		g->rank = malloc(g->nr * sizeof(*g->rank));
		if (!g->cdf || !g->rank)
			goto nomem;
		for (i = 0; i < g->nr; i++) {
			sum += 1.0 / pow((double)(i + 1), g->p.zipf_s);
			g->cdf[i] = sum;
			g->rank[i] = i;
		}
		for (i = g->nr - 1; i > 0; i--) {	/* hot regions anywhere */
			size_t j = gen_below(&g->rnd, i + 1), x = g->rank[i];

			g->rank[i] = g->rank[j];
			g->rank[j] = x;
		}
	}
	return g;
nomem:
	rd_errf(err, ENOMEM, "out of memory");
fail:
	drain_gen_free(g);
	return NULL;
}

/* A random address of region @i, aligned down to the report size. */
static unsigned long gen_addr_in(struct drain_gen *g, size_t i)
{
	const struct gen_region *r = &g->regs[i];
	unsigned long a = r->start + gen_below(&g->rnd, r->end - r->start);

	if (is_power_of_2(g->p.size)) {
		a &= ~(g->p.size - 1);
		if (a < r->start)
			a = r->start;
	}
	return a;
}

static size_t gen_zipf_pick(struct drain_gen *g)
{
	double u = (double)(gen_next(&g->rnd) >> 11) / (double)(1ULL << 53) *
		g->cdf[g->nr - 1];
	size_t lo = 0, hi = g->nr - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return g->rank[lo];
}

static void gen_one(struct drain_gen *g, struct damon_access_report *rep)
{
	size_t i;
	double u;

	rep->size = g->p.size;
	switch (g->p.kind) {
	case DRAIN_GEN_UNIFORM:
		i = gen_below(&g->rnd, g->nr);
		rep->tgid = g->regs[i].tgid;
		rep->vaddr = gen_addr_in(g, i);
		break;
	case DRAIN_GEN_ZIPF:
		i = gen_zipf_pick(g);
		rep->tgid = g->regs[i].tgid;
		rep->vaddr = gen_addr_in(g, i);
		break;
	case DRAIN_GEN_MIX:
		i = gen_below(&g->rnd, g->nr);
		rep->tgid = g->regs[i].tgid;
		rep->vaddr = gen_addr_in(g, i);
		u = (double)(gen_next(&g->rnd) >> 11) / (double)(1ULL << 53);
		if (u < g->p.hit_ratio)
			break;
		switch (gen_below(&g->rnd, 3)) {
		case 0:		/* nobody's tgid */
			rep->tgid = g->absent_tgid;
			break;
		case 1:		/* just past the last region of the layout */
			rep->vaddr = g->regs[g->nr - 1].end +
				gen_below(&g->rnd, 1UL << 20);
			rep->tgid = g->regs[g->nr - 1].tgid;
			if (rep->vaddr < g->regs[g->nr - 1].end)
				rep->vaddr = g->regs[g->nr - 1].end;
			break;
		default:	/* runs past its region's end */
			rep->vaddr = g->regs[i].end - 1;
			if (rep->size < 2)
				rep->size = 2;
			break;
		}
		break;
	case DRAIN_GEN_TRACE: {
		const struct drain_trace_rec *t = &g->p.trace->recs[g->next];

		g->next = (g->next + 1) % g->p.trace->n;
		rep->tgid = t->tgid;
		rep->vaddr = t->addr;
		rep->size = t->size;
		rep->is_write = t->write;
		rep->cpu = t->cpu % g->p.nr_cpus;
		rep->paddr = rep->vaddr;
		rep->tid = rep->tgid;
		rep->report_jiffies = READ_ONCE(jiffies);
		g->count++;
		return;
	}
	}
	rep->paddr = rep->vaddr;
	rep->cpu = g->count % g->p.nr_cpus;
	rep->tid = rep->tgid;
	rep->is_write = gen_next(&g->rnd) & 1;
	rep->report_jiffies = READ_ONCE(jiffies);
	g->count++;
}

void drain_gen_fill(struct drain_gen *g, struct damon_access_report *out,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		gen_one(g, &out[i]);
}

/* ---- several processes ----------------------------------------------- */

int drain_trace_interleave(struct drain_trace *out,
			     const struct drain_trace *const *in,
			     unsigned int n, unsigned int nr_cpus,
			     unsigned long slice,
			     struct rd_err *err)
{
	size_t *next, total = 0;

	memset(out, 0, sizeof(*out));
	if (!n || n > DRAIN_MAX_TARGETS || !nr_cpus ||
	    nr_cpus > DRAIN_MAX_CPUS || !slice)
		return rd_errf(err, EINVAL, "interleave: %u traces on %u CPUs, slice %lu: need 1..%d traces, 1..%d CPUs, slice >= 1",
			       n, nr_cpus, slice, DRAIN_MAX_TARGETS,
			       DRAIN_MAX_CPUS);
	for (unsigned int i = 0; i < n; i++) {
		total += in[i]->n;
		out->lines += in[i]->lines;
		out->accesses += in[i]->accesses;
	}
	out->format = in[0]->format;
	next = calloc(n, sizeof(*next));
	out->recs = calloc(total ? total : 1, sizeof(*out->recs));
	if (!next || !out->recs) {
		free(next);
		drain_trace_free(out);
		return rd_errf(err, ENOMEM, "out of memory");
	}
	out->cap = total ? total : 1;
	/*
	 * Record j of trace i sits at (2j + 1) / (2 n_i); compare two such
	 * times exactly as (2j + 1) * n_k against (2l + 1) * n_i (products
	 * of two numbers below 2^27: no overflow).  n is small (processes),
	 * so a linear scan per record is enough.
	 */
	for (size_t m = 0; m < total; m++) {
		unsigned int best = n;

		for (unsigned int i = 0; i < n; i++) {
			if (next[i] == in[i]->n)
				continue;
			if (best == n ||
			    (2 * next[i] + 1) * (u64)in[best]->n <
			    (2 * next[best] + 1) * (u64)in[i]->n)
				best = i;
		}
		out->recs[m] = in[best]->recs[next[best]++];
		out->recs[m].cpu = (best + m / slice) % nr_cpus;
		if (out->recs[m].cpu >= out->nr_cpus)
			out->nr_cpus = out->recs[m].cpu + 1;
	}
	out->n = total;
	free(next);
	return 0;
}

int drain_workload_load(const char *name, const char *dir,
			  unsigned long sample, unsigned long slice,
			  struct drain_trace *out, struct rd_err *err)
{
	static const char *const procs[DRAIN_NR_PROCS] = { DRAIN_PROCS_TRACES };
	struct drain_trace in[DRAIN_NR_PROCS] = { 0 };
	const struct drain_trace *pin[DRAIN_NR_PROCS];
	struct drain_trace_opts o = { .sample = sample };
	bool all = !strcmp(name, "procs");
	unsigned int n = all ? DRAIN_NR_PROCS : 1;
	char path[4096];
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!all && strcmp(name, "sort"))
		return rd_errf(err, EINVAL,
			       "workload '%s': unknown (sort or procs)", name);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.lackey", dir,
			 all ? procs[i] : name);
		o.lackey_tgid = i + 1;
		ret = drain_trace_load(path, &o, &in[i], err);
		if (ret)
			goto out;
		pin[i] = &in[i];
	}
	ret = drain_trace_interleave(out, pin, n, n, slice, err);
out:
	for (unsigned int i = 0; i < n; i++)
		drain_trace_free(&in[i]);
	return ret;
}
