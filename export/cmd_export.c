// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_export.c - ringdrain export: the chosen ring design (and drain lookup)
 * as a v2 of the RFC on top of its patch 4/6, plus a test module.
 *
 * This command checks the input, picks the winners, writes the commit
 * messages (numbers only from the named results folder) and runs
 * export/series.sh, which cuts the kernel text from the sources with
 * unifdef and has git make the series.  The test module's headers are the
 * same sources through xform.h.  Nothing is a second copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/stats.h"
#include "cli/cli.h"
#include "drain/drain.h"
#include "ring/ring.h"
#include "series.h"
#include "xform.h"

#ifndef RD_SOURCE_DIR
#error "RD_SOURCE_DIR must name the ringdrain source tree"
#endif


static const struct rd_command *self;
static const char *out_arg;	/* --out, for messages */

struct export_file {
	const char *src;	/* relative to the source root */
	const char *dst;	/* in the kernel tree */
	int patch;
	const char *role;
};

static const struct export_file file_table[] = {
#define RD_EXPORT_FILE(src, dst, patch, role) { src, dst, patch, role },
#include "files.def"
#undef RD_EXPORT_FILE
};

struct export_strategy {
	const char *name;
	const char *src;	/* NULL: no kernel-dialect source yet */
	const char *dst;
};

static const struct export_strategy strategy_table[] = {
#define RD_EXPORT_STRATEGY(name, src, dst) { name, src, dst },
#include "strategies.def"
#undef RD_EXPORT_STRATEGY
};


struct winners {
	char *path;		/* the summary.json read, or NULL */
	char *design, *design_why, *strategy, *strategy_why, *report;
	char **commands;
	size_t ncommands;
};

struct export {
	const char *root;
	const char *out;
	const char *author;
	const struct rd_ring_design *d;
	const char *design_src;		/* ring/<id>.c */
	const char *strategy;		/* "none" or a table name */
	const struct export_strategy *st;
	struct winners w;
};

static char *path_join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		abort();
	return s;
}

/*
 * The author git format-patch would use: `git var GIT_AUTHOR_IDENT` honours
 * GIT_AUTHOR_NAME/EMAIL and user.name/email and fails when neither is set.
 * Returns "Name <email>" (static), or NULL without a usable git identity.
 */
static bool author_ok(const char *a)
{
	size_t n = strlen(a);

	return n && a[n - 1] == '>' && strchr(a, '<') && strchr(a, '@');
}

static const char *git_author(void)
{
	static char ident[512];
	FILE *p = popen("git var GIT_AUTHOR_IDENT 2>/dev/null", "r");
	char *gt;
	bool ok;

	if (!p)
		return NULL;
	ok = fgets(ident, sizeof(ident), p) != NULL;
	if (pclose(p) != 0 || !ok)
		return NULL;
	gt = strrchr(ident, '>');	/* drop " <timestamp> <tz>" */
	if (!gt)
		return NULL;
	gt[1] = 0;
	return author_ok(ident) ? ident : NULL;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static char *read_source(struct export *e, const char *src,
			 struct rd_err *err)
{
	char *path = path_join(e->root, src), *text;

	text = rd_read_file(path, NULL, err);
	if (!text)
		rd_errf(err, err->code, "cannot read %s: %s", path,
			strerror(err->code));
	free(path);
	return text;
}

/* ---- winners ----------------------------------------------------------- */

static char *json_str(json_t *obj, const char *key, const char *path,
		      const char *where, struct rd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v)) {
		rd_errf(err, EINVAL, "%s: %s%s: missing or not a string", path,
			where, key);
		return NULL;
	}
	return strdup(json_string_value(v));
}

/* Newest results/<dir>/summary.json; 0 read, 1 none found, or -errno. */
static int load_winners(const char *results, bool explicit, struct winners *w,
			struct rd_err *err)
{
	struct dirent *de;
	char *best = NULL;
	json_error_t jerr;
	json_t *root, *win, *cmds;
	DIR *dir = opendir(results);
	int ret;

	if (!dir) {
		if (!explicit && errno == ENOENT)
			return 1;
		return rd_errf(err, errno, "--results %s: %s", results,
			       strerror(errno));
	}
	while ((de = readdir(dir))) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s/summary.json", results, de->d_name) < 0)
			abort();
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    (!best || strcmp(de->d_name, best) > 0)) {
			free(best);
			best = strdup(de->d_name);
		}
		free(p);
	}
	closedir(dir);
	if (!best)
		return 1;
	if (asprintf(&w->path, "%s/%s/summary.json", results, best) < 0)
		abort();
	free(best);
	root = json_load_file(w->path, 0, &jerr);
	if (!root)
		return rd_errf(err, EINVAL, "%s:%d: not valid JSON: %s", w->path,
			       jerr.line, jerr.text);
	ret = -EINVAL;
	win = json_object_get(root, "winners");
	if (!json_is_object(win)) {
		rd_errf(err, EINVAL, "%s: winners: missing or not an object",
			w->path);
		goto out;
	}
	if (!(w->design = json_str(win, "design", w->path, "winners.", err)) ||
	    !(w->design_why = json_str(win, "design_why", w->path, "winners.",
				       err)) ||
	    !(w->strategy = json_str(win, "strategy", w->path, "winners.",
				     err)) ||
	    !(w->strategy_why = json_str(win, "strategy_why", w->path,
					 "winners.", err)) ||
	    !(w->report = json_str(root, "report", w->path, "", err)))
		goto out;
	cmds = json_object_get(root, "commands");
	if (!json_is_array(cmds)) {
		rd_errf(err, EINVAL, "%s: commands: missing or not an array",
			w->path);
		goto out;
	}
	w->ncommands = json_array_size(cmds);
	w->commands = calloc(w->ncommands + 1, sizeof(char *));
	for (size_t i = 0; i < w->ncommands; i++) {
		json_t *c = json_array_get(cmds, i);

		if (!json_is_string(c)) {
			rd_errf(err, EINVAL, "%s: commands[%zu]: not a string",
				w->path, i);
			goto out;
		}
		w->commands[i] = strdup(json_string_value(c));
	}
	ret = 0;
out:
	json_decref(root);
	return ret;
}

/* ---- choices ----------------------------------------------------------- */

static void list_nmi_safe(char *buf, size_t len)
{
	buf[0] = 0;
	for (unsigned int i = 0; i < rd_nr_designs; i++)
		if (rd_designs[i]->nesting == RD_NEST_SAFE)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] ? ", " : "", rd_designs[i]->name);
}

static int choose_design(struct export *e, const char *name,
			 struct rd_err *err)
{
	char safe[256], *id, *src, *path;
	struct stat st;

	list_nmi_safe(safe, sizeof(safe));
	e->d = rd_design_find(name);
	if (!e->d)
		return rd_errf(err, EINVAL,
			       "unknown design '%s' (NMI-safe designs: %s)",
			       name, safe);
	if (e->d->nesting != RD_NEST_SAFE)
		return rd_errf(err, EINVAL,
			       "design '%s' is not NMI-safe (nesting: %s); export takes %s",
			       name, rd_nesting_name(e->d->nesting), safe);
	id = strdup(name);
	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	if (asprintf(&src, "ring/%s.c", id) < 0)
		abort();
	free(id);
	path = path_join(e->root, src);
	if (stat(path, &st))
		return rd_errf(err, ENOENT, "design '%s': no source %s", name,
			       path);
	free(path);
	e->design_src = src;
	return 0;
}

static int choose_strategy(struct export *e, const char *name,
			   struct rd_err *err)
{
	char known[256] = "none";

	e->strategy = name;
	if (strcmp(name, "none") == 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(strategy_table); i++) {
		if (strcmp(strategy_table[i].name, name) == 0) {
			e->st = &strategy_table[i];
			return 0;
		}
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
			 ", %s", strategy_table[i].name);
	}
	return rd_errf(err, EINVAL,
		       "unknown strategy '%s' (known: %s; see export/strategies.def)",
		       name, known);
}

static bool lookup_exported(const struct export *e)
{
	return e->st && e->st->src;
}

static bool lookup_missing(const struct export *e)
{
	return e->st && !e->st->src;
}

/* ---- texts ------------------------------------------------------------- */

static char *design_header(struct export *e, struct rd_err *err)
{
	struct rd_buf b = { 0 };
	char *id = strdup(e->d->name);

	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	rd_buf_printf(&b,
		"/* SPDX-License-Identifier: GPL-2.0 */\n"
		"/*\n"
		" * kcheck_design.h - written by ringdrain export: the design under test%s.\n"
		" */\n"
		"#ifndef _KCHECK_DESIGN_H\n#define _KCHECK_DESIGN_H\n\n"
		"#include \"report_ring.h\"\n",
		lookup_exported(e) ? " and the lookup" : "");
	if (lookup_exported(e))
		rd_buf_printf(&b, "#include \"%s\"\n", base_name(e->st->dst));
	rd_buf_printf(&b,
		"\n#define KCHECK_DESIGN\t\t\"%s\"\n"
		"#define KCHECK_FN(op)\t\tdamon_%s_##op\n"
		"#define KCHECK_RING\t\tstruct damon_%s_ring\n"
		"#define KCHECK_LANES\t\t%u\n",
		e->d->name, id, id, e->d->lanes ? e->d->lanes : 1);
	/* A lookup core's names: damon_<name>_{build,lookup,release}(). */
	if (lookup_exported(e))
		rd_buf_printf(&b,
			"\n#define KCHECK_LOOKUP\t\t\"%s\"\n"
			"#define KCHECK_LOOKUP_FN(op)\tdamon_%s_##op\n"
			"#define KCHECK_LOOKUP_SNAP\tstruct damon_%s_lookup\n",
			e->strategy, e->strategy, e->strategy);
	rd_buf_puts(&b, "\n#endif /* _KCHECK_DESIGN_H */\n");
	free(id);
	return rd_buf_take(&b, err);
}

/* Write @text to @dir/@name; say so on stdout if @say. */
static int write_text(const char *dir, const char *name, const char *text,
		      bool say, struct rd_err *err)
{
	char *path = path_join(dir, name);
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f || fputs(text, f) < 0) {
		ret = rd_errf(err, errno, "--out %s: cannot write %s: %s",
			      out_arg, path, strerror(errno));
		if (f)
			fclose(f);
	} else if (fclose(f)) {
		ret = rd_errf(err, errno, "--out %s: cannot write %s: %s",
			      out_arg, path, strerror(errno));
	} else if (say) {
		printf("wrote %s\n", path);
	}
	free(path);
	return ret;
}

static int write_file(const char *dir, const char *name, const char *text,
		      struct rd_err *err)
{
	return write_text(dir, name, text, true, err);
}

static int copy_template(struct export *e, const char *moddir,
			 const char *name, struct rd_err *err)
{
	char *src, *text;
	int ret;

	if (asprintf(&src, "export/kmod/%s", name) < 0)
		abort();
	text = read_source(e, src, err);
	free(src);
	if (!text)
		return -err->code;
	ret = write_file(moddir, name, text, err);
	free(text);
	return ret;
}

static int make_dir(const char *path, struct rd_err *err)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return rd_errf(err, errno, "--out %s: cannot create %s: %s",
			       out_arg, path, strerror(errno));
	return 0;
}

/* mkdir -p, and check we can write there. */
static int prepare_out(const char *out, struct rd_err *err)
{
	char *p = strdup(out), *probe;
	int fd, ret = 0;

	out_arg = out;
	for (char *s = p + 1; *s && !ret; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		ret = make_dir(p, err);
		*s = '/';
	}
	ret = ret ?: make_dir(p, err);
	free(p);
	if (ret)
		return ret;
	probe = path_join(out, ".ringdrain-export-probe");
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		ret = rd_errf(err, errno, "--out %s: cannot write there: %s",
			      out, strerror(errno));
	else
		close(fd);
	unlink(probe);
	free(probe);
	return ret;
}

/* The RFC's ring as posted: 256 slots of 48 bytes and its two indices. */
static size_t rfc_ring_bytes(void)
{
	const struct rd_ring_design *rfc = rd_design_find("rfc");

	return rfc ? rfc->size(256, DAMON_REPORT_FULL) : 0;
}

/*
 * Slots per producer lane: the largest power of two, at most the RFC's 256,
 * whose ring (compact records) is no larger than the RFC's per CPU.
 */
static unsigned int ring_slots(const struct export *e, size_t limit)
{
	unsigned int slots = 256;

	while (slots > 16 && e->d->size(slots, DAMON_REPORT_COMPACT) > limit)
		slots /= 2;
	return slots;
}

/*
 * The results folder the winners came from (the folder of e->w.path),
 * relative to the project when it lies inside it, as the mails name it.
 */
static char *results_rel(const struct export *e)
{
	char *dir = strdup(e->w.path), *slash = strrchr(dir, '/');
	size_t n = strlen(e->root);
	char *rel;

	if (slash)
		*slash = 0;
	if (strncmp(dir, e->root, n) == 0 && dir[n] == '/') {
		rel = strdup(dir + n + 1);
		free(dir);
		return rel;
	}
	return dir;
}

#define WHY_NOT_BEGIN	"<!-- cover letter: begin -->"
#define WHY_NOT_END	"<!-- cover letter: end -->"

/*
 * The reviewer's first question, "why not an existing kernel mechanism?",
 * answered in short: the block of results/REVIEW.md between WHY_NOT_BEGIN
 * and WHY_NOT_END, plain text written for the letter, whose figures name the
 * committed run they come from.  No block, or a block whose figures come
 * from another run than @rel (the results folder this letter quotes), no
 * paragraph.
 */
static void add_why_not(struct rd_buf *t, const struct export *e,
			const char *rel)
{
	char *path = path_join(e->root, "results/REVIEW.md");
	char *text = rd_read_file(path, NULL, NULL), *b, *end;

	free(path);
	if (!text)
		return;
	b = strstr(text, WHY_NOT_BEGIN);
	end = b ? strstr(b, WHY_NOT_END) : NULL;
	if (b && end && !memmem(b, end - b, rel, strlen(rel))) {
		fprintf(stderr, "ringdrain export: results/REVIEW.md's cover-letter block quotes another run than %s: left out\n",
			rel);
		end = NULL;
	}
	if (b && end) {
		b += strlen(WHY_NOT_BEGIN);
		while (*b == '\n')
			b++;
		while (end > b && end[-1] == '\n')
			end--;
		/* one paragraph: the letter is wrapped again at 72 columns */
		for (char *c = b; c < end; c++)
			if (*c == '\n')
				*c = ' ';
		rd_buf_printf(t, "%.*s\n\n", (int)(end - b), b);
	}
	free(text);
}

/* The design file's heading comment, as plain text (the ring's "why"). */
static char *design_comment(struct export *e, struct rd_err *err)
{
	char *text = read_source(e, e->design_src, err);
	char *c = text ? strstr(text, "/*\n") : NULL;
	char *end = c ? strstr(c, "*/") : NULL;
	struct rd_buf b = { 0 };

	if (!text)
		return NULL;
	if (!c || !end) {
		free(text);
		rd_errf(err, EINVAL, "%s: no heading comment", e->design_src);
		return NULL;
	}
	*end = 0;
	c += 3;
	/* skip the title paragraph ("x.c - ...", maybe over several lines) */
	while (*c && strncmp(c, " *\n", 3) != 0)
		c = strchr(c, '\n') ? strchr(c, '\n') + 1 : c + strlen(c);
	for (char *l = c; *l; ) {
		char *nl = strchr(l, '\n');

		if (nl)
			*nl = 0;
		if (strncmp(l, " * ", 3) == 0)
			rd_buf_printf(&b, "%s ", l + 3);
		else if (strncmp(l, " *", 2) == 0)
			rd_buf_puts(&b, "\n\n");
		l = nl ? nl + 1 : l + strlen(l);
	}
	free(text);
	if (!b.s && !b.oom)
		rd_buf_puts(&b, "");
	return rd_buf_take(&b, err);
}

static void add_producer_figures(struct rd_buf *t, struct export *e,
				 const char *rel);
static void add_tick_figures(struct rd_buf *t, struct export *e,
			     const char *rel);

static int write_messages(struct export *e, const char *dir,
			  unsigned int slots, size_t bytes, size_t rfc_bytes,
			  struct rd_err *err)
{
	struct rd_buf t = { 0 }, m = { 0 };
	char *why = design_comment(e, err);
	unsigned int lanes = e->d->lanes ? e->d->lanes : 1;
	int ret;

	if (!why)
		return -err->code;

	/* 1: the ring */
	rd_buf_printf(&t,
		"RFC v1 4/6 makes damon_report_access() drop a report whenever "
		"it interrupts another report on the same CPU (an NMI on top of "
		"the page-fault path): the per-CPU busy counter refuses it.  "
		"Replace the ring with the '%s' design, which keeps both.\n\n",
		e->d->name);
	rd_buf_puts(&t, why);
	rd_buf_printf(&t,
		"\n\nOne record format per build: the compact 32-byte record "
		"(the CPU is implied by the ring, the size and jiffies are "
		"narrowed, lossless below 4 GiB), with no run-time branch on the "
		"record size on the NMI path.\n\n"
		"Memory: %u slot%s of %u bytes per "
		"producer lane, %u lane%s, %zu bytes per CPU with the indices "
		"on x86-64, in DEFINE_PER_CPU_ALIGNED storage set up for every "
		"possible CPU by an early initcall; ringdrain's model of the v1 "
		"ring (ring/rfc.c) takes %zu bytes per CPU at its 256 slots of "
		"48 bytes.  %s"
		"The busy counter and the pending flag go: "
		"kdamond_check_reported_accesses() takes the reports with the "
		"design's consume() from the ring of every possible CPU, so the "
		"reports of a CPU that went offline are credited, not left "
		"behind.  A report that finds its lane full still fires the "
		"damon_perf_ring_overflow tracepoint.\n\n"
		"The ring's text is ringdrain's %s and the headers it includes, "
		"cut with unifdef -D__KERNEL__: the code ringdrain's unit tests, "
		"nesting proofs and stress runs build.\n",
		slots, slots == 1 ? "" : "s", (unsigned int)DAMON_REPORT_COMPACT,
		lanes, lanes == 1 ? "" : "s", bytes, rfc_bytes,
		slots < 256 ? "A lane holds fewer reports than v1's ring "
		"(255): it overflows sooner if the drain slows; the lanes all "
		"have the same size here, and sizing the NMI lane apart is left "
		"open.  " : "",
		e->design_src);
	rd_buf_printf(&m, "mm/damon/core: keep nested access reports with the %s ring\n\n",
		      e->d->name);
	rd_wrap(&m, t.s ? t.s : "", 72);
	ret = rd_buf_check(&t, err) ?: rd_buf_check(&m, err) ?:
		write_text(dir, "1", m.s, false, err);
	rd_buf_free(&t);
	rd_buf_free(&m);
	free(why);
	if (ret)
		return ret;

	/* 2: the drain */
	if (lookup_exported(e)) {
		rd_buf_printf(&t,
			"kdamond_apply_access_report() binary-searches every "
			"target's region pointers for every report.  Look the "
			"reports up in batches in the '%s' index instead "
			"(%s), built by damon_build_target_lookup() at every "
			"sampling interval as v1 builds its snapshot, so it never "
			"holds a region that was split, merged or destroyed since "
			"the last drain.  The checks of v1 stay: stale reports, "
			"the sample filters, reports straddling a region's end, "
			"one credit per region and interval.\n\n"
			"kdamond_check_reported_accesses() drains every possible "
			"CPU's ring, so the reports of a CPU that went offline are "
			"credited, not left behind.\n\n"
			"The lookup's text is ringdrain's %s and the headers it "
			"includes, cut with unifdef -D__KERNEL__.\n",
			e->strategy, drain_strategy_find(e->strategy) ?
			drain_strategy_find(e->strategy)->summary : e->strategy,
			e->st->src);
		if (e->w.path) {
			char *rel = results_rel(e);

			rd_buf_puts(&t, "\n");
			add_tick_figures(&t, e, rel);
			free(rel);
		}
		rd_buf_printf(&m, "mm/damon/core: look reports up in a %s index\n\n",
			      e->strategy);
		rd_wrap(&m, t.s ? t.s : "", 72);
		ret = rd_buf_check(&t, err) ?: rd_buf_check(&m, err) ?:
			write_text(dir, "2", m.s, false, err);
		rd_buf_free(&t);
		rd_buf_free(&m);
		if (ret)
			return ret;
	}

	/* the cover letter: no numbers that a results folder does not hold */
	rd_buf_printf(&t,
		"This is v2 of the report ring and drain of \"mm/damon: "
		"hardware-sampled access reports\", on top of RFC v1 4/6: the "
		"patches change the ring and the drain that 4/6 adds to "
		"mm/damon/core.c.\n\n"
		"Patch 1 replaces the ring with one that keeps a report made "
		"while another one is in progress on the same CPU.%s\n\n",
		lookup_exported(e) ?
		"  Patch 2 replaces the per-target binary search of the drain "
		"with a batched index lookup, rebuilt every sampling interval." :
		"");
	if (e->w.path) {
		char *rel = results_rel(e);

		rd_buf_printf(&t,
			"The ring design and the lookup are the winners of "
			"ringdrain's benchmark run in %s (its summary.json says "
			"why).\n\n", rel);
		if (strcmp(e->w.design, e->d->name) == 0)
			add_producer_figures(&t, e, rel);
		add_why_not(&t, e, rel);
		free(rel);
	}
	rd_buf_printf(&m, "mm/damon/core: keep nested access reports (%s)%s%s\n\n",
		      e->d->name, lookup_exported(e) ? ", batched region lookup" : "",
		      "");
	rd_wrap(&m, t.s ? t.s : "", 72);
	ret = rd_buf_check(&t, err) ?: rd_buf_check(&m, err) ?:
		write_text(dir, "cover", m.s, false, err);
	rd_buf_free(&t);
	rd_buf_free(&m);
	return ret;
}

/* One benchmark's figure across its repetitions, from a suite JSON. */
struct figure {
	double median, min, max;
	double v[64];		/* the repetitions, sorted */
	int n;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The counter @key of the iterations of the benchmark @prefix ("name/"
 * up to the design and record) in @json: median, min, max of the
 * repetitions.  Returns 0, or -ENOENT when the file or the benchmark is
 * not there, or has fewer than three repetitions (then no number is
 * quoted).
 */
static int read_figure(const char *json, const char *prefix, const char *key,
		       struct figure *f)
{
	json_error_t err;
	json_t *root = json_load_file(json, 0, &err), *b, *x;
	double v[64];
	size_t i;
	int n = 0;

	if (!root)
		return -ENOENT;
	b = json_object_get(root, "benchmarks");
	json_array_foreach(b, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		const char *rt = json_string_value(json_object_get(x, "run_type"));
		json_t *val = json_object_get(x, key);

		if (!name || !rt || strcmp(rt, "iteration") ||
		    strncmp(name, prefix, strlen(prefix)) || !json_is_number(val) ||
		    n == (int)ARRAY_SIZE(v))
			continue;
		v[n++] = json_number_value(val);
	}
	json_decref(root);
	if (n < 3)
		return -ENOENT;
	qsort(v, n, sizeof(v[0]), cmp_double);
	memcpy(f->v, v, n * sizeof(v[0]));
	f->n = n;
	f->min = v[0];
	f->max = v[n - 1];
	f->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return 0;
}

/*
 * The producer's cost in the NMI regime, like for like: what v2 ships (the
 * design, compact records) against what v1 ships (its ring, 48-byte
 * records), both from the suite JSON of the results folder named.  A
 * difference is called one only when the Mann-Whitney U test over the
 * repetitions (bench/stats.h, the report's own test) gives p < 0.05;
 * otherwise it is a tie.
 */
static void add_producer_figures(struct rd_buf *t, struct export *e,
				 const char *rel)
{
	char *dir = strdup(e->w.path), *json, *pa, *pb;
	struct figure a, b;
	double p;
	bool tie;

	*strrchr(dir, '/') = 0;
	/* producer/nmi has its own file since it runs its own repetitions;
	 * older runs kept it in producer.json. */
	json = path_join(dir, "producer-nmi.json");
	if (access(json, F_OK)) {
		free(json);
		json = path_join(dir, "producer.json");
	}
	if (asprintf(&pa, "producer/nmi/design:%s/rec:%u/", e->d->name,
		     (unsigned int)DAMON_REPORT_COMPACT) < 0 ||
	    asprintf(&pb, "producer/nmi/design:rfc/rec:%u/",
		     (unsigned int)DAMON_REPORT_FULL) < 0)
		abort();
	if (read_figure(json, pa, "ns_per_produce", &a) ||
	    read_figure(json, pb, "ns_per_produce", &b)) {
		rd_buf_printf(t, "%s/%s has no producer/nmi figures for "
			      "both rings, so this letter quotes no cost.\n\n", rel,
			      strrchr(json, '/') + 1);
		goto out;
	}
	p = rd_mann_whitney_p(a.v, a.n, b.v, b.n);
	tie = !(p < 0.05);
	rd_buf_printf(t,
		"Producer cost with the ring out of the caches (%s/%s, "
		"producer/nmi: one report per 50 us; median of %d and %d "
		"repetitions, their range in brackets): %.1f ns [%.1f, %.1f] "
		"for the %s ring with %u-byte records, %.1f ns [%.1f, %.1f] for "
		"the v1 ring with its %u-byte records.  %s (Mann-Whitney U "
		"test, p = %.2g).\n\n",
		rel, strrchr(json, '/') + 1, a.n, b.n, a.median, a.min, a.max,
		e->d->name, (unsigned int)DAMON_REPORT_COMPACT, b.median,
		b.min, b.max, (unsigned int)DAMON_REPORT_FULL,
		tie ? "No difference at p < 0.05: a tie; the change is for the "
		      "reports it keeps, not for speed" :
		      a.median < b.median ? "The v2 ring is faster at p < 0.05" :
		      "The v2 ring is slower at p < 0.05", p);
out:
	free(pa);
	free(pb);
	free(json);
	free(dir);
}

/*
 * The whole kdamond tick, like for like with what patch 2 ships: the
 * lookup rebuilt every tick (snapshot:tick), grow-only buffers, the eager
 * zero-access pass, against the v1 drain as posted (its own policy is
 * every tick: snapshot:default), from the named folder's tick.json.
 */
static void add_tick_figures(struct rd_buf *t, struct export *e,
			     const char *rel)
{
	static const char cfg[] = "cpus:256/rate:5000/regions:10000/targets:8";
	char *dir = strdup(e->w.path), *json, *pa, *pb;
	struct figure a, b;
	double p;
	bool tie;

	*strrchr(dir, '/') = 0;
	json = path_join(dir, "tick.json");
	if (asprintf(&pa, "tick/strategy:%s/%s/snapshot:tick/alloc:reuse/zero:eager/",
		     e->strategy, cfg) < 0 ||
	    asprintf(&pb, "tick/strategy:rfc/%s/snapshot:default/alloc:reuse/zero:eager/",
		     cfg) < 0)
		abort();
	if (read_figure(json, pa, "tick_us", &a) ||
	    read_figure(json, pb, "tick_us", &b)) {
		rd_buf_printf(t,
			"Cost: %s/tick.json has no whole-tick figure for the "
			"%s lookup rebuilt every tick, as this patch ships it, "
			"so this message quotes none.\n", rel, e->strategy);
		goto out;
	}
	p = rd_mann_whitney_p(a.v, a.n, b.v, b.n);
	tie = !(p < 0.05);
	rd_buf_printf(t,
		"Cost of a whole kdamond tick (%s/tick.json: 256 CPUs' rings "
		"at 5000 reports/s each, 5 ms, 10000 regions over 8 targets, "
		"both rebuilding their lookup every tick with grow-only "
		"buffers; median of %d and %d repetitions, range in brackets): "
		"%.1f us [%.1f, %.1f] with the %s index, %.1f us [%.1f, %.1f] "
		"for v1; %s (Mann-Whitney U test, p = %.2g).\n",
		rel, a.n, b.n, a.median, a.min, a.max, e->strategy, b.median,
		b.min, b.max,
		tie ? "no difference at p < 0.05, a tie" :
		      "a difference at p < 0.05", p);
out:
	free(pa);
	free(pb);
	free(json);
	free(dir);
}

/* Run export/series.sh: the series by git, see its heading comment. */
static int write_series(struct export *e, const char *seed,
			struct rd_err *err)
{
	char *msgs = path_join(e->out, "msgs"), *script, *cmd, *id;
	char *name = strdup(e->author), *email = strchr(name, '<');
	size_t rfc_bytes = rfc_ring_bytes();
	unsigned int slots = ring_slots(e, rfc_bytes);
	size_t bytes = e->d->size(slots, DAMON_REPORT_COMPACT);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char date[32], num[32];
	int rc;

	char *abs_out = realpath(e->out, NULL);

	free(msgs);
	if (!abs_out) {
		free(name);
		return rd_errf(err, errno, "--out %s: %s", out_arg,
			       strerror(errno));
	}
	msgs = path_join(abs_out, "msgs");
	rc = make_dir(msgs, err) ?:
		write_messages(e, msgs, slots, bytes, rfc_bytes, err);
	if (rc) {
		free(msgs);
		free(abs_out);
		free(name);
		return rc;
	}
	*email = 0;
	for (char *p = email - 1; p >= name && *p == ' '; p--)
		*p = 0;
	email++;
	email[strcspn(email, ">")] = 0;
	id = strdup(e->d->name);
	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(date, sizeof(date), "@%lld",
		 sde ? strtoll(sde, NULL, 10) : (long long)time(NULL));
	snprintf(num, sizeof(num), "%zu", (bytes + 63) / 64 * 64);
	setenv("RD_ROOT", e->root, 1);
	setenv("RD_OUT", abs_out, 1);
	setenv("RD_SEED", seed, 1);
	setenv("RD_DESIGN", e->d->name, 1);
	setenv("RD_DESIGN_ID", id, 1);
	setenv("RD_DESIGN_SRC", e->design_src, 1);
	setenv("RD_STRATEGY", lookup_exported(e) ? e->strategy : "", 1);
	setenv("RD_STRATEGY_SRC", lookup_exported(e) ? e->st->src : "", 1);
	setenv("RD_RECORD_NAME", "DAMON_REPORT_COMPACT", 1);
	setenv("RD_BYTES", num, 1);
	snprintf(num, sizeof(num), "%u", slots);
	setenv("RD_SLOTS", num, 1);
	setenv("RD_AUTHOR_NAME", name, 1);
	setenv("RD_AUTHOR_EMAIL", email, 1);
	setenv("RD_DATE", date, 1);
	setenv("RD_MSGS", msgs, 1);
	{
		struct rd_buf map = { 0 };

		for (size_t i = 0; i < ARRAY_SIZE(file_table); i++)
			rd_buf_printf(&map, "%s%s=%s", i ? " " : "",
				      file_table[i].src,
				      base_name(file_table[i].dst));
		if (lookup_exported(e))
			rd_buf_printf(&map, " %s=%s", e->st->src,
				      base_name(e->st->dst));
		rc = rd_buf_check(&map, err);
		if (!rc)
			setenv("RD_MODULE_MAP", map.s, 1);
		setenv("RD_STRATEGY_DST", lookup_exported(e) ? e->st->dst : "", 1);
		rd_buf_free(&map);
	}
	if (rc) {
		free(id);
		free(name);
		free(msgs);
		free(abs_out);
		return rc;
	}
	script = path_join(e->root, "export/series.sh");
	if (asprintf(&cmd, "bash '%s'", script) < 0)
		abort();
	rc = system(cmd);
	if (rc != 0)
		rc = rd_errf(err, EIO, "the series could not be made (export/series.sh said why, above)");
	else
		printf("ring: %s, %u slots per lane of %u bytes, %zu bytes per CPU (RFC v1: %zu)\n",
	       e->d->name, slots, (unsigned int)DAMON_REPORT_COMPACT, bytes,
	       rfc_bytes);
	free(cmd);
	free(script);
	free(id);
	free(name);
	free(msgs);
	free(abs_out);
	return rc;
}

/* git apply --check of the whole series in a user's tree. */
static int check_tree(struct export *e, const char *tree)
{
	char *cmd;
	int rc;

	if (asprintf(&cmd, "git -C '%s' apply --check '%s/series.diff'", tree,
		     e->out) < 0)
		abort();
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "export: --tree %s: the series does not apply (git apply --check, above)\n",
			tree);
		return 1;
	}
	printf("--tree %s: git apply --check: the series applies\n", tree);
	return 0;
}

static int write_module(struct export *e, struct rd_err *err)
{
	char *dir = path_join(e->out, "module");
	char *text;
	int ret;

	ret = make_dir(dir, err) ?:
		copy_template(e, dir, "Kbuild", err) ?:
		copy_template(e, dir, "Makefile", err) ?:
		copy_template(e, dir, "ringdrain_kcheck.c", err) ?:
		copy_template(e, dir, "kcheck_drain_main.c", err) ?:
		copy_template(e, dir, "kcheck_drain.h", err) ?:
		copy_template(e, dir, "kcheck_nmi.h", err) ?:
		copy_template(e, dir, "kcheck_base.c", err) ?:
		copy_template(e, dir, "kcheck_core.h", err) ?:
		copy_template(e, dir, "kcheck_core_drain.h", err) ?:
		copy_template(e, dir, "damon-6.12.patch", err);
	if (!ret) {
		text = design_header(e, err);
		ret = text ? write_file(dir, "kcheck_design.h", text, err) :
			-err->code;
		free(text);
	}
	free(dir);
	return ret;
}

static void list_choices(void)
{
	for (unsigned int i = 0; i < rd_nr_designs; i++)
		if (rd_designs[i]->nesting == RD_NEST_SAFE)
			printf("design %s\n", rd_designs[i]->name);
	printf("strategy none (the ring patches only)\n");
	for (size_t i = 0; i < ARRAY_SIZE(strategy_table); i++)
		printf("strategy %s%s\n", strategy_table[i].name,
		       strategy_table[i].src ? "" :
		       " (no kernel-dialect source yet: ring patches only)");
}

static int run(int argc, char **argv)
{
	const char *design = NULL, *strategy = NULL, *out = NULL;
	const char *results = NULL, *root = RD_SOURCE_DIR;
	const char *author = NULL, *seed = NULL, *tree = NULL;
	bool list = false;
	struct rd_opt opts[] = {
		{ .name = "design", .type = RD_OPT_STR, .dst = &design,
		  .metavar = "D",
		  .help = "ring design (NMI-safe only; default: the results' winner)" },
		{ .name = "strategy", .type = RD_OPT_STR, .dst = &strategy,
		  .metavar = "S",
		  .help = "drain lookup strategy, or none (default: the results' winner)" },
		{ .name = "out", .type = RD_OPT_STR, .dst = &out,
		  .metavar = "DIR", .help = "write DIR/series/*.patch and DIR/module/" },
		{ .name = "results", .type = RD_OPT_STR, .dst = &results,
		  .metavar = "DIR",
		  .help = "where the bench results are (default: results/ of the source tree)" },
		{ .name = "source", .type = RD_OPT_STR, .dst = &root,
		  .metavar = "DIR",
		  .help = "ringdrain source tree to export from (default: this build's)" },
		{ .name = "author", .type = RD_OPT_STR, .dst = &author,
		  .metavar = "'NAME <EMAIL>'",
		  .help = "From: and Signed-off-by: (default: git's author identity; without one, export stops)" },
		{ .name = "seed", .type = RD_OPT_STR, .dst = &seed,
		  .metavar = "PATCH",
		  .help = "RFC v1 4/6, the series' base (default: ../shared/seed/rfc-v1-4-of-6.patch beside the source tree)" },
		{ .name = "tree", .type = RD_OPT_STR, .dst = &tree,
		  .metavar = "DIR",
		  .help = "also run git apply --check of the series in the kernel tree DIR" },
		{ .name = "list", .type = RD_OPT_FLAG, .dst = &list,
		  .help = "list the designs and strategies export takes, write nothing" },
		{ 0 },
	};
	struct export e = { 0 };
	bool explicit_results = false;
	const char *seed_path;
	char *results_dir;
	struct rd_err err;
	int ret;

	rd_parse_cmdline(self, opts, argc, argv, 0, 0, NULL);
	if (list) {
		list_choices();
		return 0;
	}
	if (!out)
		rd_usage_error(self->name, "--out DIR is required (see 'ringdrain export --help')");
	if (author && !author_ok(author))
		rd_usage_error(self->name, "--author '%s': want 'Name <email>'",
			       author);
	e.root = root;
	e.out = out;

	explicit_results = results != NULL;
	results_dir = results ? strdup(results) : path_join(root, "results");
	if (!design || !strategy) {
		ret = load_winners(results_dir, explicit_results, &e.w, &err);
		if (ret < 0)
			rd_usage_error(self->name, "%s", err.msg);
		if (ret)
			rd_usage_error(self->name,
				       "no %s/*/summary.json to take the winners from: run './ringdrain bench' or give --design and --strategy",
				       results_dir);
	}
	if (choose_design(&e, design ? design : e.w.design, &err) ||
	    choose_strategy(&e, strategy ? strategy : e.w.strategy, &err))
		rd_usage_error(self->name, "%s", err.msg);
	e.author = author ? author : git_author();
	if (!e.author)
		rd_usage_error(self->name, "no author for From: and Signed-off-by: set git's identity (git config --global user.name 'Name'; git config --global user.email name@example.org) or give --author 'Name <email>'");
	if (prepare_out(out, &err))
		rd_usage_error(self->name, "%s", err.msg);
	seed_path = seed ? seed : path_join(root, "../shared/seed/rfc-v1-4-of-6.patch");
	if (access(seed_path, R_OK))
		rd_usage_error(self->name, "--seed %s: cannot read it (RFC v1 4/6, the base of the series): %s",
			       seed_path, strerror(errno));
	if (tree) {
		struct stat st;

		if (stat(tree, &st) || !S_ISDIR(st.st_mode))
			rd_usage_error(self->name, "--tree %s: not a directory", tree);
	}

	if (lookup_exported(&e)) {
		struct stat st;
		char *p = path_join(root, e.st->src);

		if (stat(p, &st))
			rd_usage_error(self->name,
				       "strategy '%s': export/strategies.def names %s, which does not exist",
				       e.strategy, p);
		free(p);
	}

	printf("design=%s strategy=%s from=%s\n", e.d->name, e.strategy,
	       e.w.path ? e.w.path : "flags");

	if (lookup_missing(&e))
		fprintf(stderr,
			"ringdrain export: strategy '%s' has no kernel-dialect source yet (export/strategies.def): the series has the ring patches only\n",
			e.strategy);
	if (write_series(&e, seed_path, &err) || write_module(&e, &err))
		rd_usage_error(self->name, "%s", err.msg);
	free(results_dir);
	return tree ? check_tree(&e, tree) : 0;
}

const struct rd_command rd_cmd_export = {
	.name = "export",
	.synopsis = "[--design D] [--strategy S] [--tree DIR] --out DIR",
	.summary = "write the chosen ring (and lookup) as a v2 on top of RFC v1 4/6, with a test module",
	.description =
		"Writes DIR/series/: [RFC PATCH v2 0/N], a reply to the RFC v1 cover, made\n"
		"with git format-patch on top of the post-image of RFC v1 4/6 (--seed):\n"
		"one patch for the ring, one for the drain lookup, each changing what 4/6\n"
		"added to mm/damon/core.c; DIR/series.diff, the whole series; and\n"
		"DIR/module/: a test module for 'ringdrain kcheck'.  The kernel text is\n"
		"ringdrain's own sources cut with unifdef (export/README.md).  Without\n"
		"--design/--strategy the winners come from the newest results/*/summary.json.\n"
		"--tree DIR runs git apply --check of the series in a kernel tree.\n"
		"From: and Signed-off-by: are --author, else git's identity; without\n"
		"one, export stops.",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_export;
