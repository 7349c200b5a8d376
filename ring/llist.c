// SPDX-License-Identifier: GPL-2.0
/*
 * llist.c - reports as nodes of a lock-less list (include/linux/llist.h),
 * the llist + irq_work pattern, with a per-CPU preallocated node pool.
 *
 * A producer takes a free node from its CPU's pool, writes the report into
 * it and pushes it on the CPU's report list with llist_add() (a cmpxchg on
 * the list head, safe in NMI).  kdamond takes the whole list with
 * llist_del_all() (xchg), reverses it to restore the producers' order, and
 * hands the nodes it has read back to the pool.  Pool exhaustion is the
 * ring being full: counted as dropped_full.  In the kernel the consumer
 * would be kicked with irq_work_queue(); kdamond polls here as for every
 * other design, so the kick is not modelled.
 *
 * The pool.  Its nodes must be taken in any context, NMI included, by
 * producers that nest on one CPU, while kdamond on another CPU returns
 * nodes.  llist_del_first() is not safe for that: its comment in llist.h
 * says it depends on first->next not changing, and a nested producer can
 * take the first node X, use it, have it consumed and returned so that X
 * is first again with another ->next: the interrupted cmpxchg then
 * succeeds and installs a node that is in use (ABA).  So the pool is a
 * stack whose top word carries a generation, as SLUB's per-CPU freelist
 * carries its transaction id (mm/slub.c): @pool holds the top node's index
 * + 1 in its low DAMON_LLIST_IDX_BITS bits and a generation above them,
 * and every successful take or return advances the generation.  A stale
 * take can only succeed if the word came back to the very value it read,
 * which needs 2^39 changes of the word while the taker sits between two of
 * its instructions.  Every change is a nested producer's take (at most one
 * per nested produce) or kdamond's return of a batch (one per consume()
 * that took a record, so at most one per record accepted: at most
 * capacity (<= 2^24) were in the ring when the window opened, the rest
 * are the nested producers').  That is more than 2^38 NMIs landing on one
 * instruction: at perf's default maximum of 100000 samples a second, a
 * month.  ring/llist.pml checks the protocol with a 3-bit generation
 * (which the few producers of the model cannot wrap) and its control
 * without one, which it must catch.
 *
 * Cost per record: two LOCK'ed cmpxchg (pool take, llist_add); kdamond: one
 * xchg per list taken and one cmpxchg per batch returned.  Memory: one node
 * (a list link, a pool link and the report) per slot.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"

/* The subset of include/linux/llist.h used here, with its semantics. */
struct llist_node {
	struct llist_node *next;
};

struct llist_head {
	struct llist_node *first;
};

/* llist_del_all(): take the whole list; xchg is fully ordered. */
static inline struct llist_node *llist_del_all(struct llist_head *head)
{
	return xchg(&head->first, NULL);
}

/* llist_reverse_order(): the list in the order its nodes were added. */
static inline struct llist_node *llist_reverse_order(struct llist_node *head)
{
	struct llist_node *new_head = NULL;

	while (head) {
		struct llist_node *tmp = head;

		head = head->next;
		tmp->next = new_head;
		new_head = tmp;
	}
	return new_head;
}
#else
#include <asm/barrier.h>
#include <asm/local.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/string.h>
#include "report.h"
#include "stats.h"
#endif

#define DAMON_LLIST_IDX_BITS	25	/* index + 1 of up to 2^24 nodes */
#define DAMON_LLIST_IDX_MASK	((1ULL << DAMON_LLIST_IDX_BITS) - 1)
#define DAMON_LLIST_GEN_ONE	BIT_ULL(DAMON_LLIST_IDX_BITS)
#ifndef __KERNEL__
#ifdef DAMON_LLIST_NO_GEN	/* ring/tests/test_llist_aba.c's control */
#undef DAMON_LLIST_GEN_ONE
#define DAMON_LLIST_GEN_ONE	0ULL
#endif
#endif /* !__KERNEL__ */

/**
 * struct damon_llist_node - one preallocated report node.
 * @llnode:	its link in the report list while it holds a report.
 * @next_free:	index + 1 of the next node in the pool, 0 at the bottom.
 * @pad:	keeps @rec 8-byte aligned.
 * @rec:	the report, DAMON_REPORT_FULL or DAMON_REPORT_COMPACT bytes.
 */
struct damon_llist_node {
	struct llist_node llnode;
	u32 next_free;
	u32 pad;
	u8 rec[];
};

/**
 * struct damon_llist_ring - one CPU's report list and node pool.
 * @reports:	the report list: this CPU's producers add, kdamond takes all.
 * @pool:	the free nodes' stack: generation << DAMON_LLIST_IDX_BITS |
 *		(index + 1 of the top node, 0 when empty).  This CPU's
 *		producers take, kdamond returns.
 * @p_rec_size:	record size in bytes, the producers' copy.
 * @p_stride:	bytes per node, the producers' copy.
 * @stats:	producer-side counters.
 * @backlog:	nodes kdamond took and reversed but has not handed out yet,
 *		oldest first; kdamond's own.
 * @c_rec_size:	record size in bytes, the consumer's copy.
 * @c_stride:	bytes per node, the consumer's copy.
 * @cpu:	the CPU that owns the ring (rebuilds compact records).
 * @capacity:	nodes in the pool.
 * @nodes:	@capacity nodes of @c_stride bytes.
 */
struct damon_llist_ring {
	/* producers; kdamond once per drain */
	struct llist_head reports ____cacheline_aligned;
	u64 pool;
	unsigned int p_rec_size;
	unsigned int p_stride;
	struct damon_ring_stats stats;
	/* consumer */
	struct llist_node *backlog ____cacheline_aligned;
	unsigned int c_rec_size;
	unsigned int c_stride;
	unsigned int cpu;
	unsigned int capacity;
	u8 nodes[] ____cacheline_aligned;
};

static __always_inline struct damon_llist_node *
damon_llist_node(u8 *nodes, unsigned int stride, u64 idx1)
{
	return (struct damon_llist_node *)(nodes + (size_t)(idx1 - 1) * stride);
}

static __always_inline u32 damon_llist_idx1(const u8 *nodes,
					    unsigned int stride,
					    const struct damon_llist_node *n)
{
	return (u32)(((const u8 *)n - nodes) / stride) + 1;
}

/**
 * damon_llist_size() - bytes of a ring.
 * @capacity:	nodes, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 *
 * Return: the size to allocate, cache-line aligned, for damon_llist_init().
 */
static size_t damon_llist_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_llist_ring) +
		(size_t)capacity * (sizeof(struct damon_llist_node) + rec_size);
}

/**
 * damon_llist_start_at() - rebuild an empty, idle ring's pool.
 * @ring:	the ring.
 * @pos:	where to start: the pool hands out node @pos % capacity first,
 *		and its generation is (@pos - 2^32) modulo 2^39, so that the
 *		tests' starts next to the 2^32 index wrap of the other designs
 *		run this design across its generation's wrap.
 */
static void damon_llist_start_at(struct damon_llist_ring *ring, u64 pos)
{
	unsigned int cap = ring->capacity;
	unsigned int first = (unsigned int)(pos % cap);

	for (unsigned int k = 0; k < cap; k++) {
		unsigned int i = (first + k) % cap;
		struct damon_llist_node *n =
			damon_llist_node(ring->nodes, ring->c_stride, i + 1);

		n->llnode.next = NULL;
		n->next_free = k + 1 < cap ? (first + k + 1) % cap + 1 : 0;
	}
	ring->reports.first = NULL;
	ring->backlog = NULL;
	ring->pool = ((pos - (1ULL << 32)) << DAMON_LLIST_IDX_BITS) |
		     (first + 1);
}

/**
 * damon_llist_init() - set up an empty ring, every node in the pool.
 * @ring:	damon_llist_size() bytes, cache-line aligned.
 * @capacity:	nodes, a power of two.
 * @rec_size:	DAMON_REPORT_FULL or DAMON_REPORT_COMPACT.
 * @cpu:	the CPU whose producers use the ring.
 */
static void damon_llist_init(struct damon_llist_ring *ring,
			     unsigned int capacity, unsigned int rec_size,
			     unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_rec_size = rec_size;
	ring->c_rec_size = rec_size;
	ring->p_stride = sizeof(struct damon_llist_node) + rec_size;
	ring->c_stride = ring->p_stride;
	ring->cpu = cpu;
	ring->capacity = capacity;
	damon_ring_stats_init(&ring->stats);
	damon_llist_start_at(ring, 1ULL << 32);
}

/* llist_add() of include/linux/llist.h, with the hook points. */
static __always_inline void damon_llist_add(struct llist_node *new,
					    struct llist_head *head)
{
	struct llist_node *first = READ_ONCE(head->first);

	do {
		WRITE_ONCE(new->next, first);
		rd_nest_point();	/* an NMI here adds before us */
		/*
		 * Full barrier: report (and its jiffies read), then node;
		 * pairs with del_all and the jiffies read after it.
		 */
	} while (!try_cmpxchg(&head->first, &first, new));
}

/**
 * damon_llist_produce() - add one report to this CPU's list.
 * @ring:	the ring of the CPU we run on.
 * @r:		the report; report_jiffies is stamped here.
 *
 * Context: any, NMI included, with preemption disabled; a producer that
 * interrupts another on the same CPU takes another node and keeps both
 * reports.
 * Return: true if the report is in the list, false (counted as
 * dropped_full) if the pool had no free node.
 */
static bool damon_llist_produce(struct damon_llist_ring *ring,
				const struct damon_access_report *r)
{
	struct damon_llist_node *n;
	u64 old, next;

	for (;;) {
		rd_nest_point();
		/*
		 * Acquire: pairs with kdamond's cmpxchg that returned the top
		 * node, so its ->next_free and kdamond's last reads of its
		 * report are ordered before our use.  (A failed cmpxchg
		 * orders nothing, so every retry loads again.)
		 */
		old = smp_load_acquire(&ring->pool);
		if (unlikely(!(old & DAMON_LLIST_IDX_MASK))) {
			local_inc(&ring->stats.dropped_full);
			return false;
		}
		n = damon_llist_node(ring->nodes, ring->p_stride,
				     old & DAMON_LLIST_IDX_MASK);
		rd_nest_point();	/* an NMI here takes n first */
		/* Relaxed: may be stale if n was taken; the cmpxchg then fails. */
		next = READ_ONCE(n->next_free);
		rd_nest_point();
		/* Full barrier: take, then use; the generation: no ABA. */
		if (cmpxchg(&ring->pool, old,
			    ((old & ~DAMON_LLIST_IDX_MASK) + DAMON_LLIST_GEN_ONE) |
			    next) == old)
			break;
	}
	rd_nest_point();
	damon_report_put(n->rec, ring->p_rec_size, r);
	rd_nest_point();
	damon_llist_add(&n->llnode, &ring->reports);
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

/**
 * damon_llist_consume() - take up to @max reports, oldest first per context.
 * @ring:	the ring.
 * @out:	where the reports go.
 * @max:	at most this many.
 *
 * Takes the whole list when its backlog is empty, reverses it, hands out
 * up to @max and returns those nodes to the pool in one batch.
 * Context: the ring's one consumer (kdamond), any CPU.
 * Return: reports copied to @out; 0 when the list is empty.
 */
static unsigned int damon_llist_consume(struct damon_llist_ring *ring,
					struct damon_access_report *out,
					unsigned int max)
{
	struct damon_llist_node *last = NULL;
	/* For the backlog: an earlier call's xchg took it, before this. */
	unsigned long now = READ_ONCE(jiffies);
	unsigned int n = 0;
	u64 first = 0, old;

	while (n < max) {
		struct damon_llist_node *node;
		struct llist_node *ln = ring->backlog;

		if (!ln) {
			rd_nest_point();	/* a tick, then a producer adds */
			/* Full barrier: pairs with llist_add's cmpxchg. */
			ln = llist_del_all(&ring->reports);
			if (!ln)
				break;
			/*
			 * After the xchg (full barrier): each report it took
			 * was stamped before its producer's llist_add cmpxchg,
			 * which the xchg reads (or is ordered after), so this
			 * jiffies is not older than any stamp, as
			 * damon_report_decode() needs.  Partner: the cmpxchg in
			 * damon_llist_add(), ordered after damon_report_put()'s
			 * read of jiffies.  Read before the xchg, a tick on
			 * another CPU and a report stamped after it would come
			 * back 2^32 - 1 ticks old from a compact record.
			 */
			now = READ_ONCE(jiffies);
			ln = llist_reverse_order(ln);
		}
		ring->backlog = ln->next;
		node = (struct damon_llist_node *)ln;	/* llnode is first */
		damon_report_get(&out[n++], node->rec, ring->c_rec_size,
				 ring->cpu, now);
		/* Chain it for the pool; producers may read it stale. */
		WRITE_ONCE(node->next_free, (u32)first);
		first = damon_llist_idx1(ring->nodes, ring->c_stride, node);
		if (!last)
			last = node;
	}
	if (!n)
		return 0;
	old = READ_ONCE(ring->pool);	/* relaxed: the cmpxchg checks it */
	do {
		WRITE_ONCE(last->next_free, (u32)(old & DAMON_LLIST_IDX_MASK));
		/*
		 * Full barrier: our reads of the reports and the chain's links
		 * before the nodes are reusable; pairs with the producers'
		 * acquire of @pool.
		 */
	} while (!try_cmpxchg(&ring->pool, &old,
			      ((old & ~DAMON_LLIST_IDX_MASK) +
			       DAMON_LLIST_GEN_ONE) | first));
	return n;
}

#ifndef __KERNEL__
RD_RING_DESIGN(rd_design_llist, damon_llist_ring, damon_llist, stats,
	.name = "llist",
	.summary = "llist + irq_work: pool node taken with a generation-tagged cmpxchg, llist_add, consumer del_all + reverse",
	.atomics = "2 LOCK cmpxchg (pool take, llist_add); consumer: xchg per list, cmpxchg per batch",
	.nesting = RD_NEST_SAFE)
#endif /* !__KERNEL__ */
