// SPDX-License-Identifier: GPL-2.0
/* report.c - results folder to review table (see report.h). */
#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cachesim.h"
#include "nmi_stats.h"
#include "report.h"
#include "results_io.h"
#include "ring/ring.h"

#define MAX_KV	12
#define TICK_US	5000.0	/* kdamond's sampling interval */

/* @path relative to the project when it lies inside it: what a reader types. */
static const char *project_path(const char *path)
{
	size_t len = strlen(RD_SOURCE_DIR);

	if (!strncmp(path, RD_SOURCE_DIR, len) && path[len] == '/')
		return path + len + 1;
	return path;
}

/* One benchmark configuration and the metric of each of its repetitions. */
struct rd_bm {
	char name[256];		/* suite/variant/key:value/... */
	char suite[24];
	char variant[24];
	struct {
		char k[16];
		char v[48];
	} kv[MAX_KV];
	int nkv;
	double *v, *xfer, *drops;
	int n, nx, nd, cap;
	double med, p25, p75;
	char error[160];
	const struct metric *m;
};

struct rd_results {
	char dir[512];
	struct rd_bm *bm;
	int n, cap;
	char machine[256];
	int reps;
	char incomplete[1024];	/* what an unfinished run lacks, or "" */
	struct rd_sim *sim;	/* producer-sim.json, when the run has it */
	char sim_note[RD_SIM_ERR_LEN];	/* why it has none */
};

/* How each suite is measured.  The longest matching prefix wins. */
struct metric {
	const char *prefix;
	const char *field;	/* a counter, or real_time (per iteration) */
	const char *unit;
	double scale;
	bool higher_better;
};

static const struct metric metrics[] = {
	{ "producer/hot", "real_time", "ns", 1, false },
	{ "producer/nmi", "ns_per_produce", "ns", 1, false },
	{ "producer/misslat", "miss_ns", "ns", 1, false },
	{ "producer/cadence", "drop_pct", "%", 1, false },
	{ "stream", "items_per_second", "Mrec/s", 1e-6, true },
	{ "peers/stream", "items_per_second", "Mrec/s", 1e-6, true },
	{ "peers/io_uring", "ns_per_record", "ns", 1, false },
	{ "drain", "real_time", "ns", 1, false },
	{ "tick", "tick_us", "us", 1, false },
	{ "tick/trace", "ns_per_report", "ns", 1, false },
};

static const struct metric *metric_of(const char *name)
{
	const struct metric *best = NULL;

	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		size_t len = strlen(metrics[i].prefix);

		if (strncmp(name, metrics[i].prefix, len) == 0 &&
		    (name[len] == '/' || name[len] == 0) &&
		    (!best || len > strlen(best->prefix)))
			best = &metrics[i];
	}
	return best;
}

static void push(double **arr, int *n, int *cap, double x)
{
	if (*n >= *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*arr = realloc(*arr, *cap * sizeof(**arr));
	}
	(*arr)[(*n)++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Quantile @q of sorted @v (linear interpolation). */
static double quantile(const double *v, int n, double q)
{
	double pos = q * (n - 1);
	int lo = (int)floor(pos);

	if (n == 0)
		return NAN;
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
}

static double median_of(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return quantile(v, n, 0.5);
}

static const char *kv(const struct rd_bm *b, const char *key)
{
	for (int i = 0; i < b->nkv; i++)
		if (strcmp(b->kv[i].k, key) == 0)
			return b->kv[i].v;
	return NULL;
}

/* Split a benchmark name; drop Google Benchmark's own suffixes. */
static int parse_name(struct rd_bm *b, const char *name)
{
	char buf[256], *save, *tok;
	int part = 0;

	snprintf(buf, sizeof(buf), "%s", name);
	b->name[0] = 0;
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save), part++) {
		char *colon = strchr(tok, ':');

		if (part == 0) {
			snprintf(b->suite, sizeof(b->suite), "%s", tok);
		} else if (!colon) {
			if (strcmp(tok, "manual_time") == 0 ||
			    strcmp(tok, "real_time") == 0)
				continue;
			if (part == 1)
				snprintf(b->variant, sizeof(b->variant), "%s",
					 tok);
			else
				return -1;
		} else {
			*colon = 0;
			if (!strcmp(tok, "iterations") || !strcmp(tok, "repeats") ||
			    !strcmp(tok, "threads") || !strcmp(tok, "min_time"))
				continue;
			if (b->nkv >= MAX_KV)
				return -1;
			snprintf(b->kv[b->nkv].k, sizeof(b->kv[0].k), "%s", tok);
			snprintf(b->kv[b->nkv].v, sizeof(b->kv[0].v), "%s",
				 colon + 1);
			b->nkv++;
			*colon = ':';
		}
		snprintf(b->name + strlen(b->name),
			 sizeof(b->name) - strlen(b->name), "%s%s",
			 b->name[0] ? "/" : "", tok);
	}
	return b->suite[0] ? 0 : -1;
}

static struct rd_bm *find_or_add(struct rd_results *r, const char *name,
				 bool *bad)
{
	struct rd_bm tmp = { 0 };

	*bad = false;
	if (parse_name(&tmp, name)) {
		*bad = true;
		return NULL;
	}
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->bm[i].name, tmp.name) == 0)
			return &r->bm[i];
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->bm = realloc(r->bm, r->cap * sizeof(*r->bm));
	}
	r->bm[r->n] = tmp;
	return &r->bm[r->n++];
}

static double time_to_ns(double t, const char *unit)
{
	if (!unit || !strcmp(unit, "ns"))
		return t;
	if (!strcmp(unit, "us"))
		return t * 1e3;
	if (!strcmp(unit, "ms"))
		return t * 1e6;
	return t * 1e9;
}

json_t *rd_json_load_gbench(const char *path, json_error_t *jerr)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	json_t *root;

	if (!f) {
		snprintf(jerr->text, sizeof(jerr->text), "cannot open: %m");
		jerr->line = 0;
		return NULL;
	}
	do {
		if (len + 4097 > cap) {
			cap = cap ? 2 * cap : 65536;
			text = realloc(text, cap);
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	text[len] = 0;
	root = rd_json_loads_gbench(text, jerr);
	free(text);
	return root;
}

json_t *rd_json_loads_gbench(const char *text, json_error_t *jerr)
{
	static const char *const bad[] = { "-nan", "nan", "-NaN", "NaN", "-inf",
					   "inf", "-Infinity", "Infinity" };
	size_t len = strlen(text), o = 0;
	bool in_string = false;
	char *clean;
	json_t *root;

	/*
	 * Google Benchmark writes non-finite numbers (the cv of an all-zero
	 * counter is -nan) as bare nan/inf tokens, which JSON does not have:
	 * outside strings, read them as null.
	 */
	clean = malloc(2 * len + 1);
	for (size_t i = 0; i < len;) {
		bool replaced = false;

		if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
			in_string = !in_string;
		if (!in_string && (i == 0 || !isalnum((unsigned char)text[i - 1])))
			for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
				size_t bl = strlen(bad[k]);

				if (!strncmp(text + i, bad[k], bl) &&
				    !isalnum((unsigned char)text[i + bl])) {
					memcpy(clean + o, "null", 4);
					o += 4;
					i += bl;
					replaced = true;
					break;
				}
			}
		if (!replaced)
			clean[o++] = text[i++];
	}
	clean[o] = 0;
	root = json_loads(clean, 0, jerr);
	free(clean);
	return root;
}

static int load_file(struct rd_results *r, const char *path, char *err)
{
	json_error_t jerr;
	json_t *root = rd_json_load_gbench(path, &jerr), *list, *e;
	size_t i;
	int ret = -1;

	if (!root) {
		rd_msgf(err, RD_REPORT_ERR_LEN, "%s: line %d: not valid JSON: %s",
			path, jerr.line, jerr.text);
		return -1;
	}
	list = json_object_get(root, "benchmarks");
	if (!json_is_object(root) || !json_is_object(json_object_get(root, "context")) ||
	    !json_is_array(list)) {
		rd_msgf(err, RD_REPORT_ERR_LEN,
			"%s: not Google Benchmark output (no \"context\" object and \"benchmarks\" array)",
			path);
		goto out;
	}
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(e, "run_name"));
		const char *type = json_string_value(json_object_get(e, "run_type"));
		const char *emsg = json_string_value(json_object_get(e, "error_message"));
		const struct metric *m;
		struct rd_bm *b;
		json_t *val;
		bool bad;

		if (!name)
			name = json_string_value(json_object_get(e, "name"));
		if (!json_is_object(e) || !name) {
			rd_msgf(err, RD_REPORT_ERR_LEN,
				"%s: benchmark #%zu has no name", path, i);
			goto out;
		}
		m = metric_of(name);
		b = m ? find_or_add(r, name, &bad) : NULL;
		if (!m || bad) {
			rd_msgf(err, RD_REPORT_ERR_LEN,
				"%s: benchmark '%s' is not one of ringdrain's (foreign results file?)",
				path, name);
			goto out;
		}
		b->m = m;
		if (emsg || json_is_true(json_object_get(e, "error_occurred"))) {
			snprintf(b->error, sizeof(b->error), "%s",
				 emsg ? emsg : "error");
			continue;
		}
		if (type && strcmp(type, "iteration") != 0)
			continue;	/* aggregates are recomputed here */
		val = json_object_get(e, m->field);
		if (!json_is_number(val)) {
			rd_msgf(err, RD_REPORT_ERR_LEN,
				"%s: benchmark '%s' lacks the number \"%s\"",
				path, name, m->field);
			goto out;
		}
		if (!strcmp(m->field, "real_time"))
			push(&b->v, &b->n, &b->cap, time_to_ns(json_number_value(val),
				json_string_value(json_object_get(e, "time_unit"))));
		else
			push(&b->v, &b->n, &b->cap,
			     json_number_value(val) * m->scale);
		{
			int c1 = b->nx, c2 = b->nd;

			val = json_object_get(e, "xfer_ns");
			if (json_is_number(val))
				push(&b->xfer, &b->nx, &c1, json_number_value(val));
			val = json_object_get(e, "dropped");
			if (json_is_number(val))
				push(&b->drops, &b->nd, &c2, json_number_value(val));
		}
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}

/*
 * What @dir/machine.json says an unfinished run lacks, into @buf: 0, or -1
 * (and @buf empty) for a complete run, or one from before runs recorded
 * their status.  Lines of at most 80 columns.
 */
static int incomplete_note(const char *dir, char *buf, size_t len)
{
	const char *status, *by, *resume;
	json_t *m, *missing, *cut, *e;
	char path[1024];
	size_t o, i, partial = 0;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	m = json_load_file(path, 0, NULL);
	status = json_string_value(json_object_get(m, "status"));
	if (!status || !strcmp(status, "complete")) {
		json_decref(m);
		return -1;
	}
	by = json_string_value(json_object_get(m, "interrupted_by"));
	o = snprintf(buf, len, "INCOMPLETE run: %s%s",
		     !strcmp(status, "interrupted") ? "interrupted by " :
		     !strcmp(status, "running") ?
		     "did not finish (killed, or still running)" :
		     "stopped by a write error", by ? by : "");
	missing = json_object_get(m, "suites_missing");
	o += snprintf(buf + o, o < len ? len - o : 0,
		      "\nsuites not run or cut short:");
	json_array_foreach(missing, i, e)
		o += snprintf(buf + o, o < len ? len - o : 0, " %s",
			      json_string_value(e) ?: "?");
	if (!json_array_size(missing))
		o += snprintf(buf + o, o < len ? len - o : 0, " none recorded");
	cut = json_object_get(m, "benchmarks_cut_short");
	json_array_foreach(cut, i, e)
		partial += json_integer_value(json_object_get(e,
						"repetitions_done")) > 0;
	if (json_array_size(cut))
		o += snprintf(buf + o, o < len ? len - o : 0,
			      "\nbenchmarks cut short: %zu, %zu of them reported over fewer\n"
			      "repetitions (machine.json names them)",
			      json_array_size(cut), partial);
	resume = json_string_value(json_object_get(m, "resume"));
	if (resume) {
		/* The command, wrapped for the shell within 80 columns. */
		size_t col = 8;

		o += snprintf(buf + o, o < len ? len - o : 0, "\nresume:");
		for (const char *w = resume; *w;) {
			size_t n = strcspn(w, " ");

			if (col + 1 + n > 78) {
				o += snprintf(buf + o, o < len ? len - o : 0,
					      " \\\n   ");
				col = 3;
			}
			o += snprintf(buf + o, o < len ? len - o : 0, " %.*s",
				      (int)n, w);
			col += 1 + n;
			w += n + strspn(w + n, " ");
		}
	}
	json_decref(m);
	return 0;
}

static struct rd_bm *find(struct rd_results *r, const char *prefix, ...);

/* producer-sim.json: counts, a skip note, or a note on why it is bad. */
static void rd_results_load_sim(struct rd_results *r)
{
	char path[1100], err[RD_SIM_ERR_LEN];
	struct rd_sim s;

	snprintf(path, sizeof(path), "%s/%s", r->dir, RD_SIM_FILE);
	if (access(path, F_OK)) {
		if (!find(r, "producer/nmi", NULL))
			return;
		snprintf(r->sim_note, sizeof(r->sim_note),
			 "no simulated counts in this run (no %s)", RD_SIM_FILE);
		return;
	}
	if (rd_sim_load(path, &s, err)) {
		const char *rel = project_path(path);

		/* the message names the file as a reader would type it */
		if (!strncmp(err, path, strlen(path)))
			rd_msgf(r->sim_note, sizeof(r->sim_note), "%s%s", rel,
				err + strlen(path));
		else
			snprintf(r->sim_note, sizeof(r->sim_note), "%s", err);
		return;
	}
	if (s.skipped[0]) {
		snprintf(r->sim_note, sizeof(r->sim_note), "%s", s.skipped);
		rd_sim_free(&s);
		return;
	}
	r->sim = malloc(sizeof(*r->sim));
	*r->sim = s;
}

struct rd_results *rd_results_load(const char *dir, char *err)
{
	struct rd_results *r = calloc(1, sizeof(*r));
	struct dirent **names;
	char path[1024];
	int nfiles, nresults = 0;

	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	nfiles = scandir(dir, &names, NULL, alphasort);
	if (nfiles < 0) {
		snprintf(err, RD_REPORT_ERR_LEN, "%s: cannot read the folder: %m",
			 dir);
		free(r);
		return NULL;
	}
	for (int i = 0; i < nfiles; i++) {
		const char *f = names[i]->d_name;
		size_t len = strlen(f);
		bool skip = len < 6 || strcmp(f + len - 5, ".json") ||
			f[0] == '.' || !strcmp(f, "machine.json") ||
			!strcmp(f, "summary.json") || !strcmp(f, RD_SIM_FILE);

		if (!skip && !err[0]) {
			snprintf(path, sizeof(path), "%s/%s", dir, f);
			if (load_file(r, path, err) == 0)
				nresults++;
		}
		free(names[i]);
	}
	free(names);
	if (err[0]) {
		rd_results_free(r);
		return NULL;
	}
	if (!nresults) {
		char why[sizeof(r->incomplete)] = "";

		if (!incomplete_note(dir, why, sizeof(why))) {
			char line[sizeof(why) * 2], *resume = strstr(why, "\nresume:");
			size_t o = 0;

			/* One line: machine.json has the resume command. */
			if (resume)
				*resume = 0;
			for (const char *c = why; *c; c++)
				o += snprintf(line + o, sizeof(line) - o, "%s",
					      *c == '\n' ? "; " : (char[2]){ *c, 0 });
			rd_msgf(err, RD_REPORT_ERR_LEN,
				"%s: no results: the run was not completed and no suite finished (%s%s)",
				dir, line, resume ? "; machine.json says how to resume" : "");
		} else {
			snprintf(err, RD_REPORT_ERR_LEN,
				 "%s: no results (no <suite>.json from ringdrain bench)", dir);
		}
		rd_results_free(r);
		return NULL;
	}
	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		double *tmp = malloc((b->n + 1) * sizeof(double));

		memcpy(tmp, b->v, b->n * sizeof(double));
		qsort(tmp, b->n, sizeof(double), cmp_double);
		b->med = quantile(tmp, b->n, 0.5);
		b->p25 = quantile(tmp, b->n, 0.25);
		b->p75 = quantile(tmp, b->n, 0.75);
		if (b->n > r->reps)
			r->reps = b->n;
		free(tmp);
	}
	rd_results_load_sim(r);
	/* machine.json is optional for the report; it labels the header. */
	{
		json_t *m;
		json_error_t jerr;

		snprintf(path, sizeof(path), "%s/machine.json", dir);
		m = json_load_file(path, 0, &jerr);
		if (m)
			snprintf(r->machine, sizeof(r->machine),
				 "%s, %d CPUs, Linux %s%s%s",
				 json_string_value(json_object_get(m, "cpu_model")) ?: "?",
				 (int)json_integer_value(json_object_get(m, "nr_cpus")),
				 json_string_value(json_object_get(m, "kernel")) ?: "?",
				 /* older runs have no host label */
				 json_object_get(m, "host_label") ? ", " : "",
				 json_string_value(json_object_get(m, "host_label")) ?: "");
		json_decref(m);
	}
	incomplete_note(dir, r->incomplete, sizeof(r->incomplete));
	return r;
}

double rd_results_median(struct rd_results *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->bm[i].name, name) && r->bm[i].n)
			return r->bm[i].med;
	return NAN;
}

void rd_results_free(struct rd_results *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++) {
		free(r->bm[i].v);
		free(r->bm[i].xfer);
		free(r->bm[i].drops);
	}
	free(r->bm);
	if (r->sim)
		rd_sim_free(r->sim);
	free(r->sim);
	free(r);
}

/*
 * The benchmark of @r in suite/variant @prefix whose keys match every
 * "key", "value" pair given (NULL-terminated).
 */
static struct rd_bm *find(struct rd_results *r, const char *prefix, ...)
{
	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		char sv[64];
		bool ok = true;
		const char *k;
		va_list ap;

		snprintf(sv, sizeof(sv), "%s%s%s", b->suite,
			 b->variant[0] ? "/" : "", b->variant);
		if (strcmp(sv, prefix))
			continue;
		va_start(ap, prefix);
		while (ok && (k = va_arg(ap, const char *))) {
			const char *want = va_arg(ap, const char *), *have = kv(b, k);

			ok = have && !strcmp(have, want);
		}
		va_end(ap);
		if (ok && b->n)
			return b;
	}
	return NULL;
}

/* Distinct values of @key among @prefix's benchmarks, in first-seen order. */
/* Numbers in numeric order; names with rfc first, then alphabetical. */
static int cmp_value(const void *pa, const void *pb)
{
	const char *a = pa, *b = pb;
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (*a && *b && !*ea && !*eb)
		return x < y ? -1 : x > y;
	if (strcmp(a, b) && (!strcmp(a, "rfc") || !strcmp(b, "rfc")))
		return strcmp(a, "rfc") ? 1 : -1;
	return strcmp(a, b);
}

/* Each value is at most 47 characters: titles print them with %.47s. */
static int values_of(struct rd_results *r, const char *prefix, const char *key,
		     char vals[][48], int max)
{
	int n = 0;

	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		char sv[64];
		const char *v;
		bool seen = false;

		snprintf(sv, sizeof(sv), "%s%s%s", b->suite,
			 b->variant[0] ? "/" : "", b->variant);
		if (strcmp(sv, prefix) || !(v = kv(b, key)))
			continue;
		for (int j = 0; j < n; j++)
			seen |= !strcmp(vals[j], v);
		if (!seen && n < max)
			snprintf(vals[n++], 48, "%s", v);
	}
	qsort(vals, n, 48, cmp_value);
	return n;
}

static double spread_pct(const struct rd_bm *b)
{
	return b && b->med ? 100.0 * (b->p75 - b->p25) / fabs(b->med) : NAN;
}

static double xfer_med(struct rd_bm *b)
{
	double *tmp, m;

	if (!b || !b->nx)
		return NAN;
	/* a copy: b->xfer stays paired with b->v, repetition by repetition */
	tmp = malloc(b->nx * sizeof(*tmp));
	memcpy(tmp, b->xfer, b->nx * sizeof(*tmp));
	m = median_of(tmp, b->nx);
	free(tmp);
	return m;
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
}

static void cell(FILE *f, int width, double v)
{
	char buf[32];

	fmt_num(buf, sizeof(buf), v);
	fprintf(f, " %*s", width, buf);
}

static void ratio_cell(FILE *f, int width, const struct rd_bm *b,
		       const struct rd_bm *base)
{
	char buf[32] = "-";

	if (b && base && base->med)
		snprintf(buf, sizeof(buf), "%.2fx", b->med / base->med);
	fprintf(f, " %*s", width, buf);
}

static void pct_cell(FILE *f, int width, double v)
{
	char buf[32] = "-";

	if (!isnan(v))
		snprintf(buf, sizeof(buf), "%.0f%%", v);
	fprintf(f, " %*s", width, buf);
}

static bool nmi_safe(const char *design)
{
	const struct rd_ring_design *d = rd_design_find(design);

	return d && d->nesting == RD_NEST_SAFE;
}

static __attribute__((unused)) bool nesting_unsafe(const char *design)
{
	const struct rd_ring_design *d = rd_design_find(design);

	return d && d->nesting == RD_NEST_UNSAFE;
}

static void verdict(FILE *f, bool met, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verdict(FILE *f, bool met, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(f, "verdict: %s: %s\n", met ? "MET" : "MISSED", line);
}

static void section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

static void report_producer_hot(FILE *f, struct rd_results *r)
{
	struct rd_bm *rfc48 = find(r, "producer/hot", "design", "rfc", "rec", "48", NULL);
	struct rd_bm *rfc32 = find(r, "producer/hot", "design", "rfc", "rec", "32", NULL);

	if (!rfc48 && !rfc32)
		return;
	section(f, "producer/hot: ns per produce(), ring hot in this CPU's cache");
	fprintf(f, "%-10s %8s %7s %6s  %8s %7s %6s\n", "design", "48B", "x rfc",
		"spread", "32B", "x rfc", "spread");
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *a = find(r, "producer/hot", "design", d, "rec", "48", NULL);
		struct rd_bm *b = find(r, "producer/hot", "design", d, "rec", "32", NULL);

		if (!a && !b)
			continue;
		fprintf(f, "%-10s", d);
		cell(f, 8, a ? a->med : NAN);
		ratio_cell(f, 7, a, rfc48);
		pct_cell(f, 6, spread_pct(a));
		fprintf(f, " ");
		cell(f, 8, b ? b->med : NAN);
		ratio_cell(f, 7, b, rfc32);
		pct_cell(f, 6, spread_pct(b));
		fputc('\n', f);
	}
}

/* "note: TEXT", folded at spaces to stay within 80 columns. */
static void note_wrapped(FILE *f, const char *text)
{
	int col = fprintf(f, "note:");

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");

		if (col + 1 + (int)n > 80 && col > 2)
			col = fprintf(f, "\n ");
		col += fprintf(f, " %.*s", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/*
 * The simulated counts of @b per call, net of the empty call (probe 0) of
 * its rate and pair: instructions, lines touched cold (D1 misses: the
 * task's work empties the simulated D1 between reports) and LL misses.
 * False when the run has no counts for it.
 */
static bool sim_net(struct rd_results *r, const struct rd_bm *b,
		    const char *rate, const char *cls, double out[3])
{
	const struct rd_sim_entry *e, *z;
	char zero[192];

	if (!b || !r->sim)
		return false;
	snprintf(zero, sizeof(zero), "producer/nmi/probe:0/rate:%s/class:%s",
		 rate, cls);
	e = rd_sim_find(r->sim, b->name);
	z = rd_sim_find(r->sim, zero);
	if (!e || !z)
		return false;
	out[0] = e->ir / e->calls - z->ir / z->calls;
	out[1] = (e->d1mr + e->d1mw) / e->calls - (z->d1mr + z->d1mw) / z->calls;
	out[2] = (e->dlmr + e->dlmw) / e->calls - (z->dlmr + z->dlmw) / z->calls;
	return true;
}

/* One row of the NMI table: cost, interval, repetitions, drops, sim. */
static void nmi_row(FILE *f, struct rd_results *r, const char *label,
		    const char *rec, const struct rd_bm *b, const char *rate,
		    const char *cls, char *unresolved, size_t len)
{
	double med, lo, hi, sim[3];
	char iv[48];

	fprintf(f, "%-10s %4s", label, rec);
	if (!b) {
		fprintf(f, " %8s %17s\n", "-", "");
		return;
	}
	rd_boot_median_ci(b->v, b->n, &med, &lo, &hi);
	if (rd_cost_resolved(lo, hi)) {
		cell(f, 8, med);
		snprintf(iv, sizeof(iv), "[%.1f, %.1f]", lo, hi);
		fprintf(f, " %17s", iv);
	} else {
		fprintf(f, " %26s", "not resolved here");
		if (strlen(unresolved) + 80 < len)
			snprintf(unresolved + strlen(unresolved),
				 len - strlen(unresolved),
				 "\n  %s %s: median %.1f, interval [%.1f, %.1f]",
				 label, rec, med, lo, hi);
	}
	fprintf(f, " %4d", b->n);
	fprintf(f, " %5.0f", b->nd ? median_of(b->drops, b->nd) : 0);
	if (sim_net(r, b, rate, cls, sim))
		fprintf(f, " %6.1f %5.2f %5.2f\n", sim[0], sim[1], sim[2]);
	else
		fprintf(f, " %6s %5s %5s\n", "-", "-", "-");
}

/*
 * The best NMI-safe design at 48 bytes whose cost is resolved, against
 * rfc: faster / tie / slower by the U test over repetitions; no verdict
 * from an unresolved cost or an unreliable calibration.
 */
static void nmi_verdict(FILE *f, struct rd_results *r, const char *rate,
			const char *cls, bool reliable, const char *why)
{
	struct rd_bm *rfc = find(r, "producer/nmi", "design", "rfc", "rec",
				 "48", "rate", rate, "class", cls, NULL);
	struct rd_bm *best = NULL;
	double med, lo, hi, bmed = NAN, p, s_best[3], s_rfc[3];
	enum rd_nmi_verdict v;

	if (!reliable) {
		fprintf(f, "verdict: withheld: the calibration is unreliable (above)\n");
		return;
	}
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *b;

		if (!nmi_safe(d))
			continue;
		b = find(r, "producer/nmi", "design", d, "rec", "48", "rate",
			 rate, "class", cls, NULL);
		if (!b)
			continue;
		rd_boot_median_ci(b->v, b->n, &med, &lo, &hi);
		if (rd_cost_resolved(lo, hi) && (!best || med < bmed)) {
			best = b;
			bmed = med;
		}
	}
	if (!best || !rfc) {
		fprintf(f, "verdict: best NMI-safe vs rfc (48B): not resolved here\n  (%s)\n",
			!rfc ? "no rfc" : "no NMI-safe design has a resolved cost");
		return;
	}
	v = rd_nmi_verdict(best->v, best->n, rfc->v, rfc->n, &p);
	fprintf(f, "verdict: best NMI-safe %s vs rfc (48B): %s", kv(best, "design"),
		rd_nmi_verdict_names[v]);
	if (v == RD_NMI_UNRESOLVED)
		fprintf(f, "\n  (rfc's cost is not resolved, or too few repetitions for\n"
			"  the U test to reach p < 0.05)\n");
	else
		fprintf(f, "\n  U test p = %.2g over %d vs %d repetitions; medians %.1f vs %.1f ns\n",
			p, best->n, rfc->n, best->med, rfc->med);
	if (sim_net(r, best, rate, cls, s_best) && sim_net(r, rfc, rate, cls, s_rfc))
		fprintf(f, "  simulated per call: %.0f vs %.0f instructions, %.2f vs %.2f cold lines\n",
			s_best[0], s_rfc[0], s_best[1], s_rfc[1]);
}

static void report_producer_nmi(FILE *f, struct rd_results *r)
{
	char rates[8][48], classes[8][48];
	int nr = values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = values_of(r, "producer/nmi", "class", classes, 8);

	for (int ci = 0; ci < nc; ci++)
	for (int ri = 0; ri < nr; ri++) {
		const char *rate = rates[ri], *cls = classes[ci];
		struct rd_bm *lat = find(r, "producer/misslat", "rate", rate,
					 "class", cls, NULL);
		double probe[RD_NMI_PROBES], xfer = NAN, miss = NAN;
		char title[400], unresolved[2048] = "", why[160] = "";
		bool reliable;

		snprintf(title, sizeof(title),
			 "producer/nmi: ns per produce(), %.47s/s, task evicts the ring,\n"
			 "  kdamond drains every 5 ms on the other CPU (pair %.47s);\n"
			 "  median of repetitions [95%% bootstrap interval]; simulated per call,\n"
			 "  net of the empty call: instructions, D1 = lines touched cold, LL misses",
			 rate, cls);
		section(f, title);
		fprintf(f, "%-10s %4s %8s %17s %4s %5s %6s %5s %5s\n", "design",
			"rec", "ns", "[interval]", "reps", "drops", "Ir", "D1",
			"LL");
		for (unsigned int i = 0; i < rd_nr_designs; i++) {
			const char *d = rd_designs[i]->name;

			for (int rs = 48; rs >= 32; rs -= 16) {
				char rec[8];
				struct rd_bm *b;

				snprintf(rec, sizeof(rec), "%d", rs);
				b = find(r, "producer/nmi", "design", d, "rec",
					 rec, "rate", rate, "class", cls, NULL);
				if (b)
					nmi_row(f, r, d, rec, b, rate, cls,
						unresolved, sizeof(unresolved));
				if (b && isnan(xfer))
					xfer = xfer_med(b);
			}
		}
		for (int p = 0; p < RD_NMI_PROBES; p++) {
			char lines[8], label[16];
			struct rd_bm *b;
			double lo, hi;

			snprintf(lines, sizeof(lines), "%d", rd_nmi_probe_lines[p]);
			snprintf(label, sizeof(label), "probe %s", lines);
			b = find(r, "producer/nmi", "probe", lines, "rate", rate,
				 "class", cls, NULL);
			probe[p] = NAN;
			if (b) {
				rd_boot_median_ci(b->v, b->n, &probe[p], &lo, &hi);
				nmi_row(f, r, label, "-", b, rate, cls,
					unresolved, sizeof(unresolved));
			}
		}
		if (unresolved[0])
			fprintf(f, "not resolved here (interval reaches zero or below):%s\n",
				unresolved);
		if (lat) {
			miss = lat->med;
			fprintf(f, "miss latency: %.1f ns a line last written by the other CPU (%d rounds)\n",
				miss, lat->n);
		} else {
			fprintf(f, "miss latency: not measured in this run\n");
		}
		fprintf(f, "xfer: %.1f ns one way between the pair\n", xfer);
		reliable = rd_nmi_calibration_ok(probe, miss, why, sizeof(why));
		if (reliable)
			fprintf(f, "calibration: reliable (probes in order; steps %.1f %.1f %.1f ns a line)\n",
				probe[1] - probe[0], probe[2] - probe[1],
				(probe[3] - probe[2]) / 2);
		else
			fprintf(f, "calibration: UNRELIABLE, no verdict from this table:\n  %s\n",
				why);
		nmi_verdict(f, r, rate, cls, reliable, why);
	}
	if (r->sim_note[0])
		note_wrapped(f, r->sim_note);
}

static void report_cadence(FILE *f, struct rd_results *r)
{
	char caps[8][48], periods[8][48], rates[8][48];
	int ncap = values_of(r, "producer/cadence", "cap", caps, 8);
	int np = values_of(r, "producer/cadence", "drain_ms", periods, 8);
	int nr = values_of(r, "producer/cadence", "rate", rates, 8);

	for (int ri = 0; ri < nr; ri++) {
		char title[200];

		snprintf(title, sizeof(title),
			 "producer/cadence: %% of reports the RFC ring drops, %.47s/s per CPU,\n"
			 "  by capacity and drain period (the RFC: 256 slots, 5 ms)",
			 rates[ri]);
		section(f, title);
		fprintf(f, "%-10s", "capacity");
		for (int pi = 0; pi < np && pi < 6; pi++) {
			char h[sizeof(periods[0]) + 3];

			snprintf(h, sizeof(h), "%.47s ms", periods[pi]);
			fprintf(f, " %8s", h);
		}
		fputc('\n', f);
		for (int ci = 0; ci < ncap; ci++) {
			fprintf(f, "%-10s", caps[ci]);
			for (int pi = 0; pi < np && pi < 6; pi++) {
				struct rd_bm *b = find(r, "producer/cadence",
					"cap", caps[ci], "drain_ms", periods[pi],
					"rate", rates[ri], NULL);
				char v[16] = "-";

				if (b)
					snprintf(v, sizeof(v), "%.1f%%", b->med);
				fprintf(f, " %8s", v);
			}
			fputc('\n', f);
		}
	}
}

static void report_stream(FILE *f, struct rd_results *r)
{
	static const char *const batches[] = { "1", "16", "256" };
	static const char *const recs[] = { "48", "32" };
	char classes[8][48], caps[8][48], designs[24][48];
	int nc = values_of(r, "stream", "class", classes, 8);
	int ncap = values_of(r, "stream", "cap", caps, 8);
	int nd = values_of(r, "stream", "design", designs, 24);
	/* ck_ring called natively; older runs had only the `ck` design */
	const char *peer = find(r, "stream", "design", "ck_ring", NULL) ?
			   "ck_ring" : "ck";

	for (int ci = 0; ci < nc; ci++) {
		const char *cls = classes[ci];
		struct rd_bm *best = NULL, *ck = NULL, *safe = NULL;

		for (int k = 0; k < ncap; k++) {
			char title[200];

			snprintf(title, sizeof(title),
				 "stream: Mrec/s cross-core (pair %.47s), capacity %.47s, by record size/batch",
				 cls, caps[k]);
			section(f, title);
			fprintf(f, "%-10s", "design");
			for (int ri = 0; ri < 2; ri++)
				for (int bi = 0; bi < 3; bi++) {
					char h[16];

					snprintf(h, sizeof(h), "%sB/%s", recs[ri],
						 batches[bi]);
					fprintf(f, " %7s", h);
				}
			fprintf(f, " %6s\n", "xfer");
			for (int i = 0; i < nd; i++) {
				const char *d = designs[i];
				struct rd_bm *any = NULL;

				fprintf(f, "%-10s", d);
				for (int ri = 0; ri < 2; ri++)
					for (int bi = 0; bi < 3; bi++) {
						struct rd_bm *b = find(r, "stream",
							"design", d, "rec", recs[ri],
							"cap", caps[k], "batch",
							batches[bi], "class", cls, NULL);

						cell(f, 7, b ? b->med : NAN);
						any = any ? any : b;
						if (b && !strcmp(recs[ri], "48")) {
							if (!strcmp(d, peer) &&
							    (!ck || b->med > ck->med))
								ck = b;
							if (rd_design_find(d) &&
							    strcmp(d, "ck") &&
							    (!best || b->med > best->med))
								best = b;
							if (nmi_safe(d) &&
							    (!safe || b->med > safe->med))
								safe = b;
						}
					}
				cell(f, 6, xfer_med(any));
				fputc('\n', f);
			}
		}
		if (best && ck)
			verdict(f, best->med >= 1.5 * ck->med,
				"best design %s %.1f Mrec/s (48B cap %s batch %s)\n"
				"  = %.2fx %s's best, %.1f Mrec/s (cap %s batch %s); target >= 1.5",
				kv(best, "design"), best->med, kv(best, "cap"),
				kv(best, "batch"), best->med / ck->med, peer,
				ck->med, kv(ck, "cap"), kv(ck, "batch"));
		if (safe && ck)
			verdict(f, safe->med >= 1.2 * ck->med,
				"best NMI-safe %s %.1f Mrec/s (48B cap %s batch %s)\n"
				"  = %.2fx %s's best; target >= 1.2",
				kv(safe, "design"), safe->med, kv(safe, "cap"),
				kv(safe, "batch"), safe->med / ck->med, peer);
	}
}

static void report_peers(FILE *f, struct rd_results *r)
{
	char designs[16][48], batches[8][48];
	int nd = values_of(r, "peers/stream", "design", designs, 16);
	int nb = values_of(r, "peers/io_uring", "batch", batches, 8);
	struct rd_bm *rfc = NULL, *rte = NULL, *ckr = NULL, *best = NULL;

	if (nd) {
		section(f, "peers/stream: 48B reports cross-core, capacity 4096, batch 32");
		fprintf(f, "%-10s %8s %7s %6s %6s\n", "ring", "Mrec/s", "x rfc",
			"spread", "xfer");
		for (int i = 0; i < nd; i++)
			if (!strcmp(designs[i], "rfc"))
				rfc = find(r, "peers/stream", "design", "rfc", NULL);
		for (int i = 0; i < nd; i++) {
			struct rd_bm *b = find(r, "peers/stream", "design",
					       designs[i], NULL);

			if (!b)
				continue;
			fprintf(f, "%-10s", designs[i]);
			cell(f, 8, b->med);
			ratio_cell(f, 7, b, rfc);
			pct_cell(f, 6, spread_pct(b));
			cell(f, 6, xfer_med(b));
			fputc('\n', f);
			if (!strcmp(designs[i], "rte_ring"))
				rte = b;
			else if (!strcmp(designs[i], "ck_ring"))
				ckr = b;
			else if (nmi_safe(designs[i]) &&
				 (!best || b->med > best->med))
				best = b;
		}
		if (rte && best)
			fprintf(f, "note: best NMI-safe %s streams at %.2fx DPDK rte_ring\n",
				kv(best, "design"), best->med / rte->med);
		if (ckr && best)
			fprintf(f, "note: best NMI-safe %s streams at %.2fx native ck_ring\n",
				kv(best, "design"), best->med / ckr->med);
	}
	if (nb) {
		section(f, "peers/io_uring: NOP completions, kernel-produced, ns per record");
		fprintf(f, "%-10s %8s %8s\n", "batch", "total", "spread");
		for (int i = 0; i < nb; i++) {
			struct rd_bm *b = find(r, "peers/io_uring", "batch",
					       batches[i], NULL);

			if (!b)
				continue;
			fprintf(f, "%-10s", batches[i]);
			cell(f, 8, b->med);
			pct_cell(f, 8, spread_pct(b));
			fputc('\n', f);
		}
	}
}

/*
 * Transfer regimes.  The vCPUs of a VM move between host cores, and each
 * cross-core repetition's one-way line transfer (xfer_ns) falls in one of
 * (here) two regimes, ~25-60 ns or ~175-240 ns: in effect two machines.
 * The rule, per pair class: sort the xfer_ns of every stream and
 * peers/stream repetition of the run; where two neighbours differ by at
 * least RD_REGIME_GAP times, the largest such ratio splits the class in two
 * regimes at the geometric mean of its ends; otherwise the class has one.
 * The stream and peers tables then give medians per regime, never pooled.
 */
#define RD_REGIME_GAP	2.0

double rd_regime_split(const double *xfer, int n)
{
	double *v, best = RD_REGIME_GAP, split = INFINITY;
	int k = 0;

	if (n < 2)
		return INFINITY;
	v = malloc(n * sizeof(*v));
	for (int i = 0; i < n; i++)
		if (xfer[i] > 0 && isfinite(xfer[i]))
			v[k++] = xfer[i];
	qsort(v, k, sizeof(*v), cmp_double);
	for (int i = 0; i + 1 < k; i++)
		if (v[i + 1] / v[i] >= best) {
			best = v[i + 1] / v[i];
			split = sqrt(v[i] * v[i + 1]);
		}
	free(v);
	return split;
}

static bool streaming(const struct rd_bm *b)
{
	return !strcmp(b->suite, "stream") ||
	       (!strcmp(b->suite, "peers") && !strcmp(b->variant, "stream"));
}

/* Repetitions paired with a transfer latency each (every one, or none). */
static bool has_xfer(const struct rd_bm *b)
{
	return b->nx && b->nx == b->n;
}

struct regimes {
	int nc;
	char cls[8][48];
	double split[8];	/* INFINITY: one regime */
	int n[8][2];		/* repetitions below / at or above the split */
	double lo[8][2], hi[8][2];	/* their xfer range */
};

static void regimes_of(struct rd_results *r, struct regimes *g)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		const char *c = kv(b, "class");
		int k;

		if (!streaming(b) || !has_xfer(b) || !c)
			continue;
		for (k = 0; k < g->nc && strcmp(g->cls[k], c); k++)
			;
		if (k == g->nc && g->nc < 8)
			snprintf(g->cls[g->nc++], 48, "%s", c);
	}
	for (int k = 0; k < g->nc; k++) {
		double *x = NULL;
		int nx = 0, cap = 0;

		for (int i = 0; i < r->n; i++) {
			struct rd_bm *b = &r->bm[i];

			if (streaming(b) && has_xfer(b) && kv(b, "class") &&
			    !strcmp(kv(b, "class"), g->cls[k]))
				for (int j = 0; j < b->nx; j++)
					push(&x, &nx, &cap, b->xfer[j]);
		}
		g->split[k] = rd_regime_split(x, nx);
		for (int s = 0; s < 2; s++) {
			g->lo[k][s] = INFINITY;
			g->hi[k][s] = -INFINITY;
		}
		for (int j = 0; j < nx; j++) {
			int s = x[j] >= g->split[k];

			g->n[k][s]++;
			g->lo[k][s] = fmin(g->lo[k][s], x[j]);
			g->hi[k][s] = fmax(g->hi[k][s], x[j]);
		}
		free(x);
	}
}

static double split_of(const struct regimes *g, const struct rd_bm *b)
{
	const char *c = kv(b, "class");

	for (int k = 0; c && k < g->nc; k++)
		if (!strcmp(g->cls[k], c))
			return g->split[k];
	return INFINITY;
}

/*
 * The streaming benchmarks of @r with only their repetitions of regime @s
 * (0: xfer below the split, 1: at or above); those without xfer (io_uring)
 * count as regime 0.  Medians and quartiles recomputed.
 */
#define RD_REGIME_MIN_REPS	3	/* fewer in a regime: no median there */

static struct rd_results *regime_subset(struct rd_results *r,
					const struct regimes *g, int s)
{
	struct rd_results *o = calloc(1, sizeof(*o));

	memcpy(o->dir, r->dir, sizeof(o->dir));
	memcpy(o->machine, r->machine, sizeof(o->machine));
	for (int i = 0; i < r->n; i++) {
		const struct rd_bm *b = &r->bm[i];
		double split = split_of(g, b);
		struct rd_bm *c;
		double *tmp;
		int vcap = 0, xcap = 0;

		if (strcmp(b->suite, "stream") && strcmp(b->suite, "peers"))
			continue;
		if (!has_xfer(b) && s)
			continue;
		if (o->n == o->cap) {
			o->cap = o->cap ? 2 * o->cap : 64;
			o->bm = realloc(o->bm, o->cap * sizeof(*o->bm));
		}
		c = &o->bm[o->n++];
		*c = *b;
		c->v = c->xfer = c->drops = NULL;
		c->n = c->nx = c->nd = 0;
		for (int j = 0; j < b->n; j++) {
			if (has_xfer(b) && (b->xfer[j] >= split) != s)
				continue;
			push(&c->v, &c->n, &vcap, b->v[j]);
			if (has_xfer(b))
				push(&c->xfer, &c->nx, &xcap, b->xfer[j]);
		}
		/* A median of one or two repetitions is no median: "-". */
		if (c->n < RD_REGIME_MIN_REPS)
			c->n = c->nx = 0;
		if (c->n > o->reps)
			o->reps = c->n;
		tmp = malloc((c->n + 1) * sizeof(*tmp));
		if (c->n)
			memcpy(tmp, c->v, c->n * sizeof(*tmp));
		qsort(tmp, c->n, sizeof(*tmp), cmp_double);
		c->med = quantile(tmp, c->n, 0.5);
		c->p25 = quantile(tmp, c->n, 0.25);
		c->p75 = quantile(tmp, c->n, 0.75);
		free(tmp);
	}
	return o;
}

static void report_winner(FILE *f, struct rd_results *r);

/* The stream and peers tables, once per transfer regime. */
static void report_streaming(FILE *f, struct rd_results *r)
{
	struct regimes g;
	bool two = false;

	regimes_of(r, &g);
	for (int k = 0; k < g.nc; k++)
		two |= g.n[k][1] > 0;
	if (g.nc) {
		section(f, "stream, peers/stream: transfer regimes, per pair class (a gap of >= 2x\n"
			   "  between neighbouring sorted xfer values splits; medians never pooled;\n"
			   "  a cell with fewer than 3 repetitions in a regime shows \"-\")");
		for (int k = 0; k < g.nc; k++) {
			if (!g.n[k][1]) {
				fprintf(f, "  %s: one regime, %d repetitions, xfer %.0f-%.0f ns\n",
					g.cls[k], g.n[k][0], g.lo[k][0],
					g.hi[k][0]);
				continue;
			}
			fprintf(f, "  %s: split at %.0f ns: low %d reps (xfer %.0f-%.0f),\n"
				   "    high %d reps (xfer %.0f-%.0f)\n",
				g.cls[k], g.split[k], g.n[k][0], g.lo[k][0],
				g.hi[k][0], g.n[k][1], g.lo[k][1], g.hi[k][1]);
		}
	}
	for (int s = 0; s < (two ? 2 : 1); s++) {
		struct rd_results *sub = regime_subset(r, &g, s);

		if (two)
			section(f, s ? "== high-xfer regime (xfer at or above the split) =="
				     : "== low-xfer regime (xfer below the split) ==");
		report_stream(f, sub);
		report_peers(f, sub);
		rd_results_free(sub);
	}
}

/* Exact two-sided p of U for small samples, normal approximation above. */
double rd_mann_whitney_p(const double *a, int na, const double *b, int nb)
{
	double u = 0, p;
	int umax = na * nb;

	if (na < 1 || nb < 1)
		return NAN;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	if (umax <= 2500) {
		/* f[j][k]: arrangements of i a's and j b's with U = k */
		double *prev = calloc((size_t)(nb + 1) * (umax + 1), sizeof(double));
		double *cur = calloc((size_t)(nb + 1) * (umax + 1), sizeof(double));
		double total = 0, le = 0, ge = 0;

#define F(arr, j, k) (arr)[(size_t)(j) * (umax + 1) + (k)]
		for (int j = 0; j <= nb; j++)
			F(prev, j, 0) = 1;	/* i = 0 */
		for (int i = 1; i <= na; i++) {
			memset(cur, 0, (size_t)(nb + 1) * (umax + 1) * sizeof(double));
			for (int j = 0; j <= nb; j++)
				for (int k = 0; k <= i * j; k++) {
					/* last element an a (beats j b's) or a b */
					double v = k >= j ? F(prev, j, k - j) : 0;

					if (j > 0)
						v += F(cur, j - 1, k);
					F(cur, j, k) = v;
				}
			memcpy(prev, cur, (size_t)(nb + 1) * (umax + 1) * sizeof(double));
		}
		for (int k = 0; k <= umax; k++) {
			double c = F(prev, nb, k);

			total += c;
			if (k <= u)
				le += c;
			if (k >= u)
				ge += c;
		}
#undef F
		free(prev);
		free(cur);
		p = 2 * fmin(le, ge) / total;
	} else {
		double mu = umax / 2.0;
		double sigma = sqrt(umax * (na + nb + 1) / 12.0);
		double z = (fabs(u - mu) - 0.5) / sigma;

		p = erfc(z / sqrt(2));
	}
	return p > 1 ? 1 : p;
}

/* "suite/variant v1 v2 ...": the name without its key names. */
static void short_name(char *out, size_t len, const char *name)
{
	char buf[256], *save, *tok;
	size_t o = 0;
	int part = 0;

	snprintf(buf, sizeof(buf), "%s", name);
	out[0] = 0;
	for (tok = strtok_r(buf, "/", &save); tok && o + 1 < len;
	     tok = strtok_r(NULL, "/", &save), part++) {
		char *colon = strchr(tok, ':');

		o += snprintf(out + o, len - o, "%s%s",
			      part == 0 ? "" : part == 1 && !colon ? "/" : " ",
			      colon ? colon + 1 : tok);
	}
}

static void report_compare(FILE *f, struct rd_results *cur,
			   struct rd_results *base)
{
	int compared = 0, faster = 0, slower = 0;

	section(f, "change against the base run (Mann-Whitney U, two-sided)");
	fprintf(f, "base: %s\n", project_path(base->dir));
	fprintf(f, "%-44s %8s %8s %7s %6s\n", "benchmark", "base", "now",
		"change", "p");
	for (int i = 0; i < cur->n; i++) {
		struct rd_bm *c = &cur->bm[i], *b = NULL;
		double change, p;
		bool better;
		char shortname[48];

		for (int j = 0; j < base->n; j++)
			if (!strcmp(base->bm[j].name, c->name))
				b = &base->bm[j];
		if (!b || !b->n || !c->n)
			continue;
		compared++;
		change = 100.0 * (c->med - b->med) / b->med;
		p = rd_mann_whitney_p(c->v, c->n, b->v, b->n);
		better = c->m->higher_better ? change > 0 : change < 0;
		if (p >= 0.05)
			continue;
		faster += better;
		slower += !better;
		short_name(shortname, sizeof(shortname), c->name);
		fprintf(f, "%-44.44s", shortname);
		cell(f, 8, b->med);
		cell(f, 8, c->med);
		fprintf(f, " %+6.1f%% %6.3f\n", change, p);
	}
	fprintf(f, "%d benchmarks in both runs: %d significantly better, %d worse (p < 0.05)%s\n",
		compared, faster, slower,
		cur->reps < 9 || base->reps < 9 ?
		"\n(fewer than 9 repetitions: a U test this small is weak)" : "");
}

static int strategies_of(struct rd_results *r, const char *prefix,
			 char vals[][48], int max)
{
	return values_of(r, prefix, "strategy", vals, max);
}

static void report_drain(FILE *f, struct rd_results *r)
{
	char strategies[16][48], regions[16][48], targets[8][48], dists[8][48];
	int ns = strategies_of(r, "drain/lookup", strategies, 16);
	int nreg = values_of(r, "drain/lookup", "regions", regions, 16);
	int nt = values_of(r, "drain/lookup", "targets", targets, 8);
	int nd = values_of(r, "drain/lookup", "dist", dists, 8);

	for (int di = 0; di < nd; di++)
	for (int ti = 0; ti < nt; ti++) {
		char title[160];
		bool any = false;

		for (int si = 0; si < ns && !any; si++)
			for (int ri = 0; ri < nreg && !any; ri++)
				any = find(r, "drain/lookup", "strategy", strategies[si],
					   "regions", regions[ri], "targets",
					   targets[ti], "dist", dists[di], NULL);
		if (!any)
			continue;
		snprintf(title, sizeof(title),
			 "drain/lookup: ns per report, %.47s addresses, %.47s targets, by regions",
			 dists[di], targets[ti]);
		section(f, title);
		fprintf(f, "%-10s", "strategy");
		for (int ri = 0; ri < nreg && ri < 6; ri++)
			fprintf(f, " %7s", regions[ri]);
		fprintf(f, " %8s\n", "x rfc@max");
		for (int si = 0; si < ns; si++) {
			struct rd_bm *last = NULL, *rfc_last = NULL;

			fprintf(f, "%-10s", strategies[si]);
			for (int ri = 0; ri < nreg && ri < 6; ri++) {
				struct rd_bm *b = find(r, "drain/lookup",
					"strategy", strategies[si], "regions",
					regions[ri], "targets", targets[ti],
					"dist", dists[di], NULL);

				cell(f, 7, b ? b->med : NAN);
				if (b) {
					last = b;
					rfc_last = find(r, "drain/lookup",
						"strategy", "rfc", "regions",
						regions[ri], "targets", targets[ti],
						"dist", dists[di], NULL);
				}
			}
			ratio_cell(f, 8, last, rfc_last);
			fputc('\n', f);
		}
	}
	/* The targets: 1e4 regions x 8 targets >= 20x, 1e6 >= 100x. */
	for (int k = 0; k < 2; k++) {
		const char *nreg_s = k ? "1000000" : "10000";
		double want = k ? 100 : 20;
		struct rd_bm *rfc = find(r, "drain/lookup", "strategy", "rfc",
					 "regions", nreg_s, "targets", "8",
					 "dist", "uniform", NULL);
		struct rd_bm *best = NULL;

		for (int si = 0; si < ns && rfc; si++) {
			struct rd_bm *b = find(r, "drain/lookup", "strategy",
				strategies[si], "regions", nreg_s, "targets", "8",
				"dist", "uniform", NULL);

			if (b && strcmp(strategies[si], "rfc") &&
			    (!best || b->med < best->med))
				best = b;
		}
		if (rfc && best)
			verdict(f, rfc->med >= want * best->med &&
				(k || best->med < 10),
				"%s regions x 8 targets: %s %.2f ns/report,\n"
				"  %.1fx faster than rfc's %.1f ns (target >= %.0fx%s)",
				k ? "1e6" : "1e4", kv(best, "strategy"), best->med,
				rfc->med / best->med, rfc->med, want,
				k ? "" : " and < 10 ns");
	}
}

static void report_tick(FILE *f, struct rd_results *r)
{
	char strategies[16][48], cpus[8][48], regions[8][48], rates[8][48];
	char snaps[4][48], allocs[4][48];
	int ns = strategies_of(r, "tick", strategies, 16);
	int nc = values_of(r, "tick", "cpus", cpus, 8);
	int nreg = values_of(r, "tick", "regions", regions, 8);
	int nrate = values_of(r, "tick", "rate", rates, 8);
	int nsnap = values_of(r, "tick", "snapshot", snaps, 4);
	int nalloc = values_of(r, "tick", "alloc", allocs, 4);

	for (int ci = 0; ci < nc; ci++)
	for (int gi = 0; gi < nreg; gi++)
	for (int qi = 0; qi < nrate; qi++) {
		const char *cp = cpus[ci], *rg = regions[gi], *rt = rates[qi];
		struct rd_bm *rfc = find(r, "tick", "strategy", "rfc", "cpus", cp,
					 "regions", rg, "rate", rt, "snapshot",
					 "default", "alloc", "reuse", "zero",
					 "eager", NULL);
		struct rd_bm *best = NULL;
		char title[300];

		snprintf(title, sizeof(title),
			 "tick: one kdamond tick, %.47s CPUs x %.47s samples/s, %.47s regions:\n"
			 "  drain every ring, look up, credit, zero-access pass (us)",
			 cp, rt, rg);
		section(f, title);
		fprintf(f, "%-10s %-8s %-8s %9s %9s %6s %7s %5s\n", "strategy",
			"snapshot", "alloc", "eager", "lazy", "%tick", "x rfc",
			"drops");
		for (int si = 0; si < ns; si++)
		for (int pi = 0; pi < nsnap; pi++)
		for (int ai = 0; ai < nalloc; ai++) {
			struct rd_bm *e = find(r, "tick", "strategy", strategies[si],
				"cpus", cp, "regions", rg, "rate", rt, "snapshot",
				snaps[pi], "alloc", allocs[ai], "zero", "eager", NULL);
			struct rd_bm *l = find(r, "tick", "strategy", strategies[si],
				"cpus", cp, "regions", rg, "rate", rt, "snapshot",
				snaps[pi], "alloc", allocs[ai], "zero", "lazy", NULL);
			struct rd_bm *b = e && (!l || e->med <= l->med) ? e : l;

			if (!b)
				continue;
			fprintf(f, "%-10s %-8s %-8s", strategies[si], snaps[pi],
				allocs[ai]);
			cell(f, 9, e ? e->med : NAN);
			cell(f, 9, l ? l->med : NAN);
			cell(f, 6, b->med / (TICK_US) * 100);
			ratio_cell(f, 7, b, rfc);
			fprintf(f, " %5.0f\n", b->nd ? median_of(b->drops, b->nd) : 0);
			if (strcmp(strategies[si], "rfc") &&
			    (!best || b->med < best->med))
				best = b;
		}
		if (best && !strcmp(cp, "256") && !strcmp(rg, "10000") &&
		    !strcmp(rt, "5000"))
			verdict(f, best->med < 0.01 * TICK_US,
				"%s (%s zero pass) uses %.2f%% of the 5 ms tick on one core\n"
				"  (target < 1%%); rfc as posted uses %.2f%%",
				kv(best, "strategy"), kv(best, "zero"),
				best->med / TICK_US * 100,
				rfc ? rfc->med / TICK_US * 100 : NAN);
	}
}

/*
 * tick/trace: the whole tick per report on the committed traces, by
 * workload and regions; the target: >= 3x faster than rfc at 1e4 regions.
 */
static void report_tick_trace(FILE *f, struct rd_results *r)
{
	char strategies[16][48], regions[8][48], loads[4][48];
	int ns = strategies_of(r, "tick/trace", strategies, 16);
	int nreg = values_of(r, "tick/trace", "regions", regions, 8);
	int nl = values_of(r, "tick/trace", "workload", loads, 4);

	for (int li = 0; li < nl; li++) {
		char title[160];

		snprintf(title, sizeof(title),
			 "tick/trace: whole tick, ns per report, %.47s trace, aggregation on, by regions",
			 loads[li]);
		section(f, title);
		fprintf(f, "%-10s %-6s", "strategy", "zero");
		for (int ri = 0; ri < nreg && ri < 5; ri++)
			fprintf(f, " %7s", regions[ri]);
		fprintf(f, " %8s\n", "x rfc@1e4");
		for (int si = 0; si < ns; si++) {
			struct rd_bm *at = NULL, *rfc = find(r, "tick/trace",
				"strategy", "rfc", "workload", loads[li],
				"regions", "10000", NULL);
			const char *z = NULL;

			for (int ri = 0; ri < nreg && ri < 5; ri++) {
				struct rd_bm *b = find(r, "tick/trace", "strategy",
					strategies[si], "workload", loads[li],
					"regions", regions[ri], NULL);

				if (b && !z)
					z = kv(b, "zero");
				if (b && !strcmp(regions[ri], "10000"))
					at = b;
			}
			fprintf(f, "%-10s %-6s", strategies[si], z ? z : "-");
			for (int ri = 0; ri < nreg && ri < 5; ri++) {
				struct rd_bm *b = find(r, "tick/trace", "strategy",
					strategies[si], "workload", loads[li],
					"regions", regions[ri], NULL);

				cell(f, 7, b ? b->med : NAN);
			}
			ratio_cell(f, 8, rfc, at);
			fputc('\n', f);
		}
		{
			struct rd_bm *rfc = find(r, "tick/trace", "strategy",
				"rfc", "workload", loads[li], "regions", "10000",
				NULL), *best = NULL;

			for (int si = 0; si < ns && rfc; si++) {
				struct rd_bm *b = find(r, "tick/trace", "strategy",
					strategies[si], "workload", loads[li],
					"regions", "10000", NULL);

				if (b && strcmp(strategies[si], "rfc") &&
				    (!best || b->med < best->med))
					best = b;
			}
			if (rfc && best)
				verdict(f, rfc->med >= 3 * best->med,
					"%s trace, 1e4 regions, aggregation on: %s %.2f ns/report,\n"
					"  %.1fx faster than rfc's %.2f ns (target >= 3x)",
					loads[li], kv(best, "strategy"), best->med,
					rfc->med / best->med, rfc->med);
		}
	}
}

static void report_drain_tick(FILE *f, struct rd_results *r)
{
	report_drain(f, r);
	report_tick(f, r);
	report_tick_trace(f, r);
}

/* The strategy with the shortest tick at the reference point. */
static void rd_report_drain_winner(struct rd_results *r, struct rd_winners *w)
{
	struct rd_bm *best = NULL, *rfc = NULL;

	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		const char *s = kv(b, "strategy");

		if (strcmp(b->suite, "tick") || b->variant[0] || !b->n || !s ||
		    strcmp(kv(b, "regions") ?: "", "10000"))
			continue;
		if (!strcmp(s, "rfc"))
			rfc = rfc && rfc->med < b->med ? rfc : b;
		else if (!best || b->med < best->med)
			best = b;
	}
	if (!best)
		return;
	snprintf(w->strategy, sizeof(w->strategy), "%s", kv(best, "strategy"));
	snprintf(w->strategy_why, sizeof(w->strategy_why),
		 "shortest whole kdamond tick at 1e4 regions (%s CPUs, %s samples/s each): %.1f us median vs %.1f us for rfc",
		 kv(best, "cpus") ?: "?", kv(best, "rate") ?: "?", best->med,
		 rfc ? rfc->med : NAN);
}

void rd_report_print(FILE *f, struct rd_results *cur, struct rd_results *base)
{
	fprintf(f, "ringdrain report: %s\n", project_path(cur->dir));
	if (cur->machine[0])
		fprintf(f, "machine: %s\n", cur->machine);
	if (cur->incomplete[0])
		fprintf(f, "%s\n", cur->incomplete);
	fprintf(f, "medians of %d repetitions; spread = interquartile range / median;\n"
		"xfer = one-way cache-line transfer between the pair, ns\n",
		cur->reps);
	report_producer_hot(f, cur);
	report_producer_nmi(f, cur);
	report_cadence(f, cur);
	report_streaming(f, cur);
	report_drain_tick(f, cur);
	report_winner(f, cur);
	for (int i = 0; i < cur->n; i++)
		if (cur->bm[i].error[0])
			fprintf(f, "skipped: %s: %s\n", cur->bm[i].name,
				cur->bm[i].error);
	if (base)
		report_compare(f, cur, base);
}

/* Per-record atomics of @d: the count ringdrain list's line starts with. */
static int design_atomics(const struct rd_ring_design *d)
{
	char *end;
	long n;

	if (!d->atomics || !strncmp(d->atomics, "none", 4))
		return 0;
	n = strtol(d->atomics, &end, 10);
	return end == d->atomics ? INT_MAX : (int)n;
}

/* Lines of ring/<design>.c ('-' read as '_'); LONG_MAX if unreadable. */
static long design_lines(const char *name)
{
	char path[1024];
	long lines = 0;
	FILE *f;
	int c;

	snprintf(path, sizeof(path), "%s/ring/%s.c", RD_SOURCE_DIR, name);
	for (char *p = path + strlen(RD_SOURCE_DIR) + 6; *p; p++)
		if (*p == '-')
			*p = '_';
	f = fopen(path, "r");
	if (!f)
		return LONG_MAX;
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	return lines;
}

/* The tie-break order of RD_TIE_RULE: negative when @a goes first. */
static int tie_order(const char *a, const char *b)
{
	const struct rd_ring_design *da = rd_design_find(a);
	const struct rd_ring_design *db = rd_design_find(b);
	size_t fa = da->size(256, DAMON_REPORT_FULL);
	size_t fb = db->size(256, DAMON_REPORT_FULL);
	int xa = design_atomics(da), xb = design_atomics(db);
	long la = design_lines(a), lb = design_lines(b);

	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (xa != xb)
		return xa < xb ? -1 : 1;
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

/* A contender for the design winner: its repetitions of one regime. */
struct contender {
	const char *design;
	double v[64];
	int n;
	double med;
};

static void contender_of(struct contender *c, const struct rd_bm *b,
			 double split, int regime)
{
	double tmp[64];

	c->design = kv(b, "design");
	c->n = 0;
	for (int j = 0; j < b->n && c->n < 64; j++)
		if (!has_xfer(b) || (b->xfer[j] >= split) == regime)
			c->v[c->n++] = b->v[j];
	memcpy(tmp, c->v, c->n * sizeof(*tmp));
	c->med = c->n ? median_of(tmp, c->n) : NAN;
}

void rd_report_winners(struct rd_results *r, struct rd_winners *w)
{
	char rates[8][48], classes[8][48];
	int nr = values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = values_of(r, "producer/nmi", "class", classes, 8);

	memset(w, 0, sizeof(*w));
	if (nr && nc) {
		/* The middle rate, the closest cross-core pair, 48-byte records. */
		const char *rate = rates[nr / 2], *cls = classes[0];
		struct rd_bm *bms[16], *rfc_bm;
		struct contender c[16], rfc = { .med = NAN };
		double *x = NULL, split;
		int n = 0, nx = 0, xcap = 0, cnt[2] = { 0, 0 }, regime, best = -1;
		int win = -1;
		char ties[256] = "", where[160] = "";

		for (unsigned int i = 0; i < rd_nr_designs && n < 16; i++) {
			struct rd_bm *b = find(r, "producer/nmi", "design",
					       rd_designs[i]->name, "rec", "48",
					       "rate", rate, "class", cls, NULL);

			if (!b || !nmi_safe(rd_designs[i]->name))
				continue;
			bms[n++] = b;
			for (int j = 0; has_xfer(b) && j < b->nx; j++)
				push(&x, &nx, &xcap, b->xfer[j]);
		}
		/* The transfer regime with more repetitions (rule as streaming). */
		split = rd_regime_split(x, nx);
		for (int j = 0; j < nx; j++)
			cnt[x[j] >= split]++;
		free(x);
		regime = cnt[1] > cnt[0];
		if (cnt[!regime])
			snprintf(where, sizeof(where),
				 "; the %s-xfer regime (split at %.0f ns), %d repetitions of %d in the other left out",
				 regime ? "high" : "low", split, cnt[!regime],
				 cnt[0] + cnt[1]);
		for (int k = 0; k < n; k++) {
			contender_of(&c[k], bms[k], split, regime);
			if (c[k].n && (best < 0 || c[k].med < c[best].med))
				best = k;
		}
		rfc_bm = find(r, "producer/nmi", "design", "rfc", "rec", "48",
			      "rate", rate, "class", cls, NULL);
		if (rfc_bm)
			contender_of(&rfc, rfc_bm, split, regime);
		for (int k = 0; best >= 0 && k < n && w->nties < 8; k++) {
			if (!c[k].n || (k != best &&
				       rd_mann_whitney_p(c[k].v, c[k].n, c[best].v,
							 c[best].n) < RD_TIE_P))
				continue;
			snprintf(w->design_ties[w->nties++], 32, "%s", c[k].design);
			snprintf(ties + strlen(ties), sizeof(ties) - strlen(ties),
				 "%s%s %.1f", strlen(ties) ? ", " : "",
				 c[k].design, c[k].med);
			if (win < 0 || tie_order(c[k].design, c[win].design) < 0)
				win = k;
		}
		if (win >= 0) {
			snprintf(w->design, sizeof(w->design), "%s", c[win].design);
			w->design_rule = RD_TIE_RULE;
			snprintf(w->design_why, sizeof(w->design_why),
				 "the nesting-safe designs tied in the NMI regime (%s/s, 48-byte reports, pair %s%s; ns median: %s; lowest %s, rfc %.1f) and %s goes first by the rule: the smallest per-CPU ring, then fewest per-record atomics, then fewest lines",
				 rate, cls, where, ties, c[best].design, rfc.med,
				 w->design);
			if (w->nties == 1)
				snprintf(w->design_why, sizeof(w->design_why),
					 "lowest cost per produce() among the nesting-safe designs in the NMI regime (%s/s, 48-byte reports, pair %s%s), significantly (U test p < %.2f against each): %.1f ns median vs %.1f ns for rfc",
					 rate, cls, where, RD_TIE_P, c[win].med,
					 rfc.med);
		}
	}
	rd_report_drain_winner(r, w);
}

/* The design winner, its tie set and the rule, under the tables. */
static void report_winner(FILE *f, struct rd_results *r)
{
	struct rd_winners w;

	rd_report_winners(r, &w);
	if (!w.design[0])
		return;
	section(f, "winner (what ringdrain export uses)");
	fprintf(f, "design: %s; tie set:", w.design);
	for (int i = 0; i < w.nties; i++)
		fprintf(f, " %s", w.design_ties[i]);
	fprintf(f, "\nrule: ties are designs whose NMI-regime cost differs from the\n"
		   "  lowest median with U test p >= %.2f; among them the smallest\n"
		   "  per-CPU ring, then fewest per-record atomics, then fewest lines\n",
		RD_TIE_P);
}

int rd_report_write(const char *dir, bool print)
{
	char err[RD_REPORT_ERR_LEN] = "", path[1024], *text = NULL;
	char ioerr[RD_IO_ERR_LEN];
	struct rd_results *r = rd_results_load(dir, err);
	struct rd_winners w;
	size_t len = 0;
	FILE *mem;
	json_t *summary, *cmds, *machine;
	json_error_t jerr;
	int ret = 0;

	if (!r) {
		fprintf(stderr, "ringdrain report: %s\n", err);
		return 1;
	}
	mem = open_memstream(&text, &len);
	rd_report_print(mem, r, NULL);
	fclose(mem);
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	if (rd_write_file(path, text, len, ioerr)) {
		fprintf(stderr, "ringdrain report: %s\n", ioerr);
		ret = 1;
	}
	if (r->incomplete[0]) {
		/* `ringdrain export` takes its winners from summary.json. */
		fprintf(stderr, "ringdrain report: %s/summary.json is not written for an incomplete run: winners need every suite\n",
			project_path(dir));
		goto out;
	}
	rd_report_winners(r, &w);
	cmds = json_array();
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	machine = json_load_file(path, 0, &jerr);
	{
		json_t *argv = json_object_get(machine, "command"), *a;
		char line[1024] = "./ringdrain";
		size_t i;

		json_array_foreach(argv, i, a)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 " %s", json_string_value(a));
		json_array_append_new(cmds, json_string(line));
		snprintf(line, sizeof(line), "./ringdrain report %s",
			 project_path(dir));
		json_array_append_new(cmds, json_string(line));
	}
	json_decref(machine);
	summary = json_pack("{s:{s:s, s:s, s:s, s:s}, s:s, s:o, s:s}",
			    "winners", "design", w.design, "design_why", w.design_why,
			    "strategy", w.strategy, "strategy_why", w.strategy_why,
			    "report", text, "commands", cmds, "machine", r->machine);
	if (summary) {	/* the tie set and the rule the design was picked by */
		json_t *win = json_object_get(summary, "winners");
		json_t *ties = json_array();

		for (int i = 0; i < w.nties; i++)
			json_array_append_new(ties, json_string(w.design_ties[i]));
		json_object_set_new(win, "design_ties", ties);
		json_object_set_new(win, "design_rule",
				    json_string(w.design_rule ? w.design_rule : ""));
	}
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (!summary) {
		fprintf(stderr, "ringdrain report: cannot write %s: %s\n", path,
			strerror(ENOMEM));
		ret = 1;
	} else if (rd_write_json(path, summary, JSON_INDENT(2), ioerr)) {
		fprintf(stderr, "ringdrain report: %s\n", ioerr);
		ret = 1;
	}
	json_decref(summary);
out:
	if (print)
		fputs(text, stdout);
	free(text);
	rd_results_free(r);
	return ret;
}

int rd_report_plot(struct rd_results *r, const char *path, bool png, char *err)
{
	char data[] = "/tmp/ringdrain-plot-XXXXXX", cmd[2048];
	char out[1100], ioerr[RD_IO_ERR_LEN];
	char rates[8][48], classes[8][48];
	int nr = values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = values_of(r, "producer/nmi", "class", classes, 8);
	int fd, rows = 0, ret;
	bool have48 = false, have32 = false;
	char plots[256];
	FILE *f, *gp;

	if (!nr || !nc) {
		rd_msgf(err, RD_REPORT_ERR_LEN,
			"%s: no producer/nmi results to plot", r->dir);
		return -1;
	}
	fd = mkstemp(data);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, RD_REPORT_ERR_LEN, "cannot create a temporary file: %m");
		return -1;
	}
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *a = find(r, "producer/nmi", "design", d, "rec", "48",
				       "rate", rates[nr / 2], "class", classes[0], NULL);
		struct rd_bm *b = find(r, "producer/nmi", "design", d, "rec", "32",
				       "rate", rates[nr / 2], "class", classes[0], NULL);

		if (!a && !b)
			continue;
		have48 |= a != NULL;
		have32 |= b != NULL;
		fprintf(f, "%s %g %g %g %g %g %g\n", d,
			a ? a->med : NAN, a ? a->p25 : NAN, a ? a->p75 : NAN,
			b ? b->med : NAN, b ? b->p25 : NAN, b ? b->p75 : NAN);
		rows++;
	}
	fclose(f);
	snprintf(plots, sizeof(plots), "%s%s%s",
		 have48 ? "'DATA' using 2:3:4:xtic(1) title '48-byte records'" : "",
		 have48 && have32 ? ", " : "",
		 have32 ? (have48 ? "'' using 5:6:7 title '32-byte records'" :
			   "'DATA' using 5:6:7:xtic(1) title '32-byte records'") : "");
	{
		/* put the data file's name where DATA stands */
		char tmp[sizeof(plots)], *p = strstr(plots, "DATA");
		int n;

		if (p) {
			*p = 0;
			n = snprintf(tmp, sizeof(tmp), "%s%s%s", plots, data, p + 4);
			if (n < 0 || (size_t)n >= sizeof(tmp)) {
				unlink(data);
				rd_msgf(err, RD_REPORT_ERR_LEN,
					"the plot command does not fit in %zu bytes",
					sizeof(tmp));
				return -1;
			}
			memcpy(plots, tmp, (size_t)n + 1);
		}
	}
	/* gnuplot draws into a temporary name; it becomes @path whole. */
	rd_tmp_name(path, out, sizeof(out));
	snprintf(cmd, sizeof(cmd), "gnuplot 2>&1");
	gp = popen(cmd, "w");
	if (!gp) {
		unlink(data);
		snprintf(err, RD_REPORT_ERR_LEN, "cannot run gnuplot: %m");
		return -1;
	}
	fprintf(gp,
		"set terminal %s size 900,480\n"
		"set output '%s'\n"
		"set title 'ns per produce(), NMI regime: %s/s, 5 ms drain, pair %s (median, IQR)'\n"
		"set style data histograms\n"
		"set style histogram errorbars gap 1 lw 1\n"
		"set style fill solid 0.7 border -1\n"
		"set ylabel 'ns per produce()'\n"
		"set yrange [0:*]\n"
		"set xtics rotate by -30\n"
		"set key top left\n"
		"plot %s\n",
		png ? "pngcairo" : "svg", out, rates[nr / 2], classes[0], plots);
	ret = pclose(gp);
	unlink(data);
	if (ret) {
		unlink(out);
		snprintf(err, RD_REPORT_ERR_LEN, "gnuplot failed drawing %s", path);
		return -1;
	}
	if (rd_commit_file(out, path, ioerr)) {
		rd_msgf(err, RD_REPORT_ERR_LEN, "%s", ioerr);
		return -1;
	}
	return rows ? 0 : -1;
}
