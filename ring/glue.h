/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue.h - userspace registration of a design: turns the design's typed,
 * kernel-dialect functions into the untyped entries of struct rd_ring_design.
 * Each design file ends with one RD_RING_DESIGN() carrying what is particular
 * to it; the export to the kernel drops that block.
 */
#ifndef RINGDRAIN_GLUE_H
#define RINGDRAIN_GLUE_H

#include "ring.h"

/* Add a stats block to @c. */
static inline void rd_stats_add(struct rd_ring_counters *c,
				const struct damon_ring_stats *s)
{
	u64 a = local_read(&s->accepted);
	u64 f = local_read(&s->dropped_full);
	u64 n = local_read(&s->dropped_nested);

	c->accepted += a;
	c->dropped_full += f;
	c->dropped_nested += n;
	c->produced += a + f + n;
}

/*
 * RD_GLUE(type, prefix) expects, for "struct type":
 *   size_t prefix_size(unsigned int capacity, unsigned int rec_size);
 *   void prefix_init(struct type *, unsigned int capacity,
 *                    unsigned int rec_size, unsigned int cpu);
 *   bool prefix_produce(struct type *, const struct damon_access_report *);
 *   unsigned int prefix_consume(struct type *, struct damon_access_report *,
 *                               unsigned int max);
 *   void prefix_start_at(struct type *, u64 pos);
 * and defines prefix_{init,produce,consume,start_at}_v.
 */
#define RD_GLUE(type, prefix)						\
static void prefix##_init_v(void *r, unsigned int cap, unsigned int rs,	\
			    unsigned int cpu)				\
{									\
	prefix##_init((struct type *)r, cap, rs, cpu);			\
}									\
static bool prefix##_produce_v(void *r,					\
			       const struct damon_access_report *rep)	\
{									\
	return prefix##_produce((struct type *)r, rep);			\
}									\
static unsigned int prefix##_consume_v(void *r,				\
				       struct damon_access_report *out,	\
				       unsigned int max)		\
{									\
	return prefix##_consume((struct type *)r, out, max);		\
}									\
static void prefix##_start_at_v(void *r, u64 pos)			\
{									\
	prefix##_start_at((struct type *)r, pos);			\
}

/*
 * The descriptor: the ops, the defaults every design shares (indices run
 * free, the producer carries rd_nest_point() marks, one lane, no slot kept
 * empty), then the design's own fields, which override a default they
 * restate.  The defaults live here and nowhere else.
 */
#define RD_RING_DESCRIPTOR(var, prefix, ...)				\
_Pragma("GCC diagnostic push")						\
_Pragma("GCC diagnostic ignored \"-Woverride-init\"")			\
const struct rd_ring_design var = {					\
	.keeps_one_empty = false,					\
	.free_running = true,						\
	.nest_hooks = true,						\
	.lanes = 1,							\
	.size = prefix##_size,						\
	.init = prefix##_init_v,					\
	.produce = prefix##_produce_v,					\
	.consume = prefix##_consume_v,					\
	.counters = prefix##_counters_v,				\
	.start_at = prefix##_start_at_v,				\
	__VA_ARGS__							\
};									\
_Pragma("GCC diagnostic pop")

/**
 * RD_RING_DESIGN() - register a design whose counters are one struct
 * damon_ring_stats: the whole userspace tail of a design file.
 * @var:	the descriptor, rd_design_<id> of ring/designs.def.
 * @type:	the ring's struct (without "struct").
 * @prefix:	the prefix of the functions RD_GLUE() expects.
 * @stats:	where the ring's struct damon_ring_stats is in @type
 *		(a member designator: stats, ring.stats).
 * @...:	the design's own fields: .name, .summary, .atomics, .nesting
 *		and any that differ from the defaults of RD_RING_DESCRIPTOR().
 */
#define RD_RING_DESIGN(var, type, prefix, stats, ...)			\
RD_GLUE(type, prefix)							\
static void prefix##_counters_v(const void *r, struct rd_ring_counters *c) \
{									\
	memset(c, 0, sizeof(*c));					\
	rd_stats_add(c, &((const struct type *)r)->stats);		\
}									\
RD_RING_DESCRIPTOR(var, prefix, __VA_ARGS__)

/**
 * RD_RING_DESIGN_COUNTED() - RD_RING_DESIGN() for a design that counts its
 * own way: it defines
 *   void prefix_counters(const struct type *, struct rd_ring_counters *);
 * which adds to a zeroed struct.
 */
#define RD_RING_DESIGN_COUNTED(var, type, prefix, ...)			\
RD_GLUE(type, prefix)							\
static void prefix##_counters_v(const void *r, struct rd_ring_counters *c) \
{									\
	memset(c, 0, sizeof(*c));					\
	prefix##_counters((const struct type *)r, c);			\
}									\
RD_RING_DESCRIPTOR(var, prefix, __VA_ARGS__)

#endif /* RINGDRAIN_GLUE_H */
