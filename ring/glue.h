/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue.h - userspace registration of a design: turns the design's typed,
 * kernel-dialect functions into the untyped entries of struct rd_ring_design.
 * Each design file ends with one RD_GLUE() and its descriptor; the export to
 * the kernel drops that block.
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
 *   void prefix_counters(const struct type *, struct rd_ring_counters *);
 *   void prefix_start_at(struct type *, u64 pos);
 * and defines prefix_{init,produce,consume,counters,start_at}_v.
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
static void prefix##_counters_v(const void *r, struct rd_ring_counters *c) \
{									\
	memset(c, 0, sizeof(*c));					\
	prefix##_counters((const struct type *)r, c);			\
}									\
static void prefix##_start_at_v(void *r, u64 pos)			\
{									\
	prefix##_start_at((struct type *)r, pos);			\
}

#define RD_GLUE_OPS(prefix)						\
	.size = prefix##_size,						\
	.init = prefix##_init_v,					\
	.produce = prefix##_produce_v,					\
	.consume = prefix##_consume_v,					\
	.counters = prefix##_counters_v,				\
	.start_at = prefix##_start_at_v

#endif /* RINGDRAIN_GLUE_H */
