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
 *
 * The suites run one after the other, each interleaved in itself, and each
 * suite's file is written (whole or not at all, through results_io) as soon
 * as the suite ends; machine.json says after every suite what is done.  The
 * first SIGINT or SIGTERM lets the benchmark run in progress finish, skips
 * the rest, keeps every repetition that ran, marks machine.json
 * "interrupted" with what was cut short or not run, prints the report and
 * the command that resumes; a second one ends the process at once.  A run holds the
 * folder's lock (results_io.h) from start to end.
 */
#include <errno.h>
#include <regex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "harness.h"
#include "report.h"
#include "results_io.h"

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

/* What machine.json says of the machine; its run state is added later. */
static json_t *machine_info(const char *const *argv, int argc)
{
	char summary[256];
	struct utsname u;
	json_t *m, *pairs = json_array(), *cmd = json_array();
	char *xml = NULL;
	int xmllen = 0;

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
	{
		char label[128];

		rd_host_label(read_cpu_model(), rd_bench.topo.nr_pus, summary,
			      label, sizeof(label));
		json_object_set_new(m, "host_label", json_string(label));
	}
	hwloc_free_xmlbuffer(rd_bench.topo.topo, xml);
	return m;
}

/*
 * The state of the run in machine.json: "status" (running, complete,
 * interrupted, failed), the suites selected, done (every repetition ran)
 * and missing (not run, or cut short: its file has what was measured), and
 * the benchmarks cut short.
 */
struct run_state {
	json_t *machine;
	json_t *suites, *done, *missing, *cut;
	bool write_failed;	/* the last machine_write() failed */
};

static void run_state_free(struct run_state *st)
{
	json_decref(st->machine);
	json_decref(st->suites);
	json_decref(st->done);
	json_decref(st->missing);
	json_decref(st->cut);
}

/* report.txt and summary.json (rd_report_write()), said here: 0 or 1. */
static int write_report(const char *dir, bool print)
{
	struct rd_err err = { 0 };
	int ret = rd_report_write(dir, print, &err);

	if (ret < 0)
		fprintf(stderr, "ringdrain report: %s\n", err.msg);
	else if (ret)	/* `ringdrain export` takes winners from a whole run */
		fprintf(stderr, "ringdrain report: %s/summary.json is not written for an incomplete run: winners need every suite\n",
			rd_project_path(dir));
	return ret < 0;
}

static int machine_write(const char *dir, struct run_state *st,
			 const char *status)
{
	struct rd_err err = { 0 };
	char path[1100];

	json_object_set_new(st->machine, "status", json_string(status));
	json_object_set(st->machine, "suites", st->suites);
	json_object_set(st->machine, "suites_done", st->done);
	json_object_set(st->machine, "suites_missing", st->missing);
	json_object_set(st->machine, "benchmarks_cut_short", st->cut);
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	st->write_failed = rd_write_json(path, st->machine, JSON_INDENT(2), &err);
	if (st->write_failed)
		fprintf(stderr, "ringdrain bench: %s\n", err.msg);
	return st->write_failed ? -1 : 0;
}

static const char *run_name(json_t *b)
{
	const char *name = json_string_value(json_object_get(b, "run_name"));

	return name ? name : json_string_value(json_object_get(b, "name"));
}

/*
 * Keep what Google Benchmark output @root measured.  A benchmark the stop cut
 * short (a run with CBENCH_STOPPED) keeps the repetitions that ran, loses its
 * skipped runs and its aggregates (over fewer repetitions than it says), and
 * goes into @cut as {name, repetitions_done, repetitions}.  Returns how many
 * entries are kept.
 */
static size_t keep_measured(json_t *root, json_t *cut_list)
{
	json_t *list = json_object_get(root, "benchmarks"), *kept = json_array();
	json_t *cut = json_object(), *b;
	bool ran;
	size_t i;

	json_array_foreach(list, i, b) {
		const char *msg = json_string_value(json_object_get(b, "error_message"));

		if (run_name(b) && msg && !strcmp(msg, CBENCH_STOPPED))
			json_object_set_new(cut, run_name(b), json_array());
	}
	json_array_foreach(list, i, b) {
		const char *name = run_name(b), *type;
		json_t *n = name ? json_object_get(cut, name) : NULL;

		if (!n) {
			json_array_append(kept, b);
			continue;
		}
		type = json_string_value(json_object_get(b, "run_type"));
		if (type && strcmp(type, "iteration"))
			continue;	/* an aggregate */
		ran = !json_object_get(b, "error_message");
		json_array_append_new(n, json_boolean(ran));
		if (ran)
			json_array_append(kept, b);
	}
	{
		const char *name;
		json_t *n, *ran;
		size_t done = 0;

		json_object_foreach(cut, name, n) {
			done = 0;
			json_array_foreach(n, i, ran)
				done += json_is_true(ran);
			json_array_append_new(cut_list, json_pack("{s:s, s:i, s:i}",
				"name", name, "repetitions_done", (int)done,
				"repetitions", (int)json_array_size(n)));
		}
	}
	json_decref(cut);
	i = json_array_size(kept);
	json_object_set_new(root, "benchmarks", kept);
	return i;
}

/* What the suite measured to @dir/<suite>.json; cut short ones to @cut. */
static int write_suite(const char *dir, const char *suite, const char *text,
		       json_t *cut, bool *wrote)
{
	struct rd_err err = { 0 };
	char path[1100];
	json_error_t jerr;
	json_t *root;
	int ret = 0;

	*wrote = false;
	if (!text[0])
		return 0;	/* --benchmark_list_tests: nothing was run */
	/* Google Benchmark's bare nan/inf tokens: see rd_json_load_gbench(). */
	root = rd_json_loads_gbench(text, &jerr);
	if (!root) {
		fprintf(stderr, "ringdrain bench: suite %s: Google Benchmark's output is not JSON: %s\n",
			suite, jerr.text);
		return -1;
	}
	if (keep_measured(root, cut)) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, suite);
		ret = rd_write_json(path, root, JSON_INDENT(1), &err);
		if (ret)
			fprintf(stderr, "ringdrain bench: %s\n", err.msg);
		*wrote = !ret;
	}
	json_decref(root);
	return ret;
}

static uint64_t progress_t0, progress_last;
static unsigned long progress_runs, progress_expected;

/*
 * Test hook: RINGDRAIN_BENCH_HOLD=SUITE makes the first benchmark of SUITE
 * wait for the stop signal before it runs, so that a test delivers its
 * SIGINT while a suite is in progress, whatever the machine's speed.
 */
static const char *hold_suite, *cur_suite;

static void hold(void)
{
	const struct timespec tick = { 0, 10000000 };

	if (!hold_suite || !cur_suite || strcmp(hold_suite, cur_suite))
		return;
	hold_suite = NULL;
	fprintf(stderr, "ringdrain bench: RINGDRAIN_BENCH_HOLD: suite %s holds until a signal\n",
		cur_suite);
	while (!cbench_stopped())
		nanosleep(&tick, NULL);
}

/*
 * A suite's after-step (producer/nmi) is not a Google Benchmark benchmark,
 * but --benchmark_filter still says what the user wants measured: the step
 * runs when there is no filter or the filter (read as a POSIX extended
 * regex, which Google Benchmark's filters of ringdrain's names also are)
 * matches "<suite>/nmi".
 */
static bool step_selected(const char *name, const char *filter)
{
	regex_t re;
	bool hit;

	if (!filter || !*filter)
		return true;
	if (regcomp(&re, filter, REG_EXTENDED | REG_NOSUB))
		return true;	/* Google Benchmark has accepted it: run */
	hit = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	if (!hit)
		fprintf(stderr, "ringdrain bench: %s: skipped, --benchmark_filter does not match it\n",
			name);
	return hit;
}

static bool after_selected(const struct rd_suite *suite, const char *filter)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/nmi", suite->name);
	return step_selected(name, filter);
}

#define REPLAY_TRACES	5

/* The whole of @path, or NULL (said on stderr); @len its length. */
static char *read_all(const char *path, size_t *len)
{
	struct rd_err e = { 0 };
	char *buf = rd_read_file(path, len, &e);

	if (!buf)
		fprintf(stderr, "ringdrain bench: tick/replay: %s\n", e.msg);
	return buf;
}

/*
 * After the tick suite ("tick/replay" for --benchmark_filter): `ringdrain
 * replay --phases` on tick/trace's workloads, configured as
 * bench/tick_suite.c's trace_tick() (1e4 regions, min_nr_regions 1e4,
 * max 2e4, aggregation every 20 ticks, layout seed 42, 3600 reports a
 * tick, a process moving CPU every 4 ticks, rings read in place; the
 * traces fed about 190 ticks' worth), every strategy but list: the whole
 * tick per report and each phase's share, into replay-phases/ as
 * replay-phases.txt and replay-phases.json ({"procs": ..., "sort": ...},
 * replay's --json each).  A folder of their own: the report reads every
 * .json at the top of the results folder as Google Benchmark output.
 */
static int replay_phases(const char *dir)
{
	static const struct {
		const char *name, *cycles;
		const char *traces[REPLAY_TRACES];
	} w[] = {
		{ "procs", "2", { "sort", "gzip", "awk", "xz", "perl" } },
		{ "sort", "10", { "sort" } },
	};
	char paths[2][REPLAY_TRACES][4096], txt[2][4200], js[2][4200];
	char out[4200];
	struct rd_err err = { 0 };
	char *text = NULL, *json = NULL, *part;
	size_t tlen = 0, jlen = 0, plen;
	int ret = 1;

	for (unsigned int i = 0; i < 2; i++) {
		char *args[40];
		int n = 0, status, fd;
		pid_t pid;

		snprintf(txt[i], sizeof(txt[i]), "%s/.replay-%s.txt", dir,
			 w[i].name);
		snprintf(js[i], sizeof(js[i]), "%s/.replay-%s.json", dir,
			 w[i].name);
		args[n++] = "ringdrain";
		args[n++] = "replay";
		for (int k = 0; k < REPLAY_TRACES && w[i].traces[k]; k++) {
			snprintf(paths[i][k], sizeof(paths[i][k]),
				 "%s/drain/data/%s.lackey", RD_SOURCE_DIR,
				 w[i].traces[k]);
			args[n++] = paths[i][k];
		}
		args[n++] = "--regions";
		args[n++] = "10000";
		args[n++] = "--min-regions";
		args[n++] = "10000";
		args[n++] = "--max-regions";
		args[n++] = "20000";
		args[n++] = "--seed";
		args[n++] = "42";
		args[n++] = "--rings";
		args[n++] = "in-place";
		args[n++] = "--cycles";
		args[n++] = (char *)w[i].cycles;
		args[n++] = "--repeat";
		args[n++] = "5";
		args[n++] = "--strategy";
		args[n++] = "rfc,flat,eytzinger,btree,radix,sortmerge";
		args[n++] = "--phases";
		args[n++] = "--json";
		args[n++] = js[i];
		args[n] = NULL;
		fprintf(stderr, "ringdrain bench: tick/replay: replay --phases on the %s workload (1e4 regions, aggregation on)\n",
			w[i].name);
		fd = open(txt[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			fprintf(stderr, "ringdrain bench: tick/replay: cannot create %s: %m\n",
				txt[i]);
			goto out;
		}
		pid = fork();
		if (!pid) {
			dup2(fd, 1);
			execv("/proc/self/exe", args);
			_exit(127);
		}
		close(fd);
		if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "ringdrain bench: tick/replay: replay of the %s workload failed (see %s)\n",
				w[i].name, txt[i]);
			goto out;
		}
	}
	for (unsigned int i = 0; i < 2; i++) {
		part = read_all(txt[i], &plen);
		if (!part)
			goto out;
		text = realloc(text, tlen + plen + 64);
		tlen += sprintf(text + tlen, "%s== %s ==\n", i ? "\n" : "",
				w[i].name);
		memcpy(text + tlen, part, plen);
		tlen += plen;
		free(part);
		part = read_all(js[i], &plen);
		if (!part)
			goto out;
		json = realloc(json, jlen + plen + 64);
		jlen += sprintf(json + jlen, "%s\"%s\": ", i ? ",\n" : "{\n",
				w[i].name);
		memcpy(json + jlen, part, plen);
		jlen += plen;
		free(part);
	}
	jlen += sprintf(json + jlen, "}\n");
	snprintf(out, sizeof(out), "%s/replay-phases", dir);
	if (mkdir(out, 0755) && errno != EEXIST) {
		rd_errf(&err, errno, "cannot create %s: %s", out,
			strerror(errno));
		goto fail;
	}
	snprintf(out, sizeof(out), "%s/replay-phases/replay-phases.txt", dir);
	if (rd_write_file(out, text, tlen, &err))
		goto fail;
	snprintf(out, sizeof(out), "%s/replay-phases/replay-phases.json", dir);
	if (rd_write_file(out, json, jlen, &err))
		goto fail;
	fprintf(stderr, "ringdrain bench: tick/replay: wrote %s/replay-phases/replay-phases.{txt,json}\n",
		dir);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "ringdrain bench: %s\n", err.msg);
out:
	for (unsigned int i = 0; i < 2; i++) {
		unlink(txt[i]);
		unlink(js[i]);
	}
	free(text);
	free(json);
	return ret;
}

/* A line every 10 s: a quick run is minutes long and its output bunched. */
static void progress(const char *name)
{
	uint64_t now = rd_now_ns();

	hold();
	progress_runs++;
	if (now - progress_last < 10000000000ULL)
		return;
	progress_last = now;
	fprintf(stderr, "ringdrain bench: %3lu s, %lu runs of suite %s (~%lu%%), now %s\n",
		(unsigned long)((now - progress_t0) / 1000000000ULL),
		progress_runs, cur_suite, progress_expected ?
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

/* Signals seen; atomic, as two threads may take one each at once. */
static atomic_int signals_seen;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs a lock-free count");
static volatile sig_atomic_t stop_signal;

/*
 * SIGINT, SIGTERM: the first stops the run after the benchmark in progress;
 * the second ends the process at once, removing the temporary file being
 * written and the lock.  Both signals are blocked while it runs.
 */
static void on_signal(int sig)
{
	static const char msg[] =
		"\nringdrain bench: stopping after the benchmark in progress; again to stop at once\n";

	/* Relaxed: only the count matters; cbench_stop() is the flag read. */
	if (atomic_fetch_add_explicit(&signals_seen, 1, memory_order_relaxed)) {
		rd_io_abandon();
		rd_results_lock_abandon();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
	cbench_stop();
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		return;	/* nothing to do about it in a handler */
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* @arg as one shell word, into @buf; the length it needs, as snprintf. */
static size_t shell_quote(char *buf, size_t len, const char *arg)
{
	size_t o = 0;

	if (arg[0] && !arg[strspn(arg, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+-")])
		return snprintf(buf, len, "%s", arg);
	o += snprintf(buf, len, "'");
	for (const char *c = arg; *c; c++)
		o += snprintf(buf + o, o < len ? len - o : 0, *c == '\'' ?
			      "'\\''" : "%c", *c);
	return o + snprintf(buf + o, o < len ? len - o : 0, "'");
}

/* The command that runs the @missing suites into @dir with argv's options. */
static void resume_command(char *buf, size_t len, int argc, char **argv,
			   json_t *missing, const char *dir)
{
	size_t o = snprintf(buf, len, "./ringdrain bench --suite ");
	size_t i;
	json_t *m;

	json_array_foreach(missing, i, m)
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", i ? "," : "",
			      json_string_value(m));
	o += snprintf(buf + o, o < len ? len - o : 0, " --out ");
	o += shell_quote(buf + o, o < len ? len - o : 0, dir);
	for (int a = 1; a < argc; a++) {
		bool sep = !strcmp(argv[a], "--suite") || !strcmp(argv[a], "--out");

		if (sep) {
			a++;
			continue;
		}
		if (!strncmp(argv[a], "--suite=", 8) || !strncmp(argv[a], "--out=", 6))
			continue;
		o += snprintf(buf + o, o < len ? len - o : 0, " ");
		o += shell_quote(buf + o, o < len ? len - o : 0, argv[a]);
	}
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
		{ .name = "nmi-budget", .type = RD_OPT_DOUBLE,
		  .dst = &rd_bench.nmi_budget_s, .metavar = "SECONDS",
		  .dmin = 1, .dmax = 86400,
		  .help = "time for producer/nmi's added repetitions (default 60, --full 240)" },
		{ .name = "no-report", .type = RD_OPT_FLAG, .dst = &no_report,
		  .help = "do not print the report at the end" },
		{ 0 },
	};
	char *gb_argv[64], *mine[64], dir[1024], path[1100];
	char rep_flag[64];
	int gb_argc = 0, nmine = 0, ret;
	const char *filter = NULL;	/* --benchmark_filter's REGEX, if given */
	struct run_state st = { 0 };
	size_t nran = 0, nwritten = 0;
	bool user_reps = false, user_interleave = false;
	struct rd_err err = { 0 };

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
			if (strncmp(argv[i], "--benchmark_filter=", 19) == 0)
				filter = argv[i] + 19;
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
	rd_bench.reps = reps;

	if (rd_topo_load(&rd_bench.topo, &err)) {
		fprintf(stderr, "ringdrain bench: %s\n", err.msg);
		return 1;
	}
	if (!rd_bench.topo.thissystem)
		rd_usage_error("bench", "HWLOC_XMLFILE or HWLOC_SYNTHETIC is set: benchmarks run on this machine's topology only");

	snprintf(rep_flag, sizeof(rep_flag), "--benchmark_repetitions=%llu",
		 (unsigned long long)(reps ? reps : full ? 9 : 5));
	if (!user_reps)
		gb_argv[gb_argc++] = rep_flag;
	else if (reps)
		rd_usage_error("bench", "--repetitions and --benchmark_repetitions both given");
	if (!user_interleave)
		gb_argv[gb_argc++] = "--benchmark_enable_random_interleaving=true";
	gb_argv[gb_argc++] = "--benchmark_display_aggregates_only=true";
	gb_argv[gb_argc] = NULL;
	if (cbench_init(gb_argc, gb_argv))
		return 2;

	if (out)
		snprintf(dir, sizeof(dir), "%s", out);
	else
		default_out(dir, sizeof(dir));
	if (mkdir_p(dir)) {
		fprintf(stderr, "ringdrain bench: cannot create %s: %m\n", dir);
		return 1;
	}
	{
		struct rd_err lock_err = { 0 };
		char note[RD_ERR_MSG_LEN];

		if (rd_results_lock(dir, argc, argv, note, sizeof(note),
				    &lock_err))
			rd_usage_error("bench", "%s", lock_err.msg);
		if (note[0])
			fprintf(stderr, "ringdrain bench: note: %s\n", note);
	}
	/* From here a signal stops the run cleanly, and the lock goes with it. */
	catch_signals();

	st.machine = machine_info((const char *const *)argv, argc);
	st.suites = json_array();
	st.done = json_array();
	st.missing = json_array();
	st.cut = json_array();
	for (unsigned int s = 0; s < rd_nr_suites; s++)
		if (!suites || suite_selected(suites, rd_suites[s]->name))
			json_array_append_new(st.suites,
					      json_string(rd_suites[s]->name));
	hold_suite = getenv("RINGDRAIN_BENCH_HOLD");
	cbench_on_run(progress);
	if (machine_write(dir, &st, "running"))
		goto failed;
	fprintf(stderr, "ringdrain bench: %s run, results in %s; each line below is one benchmark's aggregate, in random order\n",
		full ? "full" : "quick", dir);

	progress_t0 = rd_now_ns();
	for (unsigned int s = 0; s < rd_nr_suites; s++) {
		const char *name = rd_suites[s]->name;
		size_t before = json_array_size(st.cut);
		char *text;
		size_t ran;
		bool wrote;

		if (suites && !suite_selected(suites, name))
			continue;
		if (cbench_stopped()) {
			json_array_append_new(st.missing, json_string(name));
			continue;
		}
		cur_suite = name;
		rd_suites[s]->add(&rd_bench);
		fprintf(stderr, "ringdrain bench: suite %-8s %3zu benchmarks: %s\n",
			name, cbench_registered(), rd_suites[s]->summary);
		progress_last = rd_now_ns();
		progress_runs = 0;
		/* Google Benchmark adds trial runs to size iterations: about 2x. */
		progress_expected = cbench_registered() *
			(reps ? reps : full ? 9 : 5) * 2;
		ran = cbench_run_json(&text);
		cbench_clear();
		if (!ran)
			continue;	/* Google Benchmark has said why */
		nran += ran;
		ret = write_suite(dir, name, text, st.cut, &wrote);
		free(text);
		if (ret) {
			json_array_append_new(st.missing, json_string(name));
			goto failed;
		}
		if (json_array_size(st.cut) > before)
			json_array_append_new(st.missing, json_string(name));
		else
			json_array_append_new(st.done, json_string(name));
		nwritten += wrote;
		if (machine_write(dir, &st, "running"))
			goto failed;
		/* A suite's after-step (producer/nmi, its simulation) runs
		 * once its own results are on disk, unless a stop came. */
		if (rd_suites[s]->after && !cbench_stopped() &&
		    after_selected(rd_suites[s], filter) &&
		    rd_suites[s]->after(&rd_bench, dir))
			goto failed;
		if (!strcmp(name, "tick") && !cbench_stopped() &&
		    step_selected("tick/replay", filter) &&
		    replay_phases(dir) && !cbench_stopped())
			goto failed;
	}
	cur_suite = NULL;
	cbench_shutdown();
	if (!nran && !cbench_stopped()) {
		/* No benchmark matched the filter: nothing was measured. */
		snprintf(path, sizeof(path), "%s/machine.json", dir);
		unlink(path);
		run_state_free(&st);
		rd_results_unlock();
		return 2;
	}
	if (cbench_stopped()) {
		const char *sig = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
		char resume[2048];

		resume_command(resume, sizeof(resume), argc, argv, st.missing, dir);
		json_object_set_new(st.machine, "interrupted_by", json_string(sig));
		json_object_set_new(st.machine, "resume", json_string(resume));
		if (machine_write(dir, &st, "interrupted"))
			goto failed;
		if (nwritten)
			write_report(dir, !no_report);
		fprintf(stderr, "ringdrain bench: interrupted by %s: %zu suite(s) complete, %zu missing or cut short, %zu benchmark(s) cut short; what was measured is in %s\n"
			"ringdrain bench: resume with: %s\n",
			sig, json_array_size(st.done), json_array_size(st.missing),
			json_array_size(st.cut), dir, resume);
		ret = 128 + stop_signal;
	} else {
		ret = machine_write(dir, &st, "complete") ? 1 :
			write_report(dir, !no_report);
	}
	run_state_free(&st);
	rd_results_unlock();
	return ret;

failed:
	/* Say in machine.json that the run failed, if the disk lets us. */
	if (!st.write_failed)
		machine_write(dir, &st, "failed");
	run_state_free(&st);
	rd_results_unlock();
	return 1;
}

const struct rd_command rd_cmd_bench = {
	.name = "bench",
	.synopsis = "[--suite LIST] [--full] [--out DIR] [--benchmark_* ...]",
	.summary = "run the bench suites, write results/<date>-<cpu>-<hash6>/, print the review table",
	.description =
		"Suites: producer (cost of one produce, hot and in the NMI regime, with\n"
		"calibration probes, intervals and valgrind's simulated counts), stream\n"
		"(cross-core throughput), peers (rte_ring, ck_ring, io_uring CQ), drain\n"
		"(ns per report per lookup strategy), tick (a whole kdamond tick).\n"
		"Google Benchmark's own --benchmark_* flags pass through, e.g.\n"
		"--benchmark_filter=REGEX or --benchmark_repetitions=N.",
	.run = run,
};
