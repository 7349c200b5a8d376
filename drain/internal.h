/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - what drain/'s files share but the API does not offer, and
 * the userspace registration of a lookup core (each core file ends with
 * one DRAIN_LOOKUP_STRATEGY() carrying what is particular to it; a kernel
 * export drops that block).
 */
#ifndef RINGDRAIN_DRAIN_INTERNAL_H
#define RINGDRAIN_DRAIN_INTERNAL_H

#include <errno.h>

#include "drain.h"

/* model.c: the parts of kdamond_fn() around the access check. */
/* 4/6's binary search of one target's region pointers (lookup_rfc.c). */
struct damon_region *damon_rfc_search(struct damon_region **regions,
				      unsigned int nr_regions,
				      unsigned long addr);

void drain_model_start(struct damon_ctx *ctx);
void drain_model_after_check(struct damon_ctx *ctx,
			     unsigned int max_nr_accesses);

/* parse.c: append a region to a layout; -ENOMEM when out of memory. */
int drain_layout_push(struct drain_layout *l, pid_t tgid, unsigned long start,
		      unsigned long end);

/* snapshot.c: the jemalloc arena every snapshot allocator uses. */
unsigned int drain_snap_arena(void);

/*
 * DRAIN_GLUE_LOOKUP(type, prefix) expects, for "struct type":
 *   void prefix_lookup(struct type *, const struct damon_ctx *,
 *                      const struct damon_access_report *, unsigned int n,
 *                      struct damon_region **out);
 *   void prefix_release(struct type *, struct damon_snap_alloc *);
 * and defines prefix_{lookup,release}_v.
 */
#define DRAIN_GLUE_LOOKUP(type, prefix)					\
static void prefix##_lookup_v(void *p, const struct damon_ctx *ctx,	\
			      const struct damon_access_report *reps,	\
			      unsigned int n, struct damon_region **out) \
{									\
	prefix##_lookup((struct type *)p, ctx, reps, n, out);		\
}									\
static void prefix##_release_v(void *p, struct damon_snap_alloc *a)	\
{									\
	prefix##_release((struct type *)p, a);				\
}

/* The descriptor: the ops, then the strategy's own fields. */
#define DRAIN_STRATEGY_DESCRIPTOR(var, type, prefix, ...)		\
const struct drain_strategy var = {					\
	.priv_size = sizeof(struct type),				\
	.build = prefix##_build_v,					\
	.lookup = prefix##_lookup_v,					\
	.release = prefix##_release_v,					\
	__VA_ARGS__							\
};

/**
 * DRAIN_LOOKUP_STRATEGY() - register a lookup core: the whole userspace
 * tail of a lookup_*.c file.
 * @var:	the descriptor, drain_strategy_<id> of drain/strategies.def.
 * @type:	the core's snapshot struct (without "struct").
 * @prefix:	the prefix of its functions: besides DRAIN_GLUE_LOOKUP()'s,
 *		int prefix_build(struct type *, const struct damon_ctx *,
 *				 struct damon_snap_alloc *);
 * @...:	the strategy's own fields: .name, .summary, and .per_tick if
 *		it rebuilds every tick (the default is on a layout change).
 */
#define DRAIN_LOOKUP_STRATEGY(var, type, prefix, ...)			\
static int prefix##_build_v(void *p, const struct damon_ctx *ctx,	\
			    struct damon_snap_alloc *a)			\
{									\
	return prefix##_build((struct type *)p, ctx, a);		\
}									\
DRAIN_GLUE_LOOKUP(type, prefix)						\
DRAIN_STRATEGY_DESCRIPTOR(var, type, prefix, __VA_ARGS__)

/*
 * DRAIN_LOOKUP_STRATEGY_OWN_BUILD() - the same for a core whose build needs
 * userspace settings first (btree's instruction set, radix's test
 * overrides): the file defines
 *   static int prefix_build_v(void *, const struct damon_ctx *,
 *                             struct damon_snap_alloc *);
 */
#define DRAIN_LOOKUP_STRATEGY_OWN_BUILD(var, type, prefix, ...)		\
DRAIN_GLUE_LOOKUP(type, prefix)						\
DRAIN_STRATEGY_DESCRIPTOR(var, type, prefix, __VA_ARGS__)

#endif /* RINGDRAIN_DRAIN_INTERNAL_H */
