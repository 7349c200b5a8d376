// SPDX-License-Identifier: GPL-2.0
/* cmd_stress.c - ringdrain stress: asynchronous producers, every record checked. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "stress.h"

static const struct rd_command *self;

#define RD_STRESS_PROGRESS_FROM	10.0	/* seconds: a progress line from here */
#define RD_STRESS_MAX_RING_BYTES	(4.0 * (1 << 30))	/* all rings together */

/**
 * print_level_lines() - one line per context level that produced.
 * @res:	the outcome.
 *
 * Context: the command's main thread, after the run.
 */
static void print_level_lines(const struct rd_stress_result *res)
{
	static const char *const names[RD_STRESS_LEVELS] = {
		"task", "signal depth 1", "signal depth 2", "signal depth 3",
	};

	for (unsigned int l = 0; l < RD_STRESS_LEVELS; l++) {
		const struct rd_stress_level_result *lr = &res->level[l];

		if (!lr->produced)
			continue;
		printf("stress: level %u (%s): produced=%" PRIu64
		       " accepted=%" PRIu64 " nested=%" PRIu64
		       " nested_accepted=%" PRIu64 "\n", l, names[l],
		       lr->produced, lr->accepted, lr->nested,
		       lr->nested_accepted);
	}
}

/**
 * print_text() - the details, then the summary line, last.
 * @cfg:	the run.
 * @res:	its outcome.
 *
 * Context: the command's main thread, after the run.
 */
static void print_text(const struct rd_stress_config *cfg,
		       const struct rd_stress_result *res)
{
	const char *mode = rd_stress_mode_name(cfg->mode);

	print_level_lines(res);
	printf("stress: signals=%" PRIu64 " perf_samples=%" PRIu64
	       " aimed=%" PRIu64 " aimed_accepted=%" PRIu64 " drains=%" PRIu64
	       " elapsed=%.2fs\n", res->signals, res->perf_samples,
	       res->aimed, res->aimed_accepted, res->drains, res->elapsed);
	if (res->unaccounted)
		printf("stress: FAILED: the ring's counters disagree with the producers by %" PRIu64 "\n",
		       res->unaccounted);
	if (res->reorder && !res->order_promised)
		printf("stress: reorder is not a failure: %s is not nesting-safe, so nest mode promises no order\n",
		       cfg->design->name);
	if (res->perf_foreign)
		printf("stress: note: %" PRIu64 " perf samples named another thread\n",
		       res->perf_foreign);
	printf("design=%s mode=%s produced=%" PRIu64 " consumed=%" PRIu64
	       " dropped_full=%" PRIu64 " dropped_nested=%" PRIu64
	       " lost=%" PRIu64 " torn=%" PRIu64 " dup=%" PRIu64
	       " reorder=%" PRIu64 "\n", cfg->design->name, mode,
	       res->produced, res->consumed, res->dropped_full,
	       res->dropped_nested, res->lost, res->torn, res->dup,
	       res->reorder);
}

/* JSON integers are signed 64-bit; every count here is far below 2^63. */
static void set_u64(json_t *o, const char *key, u64 v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/**
 * print_json() - the summary and the details as one JSON object.
 * @cfg:	the run.
 * @res:	its outcome.
 *
 * Context: the command's main thread, after the run.
 */
static void print_json(const struct rd_stress_config *cfg,
		       const struct rd_stress_result *res)
{
	json_t *o = json_object(), *levels = json_array();

	json_object_set_new(o, "design", json_string(cfg->design->name));
	json_object_set_new(o, "mode",
			    json_string(rd_stress_mode_name(cfg->mode)));
	set_u64(o, "producers", cfg->producers);
	set_u64(o, "capacity", cfg->capacity);
	set_u64(o, "record", cfg->rec_size);
	json_object_set_new(o, "seconds", json_real(cfg->seconds));
	set_u64(o, "drain_us", cfg->drain_us);
	set_u64(o, "seed", cfg->seed);
	set_u64(o, "produced", res->produced);
	set_u64(o, "consumed", res->consumed);
	set_u64(o, "dropped_full", res->dropped_full);
	set_u64(o, "dropped_nested", res->dropped_nested);
	set_u64(o, "lost", res->lost);
	set_u64(o, "torn", res->torn);
	set_u64(o, "dup", res->dup);
	set_u64(o, "reorder", res->reorder);
	set_u64(o, "accepted", res->accepted);
	set_u64(o, "unaccounted", res->unaccounted);
	json_object_set_new(o, "order_promised",
			    json_boolean(res->order_promised));
	json_object_set_new(o, "clean", json_boolean(res->clean));
	for (unsigned int l = 0; l < RD_STRESS_LEVELS; l++) {
		json_t *lv = json_object();

		set_u64(lv, "level", l);
		set_u64(lv, "produced", res->level[l].produced);
		set_u64(lv, "accepted", res->level[l].accepted);
		set_u64(lv, "nested", res->level[l].nested);
		set_u64(lv, "nested_accepted", res->level[l].nested_accepted);
		json_array_append_new(levels, lv);
	}
	json_object_set_new(o, "levels", levels);
	set_u64(o, "signals", res->signals);
	set_u64(o, "perf_samples", res->perf_samples);
	set_u64(o, "perf_foreign", res->perf_foreign);
	set_u64(o, "aimed", res->aimed);
	set_u64(o, "aimed_accepted", res->aimed_accepted);
	set_u64(o, "drains", res->drains);
	json_object_set_new(o, "elapsed_s", json_real(res->elapsed));
	json_dumpf(o, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(o);
}

/**
 * run() - ringdrain stress: check the arguments, run, report.
 * @argc:	arguments, argv[0] being "stress".
 * @argv:	the arguments.
 *
 * Context: the process's main thread, nothing else running.
 * Return: the exit status (see the command's description).
 */
static int run(int argc, char **argv)
{
	const char *design = NULL, *mode = NULL;
	const char *record = NULL;
	uint64_t producers = 2, capacity = 256, drain_us = 5000, seed = 1;
	double seconds = 5.0;
	uint64_t aim = 0;
	bool json = false, progress = false;
	struct rd_opt opts[] = {
		{ .name = "design", .type = RD_OPT_STR, .dst = &design,
		  .metavar = "D", .help = "ring design (see 'ringdrain list')" },
		{ .name = "mode", .type = RD_OPT_STR, .dst = &mode,
		  .metavar = "M", .help = "thread, signal, perf or nest" },
		{ .name = "seconds", .type = RD_OPT_DOUBLE, .dst = &seconds,
		  .metavar = "S", .dmin = 0, .dmin_open = true,
		  .dmax = RD_STRESS_MAX_SECONDS,
		  .help = "how long the producers run (default 5)" },
		{ .name = "producers", .type = RD_OPT_U64, .dst = &producers,
		  .metavar = "N", .min = 1, .max = RD_STRESS_MAX_PRODUCERS,
		  .help = "producer threads, one ring each (default 2)" },
		{ .name = "capacity", .type = RD_OPT_U64, .dst = &capacity,
		  .metavar = "C", .min = 2, .max = RD_MAX_CAPACITY,
		  .help = "slots per ring, a power of two (default 256)" },
		{ .name = "record", .type = RD_OPT_STR, .dst = &record,
		  .metavar = "48|32", .help = "record size in the ring (default 48)" },
		{ .name = "seed", .type = RD_OPT_U64, .dst = &seed,
		  .metavar = "X", .min = 0, .max = UINT64_MAX, .help = "seed of checksums and timing (default 1)" },
		{ .name = "drain-us", .type = RD_OPT_U64, .dst = &drain_us,
		  .metavar = "U", .min = 0, .max = RD_STRESS_MAX_DRAIN_US,
		  .help = "drain every U us, 0 continuously (default 5000)" },
		{ .name = "json", .type = RD_OPT_FLAG, .dst = &json,
		  .help = "print the summary as JSON" },
		{ .name = "progress", .type = RD_OPT_FLAG, .dst = &progress,
		  .help = "a progress line every second (default: on runs of 10 s or more)" },
#ifdef RD_NEST_HOOKS
		{ .name = "aim", .type = RD_OPT_U64, .dst = &aim,
		  .metavar = "N", .min = 1, .max = 1000000,
		  .help = "nest mode, hooks build: raise a nesting signal at a producer hook point every N records" },
#endif
		{ 0 },
	};
	struct rd_stress_config cfg = { 0 };
	struct rd_stress_result res;
	struct rd_err err;
	double ring_bytes;
	int m, rc;

	rd_parse_cmdline(self, opts, argc, argv, 0, 0, NULL);
	if (!design)
		rd_usage_error(self->name,
			       "--design is required (see 'ringdrain list')");
	cfg.design = rd_design_find(design);
	if (!cfg.design)
		rd_usage_error(self->name,
			       "--design: '%s' is not a ring design (see 'ringdrain list')",
			       design);
	if (!mode)
		rd_usage_error(self->name,
			       "--mode is required (thread, signal, perf or nest)");
	m = rd_stress_mode_find(mode);
	if (m < 0)
		rd_usage_error(self->name,
			       "--mode: '%s' is not a mode (thread, signal, perf or nest)",
			       mode);
	cfg.mode = m;
	cfg.seconds = seconds;
	cfg.rec_size = DAMON_REPORT_FULL;
	if (record && strcmp(record, "48") && strcmp(record, "32"))
		rd_usage_error(self->name,
			       "--record: '%s' must be %u (full) or %u (compact)",
			       record, (unsigned int)DAMON_REPORT_FULL,
			       (unsigned int)DAMON_REPORT_COMPACT);
	if (record)
		cfg.rec_size = (unsigned int)atoi(record);
	if (rd_ring_check(cfg.design, capacity, cfg.rec_size, &err))
		rd_usage_error(self->name, "--capacity: %s", err.msg);
	cfg.seed = seed;
	if (aim && cfg.mode != RD_STRESS_NEST)
		rd_usage_error(self->name, "--aim: only in --mode nest");
	cfg.producers = (unsigned int)producers;
	cfg.capacity = (unsigned int)capacity;
	ring_bytes = (double)cfg.design->size(cfg.capacity, cfg.rec_size) *
		cfg.producers;
	if (ring_bytes > RD_STRESS_MAX_RING_BYTES)
		rd_usage_error(self->name,
			       "--capacity: %u slots x %u producers need %.1f GiB of rings (at most %.0f GiB)",
			       cfg.capacity, cfg.producers, ring_bytes / (1 << 30),
			       RD_STRESS_MAX_RING_BYTES / (1 << 30));
	cfg.drain_us = (unsigned int)drain_us;
	cfg.aim_every = (unsigned int)aim;
	cfg.progress = progress || cfg.seconds >= RD_STRESS_PROGRESS_FROM;

	if (!json)
		printf("stress: design=%s mode=%s producers=%u capacity=%u record=%u seconds=%g drain_us=%u seed=%" PRIu64 "%s\n",
		       cfg.design->name, mode, cfg.producers, cfg.capacity,
		       cfg.rec_size, cfg.seconds, cfg.drain_us, cfg.seed,
		       cfg.aim_every ? " (aimed nesting)" : "");
	fflush(stdout);
	rc = rd_stress_run(&cfg, &res, &err);
	if (rc) {
		fprintf(stderr, "ringdrain %s: %s\n", self->name, err.msg);
		return rc == -EACCES ? RD_STRESS_EXIT_NO_PERF :
			RD_STRESS_EXIT_FAILED;
	}
	if (json)
		print_json(&cfg, &res);
	else
		print_text(&cfg, &res);
	return res.clean ? 0 : RD_STRESS_EXIT_FAILED;
}

const struct rd_command rd_cmd_stress = {
	.name = "stress",
	.synopsis = "--design D --mode M [--seconds S] [--producers N] [--capacity C] [--record 48|32] [--seed X] [--drain-us U] [--json] [--progress]",
	.summary = "producers in threads, signal handlers, perf overflow and nested signals; every record checked",
	.description =
		"Runs N producers (one ring each, like one CPU each) and one consumer that\n"
		"drains every ring every U microseconds (like kdamond) and checks every record\n"
		"(producer, context level, sequence number, checksum).  Modes: thread (plain\n"
		"threads), signal (only POSIX-timer and pthread_kill handlers produce), perf\n"
		"(perf cpu-clock overflow signals drive the handler), nest (task context\n"
		"produces while handlers produce on top of it, up to depth 2).  Prints a progress\n"
		"line on stderr every second on runs of 10 s or more; the last line is\n"
		"  design=D mode=M produced=N consumed=N dropped_full=N dropped_nested=N lost=N torn=N dup=N reorder=N\n"
		"Exit 0 iff lost, torn, dup (and reorder where the design promises order) are 0\n"
		"and the ring's counters agree; 1 otherwise; 2 on bad arguments; 3 when perf\n"
		"events are not permitted (--mode perf).",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_stress;
