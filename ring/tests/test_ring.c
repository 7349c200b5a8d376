// SPDX-License-Identifier: GPL-2.0
/*
 * test_ring.c - every ring design, both record sizes: empty, full, exact
 * drop counts, FIFO order, record integrity, wrap-around (and past 2^32 for
 * free-running indices), the per-CPU set's scan, the compact encoding, and
 * bad parameters.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define RT_PARAMS(suite, test)						\
ParameterizedTestParameters(suite, test)				\
{									\
	static struct rt_param p[RT_MAX_PARAMS];			\
	size_t n = rt_params(p, false);					\
									\
	return cr_make_param_array(struct rt_param, p, n);		\
}

#define J0 0xffffff00UL	/* jiffies about to cross 2^32 */

/* A producer and a consumer of consecutive ids over one ring. */
struct stream {
	const struct rt_param *p;
	struct rd_ring *ring;
	u64 next_prod;	/* next id to produce */
	u64 next_cons;	/* next id expected */
	u64 calls;	/* produce() calls */
};

static bool produce_one(struct stream *s)
{
	struct damon_access_report r = rt_report(s->next_prod, 0, s->ring->cpu);
	bool ok;

	jiffies = J0 + s->next_prod;
	r.report_jiffies = 12345;	/* the ring stamps its own */
	ok = rd_ring_produce(s->ring, &r);
	s->calls++;
	if (ok)
		s->next_prod++;
	return ok;
}

static unsigned int consume_check(struct stream *s, unsigned int batch)
{
	struct damon_access_report out[512];
	unsigned int n;

	cr_assert(batch <= 512);
	n = rd_ring_consume(s->ring, out, batch);
	cr_assert(n <= batch, "%s: consume returned %u > max %u", s->p->name,
		  n, batch);
	for (unsigned int i = 0; i < n; i++) {
		u64 id;
		unsigned int ctx;

		cr_assert(rt_identify(&out[i], s->ring->cpu,
				      J0 + (out[i].paddr >> 12), &id, &ctx),
			  "%s: record %u of the batch is not intact", s->p->name, i);
		cr_assert_eq(id, s->next_cons, "%s: got id %llu, expected %llu",
			     s->p->name, (unsigned long long)id,
			     (unsigned long long)s->next_cons);
		s->next_cons++;
	}
	return n;
}

static void drain_check(struct stream *s, unsigned int batch)
{
	while (consume_check(s, batch))
		;
	cr_assert_eq(s->next_cons, s->next_prod,
		     "%s: %llu records accepted but %llu consumed", s->p->name,
		     (unsigned long long)s->next_prod,
		     (unsigned long long)s->next_cons);
}

static void counters_check(struct stream *s, u64 accepted, u64 full)
{
	struct rd_ring_counters c;

	rd_ring_counters(s->ring, &c);
	cr_assert_eq(c.produced, s->calls, "%s: produced %llu, calls %llu",
		     s->p->name, (unsigned long long)c.produced,
		     (unsigned long long)s->calls);
	cr_assert_eq(c.accepted, accepted, "%s: accepted %llu, expected %llu",
		     s->p->name, (unsigned long long)c.accepted,
		     (unsigned long long)accepted);
	cr_assert_eq(c.dropped_full, full, "%s: dropped_full %llu, expected %llu",
		     s->p->name, (unsigned long long)c.dropped_full,
		     (unsigned long long)full);
	cr_assert_eq(c.dropped_nested, 0);
}

RT_PARAMS(ring, empty)
ParameterizedTest(struct rt_param *p, ring, empty)
{
	struct stream s = { .p = p, .ring = rt_ring(p, 8) };
	struct damon_access_report out[4];

	cr_assert_eq(rd_ring_consume(s.ring, out, 4), 0, "%s", p->name);
	counters_check(&s, 0, 0);
	rd_ring_destroy(s.ring);
}

RT_PARAMS(ring, fill_exactly_then_refuse)
ParameterizedTest(struct rt_param *p, ring, fill_exactly_then_refuse)
{
	static const unsigned long caps[] = { 2, 8, 256 };

	for (size_t c = 0; c < ARRAY_SIZE(caps); c++) {
		struct stream s = { .p = p, .ring = rt_ring(p, caps[c]) };
		unsigned int usable = rd_usable_capacity(rd_designs[p->design],
							 caps[c]);

		for (unsigned int i = 0; i < usable; i++)
			cr_assert(produce_one(&s),
				  "%s cap %lu: refused record %u of %u",
				  p->name, caps[c], i + 1, usable);
		for (unsigned int i = 0; i < 7; i++)
			cr_assert_not(produce_one(&s),
				      "%s cap %lu: accepted beyond capacity",
				      p->name, caps[c]);
		counters_check(&s, usable, 7);
		drain_check(&s, 512);
		/* Full again after a drain: the space really came back. */
		for (unsigned int i = 0; i < usable; i++)
			cr_assert(produce_one(&s), "%s: refused after drain",
				  p->name);
		cr_assert_not(produce_one(&s));
		counters_check(&s, 2 * usable, 8);
		drain_check(&s, 1);
		rd_ring_destroy(s.ring);
	}
}

RT_PARAMS(ring, fifo_in_every_batch_size)
ParameterizedTest(struct rt_param *p, ring, fifo_in_every_batch_size)
{
	struct stream s = { .p = p, .ring = rt_ring(p, 16) };
	unsigned int usable = rd_usable_capacity(rd_designs[p->design], 16);

	for (unsigned int batch = 1; batch <= 20; batch++) {
		while (produce_one(&s))
			;
		cr_assert_eq(s.next_prod - s.next_cons, usable,
			     "%s: ring holds %llu, usable %u", p->name,
			     (unsigned long long)(s.next_prod - s.next_cons),
			     usable);
		drain_check(&s, batch);
	}
	counters_check(&s, s.next_prod, s.calls - s.next_prod);
	rd_ring_destroy(s.ring);
}

/* Interleave produce and consume so the indices wrap many times. */
static void wrap_many(struct stream *s, unsigned int usable, u64 laps)
{
	u64 target = s->next_prod + laps * usable;
	unsigned int step = 0;

	while (s->next_prod < target) {
		unsigned int k = 1 + (step * 7) % usable;
		unsigned int b = 1 + (step * 5) % 37;

		for (unsigned int i = 0; i < k; i++)
			if (!produce_one(s))
				break;
		consume_check(s, b);
		step++;
	}
	drain_check(s, 64);
}

RT_PARAMS(ring, wrap_around_many_times)
ParameterizedTest(struct rt_param *p, ring, wrap_around_many_times)
{
	struct stream s = { .p = p, .ring = rt_ring(p, 8) };
	unsigned int usable = rd_usable_capacity(rd_designs[p->design], 8);

	wrap_many(&s, usable, 1000);
	rd_ring_destroy(s.ring);
}

RT_PARAMS(ring, wrap_past_2_32)
ParameterizedTest(struct rt_param *p, ring, wrap_past_2_32)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	static const u64 starts[] = { 0xffffffffULL - 40, 0xfffffff0ULL,
				      0x1ffffffe0ULL };

	for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
		struct stream s = { .p = p };
		unsigned int usable = rd_usable_capacity(d, 16);

		if (!d->free_running && starts[i] > 0xffffffffULL)
			break;
		s.ring = rt_ring(p, 16);
		d->start_at(s.ring->impl, starts[i]);
		wrap_many(&s, usable, 12);
		while (produce_one(&s))
			;
		cr_assert_eq(s.next_prod - s.next_cons, usable,
			     "%s from %#llx: full at %llu, usable %u", p->name,
			     (unsigned long long)starts[i],
			     (unsigned long long)(s.next_prod - s.next_cons),
			     usable);
		drain_check(&s, 5);
		rd_ring_destroy(s.ring);
	}
}

/*
 * The in-place API: peek up to @batch reports, check them where they lie
 * (rd_view_get(), and rd_view_contig() covering the view exactly), check a
 * second peek shows the same oldest report, then release them in two
 * batches with a peek between that must show the rest first.
 */
static unsigned int peek_check(struct stream *s, unsigned int batch)
{
	struct rd_ring_view v, w;
	unsigned int n, k, seg = 0;

	n = rd_ring_peek(s->ring, &v, batch);
	cr_assert(n <= batch && n == v.n, "%s: peek returned %u (view %u), max %u",
		  s->p->name, n, v.n, batch);
	for (unsigned int i = 0; i < n; i += k) {
		k = rd_view_contig(&v, i);
		cr_assert(k >= 1 && i + k <= n, "%s: contig %u at %u of %u",
			  s->p->name, k, i, n);
		for (unsigned int j = 1; j < k; j++)
			cr_assert_eq((const u8 *)rd_view_slot(&v, i + j),
				     (const u8 *)rd_view_slot(&v, i) +
				     (size_t)j * v.rec_size,
				     "%s: contig run not contiguous", s->p->name);
		seg++;
	}
	cr_assert(seg <= 2, "%s: a view lies in at most two runs, not %u",
		  s->p->name, seg);
	for (unsigned int i = 0; i < n; i++) {
		struct damon_access_report r;
		u64 id;
		unsigned int ctx;

		rd_view_get(&v, i, &r, jiffies);
		cr_assert(rt_identify(&r, s->ring->cpu, J0 + (r.paddr >> 12),
				      &id, &ctx),
			  "%s: report %u of the view is not intact", s->p->name, i);
		cr_assert_eq(id, s->next_cons + i, "%s: view[%u] is id %llu, expected %llu",
			     s->p->name, i, (unsigned long long)id,
			     (unsigned long long)(s->next_cons + i));
	}
	if (!n)
		return 0;
	/* Nothing released yet: the same oldest report again. */
	cr_assert_geq(rd_ring_peek(s->ring, &w, batch), 1, "%s", s->p->name);
	cr_assert_eq(rd_view_slot(&w, 0), rd_view_slot(&v, 0), "%s: a second peek moved", s->p->name);
	k = n / 2;
	rd_ring_release(s->ring, k);
	s->next_cons += k;
	if (n - k) {
		struct damon_access_report r;
		u64 id;
		unsigned int ctx;

		cr_assert_geq(rd_ring_peek(s->ring, &w, n - k), n - k,
			      "%s: the rest of a view is not shown first",
			      s->p->name);
		rd_view_get(&w, 0, &r, jiffies);
		cr_assert(rt_identify(&r, s->ring->cpu, J0 + (r.paddr >> 12),
				      &id, &ctx), "%s", s->p->name);
		cr_assert_eq(id, s->next_cons, "%s: after a partial release got %llu, expected %llu",
			     s->p->name, (unsigned long long)id,
			     (unsigned long long)s->next_cons);
		rd_ring_release(s->ring, n - k);
		s->next_cons += n - k;
	}
	return n;
}

static void peek_drain_check(struct stream *s, unsigned int batch)
{
	while (peek_check(s, batch))
		;
	cr_assert_eq(s->next_cons, s->next_prod,
		     "%s: %llu records accepted but %llu peeked and released",
		     s->p->name, (unsigned long long)s->next_prod,
		     (unsigned long long)s->next_cons);
}

RT_PARAMS(ring, peek_fifo_in_every_batch_size)
ParameterizedTest(struct rt_param *p, ring, peek_fifo_in_every_batch_size)
{
	struct stream s = { .p = p, .ring = rt_ring(p, 16) };
	struct rd_ring_view v;

	cr_assert_eq(rd_ring_peek(s.ring, &v, 8), 0, "%s: empty ring", p->name);
	for (unsigned int batch = 1; batch <= 20; batch++) {
		while (produce_one(&s))
			;
		peek_drain_check(&s, batch);
	}
	counters_check(&s, s.next_prod, s.calls - s.next_prod);
	rd_ring_destroy(s.ring);
}

/*
 * A native peek keeps the slots: a full ring stays full until the release,
 * then takes exactly as many reports as were released.  (The generic
 * fallback frees them at peek, as documented.)
 */
RT_PARAMS(ring, peek_holds_slots_until_release)
ParameterizedTest(struct rt_param *p, ring, peek_holds_slots_until_release)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	struct stream s = { .p = p, .ring = rt_ring(p, 16) };
	unsigned int usable = rd_usable_capacity(d, 16), n, k = 0;
	struct rd_ring_view v;

	while (produce_one(&s))
		;
	n = rd_ring_peek(s.ring, &v, usable);
	cr_assert_geq(n, 1, "%s", p->name);
	if (d->peek) {
		cr_assert_eq(n, usable, "%s: peek of a full ring", p->name);
		cr_assert_not(produce_one(&s), "%s: a peeked slot was reused",
			      p->name);
		rd_ring_release(s.ring, 5);
		s.next_cons += 5;
		while (produce_one(&s))
			k++;
		cr_assert_eq(k, 5, "%s: %u slots came back for 5 released",
			     p->name, k);
		rd_ring_release(s.ring, n - 5);
		s.next_cons += n - 5;
	} else {
		rd_ring_release(s.ring, n);
		s.next_cons += n;
	}
	peek_drain_check(&s, 7);
	counters_check(&s, s.next_prod, s.calls - s.next_prod);
	rd_ring_destroy(s.ring);
}

static void peek_wrap_many(struct stream *s, unsigned int usable, u64 laps)
{
	u64 target = s->next_prod + laps * usable;
	unsigned int step = 0;

	while (s->next_prod < target) {
		unsigned int k = 1 + (step * 7) % usable;
		unsigned int b = 1 + (step * 5) % 37;

		for (unsigned int i = 0; i < k; i++)
			if (!produce_one(s))
				break;
		peek_check(s, b);
		step++;
	}
	peek_drain_check(s, 64);
}

RT_PARAMS(ring, peek_wrap_around_many_times)
ParameterizedTest(struct rt_param *p, ring, peek_wrap_around_many_times)
{
	struct stream s = { .p = p, .ring = rt_ring(p, 8) };
	unsigned int usable = rd_usable_capacity(rd_designs[p->design], 8);

	peek_wrap_many(&s, usable, 1000);
	rd_ring_destroy(s.ring);
}

RT_PARAMS(ring, peek_wrap_past_2_32)
ParameterizedTest(struct rt_param *p, ring, peek_wrap_past_2_32)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	static const u64 starts[] = { 0xffffffffULL - 40, 0xfffffff0ULL,
				      0x1ffffffe0ULL };

	for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
		struct stream s = { .p = p };
		unsigned int usable = rd_usable_capacity(d, 16);

		if (!d->free_running && starts[i] > 0xffffffffULL)
			break;
		s.ring = rt_ring(p, 16);
		d->start_at(s.ring->impl, starts[i]);
		peek_wrap_many(&s, usable, 12);
		while (produce_one(&s))
			;
		cr_assert_eq(s.next_prod - s.next_cons, usable,
			     "%s from %#llx: full at %llu, usable %u", p->name,
			     (unsigned long long)starts[i],
			     (unsigned long long)(s.next_prod - s.next_cons),
			     usable);
		peek_drain_check(&s, 5);
		rd_ring_destroy(s.ring);
	}
}

/* rfc and rfc-fixed expose their slots in place; the rest may fall back. */
Test(ring, rfc_peek_is_native)
{
	cr_assert(rd_design_find("rfc")->peek && rd_design_find("rfc")->release);
	cr_assert(rd_design_find("rfc-fixed")->peek);
}

/* rfc: kdamond takes a head snapshot per pass, as the RFC's drain does. */
Test(ring, rfc_pass_takes_head_snapshot)
{
	for (int fixed = 0; fixed < 2; fixed++) {
		const struct rd_ring_design *d =
			rd_design_find(fixed ? "rfc-fixed" : "rfc");
		struct rt_param p = { 0, DAMON_REPORT_FULL, "" };
		struct stream s = { .p = &p };
		struct rd_err err;

		s.ring = rd_ring_create(d, 16, DAMON_REPORT_FULL, 3, &err);
		cr_assert(s.ring, "%s", err.msg);
		snprintf(p.name, sizeof(p.name), "%s", d->name);
		for (int i = 0; i < 3; i++)
			produce_one(&s);
		cr_assert_eq(consume_check(&s, 1), 1);
		for (int i = 0; i < 2; i++)
			produce_one(&s);
		/* The pass started at 3 records: 2 left in it, not 4. */
		cr_assert_eq(consume_check(&s, 10), 2, "%s", d->name);
		cr_assert_eq(consume_check(&s, 10), 2, "%s", d->name);
		cr_assert_eq(consume_check(&s, 10), 0, "%s", d->name);
		rd_ring_destroy(s.ring);
	}
}

/* kdamond's scan over per-CPU rings. */
struct scan {
	u64 seen[4];
	u64 next[4];
	unsigned int max_batch;
	bool bad;
	struct rd_ring *refill;	/* a producer that keeps CPU 2 busy */
	u64 refill_id;
};

static void scan_batch(void *arg, unsigned int cpu,
		       const struct damon_access_report *b, unsigned int n)
{
	struct scan *sc = arg;

	if (n > sc->max_batch)
		sc->bad = true;
	for (unsigned int i = 0; i < n; i++) {
		u64 id;
		unsigned int ctx;

		if (!rt_identify(&b[i], cpu, 77, &id, &ctx) ||
		    id != sc->next[cpu]++)
			sc->bad = true;
		sc->seen[cpu]++;
	}
	/* While the scan runs, CPU 2 produces as fast as it is drained. */
	if (sc->refill && cpu == 2)
		for (unsigned int i = 0; i < n; i++) {
			struct damon_access_report r =
				rt_report(sc->refill_id, 0, 2);

			if (rd_ring_produce(sc->refill, &r))
				sc->refill_id++;
		}
}

RT_PARAMS(ring, set_scan_drains_every_cpu)
ParameterizedTest(struct rt_param *p, ring, set_scan_drains_every_cpu)
{
	const struct rd_ring_design *d = rd_designs[p->design];
	struct damon_access_report buf[5];
	struct rd_ring_set set;
	struct rd_ring_counters c;
	struct scan sc = { .max_batch = 5 };
	unsigned int usable = rd_usable_capacity(d, 32);
	struct rd_err err;
	u64 want[4] = { 20, 0, usable, 1 }, got, total = 0;

	cr_assert_eq(rd_ring_set_init(&set, d, 4, 32, p->rec_size, &err), 0,
		     "%s", err.msg);
	jiffies = 77;
	for (unsigned int cpu = 0; cpu < 4; cpu++)
		for (u64 id = 0; id < want[cpu]; id++) {
			struct damon_access_report r = rt_report(id, 0, cpu);

			cr_assert(rd_ring_produce(set.rings[cpu], &r));
		}
	got = rd_ring_set_drain(&set, buf, 5, scan_batch, &sc);
	cr_assert_eq(got, 21 + usable, "%s: scan took %llu", p->name,
		     (unsigned long long)got);
	cr_assert_not(sc.bad, "%s: scan delivered a wrong record", p->name);
	for (unsigned int cpu = 0; cpu < 4; cpu++)
		cr_assert_eq(sc.seen[cpu], want[cpu]);
	cr_assert_eq(rd_ring_set_drain(&set, buf, 5, scan_batch, &sc), 0);
	total = 21 + usable;

	/* A CPU that never stops producing cannot hold the scan forever. */
	sc.refill = set.rings[2];
	sc.refill_id = sc.next[2];
	for (u64 id = 0; id < usable; id++) {
		struct damon_access_report r = rt_report(sc.refill_id++, 0, 2);

		cr_assert(rd_ring_produce(set.rings[2], &r));
	}
	for (int round = 0; round < 3; round++) {
		got = rd_ring_set_drain(&set, buf, 5, scan_batch, &sc);
		cr_assert(got >= 1 && got <= rd_max_held(d, 32),
			  "%s: one scan took %llu from a busy CPU", p->name,
			  (unsigned long long)got);
		total += got;
	}
	sc.refill = NULL;
	while ((got = rd_ring_set_drain(&set, buf, 5, scan_batch, &sc)))
		total += got;
	cr_assert_not(sc.bad, "%s: scan delivered a wrong record", p->name);
	cr_assert_eq(sc.next[2], sc.refill_id, "%s: lost records on CPU 2",
		     p->name);
	rd_ring_set_counters(&set, &c);
	cr_assert_eq(c.accepted, total);
	cr_assert_eq(c.produced, c.accepted);
	rd_ring_set_destroy(&set);
}

Test(report, compact_roundtrip_is_lossless)
{
	static const unsigned long nows[] = { 5, 0xffffffffUL, 0x100000005UL,
					      ~0UL - 3, 1UL << 40 };
	static const unsigned long sizes[] = { 4096, 2UL << 20, 1UL << 30,
					       0xffffffffUL };

	for (size_t j = 0; j < ARRAY_SIZE(nows); j++)
		for (u64 i = 0; i < 4000; i++) {
			u64 h = rt_mix(i);
			struct damon_access_report r = {
				.paddr = h & ~0xfffUL,
				.vaddr = i == 0 ? ~0xfffUL : rt_mix(h) & ~0xfffUL,
				.size = sizes[i % ARRAY_SIZE(sizes)],
				.cpu = 9,
				.tid = (pid_t)(h % (1U << 22)) + (i == 1),
				.tgid = (pid_t)((h >> 22) % (1U << 22)),
				.is_write = (h >> 50) & 1,
			}, back;
			struct damon_report_compact c;
			/* stamped up to 2^31 - 1 ticks before the consumer's now */
			unsigned long age = (h >> 20) % (1UL << 31);

			damon_report_encode(&c, &r, nows[j] - age);
			r.report_jiffies = nows[j] - age;
			damon_report_decode(&back, &c, 9, nows[j]);
			cr_assert(memcmp(&back, &r, offsetof(struct damon_access_report, is_write)) == 0 &&
				  back.is_write == r.is_write &&
				  back.report_jiffies == r.report_jiffies,
				  "report %llu at now %#lx did not round-trip",
				  (unsigned long long)i, nows[j]);
		}
}

Test(report, oversize_saturates)
{
	struct damon_access_report r = { .size = 1UL << 33 };
	struct damon_report_compact c;

	damon_report_encode(&c, &r, 0);
	cr_assert_eq(c.size, 0xffffffffU);
}

Test(params, bad_capacity_and_names)
{
	struct rd_err err;
	static const struct {
		unsigned long cap, rec;
		const char *needle;
	} bad[] = {
		{ 0, 48, "at least 2" },
		{ 1, 48, "at least 2" },
		{ 3, 48, "not a power of two" },
		{ 1000, 32, "not a power of two" },
		{ 1UL << 25, 48, "limit" },
		{ ~0UL, 48, "limit" },
		{ 256, 40, "record size 40" },
		{ 256, 0, "record size 0" },
	};

	for (unsigned int i = 0; i < rd_nr_designs; i++)
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++) {
			rd_err_clear(&err);
			cr_assert_null(rd_ring_create(rd_designs[i], bad[j].cap,
						      bad[j].rec, 0, &err));
			cr_assert_eq(err.code, EINVAL);
			cr_assert(strstr(err.msg, bad[j].needle),
				  "%s cap %lu rec %lu: message '%s' lacks '%s'",
				  rd_designs[i]->name, bad[j].cap, bad[j].rec,
				  err.msg, bad[j].needle);
			cr_assert_eq(rd_ring_check(rd_designs[i], bad[j].cap,
						   bad[j].rec, NULL), -EINVAL);
		}
	cr_assert_eq(rd_ring_set_init(&(struct rd_ring_set){ 0 },
				      rd_designs[0], 0, 16, 48, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "a ring set needs at least one CPU");
	cr_assert_null(rd_design_find("nope"));
	cr_assert_null(rd_design_find(""));
	cr_assert_not_null(rd_design_find("rfc-fixed"));
}

Test(params, table_is_complete)
{
	static const char *const names[] = { "rfc", "rfc-fixed", "lamport",
		"cached", "ffwd", "ctxsplit", "perfnest", "seqslot", "ck",
		"bpfrb", "llist" };
	unsigned int safe = 0;

	cr_assert_eq(rd_nr_designs, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct rd_ring_design *d = rd_design_find(names[i]);

		cr_assert_not_null(d, "design %s missing", names[i]);
		safe += d->nesting == RD_NEST_SAFE;
	}
	cr_assert_geq(safe, 3, "fewer than three NMI-safe designs");
}

Test(params, unknown_design_lists_the_known)
{
	struct rd_err err;
	char known[512];

	cr_assert_null(rd_design_lookup("nope", &err));
	cr_assert_eq(err.code, ENOENT);
	rd_table_names((const void *const *)rd_designs, rd_nr_designs, known,
		       sizeof(known));
	cr_assert_str_eq(known, "rfc, rfc-fixed, lamport, cached, ffwd, ctxsplit, perfnest, seqslot, ck, bpfrb, llist");
	cr_assert_str_eq(err.msg, "unknown design 'nope' (known: rfc, rfc-fixed, lamport, cached, ffwd, ctxsplit, perfnest, seqslot, ck, bpfrb, llist)");
	cr_assert_eq(rd_design_lookup("ck", &err), rd_design_find("ck"));
	/* A list that does not fit is cut and marked. */
	rd_table_names((const void *const *)rd_designs, rd_nr_designs, known,
		       12);
	cr_assert_str_eq(known, "rfc, rfc...");
}

/* ---- base.h: the error convention and the file reader ------------------- */

Test(base, errf_returns_minus_code_and_formats)
{
	struct rd_err e;

	rd_err_clear(&e);
	cr_assert_eq(e.code, 0);
	cr_assert_str_eq(e.msg, "");
	cr_assert_eq(rd_errf(&e, ENOENT, "%s:%d: %s", "trace.txt", 12, "size 0"),
		     -ENOENT);
	cr_assert_eq(e.code, ENOENT);
	cr_assert_str_eq(e.msg, "trace.txt:12: size 0");
	/* No place to record: the code still comes back. */
	cr_assert_eq(rd_errf(NULL, ENOMEM, "x"), -ENOMEM);
	/* A code that is no errno becomes EINVAL. */
	cr_assert_eq(rd_errf(&e, 0, "x"), -EINVAL);
	cr_assert_eq(rd_errf(&e, -3, "x"), -EINVAL);
}

Test(base, errf_marks_a_cut_message)
{
	struct rd_err e;
	char long_arg[2 * RD_ERR_MSG_LEN];

	memset(long_arg, 'a', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	rd_errf(&e, EINVAL, "%s", long_arg);
	cr_assert_eq(strlen(e.msg), RD_ERR_MSG_LEN - 1);
	cr_assert_str_eq(e.msg + RD_ERR_MSG_LEN - 4, "...");
	cr_assert_eq(e.msg[RD_ERR_MSG_LEN - 5], 'a');
	/* One that just fits is not marked. */
	long_arg[RD_ERR_MSG_LEN - 1] = '\0';
	rd_errf(&e, EINVAL, "%s", long_arg);
	cr_assert_eq(strlen(e.msg), RD_ERR_MSG_LEN - 1);
	cr_assert_eq(e.msg[RD_ERR_MSG_LEN - 2], 'a');
}

Test(base, prefix_puts_context_first)
{
	struct rd_err e;
	char long_arg[RD_ERR_MSG_LEN];

	rd_errf(&e, ERANGE, "line 3: too large");
	cr_assert_eq(rd_err_prefix(&e, "--layout %s: ", "l.txt"), -ERANGE);
	cr_assert_str_eq(e.msg, "--layout l.txt: line 3: too large");
	cr_assert_eq(e.code, ERANGE);
	cr_assert_eq(rd_err_prefix(NULL, "x"), -EINVAL);
	/* A prefix that pushes the message past the end is cut and marked. */
	memset(long_arg, 'p', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	rd_err_prefix(&e, "%s", long_arg + 10);
	cr_assert_eq(strlen(e.msg), RD_ERR_MSG_LEN - 1);
	cr_assert_str_eq(e.msg + RD_ERR_MSG_LEN - 4, "...");
}

/* A temporary file holding @len bytes of @fill (its path in @path). */
static void rt_temp_file(char *path, size_t path_len, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, path_len, "/tmp/rd_base_XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert_not_null(f);
	for (size_t i = 0; i < len; i++)
		fputc((int)(i * 7 % 251), f);
	cr_assert_eq(fclose(f), 0);
}

Test(base, read_file_missing_names_the_file)
{
	struct rd_err e;
	size_t len = 99;

	rd_err_clear(&e);
	cr_assert_null(rd_read_file("/nonexistent/rd_base_missing", &len, &e));
	cr_assert_eq(e.code, ENOENT);
	cr_assert_str_eq(e.msg,
			 "/nonexistent/rd_base_missing: cannot open: No such file or directory");
	cr_assert_eq(len, 99, "the length is not touched on failure");
	cr_assert_null(rd_read_file("/nonexistent/rd_base_missing", NULL, NULL));
}

Test(base, read_file_empty)
{
	char path[64];
	struct rd_err e;
	size_t len = 99;
	char *buf;

	rt_temp_file(path, sizeof(path), 0);
	buf = rd_read_file(path, &len, &e);
	unlink(path);
	cr_assert_not_null(buf, "%s", e.msg);
	cr_assert_eq(len, 0);
	cr_assert_eq(buf[0], '\0');
	free(buf);
}

Test(base, read_file_larger_than_64k_exactly)
{
	/* Around the reader's first chunk and its doublings. */
	static const size_t sizes[] = { 65535, 65536, 65537, 3 * 65536 + 5 };

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		char path[64];
		struct rd_err e;
		size_t len;
		char *buf;

		rt_temp_file(path, sizeof(path), sizes[k]);
		buf = rd_read_file(path, &len, &e);
		unlink(path);
		cr_assert_not_null(buf, "%s", e.msg);
		cr_assert_eq(len, sizes[k]);
		for (size_t i = 0; i < len; i++)
			cr_assert_eq((unsigned char)buf[i], i * 7 % 251,
				     "byte %zu of %zu", i, len);
		cr_assert_eq(buf[len], '\0');
		free(buf);
	}
}

Test(base, read_file_stdin)
{
	char path[64];
	struct rd_err e;
	size_t len;
	char *buf;

	rt_temp_file(path, sizeof(path), 70000);
	cr_assert_not_null(freopen(path, "rb", stdin));
	unlink(path);
	buf = rd_read_file("-", &len, &e);
	cr_assert_not_null(buf, "%s", e.msg);
	cr_assert_eq(len, 70000);
	for (size_t i = 0; i < len; i++)
		cr_assert_eq((unsigned char)buf[i], i * 7 % 251);
	free(buf);
}

Test(base, a_ring_error_names_the_input)
{
	struct rd_err e = { 0 };

	cr_assert_null(rd_ring_create(rd_designs[0], 3, 48, 0, &e));
	cr_assert_eq(e.code, EINVAL);
	cr_assert_str_eq(e.msg, "capacity 3 for design 'rfc': not a power of two");
	cr_assert_null(rd_ring_create(rd_designs[0], 3, 48, 0, NULL));
}

Test(params, descriptors_take_the_defaults_of_glue_h)
{
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];
		bool rfc = !strncmp(d->name, "rfc", 3);
		bool ck = !strcmp(d->name, "ck");

		cr_assert(d->size && d->init && d->produce && d->consume &&
			  d->counters && d->start_at, "%s: an op is missing",
			  d->name);
		cr_assert(d->summary && d->atomics, "%s", d->name);
		/* What a design states is its own; the rest is the default. */
		cr_assert_eq(d->free_running, !rfc, "%s", d->name);
		cr_assert_eq(d->keeps_one_empty, rfc || ck, "%s", d->name);
		cr_assert_eq(d->nest_hooks, !ck, "%s", d->name);
		cr_assert_eq(d->lanes, strcmp(d->name, "ctxsplit") ? 1U : 5U,
			     "%s", d->name);
		cr_assert_eq(!!d->peek, rfc, "%s", d->name);
	}
}
