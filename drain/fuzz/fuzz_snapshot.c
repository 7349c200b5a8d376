// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_snapshot.c - every strategy's snapshot builder and lookup against
 * the list walk, on layouts and reports decoded from the input, with
 * snapshot allocation failures injected along the way.
 *
 * Input: byte 0: bit 7 physical, bits 0-2 targets (0-7), bits 3-6 failure
 * pattern.  Then regions, 4 bytes each: target, length in pages (0: a
 * short region of 1-255 bytes), gap in pages, and a flag byte (bit 0: jump
 * to the top of the address space).  A 0xff target byte ends the regions.
 * The rest is reports, 4 bytes each: target, where (start, end - 1, end,
 * inside, 2^64 - 1, below), size class, tgid mangling.  Targets 5 and 6
 * have the tgids of targets 0 and 1 (several targets of one tgid: every
 * strategy answers for the first one, as the list walk does).
 */
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"

#define MAX_REPORTS	512

static unsigned long addr_of(const struct damon_region *r, u8 where, u8 k)
{
	switch (where % 6) {
	case 0: return r->ar.start;
	case 1: return r->ar.end - 1;
	case 2: return r->ar.end;
	case 3: return r->ar.start + k % (r->ar.end - r->ar.start);
	case 4: return ~0UL - k;
	default: return r->ar.start - 1 - k;
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct damon_access_report reps[MAX_REPORTS];
	static struct damon_region *want[MAX_REPORTS], *got[MAX_REPORTS];
	struct damon_target *tg[8];
	struct damon_region *regs[4096];
	unsigned long cur[8];
	unsigned int nt, nregs = 0, nrep = 0;
	struct rd_err err = { 0 };
	struct damon_ctx *ctx;
	size_t i = 1;
	u8 fail;

	if (!size)
		return 0;
	nt = data[0] & 7;
	fail = (data[0] >> 3) & 15;
	ctx = drain_ctx_new(NULL, !(data[0] & 0x80), 1);
	if (!ctx)
		abort();
	if (!ctx->has_pid && nt > 1)
		nt = 1;
	for (unsigned int t = 0; t < nt; t++) {
		if (drain_ctx_add_target(ctx, 100 + 7 * (t % 5), &tg[t]))
			abort();
		cur[t] = (unsigned long)t << 40;
	}
	for (; nt && i + 4 <= size && data[i] != 0xff; i += 4) {
		unsigned int t = data[i] % nt;
		unsigned long len = data[i + 1] ? data[i + 1] * PAGE_SIZE :
			1 + data[i + 2];
		unsigned long gap = data[i + 1] ? data[i + 2] * PAGE_SIZE : 0;

		if (data[i + 3] & 1)
			cur[t] = cur[t] > ~0UL - (64UL << 20) ? cur[t] :
				~0UL - (64UL << 20);
		if (cur[t] > ~0UL - len)
			continue;
		if (drain_ctx_add_region(ctx, tg[t], cur[t], cur[t] + len))
			abort();
		cur[t] += len;
		cur[t] = cur[t] > ~0UL - gap ? ~0UL : cur[t] + gap;
	}
	i++;
	{
		struct damon_target *t;
		struct damon_region *r;

		damon_for_each_target(t, ctx)
			damon_for_each_region(r, t)
				if (nregs < 4096)
					regs[nregs++] = r;
	}
	for (; i + 4 <= size && nrep < MAX_REPORTS; i += 4, nrep++) {
		struct damon_access_report *rep = &reps[nrep];
		const struct damon_region *r = nregs ? regs[data[i] % nregs] :
			NULL;

		memset(rep, 0, sizeof(*rep));
		rep->vaddr = r ? addr_of(r, data[i + 1], data[i + 2]) :
			(unsigned long)data[i + 1] << 12;
		rep->paddr = rep->vaddr;
		rep->size = 1UL << (data[i + 2] % 16);
		rep->tgid = nt ? 100 + 7 * (data[i] % nt % 5) : 100;
		if (data[i + 3] & 1)
			rep->tgid += data[i + 3];
		rep->report_jiffies = jiffies;
	}

	for (unsigned int s = 0; s < drain_nr_strategies; s++) {
		struct drain_opts o = { .strategy = drain_strategies[s] };
		struct drain_kdamond *kd = drain_kdamond_new(ctx, &o, &err);

		if (!kd)
			abort();
		/* Failures first (per the pattern), then a good build. */
		drain_inject_alloc_failures(kd, fail & 3);
		while (drain_kdamond_prepare(kd))
			;
		drain_kdamond_lookup(kd, reps, nrep, s ? got : want);
		if (s && memcmp(want, got, nrep * sizeof(*got)))
			abort();
		if (fail & 4) {	/* a rebuild on a bumped generation */
			drain_ctx_bump_generation(ctx);
			drain_inject_alloc_failures(kd, fail >> 3);
			while (drain_kdamond_prepare(kd))
				;
			drain_kdamond_lookup(kd, reps, nrep, got);
			if (s && memcmp(want, got, nrep * sizeof(*got)))
				abort();
		}
		drain_kdamond_free(kd);
	}
	drain_ctx_free(ctx);
	return 0;
}
