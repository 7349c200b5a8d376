// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_kcheck.c - ringdrain kcheck: the exported code in a real kernel.
 *
 * The work (Debian packages, kernel headers, checkpatch, sparse, W=1, qemu)
 * is a shell script, export/kcheck.sh; this command checks its options and
 * runs it with this binary (for ringdrain export) and the source tree.
 * Exit: 0 pass, 1 a check failed, 2 bad input, 3 qemu cannot run here.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ring/ring.h"

#ifndef RD_SOURCE_DIR
#error "RD_SOURCE_DIR must name the ringdrain source tree"
#endif

static const struct rd_command *self;

static int run(int argc, char **argv)
{
	const char *design = NULL, *cache = NULL, *work = NULL;
	const char *strategy = NULL;
	const char *results = NULL;
	uint64_t seconds = 2;
	struct rd_opt opts[] = {
		{ .name = "design", .type = RD_OPT_STR, .dst = &design,
		  .metavar = "D",
		  .help = "check this NMI-safe design only (default: every one)" },
		{ .name = "strategy", .type = RD_OPT_STR, .dst = &strategy,
		  .metavar = "S",
		  .help = "region lookup in each series, or none (default: the results' winner, else the fastest with a kernel-dialect source)" },
		{ .name = "seconds", .type = RD_OPT_U64, .dst = &seconds,
		  .metavar = "S", .min = 1, .max = 60,
		  .help = "seconds per in-kernel run (default 2)" },
		{ .name = "results", .type = RD_OPT_STR, .dst = &results,
		  .metavar = "DIR",
		  .help = "bench results to take the winners from (default: results/)" },
		{ .name = "cache", .type = RD_OPT_STR, .dst = &cache,
		  .metavar = "DIR",
		  .help = "downloads and extracted packages (default ~/.cache/ringdrain/kcheck)" },
		{ .name = "work", .type = RD_OPT_STR, .dst = &work,
		  .metavar = "DIR",
		  .help = "keep the series, modules, logs here (default: a temporary folder)" },
		{ 0 },
	};
	char exe[PATH_MAX], secs[32], *script;
	const char *args[16];
	ssize_t n;
	int k = 0;

	rd_parse_cmdline(self, opts, argc, argv, 0, 0, NULL);
	if (design) {
		const struct rd_ring_design *d = rd_design_find(design);

		if (!d)
			rd_usage_error(self->name, "unknown design '%s'", design);
		if (d->nesting != RD_NEST_SAFE)
			rd_usage_error(self->name,
				       "design '%s' is not NMI-safe (nesting: %s)",
				       design, rd_nesting_name(d->nesting));
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		fprintf(stderr, "ringdrain kcheck: /proc/self/exe: %s\n",
			strerror(errno));
		return 1;
	}
	exe[n] = 0;
	if (asprintf(&script, "%s/export/kcheck.sh", RD_SOURCE_DIR) < 0)
		return 1;
	snprintf(secs, sizeof(secs), "%" PRIu64, seconds);
	setenv("RINGDRAIN_BIN", exe, 1);
	setenv("RINGDRAIN_SRC", RD_SOURCE_DIR, 1);
	args[k++] = "bash";
	args[k++] = script;
	args[k++] = "--seconds";
	args[k++] = secs;
	if (design) {
		args[k++] = "--design";
		args[k++] = design;
	}
	if (strategy) {
		args[k++] = "--strategy";
		args[k++] = strategy;
	}
	if (results) {
		args[k++] = "--results";
		args[k++] = results;
	}
	if (cache) {
		args[k++] = "--cache";
		args[k++] = cache;
	}
	if (work) {
		args[k++] = "--work";
		args[k++] = work;
	}
	args[k] = NULL;
	fflush(stdout);
	execvp("bash", (char **)args);
	fprintf(stderr, "ringdrain kcheck: cannot run bash: %s\n",
		strerror(errno));
	return 1;
}

const struct rd_command rd_cmd_kcheck = {
	.name = "kcheck",
	.synopsis = "[--design D] [--strategy S] [--seconds S] [--results DIR] [--cache DIR] [--work DIR]",
	.summary = "build, style-check and boot the exported ring in a 6.12 kernel under qemu",
	.description =
		"Installs what it needs from Debian 12 (qemu, busybox, sparse, pahole,\n"
		"gcc-aarch64-linux-gnu; the 6.12 headers, kbuild, kernel image and source,\n"
		"and the arm64 headers of the same ABI, are unpacked into the cache),\n"
		"exports every NMI-safe design (the results' winner first) with the region\n"
		"lookup, runs checkpatch.pl --strict on each series, builds each test module\n"
		"with W=1 and sparse (C=2) for amd64 and for arm64 (arm64: built, not\n"
		"booted), boots 6.12 under qemu (TCG, 2 CPUs) and runs\n"
		"each module: the lookup's self-test, NMI-context producers over a\n"
		"task-context producer, a consumer on the other CPU, and the RFC's ring the\n"
		"same way; then the drain module: core.c's own ring and drain (the\n"
		"series', then RFC v1 4/6's as posted), task, hardirq and NMI producers\n"
		"on both CPUs calling its damon_report_access(), a kdamond kthread calling\n"
		"its kdamond_check_reported_accesses() over regions that are split, merged\n"
		"and destroyed between ticks, whose logged stream\n"
		"'ringdrain replay --kstream' must replay to the same final regions.\n"
		"Exit 0 if everything passed, 1 if a check failed, 3 if qemu\n"
		"cannot run here.  See export/README.md.",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_kcheck;
