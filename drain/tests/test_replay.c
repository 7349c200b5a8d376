// SPDX-License-Identifier: GPL-2.0
/*
 * test_replay.c - ringdrain replay as a user runs it: the committed lackey
 * trace through every strategy and policy, layouts, text traces, --dump,
 * and one-line errors with exit 2 for bad input.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drain/drain.h"
#include "cli/tests/proc.h"

#ifndef RD_DRAIN_DATA
#error "RD_DRAIN_DATA must name drain/data"
#endif

#define TRACE	RD_DRAIN_DATA "/sort.lackey"

static const char *tmpfile_with(const char *name, const char *text)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	snprintf(p, 128, "/tmp/rd_replay_%d_%s", getpid(), name);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/*
 * Every strategy x policy (or, without @both_policies, every strategy with
 * its default policy) has a row with its times; identical results.
 */
static void expect_rows(const struct rd_proc *r, bool both_policies)
{
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		for (int z = 0; z < (both_policies ? 2 : 1); z++) {
			enum drain_zero_policy zp = both_policies ?
				(enum drain_zero_policy)z :
				drain_zero_policy_default(drain_strategies[i]);
			char head[64];
			const char *p;
			double snap, lookup, drain, tick;

			snprintf(head, sizeof(head), "\n%-10s %-6s ",
				 drain_strategies[i]->name,
				 drain_zero_policy_name(zp));
			p = strstr(r->out, head);
			cr_assert_not_null(p, "no row for %s/%s:\n%s",
					   drain_strategies[i]->name,
					   drain_zero_policy_name(zp), r->out);
			cr_assert_eq(sscanf(p + strlen(head), "%lf %lf %lf %lf",
					    &snap, &lookup, &drain, &tick), 4);
			cr_assert(snap >= 0 && lookup > 0 && drain > 0 &&
				  tick >= drain, "%s: %f %f %f %f", head + 1,
				  snap, lookup, drain, tick);
		}
	}
	cr_assert(strstr(r->out, "\nresults identical: yes\n"), "%s", r->out);
	cr_assert(strstr(r->out, "\nlookup: rfc/eager "), "%s", r->out);
	cr_assert(strstr(r->out, "\nsnap  : rfc/eager "), "%s", r->out);
}

Test(replay, committed_lackey_trace_every_strategy)
{
	struct rd_proc *r = rd_run_cli("replay %s --strategy all --zero all --repeat 1", TRACE);

	cr_assert_eq(r->status, 0, "exit %d: %s%s", r->status, r->out, r->err);
	cr_assert(strstr(r->out, "valgrind lackey"), "%s", r->out);
	expect_rows(r, true);
}

Test(replay, aggregation_dump_and_sampling)
{
	const char *dump = tmpfile_with("dump", "");
	char *text;
	unsigned int tgid, nr, bp, last, age;
	unsigned long start, end;
	struct rd_proc *r;

	r = rd_run_cli("replay %s --sample 4 --regions 64 --tick-reports 200 --aggr-ticks 5 --max-regions 200 --zero all --repeat 1 --dump %s",
		TRACE, dump);
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	expect_rows(r, true);
	text = rd_slurp(dump);
	cr_assert_eq(sscanf(strchr(text, '\n') + 1, "%u %lx %lx %u %u %u %u",
			    &tgid, &start, &end, &nr, &bp, &last, &age), 7,
		     "%s", text);
	cr_assert_eq(tgid, 1, "a lackey trace's target is tgid 1");
	cr_assert_lt(start, end);
	cr_assert(strstr(text, "\n# applied "), "%s", text);
	cr_assert(strstr(text, "\n# merges "), "%s", text);
	free(text);
	unlink(dump);
}

Test(replay, text_trace_and_layout)
{
	const char *tr = tmpfile_with("t.trace",
		"# tgid addr size cpu r|w\n"
		"10 0x1000 8 0 r\n10 0x1ff8 16 1 w\n20 0x1000 8 1 r\n"
		"30 0x5000 8 0 r\n10 0x3000 4096 0 w\n20 0x2000 8 0 r\n");
	const char *ly = tmpfile_with("t.layout",
		"10 0x1000 0x2000\n10 0x2000 0x4000\n20 0x0 0x1800\n");
	struct rd_proc *r;

	r = rd_run_cli("replay %s --layout %s --aggr-ticks 0 --tick-reports 2 --zero all --repeat 1",
		tr, ly);
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	expect_rows(r, true);
	cr_assert(strstr(r->out, "aggregation never"), "%s", r->out);
	/*
	 * 10@0x1000 hits; 10@0x1ff8+16 straddles 0x2000; 20@0x1000 hits;
	 * 30 has no target; 10@0x3000+4096 ends exactly at 0x4000, a hit;
	 * 20@0x2000 is past tgid 20's only region.
	 */
	cr_assert(strstr(r->out, "\nlist       eager "), "%s", r->out);
	{
		unsigned long long c[9];
		const char *p = strstr(r->out, "\nlist       eager ");

		cr_assert_eq(sscanf(p, " list eager %*f %*f %*f %*f %llu %llu %llu %llu %llu %llu %llu",
				    &c[0], &c[1], &c[2], &c[3], &c[4], &c[5],
				    &c[6]), 7, "%s", p);
		cr_assert_eq(c[0], 3, "applied");
		cr_assert_eq(c[1], 0, "deduplicated");
		cr_assert_eq(c[2], 0, "stale");
		cr_assert_eq(c[3], 1, "no target");
		cr_assert_eq(c[4], 1, "no region");
		cr_assert_eq(c[5], 1, "straddling");
		cr_assert_eq(c[6], 0, "alloc failures");
	}

	/* A lackey trace over a physical layout. */
	ly = tmpfile_with("p.layout", "0 0x0 0x10000000\n0 0x10000000 0x2000000000\n");
	r = rd_run_cli("replay %s --layout %s --repeat 1 --strategy btree --zero lazy", TRACE, ly);
	cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
	cr_assert(strstr(r->out, "context: physical, 1 target, 2 regions"), "%s",
		  r->out);
	cr_assert(strstr(r->out, "\nbtree      lazy "), "%s", r->out);
}

static void expect_bad(struct rd_proc *r, const char *needle)
{
	cr_assert_eq(r->status, 2, "exit %d, want 2: %s%s", r->status, r->out,
		     r->err);
	cr_assert_eq(rd_proc_lines(r->err), 1, "stderr is not one line: %s", r->err);
	cr_assert(strncmp(r->err, "ringdrain replay: ", 18) == 0, "%s", r->err);
	cr_assert(strstr(r->err, needle), "'%s' lacks '%s'", r->err, needle);
}

Test(replay, bad_input_is_one_line_and_exit_2)
{
	const char *tr = tmpfile_with("bad.trace",
		"1 0x1000 8 0 r\n1 0x2000 8 0 r\n1 0x3000 8 zero r\n");
	const char *ok = tmpfile_with("ok.trace", "1 0x1000 8 0 r\n");
	const char *ov = tmpfile_with("ov.layout",
		"1 0x1000 0x3000\n1 0x2000 0x4000\n");
	const char *un = tmpfile_with("un.layout",
		"1 0x5000 0x6000\n1 0x1000 0x2000\n");
	char want[256];

	snprintf(want, sizeof(want), "%s:3: cpu 'zero' is not a number", tr);
	expect_bad(rd_run_cli("replay %s", tr), want);
	snprintf(want, sizeof(want), "%s:2:", ov);
	expect_bad(rd_run_cli("replay %s --layout %s", ok, ov), want);
	expect_bad(rd_run_cli("replay %s --layout %s", ok, ov), "overlaps the previous one");
	expect_bad(rd_run_cli("replay %s --layout %s", ok, un), "must be sorted");
	expect_bad(rd_run_cli("replay %s --strategy fastest", ok), "unknown strategy 'fastest'");
	expect_bad(rd_run_cli("replay %s --zero sometimes", ok), "unknown policy 'sometimes'");
	expect_bad(rd_run_cli("replay %s --ring nope", ok), "unknown design 'nope'");
	expect_bad(rd_run_cli("replay %s --layout %s --regions 5", ok, ov), "exclude each other");
	expect_bad(rd_run_cli("replay %s --sample 0", ok), "--sample: '0' too small");
	expect_bad(rd_run_cli("replay %s", ""), "no TRACE given");
	expect_bad(rd_run_cli("replay %s %s --layout %s", ok, ok,
			      tmpfile_with("one.layout", "1 0x1000 0x2000\n")),
		   "trace 2 of 2, but the layout has only 1 tgid");
	expect_bad(rd_run_cli("replay /nonexistent.trace"), "/nonexistent.trace: cannot open");
	expect_bad(rd_run_cli("replay %s --regions 0", ok), "--regions");
	expect_bad(rd_run_cli("replay %s --strategy rfc,bogus", ok),
		   "unknown strategy 'bogus'");
	expect_bad(rd_run_cli("replay %s --rings sideways", ok),
		   "--rings: unknown mode 'sideways' (in-place, batched or default)");
	expect_bad(rd_run_cli("replay %s --min-regions 5000", ok),
		   "--min-regions 5000 is above max_nr_regions 1000");
	expect_bad(rd_run_cli("replay %s --cycles 0", ok), "--cycles: '0' too small");
	expect_bad(rd_run_cli("replay %s --strategy rfc --json /nonexistent/x.json", ok),
		   "--json: cannot write '/nonexistent/x.json'");
	expect_bad(rd_run_cli("replay %s --layout %s", ok,
			      tmpfile_with("t.layout", "1 0x1000 0x2000\ntarget\n")),
		   "the target started at line 2 has no regions");
}

/*
 * Two targets of tgid 1 (a 'target' line): each report of tgid 1 is judged
 * and credited in both, by every strategy and policy.
 *   0x1000: A applied, C applied;  0x1800: A dedup, C no region;
 *   0x5000: A no region, C no region.
 */
Test(replay, a_tgid_of_two_targets_is_credited_in_both)
{
	const char *tr = tmpfile_with("two.trace",
		"1 0x1000 8 0 r\n1 0x1800 8 0 r\n1 0x5000 8 0 r\n");
	const char *lay = tmpfile_with("two.layout",
		"1 0x1000 0x2000\n2 0x0 0x1000\ntarget\n1 0x1000 0x1800\n");
	struct rd_proc *r = rd_run_cli(
		"replay %s --layout %s --zero all --repeat 1", tr, lay);

	cr_assert_eq(r->status, 0, "exit %d: %s%s", r->status, r->out, r->err);
	cr_assert(strstr(r->out, "context: virtual, 3 targets, 3 regions"), "%s",
		  r->out);
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		for (int z = 0; z < 2; z++) {
			unsigned long c[7];
			char head[64];
			const char *p;

			snprintf(head, sizeof(head), "\n%-10s %-6s ",
				 drain_strategies[i]->name,
				 drain_zero_policy_name(z));
			p = strstr(r->out, head);
			cr_assert_not_null(p, "%s", r->out);
			cr_assert_eq(sscanf(p + strlen(head),
					    "%*f %*f %*f %*f %lu %lu %lu %lu %lu %lu %lu",
					    &c[0], &c[1], &c[2], &c[3], &c[4],
					    &c[5], &c[6]), 7);
			cr_assert(c[0] == 2 && c[1] == 1 && c[2] == 0 &&
				  c[3] == 0 && c[4] == 3 && c[5] == 0 && c[6] == 0,
				  "%s: applied/dedup/stale/no target/no region/straddling %lu/%lu/%lu/%lu/%lu/%lu",
				  head, c[0], c[1], c[2], c[3], c[4], c[5]);
		}
	}
	cr_assert(strstr(r->out, "results identical: yes"), "%s", r->out);
}

/*
 * --phases and --json: the tick suite's configuration on the committed
 * trace (in place, min_nr_regions = the count), fed three times over; every
 * phase printed for each run, the JSON file whole, with the counters.
 */
Test(replay, phases_and_json)
{
	char path[128], *buf;
	struct rd_proc *r;
	unsigned long reports = 0, once = 0;

	snprintf(path, sizeof(path), "/tmp/rd_replay_%d_phases.json", getpid());
	r = rd_run_cli("replay %s --sample 4 --regions 1000 --min-regions 1000 --max-regions 2000 --seed 42 --rings in-place --cycles 3 --aggr-ticks 5 --tick-reports 1000 --repeat 1 --strategy rfc,radix --phases --json %s",
		       TRACE, path);
	cr_assert_eq(r->status, 0, "exit %d: %s%s", r->status, r->out, r->err);
	cr_assert(strstr(r->out, "phases (--phases, clock "), "%s", r->out);
	for (const char *const *s = (const char *const[]){ "rfc", "radix", NULL };
	     *s; s++) {
		char head[64];
		const char *p;
		double tick, ns[DRAIN_NR_PHASES], share[DRAIN_NR_PHASES], sum = 0;

		snprintf(head, sizeof(head), "\n%-10s %-6s ", *s,
			 !strcmp(*s, "rfc") ? "eager" : "lazy");
		p = strstr(r->out, "phases (--phases");
		p = strstr(p, head);
		cr_assert_not_null(p, "no phase row for %s: %s", *s, r->out);
		cr_assert_eq(sscanf(p + strlen(head),
				    "%lf %lf (%lf%%) %lf (%lf%%) %lf (%lf%%) %lf (%lf%%) %lf (%lf%%) %lf (%lf%%)",
				    &tick, &ns[0], &share[0], &ns[1], &share[1],
				    &ns[2], &share[2], &ns[3], &share[3], &ns[4],
				    &share[4], &ns[5], &share[5]), 13, "%s", p);
		for (int i = 0; i < DRAIN_NR_PHASES; i++)
			sum += share[i];
		cr_assert(sum > 99.0 && sum < 101.0, "%s: shares sum to %f", *s,
			  sum);
	}
	cr_assert(strstr(r->out, "results identical: yes"), "%s", r->out);
	buf = rd_slurp(path);
	unlink(path);
	cr_assert(strstr(buf, "\"cycles\": 3,"), "%s", buf);
	cr_assert(strstr(buf, "\"rings\": \"in-place\""), "%s", buf);
	cr_assert(strstr(buf, "\"identical\": true"), "%s", buf);
	cr_assert(strstr(buf, "\"strategy\": \"radix\", \"zero\": \"lazy\""), "%s", buf);
	cr_assert(strstr(buf, "\"phases\": {\"snapshot\": {\"ns_per_report\": "), "%s", buf);
	cr_assert(strstr(buf, "\"boundary\": {\"ns_per_report\": "), "%s", buf);
	cr_assert_eq(sscanf(strstr(buf, "\"reports\": "), "\"reports\": %lu",
			    &reports), 1);
	cr_assert_eq(sscanf(strstr(r->out, "data accesses, "), "data accesses, %lu",
			    &once), 1);
	cr_assert_eq(reports, 3 * once, "%lu reports, %lu a cycle", reports, once);
	cr_assert_geq(strlen(buf), 2);
	cr_assert_eq(buf[strlen(buf) - 2], '}', "the file ends whole");
	free(buf);
}

/*
 * Several committed lackey traces as processes: one target each (tgids 1,
 * 2, ...), one CPU each, every strategy with its default policy, from an
 * even split of DAMON's default 1000 regions to aggregation with merges and
 * splits; and the same run with every policy.
 */
Test(replay, several_processes_every_strategy, .timeout = 240)
{
	struct rd_proc *r = rd_run_cli(
		"replay %s %s %s --sample 4 --regions 1000 --aggr-ticks 5 --tick-reports 1000 --repeat 1",
		TRACE, RD_DRAIN_DATA "/gzip.lackey", RD_DRAIN_DATA "/xz.lackey");

	cr_assert_eq(r->status, 0, "exit %d: %s%s", r->status, r->out, r->err);
	cr_assert(strstr(r->out, "3 processes (tgids 1, 2, ...), one trace each, interleaved over 3 CPUs"),
		  "%s", r->out);
	cr_assert(strstr(r->out, "context: virtual, 3 targets, 1000 regions"),
		  "%s", r->out);
	expect_rows(r, false);
	r = rd_run_cli("replay %s %s --sample 8 --regions 200 --aggr-ticks 4 --tick-reports 500 --zero all --repeat 1",
		       RD_DRAIN_DATA "/awk.lackey", RD_DRAIN_DATA "/perl.lackey");
	cr_assert_eq(r->status, 0, "exit %d: %s%s", r->status, r->out, r->err);
	expect_rows(r, true);
}
