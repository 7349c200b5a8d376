// SPDX-License-Identifier: GPL-2.0
/*
 * registry.c - the table of designs, parameter checks, ring handles and the
 * per-CPU ring set with kdamond's scan.  Userspace only.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

unsigned long jiffies;
__thread unsigned int rd_ctx_depth;

#define RD_DESIGN(id) extern const struct rd_ring_design rd_design_##id;
#include "designs.def"
#undef RD_DESIGN

const struct rd_ring_design *const rd_designs[] = {
#define RD_DESIGN(id) &rd_design_##id,
#include "designs.def"
#undef RD_DESIGN
};

const unsigned int rd_nr_designs = ARRAY_SIZE(rd_designs);

const struct rd_ring_design *rd_design_lookup(const char *name,
					      struct rd_err *e)
{
	_Static_assert(offsetof(struct rd_ring_design, name) == 0,
		       "rd_table_find() needs the name first");
	return rd_table_find((const void *const *)rd_designs, rd_nr_designs,
			     "design", name, e);
}

const struct rd_ring_design *rd_design_find(const char *name)
{
	return rd_design_lookup(name, NULL);
}

const char *rd_nesting_name(enum rd_nesting n)
{
	switch (n) {
	case RD_NEST_SAFE:
		return "safe";
	case RD_NEST_DROPS:
		return "drops";
	case RD_NEST_UNSAFE:
		return "unsafe";
	}
	return "?";
}

int rd_ring_check(const struct rd_ring_design *d, unsigned long capacity,
		    unsigned long rec_size, struct rd_err *e)
{
	if (rec_size != DAMON_REPORT_FULL && rec_size != DAMON_REPORT_COMPACT)
		return rd_errf(e, EINVAL,
			       "record size %lu: must be %u (full) or %u (compact)",
			       rec_size, (unsigned int)DAMON_REPORT_FULL,
			       (unsigned int)DAMON_REPORT_COMPACT);
	if (capacity < 2)
		return rd_errf(e, EINVAL,
			       "capacity %lu for design '%s': must be at least 2",
			       capacity, d->name);
	if (capacity > RD_MAX_CAPACITY)
		return rd_errf(e, EINVAL,
			       "capacity %lu for design '%s': larger than the limit of %u slots",
			       capacity, d->name, RD_MAX_CAPACITY);
	if (!is_power_of_2(capacity))
		return rd_errf(e, EINVAL,
			       "capacity %lu for design '%s': not a power of two",
			       capacity, d->name);
	return 0;
}

struct rd_ring *rd_ring_create_in(const struct rd_ring_design *d, void *mem,
				    unsigned long capacity,
				    unsigned long rec_size, unsigned int cpu,
				    struct rd_err *e)
{
	struct rd_ring *ring;

	if (rd_ring_check(d, capacity, rec_size, e))
		return NULL;
	ring = calloc(1, sizeof(*ring));
	if (!ring) {
		rd_errf(e, ENOMEM, "out of memory");
		return NULL;
	}
	ring->d = d;
	ring->impl = mem;
	ring->capacity = capacity;
	ring->rec_size = rec_size;
	ring->cpu = cpu;
	d->init(mem, capacity, rec_size, cpu);
	return ring;
}

struct rd_ring *rd_ring_create(const struct rd_ring_design *d,
				 unsigned long capacity, unsigned long rec_size,
				 unsigned int cpu, struct rd_err *e)
{
	struct rd_ring *ring;
	size_t bytes;
	void *mem;

	if (rd_ring_check(d, capacity, rec_size, e))
		return NULL;
	bytes = d->size(capacity, rec_size);
	bytes = (bytes + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1);
	mem = aligned_alloc(SMP_CACHE_BYTES, bytes);
	if (!mem) {
		rd_errf(e, ENOMEM,
			"design '%s': cannot allocate %zu bytes for %lu slots",
			d->name, bytes, capacity);
		return NULL;
	}
	ring = rd_ring_create_in(d, mem, capacity, rec_size, cpu, e);
	if (!ring) {
		free(mem);
		return NULL;
	}
	ring->own_mem = true;
	return ring;
}

void rd_ring_destroy(struct rd_ring *ring)
{
	if (!ring)
		return;
	if (ring->own_mem)
		free(ring->impl);
	free(ring->stage);
	free(ring);
}

/*
 * The generic in-place API, for a design that cannot show its slots in
 * place (sub-rings, per-slot sequence words, a peer library's ring): take
 * the reports out with ->consume() into a staging buffer of the handle and
 * show them there.  Their slots are free at once (a producer may refill
 * them before the release), which is the one difference from a native
 * peek; the reports, their order and the counters are the same.  The
 * buffer grows to the largest view asked for and is kept; if it cannot
 * grow, the peek shows nothing and takes nothing.
 */
unsigned int rd_ring_peek_fallback(struct rd_ring *ring,
				   struct rd_ring_view *v, unsigned int max)
{
	unsigned int held = rd_max_held(ring->d, ring->capacity);
	unsigned int want, got;

	if (!ring->stage_n) {
		want = max < held ? max : held;
		if (want > ring->stage_cap) {
			struct damon_access_report *p;

			p = realloc(ring->stage, (size_t)want * sizeof(*p));
			if (!p) {
				v->n = 0;
				return 0;
			}
			ring->stage = p;
			ring->stage_cap = want;
		}
		ring->stage_first = 0;
		/* Until a short read: nothing more was visible. */
		while (ring->stage_n < want) {
			got = rd_ring_consume(ring, ring->stage + ring->stage_n,
					      want - ring->stage_n);
			ring->stage_n += got;
			if (!got)
				break;
		}
	}
	v->slots = (const u8 *)(ring->stage + ring->stage_first);
	v->first = 0;
	v->mask = ~0U;
	v->rec_size = DAMON_REPORT_FULL;
	v->cpu = ring->cpu;
	v->n = ring->stage_n < max ? ring->stage_n : max;
	return v->n;
}

void rd_ring_release_fallback(struct rd_ring *ring, unsigned int n)
{
	if (n > ring->stage_n)
		n = ring->stage_n;
	ring->stage_first += n;
	ring->stage_n -= n;
	if (!ring->stage_n)
		ring->stage_first = 0;
}

int rd_ring_set_init(struct rd_ring_set *set,
		       const struct rd_ring_design *d, unsigned int nr_cpus,
		       unsigned long capacity, unsigned long rec_size,
		       struct rd_err *e)
{
	struct rd_err why;

	memset(set, 0, sizeof(*set));
	if (nr_cpus == 0)
		return rd_errf(e, EINVAL, "a ring set needs at least one CPU");
	set->d = d;
	set->rings = calloc(nr_cpus, sizeof(*set->rings));
	if (!set->rings)
		return rd_errf(e, ENOMEM, "out of memory");
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		set->rings[cpu] = rd_ring_create(d, capacity, rec_size, cpu,
						 e ? e : &why);
		if (!set->rings[cpu]) {
			rd_ring_set_destroy(set);
			return -(e ? e : &why)->code;
		}
		set->nr_cpus = cpu + 1;
	}
	return 0;
}

void rd_ring_set_destroy(struct rd_ring_set *set)
{
	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++)
		rd_ring_destroy(set->rings[cpu]);
	free(set->rings);
	memset(set, 0, sizeof(*set));
}

u64 rd_ring_set_drain(struct rd_ring_set *set,
		      struct damon_access_report *buf, unsigned int batch_len,
		      rd_batch_fn fn, void *arg)
{
	u64 total = 0;

	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++) {
		struct rd_ring *ring = set->rings[cpu];
		unsigned int budget = rd_max_held(ring->d, ring->capacity);

		while (budget) {
			unsigned int want = batch_len < budget ? batch_len : budget;
			unsigned int n = rd_ring_consume(ring, buf, want);

			if (!n)
				break;
			if (fn)
				fn(arg, cpu, buf, n);
			budget -= n;
			total += n;
		}
	}
	return total;
}

void rd_ring_set_counters(const struct rd_ring_set *set,
			  struct rd_ring_counters *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int cpu = 0; cpu < set->nr_cpus; cpu++) {
		struct rd_ring_counters one;

		rd_ring_counters(set->rings[cpu], &one);
		c->produced += one.produced;
		c->accepted += one.accepted;
		c->dropped_full += one.dropped_full;
		c->dropped_nested += one.dropped_nested;
	}
}
