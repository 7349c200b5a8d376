// SPDX-License-Identifier: GPL-2.0
/*
 * lookup_list.c - "list": DAMON before the RFC.  Every report walks every
 * target's region list, all of it: the pre-RFC kdamond_apply_access_report()
 * visited each region and kept going after a hit.  No snapshot at all.
 * Of several targets with the report's tgid, the first answers (the
 * drain's credit step walks the others, drain/tick.c).
 */
#ifndef __KERNEL__
#include "internal.h"
#endif

struct damon_list_lookup {
	int unused;
};

static struct damon_region *damon_list_find(const struct damon_ctx *ctx,
		const struct damon_access_report *rep)
{
	unsigned long addr = damon_report_addr(ctx, rep);
	struct damon_region *found = DAMON_LOOKUP_NO_TARGET, *r;
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		if (damon_target_has_pid(ctx) &&
		    damon_target_pid_nr(t) != rep->tgid)
			continue;
		found = NULL;
		damon_for_each_region(r, t) {
			if (addr >= r->ar.start && addr < r->ar.end)
				found = r;
		}
		/* The first target of the tgid; the drain credits the rest. */
		break;
	}
	return found;
}

static void damon_list_lookup(struct damon_list_lookup *s,
			      const struct damon_ctx *ctx,
			      const struct damon_access_report *reps,
			      unsigned int n, struct damon_region **out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = damon_list_find(ctx, &reps[i]);
}

static int damon_list_build(struct damon_list_lookup *s,
			    const struct damon_ctx *ctx,
			    struct damon_snap_alloc *a)
{
	return 0;
}

static void damon_list_release(struct damon_list_lookup *s,
			       struct damon_snap_alloc *a)
{
}

#ifndef __KERNEL__
DRAIN_LOOKUP_STRATEGY(drain_strategy_list, damon_list_lookup, damon_list,
	.name = "list",
	.summary = "walk every region list per report (DAMON before the RFC)")
#endif /* !__KERNEL__ */
