// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_replay.c - ringdrain replay: a recorded access trace, drained through
 * the per-CPU rings by every chosen strategy and zero-access policy from the
 * same start, timed per report, and checked to end in identical state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "drain.h"
#include "kstream.h"

static const struct rd_command *self;

struct run {
	const struct drain_strategy *s;
	enum drain_zero_policy zero;
	struct damon_ctx *ctx;
	struct drain_counters c;
	u64 dropped;
	u64 ticks;
	double snap_ns, lookup_ns, drain_ns, tick_ns;	/* best of the repeats */
	/* --phases: one instrumented run's phases, the one of least total. */
	double phase_ns[DRAIN_NR_PHASES];
	double phased_ns;
};

struct replay {
	const struct drain_trace *tr;
	const struct damon_ctx *start;
	const struct rd_ring_design *ring;
	unsigned int nr_cpus;
	unsigned long capacity;
	unsigned long tick_reports;
	unsigned long repeat;
	unsigned long cycles;
	size_t n;				/* reports: the trace x cycles */
	enum drain_ring_mode rings;
	bool phases;
	struct damon_access_report *reps;	/* the trace as reports */
};

/* How replay_once() times a pass. */
enum replay_mode {
	REPLAY_LOOKUP,	/* the snapshot builds and a separate lookup pass */
	REPLAY_TICK,	/* the drain and the whole tick, as kdamond runs it */
	REPLAY_PHASES,	/* every phase, by the kdamond's clock */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The kdamond's clock for --phases: the TSC on x86-64 (a third of
 * clock_gettime()'s cost here), converted to ns over the whole pass
 * against CLOCK_MONOTONIC; elsewhere CLOCK_MONOTONIC itself.
 */
#if defined(__x86_64__)
#include <x86intrin.h>

static u64 phase_clock(void)
{
	return __rdtsc();
}
#define PHASE_CLOCK	"rdtsc"
#else
static u64 phase_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
#define PHASE_CLOCK	"CLOCK_MONOTONIC"
#endif

/*
 * One pass of the whole trace; fills @r (state of the last pass wins).
 * REPLAY_LOOKUP: each tick also looks its reports up once more, straight
 * from the trace, and only the snapshot build (into @snap) and that lookup
 * (into @drain) are timed.  REPLAY_TICK: the tick is timed as kdamond runs
 * it.  REPLAY_PHASES: the kdamond's clock times each phase into @phase.
 */
static void replay_once(const struct replay *rp, struct run *r,
			enum replay_mode mode, double *snap, double *drain,
			double *tick, double *phase)
{
	struct drain_opts o = { .strategy = r->s, .zero = r->zero,
				.rings = rp->rings };
	bool lookup = mode == REPLAY_LOOKUP;
	struct rd_err err = { 0 };
	struct rd_ring_set set;
	struct drain_kdamond *kd;
	struct damon_ctx *ctx;
	size_t done = 0;
	double ns0 = 0;
	u64 clk0 = 0;

	ctx = drain_ctx_clone(rp->start);
	if (!ctx)
		rd_usage_error(self->name, "out of memory");
	kd = drain_kdamond_new(ctx, &o, &err);
	if (!kd || rd_ring_set_init(&set, rp->ring, rp->nr_cpus, rp->capacity,
				    DAMON_REPORT_FULL, &err))
		rd_usage_error(self->name, "%s", err.msg);
	*snap = *drain = *tick = 0;
	r->dropped = 0;
	r->ticks = 0;
	jiffies = 0;
	if (mode == REPLAY_PHASES) {
		drain_kdamond_set_clock(kd, phase_clock);
		clk0 = phase_clock();
		ns0 = now_ns();
	}
	while (done < rp->n) {
		size_t n = rp->n - done;
		double t0, t1, t2;

		if (n > rp->tick_reports)
			n = rp->tick_reports;
		jiffies++;
		r->dropped += n - drain_ring_set_fill(&set, rp->reps + done, n);
		done += n;
		t0 = now_ns();
		drain_tick_begin(kd);
		if (lookup) {
			t1 = now_ns();
			*snap += t1 - t0;
			t0 = t1;
			/* The strategy alone, batch by batch as the drain. */
			for (size_t i = 0; kd->snap_valid && i < n;
			     i += kd->batch_len)
				kd->strategy->lookup(kd->snap, kd->ctx,
					rp->reps + done - n + i,
					n - i < kd->batch_len ? n - i :
					kd->batch_len, kd->found);
			t1 = now_ns();
			*drain += t1 - t0;
		}
		drain_tick_drain(kd, &set);
		t1 = now_ns();
		drain_tick_end(kd);
		t2 = now_ns();
		if (mode == REPLAY_TICK) {
			*drain += t1 - t0;
			*tick += t2 - t0;
		}
		r->ticks++;
	}
	if (mode == REPLAY_PHASES) {
		/* Clock units to ns, over the whole pass. */
		u64 clk = phase_clock() - clk0;
		double per = (now_ns() - ns0) / (double)(clk ? clk : 1);

		for (int p = 0; p < DRAIN_NR_PHASES; p++)
			phase[p] = kd->phase_clk[p] * per;
	}
	r->c = kd->c;
	drain_kdamond_free(kd);
	rd_ring_set_destroy(&set);
	drain_ctx_free(r->ctx);
	r->ctx = ctx;
	drain_ctx_settle(ctx);
}

static void replay_run(const struct replay *rp, struct run *r)
{
	for (unsigned long i = 0; i < rp->repeat; i++) {
		double snap, lookup, drain, tick, none, ph[DRAIN_NR_PHASES];
		double total = 0;

		if (rp->phases) {
			replay_once(rp, r, REPLAY_PHASES, &none, &none, &none,
				    ph);
			for (int p = 0; p < DRAIN_NR_PHASES; p++)
				total += ph[p];
			if (!i || total < r->phased_ns) {
				r->phased_ns = total;
				memcpy(r->phase_ns, ph, sizeof(ph));
			}
		}
		replay_once(rp, r, REPLAY_LOOKUP, &snap, &lookup, &tick, NULL);
		replay_once(rp, r, REPLAY_TICK, &none, &drain, &tick, NULL);
		if (!i || snap < r->snap_ns)
			r->snap_ns = snap;
		if (!i || lookup < r->lookup_ns)
			r->lookup_ns = lookup;
		if (!i || drain < r->drain_ns)
			r->drain_ns = drain;
		if (!i || tick < r->tick_ns)
			r->tick_ns = tick;
	}
}

/* Reports of the trace, and the ring capacity no tick overflows. */
static void replay_reports(struct replay *rp, bool physical)
{
	unsigned int *per_cpu;
	unsigned long most = 0;

	rp->nr_cpus = rp->tr->nr_cpus ? rp->tr->nr_cpus : 1;
	rp->n = rp->tr->n * rp->cycles;
	rp->reps = calloc(rp->n, sizeof(*rp->reps));
	per_cpu = calloc(rp->nr_cpus, sizeof(*per_cpu));
	if (!rp->reps || !per_cpu)
		rd_usage_error(self->name, "out of memory");
	for (size_t i = 0; i < rp->n; i++) {
		const struct drain_trace_rec *t = &rp->tr->recs[i % rp->tr->n];
		struct damon_access_report *rep = &rp->reps[i];

		rep->vaddr = t->addr;
		rep->paddr = t->addr;
		rep->size = t->size;
		rep->cpu = t->cpu;
		rep->tid = t->tgid;
		rep->tgid = physical ? 0 : t->tgid;
		rep->is_write = t->write;
		if (i % rp->tick_reports == 0)
			memset(per_cpu, 0, rp->nr_cpus * sizeof(*per_cpu));
		if (++per_cpu[t->cpu] > most)
			most = per_cpu[t->cpu];
	}
	free(per_cpu);
	rp->capacity = 256;
	while (rp->capacity < most + 1)
		rp->capacity *= 2;
	if (rp->capacity > RD_MAX_CAPACITY)
		rd_usage_error(self->name,
			       "--tick-reports %lu: %lu reports on one CPU in a tick is more than a ring holds",
			       rp->tick_reports, most);
}

/*
 * Several traces, one process each: trace i gets tgid i + 1, or the i-th
 * target's of @layout; interleaved as drain_trace_interleave() does, one
 * CPU per process, each moving to the next CPU every four ticks.
 */
static void replay_load_procs(struct drain_trace *tr, char **paths, int n,
			      const struct drain_layout *layout,
			      struct drain_trace_opts *to,
			      unsigned long tick_reports)
{
	struct drain_trace *in = calloc(n, sizeof(*in));
	const struct drain_trace **pin = calloc(n, sizeof(*pin));
	pid_t *tgids = calloc(n, sizeof(*tgids));
	struct rd_err err = { 0 };
	size_t e = 0;

	if (!in || !pin || !tgids)
		rd_usage_error(self->name, "out of memory");
	if (layout && layout->physical)
		rd_usage_error(self->name, "%s: several traces need a virtual layout (one target per trace), not a physical one",
			       paths[0]);
	for (int i = 0; i < n; i++) {
		if (layout) {
			/* The layout's next tgid no earlier trace took. */
			for (; e < layout->n; e++) {
				int k = 0;

				while (k < i && tgids[k] != layout->e[e].tgid)
					k++;
				if (k == i)
					break;
			}
			if (e == layout->n)
				rd_usage_error(self->name, "%s: trace %d of %d, but the layout has only %d tgid%s",
					       paths[i], i + 1, n, i,
					       i == 1 ? "" : "s");
			to->lackey_tgid = layout->e[e].tgid;
			tgids[i] = to->lackey_tgid;
		} else {
			to->lackey_tgid = i + 1;
		}
		if (drain_trace_load(paths[i], to, &in[i], &err))
			rd_usage_error(self->name, "%s", err.msg);
		pin[i] = &in[i];
	}
	if (drain_trace_interleave(tr, pin, n, n, 4 * tick_reports, &err))
		rd_usage_error(self->name, "%s", err.msg);
	for (int i = 0; i < n; i++)
		drain_trace_free(&in[i]);
	free(in);
	free(pin);
	free(tgids);
}

static void print_run(const struct run *r, u64 reports)
{
	printf("%-10s %-6s %8.1f %8.1f %8.1f %8.1f %9" PRIu64 " %9" PRIu64 " %6" PRIu64
	       " %9" PRIu64 " %9" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
	       r->s->name, drain_zero_policy_name(r->zero),
	       reports ? r->snap_ns / reports : 0,
	       reports ? r->lookup_ns / reports : 0,
	       reports ? r->drain_ns / reports : 0,
	       reports ? r->tick_ns / reports : 0, r->c.applied,
	       r->c.deduplicated, r->c.stale, r->c.no_target, r->c.no_region,
	       r->c.straddling, r->c.snapshot_alloc_failures);
}

static double run_ns(const struct run *r, int c);

/*
 * --phases: each run's phases, ns per report and share of the timed tick,
 * beside the untimed tick; "clock" is what the clock's reads add.
 */
static void print_phases(const struct run *runs, unsigned int nruns)
{
	printf("\nphases (--phases, clock %s): ns/report (share of the tick) of one run, the\n"
	       "repetition of least total; 'tick' is the untimed tick above, 'clock' what\n"
	       "the timed run took more (3 clock reads a drain chunk, 6 more a tick)\n",
	       PHASE_CLOCK);
	printf("%-10s %-6s %7s", "strategy", "zero", "tick");
	for (int p = 0; p < DRAIN_NR_PHASES; p++)
		printf(" %15s", drain_phase_names[p]);
	printf(" %7s\n", "clock");
	for (unsigned int i = 0; i < nruns; i++) {
		const struct run *r = &runs[i];
		double n = r->c.reports ? (double)r->c.reports : 1;

		printf("%-10s %-6s %7.1f", r->s->name,
		       drain_zero_policy_name(r->zero), r->tick_ns / n);
		for (int p = 0; p < DRAIN_NR_PHASES; p++)
			printf(" %7.2f (%4.1f%%)", r->phase_ns[p] / n,
			       r->phased_ns ? 100 * r->phase_ns[p] /
			       r->phased_ns : 0);
		printf(" %+6.1f%%\n", r->tick_ns ? 100 * (r->phased_ns -
						     r->tick_ns) / r->tick_ns : 0);
	}
}

/* @s as a JSON string. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

struct replay_info {
	char **traces;
	int nr_traces;
	unsigned long regions, min_regions, max_regions, aggr_ticks;
	const char *rings;
	bool same;
};

/* --json: what the text says, for a machine; written whole or not at all. */
static int write_json(const char *path, const struct replay *rp,
		      const struct replay_info *in, const struct run *runs,
		      unsigned int nruns)
{
	static const char *const cols[] = { "snap", "lookup", "drain", "tick" };
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"traces\": [");
	for (int i = 0; i < in->nr_traces; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_str(f, in->traces[i]);
	}
	fprintf(f, "],\n  \"cycles\": %lu,\n  \"reports\": %zu,\n  \"tick_reports\": %lu,\n"
		"  \"ticks\": %" PRIu64 ",\n  \"cpus\": %u,\n"
		"  \"regions\": %lu,\n  \"min_regions\": %lu,\n"
		"  \"max_regions\": %lu,\n  \"aggr_ticks\": %lu,\n"
		"  \"rings\": \"%s\",\n  \"repeat\": %lu,\n"
		"  \"phases\": %s,\n  \"phase_clock\": \"%s\",\n"
		"  \"identical\": %s,\n  \"runs\": [\n",
		rp->cycles, rp->n, rp->tick_reports,
		nruns ? runs[0].ticks : 0,
		rp->nr_cpus, in->regions, in->min_regions, in->max_regions,
		in->aggr_ticks, in->rings, rp->repeat,
		rp->phases ? "true" : "false", PHASE_CLOCK,
		in->same ? "true" : "false");
	for (unsigned int i = 0; i < nruns; i++) {
		const struct run *r = &runs[i];
		double n = r->c.reports ? (double)r->c.reports : 1;

		fprintf(f, "    {\"strategy\": \"%s\", \"zero\": \"%s\"",
			r->s->name, drain_zero_policy_name(r->zero));
		for (int c = 0; c < 4; c++)
			fprintf(f, ", \"%s_ns_per_report\": %.3f", cols[c],
				run_ns(r, c) / n);
		fprintf(f, ",\n     \"counters\": {\"reports\": %" PRIu64
			", \"applied\": %" PRIu64 ", \"deduplicated\": %" PRIu64
			", \"stale\": %" PRIu64 ", \"no_target\": %" PRIu64
			", \"no_region\": %" PRIu64 ", \"straddling\": %" PRIu64
			", \"snapshot_alloc_failures\": %" PRIu64
			", \"refused\": %" PRIu64 "}",
			r->c.reports, r->c.applied, r->c.deduplicated,
			r->c.stale, r->c.no_target, r->c.no_region,
			r->c.straddling, r->c.snapshot_alloc_failures,
			r->dropped);
		if (rp->phases) {
			fprintf(f, ",\n     \"timed_tick_ns_per_report\": %.3f,"
				" \"phases\": {", r->phased_ns / n);
			for (int p = 0; p < DRAIN_NR_PHASES; p++)
				fprintf(f, "%s\"%s\": {\"ns_per_report\": %.3f, \"share\": %.4f}",
					p ? ", " : "", drain_phase_names[p],
					r->phase_ns[p] / n, r->phased_ns ?
					r->phase_ns[p] / r->phased_ns : 0);
			fprintf(f, "}");
		}
		fprintf(f, "}%s\n", i + 1 < nruns ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (ferror(f) | fclose(f)) {
		int e = errno ? errno : EIO;

		unlink(tmp);
		return -e;
	}
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

/* Column @c of a run: snap, lookup, drain, tick. */
static double run_ns(const struct run *r, int c)
{
	return c == 0 ? r->snap_ns : c == 1 ? r->lookup_ns :
		c == 2 ? r->drain_ns : r->tick_ns;
}

/* rfc (eager, as posted) against the fastest other run, per column. */
static void print_ratios(const struct run *runs, unsigned int nruns)
{
	static const char *const col[] = { "snap", "lookup", "drain", "tick" };
	const struct run *rfc = NULL;

	for (unsigned int i = 0; i < nruns; i++)
		if (!strcmp(runs[i].s->name, "rfc") &&
		    runs[i].zero == DRAIN_ZERO_EAGER)
			rfc = &runs[i];
	if (!rfc || nruns < 2)
		return;
	for (int c = 0; c < 4; c++) {
		const struct run *best = NULL;
		double b = 0, x;

		for (unsigned int i = 0; i < nruns; i++) {
			/* list has no snapshot to compare with rfc's. */
			if (!strcmp(runs[i].s->name, "rfc") ||
			    (c == 0 && !strcmp(runs[i].s->name, "list")))
				continue;
			x = run_ns(&runs[i], c);
			if (!best || x < b) {
				best = &runs[i];
				b = x;
			}
		}
		if (!best || b <= 0)
			continue;
		x = run_ns(rfc, c);
		printf("%-6s: rfc/eager %.1f ns/report, fastest %s/%s %.1f: %.1fx\n",
		       col[c], x / rfc->c.reports, best->s->name,
		       drain_zero_policy_name(best->zero), b / best->c.reports,
		       x / b);
	}
}

/* Whether @name is one of the comma-separated @list. */
static bool name_listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; ; p += strcspn(p, ",") + 1) {
		if (strcspn(p, ",") == n && !strncmp(p, name, n))
			return true;
		if (!p[strcspn(p, ",")])
			return false;
	}
}

static int run(int argc, char **argv)
{
	const char *layout_path = NULL, *strategy = "all", *zero = "default";
	const char *dump = NULL, *ring = "rfc";
	uint64_t regions = 1000, sample = 1, tick_reports = 3600;
	uint64_t aggr_ticks = 20, seed = 1, repeat = 3, max_regions = 0;
	uint64_t min_regions = 0, cycles = 1;
	const char *rings = "default", *json = NULL;
	bool clamp = false, phases = false, kstream = false;
	struct rd_opt opts[] = {
		{ .name = "layout", .type = RD_OPT_STR, .dst = &layout_path,
		  .metavar = "FILE",
		  .help = "regions from FILE: 'tgid start end' a line (tgid 0: physical)" },
		{ .name = "regions", .type = RD_OPT_U64, .dst = &regions,
		  .metavar = "N", .min = 1, .max = DRAIN_MAX_REGIONS,
		  .help = "split the trace's address span evenly into N regions (default 1000)" },
		{ .name = "sample", .type = RD_OPT_U64, .dst = &sample,
		  .metavar = "N", .min = 1, .max = 1000000000,
		  .help = "keep every Nth data access (default 1)" },
		{ .name = "tick-reports", .type = RD_OPT_U64,
		  .dst = &tick_reports, .metavar = "K", .min = 1,
		  .max = 1 << 22,
		  .help = "reports per sampling interval (default 3600)" },
		{ .name = "strategy", .type = RD_OPT_STR, .dst = &strategy,
		  .metavar = "NAMES|all",
		  .help = "lookup strategies, comma-separated (default all; see ringdrain list)" },
		{ .name = "zero", .type = RD_OPT_STR, .dst = &zero,
		  .metavar = "NAME|all",
		  .help = "zero-access policy: eager, lazy, all or default (eager for list and rfc, lazy for the others)" },
		{ .name = "aggr-ticks", .type = RD_OPT_U64, .dst = &aggr_ticks,
		  .metavar = "N", .min = 0, .max = 1000000,
		  .help = "aggregation boundary every N ticks, 0: never (default 20)" },
		{ .name = "max-regions", .type = RD_OPT_U64, .dst = &max_regions,
		  .metavar = "N", .min = 3, .max = DRAIN_MAX_REGIONS,
		  .help = "DAMON's max_nr_regions (default 1000 or the layout's count if larger)" },
		{ .name = "min-regions", .type = RD_OPT_U64, .dst = &min_regions,
		  .metavar = "N", .min = 1, .max = DRAIN_MAX_REGIONS,
		  .help = "DAMON's min_nr_regions (default 10, or max-regions if smaller); the tick suite's tick/trace rows set it to --regions" },
		{ .name = "rings", .type = RD_OPT_STR, .dst = &rings,
		  .metavar = "MODE",
		  .help = "how kdamond reads the rings: in-place (4/6: one pass a CPU, read where they lie), batched (copied out into full batches) or default (in place for rfc, batched for the others)" },
		{ .name = "cycles", .type = RD_OPT_U64, .dst = &cycles,
		  .metavar = "N", .min = 1, .max = 1000,
		  .help = "feed the trace N times over, as the tick suite's generator cycles it (default 1)" },
		{ .name = "phases", .type = RD_OPT_FLAG, .dst = &phases,
		  .help = "also time each phase of the tick (snapshot, ring, lookup, credit, zero pass, boundary) in one more run per repetition, and print each one's share" },
		{ .name = "json", .type = RD_OPT_STR, .dst = &json,
		  .metavar = "FILE",
		  .help = "also write the results (and the phases) to FILE as JSON" },
		{ .name = "clamp", .type = RD_OPT_FLAG, .dst = &clamp,
		  .help = "the later moving-sum fix instead of the posted wrap" },
		{ .name = "seed", .type = RD_OPT_U64, .dst = &seed,
		  .metavar = "N", .min = 0, .max = UINT64_MAX,
		  .help = "seed of the split PRNG (default 1)" },
		{ .name = "ring", .type = RD_OPT_STR, .dst = &ring,
		  .metavar = "DESIGN", .help = "ring design (default rfc)" },
		{ .name = "repeat", .type = RD_OPT_U64, .dst = &repeat,
		  .metavar = "N", .min = 1, .max = 1000,
		  .help = "run each N times, report the fastest (default 3)" },
		{ .name = "dump", .type = RD_OPT_STR, .dst = &dump,
		  .metavar = "FILE",
		  .help = "write the final regions and counters to FILE" },
		{ .name = "kstream", .type = RD_OPT_FLAG, .dst = &kstream,
		  .help = "TRACE is a kernel drain stream (kcheck's drain module; format in drain/kstream.c)" },
		{ 0 },
	};
	struct drain_trace_opts to = { .lackey_tgid = 1 };
	struct drain_layout layout;
	struct drain_trace tr;
	struct damon_attrs attrs;
	struct replay rp = { 0 };
	struct run *runs;
	struct rd_err err = { 0 };
	unsigned int nruns = 0;
	struct damon_ctx *start;
	bool same = true;
	int npos;

	npos = rd_parse_cmdline(self, opts, argc, argv, 1, DRAIN_MAX_TARGETS,
				"no TRACE given (usage: ringdrain replay TRACE... [options])");
	if (layout_path && opts[1].seen)
		rd_usage_error(self->name, "--layout and --regions exclude each other");
	if (strcmp(strategy, "all")) {
		for (const char *p = strategy; ; p += strcspn(p, ",") + 1) {
			int len = strcspn(p, ",");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", len, p);
			if (!drain_strategy_find(name))
				rd_usage_error(self->name, "--strategy: unknown strategy '%.*s' (see 'ringdrain list')",
					       len, p);
			if (!p[len])
				break;
		}
	}
	if (strcmp(zero, "all") && strcmp(zero, "default") &&
	    drain_zero_policy_find(zero) < 0)
		rd_usage_error(self->name, "--zero: unknown policy '%s' (eager, lazy, all or default)",
			       zero);
	if (kstream) {
		struct rd_err kerr = { 0 };
		int rc;

		if (npos > 1)
			rd_usage_error(self->name, "--kstream takes one stream");
		rc = drain_kstream_replay(argv[0], strategy, dump, stdout, &kerr);
		if (rc < 0)
			rd_usage_error(self->name, "%s", kerr.msg);
		return rc;
	}
	if (!strcmp(rings, "default"))
		rp.rings = DRAIN_RINGS_DEFAULT;
	else if (!strcmp(rings, "in-place"))
		rp.rings = DRAIN_RINGS_IN_PLACE;
	else if (!strcmp(rings, "batched"))
		rp.rings = DRAIN_RINGS_BATCHED;
	else
		rd_usage_error(self->name, "--rings: unknown mode '%s' (in-place, batched or default)",
			       rings);
	if (json && !*json)
		rd_usage_error(self->name, "--json: empty file name");
	rp.phases = phases;
	rp.ring = rd_design_find(ring);
	if (!rp.ring)
		rd_usage_error(self->name, "--ring: unknown design '%s' (see 'ringdrain list')",
			       ring);

	if (layout_path) {
		if (drain_layout_load(layout_path, &layout, &err))
			rd_usage_error(self->name, "%s", err.msg);
		to.lackey_tgid = layout.physical ? 0 : layout.e[0].tgid;
	}
	to.sample = sample;
	if (npos == 1 && drain_trace_load(argv[0], &to, &tr, &err))
		rd_usage_error(self->name, "%s", err.msg);
	if (npos > 1)
		replay_load_procs(&tr, argv, npos, layout_path ? &layout : NULL,
				  &to, tick_reports);
	if (!layout_path) {
		bool physical = true;

		for (size_t i = 0; i < tr.n && physical; i++)
			physical = tr.recs[i].tgid == 0;
		if (drain_layout_split_span(&layout, &tr, regions, physical,
					    &err))
			rd_usage_error(self->name, "%s: %s", argv[0], err.msg);
	}

	drain_attrs_default(&attrs);
	attrs.aggr_ticks = aggr_ticks;
	if (aggr_ticks)
		attrs.window = aggr_ticks;
	attrs.clamp_moving_sum = clamp;
	attrs.max_nr_regions = max_regions ? max_regions :
		layout.n > 1000 ? layout.n : 1000;
	if (min_regions > attrs.max_nr_regions)
		rd_usage_error(self->name, "--min-regions %" PRIu64 " is above max_nr_regions %u (see --max-regions)",
			       min_regions, attrs.max_nr_regions);
	if (min_regions)
		attrs.min_nr_regions = min_regions;
	if (attrs.min_nr_regions > attrs.max_nr_regions)
		attrs.min_nr_regions = attrs.max_nr_regions;
	start = drain_ctx_from_layout(&layout, &attrs, seed, &err);
	if (!start)
		rd_usage_error(self->name, "%s", err.msg);

	rp.tr = &tr;
	rp.start = start;
	rp.tick_reports = tick_reports;
	rp.repeat = repeat;
	rp.cycles = cycles;
	replay_reports(&rp, layout.physical);

	runs = calloc(drain_nr_strategies * DRAIN_NR_ZERO_POLICIES,
		      sizeof(*runs));
	if (!runs)
		rd_usage_error(self->name, "out of memory");
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		if (strcmp(strategy, "all") &&
		    !name_listed(strategy, drain_strategies[i]->name))
			continue;
		for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++) {
			if (!strcmp(zero, "default") ?
			    z != (int)drain_zero_policy_default(drain_strategies[i]) :
			    strcmp(zero, "all") &&
			    strcmp(zero, drain_zero_policy_name(z)))
				continue;
			runs[nruns].s = drain_strategies[i];
			runs[nruns].zero = z;
			nruns++;
		}
	}

	if (npos > 1)
		printf("%d processes (tgids %s), one trace each, interleaved over %u CPUs, moving CPU every %" PRIu64 " reports\n",
		       npos, layout_path ? "of the layout's tgids in order" :
		       "1, 2, ...", tr.nr_cpus, 4 * tick_reports);
	printf("replay %s%s: %s, %lu lines, %lu data accesses, %zu reports (every %" PRIu64 ")%s\n",
	       argv[0], npos > 1 ? " ..." : "", tr.format == DRAIN_TRACE_LACKEY ? "valgrind lackey" :
	       "ringdrain text", tr.lines, tr.accesses, tr.n, sample,
	       cycles > 1 ? ", the trace fed several times over (--cycles)" : "");
	printf("context: %s, %u target%s, %lu regions; %lu ticks of up to %" PRIu64
	       " reports; ring %s x %u CPU%s of %lu slots\n",
	       layout.physical ? "physical" : "virtual",
	       drain_ctx_nr_targets(start),
	       drain_ctx_nr_targets(start) == 1 ? "" : "s",
	       drain_ctx_nr_regions(start),
	       (unsigned long)((tr.n * cycles + tick_reports - 1) /
			       tick_reports),
	       tick_reports, rp.ring->name, rp.nr_cpus,
	       rp.nr_cpus == 1 ? "" : "s", rp.capacity);
	if (aggr_ticks)
		printf("aggregation every %" PRIu64 " ticks, at most %u regions, moving sum %s\n",
		       aggr_ticks, attrs.max_nr_regions,
		       clamp ? "clamped" : "as posted");
	else
		printf("aggregation never: the layout stays fixed\n");
	printf("ns/report, best of %" PRIu64 " runs: 'snap' = snapshot builds alone; 'lookup' =\n"
	       "the lookup alone; 'drain' = snapshot + ring drain + lookup + credit; 'tick' =\n"
	       "drain + zero-access pass + aggregation boundary (the whole kdamond tick)\n\n",
	       repeat);
	printf("%-10s %-6s %8s %8s %8s %8s %9s %9s %6s %9s %9s %10s %10s\n",
	       "strategy", "zero", "snap", "lookup", "drain", "tick", "applied",
	       "dedup", "stale", "no_target", "no_region", "straddling",
	       "alloc_fail");
	for (unsigned int i = 0; i < nruns; i++) {
		struct rd_err why;

		replay_run(&rp, &runs[i]);
		print_run(&runs[i], runs[i].c.reports);
		if (runs[i].dropped)
			printf("  (%" PRIu64 " reports refused by the rings)\n",
			       runs[i].dropped);
		if (!i)
			continue;
		if (!drain_counters_equal(&runs[0].c, &runs[i].c)) {
			printf("  differs from %s/%s: counters\n",
			       runs[0].s->name,
			       drain_zero_policy_name(runs[0].zero));
			same = false;
		} else if (!drain_ctx_compare(runs[0].ctx, runs[i].ctx, &why)) {
			printf("  differs from %s/%s: %s\n", runs[0].s->name,
			       drain_zero_policy_name(runs[0].zero), why.msg);
			same = false;
		}
	}
	print_ratios(runs, nruns);
	if (phases)
		print_phases(runs, nruns);
	if (json) {
		struct replay_info in = {
			.traces = argv, .nr_traces = npos,
			.regions = drain_ctx_nr_regions(start),
			.min_regions = attrs.min_nr_regions,
			.max_regions = attrs.max_nr_regions,
			.aggr_ticks = aggr_ticks, .rings = rings, .same = same,
		};
		int e = write_json(json, &rp, &in, runs, nruns);

		if (e)
			rd_usage_error(self->name, "--json: cannot write '%s': %s",
				       json, strerror(-e));
	}
	if (dump) {
		FILE *f = fopen(dump, "w");

		if (!f || drain_ctx_dump(f, runs[0].ctx, &runs[0].c) ||
		    fclose(f))
			rd_usage_error(self->name, "--dump: cannot write '%s': %s",
				       dump, strerror(errno));
	}
	printf("results identical: %s\n", same ? "yes" : "no");

	for (unsigned int i = 0; i < nruns; i++)
		drain_ctx_free(runs[i].ctx);
	free(runs);
	free(rp.reps);
	drain_ctx_free(start);
	drain_layout_free(&layout);
	drain_trace_free(&tr);
	return same ? 0 : 1;
}

const struct rd_command rd_cmd_replay = {
	.name = "replay",
	.synopsis = "TRACE... [--layout FILE | --regions N] [--sample N] [--tick-reports K] [--strategy NAMES|all] [--phases] [--json FILE] [options]",
	.summary = "drain a recorded access trace through the lookup strategies, timed and cross-checked",
	.description =
		"TRACE is ringdrain's text format ('tgid addr size cpu r|w' a line) or the output of\n"
		"valgrind --tool=lackey --trace-mem=yes (detected); several TRACEs are several processes\n"
		"(tgids 1, 2, ... or the layout's targets), interleaved over one CPU each. Every chosen\n"
		"strategy and zero-access policy replays it from the same start: K reports a tick,\n"
		"produced into per-CPU rings and drained by one kdamond tick. Prints ns per report\n"
		"for each, then 'results identical: yes|no' (exit 1 on no). Bad input exits 2 with\n"
		"FILE:LINE and the problem. See drain/README.md.",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_replay;
