// SPDX-License-Identifier: GPL-2.0
/*
 * test_nest.c - a nested producer at every point where an NMI could land.
 *
 * The ring sources are built with RD_NEST_HOOKS: each rd_nest_point() in a
 * producer calls rd_nest_point_hit() below.  For every point k of the outer
 * produce (and every point k2 of a nested one, for depth 2) the test runs
 * one of:
 *
 *   NEST	a complete nested produce, one context level deeper, as an NMI;
 *   CONSUME	the consumer drains what it can see, as kdamond on another CPU
 *		interleaving at this point;
 *   NEST_CONSUME	both, in that order;
 *
 * from three starting fills (empty, one slot left, full), then drains and
 * checks the ring's promise: every accepted record consumed exactly once and
 * intact, in order per context, and counters that balance.  NMI-safe designs
 * must keep every record with zero nested drops; rfc and rfc-fixed must
 * count the nested drop; lamport, cached and ffwd must be caught losing or
 * corrupting a record at some point, so `ringdrain list` stays true.
 */
#include <string.h>

#include "testlib.h"

enum action { NONE, NEST, CONSUME, NEST_CONSUME };
static const char *const action_name[] = { "nothing", "nest", "consume",
					   "nest+consume" };

#define MAX_DEPTH	3
#define MAX_IDS		4096

static struct {
	struct rd_ring *ring;
	enum action act[MAX_DEPTH];
	int target[MAX_DEPTH];	/* fire at this point of that depth (1-based) */
	int seen[MAX_DEPTH];
	bool fired[MAX_DEPTH];
	int depth;
	u64 next_id;
	/* what producers were told, per id */
	bool accepted[MAX_IDS];
	bool produced[MAX_IDS];
	unsigned int ctx_of[MAX_IDS];
	/* what the consumer saw */
	unsigned int times_consumed[MAX_IDS];
	u64 last_id[4];
	bool have_last[4];
	unsigned int torn, reordered, calls;
} T;

static void consume_all(void);

static void produce_id(void)
{
	u64 id = T.next_id++;
	unsigned int ctx = rd_ctx_depth;
	struct damon_access_report r = rt_report(id, ctx, T.ring->cpu);

	T.produced[id] = true;
	T.ctx_of[id] = ctx;
	T.calls++;
	T.accepted[id] = rd_ring_produce(T.ring, &r);
}

void rd_nest_point_hit(void)
{
	int d = T.depth;

	if (d >= MAX_DEPTH || T.act[d] == NONE || T.fired[d] ||
	    ++T.seen[d] != T.target[d])
		return;
	T.fired[d] = true;
	T.depth++;
	if (T.act[d] == NEST || T.act[d] == NEST_CONSUME) {
		rd_ctx_enter();	/* an NMI: one context level deeper */
		produce_id();
		rd_ctx_exit();
	}
	if (T.act[d] == CONSUME || T.act[d] == NEST_CONSUME)
		consume_all();
	T.depth--;
}

static void consume_all(void)
{
	struct damon_access_report out[64];
	unsigned int n, budget = 64;
	int saved = T.depth;

	T.depth = MAX_DEPTH;	/* the consumer has no hook points */
	/*
	 * A broken ring can hand out more than it ever held (an index that
	 * went backwards makes head - tail wrap): stop and count it as torn.
	 */
	while ((n = rd_ring_consume(T.ring, out, 64))) {
		if (!budget--) {
			T.torn++;
			break;
		}
		for (unsigned int i = 0; i < n; i++) {
			u64 id;
			unsigned int ctx;

			if (!rt_identify(&out[i], T.ring->cpu, 42, &id, &ctx) ||
			    id >= T.next_id || ctx != T.ctx_of[id]) {
				T.torn++;
				continue;
			}
			T.times_consumed[id]++;
			if (T.have_last[ctx] && id < T.last_id[ctx])
				T.reordered++;
			T.last_id[ctx] = id;
			T.have_last[ctx] = true;
		}
	}
	T.depth = saved;
}

struct outcome {
	unsigned int lost, dup, torn, reordered, phantom;
	u64 nested_drops;
	bool fired;
	char what[160];
};

/*
 * One scenario: ring of capacity 4 prefilled with @fill records (after
 * moving its indices to @start), then one outer produce with the hooks
 * armed as given, then a full drain.
 */
static struct outcome run(const struct rt_param *p, u64 start,
			  unsigned int fill, enum action a0, int k0,
			  enum action a1, int k1)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	struct rd_ring_counters c;
	struct outcome o = { 0 };
	struct rd_err err;

	memset(&T, 0, sizeof(T));
	jiffies = 42;
	T.ring = rd_ring_create(d, 4, p->rec_size, 1, &err);
	cr_assert(T.ring, "%s: %s", p->name, err.msg);
	d->start_at(T.ring->impl, start);
	T.depth = MAX_DEPTH;	/* no hooks while prefilling */
	for (unsigned int i = 0; i < fill; i++)
		produce_id();
	T.depth = 0;
	T.act[0] = a0;
	T.target[0] = k0;
	T.act[1] = a1;
	T.target[1] = k1;
	produce_id();	/* the outer producer, task context */
	o.fired = T.fired[0] && (a1 == NONE || T.fired[1]);
	T.depth = MAX_DEPTH;
	consume_all();

	rd_ring_counters(T.ring, &c);
	o.nested_drops = c.dropped_nested;
	o.torn = T.torn;
	o.reordered = T.reordered;
	for (u64 id = 0; id < T.next_id; id++) {
		if (T.accepted[id] && T.times_consumed[id] == 0)
			o.lost++;
		if (T.times_consumed[id] > 1)
			o.dup++;
		if (!T.accepted[id] && T.times_consumed[id])
			o.phantom++;
	}
	if (c.produced != T.calls ||
	    c.produced != c.accepted + c.dropped_full + c.dropped_nested)
		o.lost += 1000;	/* counters that do not balance are a failure */
	{
		u64 acc = 0;

		for (u64 id = 0; id < T.next_id; id++)
			acc += T.accepted[id];
		if (acc != c.accepted)
			o.lost += 1000;
	}
	if (a1 == NONE)
		snprintf(o.what, sizeof(o.what),
			 "%s start %#llx fill %u: %s at point %d",
			 p->name, (unsigned long long)start, fill,
			 action_name[a0], k0);
	else
		snprintf(o.what, sizeof(o.what),
			 "%s start %#llx fill %u: nest at point %d, then %s at its point %d",
			 p->name, (unsigned long long)start, fill, k0,
			 action_name[a1], k1);
	rd_ring_destroy(T.ring);
	return o;
}

static bool clean(const struct outcome *o)
{
	return !o->lost && !o->dup && !o->torn && !o->phantom && !o->reordered;
}

ParameterizedTestParameters(nest, every_point)
{
	static struct rt_param p[RT_MAX_PARAMS];
	size_t n = rt_params(p, true);

	return cr_make_param_array(struct rt_param, p, n);
}

ParameterizedTest(struct rt_param *p, nest, every_point)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	unsigned int usable = rd_usable_capacity(d, 4);
	const u64 starts[] = { 0, d->free_running ? 0xfffffffeULL : 3 };
	const unsigned int fills[] = { 0, usable - 1, usable };
	unsigned int scenarios = 0, failures = 0, nested_drop_scenarios = 0;
	char first_failure[160] = "";

	for (size_t si = 0; si < ARRAY_SIZE(starts); si++)
	for (size_t fi = 0; fi < ARRAY_SIZE(fills); fi++)
	for (int a0 = NEST; a0 <= NEST_CONSUME; a0++)
	for (int k0 = 1;; k0++) {
		struct outcome o = run(p, starts[si], fills[fi], a0, k0, NONE, 0);

		if (!o.fired)
			break;	/* the outer producer has fewer points */
		scenarios++;
		nested_drop_scenarios += o.nested_drops > 0;
		if (!clean(&o) && !failures++)
			snprintf(first_failure, sizeof(first_failure), "%s", o.what);
		if (d->nesting != RD_NEST_UNSAFE)
			cr_assert(clean(&o),
				  "%s: lost %u dup %u torn %u phantom %u reordered %u",
				  o.what, o.lost, o.dup, o.torn, o.phantom,
				  o.reordered);
		if (d->nesting == RD_NEST_SAFE)
			cr_assert_eq(o.nested_drops, 0, "%s: nested drop",
				     o.what);
		if (a0 == CONSUME)
			cr_assert(clean(&o),
				  "%s: a consumer step alone broke the ring",
				  o.what);

		/* Depth 2: a second NMI inside the nested producer. */
		if (a0 != NEST)
			continue;
		for (int a1 = NEST; a1 <= NEST_CONSUME; a1++)
		for (int k1 = 1;; k1++) {
			struct outcome o2 = run(p, starts[si], fills[fi], NEST,
						k0, a1, k1);

			if (!o2.fired)
				break;
			scenarios++;
			nested_drop_scenarios += o2.nested_drops > 0;
			if (!clean(&o2) && !failures++)
				snprintf(first_failure, sizeof(first_failure),
					 "%s", o2.what);
			if (d->nesting != RD_NEST_UNSAFE)
				cr_assert(clean(&o2),
					  "%s: lost %u dup %u torn %u phantom %u reordered %u",
					  o2.what, o2.lost, o2.dup, o2.torn,
					  o2.phantom, o2.reordered);
			if (d->nesting == RD_NEST_SAFE)
				cr_assert_eq(o2.nested_drops, 0,
					     "%s: nested drop", o2.what);
		}
	}

	cr_assert_gt(scenarios, 50, "%s: only %u scenarios ran", p->name,
		     scenarios);
	switch (d->nesting) {
	case RD_NEST_SAFE:
		cr_log_info("%s: %u scenarios, all clean, no nested drop",
			    p->name, scenarios);
		break;
	case RD_NEST_DROPS:
		cr_assert_gt(nested_drop_scenarios, 0,
			     "%s: claims to drop nested producers but never did",
			     p->name);
		cr_log_info("%s: %u scenarios, all clean, %u count a nested drop",
			    p->name, scenarios, nested_drop_scenarios);
		break;
	case RD_NEST_UNSAFE:
		cr_assert_gt(failures, 0,
			     "%s: listed as unsafe but survived all %u scenarios",
			     p->name, scenarios);
		cr_log_info("%s: %u of %u scenarios lose or corrupt, e.g. %s",
			    p->name, failures, scenarios, first_failure);
		break;
	}
}
