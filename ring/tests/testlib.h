/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testlib.h - records that check themselves, for the ring tests.
 *
 * Record @id of context @ctx has every field derived from (id, ctx), so a
 * consumed record is intact iff it equals rt_report(id, ctx) field by field;
 * a record torn between two producers cannot pass.
 */
#ifndef RINGDRAIN_TESTLIB_H
#define RINGDRAIN_TESTLIB_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>

#include "ring/ring.h"

static inline u64 rt_mix(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline struct damon_access_report rt_report(u64 id, unsigned int ctx,
						   unsigned int cpu)
{
	u64 h = rt_mix(id * 4 + ctx + 1);
	struct damon_access_report r = {
		.paddr = id << 12,
		.vaddr = h & ~0xfffUL,
		.size = 4096,
		.cpu = cpu,
		.tid = (pid_t)((h >> 8) & 0x3fffff),
		.tgid = (pid_t)(1000 + ctx),
		.is_write = h & 1,
		.report_jiffies = 0,
	};
	return r;
}

/* Identity of a consumed record: id and ctx, or false if it is not intact. */
static inline bool rt_identify(const struct damon_access_report *r,
			       unsigned int cpu, unsigned long jiffies_at,
			       u64 *id, unsigned int *ctx)
{
	struct damon_access_report want;

	if (r->tgid < 1000 || r->tgid > 1003 || (r->paddr & 0xfff))
		return false;
	*id = r->paddr >> 12;
	*ctx = (unsigned int)(r->tgid - 1000);
	want = rt_report(*id, *ctx, cpu);
	return r->vaddr == want.vaddr && r->size == want.size &&
		r->cpu == want.cpu && r->tid == want.tid &&
		r->is_write == want.is_write &&
		r->report_jiffies == jiffies_at;
}

/* Designs and record sizes as Criterion parameters. */
struct rt_param {
	unsigned int design;
	unsigned int rec_size;
	char name[32];
};

static inline size_t rt_params(struct rt_param *p, bool hooks_only)
{
	size_t n = 0;

	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		if (hooks_only && !rd_designs[i]->nest_hooks)
			continue;
		for (int f = 0; f < 2; f++) {
			p[n].design = i;
			p[n].rec_size = f ? DAMON_REPORT_COMPACT : DAMON_REPORT_FULL;
			snprintf(p[n].name, sizeof(p[n].name), "%s/%u",
				 rd_designs[i]->name, p[n].rec_size);
			n++;
		}
	}
	return n;
}

#define RT_MAX_PARAMS 64

static inline struct rd_ring *rt_ring(const struct rt_param *p,
				      unsigned long capacity)
{
	struct rd_err err;
	struct rd_ring *ring = rd_ring_create(rd_designs[p->design], capacity,
					      p->rec_size, 3, &err);

	cr_assert(ring, "%s: %s", p->name, err.msg);
	return ring;
}

#endif /* RINGDRAIN_TESTLIB_H */
