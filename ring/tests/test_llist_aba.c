// SPDX-License-Identifier: GPL-2.0
/*
 * test_llist_aba.c - the ABA case of llist's node pool (ring/llist.c),
 * forced at the one point where it can strike.
 *
 * The outer producer has read the pool's top node X and X's next node Y and
 * is about to cmpxchg the top from X to Y.  Right there two NMIs produce one
 * report each (they take X and then Y), and kdamond takes one report and
 * returns its node, X: the top is X again while Y holds an unconsumed
 * report.  Without the generation in the top word the outer cmpxchg
 * succeeds and makes Y free; the next report then overwrites Y and the
 * records come out lost, torn or twice.  With it the cmpxchg fails and the
 * producer takes X afresh.
 *
 * Built twice: as is (every record must come out exactly once, intact) and
 * as the control, -DLLIST_ABA_CONTROL, with the generation's increment set
 * to 0 (the damage must be seen).  Both check that the scenario happened:
 * the top was X again when the outer producer resumed.
 */
#ifdef LLIST_ABA_CONTROL
#define DAMON_LLIST_NO_GEN
#endif
#define rd_design_llist rd_design_llist_under_test
#include "ring/llist.c"
#include "testlib.h"

unsigned long jiffies = 42;
__thread unsigned int rd_ctx_depth;

#define CAP	8
#define IDS	64

static struct damon_llist_ring *R;
static u64 next_id;
static bool accepted[IDS];
static unsigned int consumed[IDS];
static unsigned int torn, hits;
static u64 top_seen, top_after;
static bool fired;

static void produce_id(void)
{
	u64 id = next_id++;
	struct damon_access_report r = rt_report(id, rd_ctx_depth, 1);

	accepted[id] = damon_llist_produce(R, &r);
}

/* kdamond: take up to @max reports, at most @budget calls. */
static unsigned int consume(unsigned int max, unsigned int budget)
{
	struct damon_access_report out[CAP];
	unsigned int n, total = 0;

	while (budget-- && (n = damon_llist_consume(R, out, max))) {
		for (unsigned int i = 0; i < n; i++) {
			u64 id;
			unsigned int ctx;

			if (!rt_identify(&out[i], 1, 42, &id, &ctx) ||
			    id >= next_id) {
				torn++;
				continue;
			}
			consumed[id]++;
		}
		total += n;
		if (max == 1)
			break;
	}
	return total;
}

void rd_nest_point_hit(void)
{
	/* The outer producer's third point: top and next read, no cmpxchg. */
	if (rd_ctx_depth != 0 || fired || ++hits != 3)
		return;
	fired = true;
	top_seen = READ_ONCE(R->pool) & DAMON_LLIST_IDX_MASK;
	for (int i = 0; i < 2; i++) {
		rd_ctx_enter();	/* an NMI takes the top node */
		produce_id();
		rd_ctx_exit();
	}
	cr_assert_eq(consume(1, 1), 1);	/* kdamond returns X alone */
	top_after = READ_ONCE(R->pool) & DAMON_LLIST_IDX_MASK;
}

Test(llist, pool_aba)
{
	unsigned int lost = 0, dup = 0, phantom = 0;
	size_t bytes = damon_llist_size(CAP, DAMON_REPORT_FULL);

	R = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	cr_assert(R);
	damon_llist_init(R, CAP, DAMON_REPORT_FULL, 1);
	produce_id();	/* the outer producer, task context */
	cr_assert(fired, "the hook never reached the outer producer's point 3");
	cr_assert_eq(top_after, top_seen,
		     "the scenario did not happen: top %llu, then %llu",
		     (unsigned long long)top_seen,
		     (unsigned long long)top_after);
	/* Keep going: fill the pool, then drain it all. */
	for (int i = 0; i < CAP; i++)
		produce_id();
	consume(CAP, 4 * CAP);
	for (int i = 0; i < CAP; i++)
		produce_id();
	consume(CAP, 4 * CAP);
	for (u64 id = 0; id < next_id; id++) {
		lost += accepted[id] && !consumed[id];
		dup += consumed[id] > 1;
		phantom += !accepted[id] && consumed[id];
	}
#ifndef LLIST_ABA_CONTROL
	cr_assert(!lost && !dup && !phantom && !torn,
		  "lost %u dup %u phantom %u torn %u", lost, dup, phantom, torn);
	cr_log_info("llist pool ABA forced: every record came out once");
#else
	cr_assert(lost || dup || phantom || torn,
		  "without a generation the ABA case did no damage");
	cr_log_info("control (no generation): lost %u dup %u phantom %u torn %u",
		    lost, dup, phantom, torn);
#endif
	free(R);
}
