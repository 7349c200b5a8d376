/* SPDX-License-Identifier: GPL-2.0 */
/*
 * damon.h - the parts of the kernel's DAMON types that kdamond's drain
 * touches, for userspace, under the kernel's names.
 *
 * The lookup cores under drain/ are written against these names
 * (damon_for_each_target, r->ar.start, damon_target_has_pid(), ...) so the
 * same text compiles in mm/damon/core.c, where <linux/damon.h> provides
 * them.  Where the model differs from the kernel it says so:
 *
 *   - &damon_target.pid points to a struct pid holding only the number;
 *     damon_target_pid_nr() follows it as the kernel's pid_nr() does, so a
 *     tgid check costs the same dependent load it costs in the kernel.
 *   - &damon_attrs is the model's: intervals are counted in sampling ticks
 *     (kdamond's passed_sample_intervals), not microseconds.
 *   - &damon_region.settled_sis is the model's own, used only by the lazy
 *     zero-access policy (see drain/README.md).  It shares its word with
 *     the RFC's @access_reported, which only the eager policy uses, so the
 *     struct keeps the kernel's 64 bytes (with the RFC's bool) and a
 *     credit touches one cache line.
 *   - kdamond_split_regions() keeps last_nr_regions in a function-static
 *     variable shared by every context; the model keeps it per context.
 */
#ifndef RINGDRAIN_DAMON_H
#define RINGDRAIN_DAMON_H

#ifdef __KERNEL__
#error "drain/damon.h is the userspace stand-in for <linux/damon.h>"
#endif

#include "ring/kcompat.h"
#include "ring/report.h"

/* ---- a minimal <linux/list.h> -------------------------------------- */

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e->prev = NULL;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_next_entry(pos, member)					\
	list_entry((pos)->member.next, typeof(*(pos)), member)

#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, typeof(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, typeof(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

/* ---- DAMON ----------------------------------------------------------- */

/** struct damon_addr_range - [@start, @end), as the kernel's. */
struct damon_addr_range {
	unsigned long start;
	unsigned long end;
};

/**
 * struct damon_region - a monitoring region, as the kernel's (with the RFC's
 * @access_reported).
 * @ar:			the address range.
 * @sampling_addr:	unused by the drain; kept so the struct has the
 *			kernel's size and layout.
 * @nr_accesses:	accesses counted in the current aggregation window.
 * @nr_accesses_bp:	moving sum of accesses, in basis points.
 * @list:		sibling regions of the target, in address order.
 * @age:		aggregation windows the access pattern has lasted.
 * @last_nr_accesses:	@nr_accesses of the previous window.
 * @access_reported:	credited in this sampling interval (eager policy
 *			only; read it through damon_region_reported()).
 * @settled_sis:	model only: the last tick whose access check is folded
 *			into @nr_accesses_bp (lazy policy only: a context
 *			uses one policy at a time, &damon_ctx.lazy_zero).
 */
struct damon_region {
	struct damon_addr_range ar;
	unsigned long sampling_addr;
	unsigned int nr_accesses;
	unsigned int nr_accesses_bp;
	struct list_head list;
	unsigned int age;
	unsigned int last_nr_accesses;
	union {
		bool access_reported;
		unsigned long settled_sis;
	};
};

BUILD_BUG_ON(sizeof(struct damon_region) != 64);

/**
 * struct pid - the kernel's is a slab object with the numbers at its end;
 * the model keeps what pid_nr() reads.
 */
struct pid {
	unsigned int count;
	unsigned int level;
	pid_t nr;
};

/** struct damon_target - a monitoring target: one process, or the memory. */
struct damon_target {
	struct pid *pid;
	unsigned int nr_regions;
	struct list_head regions_list;
	struct list_head list;
};

/**
 * struct damon_attrs - the model's monitoring attributes, in ticks.
 * @window:		len_window of the moving sum: the kernel's
 *			aggr_interval / sample_interval (20 by default).
 *			Derived: a context with aggregation on sets it to
 *			@aggr_ticks (drain_ctx_new()), so the two cannot
 *			differ, as they cannot in the kernel; only a
 *			context that never aggregates keeps its own.
 * @aggr_ticks:		an aggregation boundary every @aggr_ticks ticks:
 *			the kernel's aggr_interval / sample_interval
 *			(0: never, the layout stays fixed).
 * @ops_update_ticks:	the region size limit is recomputed every this
 *			many ticks (the kernel's ops_update_interval; 0: never).
 * @min_nr_regions:	as the kernel's (sets the region size limit).
 * @max_nr_regions:	as the kernel's (merge and split targets).
 * @min_region_sz:	as the kernel's DAMON_MIN_REGION_SZ (PAGE_SIZE).
 * @stale_jiffies:	usecs_to_jiffies(sample_interval): a report stamped
 *			before jiffies - @stale_jiffies is stale.
 * @clamp_moving_sum:	false: damon_moving_sum() as posted (the subtraction
 *			wraps); true: the later fix (return the new value
 *			when the subtrahend is larger).
 */
struct damon_attrs {
	unsigned int window;
	unsigned int aggr_ticks;
	unsigned int ops_update_ticks;
	unsigned int min_nr_regions;
	unsigned int max_nr_regions;
	unsigned long min_region_sz;
	unsigned long stale_jiffies;
	bool clamp_moving_sum;
};

/*
 * The sample filters kdamond_check_reported_accesses() applies to each
 * report (damon_sample_filter_out(), called by 4/6; the filters are the
 * base tree's: 1/6 carries &damon_ctx.sample_control, the sysfs interface
 * types cpumask, threads and write, each with matching and allow).
 */
#define DAMON_SAMPLE_FILTER_CPUS	4096	/* the trace format's CPU bound */
#ifndef BITS_PER_LONG
#define BITS_PER_LONG	(8 * (int)sizeof(long))
#endif

/** enum damon_sample_filter_type - what a sample filter tests. */
enum damon_sample_filter_type {
	DAMON_FILTER_TYPE_CPUMASK,	/* the report's cpu is in @cpumask */
	DAMON_FILTER_TYPE_THREADS,	/* the report's tid is in @tid_arr */
	DAMON_FILTER_TYPE_WRITE,	/* the report is a write */
};

/**
 * struct damon_sample_filter - one sample filter.
 * @type:		what it tests.
 * @matching:		whether it applies to reports that pass the test
 *			(true) or to those that fail it (false).
 * @allow:		whether a report it applies to is kept or dropped.
 * @cpumask:		CPUs, for DAMON_FILTER_TYPE_CPUMASK.
 * @tid_arr:		thread ids, for DAMON_FILTER_TYPE_THREADS.
 * @tid_arr_len:	entries of @tid_arr.
 * @list:		siblings, in evaluation order.
 */
struct damon_sample_filter {
	enum damon_sample_filter_type type;
	bool matching;
	bool allow;
	unsigned long cpumask[DAMON_SAMPLE_FILTER_CPUS / BITS_PER_LONG];
	pid_t *tid_arr;
	unsigned int tid_arr_len;
	struct list_head list;
};

/** struct damon_sample_control - the context's sample filters. */
struct damon_sample_control {
	struct list_head sample_filters;
};

#define damon_for_each_sample_filter(f, ctrl)				\
	list_for_each_entry(f, &(ctrl)->sample_filters, list)

/* Whether @filter applies to @report (its test, then @matching). */
static inline bool damon_sample_filter_matching(
		const struct damon_access_report *report,
		const struct damon_sample_filter *filter)
{
	bool matched = false;
	unsigned int i;

	switch (filter->type) {
	case DAMON_FILTER_TYPE_CPUMASK:
		matched = report->cpu < DAMON_SAMPLE_FILTER_CPUS &&
			(filter->cpumask[report->cpu / BITS_PER_LONG] >>
			 (report->cpu % BITS_PER_LONG) & 1);
		break;
	case DAMON_FILTER_TYPE_THREADS:
		for (i = 0; i < filter->tid_arr_len; i++) {
			if (filter->tid_arr[i] == report->tid) {
				matched = true;
				break;
			}
		}
		break;
	case DAMON_FILTER_TYPE_WRITE:
		matched = report->is_write;
		break;
	}
	return matched == filter->matching;
}

/*
 * damon_sample_filter_out(): the first filter that applies decides (drop
 * unless it allows); if none applies, the report gets the opposite of the
 * last filter's verdict; no filter keeps everything.  The body is not in
 * the seed patches (4/6 only calls it): this is the rule of the DAMOS
 * filters the sample filters copy (drain/README.md, the difference table).
 */
static inline bool damon_sample_filter_out(
		const struct damon_access_report *report,
		const struct damon_sample_control *ctrl)
{
	const struct damon_sample_filter *filter, *last = NULL;

	damon_for_each_sample_filter(filter, ctrl) {
		if (damon_sample_filter_matching(report, filter))
			return !filter->allow;
		last = filter;
	}
	return last ? last->allow : false;
}

/**
 * struct damon_ctx - the model's monitoring context (the parts kdamond's
 * drain and aggregation use).
 * @attrs:			attributes.
 * @has_pid:			virtual-address targets (true) or the one
 *				physical-address target (false).
 * @adaptive_targets:		targets, in order.
 * @passed_sample_intervals:	ticks so far.
 * @next_aggregation_sis:	tick of the next aggregation boundary.
 * @next_ops_update_sis:	tick of the next region size limit update.
 * @sz_limit:			damon_region_sz_limit() as last computed.
 * @last_nr_regions:		kdamond_split_regions()'s memory.
 * @generation:			bumped by every change of targets or regions
 *				(split, merge, layout change); snapshots
 *				built at another generation are stale.
 * @rnd:			PRNG state for the split sizes.
 * @nr_merges:			regions merged away, all time.
 * @nr_splits:			regions split off, all time.
 * @nr_bp_fixups:		damon_warn_fix_nr_accesses_corruption() hits.
 * @lazy_zero:			model: driven by the lazy zero-access policy,
 *				so regions may hold unfolded idle ticks.
 * @sample_control:		the sample filters (none: keep every report).
 * @nr_dup_targets:		model: targets whose tgid an earlier target
 *				of the list already has (DAMON allows several
 *				targets of one process; every one is credited).
 *				0 in the usual context: the drain's extra
 *				walk (drain/tick.c) then costs nothing.
 */
struct damon_ctx {
	struct damon_attrs attrs;
	bool has_pid;
	struct list_head adaptive_targets;
	unsigned long passed_sample_intervals;
	unsigned long next_aggregation_sis;
	unsigned long next_ops_update_sis;
	unsigned long sz_limit;
	unsigned int last_nr_regions;
	unsigned long generation;
	u64 rnd;
	u64 nr_merges;
	u64 nr_splits;
	u64 nr_bp_fixups;
	bool lazy_zero;
	struct damon_sample_control sample_control;
	unsigned int nr_dup_targets;
};

#define damon_for_each_target(t, ctx)					\
	list_for_each_entry(t, &(ctx)->adaptive_targets, list)
#define damon_for_each_target_safe(t, next, ctx)			\
	list_for_each_entry_safe(t, next, &(ctx)->adaptive_targets, list)
#define damon_for_each_region(r, t)					\
	list_for_each_entry(r, &(t)->regions_list, list)
#define damon_for_each_region_safe(r, next, t)				\
	list_for_each_entry_safe(r, next, &(t)->regions_list, list)

static inline bool damon_target_has_pid(const struct damon_ctx *ctx)
{
	return ctx->has_pid;
}

/* pid_nr(t->pid): 0 for the physical target, which has no pid. */
static inline pid_t damon_target_pid_nr(const struct damon_target *t)
{
	return t->pid ? t->pid->nr : 0;
}

/* @r's access_reported: false in a context the lazy policy drives. */
static inline bool damon_region_reported(const struct damon_ctx *ctx,
					 const struct damon_region *r)
{
	return !ctx->lazy_zero && r->access_reported;
}

static inline unsigned int damon_nr_regions(const struct damon_target *t)
{
	return t->nr_regions;
}

static inline unsigned long damon_sz_region(const struct damon_region *r)
{
	return r->ar.end - r->ar.start;
}

static inline struct damon_region *damon_next_region(struct damon_region *r)
{
	return list_next_entry(r, list);
}

/* The address a report gives for this context's kind of target. */
static __always_inline unsigned long
damon_report_addr(const struct damon_ctx *ctx,
		  const struct damon_access_report *rep)
{
	return ctx->has_pid ? rep->vaddr : rep->paddr;
}

#define ALIGN_DOWN(x, a)	((x) & ~((unsigned long)(a) - 1))

#endif /* RINGDRAIN_DAMON_H */
