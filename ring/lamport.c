// SPDX-License-Identifier: GPL-2.0
/*
 * lamport.c - Lamport's single-producer single-consumer ring.
 *
 * Each side writes only its own index and reads the other's on every
 * operation, so the index lines ping-pong between the CPUs.  Indices run
 * free (unsigned int, wrapping at 2^32) and every slot is usable.
 *
 * Not safe against a nested producer: an NMI that lands after the outer
 * producer read head writes the same slot and publishes the same head, so
 * one of the two records is lost or torn.
 */
#ifndef __KERNEL__
#include <string.h>
#include "glue.h"
#endif

struct damon_lamport_ring {
	/* producer */
	unsigned int head ____cacheline_aligned;
	unsigned int p_mask;
	unsigned int p_rec_size;
	struct damon_ring_stats stats;
	/* consumer */
	unsigned int tail ____cacheline_aligned;
	unsigned int c_mask;
	unsigned int c_rec_size;
	unsigned int cpu;
	u8 slots[] ____cacheline_aligned;
};

static bool damon_lamport_produce(struct damon_lamport_ring *ring,
				  const struct damon_access_report *r)
{
	unsigned int head;

	rd_nest_point();
	head = ring->head;	/* only this CPU writes head */
	rd_nest_point();
	/* Acquire: the consumer's reads of the slot we reuse are done. */
	if (head - smp_load_acquire(&ring->tail) > ring->p_mask) {
		local_inc(&ring->stats.dropped_full);
		return false;
	}
	rd_nest_point();
	damon_report_put(ring->slots + (size_t)(head & ring->p_mask) *
			 ring->p_rec_size, ring->p_rec_size, r);
	rd_nest_point();
	smp_store_release(&ring->head, head + 1);	/* slot before head */
	rd_nest_point();
	local_inc(&ring->stats.accepted);
	return true;
}

static unsigned int damon_lamport_consume(struct damon_lamport_ring *ring,
					  struct damon_access_report *out,
					  unsigned int max)
{
	unsigned int tail = ring->tail;	/* only the consumer writes tail */
	/* Acquire: the slots below head are written. */
	unsigned int avail = smp_load_acquire(&ring->head) - tail;
	unsigned long now = READ_ONCE(jiffies);
	unsigned int n;

	if (avail > max)
		avail = max;
	for (n = 0; n < avail; n++)
		damon_report_get(&out[n], ring->slots +
				 (size_t)((tail + n) & ring->c_mask) *
				 ring->c_rec_size, ring->c_rec_size,
				 ring->cpu, now);
	if (n)	/* Release: our reads are done before the slots are reused. */
		smp_store_release(&ring->tail, tail + n);
	return n;
}

#ifndef __KERNEL__
static size_t damon_lamport_size(unsigned int capacity, unsigned int rec_size)
{
	return sizeof(struct damon_lamport_ring) + (size_t)capacity * rec_size;
}

static void damon_lamport_init(struct damon_lamport_ring *ring,
			       unsigned int capacity, unsigned int rec_size,
			       unsigned int cpu)
{
	memset(ring, 0, sizeof(*ring));
	ring->p_mask = ring->c_mask = capacity - 1;
	ring->p_rec_size = ring->c_rec_size = rec_size;
	ring->cpu = cpu;
	damon_ring_stats_init(&ring->stats);
}

static void damon_lamport_start_at(struct damon_lamport_ring *ring, u64 pos)
{
	ring->head = ring->tail = (unsigned int)pos;
}

RD_RING_DESIGN(rd_design_lamport, damon_lamport_ring, damon_lamport, stats,
	.name = "lamport",
	.summary = "classic SPSC: each side reads the other's index every operation",
	.atomics = "none: acquire load of tail, release store of head",
	.nesting = RD_NEST_UNSAFE)
#endif /* !__KERNEL__ */
