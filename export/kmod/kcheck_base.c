// SPDX-License-Identifier: GPL-2.0
/*
 * kcheck_base.c - the helpers of mm/damon/core.c that the ring and drain
 * functions of RFC v1 4/6 and of the v2 series call, for the test module
 * (kcheck_core.h says why each is here), and the stream the drain logs.
 *
 * 6.12 exports none of DAMON's functions to modules, and 4/6's base tree
 * has helpers 6.12 lacks, so these are written here, after the rules of
 * mm/damon/core.c (the comment of each names its original).
 */
#define pr_fmt(fmt) "kcheck_drain: " fmt

#include <linux/atomic.h>
#include <linux/damon.h>
#include <linux/hardirq.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/printk.h>

#include "kcheck_core.h"
#include "kcheck_drain.h"

unsigned long kcheck_tick_jiffies;
struct kcheck_drain_counts kcheck_counts;

/**
 * kcheck_tick_begin() - start a tick: read the clock the drain will use.
 *
 * Context: the draining kthread.
 * Return: the jiffies of the tick, also in kcheck_tick_jiffies.
 */
unsigned long kcheck_tick_begin(void)
{
	kcheck_tick_jiffies = jiffies;
	return kcheck_tick_jiffies;
}

/**
 * kcheck_log_report() - log one report as the drain takes it from a ring.
 * @report:	the report.
 *
 * One stream line, "r tgid addr size age", age in jiffies of the tick.
 * Context: the draining kthread.
 */
void kcheck_log_report(const struct damon_access_report *report)
{
	pr_info("r %d %lx %lx %ld\n", report->tgid, report->vaddr,
		report->size, (long)(kcheck_tick_jiffies - report->report_jiffies));
	kcheck_counts.reports++;
}

/**
 * trace_damon_perf_ring_overflow() - the tracepoint 4/6 adds, as a count.
 * @cpu:	the CPU whose ring refused a report.
 *
 * Counts the refusal by @cpu and the context of the producer it refused.
 * Context: any, NMI included (atomic_long_inc() is NMI-safe).
 */
void trace_damon_perf_ring_overflow(int cpu)
{
	int c = in_nmi() ? KCHECK_NMI : in_hardirq() ? KCHECK_IRQ : KCHECK_TASK;

	if (cpu >= 0 && cpu < KCHECK_CPUS)
		atomic_long_inc(&kcheck_counts.refused[cpu][c]);
}

/**
 * damon_sample_filter_out() - the base tree's sample filter walk.
 * @report:	the report.
 * @ctrl:	the context's sample control.
 *
 * The test module sets no sample filter, and with none the base tree
 * keeps every report.
 *
 * Return: false.
 */
bool damon_sample_filter_out(struct damon_access_report *report,
			     struct damon_sample_control *ctrl)
{
	WARN_ON_ONCE(!list_empty(&ctrl->sample_filters));
	return false;
}

/* damon_moving_sum() of mm/damon/core.c. */
static unsigned int kcheck_moving_sum(unsigned int mvsum,
				      unsigned int nomvsum,
				      unsigned int len_window,
				      unsigned int new_value)
{
	return mvsum - nomvsum / len_window + new_value;
}

/**
 * damon_update_region_access_rate() - as mm/damon/core.c of 6.12 has it.
 * @r:		the region.
 * @accessed:	whether it was accessed in this sampling interval.
 * @attrs:	the context's attributes (the window: aggregation over
 *		sampling interval).
 */
void damon_update_region_access_rate(struct damon_region *r, bool accessed,
				     struct damon_attrs *attrs)
{
	unsigned int len_window = 1;

	if (attrs->sample_interval)
		len_window = damon_max_nr_accesses(attrs);
	r->nr_accesses_bp = kcheck_moving_sum(r->nr_accesses_bp,
					      r->last_nr_accesses * 10000,
					      len_window, accessed ? 10000 : 0);
	if (accessed)
		r->nr_accesses++;
}

/**
 * damon_nr_regions() - as mm/damon/core.c has it.
 * @t:	the target.
 *
 * Return: its number of regions.
 */
unsigned int damon_nr_regions(struct damon_target *t)
{
	return t->nr_regions;
}

/**
 * kdamond_apply_zero_access_report() - the base tree's pass after a drain.
 * @ctx:	the context.
 *
 * A region credited in this sampling interval has its mark cleared; every
 * other one is recorded as not accessed (for nr_accesses_bp).  Counts the
 * credited regions: the drain's "applied".
 *
 * Return: the largest nr_accesses of a region.
 */
unsigned int kdamond_apply_zero_access_report(struct damon_ctx *ctx)
{
	struct damon_target *t;
	struct damon_region *r;
	unsigned int max_nr_accesses = 0;

	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			if (r->access_reported) {
				r->access_reported = false;
				kcheck_counts.applied++;
			} else {
				damon_update_region_access_rate(r, false,
								&ctx->attrs);
			}
			max_nr_accesses = max(r->nr_accesses, max_nr_accesses);
		}
	}
	return max_nr_accesses;
}
