/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream_loop.h - the timed loops of a streaming benchmark, instantiated
 * once per queue so that the queue's produce and consume are called directly
 * (and inlined where the compiler sees them), never through a pointer.
 *
 * Define before including:
 *   RD_LOOP_NAME(x)		the name of loop x (produce, consume, loops)
 *   RD_LOOP_PRODUCE(q, r)	bool: put report *r (stamping it) into queue q
 *   RD_LOOP_CONSUME(q, o, m)	unsigned int: take up to m reports into o
 *   RD_LOOP_LABEL		the queue's name, a string
 * It defines `const struct rd_stream_loops RD_LOOP_NAME(loops)` (harness.h)
 * and undefines the four macros.  The per-record work of the loops is the
 * same for every queue: the producer hands one report, the queue copies it
 * and stores its jiffies stamp; the consumer adds each report's vaddr.
 */
#include "harness.h"

__attribute__((flatten))
static uint64_t RD_LOOP_NAME(produce)(void *q,
				      struct damon_access_report *reports,
				      uint64_t n)
{
	uint64_t spins = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct damon_access_report *r =
			&reports[i & (RD_STREAM_NREPORTS - 1)];

		while (!RD_LOOP_PRODUCE(q, r)) {
			spins++;
			__builtin_ia32_pause();
		}
	}
	return spins;
}

__attribute__((flatten))
static uint64_t RD_LOOP_NAME(consume)(void *q, unsigned int batch, uint64_t n)
{
	struct damon_access_report out[RD_STREAM_MAX_BATCH];
	uint64_t got = 0, sum = 0;

	while (got < n) {
		unsigned int k = RD_LOOP_CONSUME(q, out, batch);

		for (unsigned int i = 0; i < k; i++)
			sum += out[i].vaddr;
		got += k;
	}
	return sum;
}

const struct rd_stream_loops RD_LOOP_NAME(loops) = {
	.name = RD_LOOP_LABEL,
	.produce = RD_LOOP_NAME(produce),
	.consume = RD_LOOP_NAME(consume),
};

#undef RD_LOOP_NAME
#undef RD_LOOP_PRODUCE
#undef RD_LOOP_CONSUME
#undef RD_LOOP_LABEL
