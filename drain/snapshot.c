// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - where snapshot buffers come from: damon_snap_reserve() and
 * damon_snap_free() for userspace (the kernel's would be kvrealloc/kvfree).
 *
 *   reuse     grow-only: a reservation that fits the buffer is free, a
 *             larger one reallocates (rallocx) on jemalloc's explicit arena;
 *   jemalloc  a fresh mallocx() buffer on that arena every reservation;
 *   glibc     a fresh glibc buffer every reservation, through
 *             __libc_memalign()/__libc_free() because jemalloc serves
 *             malloc() in every program that links it.
 *
 * jemalloc buffers bypass the thread cache (MALLOCX_TCACHE_NONE) so every
 * allocation is a real arena operation, and jemalloc's per-thread counters
 * (thread.allocatedp) see each one: that is how the tests prove a steady
 * tick allocates nothing.  Injected failures (fail_next) hit the next
 * reservations that would allocate.
 *
 * Buffers of 2 MiB and more get transparent huge pages (snap_huge()).
 *
 * Built with -DDRAIN_NO_JEMALLOC (the clang fuzz build, where ASan owns
 * malloc) the jemalloc kinds use aligned_alloc() instead.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef DRAIN_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "internal.h"

#define SNAP_ALIGN	64
#define SNAP_HUGE	(2UL << 20)
#ifdef MADV_COLLAPSE
#define SNAP_MADV_COLLAPSE	MADV_COLLAPSE
#else
#define SNAP_MADV_COLLAPSE	25	/* <uapi/asm-generic/mman-common.h> */
#endif

extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *p);

#ifndef DRAIN_NO_JEMALLOC
static unsigned int snap_arena;
static pthread_once_t snap_arena_once = PTHREAD_ONCE_INIT;

static void snap_arena_create(void)
{
	unsigned int idx;
	size_t sz = sizeof(idx);

	if (mallctl("arenas.create", &idx, &sz, NULL, 0) == 0)
		snap_arena = idx;
}

unsigned int drain_snap_arena(void)
{
	pthread_once(&snap_arena_once, snap_arena_create);
	return snap_arena;
}

/* Huge buffers start on a huge page (see snap_huge()). */
static int snap_flags(const struct damon_snap_alloc *a, size_t bytes)
{
	return MALLOCX_ARENA(a->arena) | MALLOCX_TCACHE_NONE |
		MALLOCX_ALIGN(bytes >= SNAP_HUGE ? SNAP_HUGE : SNAP_ALIGN);
}

static void *je_fresh(const struct damon_snap_alloc *a, size_t bytes)
{
	return mallocx(bytes, snap_flags(a, bytes));
}

static void *je_grow(const struct damon_snap_alloc *a, void *p, size_t bytes)
{
	return p ? rallocx(p, bytes, snap_flags(a, bytes)) :
		mallocx(bytes, snap_flags(a, bytes));
}

static void je_free(const struct damon_snap_alloc *a, void *p)
{
	dallocx(p, snap_flags(a, 0));
}
#else
unsigned int drain_snap_arena(void)
{
	return 0;
}

static void *je_fresh(const struct damon_snap_alloc *a, size_t bytes)
{
	return aligned_alloc(bytes >= SNAP_HUGE ? SNAP_HUGE : SNAP_ALIGN, bytes);
}

static void *je_grow(const struct damon_snap_alloc *a, void *p, size_t bytes)
{
	/* Contents need not survive a reservation. */
	void *n = aligned_alloc(bytes >= SNAP_HUGE ? SNAP_HUGE : SNAP_ALIGN,
				bytes);

	if (n)
		free(p);
	return n;
}

static void je_free(const struct damon_snap_alloc *a, void *p)
{
	free(p);
}
#endif /* DRAIN_NO_JEMALLOC */

/*
 * Back the whole 2 MiB pages inside a big buffer with transparent huge
 * pages, as the kernel backs it: kvmalloc() maps a vmalloc'ed buffer with
 * huge pages where it can (VM_ALLOW_HUGE_VMAP; x86-64 has
 * HAVE_ARCH_HUGE_VMALLOC), and kmalloc'ed memory sits in the direct map's
 * huge pages.  Without it a lookup into a snapshot of tens of megabytes
 * would pay a TLB miss the kernel does not.  Every allocator and every
 * strategy gets it; only a hint, so a failure is ignored.
 */
static void snap_huge(void *p, size_t bytes)
{
	unsigned long start = ((unsigned long)p + SNAP_HUGE - 1) &
		~(SNAP_HUGE - 1);
	unsigned long end = ((unsigned long)p + bytes) & ~(SNAP_HUGE - 1);

	if (end <= start)
		return;
	madvise((void *)start, end - start, MADV_HUGEPAGE);
	/*
	 * A buffer jemalloc recycles is already backed by small pages, which
	 * the hint alone leaves for khugepaged to merge some time later;
	 * collapse them now (Linux 6.1 and later; elsewhere a no-op).
	 */
	madvise((void *)start, end - start, SNAP_MADV_COLLAPSE);
}

int damon_snap_reserve(struct damon_snap_alloc *a, struct damon_snap_buf *b,
		       size_t bytes)
{
	void *p;

	/* Whole cache lines (huge pages, from 2 MiB), never zero bytes. */
	if (bytes >= SNAP_HUGE)
		bytes = (bytes + SNAP_HUGE - 1) & ~(size_t)(SNAP_HUGE - 1);
	bytes = (bytes + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
	if (!bytes)
		bytes = SNAP_ALIGN;
	if (a->kind == DRAIN_ALLOC_REUSE && b->p && bytes <= b->cap)
		return 0;
	if (a->fail_next) {
		a->fail_next--;
		return -ENOMEM;
	}
	switch (a->kind) {
	case DRAIN_ALLOC_REUSE:
		p = je_grow(a, b->p, bytes);
		break;
	case DRAIN_ALLOC_JEMALLOC:
		p = je_fresh(a, bytes);
		if (p && b->p)
			je_free(a, b->p);
		break;
	case DRAIN_ALLOC_GLIBC:
		p = __libc_memalign(bytes >= SNAP_HUGE ? SNAP_HUGE : SNAP_ALIGN,
				    bytes);
		if (p && b->p)
			__libc_free(b->p);
		break;
	default:
		p = NULL;
	}
	if (!p)
		return -ENOMEM;
	snap_huge(p, bytes);
	b->p = p;
	b->cap = bytes;
	a->stats.allocs++;
	a->stats.bytes += bytes;
	return 0;
}

void damon_snap_free(struct damon_snap_alloc *a, struct damon_snap_buf *b)
{
	if (b->p) {
		if (a->kind == DRAIN_ALLOC_GLIBC)
			__libc_free(b->p);
		else
			je_free(a, b->p);
	}
	b->p = NULL;
	b->cap = 0;
}

static const char *const alloc_names[] = {
	[DRAIN_ALLOC_REUSE] = "reuse",
	[DRAIN_ALLOC_JEMALLOC] = "jemalloc",
	[DRAIN_ALLOC_GLIBC] = "glibc",
};

int drain_alloc_find(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(alloc_names); i++)
		if (strcmp(alloc_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

const char *drain_alloc_name(enum drain_alloc_kind k)
{
	return (unsigned int)k < ARRAY_SIZE(alloc_names) ? alloc_names[k] : "?";
}
