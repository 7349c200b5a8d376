/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat.h - the kernel primitives the ring code uses, for userspace.
 *
 * The ring designs under ring/ are written in the kernel's dialect
 * (READ_ONCE, smp_store_release, local_t, ...) so the same text compiles
 * in the kernel and here.  In the kernel this header is not used: the
 * exported files include <linux/...> instead.  Here every primitive maps
 * to the C11/GCC atomic with the same ordering guarantee, so the compiler,
 * ThreadSanitizer and the C11 memory model see what the kernel promises:
 *
 *   READ_ONCE/WRITE_ONCE      relaxed atomic load/store (no tearing, no
 *                             fusing; orders nothing)
 *   smp_load_acquire          acquire load
 *   smp_store_release         release store
 *   smp_wmb/smp_rmb           release/acquire fences (x86: compiler barrier)
 *   smp_mb                    full barrier (x86: lock; addl, as the kernel)
 *   local_t                   a counter that is atomic against interrupts
 *                             (signals) on the owning CPU (thread) only
 *
 * ThreadSanitizer does not model fences; under it smp_wmb/smp_rmb (only
 * the 'rfc' model relies on them) are also announced to it as the release
 * and acquire they are, so that it reports rfc's real race (its plain tail
 * store, see ring/rfc.c) instead of a false one that would hide it.
 */
#ifndef RINGDRAIN_KCOMPAT_H
#define RINGDRAIN_KCOMPAT_H

#ifdef __KERNEL__
#error "kcompat.h is the userspace stand-in; the kernel has the real headers"
#endif

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#ifndef __always_inline	/* glibc's <sys/cdefs.h> has the same */
#define __always_inline	inline __attribute__((always_inline))
#endif
#define __aligned(x)	__attribute__((aligned(x)))

#ifndef L1_CACHE_BYTES
#define L1_CACHE_BYTES	64
#endif
#define SMP_CACHE_BYTES	L1_CACHE_BYTES
#define ____cacheline_aligned	__aligned(SMP_CACHE_BYTES)
#define ____cacheline_aligned_in_smp	____cacheline_aligned

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)

#define barrier()	__asm__ __volatile__("" : : : "memory")
#define prefetch(x)	__builtin_prefetch((x), 0)
#ifdef __x86_64__
/* As the kernel's: PREFETCHW (gcc emits it only with -mprfchw). */
#define prefetchw(x)	__asm__ __volatile__("prefetchw %0" : : \
					     "m"(*(const char *)(x)))
#else
#define prefetchw(x)	__builtin_prefetch((x), 1)
#endif

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#ifdef __SANITIZE_THREAD__
/*
 * ThreadSanitizer does not model standalone fences, so it reports rfc's
 * smp_wmb()/smp_rmb() publication of its head as a race on the slot.  Worse,
 * it does not record an access it reported, so that report hides the race
 * behind it: rfc's plain tail store (the producer reuses a slot kdamond may
 * still be reading) is never seen (stress/README.md).  So under TSan the
 * pair also says what it guarantees: smp_wmb() releases and smp_rmb()
 * acquires one sync address per file.  That over-approximates (an
 * smp_rmb() acquires every earlier smp_wmb() of the file, not only the one
 * its load read from); only rfc uses the pair.  smp_mb() is not annotated.
 */
#include <sanitizer/tsan_interface.h>
static char rd_tsan_wmb_rmb __attribute__((unused));
#define smp_wmb() do {						\
	__tsan_release(&rd_tsan_wmb_rmb);				\
	__atomic_thread_fence(__ATOMIC_RELEASE);			\
} while (0)
#define smp_rmb() do {						\
	__atomic_thread_fence(__ATOMIC_ACQUIRE);			\
	__tsan_acquire(&rd_tsan_wmb_rmb);				\
} while (0)
#else
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
/* The kernel's x86 smp_mb(): a locked add to the stack is cheaper than mfence. */
#define smp_mb() \
	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" : : : "memory", "cc")
#else
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/*
 * xchg() and cmpxchg() are fully ordered read-modify-writes (x86: one
 * LOCK-prefixed instruction), atomic against every CPU; try_cmpxchg()
 * updates *@pold with the value found when it fails, as the kernel's.
 * cpu_relax() is the pause of a spin-wait loop.
 */
#define xchg(p, v)		__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define try_cmpxchg(p, pold, new)					\
	__atomic_compare_exchange_n((p), (pold), (new), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define cmpxchg(p, old, new) ({						\
	__typeof__(*(p)) __old = (old);					\
	try_cmpxchg((p), &__old, (new));				\
	__old;								\
})
#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax()	__builtin_ia32_pause()
#else
#define cpu_relax()	barrier()
#endif

/* Userspace has no preemption to disable: a producer is a thread. */
#define preempt_disable()	barrier()
#define preempt_enable()	barrier()

/*
 * local_t: a long that only the owning CPU modifies, atomically with
 * respect to interrupts on that CPU (here: signal handlers on the owning
 * thread).  Other CPUs may only read it.
 *
 * Why a non-LOCK read-modify-write is enough: an interrupt (a signal) is
 * taken between instructions, never inside one, so a single x86 instruction
 * such as "incq mem" or "cmpxchgq" is indivisible for every producer that
 * can run on this CPU: the task and whatever interrupts it.  No other CPU
 * writes the variable, so the bus lock that "lock" buys would order nothing
 * we need.  The cost difference is real: a LOCK cmpxchg is ~19 cycles on
 * x86, a local one a few.  Elsewhere (and under ThreadSanitizer, which
 * cannot see inline asm) the C11 fallback is a relaxed atomic RMW, which is
 * also indivisible against a signal on the same thread.
 */
typedef struct {
	long a;
} local_t;

#define LOCAL_INIT(i)	{ (i) }

static __always_inline long local_read(const local_t *l)
{
	return __atomic_load_n(&l->a, __ATOMIC_RELAXED);
}

static __always_inline void local_set(local_t *l, long i)
{
	__atomic_store_n(&l->a, i, __ATOMIC_RELAXED);
}

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
static __always_inline void local_inc(local_t *l)
{
	__asm__ __volatile__("incq %0" : "+m"(l->a));
}

static __always_inline void local_dec(local_t *l)
{
	__asm__ __volatile__("decq %0" : "+m"(l->a));
}

static __always_inline long local_add_return(long i, local_t *l)
{
	long old = i;

	__asm__ __volatile__("xaddq %0, %1" : "+r"(old), "+m"(l->a) : : "memory");
	return old + i;
}

static __always_inline long local_cmpxchg(local_t *l, long old, long new)
{
	long prev;

	__asm__ __volatile__("cmpxchgq %2, %1"
			     : "=a"(prev), "+m"(l->a)
			     : "r"(new), "0"(old)
			     : "memory");
	return prev;
}
#else
static __always_inline void local_inc(local_t *l)
{
	__atomic_fetch_add(&l->a, 1, __ATOMIC_RELAXED);
}

static __always_inline void local_dec(local_t *l)
{
	__atomic_fetch_sub(&l->a, 1, __ATOMIC_RELAXED);
}

static __always_inline long local_add_return(long i, local_t *l)
{
	return __atomic_add_fetch(&l->a, i, __ATOMIC_RELAXED);
}

static __always_inline long local_cmpxchg(local_t *l, long old, long new)
{
	__atomic_compare_exchange_n(&l->a, &old, new, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return old;
}
#endif

#define local_inc_return(l)	local_add_return(1, (l))
#define local_dec_return(l)	local_add_return(-1, (l))

/*
 * jiffies: the kernel's tick counter.  Here it is a global that whoever
 * drives time (the drain model, a test, the stress harness) advances; the
 * producers stamp reports with it exactly as the RFC does.
 */
extern unsigned long jiffies;

/*
 * Context level of the running producer, the userspace reading of the
 * kernel's interrupt_context_level(): 0 task, 1 first signal handler
 * (softirq), 2 a signal handler interrupting a handler (hardirq), 3 the
 * next one (NMI).  Signal handlers that produce call rd_ctx_enter() and
 * rd_ctx_exit() around their work; nothing else changes it.  It is
 * initial-exec TLS in the executable, so reading it is a single %fs load,
 * async-signal-safe.
 */
extern __thread unsigned int rd_ctx_depth;

static __always_inline unsigned int interrupt_context_level(void)
{
	return READ_ONCE(rd_ctx_depth);
}

static __always_inline void rd_ctx_enter(void)
{
	WRITE_ONCE(rd_ctx_depth, rd_ctx_depth + 1);
	barrier();
}

static __always_inline void rd_ctx_exit(void)
{
	barrier();
	WRITE_ONCE(rd_ctx_depth, rd_ctx_depth - 1);
}

#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* <linux/err.h>: a pointer that carries an errno instead of an object. */
#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		unlikely((unsigned long)(x) >= \
					 (unsigned long)-MAX_ERRNO)
#define ERR_PTR(err)		((void *)(long)(err))
#define PTR_ERR(ptr)		((long)(ptr))
#define IS_ERR(ptr)		IS_ERR_VALUE(ptr)
/* The kernel's !ptr || IS_ERR_VALUE(ptr), in the one compare it means. */
#define IS_ERR_OR_NULL(ptr)	((unsigned long)(ptr) - 1 >= \
				 (unsigned long)-MAX_ERRNO - 1)

/*
 * The kernel's hweight8(): set bits of the low byte.  x86-64 builds with
 * POPCNT (drain/lookup_radix.c's userspace block allows it) get the one
 * instruction the kernel's alternatives patch in; otherwise the compiler's.
 */
#define hweight8(w)		((unsigned int)__builtin_popcount((w) & 0xffU))
/* The kernel's hweight32(): set bits of a 32-bit word (the same way). */
#define hweight32(w)		((unsigned int)__builtin_popcount((u32)(w)))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#endif /* RINGDRAIN_KCOMPAT_H */
