// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - the shared frame of the report (see report.h): the results
 * folder read into benchmarks and repetitions, cells and verdict lines,
 * transfer regimes, the comparison of two runs, summary.json and the plot.
 * Every suite's own tables, keys and targets are in its <suite>_report.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cachesim.h"
#include "report.h"
#include "results_io.h"
#include "ring/ring.h"
#include "stats.h"

extern char **environ;

/* The key naming a benchmark's CPU pair class: regimes are per class. */
#define RD_KEY_CLASS	"class"

const char *rd_project_path(const char *path)
{
	size_t len = strlen(RD_SOURCE_DIR);

	if (!strncmp(path, RD_SOURCE_DIR, len) && path[len] == '/')
		return path + len + 1;
	return path;
}

static const struct rd_metric *metric_of(const char *name)
{
	const struct rd_metric *best = NULL;

	for (unsigned int s = 0; s < rd_nr_suite_reports; s++)
		for (const struct rd_metric *m = rd_suite_reports[s]->metrics;
		     m && m->prefix; m++) {
			size_t len = strlen(m->prefix);

			if (strncmp(name, m->prefix, len) == 0 &&
			    (name[len] == '/' || name[len] == 0) &&
			    (!best || len > strlen(best->prefix)))
				best = m;
		}
	return best;
}

int rd_push(double **arr, int *n, int *cap, double x, struct rd_err *e)
{
	if (*n >= *cap) {
		int ncap = *cap ? 2 * *cap : 16;
		double *na = realloc(*arr, ncap * sizeof(**arr));

		if (!na)
			return rd_errf(e, ENOMEM, "out of memory (%d values)",
				       ncap);
		*arr = na;
		*cap = ncap;
	}
	(*arr)[(*n)++] = x;
	return 0;
}

const char *rd_kv(const struct rd_bm *b, const char *key)
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
			if (b->nkv >= RD_MAX_KV)
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

/* A new benchmark slot at the end of @r, zeroed; NULL when out of memory. */
static struct rd_bm *add_bm(struct rd_results *r)
{
	if (r->n == r->cap) {
		int ncap = r->cap ? 2 * r->cap : 64;
		struct rd_bm *nb = realloc(r->bm, ncap * sizeof(*r->bm));

		if (!nb)
			return NULL;
		r->bm = nb;
		r->cap = ncap;
	}
	memset(&r->bm[r->n], 0, sizeof(r->bm[0]));
	return &r->bm[r->n++];
}

/*
 * The benchmark named @name (after parse_name()), added if new.  NULL with
 * *@bad for a name that is not ringdrain's, NULL alone when out of memory.
 */
static struct rd_bm *find_or_add(struct rd_results *r, const char *name,
				 bool *bad)
{
	struct rd_bm tmp = { 0 }, *b;

	*bad = false;
	if (parse_name(&tmp, name)) {
		*bad = true;
		return NULL;
	}
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->bm[i].name, tmp.name) == 0)
			return &r->bm[i];
	b = add_bm(r);
	if (b)
		*b = tmp;
	return b;
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

/* One repetition of @b from its JSON entry @e: the metric, xfer, drops. */
static int add_repetition(struct rd_bm *b, json_t *e, struct rd_err *err)
{
	const struct rd_metric *m = b->m;
	json_t *val = json_object_get(e, m->field);
	double v;

	if (!strcmp(m->field, "real_time"))
		v = time_to_ns(json_number_value(val),
			       json_string_value(json_object_get(e, "time_unit")));
	else
		v = json_number_value(val) * m->scale;
	if (rd_push(&b->v, &b->n, &b->vcap, v, err))
		return -ENOMEM;
	val = json_object_get(e, "xfer_ns");
	if (json_is_number(val) &&
	    rd_push(&b->xfer, &b->nx, &b->xcap, json_number_value(val), err))
		return -ENOMEM;
	val = json_object_get(e, "dropped");
	if (json_is_number(val) &&
	    rd_push(&b->drops, &b->nd, &b->dcap, json_number_value(val), err))
		return -ENOMEM;
	return 0;
}

static int load_file(struct rd_results *r, const char *path, struct rd_err *err)
{
	json_error_t jerr;
	json_t *root = rd_json_load_gbench(path, &jerr), *list, *e;
	size_t i;
	int ret = 0;

	if (!root)
		return rd_errf(err, EINVAL, "%s: line %d: not valid JSON: %s",
			       path, jerr.line, jerr.text);
	list = json_object_get(root, "benchmarks");
	if (!json_is_object(root) || !json_is_object(json_object_get(root, "context")) ||
	    !json_is_array(list)) {
		ret = rd_errf(err, EINVAL,
			      "%s: not Google Benchmark output (no \"context\" object and \"benchmarks\" array)",
			      path);
		goto out;
	}
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(e, "run_name"));
		const char *type = json_string_value(json_object_get(e, "run_type"));
		const char *emsg = json_string_value(json_object_get(e, "error_message"));
		const struct rd_metric *m;
		struct rd_bm *b;
		bool bad = false;

		if (!name)
			name = json_string_value(json_object_get(e, "name"));
		if (!json_is_object(e) || !name) {
			ret = rd_errf(err, EINVAL,
				      "%s: benchmark #%zu has no name", path, i);
			goto out;
		}
		m = metric_of(name);
		b = m ? find_or_add(r, name, &bad) : NULL;
		if (!m || bad) {
			ret = rd_errf(err, EINVAL,
				      "%s: benchmark '%s' is not one of ringdrain's (foreign results file?)",
				      path, name);
			goto out;
		}
		if (!b) {
			ret = rd_errf(err, ENOMEM, "%s: out of memory", path);
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
		if (!json_is_number(json_object_get(e, m->field))) {
			ret = rd_errf(err, EINVAL,
				      "%s: benchmark '%s' lacks the number \"%s\"",
				      path, name, m->field);
			goto out;
		}
		ret = add_repetition(b, e, err);
		if (ret) {
			rd_err_prefix(err, "%s: ", path);
			goto out;
		}
	}
out:
	json_decref(root);
	return ret;
}

/* @dir/machine.json, or NULL (it is optional for the report). */
static json_t *load_machine(const char *dir)
{
	char path[1024];
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/machine.json", dir);
	return rd_json_load_gbench(path, &jerr);
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
	size_t o, i, partial = 0;

	buf[0] = 0;
	m = load_machine(dir);
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

/* Is @f a file of the folder that no Google Benchmark results are in? */
static bool not_results(const char *f)
{
	size_t len = strlen(f);

	if (len < 6 || strcmp(f + len - 5, ".json") || f[0] == '.' ||
	    !strcmp(f, "machine.json") || !strcmp(f, "summary.json"))
		return true;
	for (unsigned int s = 0; s < rd_nr_suite_reports; s++)
		for (const char *const *o = rd_suite_reports[s]->files;
		     o && *o; o++)
			if (!strcmp(f, *o))
				return true;
	return false;
}

/* The message for a folder without one suite's results. */
static int no_results(const char *dir, struct rd_err *e)
{
	char why[1024] = "";
	char line[sizeof(why) * 2], *resume;
	size_t o = 0;

	if (incomplete_note(dir, why, sizeof(why)))
		return rd_errf(e, EINVAL,
			       "%s: no results (no <suite>.json from ringdrain bench)",
			       dir);
	/* One line: machine.json has the resume command. */
	resume = strstr(why, "\nresume:");
	if (resume)
		*resume = 0;
	line[0] = 0;
	for (const char *c = why; *c; c++)
		o += snprintf(line + o, sizeof(line) - o, "%s",
			      *c == '\n' ? "; " : (char[2]){ *c, 0 });
	return rd_errf(e, EINVAL,
		       "%s: no results: the run was not completed and no suite finished (%s%s)",
		       dir, line, resume ? "; machine.json says how to resume" : "");
}

/* Median and quartiles of @b's repetitions; 0 or -ENOMEM. */
static int summarize(struct rd_bm *b, struct rd_err *e)
{
	double *tmp = malloc((b->n + 1) * sizeof(double));

	if (!tmp)
		return rd_errf(e, ENOMEM, "%s: out of memory", b->name);
	if (b->n)
		memcpy(tmp, b->v, b->n * sizeof(double));
	qsort(tmp, b->n, sizeof(double), rd_cmp_double);
	b->med = rd_quantile(tmp, b->n, 0.5);
	b->p25 = rd_quantile(tmp, b->n, 0.25);
	b->p75 = rd_quantile(tmp, b->n, 0.75);
	free(tmp);
	return 0;
}

struct rd_results *rd_results_load(const char *dir, struct rd_err *e)
{
	struct rd_results *r = calloc(1, sizeof(*r));
	struct dirent **names;
	char path[1024];
	int nfiles, nresults = 0, ret = 0;
	json_t *m;

	if (!r) {
		rd_errf(e, ENOMEM, "%s: out of memory", dir);
		return NULL;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	nfiles = scandir(dir, &names, NULL, alphasort);
	if (nfiles < 0) {
		rd_errf(e, errno, "%s: cannot read the folder: %s", dir,
			strerror(errno));
		free(r);
		return NULL;
	}
	for (int i = 0; i < nfiles; i++) {
		const char *f = names[i]->d_name;

		if (!ret && !not_results(f)) {
			snprintf(path, sizeof(path), "%s/%s", dir, f);
			ret = load_file(r, path, e);
			nresults += !ret;
		}
		free(names[i]);
	}
	free(names);
	if (!ret && !nresults)
		ret = no_results(dir, e);
	for (int i = 0; !ret && i < r->n; i++) {
		ret = summarize(&r->bm[i], e);
		if (r->bm[i].n > r->reps)
			r->reps = r->bm[i].n;
	}
	for (unsigned int s = 0; !ret && s < rd_nr_suite_reports; s++)
		if (rd_suite_reports[s]->load)
			ret = rd_suite_reports[s]->load(r, e);
	if (ret) {
		rd_results_free(r);
		return NULL;
	}
	/* machine.json is optional for the report; it labels the header. */
	m = load_machine(dir);
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

/* "suite/variant" of @b. */
static void prefix_of(const struct rd_bm *b, char *sv, size_t len)
{
	snprintf(sv, len, "%s%s%s", b->suite, b->variant[0] ? "/" : "",
		 b->variant);
}

struct rd_bm *rd_find(struct rd_results *r, const char *prefix, ...)
{
	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		char sv[64];
		bool ok = true;
		const char *k;
		va_list ap;

		prefix_of(b, sv, sizeof(sv));
		if (strcmp(sv, prefix))
			continue;
		va_start(ap, prefix);
		while (ok && (k = va_arg(ap, const char *))) {
			const char *want = va_arg(ap, const char *);
			const char *have = rd_kv(b, k);

			ok = have && !strcmp(have, want);
		}
		va_end(ap);
		if (ok && b->n)
			return b;
	}
	return NULL;
}

/* Numbers in numeric order; names with the baseline first, then by name. */
static int cmp_value(const void *pa, const void *pb)
{
	const char *a = pa, *b = pb;
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (*a && *b && !*ea && !*eb)
		return x < y ? -1 : x > y;
	if (strcmp(a, b) && (!strcmp(a, RD_BASELINE) || !strcmp(b, RD_BASELINE)))
		return strcmp(a, RD_BASELINE) ? 1 : -1;
	return strcmp(a, b);
}

int rd_values_of(struct rd_results *r, const char *prefix, const char *key,
		 char vals[][48], int max)
{
	int n = 0;

	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		char sv[64];
		const char *v;
		bool seen = false;

		prefix_of(b, sv, sizeof(sv));
		if (strcmp(sv, prefix) || !(v = rd_kv(b, key)))
			continue;
		for (int j = 0; j < n; j++)
			seen |= !strcmp(vals[j], v);
		if (!seen && n < max)
			snprintf(vals[n++], 48, "%s", v);
	}
	qsort(vals, n, 48, cmp_value);
	return n;
}

double rd_spread_pct(const struct rd_bm *b)
{
	return b && b->med ? 100.0 * (b->p75 - b->p25) / fabs(b->med) : NAN;
}

double rd_xfer_med(const struct rd_bm *b)
{
	/* b->xfer stays paired with b->v, repetition by repetition */
	return b && b->nx ? rd_median_of(b->xfer, b->nx) : NAN;
}

double rd_drops_med(const struct rd_bm *b)
{
	return b->nd ? rd_median_of(b->drops, b->nd) : 0;
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

void rd_cell(FILE *f, int width, double v)
{
	char buf[32];

	fmt_num(buf, sizeof(buf), v);
	fprintf(f, " %*s", width, buf);
}

void rd_ratio_cell(FILE *f, int width, const struct rd_bm *b,
		   const struct rd_bm *base)
{
	char buf[32] = "-";

	if (b && base && base->med)
		snprintf(buf, sizeof(buf), "%.2fx", b->med / base->med);
	fprintf(f, " %*s", width, buf);
}

void rd_pct_cell(FILE *f, int width, double v)
{
	char buf[32] = "-";

	if (!isnan(v))
		snprintf(buf, sizeof(buf), "%.0f%%", v);
	fprintf(f, " %*s", width, buf);
}

bool rd_nmi_safe(const char *design)
{
	const struct rd_ring_design *d = rd_design_find(design);

	return d && d->nesting == RD_NEST_SAFE;
}

void rd_verdict(FILE *f, bool met, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(f, "verdict: %s: %s\n", met ? "MET" : "MISSED", line);
}

void rd_section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

void rd_note_wrapped(FILE *f, const char *text)
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
 * Transfer regimes.  The vCPUs of a VM move between host cores, and each
 * cross-core repetition's one-way line transfer (xfer_ns) falls in one of
 * (here) two regimes, ~25-60 ns or ~175-240 ns: in effect two machines.
 * The rule, per pair class: sort the xfer_ns of every repetition of the
 * suites' regime_from benchmarks; where two neighbours differ by at least
 * RD_REGIME_GAP times, the largest such ratio splits the class in two
 * regimes at the geometric mean of its ends; otherwise the class has one.
 * The per-regime suites' tables then give medians per regime, never pooled.
 */
static bool regime_feed(const struct rd_bm *b)
{
	char sv[64];

	prefix_of(b, sv, sizeof(sv));
	for (unsigned int s = 0; s < rd_nr_suite_reports; s++)
		for (const char *const *p = rd_suite_reports[s]->regime_from;
		     p && *p; p++)
			if (!strcmp(sv, *p))
				return true;
	return false;
}

static bool per_regime(const struct rd_bm *b)
{
	for (unsigned int s = 0; s < rd_nr_suite_reports; s++)
		if (rd_suite_reports[s]->per_regime &&
		    !strcmp(b->suite, rd_suite_reports[s]->suite))
			return true;
	return false;
}

struct regimes {
	int nc;
	char cls[8][48];
	double split[8];	/* INFINITY: one regime */
	int n[8][2];		/* repetitions below / at or above the split */
	double lo[8][2], hi[8][2];	/* their xfer range */
};

static int regimes_of(struct rd_results *r, struct regimes *g,
		      struct rd_err *e)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < r->n; i++) {
		struct rd_bm *b = &r->bm[i];
		const char *c = rd_kv(b, RD_KEY_CLASS);
		int k;

		if (!regime_feed(b) || !rd_has_xfer(b) || !c)
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
			const char *c = rd_kv(b, RD_KEY_CLASS);

			if (!regime_feed(b) || !rd_has_xfer(b) || !c ||
			    strcmp(c, g->cls[k]))
				continue;
			for (int j = 0; j < b->nx; j++)
				if (rd_push(&x, &nx, &cap, b->xfer[j], e)) {
					free(x);
					return -ENOMEM;
				}
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
	return 0;
}

static double split_of(const struct regimes *g, const struct rd_bm *b)
{
	const char *c = rd_kv(b, RD_KEY_CLASS);

	for (int k = 0; c && k < g->nc; k++)
		if (!strcmp(g->cls[k], c))
			return g->split[k];
	return INFINITY;
}

/*
 * The per-regime suites' benchmarks of @r with only their repetitions of
 * regime @s (0: xfer below the split, 1: at or above); those without xfer
 * (io_uring) count as regime 0.  Medians and quartiles recomputed.
 */
#define RD_REGIME_MIN_REPS	3	/* fewer in a regime: no median there */

static struct rd_results *regime_subset(struct rd_results *r,
					const struct regimes *g, int s,
					struct rd_err *e)
{
	struct rd_results *o = calloc(1, sizeof(*o));

	if (!o) {
		rd_errf(e, ENOMEM, "%s: out of memory", r->dir);
		return NULL;
	}
	memcpy(o->dir, r->dir, sizeof(o->dir));
	memcpy(o->machine, r->machine, sizeof(o->machine));
	for (int i = 0; i < r->n; i++) {
		const struct rd_bm *b = &r->bm[i];
		double split = split_of(g, b);
		struct rd_bm *c;

		if (!per_regime(b) || (!rd_has_xfer(b) && s))
			continue;
		c = add_bm(o);
		if (!c) {
			rd_errf(e, ENOMEM, "%s: out of memory", r->dir);
			goto fail;
		}
		*c = *b;
		c->v = c->xfer = c->drops = NULL;
		c->n = c->nx = c->nd = c->vcap = c->xcap = c->dcap = 0;
		for (int j = 0; j < b->n; j++) {
			if (rd_has_xfer(b) && (b->xfer[j] >= split) != s)
				continue;
			if (rd_push(&c->v, &c->n, &c->vcap, b->v[j], e) ||
			    (rd_has_xfer(b) &&
			     rd_push(&c->xfer, &c->nx, &c->xcap, b->xfer[j], e)))
				goto fail;
		}
		/* A median of one or two repetitions is no median: "-". */
		if (c->n < RD_REGIME_MIN_REPS)
			c->n = c->nx = 0;
		if (c->n > o->reps)
			o->reps = c->n;
		if (summarize(c, e))
			goto fail;
	}
	return o;
fail:
	rd_results_free(o);
	return NULL;
}

/* The per-regime suites' tables, once per transfer regime. */
static int report_regimes(FILE *f, struct rd_results *r, struct rd_err *e)
{
	struct regimes g;
	bool two = false;
	char title[400] = "";
	int ret;

	ret = regimes_of(r, &g, e);
	if (ret)
		return ret;
	for (int k = 0; k < g.nc; k++)
		two |= g.n[k][1] > 0;
	if (g.nc) {
		for (unsigned int s = 0; s < rd_nr_suite_reports; s++)
			for (const char *const *p = rd_suite_reports[s]->regime_from;
			     p && *p; p++)
				snprintf(title + strlen(title),
					 sizeof(title) - strlen(title), "%s%s",
					 title[0] ? ", " : "", *p);
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 ": transfer regimes, per pair class (a gap of >= 2x\n"
			 "  between neighbouring sorted xfer values splits; medians never pooled;\n"
			 "  a cell with fewer than %d repetitions in a regime shows \"-\")",
			 RD_REGIME_MIN_REPS);
		rd_section(f, title);
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
	for (int s = 0; !ret && s < (two ? 2 : 1); s++) {
		struct rd_results *sub = regime_subset(r, &g, s, e);
		struct rd_report_ctx ctx = { .r = sub };

		if (!sub)
			return -ENOMEM;
		if (two)
			rd_section(f, s ? "== high-xfer regime (xfer at or above the split) =="
				     : "== low-xfer regime (xfer below the split) ==");
		for (unsigned int i = 0; !ret && i < rd_nr_suite_reports; i++)
			if (rd_suite_reports[i]->per_regime)
				ret = rd_suite_reports[i]->report(&ctx, f, e);
		rd_results_free(sub);
	}
	return ret;
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

static int report_compare(FILE *f, struct rd_results *cur,
			  struct rd_results *base, struct rd_err *e)
{
	int compared = 0, faster = 0, slower = 0;

	rd_section(f, "change against the base run (Mann-Whitney U, two-sided)");
	fprintf(f, "base: %s\n", rd_project_path(base->dir));
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
		if (isnan(p))
			return rd_errf(e, ENOMEM, "%s: out of memory for the U test",
				       c->name);
		better = c->m->higher_better ? change > 0 : change < 0;
		if (p >= 0.05)
			continue;
		faster += better;
		slower += !better;
		short_name(shortname, sizeof(shortname), c->name);
		fprintf(f, "%-44.44s", shortname);
		rd_cell(f, 8, b->med);
		rd_cell(f, 8, c->med);
		fprintf(f, " %+6.1f%% %6.3f\n", change, p);
	}
	fprintf(f, "%d benchmarks in both runs: %d significantly better, %d worse (p < 0.05)%s\n",
		compared, faster, slower,
		cur->reps < 9 || base->reps < 9 ?
		"\n(fewer than 9 repetitions: a U test this small is weak)" : "");
	return 0;
}

/* The design winner, its tie set and the rule, under the tables. */
static int report_winner(FILE *f, struct rd_results *r, struct rd_err *e)
{
	struct rd_winners w;
	int ret = rd_report_winners(r, &w, e);

	if (ret || !w.design[0])
		return ret;
	rd_section(f, "winner (what ringdrain export uses)");
	fprintf(f, "design: %s; tie set:", w.design);
	for (int i = 0; i < w.nties; i++)
		fprintf(f, " %s", w.design_ties[i]);
	fprintf(f, "\nrule: %s\n", w.design_rule_lines ?: w.design_rule ?: "");
	return 0;
}

int rd_report_print(FILE *f, struct rd_results *cur, struct rd_results *base,
		    struct rd_err *e)
{
	struct rd_report_ctx ctx = { .r = cur };
	bool regimes_done = false;
	int ret = 0;

	fprintf(f, "ringdrain report: %s\n", rd_project_path(cur->dir));
	if (cur->machine[0])
		fprintf(f, "machine: %s\n", cur->machine);
	if (cur->incomplete[0])
		fprintf(f, "%s\n", cur->incomplete);
	fprintf(f, "medians of %d repetitions; spread = interquartile range / median;\n"
		"xfer = one-way cache-line transfer between the pair, ns\n",
		cur->reps);
	for (unsigned int s = 0; !ret && s < rd_nr_suite_reports; s++) {
		const struct rd_suite_report *sr = rd_suite_reports[s];

		if (!sr->per_regime)
			ret = sr->report(&ctx, f, e);
		else if (!regimes_done) {
			ret = report_regimes(f, cur, e);
			regimes_done = true;
		}
	}
	if (!ret)
		ret = report_winner(f, cur, e);
	for (int i = 0; !ret && i < cur->n; i++)
		if (cur->bm[i].error[0])
			fprintf(f, "skipped: %s: %s\n", cur->bm[i].name,
				cur->bm[i].error);
	if (!ret && base)
		ret = report_compare(f, cur, base, e);
	return ret;
}

int rd_report_winners(struct rd_results *r, struct rd_winners *w,
		      struct rd_err *e)
{
	struct rd_report_ctx ctx = { .r = r };
	int ret = 0;

	memset(w, 0, sizeof(*w));
	for (unsigned int s = 0; !ret && s < rd_nr_suite_reports; s++)
		if (rd_suite_reports[s]->winner)
			ret = rd_suite_reports[s]->winner(&ctx, w, e);
	return ret;
}

/* summary.json: the winners, the report, the commands that made them. */
static json_t *summary_of(const char *dir, struct rd_results *r,
			  const struct rd_winners *w, const char *text)
{
	json_t *summary, *cmds = json_array(), *machine, *argv, *a, *ties;
	char line[1024] = "./ringdrain";
	size_t i;

	if (!cmds)
		return NULL;
	machine = load_machine(dir);
	argv = json_object_get(machine, "command");
	json_array_foreach(argv, i, a)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 " %s", json_string_value(a));
	json_decref(machine);
	if (json_array_append_new(cmds, json_string(line)))
		goto fail;
	snprintf(line, sizeof(line), "./ringdrain report %s",
		 rd_project_path(dir));
	if (json_array_append_new(cmds, json_string(line)))
		goto fail;
	summary = json_pack("{s:{s:s, s:s, s:s, s:s}, s:s, s:o, s:s}",
			    "winners", "design", w->design, "design_why", w->design_why,
			    "strategy", w->strategy, "strategy_why", w->strategy_why,
			    "report", text, "commands", cmds, "machine", r->machine);
	if (!summary)
		return NULL;	/* json_pack's "o" took cmds */
	/* the tie set and the rule the design was picked by */
	ties = json_array();
	for (int k = 0; ties && k < w->nties; k++)
		if (json_array_append_new(ties, json_string(w->design_ties[k])))
			break;
	if (!ties || json_array_size(ties) != (size_t)w->nties ||
	    json_object_set_new(json_object_get(summary, "winners"),
				"design_ties", ties) ||
	    json_object_set_new(json_object_get(summary, "winners"),
				"design_rule",
				json_string(w->design_rule ? w->design_rule : ""))) {
		json_decref(summary);
		return NULL;
	}
	return summary;
fail:
	json_decref(cmds);
	return NULL;
}

int rd_report_write(const char *dir, bool print, struct rd_err *e)
{
	char path[1024], *text = NULL;
	struct rd_results *r = rd_results_load(dir, e);
	struct rd_err e2 = { 0 };
	struct rd_winners w;
	size_t len = 0;
	FILE *mem;
	json_t *summary;
	int ret, ret2;

	if (!r)
		return -(e && e->code ? e->code : EINVAL);
	mem = open_memstream(&text, &len);
	if (!mem) {
		rd_results_free(r);
		return rd_errf(e, ENOMEM, "%s: out of memory", dir);
	}
	ret = rd_report_print(mem, r, NULL, e);
	if (fclose(mem) && !ret)
		ret = rd_errf(e, ENOMEM, "%s: out of memory", dir);
	if (ret)
		goto out;
	/* A report.txt that cannot be written does not stop summary.json. */
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	ret = rd_write_file(path, text, len, e);
	if (r->incomplete[0]) {
		/* `ringdrain export` takes its winners from summary.json. */
		ret = ret ? ret : 1;
		goto out;
	}
	ret2 = rd_report_winners(r, &w, &e2);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	summary = ret2 ? NULL : summary_of(dir, r, &w, text);
	if (!ret2 && !summary)
		ret2 = rd_errf(&e2, ENOMEM, "cannot write %s: %s", path,
			       strerror(ENOMEM));
	else if (!ret2)
		ret2 = rd_write_json(path, summary, JSON_INDENT(2), &e2);
	json_decref(summary);
	if (ret2 && ret && e) {
		char first[RD_ERR_MSG_LEN];

		memcpy(first, e->msg, sizeof(first));
		rd_errf(e, e->code, "%s; %s", first, e2.msg);
	} else if (ret2 && e) {
		*e = e2;
	}
	ret = ret ? ret : ret2;
out:
	if (print && text)
		fputs(text, stdout);
	free(text);
	rd_results_free(r);
	return ret;
}

/*
 * A string for gnuplot's -e, inside single quotes: refused when it has a
 * quote, a backslash or a line break, which would end or escape it.
 */
static int gp_string(const char *plot, const char *what, const char *s,
		     struct rd_err *e)
{
	if (strpbrk(s, "'\"\\\n\r"))
		return rd_errf(e, EINVAL,
			       "plot %s: %s: gnuplot is not given a %s with a quote, a backslash or a line break in it",
			       plot, s, what);
	return 0;
}

/* Run `gnuplot -e @assign @script`; 0, or -EIO with @e naming @plot. */
static int run_gnuplot(const char *plot, const char *assign,
		       const char *script, const char *path, struct rd_err *e)
{
	char *argv[] = { "gnuplot", "-e", (char *)assign, (char *)script, NULL };
	posix_spawn_file_actions_t fa;
	int status, ret;
	pid_t pid;

	/* gnuplot's own messages go to stderr, as they did through popen */
	if (posix_spawn_file_actions_init(&fa))
		return rd_errf(e, ENOMEM, "plot %s: out of memory", plot);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	ret = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return rd_errf(e, ret, "plot %s: cannot run gnuplot: %s", plot,
			       strerror(ret));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return rd_errf(e, errno, "plot %s: %s", plot,
				       strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return rd_errf(e, EIO, "plot %s: gnuplot failed drawing %s",
			       plot, path);
	return 0;
}

int rd_report_plot(struct rd_results *r, const char *path, bool png,
		   struct rd_err *e)
{
	const struct rd_suite_report *sr = NULL;
	struct rd_report_ctx ctx = { .r = r };
	char data[] = "/tmp/ringdrain-plot-XXXXXX", out[1100], script[1100];
	char title[256] = "", vars[256] = "", *assign = NULL;
	int fd, rows, ret;
	FILE *f;

	for (unsigned int s = 0; !sr && s < rd_nr_suite_reports; s++)
		if (rd_suite_reports[s]->plot)
			sr = rd_suite_reports[s];
	if (!sr)
		return rd_errf(e, EINVAL, "%s: no suite draws a plot", path);
	ret = gp_string(sr->plot, "file name", path, e);
	if (ret)
		return ret;
	snprintf(script, sizeof(script), "%s/bench/plots/%s.gp", RD_SOURCE_DIR,
		 sr->plot);
	fd = mkstemp(data);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		ret = rd_errf(e, errno, "plot %s: cannot create a temporary file: %s",
			      sr->plot, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(data);
		}
		return ret;
	}
	rows = sr->plot_data(&ctx, f, title, sizeof(title), vars, sizeof(vars),
			     e);
	if (fclose(f) && rows >= 0)
		rows = rd_errf(e, EIO, "plot %s: cannot write %s", sr->plot,
			       data);
	if (rows == 0)
		rows = rd_errf(e, ENODATA, "plot %s: no rows to draw in %s",
			       sr->plot, rd_project_path(r->dir));
	if (rows < 0) {
		unlink(data);
		return rows;
	}
	/* gnuplot draws into a temporary name; it becomes @path whole. */
	rd_tmp_name(path, out, sizeof(out));
	ret = gp_string(sr->plot, "title", title, e);
	if (!ret && asprintf(&assign,
			     "datafile='%s'; outfile='%s'; term='%s'; plottitle='%s'; %s",
			     data, out, png ? "pngcairo" : "svg", title, vars) < 0) {
		assign = NULL;
		ret = rd_errf(e, ENOMEM, "plot %s: out of memory", sr->plot);
	}
	if (!ret)
		ret = run_gnuplot(sr->plot, assign, script, path, e);
	free(assign);
	unlink(data);
	if (ret) {
		unlink(out);
		return ret;
	}
	return rd_commit_file(out, path, e);
}
