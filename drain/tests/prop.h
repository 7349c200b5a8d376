/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prop.h - the drain's property check: one random case (layout, attributes,
 * reports over several ticks, through real rings, sample filters) run by
 * the reference, the exact rfc (4/6's drain, in place; eager), and by every
 * strategy under both zero-access policies from
 * cloned starts; after every tick the settled region state and the counters
 * must be identical.  Also counts what the cases reached, so the tests can
 * assert the interesting paths were taken.
 */
#ifndef RINGDRAIN_DRAIN_PROP_H
#define RINGDRAIN_DRAIN_PROP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"

extern int drain_btree_isa_override;
extern int drain_radix_override;

/* What the reference runs of all cases reached. */
struct prop_reach {
	u64 cases, ticks, reports;
	u64 applied, dedup, stale, no_target, no_region, straddling;
	u64 merges, splits, bp_fixups;
	u64 wrapped;		/* regions seen with nr_accesses_bp >= 2^31 */
	u64 clamped_cases, physical_cases;
	u64 empty_targets, one_region_targets, top_regions, boundary_reports;
	u64 grain_targets;	/* regions and gaps in multiples of one granule */
	u64 wrap_size_reports;
	u64 filtered, filter_cases;
	u64 dup_cases;		/* contexts with several targets of a tgid */
	u64 dup_targets;	/* targets whose tgid an earlier one has */
};

static inline u64 prop_next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u64 prop_below(u64 *s, u64 n)
{
	return n ? prop_next(s) % n : 0;
}

/* A random context: targets (some empty, some one region, some at 2^64). */
static struct damon_ctx *prop_ctx(u64 *rnd, struct prop_reach *reach)
{
	struct damon_attrs a;
	bool physical = prop_below(rnd, 5) == 0;
	unsigned int nr_targets = physical ? 1 : prop_below(rnd, 7);
	/* One virtual case in three may give a tgid several targets. */
	bool dups = !physical && prop_below(rnd, 3) == 0;
	pid_t pids[8];
	struct damon_ctx *ctx;

	drain_attrs_default(&a);
	/*
	 * The window is the aggregation period (drain_ctx_new() derives it):
	 * counts out of step with it, which make the posted moving sum wrap,
	 * come only from state set from outside (drain_ctx_randomize_state()).
	 */
	a.window = 1 + prop_below(rnd, 30);
	switch (prop_below(rnd, 3)) {
	case 0:
		a.aggr_ticks = 0;
		break;
	case 1:
		a.aggr_ticks = 1 + prop_below(rnd, 8);
		break;
	default:
		a.aggr_ticks = 1 + prop_below(rnd, 30);
		break;
	}
	a.ops_update_ticks = prop_below(rnd, 6);
	a.max_nr_regions = 3 + prop_below(rnd, 150);
	a.min_nr_regions = 1 + prop_below(rnd, a.max_nr_regions);
	a.stale_jiffies = 1 + prop_below(rnd, 3);
	a.clamp_moving_sum = prop_next(rnd) & 1;
	reach->clamped_cases += a.clamp_moving_sum;
	reach->physical_cases += physical;
	ctx = drain_ctx_new(&a, !physical, prop_next(rnd));
	if (!ctx)
		return NULL;
	for (unsigned int ti = 0; ti < nr_targets; ti++) {
		unsigned long base, cur, nr, grain;
		struct damon_target *t;
		pid_t pid;

		unsigned int k;

		if (dups && ti && prop_below(rnd, 2)) {
			pid = pids[prop_below(rnd, ti)];
			reach->dup_targets++;
		} else {
			do {
				pid = 1 + prop_below(rnd, 64);
				for (k = 0; k < ti && pids[k] != pid; k++)
					;
			} while (k < ti);
		}
		pids[ti] = pid;
		if (drain_ctx_add_target(ctx, pid, &t)) {
			drain_ctx_free(ctx);
			return NULL;
		}
		switch (prop_below(rnd, 8)) {
		case 0:
			nr = 0;
			break;
		case 1:
			nr = 1;
			break;
		default:
			nr = 2 + prop_below(rnd, 60);
			break;
		}
		switch (prop_below(rnd, 4)) {
		case 0:
			base = 0;
			break;
		case 1:	/* the top of the address space */
			base = ~0UL - prop_below(rnd, 80) * PAGE_SIZE -
				prop_below(rnd, 3);
			break;
		default:
			base = prop_next(rnd) >> 8;
			break;
		}
		reach->empty_targets += nr == 0;
		reach->one_region_targets += nr == 1;
		/*
		 * One target in three has every region and gap a multiple of
		 * one granule (a power of two, not always a page): radix
		 * indexes those by granule.
		 */
		grain = prop_below(rnd, 3) ? 0 : 1UL << prop_below(rnd, 16);
		reach->grain_targets += grain && nr > 2;
		cur = base;
		for (unsigned long i = 0; i < nr; i++) {
			unsigned long len = prop_below(rnd, 4) ?
				(1 + prop_below(rnd, 8)) * PAGE_SIZE :
				1 + prop_below(rnd, 3 * PAGE_SIZE);
			unsigned long gap = prop_below(rnd, 3) ? 0 :
				prop_below(rnd, 4 * PAGE_SIZE);

			if (grain) {
				len = (1 + prop_below(rnd, 12)) * grain;
				gap = prop_below(rnd, 3) ? 0 :
					prop_below(rnd, 6) * grain;
			}

			if (cur > ~0UL - len)
				len = ~0UL - cur;
			if (!len)
				break;
			drain_ctx_add_region(ctx, t, cur, cur + len);
			reach->top_regions += cur + len > ~0UL - 8 * PAGE_SIZE;
			if (cur + len > ~0UL - gap)
				break;
			cur += len + gap;
		}
	}
	reach->dup_cases += ctx->nr_dup_targets != 0;
	if (prop_below(rnd, 2))
		drain_ctx_randomize_state(ctx, prop_next(rnd));
	/* Sample filters in one case of three: on CPUs, threads, writes. */
	if (!prop_below(rnd, 3)) {
		unsigned int nf = 1 + prop_below(rnd, 3);

		reach->filter_cases++;
		for (unsigned int i = 0; i < nf; i++) {
			enum damon_sample_filter_type type = prop_below(rnd, 3);
			unsigned int ids[4], nr = 1 + prop_below(rnd, 4);

			for (unsigned int k = 0; k < nr; k++)
				ids[k] = type == DAMON_FILTER_TYPE_CPUMASK ?
					prop_below(rnd, 4) :
					1 + prop_below(rnd, 64);
			if (drain_ctx_add_sample_filter(ctx, type,
							prop_next(rnd) & 1,
							prop_next(rnd) & 1,
							ids, nr)) {
				drain_ctx_free(ctx);
				return NULL;
			}
		}
	}
	return ctx;
}

struct prop_region {
	pid_t tgid;
	unsigned long start, end;
};

/* One report aimed at the interesting places of @ctx's current regions. */
static void prop_report(u64 *rnd, const struct prop_region *regs, size_t nr,
			struct damon_access_report *rep,
			struct prop_reach *reach)
{
	const struct prop_region *r = nr ? &regs[prop_below(rnd, nr)] : NULL;
	unsigned long len;

	memset(rep, 0, sizeof(*rep));
	rep->size = (const unsigned long[]){ 1, 8, 64, PAGE_SIZE, 2 * PAGE_SIZE,
		3 }[prop_below(rnd, 6)];
	rep->tgid = r ? r->tgid : (pid_t)(1 + prop_below(rnd, 64));
	if (!r || prop_below(rnd, 10) == 0) {
		/* Anywhere, any tgid, any address. */
		rep->tgid = prop_below(rnd, 70);
		rep->vaddr = (const unsigned long[]){ 0, ~0UL, ~0UL - 1,
			prop_next(rnd), ~0UL - prop_below(rnd, 1 << 16) }
			[prop_below(rnd, 5)];
		goto out;
	}
	len = r->end - r->start;
	switch (prop_below(rnd, 8)) {
	case 0:
		rep->vaddr = r->start;
		reach->boundary_reports++;
		break;
	case 1:
		rep->vaddr = r->end - 1;
		reach->boundary_reports++;
		break;
	case 2:
		rep->vaddr = r->end;	/* next region's start, or a gap */
		reach->boundary_reports++;
		break;
	case 3:
		rep->vaddr = r->start - 1 - prop_below(rnd, 2 * PAGE_SIZE);
		break;
	case 4:	/* straddles the end */
		rep->vaddr = r->end - 1 - prop_below(rnd, len < 64 ? len : 64);
		rep->size = 2 + prop_below(rnd, 2 * PAGE_SIZE);
		break;
	case 5:	/* address + size wraps past 2^64 */
		rep->vaddr = r->start + prop_below(rnd, len);
		rep->size = ~0UL - prop_below(rnd, 1 << 20);
		reach->wrap_size_reports++;
		break;
	default:
		rep->vaddr = r->start + prop_below(rnd, len);
		break;
	}
out:
	rep->paddr = rep->vaddr;
	rep->tid = rep->tgid;
	rep->is_write = prop_next(rnd) & 1;
}

static size_t prop_regions(const struct damon_ctx *ctx, struct prop_region *out,
			   size_t max)
{
	struct damon_target *t;
	struct damon_region *r;
	size_t n = 0;

	damon_for_each_target(t, ctx)
		damon_for_each_region(r, t)
			if (n < max)
				out[n++] = (struct prop_region){
					damon_target_pid_nr(t), r->ar.start,
					r->ar.end };
	return n;
}

/*
 * The oracle: 4/6's kdamond_check_reported_accesses() written out, one
 * report at a time, with none of the drain's code: per report stale, then
 * filtered, then every target in list order (a virtual context skips the
 * targets of other tgids) with a walk of its region list; eager
 * zero-access pass; the model's boundary.  The reports are taken out of
 * the oracle's own rings (so a compact record reads as the drain reads
 * it).  Within a tick the order of the reports changes no count (a region
 * is credited by its first report, the others deduplicated), so one copy
 * out per CPU is 4/6's order as far as anything can tell.
 */
static void prop_oracle_tick(struct damon_ctx *ctx, struct rd_ring_set *set,
			     struct drain_counters *c)
{
	static struct damon_access_report reps[4096];
	unsigned long limit;
	unsigned int n, max = 0;

	if (!ctx->passed_sample_intervals)
		drain_model_start(ctx);
	ctx->passed_sample_intervals++;
	limit = jiffies - ctx->attrs.stale_jiffies;
	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++) {
		struct rd_ring *ring = set->rings[cpu];

		n = rd_ring_consume(ring, reps, rd_max_held(ring->d,
							    ring->capacity));
		for (unsigned int i = 0; i < n; i++) {
			const struct damon_access_report *rep = &reps[i];
			unsigned long addr = ctx->has_pid ? rep->vaddr :
				rep->paddr;
			struct damon_target *t;
			struct damon_region *r, *hit;
			bool matched = false;

			c->reports++;
			if ((long)(rep->report_jiffies - limit) < 0) {
				c->stale++;
				continue;
			}
			if (damon_sample_filter_out(rep,
						    &ctx->sample_control)) {
				c->filtered++;
				continue;
			}
			damon_for_each_target(t, ctx) {
				if (ctx->has_pid &&
				    damon_target_pid_nr(t) != rep->tgid)
					continue;
				matched = true;
				hit = NULL;
				damon_for_each_region(r, t)
					if (addr >= r->ar.start &&
					    addr < r->ar.end)
						hit = r;
				if (!hit) {
					c->no_region++;
				} else if (addr + rep->size > hit->ar.end) {
					c->straddling++;
				} else if (!hit->access_reported) {
					damon_access_step(hit, true,
							  &ctx->attrs);
					hit->access_reported = true;
					c->applied++;
				} else {
					c->deduplicated++;
				}
			}
			if (!matched)
				c->no_target++;
		}
	}
	{
		struct damon_target *t;
		struct damon_region *r;

		damon_for_each_target(t, ctx)
			damon_for_each_region(r, t) {
				if (r->access_reported)
					r->access_reported = false;
				else
					damon_access_step(r, false,
							  &ctx->attrs);
				if (r->nr_accesses > max)
					max = r->nr_accesses;
			}
	}
	drain_model_after_check(ctx, max);
}

#define PROP_MAX_RUNS	32
#define PROP_MAX_REGIONS 4096

struct prop_run {
	const struct drain_strategy *s;
	enum drain_zero_policy zero;
	int isa;	/* the strategy's variant, or -1 */
	struct damon_ctx *ctx;
	struct drain_kdamond *kd;
	struct rd_ring_set set;
};

/* Set the variant of @run's strategy (isa -1: as the strategy picks). */
static void prop_variant(const struct prop_run *run)
{
	bool btree = strcmp(run->s->name, "btree") == 0;
	bool radix = strcmp(run->s->name, "radix") == 0;

	drain_btree_isa_override = btree ? run->isa : -1;
	drain_radix_override = radix ? run->isa : -1;
}

/*
 * prop_case() - run case @seed.  @only: compare just this strategy (both
 * policies) against the reference; NULL: every strategy, and btree under
 * each instruction set.  Returns true when all agree; else @why says where.
 */
static bool prop_case(u64 seed, const struct drain_strategy *only,
		      struct prop_reach *reach, struct rd_err *why)
{
	static struct prop_region regs[PROP_MAX_REGIONS];
	struct prop_run runs[PROP_MAX_RUNS];
	const struct rd_ring_design *ring;
	unsigned int nr = 0, ticks, nr_cpus, rec_size;
	struct rd_err err = { 0 };
	struct damon_ctx *start, *oracle;
	struct drain_counters oc = { 0 };
	struct rd_ring_set oset;
	bool ok = true;
	u64 rnd = seed;

	start = prop_ctx(&rnd, reach);
	if (!start) {
		rd_errf(why, ENOMEM, "out of memory");
		return false;
	}
	ring = rd_designs[prop_below(&rnd, rd_nr_designs)];
	/* One record format for all runs: compact saturates huge sizes. */
	rec_size = prop_below(&rnd, 2) ? DAMON_REPORT_FULL :
		DAMON_REPORT_COMPACT;
	nr_cpus = 1 + prop_below(&rnd, 4);
	ticks = 1 + prop_below(&rnd, 40);

	/* Run 0 is the reference: the exact rfc (in place), eager. */
	runs[nr++] = (struct prop_run){ .s = drain_strategy_find("rfc"),
					.zero = DRAIN_ZERO_EAGER, .isa = -1 };
	for (unsigned int i = 0; i < (only ? 1 : drain_nr_strategies); i++) {
		const struct drain_strategy *s = only ? only :
			drain_strategies[i];
		/*
		 * Variants: btree under each instruction set; radix in one
		 * pass, batched, batched with every target in compare mode,
		 * and through its region cache.
		 */
		int isas = only ? 1 : strcmp(s->name, "btree") == 0 ? 3 :
			strcmp(s->name, "radix") == 0 ? 4 : 1;

		for (int isa = 0; isa < isas; isa++)
			for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++)
				runs[nr++] = (struct prop_run){ .s = s,
					.zero = z, .isa = isas > 1 ? isa : -1 };
	}
	for (unsigned int i = 0; i < nr; i++) {
		struct drain_opts o = { .strategy = runs[i].s,
					.zero = runs[i].zero,
					.batch_len = 1 + prop_below(&rnd, 64) };

		/* The reference reads in place (4/6); the others either way. */
		if (i)
			o.rings = prop_below(&rnd, 3);

		runs[i].ctx = drain_ctx_clone(start);
		prop_variant(&runs[i]);
		runs[i].kd = drain_kdamond_new(runs[i].ctx, &o, &err);
		if (!runs[i].ctx || !runs[i].kd ||
		    rd_ring_set_init(&runs[i].set, ring, nr_cpus, 256,
				     rec_size, &err)) {
			rd_errf(why, err.code ?: ENOMEM, "setup: %s", err.msg);
			return false;
		}
	}
	oracle = drain_ctx_clone(start);
	if (!oracle || rd_ring_set_init(&oset, ring, nr_cpus, 256, rec_size,
					 &err)) {
		rd_errf(why, err.code ?: ENOMEM, "oracle setup: %s", err.msg);
		return false;
	}
	jiffies = prop_next(&rnd) >> 1;
	for (unsigned int tick = 0; tick < ticks && ok; tick++) {
		size_t nregs = prop_regions(runs[0].ctx, regs, PROP_MAX_REGIONS);
		unsigned int m = prop_below(&rnd, 120);
		unsigned long now = jiffies + 1 + prop_below(&rnd, 2);

		for (unsigned int k = 0; k < m; k++) {
			struct damon_access_report rep;

			prop_report(&rnd, regs, nregs, &rep, reach);
			rep.cpu = prop_below(&rnd, nr_cpus);
			/* Stamped now, or up to four jiffies ago. */
			jiffies = now - (prop_below(&rnd, 3) ? 0 :
					 prop_below(&rnd, 5));
			for (unsigned int i = 0; i < nr; i++)
				rd_ring_produce(runs[i].set.rings[rep.cpu], &rep);
			rd_ring_produce(oset.rings[rep.cpu], &rep);
		}
		jiffies = now;
		prop_oracle_tick(oracle, &oset, &oc);
		for (unsigned int i = 0; i < nr && ok; i++) {
			prop_variant(&runs[i]);
			drain_kdamond_tick(runs[i].kd, &runs[i].set);
			drain_ctx_settle(runs[i].ctx);
			if (!i) {
				/* The exact rfc against 4/6 written out. */
				if (!drain_counters_equal(&oc, &runs[0].kd->c) ||
				    !drain_ctx_compare(oracle, runs[0].ctx,
						       &err)) {
					rd_errf(why, EINVAL,
						"seed %llu tick %u: rfc differs from the oracle (applied/dedup/no region/straddling %llu/%llu/%llu/%llu vs %llu/%llu/%llu/%llu): %s",
						 (unsigned long long)seed, tick,
						 (unsigned long long)oc.applied,
						 (unsigned long long)oc.deduplicated,
						 (unsigned long long)oc.no_region,
						 (unsigned long long)oc.straddling,
						 (unsigned long long)runs[0].kd->c.applied,
						 (unsigned long long)runs[0].kd->c.deduplicated,
						 (unsigned long long)runs[0].kd->c.no_region,
						 (unsigned long long)runs[0].kd->c.straddling,
						 err.msg);
					ok = false;
				}
				continue;
			}
			if (!drain_counters_equal(&runs[0].kd->c,
						  &runs[i].kd->c)) {
				const struct drain_counters *x = &runs[0].kd->c;
				const struct drain_counters *y = &runs[i].kd->c;

				rd_errf(why, EINVAL,
					"seed %llu tick %u: %s/%s variant %d: counters differ: reports/applied/dedup/stale/no target/no region/straddling/alloc failures/filtered %llu/%llu/%llu/%llu/%llu/%llu/%llu/%llu/%llu vs %llu/%llu/%llu/%llu/%llu/%llu/%llu/%llu/%llu",
					(unsigned long long)seed, tick,
					runs[i].s->name,
					drain_zero_policy_name(runs[i].zero),
					runs[i].isa,
					(unsigned long long)x->reports,
					(unsigned long long)x->applied,
					(unsigned long long)x->deduplicated,
					(unsigned long long)x->stale,
					(unsigned long long)x->no_target,
					(unsigned long long)x->no_region,
					(unsigned long long)x->straddling,
					(unsigned long long)x->snapshot_alloc_failures,
					(unsigned long long)x->filtered,
					(unsigned long long)y->reports,
					(unsigned long long)y->applied,
					(unsigned long long)y->deduplicated,
					(unsigned long long)y->stale,
					(unsigned long long)y->no_target,
					(unsigned long long)y->no_region,
					(unsigned long long)y->straddling,
					(unsigned long long)y->snapshot_alloc_failures,
					(unsigned long long)y->filtered);
				ok = false;
			} else if (!drain_ctx_compare(runs[0].ctx, runs[i].ctx,
						      &err)) {
				rd_errf(why, EINVAL,
					"seed %llu tick %u: %s/%s variant %d: %.200s",
					(unsigned long long)seed, tick,
					runs[i].s->name,
					drain_zero_policy_name(runs[i].zero),
					runs[i].isa, err.msg);
				ok = false;
			}
		}
		{
			struct damon_target *t;
			struct damon_region *r;

			damon_for_each_target(t, runs[0].ctx)
				damon_for_each_region(r, t)
					reach->wrapped +=
						r->nr_accesses_bp >= 1U << 31;
		}
		reach->ticks++;
	}
	drain_btree_isa_override = -1;
	drain_radix_override = -1;
	reach->cases++;
	reach->reports += runs[0].kd->c.reports;
	reach->applied += runs[0].kd->c.applied;
	reach->dedup += runs[0].kd->c.deduplicated;
	reach->stale += runs[0].kd->c.stale;
	reach->no_target += runs[0].kd->c.no_target;
	reach->no_region += runs[0].kd->c.no_region;
	reach->straddling += runs[0].kd->c.straddling;
	reach->filtered += runs[0].kd->c.filtered;
	reach->merges += runs[0].ctx->nr_merges;
	reach->splits += runs[0].ctx->nr_splits;
	reach->bp_fixups += runs[0].ctx->nr_bp_fixups;
	for (unsigned int i = 0; i < nr; i++) {
		drain_kdamond_free(runs[i].kd);
		drain_ctx_free(runs[i].ctx);
		rd_ring_set_destroy(&runs[i].set);
	}
	drain_ctx_free(start);
	drain_ctx_free(oracle);
	rd_ring_set_destroy(&oset);
	return ok;
}

#endif /* RINGDRAIN_DRAIN_PROP_H */
