// SPDX-License-Identifier: GPL-2.0
/*
 * test_ctxsplit_stale.c - ctxsplit when the context level reads stale:
 * ftrace's transition case (trace_recursive_lock() in
 * kernel/trace/ring_buffer.c).
 *
 * A nested producer (an NMI) runs at a hook point of the outer producer
 * while interrupt_context_level() still reads the outer producer's level,
 * as if the NMI's entry had not yet updated preempt_count(): here simply by
 * not calling rd_ctx_enter() around it.  Its record carries its true
 * context (one deeper), for the order check.  At every point of the outer
 * producer, from an empty, a nearly full and a full sub-ring, with or
 * without a consumer pass right after, and to depth 2 (a second stale
 * producer inside the first), then a full drain: every accepted record
 * must come out once and intact, in order per context, with counters that
 * balance.  ring/ctxsplit.c sends a producer that finds its level's
 * sub-ring busy to the transition sub-ring, and refuses (a counted nested
 * drop) one that finds that busy too.
 *
 * Built twice: as is, and as the control, -DCTXSPLIT_STALE_CONTROL, with
 * the transition guard compiled out (ctxsplit as it was): the control must
 * lose, tear or duplicate records, which is what ctxsplit did before.
 */
#ifdef CTXSPLIT_STALE_CONTROL
#define DAMON_CTXSPLIT_NO_TRANSITION
#endif
#define rd_design_ctxsplit rd_design_ctxsplit_under_test
#include "ring/ctxsplit.c"
#include "testlib.h"

unsigned long jiffies = 42;
__thread unsigned int rd_ctx_depth;

#define CAP	4
#define IDS	64
#define DEPTHS	2

enum action { NONE, STALE, STALE_CONSUME };

static struct {
	struct damon_ctxsplit_ring *ring;
	enum action act[DEPTHS];
	int target[DEPTHS], seen[DEPTHS];
	bool fired[DEPTHS];
	unsigned int cur;	/* true depth of the running producer */
	u64 next_id, calls;
	bool accepted[IDS];
	unsigned int ctx_of[IDS], consumed[IDS];
	u64 last_id[4];
	bool have_last[4];
	unsigned int torn, reordered;
} T;

static void produce_id(void)
{
	u64 id = T.next_id++;
	struct damon_access_report r = rt_report(id, T.cur, 1);

	T.ctx_of[id] = T.cur;
	T.calls++;
	T.accepted[id] = damon_ctxsplit_produce(T.ring, &r);
}

static void consume_all(void)
{
	struct damon_access_report out[IDS];
	unsigned int n, budget = 8;

	while (budget-- && (n = damon_ctxsplit_consume(T.ring, out, IDS)))
		for (unsigned int i = 0; i < n; i++) {
			u64 id;
			unsigned int ctx;

			if (!rt_identify(&out[i], 1, 42, &id, &ctx) ||
			    id >= T.next_id || ctx != T.ctx_of[id]) {
				T.torn++;
				continue;
			}
			T.consumed[id]++;
			if (T.have_last[ctx] && id < T.last_id[ctx])
				T.reordered++;
			T.last_id[ctx] = id;
			T.have_last[ctx] = true;
		}
}

void rd_nest_point_hit(void)
{
	unsigned int d = T.cur;

	if (d >= DEPTHS || T.act[d] == NONE || T.fired[d] ||
	    ++T.seen[d] != T.target[d])
		return;
	T.fired[d] = true;
	T.cur++;	/* an NMI, but rd_ctx_depth still reads the outer level */
	produce_id();
	if (T.act[d] == STALE_CONSUME)
		consume_all();
	T.cur--;
}

struct outcome {
	bool fired;
	unsigned int bad;
	u64 nested_drops;
};

static struct outcome run(unsigned int fill, enum action a0, int k0,
			  enum action a1, int k1)
{
	size_t bytes = damon_ctxsplit_size(CAP, DAMON_REPORT_FULL);
	struct rd_ring_counters c = { 0 };
	struct outcome o = { 0 };
	u64 acc = 0;

	memset(&T, 0, sizeof(T));
	T.ring = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	cr_assert(T.ring);
	damon_ctxsplit_init(T.ring, CAP, DAMON_REPORT_FULL, 1);
	T.cur = DEPTHS;	/* no hooks while prefilling */
	for (unsigned int i = 0; i < fill; i++)
		produce_id();
	T.cur = 0;
	T.act[0] = a0;
	T.target[0] = k0;
	T.act[1] = a1;
	T.target[1] = k1;
	produce_id();	/* the outer producer, task context */
	o.fired = T.fired[0] && (a1 == NONE || T.fired[1]);
	T.cur = DEPTHS;
	consume_all();

	damon_ctxsplit_counters(T.ring, &c);
	o.nested_drops = c.dropped_nested;
	o.bad = T.torn + T.reordered;
	for (u64 id = 0; id < T.next_id; id++) {
		o.bad += T.accepted[id] != (T.consumed[id] == 1);
		o.bad += T.consumed[id] > 1;
		acc += T.accepted[id];
	}
	o.bad += c.produced != T.calls || c.accepted != acc ||
		c.produced != c.accepted + c.dropped_full + c.dropped_nested;
	free(T.ring);
	return o;
}

Test(ctxsplit, stale_level)
{
	unsigned int scenarios = 0, failures = 0, deep_drops = 0;
	unsigned int scenarios1 = 0, failures1 = 0;
	char first[128] = "";

	for (unsigned int fill = 0; fill <= CAP; fill += fill ? 1 : CAP - 1)
	for (int a0 = STALE; a0 <= STALE_CONSUME; a0++)
	for (int k0 = 1;; k0++) {
		struct outcome o = run(fill, a0, k0, NONE, 0);

		if (!o.fired)
			break;
		scenarios++;
		scenarios1++;
		failures1 += o.bad > 0;
		if (o.bad && !failures++)
			snprintf(first, sizeof(first),
				 "fill %u: stale nested at point %d", fill, k0);
#ifndef CTXSPLIT_STALE_CONTROL
		cr_assert_eq(o.bad, 0, "fill %u, stale nested at point %d: %u wrong",
			     fill, k0, o.bad);
		cr_assert_eq(o.nested_drops, 0,
			     "fill %u, stale nested at point %d: dropped", fill, k0);
#endif
		for (int a1 = STALE; a1 <= STALE_CONSUME; a1++)
		for (int k1 = 1;; k1++) {
			struct outcome o2 = run(fill, a0, k0, a1, k1);

			if (!o2.fired)
				break;
			scenarios++;
			deep_drops += o2.nested_drops > 0;
			if (o2.bad && !failures++)
				snprintf(first, sizeof(first),
					 "fill %u: stale nested at %d, stale again at %d",
					 fill, k0, k1);
#ifndef CTXSPLIT_STALE_CONTROL
			cr_assert_eq(o2.bad, 0,
				     "fill %u, stale at %d, stale again at %d: %u wrong",
				     fill, k0, k1, o2.bad);
#endif
		}
	}
	cr_assert_gt(scenarios, 100, "only %u scenarios", scenarios);
#ifndef CTXSPLIT_STALE_CONTROL
	/* Two stale producers on top of one level: the second is refused. */
	cr_assert_gt(deep_drops, 0, "the transition sub-ring was never busy");
	cr_log_info("ctxsplit, level read stale: %u scenarios clean, %u with a second stale producer refused and counted",
		    scenarios, deep_drops);
#else
	cr_assert_gt(failures1, 0,
		     "without the transition guard one stale producer did no harm");
	cr_log_info("ctxsplit without the transition guard: %u of %u scenarios lose, tear or duplicate (%u of %u with one stale producer), e.g. %s",
		    failures, scenarios, failures1, scenarios1, first);
#endif
}
