/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cachesim.h - simulated cache counts of the NMI regime, the same on every
 * machine: the producer suite re-runs its NMI workload under valgrind's
 * callgrind with a fixed cache model, collecting events only around each
 * produce() call, and writes producer-sim.json; the report reads it.
 */
#ifndef RINGDRAIN_CACHESIM_H
#define RINGDRAIN_CACHESIM_H

#include <stddef.h>

#include "ring/base.h"

#define RD_SIM_FILE	"producer-sim.json"

/* The fixed cache model: sizes, ways, line (callgrind's --I1/--D1/--LL). */
#define RD_SIM_I1	"32768,8,64"
#define RD_SIM_D1	"32768,8,64"
#define RD_SIM_LL	"16777216,16,64"	/* holds the task's 8 MiB */

/* One simulated subject: event totals over @calls produce() calls. */
struct rd_sim_entry {
	char name[192];		/* the benchmark name it belongs to */
	double calls;
	double ir, dr, dw, d1mr, d1mw, dlmr, dlmw;
};

struct rd_sim {
	char skipped[256];	/* why there are no counts, or "" */
	char tool[128];
	int n, cap;
	struct rd_sim_entry *e;
};

/*
 * Parse a callgrind output file written with --combine-dumps=yes: one entry
 * per part dumped by CALLGRIND_DUMP_STATS_AT("NAME calls:N"), its events
 * from the part's "summary:" line.  Parts of another trigger (program
 * termination) are ignored.  Returns 0, or -errno with @err naming the
 * file and the problem.
 */
int rd_sim_parse_callgrind(const char *path, struct rd_sim *s,
			   struct rd_err *err);

/* Write @s as JSON to @path, whole or not at all; 0 or -errno with @err. */
int rd_sim_write(const char *path, const struct rd_sim *s, struct rd_err *err);

/*
 * Load @path (producer-sim.json).  Returns 0, or -errno with @err naming
 * the file and the problem (not JSON, no "subjects" array, an entry without a
 * name or with a count that is not a non-negative number, calls < 1).
 * A file with "skipped" has no subjects and loads with s->skipped set.
 */
int rd_sim_load(const char *path, struct rd_sim *s, struct rd_err *err);

void rd_sim_free(struct rd_sim *s);

/* The entry named @name, or NULL. */
const struct rd_sim_entry *rd_sim_find(const struct rd_sim *s,
				       const char *name);

/*
 * Run @argv (a program that dumps one part per subject) under callgrind
 * with the fixed cache model, writing @dir/.callgrind.out and its log
 * @dir/.callgrind.log, then @dir/producer-sim.json.  With no valgrind in
 * PATH, writes a "skipped" file and returns 1 with a note in @note.
 * Returns 0, 1 (skipped) or -1 (failed, @note says why; a file with the
 * reason as "skipped" is written too, so the report can say it).
 */
int rd_sim_run(char *const argv[], const char *dir, char *note, size_t len);

#endif /* RINGDRAIN_CACHESIM_H */
