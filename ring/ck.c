// SPDX-License-Identifier: GPL-2.0
/*
 * ck.c - Concurrency Kit's ck_ring (libck, Debian's libck-dev) as a peer.
 *
 * The rings are typed with CK_RING_PROTOTYPE, one per record format, and
 * used through ck's own SPSC calls: enqueue_reserve + enqueue_commit on the
 * producer side (the slot is written in place, as the other designs do),
 * dequeue on the consumer side.  ck keeps one slot empty, reads the
 * consumer's index on every enqueue and publishes with ck_pr_fence_store() +
 * a store (no fence instruction on x86).  It has no nesting protection and no
 * hook points: ringdrain stress shows what a nested producer does to it.
 *
 * Userspace only; it is a peer to measure against, not a design to export.
 */
#include <string.h>

#ifdef __SANITIZE_THREAD__
/*
 * ThreadSanitizer cannot see ck_pr's inline assembly.  On x86-64 each
 * ck_pr_load_uint() / ck_pr_store_uint() is one mov, which TSO makes an
 * acquire load / a release store, and that is why ck's x86 fence_load and
 * fence_store are no-ops.  Under TSan we say exactly that, at exactly those
 * accesses (ck's own asm still does them): an acquire after every index
 * load (where ck_ring has its fence_load, and at the producer's load of
 * c_head, which only TSO orders), a release before every index store
 * (where ck_ring has its fence_store).  And gcc expands the consumer's
 * memcpy() of the slot without instrumentation, so it is annotated as the
 * read (and write) it is.  Nothing is ignored: every slot access is checked
 * against that ordering; stress/tests/tsan_ck_control.c shows that without
 * the acquire TSan reports the slot race.  What this does not check is
 * ck's fence placement on weakly ordered CPUs.
 */
#include <ck_pr.h>
#include <sanitizer/tsan_interface.h>	/* __tsan_{read,write}_range: gcc builtins */

static inline unsigned int rd_ck_tsan_load_uint(const unsigned int *p)
{
	unsigned int v = ck_pr_md_load_uint(p);

#ifndef RD_CK_TSAN_NO_ACQUIRE	/* the negative control drops it */
	__tsan_acquire((void *)p);
#endif
	return v;
}

static inline void rd_ck_tsan_store_uint(unsigned int *p, unsigned int v)
{
	__tsan_release(p);
	ck_pr_md_store_uint(p, v);
}

static inline void *rd_ck_tsan_memcpy(void *dst, const void *src, size_t n)
{
	__tsan_read_range((void *)src, (long)n);
	__tsan_write_range(dst, (long)n);
	return __builtin_memcpy(dst, src, n);
}

#undef ck_pr_load_uint
#undef ck_pr_store_uint
#define ck_pr_load_uint(p)	rd_ck_tsan_load_uint(p)
#define ck_pr_store_uint(p, v)	rd_ck_tsan_store_uint((p), (v))
#define memcpy(d, s, n)		rd_ck_tsan_memcpy((d), (s), (n))
#include <ck_ring.h>
#undef memcpy
#else
#include <ck_ring.h>
#endif

#include "glue.h"

CK_RING_PROTOTYPE(rd_full, damon_access_report)
CK_RING_PROTOTYPE(rd_compact, damon_report_compact)

struct rd_ck_ring {
	struct ck_ring ring;	/* ck's own cache-line layout */
	unsigned int rec_size;
	unsigned int cpu;
	struct damon_ring_stats stats ____cacheline_aligned;
	u8 buf[] ____cacheline_aligned;
};

static bool rd_ck_produce(struct rd_ck_ring *c,
			  const struct damon_access_report *r)
{
	void *slot;

	if (c->rec_size == DAMON_REPORT_COMPACT)
		slot = ck_ring_enqueue_reserve_spsc_rd_compact(&c->ring,
				(struct damon_report_compact *)c->buf);
	else
		slot = ck_ring_enqueue_reserve_spsc_rd_full(&c->ring,
				(struct damon_access_report *)c->buf);
	if (!slot) {
		local_inc(&c->stats.dropped_full);
		return false;
	}
	damon_report_put(slot, c->rec_size, r);
	ck_ring_enqueue_commit_spsc(&c->ring);
	local_inc(&c->stats.accepted);
	return true;
}

static unsigned int rd_ck_consume(struct rd_ck_ring *c,
				  struct damon_access_report *out,
				  unsigned int max)
{
	unsigned int n;

	if (c->rec_size == DAMON_REPORT_FULL) {
		for (n = 0; n < max; n++)
			if (!ck_ring_dequeue_spsc_rd_full(&c->ring,
					(struct damon_access_report *)c->buf,
					&out[n]))
				break;
		return n;
	}
	for (n = 0; n < max; n++) {
		struct damon_report_compact rec;

		if (!ck_ring_dequeue_spsc_rd_compact(&c->ring,
				(struct damon_report_compact *)c->buf, &rec))
			break;
		/* After the dequeue's acquire: not older than the stamp. */
		damon_report_decode(&out[n], &rec, c->cpu,
				    READ_ONCE(jiffies));
	}
	return n;
}

static size_t rd_ck_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct rd_ck_ring) + (size_t)capacity * rec_size;
}

static void rd_ck_init(struct rd_ck_ring *c, unsigned int capacity,
		       unsigned int rec_size, unsigned int cpu)
{
	memset(c, 0, sizeof(*c));
	ck_ring_init(&c->ring, capacity);
	c->rec_size = rec_size;
	c->cpu = cpu;
	damon_ring_stats_init(&c->stats);
}

static void rd_ck_start_at(struct rd_ck_ring *c, u64 pos)
{
	c->ring.c_head = c->ring.p_tail = c->ring.p_head = (unsigned int)pos;
}

RD_RING_DESIGN(rd_design_ck, rd_ck_ring, rd_ck, stats,
	.name = "ck",
	.summary = "Concurrency Kit ck_ring (libck) SPSC, typed with CK_RING_PROTOTYPE",
	.atomics = "none: ck_pr_fence_store + store; reads consumer index every op",
	.nesting = RD_NEST_UNSAFE,
	.keeps_one_empty = true,
	.nest_hooks = false)
