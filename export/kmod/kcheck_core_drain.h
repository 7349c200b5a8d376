/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcheck_core_drain.h - included between the ring functions and the drain
 * functions that damon_core.c and damon_core_rfc.c cut out of core.c.
 *
 * From here on the text's jiffies is the tick's (kcheck_tick_begin()
 * reads the clock once, before the drain): the drain's stale check then
 * decides on the same age the module logs for each report, and the replay
 * decides on.  The producers above stamp their reports with the clock.
 */
#ifndef _KCHECK_CORE_DRAIN_H
#define _KCHECK_CORE_DRAIN_H

#include "kcheck_core.h"

#define jiffies kcheck_tick_jiffies

#endif /* _KCHECK_CORE_DRAIN_H */
