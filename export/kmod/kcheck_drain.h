/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcheck_drain.h - what the drain module's harness (kcheck_drain_main.c)
 * and the helpers under the core.c text (kcheck_base.c) share: the counts.
 */
#ifndef _KCHECK_DRAIN_H
#define _KCHECK_DRAIN_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "kcheck_nmi.h"

#define KCHECK_CPUS	2	/* the guest's CPUs that produce */

/**
 * struct kcheck_drain_counts - what the core.c text did, as the module sees it.
 * @reports:	reports the drain took from the rings (each one logged).
 * @applied:	region credits: regions whose access_reported mark the
 *		zero-access pass found set.
 * @refused:	reports the ring refused (the damon_perf_ring_overflow
 *		tracepoint), by CPU and by the producer's context.
 */
struct kcheck_drain_counts {
	u64 reports;
	u64 applied;
	atomic_long_t refused[KCHECK_CPUS][KCHECK_NR];
};

extern struct kcheck_drain_counts kcheck_counts;

#endif /* _KCHECK_DRAIN_H */
