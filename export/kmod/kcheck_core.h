/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcheck_core.h - what mm/damon/core.c around them gives the ring and drain
 * functions of RFC v1 4/6 and of the v2 series, so that the test module can
 * compile and run them as they are.
 *
 * ringdrain export cuts those functions out of the two core.c files (the
 * 4/6 post-image and the same file with the series applied) into
 * damon_core_rfc.c and damon_core.c, line for line, and puts this header
 * above them.  It supplies:
 *
 * - the base tree's helpers the functions call and 6.12 does not export:
 *   damon_sample_filter_out(), kdamond_apply_zero_access_report(),
 *   damon_update_region_access_rate(), damon_nr_regions() (kcheck_base.c);
 * - 4/6's damon_perf_ring_overflow tracepoint: a call that counts the
 *   refused report, by the context that refused it;
 * - per-CPU storage: a module's static per-CPU area is
 *   PERCPU_MODULE_RESERVE (8 KiB, for all of a module's DEFINE_PER_CPU()
 *   variables together) and one RFC ring is 12 KiB, so here
 *   DEFINE_PER_CPU() and DEFINE_PER_CPU_ALIGNED() declare a pointer (in a
 *   struct of its own) that the module points at alloc_percpu() memory
 *   before the first report,
 *   and each per-CPU name of the text stands for what that pointer points
 *   at: per_cpu_ptr(&name, cpu) and this_cpu_ptr(&name) read as in core.c;
 * - early_initcall(): the ring's initcall keeps its text, and the module
 *   calls it once the per-CPU memory is there;
 * - damon_report_access(): each file's is renamed (kcheck_v1_report(),
 *   kcheck_v2_report()) so that one module holds both.
 *
 * Between the ring and the drain, kcheck_core_drain.h makes the drain read
 * the jiffies of the tick (kcheck_tick_jiffies) rather than the clock, so
 * that a report's staleness is decided on the age the module logs.
 */
#ifndef _KCHECK_CORE_H
#define _KCHECK_CORE_H

#include <linux/damon.h>
#include <linux/percpu.h>

/* kcheck_base.c: the base tree's helpers (static in its core.c). */
bool damon_sample_filter_out(struct damon_access_report *report,
			     struct damon_sample_control *ctrl);
unsigned int kdamond_apply_zero_access_report(struct damon_ctx *ctx);
void trace_damon_perf_ring_overflow(int cpu);

/* kcheck_base.c: the tick and its stream. */
extern unsigned long kcheck_tick_jiffies;
unsigned long kcheck_tick_begin(void);
void kcheck_log_report(const struct damon_access_report *report);

/* damon_core.c: the series' text; damon_core_rfc.c: 4/6's. */
extern const char * const kcheck_v2_design;
extern const char * const kcheck_v2_lookup;
extern const unsigned int kcheck_v2_record;
int kcheck_v2_init(void);
void kcheck_v2_exit(void);
void kcheck_v2_report(struct damon_access_report *report);
unsigned int kcheck_v2_tick(struct damon_ctx *ctx);
unsigned long kcheck_v2_left(void);
void kcheck_v2_free(struct damon_ctx *ctx);

extern const char * const kcheck_v1_design;
extern const char * const kcheck_v1_lookup;
extern const unsigned int kcheck_v1_record;
int kcheck_v1_init(void);
void kcheck_v1_exit(void);
void kcheck_v1_report(struct damon_access_report *report);
unsigned int kcheck_v1_tick(struct damon_ctx *ctx);
unsigned long kcheck_v1_left(void);
void kcheck_v1_free(struct damon_ctx *ctx);

#ifdef KCHECK_CORE_TEXT
#undef DEFINE_PER_CPU
#define DEFINE_PER_CPU(type, name) struct { type __percpu *p; } name##__kcheck
#undef DEFINE_PER_CPU_ALIGNED
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	struct { type __percpu *p; } name##__kcheck
#define damon_report_rings	(*damon_report_rings__kcheck.p)
#define damon_report_ring_busy	(*damon_report_ring_busy__kcheck.p)
#define damon_ring_pending	(*damon_ring_pending__kcheck.p)

/* Point @name's pointer at zeroed per-CPU memory: 0 or -ENOMEM. */
#define KCHECK_ALLOC_PERCPU(name)					\
	({								\
		name##__kcheck.p = __alloc_percpu(sizeof(*name##__kcheck.p), \
						  SMP_CACHE_BYTES);	\
		name##__kcheck.p ? 0 : -ENOMEM;				\
	})
#define KCHECK_FREE_PERCPU(name) free_percpu(name##__kcheck.p)

/* The module calls the initcall itself, after KCHECK_ALLOC_PERCPU(). */
#undef __init
#define __init
#undef early_initcall
#define early_initcall(fn) \
	static int (*const kcheck_early_initcall)(void) __maybe_unused = fn
#endif /* KCHECK_CORE_TEXT */

#endif /* _KCHECK_CORE_H */
