/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nest.h - test-only hook points where an NMI could land in a producer.
 *
 * A producer path marks every point between two of its steps with
 * rd_nest_point().  In normal builds the mark compiles to nothing.  The
 * nesting tests build the same ring sources with -DRD_NEST_HOOKS, where each
 * mark calls rd_nest_point_hit(); the test then runs a complete nested
 * produce (or a consumer step) at the point it chose, exactly where an NMI
 * could interrupt the outer producer.  A consumer may mark points too,
 * where it can be overtaken by the producers' CPU (ring/tests/test_stamp.c
 * ticks jiffies and produces there); tests that drive producers ignore
 * them.  ringdrain export drops these lines.
 */
#ifndef RINGDRAIN_NEST_H
#define RINGDRAIN_NEST_H

#ifdef RD_NEST_HOOKS
void rd_nest_point_hit(void);
#define rd_nest_point()	rd_nest_point_hit()
#else
#define rd_nest_point()	do { } while (0)
#endif

#endif /* RINGDRAIN_NEST_H */
