/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drain.h - kdamond's side of the access reports: the DAMON model, region
 * snapshots, lookup strategies, one tick of the drain, traces and layouts.
 *
 * The API, in the order a benchmark uses it:
 *
 *  Context (the DAMON model, drain/model.c)
 *    drain_attrs_default()        the kernel's defaults, in ticks
 *    drain_layout_generate()      N regions over T targets, seeded
 *    drain_layout_parse/load()    a layout file: "tgid start end" per line
 *    drain_layout_split_span()    a trace's address span split evenly
 *    drain_ctx_from_layout()      a context (targets + regions) from a layout
 *    drain_ctx_new/add_target/add_region()  the same piece by piece
 *    drain_ctx_clone()            a deep copy, to run strategies side by side
 *    drain_ctx_bump_generation()  mark the layout changed: snapshots rebuild
 *    drain_ctx_settle()           fold pending idle ticks (lazy policy)
 *    drain_ctx_compare()          region state equal field by field?
 *    drain_ctx_dump()             every region and the counters, as text
 *
 *  Reports
 *    drain_trace_parse/load()     ringdrain's text trace or valgrind lackey
 *    drain_gen_new/fill/free()    report streams: uniform, zipf, hit/miss
 *                                 mix, or replayed from a trace
 *    drain_ring_set_fill()        produce reports into an rd_ring_set
 *
 *  kdamond (drain/tick.c): one drain_kdamond per context and strategy
 *    drain_kdamond_new()          pick strategy, zero-access policy,
 *                                 snapshot policy and snapshot allocator
 *    drain_kdamond_tick()         one whole sampling interval: drain every
 *                                 ring, stale/tgid/region/straddle/dedup,
 *                                 zero-access pass, aggregation boundary
 *    drain_tick_begin/drain/end() the same tick in its three phases
 *    drain_kdamond_prepare()      make the snapshot current
 *    drain_kdamond_lookup()       pure lookups of a batch, no state change
 *    drain_kdamond_apply()        lookups + credits of a batch, counted
 *    drain_inject_alloc_failures()  the next N snapshot allocations fail
 *
 * Recipes for the benchmarks:
 *
 *  (a) a layout: drain_attrs_default(&a); a.aggr_ticks = 0 (the layout
 *      stays fixed; else raise a.max_nr_regions above the region count);
 *      drain_layout_generate(&l, 10000, 8, false, seed, err);
 *      ctx = drain_ctx_from_layout(&l, &a, seed, err).
 *  (b) reports: g = drain_gen_new(ctx, &(struct drain_gen_params){
 *      .kind = DRAIN_GEN_ZIPF, .seed = 1, .nr_cpus = 144 }, err);
 *      drain_gen_fill(g, reps, n).  DRAIN_GEN_TRACE replays a
 *      drain_trace_load()ed trace.
 *  (c) lookups: kd = drain_kdamond_new(ctx, &(struct drain_opts){
 *      .strategy = drain_strategy_find("radix") }, err);
 *      drain_tick_begin(kd); then time drain_kdamond_lookup(kd, reps, n,
 *      out) (pure) or drain_kdamond_apply(kd, reps, n) (with credits);
 *      drain_tick_end(kd); the counters are kd->c.
 *  (d) a whole tick: drain_ring_set_fill(&set, reps, n), then time
 *      drain_kdamond_tick(kd, &set); the policies are drain_opts' .zero
 *      (eager, lazy), .snap (per tick, on change) and .alloc (glibc,
 *      jemalloc arena, reused buffer).
 *  (e) a layout change: drain_ctx_bump_generation(ctx).
 *
 * Nothing here reads a clock: every result is a count.  Timing belongs to
 * the caller (bench/, ringdrain replay).  jiffies (ring/kcompat.h) is the
 * caller's too: producers stamp reports with it and the drain's stale
 * check compares against it; the drain never advances it.
 *
 * Memory: every snapshot buffer goes through a struct damon_snap_alloc
 * (drain/snapshot.c): jemalloc's mallocx() on an explicit arena, glibc's
 * malloc, or a grow-only buffer.  Linking this library links jemalloc,
 * which then serves malloc() for the whole program.
 */
#ifndef RINGDRAIN_DRAIN_H
#define RINGDRAIN_DRAIN_H

#include <stdio.h>

#include "damon.h"
#include "lookup.h"
#include "ring/ring.h"

#define DRAIN_MAX_TARGETS	4096
#define DRAIN_MAX_REGIONS	(1UL << 24)
#define DRAIN_MAX_CPUS		4096
#define DRAIN_PID_MAX		4194304	/* PID_MAX_LIMIT on 64-bit */

/* ---- the context ---------------------------------------------------- */

/**
 * drain_attrs_default() - the kernel's defaults in ticks.
 * @a:	filled with window 20, aggregation every 20 ticks, region size
 *	limit recomputed every 12000 ticks (60 s of 5 ms), 10..1000 regions,
 *	PAGE_SIZE minimum region, 1 jiffy per sampling interval, moving sum
 *	as posted (not clamped).
 */
void drain_attrs_default(struct damon_attrs *a);

/**
 * drain_ctx_new() - an empty context.
 * @a:		attributes (copied); NULL for drain_attrs_default().
 * @has_pid:	true: virtual-address targets matched by tgid; false: the
 *		one physical-address target.
 * @seed:	seeds the split PRNG: equal seeds, equal inputs, equal layouts.
 *
 * Return: the context, or NULL when out of memory.
 */
struct damon_ctx *drain_ctx_new(const struct damon_attrs *a, bool has_pid,
				u64 seed);

/** drain_ctx_free() - free a context, its targets and regions (NULL: no-op). */
void drain_ctx_free(struct damon_ctx *ctx);

/**
 * drain_ctx_add_target() - append a target.
 * @ctx:	the context.
 * @pid:	its tgid (ignored, stored as 0, for a physical context).
 * @out:	the new target.
 *
 * Several targets may have one tgid (DAMON allows it within a context):
 * a report of that tgid is then credited in each of them, in list order,
 * as 4/6's kdamond_apply_access_report() walk does; the context counts
 * them in @ctx->nr_dup_targets.
 *
 * Return: 0; -EINVAL for a second physical target or more than
 * DRAIN_MAX_TARGETS; -ENOMEM.
 */
int drain_ctx_add_target(struct damon_ctx *ctx, pid_t pid,
			 struct damon_target **out);

/**
 * drain_ctx_add_sample_filter() - append a sample filter to @ctx's list
 * (evaluated in order by damon_sample_filter_out(), drain/damon.h).
 * @type:	DAMON_FILTER_TYPE_CPUMASK, _THREADS or _WRITE.
 * @matching:	applies to reports that pass the test (true) or fail it.
 * @allow:	keep (true) or drop the reports it applies to.
 * @ids:	the CPUs (each below DAMON_SAMPLE_FILTER_CPUS) or thread ids;
 *		ignored for DAMON_FILTER_TYPE_WRITE.
 * @nr_ids:	entries of @ids.
 *
 * Return: 0, -EINVAL (bad type or CPU), -ENOMEM.
 */
int drain_ctx_add_sample_filter(struct damon_ctx *ctx,
				enum damon_sample_filter_type type,
				bool matching, bool allow,
				const unsigned int *ids, unsigned int nr_ids);

/**
 * drain_ctx_add_region() - append [@start, @end) to @t's regions.
 *
 * Return: 0; -EINVAL if @start >= @end or the range starts below the end of
 * @t's last region (regions stay sorted and disjoint); -ENOMEM.  Bumps the
 * generation.
 */
int drain_ctx_add_region(struct damon_ctx *ctx, struct damon_target *t,
			 unsigned long start, unsigned long end);

/**
 * drain_ctx_clone() - a deep copy of @src: regions, counts, tick, generation
 * and PRNG, so both evolve identically.  NULL when out of memory.
 */
struct damon_ctx *drain_ctx_clone(const struct damon_ctx *src);

/**
 * drain_ctx_bump_generation() - the layout changed behind the model's back
 * (a bench moving regions by hand): every snapshot rebuilds next tick.
 */
void drain_ctx_bump_generation(struct damon_ctx *ctx);

/** drain_ctx_nr_regions() - regions over all targets. */
unsigned long drain_ctx_nr_regions(const struct damon_ctx *ctx);

/** drain_ctx_nr_targets() - targets. */
unsigned int drain_ctx_nr_targets(const struct damon_ctx *ctx);

/**
 * drain_ctx_settle() - fold every region's pending idle ticks (left by the
 * lazy zero-access policy) into its moving sum, up to the current tick.
 * Afterwards the region state reads exactly as the eager policy leaves it.
 * A no-op for contexts driven by the eager policy.
 */
void drain_ctx_settle(struct damon_ctx *ctx);

/**
 * drain_ctx_compare() - compare two settled contexts region by region.
 * @why:	on a difference, the first one (code EINVAL); may be NULL.
 *
 * Return: true when targets, ranges, nr_accesses, nr_accesses_bp,
 * last_nr_accesses, access_reported, age and the tick are all equal.
 */
bool drain_ctx_compare(const struct damon_ctx *a, const struct damon_ctx *b,
		       struct rd_err *why);

/**
 * drain_ctx_randomize_state() - tests: give every region random counts
 * (nr_accesses, nr_accesses_bp, last_nr_accesses, age), seeded, so the
 * moving sum starts out of step with last_nr_accesses (its wrap case).
 */
void drain_ctx_randomize_state(struct damon_ctx *ctx, u64 seed);

/* ---- layouts ---------------------------------------------------------- */

/** struct drain_layout_entry - one region of one target. */
struct drain_layout_entry {
	pid_t tgid;		/* 0: the physical-address target */
	unsigned long start;
	unsigned long end;
	/* Starts a target even after a region of its tgid ('target' line). */
	bool new_target;
};

/**
 * struct drain_layout - regions grouped by target, each target's sorted
 * and disjoint.  @physical: one target, tgid 0, physical addresses.
 */
struct drain_layout {
	struct drain_layout_entry *e;
	size_t n;
	size_t cap;
	bool physical;
};

/**
 * drain_layout_parse() - parse a layout: "tgid start end" a line.
 * @buf, @len:	the text (need not be NUL-terminated).
 * @name:	file name for messages.
 * @out:	the layout (free with drain_layout_free(), also on error).
 * @err:	on error "NAME:LINE: what is wrong" (struct rd_err, base.h).
 *
 * Numbers are decimal or 0x-hex; '#' starts a comment.  A target is a
 * run of lines of one tgid; a line "target" starts a new one, which is how
 * a layout gives one tgid several targets (the entry after it has
 * @new_target set).  Rejected: bad numbers, start >= end, a region
 * overlapping or below its predecessor in the same target, a tgid's lines
 * resumed after another tgid without a "target" line, a "target" line
 * with no regions after it, tgid 0 (physical) mixed with other tgids or
 * given a second target, no regions, more than DRAIN_MAX_REGIONS regions
 * or DRAIN_MAX_TARGETS targets.
 *
 * Return: 0, or -errno (-EINVAL bad input, -ENOMEM) with @err filled.
 */
int drain_layout_parse(const char *buf, size_t len, const char *name,
		       struct drain_layout *out, struct rd_err *err);

/** drain_layout_load() - drain_layout_parse() of a file; "-" reads stdin. */
int drain_layout_load(const char *path, struct drain_layout *out,
		      struct rd_err *err);

/**
 * drain_layout_generate() - @nr_regions regions spread evenly over
 * @nr_targets targets (tgids 1000, 1001, ...; or one physical target).
 * Every target's regions start at the same base address (processes share
 * address-space shapes), are 1..16 pages long, and half of them are
 * followed by a 1..8 page gap.  Seeded, so reproducible.
 *
 * Return: 0, or -EINVAL (bad counts) / -ENOMEM with @err filled.
 */
int drain_layout_generate(struct drain_layout *out, unsigned long nr_regions,
			  unsigned int nr_targets, bool physical, u64 seed,
			  struct rd_err *err);

struct drain_trace;

/**
 * drain_layout_split_span() - DAMON's initial even split: for every tgid of
 * @tr, the span [lowest address, highest address + size) page-aligned, cut
 * into equal page-aligned pieces; @nr_regions pieces in all, shared evenly
 * between the targets (fewer where a span has fewer pages).
 * @physical:	one physical target over every record's address.
 *
 * Return: 0, or -errno (-EINVAL bad input, -ENOMEM) with @err filled.
 */
int drain_layout_split_span(struct drain_layout *out,
			    const struct drain_trace *tr,
			    unsigned long nr_regions, bool physical,
			    struct rd_err *err);

void drain_layout_free(struct drain_layout *l);

/**
 * drain_ctx_from_layout() - a context holding @l's targets and regions.
 * @a, @seed:	as drain_ctx_new().
 *
 * Return: the context, or NULL with @err filled.
 */
struct damon_ctx *drain_ctx_from_layout(const struct drain_layout *l,
					const struct damon_attrs *a, u64 seed,
					struct rd_err *err);

/* ---- traces ----------------------------------------------------------- */

enum drain_trace_format {
	DRAIN_TRACE_TEXT,	/* "tgid addr size cpu r|w" a line */
	DRAIN_TRACE_LACKEY,	/* valgrind --tool=lackey --trace-mem=yes */
};

/** struct drain_trace_rec - one recorded access. */
struct drain_trace_rec {
	unsigned long addr;
	unsigned long size;
	pid_t tgid;
	unsigned int cpu;
	bool write;
};

/**
 * struct drain_trace_opts - how to read a trace.
 * @sample:	keep every @sample-th data access (1: all).  For lackey,
 *		instruction fetches ('I') never count.
 * @lackey_tgid: the tgid given to a lackey trace's records.
 * @max_records: stop with an error beyond this many kept records (0: 2^26).
 */
struct drain_trace_opts {
	unsigned long sample;
	pid_t lackey_tgid;
	unsigned long max_records;
};

/**
 * struct drain_trace - a parsed trace.
 * @recs, @n:	the kept records, in order.
 * @format:	what was detected.
 * @nr_cpus:	highest cpu + 1.
 * @lines:	lines read.
 * @accesses:	data accesses seen before --sample.
 */
struct drain_trace {
	struct drain_trace_rec *recs;
	size_t n;
	size_t cap;
	enum drain_trace_format format;
	unsigned int nr_cpus;
	unsigned long lines;
	unsigned long accesses;
};

/**
 * drain_trace_parse() - parse a trace, detecting its format from the first
 * line that is not blank, a '#' comment or a valgrind '==PID==' line:
 * lackey lines start with "I  ", " L ", " S " or " M ".
 * @buf, @len, @name, @err: as drain_layout_parse().
 * @o:		options; NULL: sample 1, lackey tgid 1.
 *
 * Text format: "tgid addr size cpu r|w"; tgid 0..DRAIN_PID_MAX, addr and
 * size decimal or 0x-hex (size >= 1), cpu below DRAIN_MAX_CPUS.
 * Lackey: " L addr,size" (load), " S" (store), " M" (modify: a write),
 * "I  addr,size" (fetch, skipped); addr hex, size decimal.
 *
 * Return: 0, or -errno with "NAME:LINE: what is wrong" in @err.
 */
int drain_trace_parse(const char *buf, size_t len, const char *name,
		      const struct drain_trace_opts *o, struct drain_trace *out,
		      struct rd_err *err);

/** drain_trace_load() - drain_trace_parse() of a file. */
int drain_trace_load(const char *path, const struct drain_trace_opts *o,
		     struct drain_trace *out, struct rd_err *err);

void drain_trace_free(struct drain_trace *tr);

/**
 * drain_trace_interleave() - several processes' traces as a machine's
 * per-CPU rings see them: every trace runs for the same time, its records
 * evenly spaced in it (record j of @in[i] at time (j + 1/2) / @in[i]->n),
 * and the merge takes them in time order (ties: lower i first).  Process i
 * runs on CPU (i + s) % @nr_cpus in time slice s, a slice being @slice
 * records of the merge (the scheduler moving every process to the next CPU
 * after each slice), so each CPU's ring holds runs of one process at a time
 * and every process visits every CPU.  The records keep their tgid, address,
 * size and kind; only their cpu is set.
 * @out:	the merged trace (format of @in[0]; lines and accesses summed).
 * @in, @n:	the traces, 1..DRAIN_MAX_TARGETS.
 * @nr_cpus:	1..DRAIN_MAX_CPUS.
 * @slice:	records per time slice, >= 1.
 *
 * Return: 0, or -EINVAL (bad parameters) / -ENOMEM with @err filled.
 */
int drain_trace_interleave(struct drain_trace *out,
			   const struct drain_trace *const *in, unsigned int n,
			   unsigned int nr_cpus, unsigned long slice,
			   struct rd_err *err);

/*
 * The committed lackey traces of drain/data/ that make the "procs" workload,
 * one process each (tgids 1..5 in this order).
 */
#define DRAIN_PROCS_TRACES	"sort", "gzip", "awk", "xz", "perl"
#define DRAIN_NR_PROCS		5

/**
 * drain_workload_load() - a committed trace workload: "sort" (sort.lackey,
 * tgid 1, CPU 0) or "procs" (the DRAIN_PROCS_TRACES, tgids 1..5,
 * interleaved over 5 CPUs, each process moving to the next CPU every
 * @slice records).
 * @dir:	the folder of the traces (drain/data).
 * @sample:	keep every @sample-th data access of each trace (>= 1).
 *
 * Return: 0, or -errno with @err filled (unknown name, unreadable trace).
 */
int drain_workload_load(const char *name, const char *dir,
			unsigned long sample, unsigned long slice,
			struct drain_trace *out, struct rd_err *err);

/* ---- report streams --------------------------------------------------- */

enum drain_gen_kind {
	DRAIN_GEN_UNIFORM,	/* every region equally likely */
	DRAIN_GEN_ZIPF,		/* region popularity ~ 1/rank^s, ranks shuffled */
	DRAIN_GEN_MIX,		/* hits (uniform) and misses of every kind */
	DRAIN_GEN_TRACE,	/* a trace's records, in order, cycling */
};

/**
 * struct drain_gen_params - a report stream.
 * @kind:	which stream.
 * @seed:	PRNG seed.
 * @nr_cpus:	reports carry cpu = i % @nr_cpus (trace: the record's cpu
 *		% @nr_cpus); 0 means 1.
 * @size:	report size (0: PAGE_SIZE); addresses are aligned down to it
 *		when it is a power of two, but never below the region start.
 * @zipf_s:	zipf exponent (0: 0.99).
 * @hit_ratio:	mix: the share of hits; the rest split evenly between an
 *		unknown tgid, an address in no region, and a report that
 *		straddles a region end.
 * @trace:	trace stream: the records (must outlive the generator).
 */
struct drain_gen_params {
	enum drain_gen_kind kind;
	u64 seed;
	unsigned int nr_cpus;
	unsigned long size;
	double zipf_s;
	double hit_ratio;
	const struct drain_trace *trace;
};

struct drain_gen;

/**
 * drain_gen_new() - a generator over @ctx's current regions (copied: later
 * layout changes are not seen).
 *
 * Return: the generator, or NULL with @err filled (no regions, bad params).
 */
struct drain_gen *drain_gen_new(const struct damon_ctx *ctx,
				const struct drain_gen_params *p,
				struct rd_err *err);

/** drain_gen_fill() - the next @n reports (report_jiffies = jiffies). */
void drain_gen_fill(struct drain_gen *g, struct damon_access_report *out,
		    size_t n);

void drain_gen_free(struct drain_gen *g);

/**
 * drain_ring_set_fill() - produce @reps into @set, each into the ring of
 * CPU (rep->cpu % nr_cpus), as its producer would.
 *
 * Return: reports accepted (the rest were refused: full or nested).
 */
u64 drain_ring_set_fill(struct rd_ring_set *set,
			const struct damon_access_report *reps, size_t n);

/* ---- strategies and policies --------------------------------------- */

/**
 * struct drain_strategy - one way to find a report's region.
 * @name:	CLI name.
 * @summary:	one line for ringdrain list.
 * @per_tick:	its natural snapshot policy rebuilds every tick (rfc);
 *		otherwise it rebuilds only on a generation change.
 * @priv_size:	bytes of its snapshot state (zeroed before first build).
 * @build:	(re)build the snapshot of @ctx; 0 or -ENOMEM (then the old
 *		state is still safe to release, not to use).
 * @lookup:	for each report, its region, NULL (target found, no region)
 *		or DAMON_LOOKUP_NO_TARGET.  No state changes.
 * @release:	free everything @build allocated.
 */
struct drain_strategy {
	const char *name;
	const char *summary;
	bool per_tick;
	size_t priv_size;
	int (*build)(void *priv, const struct damon_ctx *ctx,
		     struct damon_snap_alloc *a);
	void (*lookup)(void *priv, const struct damon_ctx *ctx,
		       const struct damon_access_report *reps, unsigned int n,
		       struct damon_region **out);
	void (*release)(void *priv, struct damon_snap_alloc *a);
};

/* Every strategy of drain/strategies.def, in that order. */
extern const struct drain_strategy *const drain_strategies[];
extern const unsigned int drain_nr_strategies;
/* The strategy called @name, or NULL. */
const struct drain_strategy *drain_strategy_find(const char *name);

/**
 * drain_strategy_lookup() - the strategy called @name.
 * @name:	its CLI name.
 * @e:		if there is none, "unknown strategy '<name>' (known: ...)".
 *
 * Return: the strategy, or NULL with @e filled.
 */
const struct drain_strategy *drain_strategy_lookup(const char *name,
						   struct rd_err *e);

/**
 * enum drain_zero_policy - the pass that records "no access" for regions
 * no report credited this tick.
 * @DRAIN_ZERO_EAGER:	the RFC: walk every region every tick.
 * @DRAIN_ZERO_LAZY:	fold a region's idle ticks into one step when a
 *			report next credits it or at the aggregation
 *			boundary; bit-identical to eager.
 */
enum drain_zero_policy {
	DRAIN_ZERO_EAGER,
	DRAIN_ZERO_LAZY,
	DRAIN_NR_ZERO_POLICIES,
};

const char *drain_zero_policy_name(enum drain_zero_policy p);
const char *drain_zero_policy_summary(enum drain_zero_policy p);
/* The policy called @name, or -ENOENT. */
int drain_zero_policy_find(const char *name);

/**
 * drain_zero_policy_default() - the zero-access policy @s runs with unless
 * told otherwise: eager for the two that model DAMON as it is ("list",
 * DAMON before the RFC, and "rfc", the RFC as posted), lazy for the fast
 * strategies (bit-identical, and it skips the O(regions) walk per tick).
 */
enum drain_zero_policy drain_zero_policy_default(const struct drain_strategy *s);

/**
 * enum drain_snap_policy - when the snapshot is rebuilt.
 * @DRAIN_SNAP_DEFAULT:	the strategy's own (&drain_strategy.per_tick).
 * @DRAIN_SNAP_PER_TICK: every tick, as the RFC.
 * @DRAIN_SNAP_ON_CHANGE: only when the context's generation moved.
 */
enum drain_snap_policy {
	DRAIN_SNAP_DEFAULT,
	DRAIN_SNAP_PER_TICK,
	DRAIN_SNAP_ON_CHANGE,
};

/**
 * enum drain_alloc_kind - where snapshot buffers come from.
 * @DRAIN_ALLOC_REUSE:	grow-only buffers from the jemalloc arena, kept
 *			across builds and reallocated only on a new
 *			high-water mark (the RFC's krealloc scheme).
 * @DRAIN_ALLOC_JEMALLOC: a fresh mallocx() buffer on the explicit arena
 *			every build (the old one dallocx()ed).
 * @DRAIN_ALLOC_GLIBC:	a fresh glibc malloc() buffer every build
 *			(__libc_malloc/__libc_free, bypassing jemalloc).
 */
enum drain_alloc_kind {
	DRAIN_ALLOC_REUSE,
	DRAIN_ALLOC_JEMALLOC,
	DRAIN_ALLOC_GLIBC,
};

/* -ENOENT when @name is no allocator ("reuse", "jemalloc", "glibc"). */
int drain_alloc_find(const char *name);
const char *drain_alloc_name(enum drain_alloc_kind k);

/* ---- kdamond ----------------------------------------------------------- */

/**
 * struct drain_counters - what the drain did with the reports.  Equal
 * inputs give equal counters under every strategy and zero-access policy.
 * @reports:	taken out of the rings (or handed to drain_kdamond_apply()).
 * @applied:	credited a region.
 * @deduplicated: hit a region already credited this tick.
 * @stale:	older than one sampling interval, dropped.
 * @no_target:	no target has the report's tgid.
 * @no_region:	the target has no region holding the address.
 * @straddling:	address + size runs past the region end, rejected.
 * @snapshot_alloc_failures: ticks whose lookup was skipped because a
 *		snapshot buffer could not be allocated (reports stay queued).
 * @filtered:	not stale, dropped by damon_sample_filter_out().
 */
struct drain_counters {
	u64 reports;
	u64 applied;
	u64 deduplicated;
	u64 stale;
	u64 no_target;
	u64 no_region;
	u64 straddling;
	u64 snapshot_alloc_failures;
	u64 filtered;
};

bool drain_counters_equal(const struct drain_counters *a,
			  const struct drain_counters *b);

/** struct drain_snap_stats - snapshot work; differs between strategies. */
struct drain_snap_stats {
	u64 builds;	/* snapshot (re)builds */
	u64 allocs;	/* allocator calls that allocated */
	u64 bytes;	/* bytes those calls asked for */
};

/**
 * enum drain_ring_mode - how kdamond reads the rings.
 * @DRAIN_RINGS_DEFAULT:	in place for the "rfc" strategy, batched else.
 * @DRAIN_RINGS_IN_PLACE:	per CPU one rd_ring_peek(), the reports read
 *				where they lie, one rd_ring_release() (4/6).
 * @DRAIN_RINGS_BATCHED:	consume() into full batches across CPUs.
 */
enum drain_ring_mode {
	DRAIN_RINGS_DEFAULT,
	DRAIN_RINGS_IN_PLACE,
	DRAIN_RINGS_BATCHED,
};

/**
 * struct drain_opts - how a kdamond drains.
 * @strategy:	lookup strategy (NULL: "flat").
 * @zero:	zero-access policy.
 * @snap:	snapshot policy.
 * @alloc:	snapshot allocator.
 * @batch_len:	reports per ring consume() (0: 256).
 * @rings:	how the rings are read (default: in place for "rfc", as 4/6
 *		does; copied into batches across CPUs for the others).
 */
struct drain_opts {
	const struct drain_strategy *strategy;
	enum drain_zero_policy zero;
	enum drain_snap_policy snap;
	enum drain_alloc_kind alloc;
	unsigned int batch_len;
	enum drain_ring_mode rings;
};

/**
 * struct damon_snap_alloc - a snapshot allocator instance (drain/snapshot.c).
 * @kind:	which allocator.
 * @arena:	the jemalloc arena (all instances share one).
 * @fail_next:	injected failures still to deliver.
 * @stats:	allocation counts.
 */
struct damon_snap_alloc {
	enum drain_alloc_kind kind;
	unsigned int arena;
	unsigned int fail_next;
	struct drain_snap_stats stats;
};

/**
 * enum drain_phase - the parts of a tick, as the kdamond's clock times
 * them (drain_kdamond_set_clock()).
 * @DRAIN_PHASE_SNAPSHOT:	drain_tick_begin(): the tick count and the
 *				snapshot (rebuilt every tick by rfc, at a
 *				layout change by the others).
 * @DRAIN_PHASE_RING:		what drain_tick_drain() spends outside the
 *				lookup and the credit: the rings' peek,
 *				release or copy-out, compact records' decoding,
 *				the sample filters.
 * @DRAIN_PHASE_LOOKUP:		the strategy's lookups.
 * @DRAIN_PHASE_CREDIT:		the credit step: stale, no target, no region,
 *				straddling, the credit, later targets of a tgid.
 * @DRAIN_PHASE_ZERO:		the zero-access pass (eager: every tick; lazy:
 *				the fold of every region at a boundary).
 * @DRAIN_PHASE_BOUNDARY:	merges, reset, splits and the size limit
 *				(drain_model_after_check()).
 */
enum drain_phase {
	DRAIN_PHASE_SNAPSHOT,
	DRAIN_PHASE_RING,
	DRAIN_PHASE_LOOKUP,
	DRAIN_PHASE_CREDIT,
	DRAIN_PHASE_ZERO,
	DRAIN_PHASE_BOUNDARY,
	DRAIN_NR_PHASES
};

/* "snapshot", "ring", "lookup", "credit", "zero", "boundary". */
extern const char *const drain_phase_names[DRAIN_NR_PHASES];

/**
 * struct drain_dup - the later targets of each tgid that has several, for
 * the drain's credit step (built with the snapshot, drain/tick.c).
 * @tgids:	struct drain_dup_tgid[], sorted by tgid.
 * @targets:	struct drain_dup_target[]: each tgid's later targets
 *		together, in list order.
 * @regions:	struct damon_region *[]: their regions, in address order.
 * @scratch:	the build's sort.
 * @nr_tgids:	tgids with several targets; 0: nothing to walk.
 */
struct drain_dup {
	struct damon_snap_buf tgids;
	struct damon_snap_buf targets;
	struct damon_snap_buf regions;
	struct damon_snap_buf scratch;
	unsigned int nr_tgids;
};

/**
 * struct drain_kdamond - one context drained by one strategy.  Read the
 * fields; change them only through the functions below.
 */
struct drain_kdamond {
	struct damon_ctx *ctx;
	const struct drain_strategy *strategy;
	enum drain_zero_policy zero;
	bool per_tick;
	struct damon_snap_alloc alloc;
	void *snap;
	bool snap_valid;
	unsigned long snap_generation;
	bool tick_skipped;
	unsigned int batch_len;
	struct damon_access_report *batch;
	struct damon_region **found;
	struct drain_counters c;
	/* The reports of a chunk the sample filters keep (batch_len). */
	struct damon_access_report *kept;
	/* Drain each ring in place, one pass and one release (the rfc path). */
	bool in_place;
	/* Targets sharing a tgid with an earlier one (usually none). */
	struct drain_dup dup;
	/* The caller's clock (NULL: none) and what it timed, per phase. */
	u64 (*clock)(void);
	u64 phase_clk[DRAIN_NR_PHASES];
};

/**
 * drain_kdamond_set_clock() - time every later tick's phases with @clock
 * (NULL: stop), adding to kd->phase_clk[] (in @clock's units: nanoseconds,
 * or a cycle counter the caller converts), which this zeroes.  A chunk of
 * the drain reads the clock three times, a tick six more; without a clock
 * the drain reads none.
 */
void drain_kdamond_set_clock(struct drain_kdamond *kd, u64 (*clock)(void));

/**
 * drain_kdamond_new() - a kdamond for @ctx (not owned: free it yourself,
 * after the kdamond).  Allocates its batch buffers now, so ticks do not.
 *
 * Return: the kdamond, or NULL with @err filled.
 */
struct drain_kdamond *drain_kdamond_new(struct damon_ctx *ctx,
					const struct drain_opts *o,
					struct rd_err *err);

void drain_kdamond_free(struct drain_kdamond *kd);

/**
 * drain_kdamond_tick() - one sampling interval of kdamond_fn():
 * passed_sample_intervals++, snapshot (per the policy), drain every ring of
 * @set through the strategy, the zero-access pass, and at an aggregation
 * boundary merge, reset and split as DAMON does.
 * @set:	the rings (NULL: no reports this tick).
 *
 * Return: 0, or -ENOMEM when the snapshot could not be allocated: that
 * tick's lookup was skipped, the reports stay in the rings, and
 * snapshot_alloc_failures counts it.  Either way the tick completes.
 */
int drain_kdamond_tick(struct drain_kdamond *kd, struct rd_ring_set *set);

/** drain_tick_begin() - phase 1: tick++ and the snapshot; as tick's return. */
int drain_tick_begin(struct drain_kdamond *kd);
/** drain_tick_drain() - phase 2: drain @set (skipped after a failed begin). */
u64 drain_tick_drain(struct drain_kdamond *kd, struct rd_ring_set *set);
/** drain_tick_end() - phase 3: zero-access pass and aggregation boundary. */
void drain_tick_end(struct drain_kdamond *kd);

/**
 * drain_kdamond_prepare() - make the snapshot current for the policy (a
 * per-tick policy rebuilds on every call).
 *
 * Return: 0 or -ENOMEM (counted in snapshot_alloc_failures).
 */
int drain_kdamond_prepare(struct drain_kdamond *kd);

/**
 * drain_kdamond_lookup() - look up @n reports, changing nothing.
 * @out:	their regions, NULL or DAMON_LOOKUP_NO_TARGET; of several
 *		targets with a report's tgid, the first one's answer.
 *
 * A stale snapshot is rebuilt first; if that fails, every answer is NULL.
 * Return: reports that found a region.
 */
unsigned int drain_kdamond_lookup(struct drain_kdamond *kd,
				  const struct damon_access_report *reps,
				  unsigned int n, struct damon_region **out);

/**
 * drain_kdamond_apply() - what the drain does with a batch taken out of a
 * ring: stale check, lookup, straddle check, at most one credit per region
 * per tick, all counted in kd->c.  Batches of any size.  It belongs to the
 * current tick: call it between drain_tick_begin() and drain_tick_end()
 * (the credit marks are cleared by the tick's zero-access pass); called
 * before any tick, it begins the first.  Rebuilds a stale snapshot.
 *
 * Return: 0, or -ENOMEM when the snapshot could not be built (nothing was
 * looked up or counted but the failure).
 */
int drain_kdamond_apply(struct drain_kdamond *kd,
			const struct damon_access_report *reps, size_t n);

/** drain_inject_alloc_failures() - the next @n snapshot allocations fail. */
void drain_inject_alloc_failures(struct drain_kdamond *kd, unsigned int n);

/**
 * drain_ctx_dump() - write every region, one a line: "tgid start end
 * nr_accesses nr_accesses_bp last_nr_accesses age" (addresses 0x-hex), then
 * the counters as "# name value" lines.  Settles the context first.
 */
int drain_ctx_dump(FILE *f, struct damon_ctx *ctx,
		   const struct drain_counters *c);

#endif /* RINGDRAIN_DRAIN_H */
