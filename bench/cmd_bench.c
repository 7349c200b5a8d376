// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_bench.c - ringdrain bench: run the suites, write the results folder,
 * print the review table.
 *
 * A run writes results/<date>-<cpu-short>-<hash6>/ with one Google Benchmark JSON file per
 * suite, machine.json (CPU, kernel, compiler and flags, hwloc summary and
 * topology XML), report.txt (the table printed at the end) and summary.json
 * (the winners and the commands that made them, which `ringdrain export`
 * reads).  Every benchmark runs with repetitions, in random interleaved order
 * (--benchmark_enable_random_interleaving), so the designs under comparison
 * see the same machine; each repetition records the cache-line transfer
 * latency of its CPU pair.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "harness.h"
#include "report.h"

extern const struct rd_command rd_cmd_bench;

static int mkdir_p(const char *path)
{
	char tmp[1024];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static char *read_cpu_model(void);

/* results/<date>-<cpu-short>-<hash6>: see rd_host_label() (topo.h). */
static void default_out(char *buf, size_t len)
{
	char host[64] = "host", date[16], summary[256];
	time_t now = time(NULL);
	struct stat st;

	rd_topo_summary(&rd_bench.topo, summary, sizeof(summary));
	rd_host_label(read_cpu_model(), rd_bench.topo.nr_pus, summary, host,
		      sizeof(host));
	strftime(date, sizeof(date), "%Y-%m-%d", localtime(&now));
	snprintf(buf, len, "%s/results/%s-%s", RD_SOURCE_DIR, date, host);
	for (int i = 2; stat(buf, &st) == 0; i++)
		snprintf(buf, len, "%s/results/%s-%s-%d", RD_SOURCE_DIR, date,
			 host, i);
}

static char *read_cpu_model(void)
{
	static char model[256] = "unknown";
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *v = strchr(line, ':');

			if (v) {
				snprintf(model, sizeof(model), "%s", v + 2);
				model[strcspn(model, "\n")] = 0;
			}
			break;
		}
	if (f)
		fclose(f);
	return model;
}

static int write_machine(const char *dir, const char *const *argv, int argc)
{
	char path[1100], summary[256];
	struct utsname u;
	json_t *m, *pairs = json_array(), *cmd = json_array();
	char *xml = NULL;
	int xmllen = 0, ret;

	uname(&u);
	rd_topo_summary(&rd_bench.topo, summary, sizeof(summary));
	hwloc_topology_export_xmlbuffer(rd_bench.topo.topo, &xml, &xmllen, 0);
	for (int c = 0; c < RD_NR_PAIR_CLASSES; c++)
		if (rd_bench.topo.pairs[c].present)
			json_array_append_new(pairs, json_pack("{s:s, s:[i,i]}",
				"class", rd_pair_class_name(c),
				"cpus", rd_bench.topo.pairs[c].cpu[0],
				rd_bench.topo.pairs[c].cpu[1]));
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	m = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:o, s:s}",
		      "cpu_model", read_cpu_model(),
		      "nr_cpus", (int)rd_bench.topo.nr_pus,
		      "kernel", u.release,
		      "machine", u.machine,
		      "hostname", u.nodename,
		      "compiler", RD_COMPILER,
		      "cflags", RD_CFLAGS,
		      "pair_classes", pairs,
		      "topology_xml", xml,
		      "command", cmd,
		      "hwloc_summary", summary);
	rd_host_label(read_cpu_model(), rd_bench.topo.nr_pus, summary, path,
		      sizeof(path));
	json_object_set_new(m, "host_label", json_string(path));
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	ret = json_dump_file(m, path, JSON_INDENT(2));
	json_decref(m);
	hwloc_free_xmlbuffer(rd_bench.topo.topo, xml);
	return ret;
}

/* Split Google Benchmark's one output file into one file per suite. */
static int split_by_suite(const char *dir, const char *all_path)
{
	json_error_t jerr;
	json_t *all = rd_json_load_gbench(all_path, &jerr), *benchmarks;
	size_t i;
	json_t *b;

	if (!all) {
		fprintf(stderr, "ringdrain bench: %s: %s\n", all_path, jerr.text);
		return -1;
	}
	benchmarks = json_object_get(all, "benchmarks");
	for (unsigned int s = 0; s < rd_nr_suites; s++) {
		const char *suite = rd_suites[s]->name;
		size_t len = strlen(suite);
		json_t *out = json_deep_copy(all), *list = json_array();
		char path[1100];

		json_array_foreach(benchmarks, i, b) {
			const char *name = json_string_value(
				json_object_get(b, "name"));

			if (name && strncmp(name, suite, len) == 0 &&
			    name[len] == '/')
				json_array_append(list, b);
		}
		if (json_array_size(list)) {
			json_object_set_new(out, "benchmarks", list);
			snprintf(path, sizeof(path), "%s/%s.json", dir, suite);
			if (json_dump_file(out, path, JSON_INDENT(1))) {
				fprintf(stderr, "ringdrain bench: cannot write %s\n",
					path);
				json_decref(out);
				json_decref(all);
				return -1;
			}
		} else {
			json_decref(list);
		}
		json_decref(out);
	}
	json_decref(all);
	return 0;
}

static uint64_t progress_t0, progress_last;
static unsigned long progress_runs, progress_expected;

/* A line every 10 s: a quick run is minutes long and its output bunched. */
static void progress(const char *name)
{
	uint64_t now = rd_now_ns();

	progress_runs++;
	if (now - progress_last < 10000000000ULL)
		return;
	progress_last = now;
	fprintf(stderr, "ringdrain bench: %3lu s, %lu runs (~%lu%%), now %s\n",
		(unsigned long)((now - progress_t0) / 1000000000ULL),
		progress_runs, progress_expected ?
		(progress_runs * 100 / progress_expected < 99 ?
		 progress_runs * 100 / progress_expected : 99) : 0, name);
}

static bool suite_selected(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static int run(int argc, char **argv)
{
	const char *suites = NULL, *out = NULL, *ring_mem = "producer";
	bool full = false, no_report = false;
	uint64_t reps = 0;
	struct rd_opt opts[] = {
		{ .name = "suite", .type = RD_OPT_STR, .dst = &suites,
		  .metavar = "LIST",
		  .help = "comma-separated suites (default: all)" },
		{ .name = "full", .type = RD_OPT_FLAG, .dst = &full,
		  .help = "every point of every suite, not the quick set" },
		{ .name = "out", .type = RD_OPT_STR, .dst = &out,
		  .metavar = "DIR",
		  .help = "results folder (default: results/<date>-<cpu>-<hash6>)" },
		{ .name = "repetitions", .type = RD_OPT_U64, .dst = &reps,
		  .metavar = "N", .min = 2, .max = 1000,
		  .help = "repetitions of every benchmark (default 5, --full 9)" },
		{ .name = "ring-mem", .type = RD_OPT_STR, .dst = &ring_mem,
		  .metavar = "SIDE",
		  .help = "NUMA node of ring memory: producer (default) or consumer" },
		{ .name = "no-report", .type = RD_OPT_FLAG, .dst = &no_report,
		  .help = "do not print the report at the end" },
		{ 0 },
	};
	char *gb_argv[64], *mine[64], dir[1024], all_path[1100];
	char rep_flag[64], out_flag[1200];
	int gb_argc = 0, nmine = 0, ret;
	bool user_reps = false, user_interleave = false;
	unsigned int nselected = 0;
	char err[256];

	/* Google Benchmark's own flags pass through untouched. */
	gb_argv[gb_argc++] = "ringdrain-bench";
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--benchmark_", 12) == 0) {
			if (gb_argc >= 50)
				rd_usage_error("bench", "too many --benchmark_ flags");
			if (strncmp(argv[i], "--benchmark_out=", 16) == 0 ||
			    strncmp(argv[i], "--benchmark_out_format", 22) == 0)
				rd_usage_error("bench", "%s: use --out DIR; results are always JSON",
					       argv[i]);
			user_reps |= strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
			user_interleave |= strncmp(argv[i],
				"--benchmark_enable_random_interleaving", 38) == 0;
			gb_argv[gb_argc++] = argv[i];
		} else {
			if (nmine >= 63)
				rd_usage_error("bench", "too many arguments: at most 62 besides the --benchmark_ flags");
			mine[nmine++] = argv[i];
		}
	}
	mine[nmine] = NULL;
	rd_parse_cmdline(&rd_cmd_bench, opts, nmine, mine, 0, 0, NULL);
	if (strcmp(ring_mem, "producer") == 0)
		rd_bench.ring_mem = RD_MEM_PRODUCER;
	else if (strcmp(ring_mem, "consumer") == 0)
		rd_bench.ring_mem = RD_MEM_CONSUMER;
	else
		rd_usage_error("bench", "--ring-mem: '%s' is neither producer nor consumer",
			       ring_mem);
	if (suites) {
		for (const char *p = suites; *p;) {
			const char *end = strchr(p, ',');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			bool known = false;

			for (unsigned int s = 0; s < rd_nr_suites; s++)
				known |= strlen(rd_suites[s]->name) == n &&
					strncmp(rd_suites[s]->name, p, n) == 0;
			if (!known)
				rd_usage_error("bench", "--suite: unknown suite '%.*s' (see 'ringdrain bench --help')",
					       (int)n, p);
			p = end ? end + 1 : p + n;
		}
	}
	rd_bench.quick = !full;

	if (rd_topo_load(&rd_bench.topo, err)) {
		fprintf(stderr, "ringdrain bench: %s\n", err);
		return 1;
	}
	if (!rd_bench.topo.thissystem)
		rd_usage_error("bench", "HWLOC_XMLFILE or HWLOC_SYNTHETIC is set: benchmarks run on this machine's topology only");

	if (out)
		snprintf(dir, sizeof(dir), "%s", out);
	else
		default_out(dir, sizeof(dir));
	if (mkdir_p(dir)) {
		fprintf(stderr, "ringdrain bench: cannot create %s: %m\n", dir);
		return 1;
	}

	for (unsigned int s = 0; s < rd_nr_suites; s++)
		if (!suites || suite_selected(suites, rd_suites[s]->name)) {
			size_t before = cbench_registered();

			rd_suites[s]->add(&rd_bench);
			fprintf(stderr, "ringdrain bench: suite %-8s %3zu benchmarks: %s\n",
				rd_suites[s]->name, cbench_registered() - before,
				rd_suites[s]->summary);
			nselected++;
		}

	snprintf(all_path, sizeof(all_path), "%s/.all.json", dir);
	snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s", all_path);
	snprintf(rep_flag, sizeof(rep_flag), "--benchmark_repetitions=%llu",
		 (unsigned long long)(reps ? reps : full ? 9 : 5));
	gb_argv[gb_argc++] = out_flag;
	gb_argv[gb_argc++] = "--benchmark_out_format=json";
	if (!user_reps)
		gb_argv[gb_argc++] = rep_flag;
	else if (reps)
		rd_usage_error("bench", "--repetitions and --benchmark_repetitions both given");
	if (!user_interleave)
		gb_argv[gb_argc++] = "--benchmark_enable_random_interleaving=true";
	gb_argv[gb_argc++] = "--benchmark_display_aggregates_only=true";
	gb_argv[gb_argc] = NULL;
	fprintf(stderr, "ringdrain bench: %s run, results in %s; each line below is one benchmark's aggregate, in random order\n",
		full ? "full" : "quick", dir);

	progress_t0 = progress_last = rd_now_ns();
	/* Google Benchmark adds trial runs to size iterations: about 2x. */
	progress_expected = cbench_registered() * (reps ? reps : full ? 9 : 5) * 2;
	cbench_on_run(progress);
	ret = cbench_main(gb_argc, gb_argv);
	if (ret)
		return ret;
	if (split_by_suite(dir, all_path) ||
	    write_machine(dir, (const char *const *)argv, argc))
		return 1;
	unlink(all_path);
	return rd_report_write(dir, !no_report);
}

const struct rd_command rd_cmd_bench = {
	.name = "bench",
	.synopsis = "[--suite LIST] [--full] [--out DIR] [--benchmark_* ...]",
	.summary = "run the bench suites, write results/<date>-<cpu>-<hash6>/, print the review table",
	.description =
		"Suites: producer (cost of one produce, hot and in the NMI regime), stream\n"
		"(cross-core throughput), peers (rte_ring, ck_ring, io_uring CQ), drain\n"
		"(ns per report per lookup strategy), tick (a whole kdamond tick).\n"
		"Google Benchmark's own --benchmark_* flags pass through, e.g.\n"
		"--benchmark_filter=REGEX or --benchmark_repetitions=N.",
	.run = run,
};
