/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - a ring's producer-side counters.
 *
 * Only the ring's own CPU updates them, from whichever context produces, so
 * local_t is enough: each update is one instruction that an NMI cannot
 * split, and no other CPU writes them.  Nothing is ordered by them; readers on
 * other CPUs get a value that is exact once the producers are quiescent.
 * produced is not stored: every produce() lands in exactly one of the three.
 */
#ifndef RINGDRAIN_STATS_H
#define RINGDRAIN_STATS_H

#ifndef __KERNEL__
#include "kcompat.h"
#else
#include <asm/local.h>
#include <linux/compiler.h>
#endif

/**
 * struct damon_ring_stats - a ring's producer-side counters.
 * @accepted:		reports placed in the ring.
 * @dropped_full:	reports refused because no slot was free.
 * @dropped_nested:	reports refused because a producer was already running.
 */
struct damon_ring_stats {
	local_t accepted;
	local_t dropped_full;
	local_t dropped_nested;
};

/**
 * damon_ring_stats_init() - zero a ring's counters.
 * @s:	the counters.
 */
static __always_inline void damon_ring_stats_init(struct damon_ring_stats *s)
{
	local_set(&s->accepted, 0);
	local_set(&s->dropped_full, 0);
	local_set(&s->dropped_nested, 0);
}

#endif /* RINGDRAIN_STATS_H */
