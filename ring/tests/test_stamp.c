// SPDX-License-Identifier: GPL-2.0
/*
 * test_stamp.c - a tick and a producer between a consumer's steps.
 *
 * A compact record keeps only the low 32 bits of report_jiffies and
 * damon_report_decode() rebuilds them against the consumer's @now, which
 * must not be older than the report: a report stamped one tick after @now
 * comes back 2^32 - 1 ticks old (the kcheck module counts it torn, before
 * its run started, and so lost too).  In the kernel jiffies advances on
 * any CPU, so the producers' CPU can stamp J + 1 while kdamond holds a @now
 * of J; the consumer must read jiffies after the load that observes the
 * records it decodes (llist: after llist_del_all(); seqslot: after the
 * slot's acquire), as perfnest and lamport do.
 *
 * Consumers that have such a window mark the points inside it with
 * rd_nest_point() (the ring sources are built with RD_NEST_HOOKS).  At the
 * consumer's point k this test advances jiffies (the tick) and runs one
 * complete produce (the producers' CPU), then drains and checks that every
 * record comes back whole with the jiffies its producer stamped.  The
 * stress harness cannot see this: there only the consumer advances jiffies.
 */
#include <string.h>

#include "testlib.h"

/* Just below the low 32 bits' wrap: the tick crosses it. */
#define J0	0xffffffffUL
#define MAX_IDS	64

static struct {
	struct rd_ring *ring;
	bool in_consumer;
	int target, seen;
	bool fired;
	u64 next_id;
	bool accepted[MAX_IDS];
	unsigned long stamp[MAX_IDS];
	unsigned int times_consumed[MAX_IDS];
	unsigned int bad;
	char first_bad[160];
} T;

static void produce_id(void)
{
	u64 id = T.next_id++;
	struct damon_access_report r = rt_report(id, 0, T.ring->cpu);

	T.stamp[id] = jiffies;
	T.accepted[id] = rd_ring_produce(T.ring, &r);
}

void rd_nest_point_hit(void)
{
	if (!T.in_consumer || T.fired || ++T.seen != T.target)
		return;
	T.fired = true;
	T.in_consumer = false;	/* the producer's own points: no action */
	jiffies++;		/* the tick, on any CPU */
	produce_id();		/* the producers' CPU, stamped after the tick */
	T.in_consumer = true;
}

static void check(const struct damon_access_report *r)
{
	u64 id = r->paddr >> 12;
	unsigned int ctx;

	if (id < T.next_id &&
	    rt_identify(r, T.ring->cpu, T.stamp[id], &id, &ctx)) {
		T.times_consumed[id]++;
		return;
	}
	if (!T.bad++)
		snprintf(T.first_bad, sizeof(T.first_bad),
			 "record %llu came back stamped %#lx, stamped %#lx",
			 (unsigned long long)id, r->report_jiffies,
			 id < T.next_id ? T.stamp[id] : 0UL);
}

/* @fill records, then one consume() with the tick + produce at point @k. */
static bool run(const struct rt_param *p, unsigned int fill, int k,
		char *what, size_t len)
{
	struct damon_access_report out[8];
	unsigned int n;

	memset(&T, 0, sizeof(T));
	jiffies = J0;
	T.ring = rt_ring(p, 4);
	for (unsigned int i = 0; i < fill; i++)
		produce_id();
	T.target = k;
	T.in_consumer = true;
	n = rd_ring_consume(T.ring, out, ARRAY_SIZE(out));
	T.in_consumer = false;
	for (unsigned int i = 0; i < n; i++)
		check(&out[i]);
	while ((n = rd_ring_consume(T.ring, out, ARRAY_SIZE(out))))
		for (unsigned int i = 0; i < n; i++)
			check(&out[i]);
	for (u64 id = 0; id < T.next_id; id++)
		if (T.times_consumed[id] != T.accepted[id] && !T.bad++)
			snprintf(T.first_bad, sizeof(T.first_bad),
				 "record %llu accepted %d consumed %u times",
				 (unsigned long long)id, T.accepted[id],
				 T.times_consumed[id]);
	snprintf(what, len, "%s fill %u, tick + produce at consumer point %d",
		 p->name, fill, k);
	rd_ring_destroy(T.ring);
	return T.fired;
}

ParameterizedTestParameters(stamp, tick_inside_consume)
{
	static struct rt_param p[RT_MAX_PARAMS];
	size_t n = rt_params(p, true);

	return cr_make_param_array(struct rt_param, p, n);
}

ParameterizedTest(struct rt_param *p, stamp, tick_inside_consume)
{
	const char *name = rd_designs[p->design]->name;
	/* Consumers known to mark points in their window: they must fire. */
	bool marked = !strcmp(name, "llist") || !strcmp(name, "seqslot");
	unsigned int scenarios = 0;
	char what[200];

	for (unsigned int fill = 0; fill <= 2; fill++)
		for (int k = 1;; k++) {
			if (!run(p, fill, k, what, sizeof(what)))
				break;	/* the consumer has fewer points */
			scenarios++;
			cr_assert_eq(T.bad, 0, "%s: %s", what, T.first_bad);
		}
	if (marked)
		cr_assert_gt(scenarios, 0, "%s: the consumer has no hook point",
			     p->name);
	cr_log_info("%s: %u scenarios", p->name, scenarios);
}
