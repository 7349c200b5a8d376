// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_export.c - ringdrain export: the chosen ring design (and drain lookup)
 * as a git format-patch style series for mm/damon, plus a test module.
 *
 * Every exported file is a ringdrain source run through the mechanical
 * transformation of xform.h: the text the userspace builds compile, minus
 * the userspace glue and the nesting-test hooks.  Nothing is a second copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "drain.h"
#include "ring.h"
#include "series.h"
#include "xform.h"

#ifndef RD_SOURCE_DIR
#error "RD_SOURCE_DIR must name the ringdrain source tree"
#endif

#define MAX_FILES	16
#define DEFAULT_AUTHOR	"Your Name <your.name@example.org>"

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

#define RING_DST	"mm/damon/report_ring.h"
#define RING_PATCH	2
#define LOOKUP_PATCH	3

/* One file as it goes out. */
struct out_file {
	char *src;
	const char *dst;
	int patch;
	const char *role;
	char *text;
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
	struct out_file files[MAX_FILES];
	int nfiles;
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rd_usage_error(self->name, "%s", msg);
}

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

static const struct export_file *file_entry(const char *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(file_table); i++)
		if (strcmp(file_table[i].src, src) == 0)
			return &file_table[i];
	return NULL;
}

/* Exported include name of @inc, included from @from. */
static const char *map_include(void *arg, const char *from, const char *inc)
{
	struct export *e = arg;
	char *r = rd_resolve(from, inc);
	const struct export_file *f = file_entry(r);
	const char *name = NULL;

	if (f)
		name = base_name(f->dst);
	else if (e->st && e->st->src && strcmp(r, e->st->src) == 0)
		name = base_name(e->st->dst);
	free(r);
	return name;
}

static char *read_source(struct export *e, const char *src)
{
	char *path = path_join(e->root, src), *text;

	text = rd_read_file(path, NULL);
	if (!text)
		fail("cannot read %s: %s", path, strerror(errno));
	free(path);
	return text;
}

static struct out_file *find_out(struct export *e, const char *src)
{
	for (int i = 0; i < e->nfiles; i++)
		if (strcmp(e->files[i].src, src) == 0)
			return &e->files[i];
	return NULL;
}

/*
 * Add @src (exported as @dst in patch @patch) after the local files it
 * includes, depth first, so every file follows what it needs.
 */
static void add_closure(struct export *e, const char *src, const char *dst,
			int patch, const char *role, int depth)
{
	char err[RD_XF_ERR_LEN], *incs[32];
	char *text;
	int n;

	if (find_out(e, src))
		return;
	if (depth > 8)
		fail("%s: includes nest too deep", src);
	text = read_source(e, src);
	n = rd_local_includes(text, src, incs, 32, err);
	if (n < 0)
		fail("%s", err);
	for (int i = 0; i < n; i++) {
		char *r = rd_resolve(src, incs[i]);
		const struct export_file *f = file_entry(r);

		if (!f)
			fail("%s includes \"%s\" (%s), which has no place in the series: add it to export/files.def",
			     src, incs[i], r);
		add_closure(e, f->src, f->dst, f->patch, f->role, depth + 1);
		free(r);
		free(incs[i]);
	}
	if (e->nfiles == MAX_FILES)
		fail("too many files to export");
	e->files[e->nfiles++] = (struct out_file){
		.src = strdup(src), .dst = dst, .patch = patch, .role = role,
		.text = NULL,
	};
	free(text);
}

static void transform_all(struct export *e)
{
	char err[RD_XF_ERR_LEN];

	for (int i = 0; i < e->nfiles; i++) {
		char *text = read_source(e, e->files[i].src);

		e->files[i].text = rd_xform(text, e->files[i].src,
					    e->files[i].dst, map_include, e,
					    err);
		if (!e->files[i].text)
			fail("%s", err);
		free(text);
	}
}

/* ---- winners ----------------------------------------------------------- */

static char *json_str(json_t *obj, const char *key, const char *path,
		      const char *where)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail("%s: %s%s: missing or not a string", path, where, key);
	return strdup(json_string_value(v));
}

/* Newest results/<dir>/summary.json; 0 read, 1 none found. */
static int load_winners(const char *results, bool explicit, struct winners *w)
{
	struct dirent *de;
	char *best = NULL;
	json_error_t jerr;
	json_t *root, *win, *cmds;
	DIR *dir = opendir(results);

	if (!dir) {
		if (!explicit && errno == ENOENT)
			return 1;
		fail("--results %s: %s", results, strerror(errno));
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
		fail("%s:%d: not valid JSON: %s", w->path, jerr.line, jerr.text);
	win = json_object_get(root, "winners");
	if (!json_is_object(win))
		fail("%s: winners: missing or not an object", w->path);
	w->design = json_str(win, "design", w->path, "winners.");
	w->design_why = json_str(win, "design_why", w->path, "winners.");
	w->strategy = json_str(win, "strategy", w->path, "winners.");
	w->strategy_why = json_str(win, "strategy_why", w->path, "winners.");
	w->report = json_str(root, "report", w->path, "");
	cmds = json_object_get(root, "commands");
	if (!json_is_array(cmds))
		fail("%s: commands: missing or not an array", w->path);
	w->ncommands = json_array_size(cmds);
	w->commands = calloc(w->ncommands + 1, sizeof(char *));
	for (size_t i = 0; i < w->ncommands; i++) {
		json_t *c = json_array_get(cmds, i);

		if (!json_is_string(c))
			fail("%s: commands[%zu]: not a string", w->path, i);
		w->commands[i] = strdup(json_string_value(c));
	}
	json_decref(root);
	return 0;
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

static void choose_design(struct export *e, const char *name)
{
	char safe[256], *id, *src, *path;
	struct stat st;

	list_nmi_safe(safe, sizeof(safe));
	e->d = rd_design_find(name);
	if (!e->d)
		fail("unknown design '%s' (NMI-safe designs: %s)", name, safe);
	if (e->d->nesting != RD_NEST_SAFE)
		fail("design '%s' is not NMI-safe (nesting: %s); export takes %s",
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
		fail("design '%s': no source %s", name, path);
	free(path);
	e->design_src = src;
}

static void choose_strategy(struct export *e, const char *name)
{
	char known[512] = "none";

	e->strategy = name;
	if (strcmp(name, "none") == 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(strategy_table); i++) {
		if (strcmp(strategy_table[i].name, name) == 0) {
			e->st = &strategy_table[i];
			return;
		}
		snprintf(known + strlen(known), sizeof(known) - strlen(known),
			 ", %s", strategy_table[i].name);
	}
	fail("unknown strategy '%s' (known: %s; see export/strategies.def)",
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

static const char provenance[] =
	"The file%s generated by ringdrain export from %s, the source that "
	"ringdrain's userspace unit tests, nesting proofs, stress runs and "
	"benchmarks build; the transformation only drops the userspace glue "
	"and the nesting-test hooks, and renames local includes.";

static void add_provenance(struct rd_buf *b, struct export *e, int patch)
{
	struct rd_buf srcs = { 0 };
	int n = 0;

	for (int i = 0; i < e->nfiles; i++) {
		if (e->files[i].patch != patch)
			continue;
		if (n++)
			rd_buf_puts(&srcs, ", ");
		rd_buf_puts(&srcs, e->files[i].src);
	}
	rd_buf_printf(b, provenance, n > 1 ? "s are" : " is", srcs.s);
	rd_buf_puts(b, "\n");
	rd_buf_free(&srcs);
}

static char *body_slot(struct export *e)
{
	struct rd_buf t = { 0 }, b = { 0 };

	rd_buf_puts(&t,
		"Hardware-sampled access reports reach kdamond through one ring "
		"per CPU.  Add report_slot.h: how a struct damon_access_report "
		"is stored in a ring slot and loaded back, either whole (48 "
		"bytes on 64-bit) or in a compact 32-byte form that puts two "
		"reports in a cache line.\n\n"
		"The compact form drops @cpu (the ring is per-CPU), narrows "
		"@size to 32 bits (saturating, never wrapping) and keeps the low "
		"32 bits of @report_jiffies, rebuilt against the consumer's "
		"jiffies.  It is lossless for every report smaller than 4 GiB, "
		"so for every page-sized report.\n\n");
	add_provenance(&t, e, 1);
	rd_wrap(&b, t.s, 72);
	rd_buf_free(&t);
	return b.s;
}

static char *body_ring(struct export *e)
{
	struct rd_buf t = { 0 }, b = { 0 };

	rd_buf_printf(&t,
		"damon_report_access() runs in NMI context from the perf "
		"overflow handler and in task context for page-fault reports, "
		"so an NMI can land on a producer that is half-way through its "
		"report on the same CPU.  The ring as posted refuses the nested "
		"report through its per-CPU busy counter: every such NMI loses "
		"a sample.\n\n"
		"Add report_ring.h, a per-CPU ring that keeps both reports "
		"(design '%s'): %s.  Per report the producer pays: %s.\n\n",
		e->d->name, e->d->summary, e->d->atomics);
	for (int i = 0; i < e->nfiles; i++)
		if (e->files[i].patch == RING_PATCH && e->files[i].role)
			rd_buf_printf(&t, "%s: %s.\n", base_name(e->files[i].dst),
				      e->files[i].role);
	rd_buf_puts(&t,
		"\nA producer runs with preemption disabled on the CPU that owns "
		"the ring, as damon_report_access() does; kdamond is the one "
		"consumer.  Every barrier and CPU-local atomic carries its "
		"reason in a comment.\n\n");
	if (e->w.path && strcmp(e->w.design, e->d->name) == 0)
		rd_buf_printf(&t, "Why this design: %s\n\n", e->w.design_why);
	add_provenance(&t, e, RING_PATCH);
	rd_wrap(&b, t.s, 72);
	rd_buf_free(&t);
	return b.s;
}

static char *body_lookup(struct export *e)
{
	struct rd_buf t = { 0 }, b = { 0 };

	const struct drain_strategy *ds = drain_strategy_find(e->strategy);

	rd_buf_printf(&t,
		"kdamond credits each drained report to the region that holds "
		"its address.  The posted drain walks every target for every "
		"report and binary-searches an array of region pointers, two "
		"dependent loads a probe.  Add %s, the '%s' lookup of the "
		"report drain%s%s.  Its snapshot is rebuilt only when the "
		"layout changes.\n\n",
		base_name(e->st->dst), e->strategy, ds ? ": " : "",
		ds ? ds->summary : "");
	for (int i = 0; i < e->nfiles; i++)
		if (e->files[i].patch == LOOKUP_PATCH && e->files[i].role)
			rd_buf_printf(&t, "%s: %s.\n", base_name(e->files[i].dst),
				      e->files[i].role);
	rd_buf_puts(&t,
		"\nringdrain kcheck's test module checks every answer of the "
		"lookup in a 6.12 kernel against an expectation: chosen "
		"addresses (region starts, ends, gaps, dense clusters, the top "
		"of the address space, straddlers, unknown tgids) and random "
		"ones over layouts of 40000 regions.\n\n");
	if (e->w.path && strcmp(e->w.strategy, e->strategy) == 0)
		rd_buf_printf(&t, "Why this lookup: %s\n\n", e->w.strategy_why);
	add_provenance(&t, e, LOOKUP_PATCH);
	rd_wrap(&b, t.s, 72);
	rd_buf_free(&t);
	return b.s;
}

static char *cover_body(struct export *e)
{
	struct rd_buf t = { 0 }, b = { 0 };

	rd_buf_printf(&t,
		"The RFC \"mm/damon: hardware-sampled access reports\" feeds "
		"kdamond from per-CPU rings that an NMI-context perf handler "
		"fills.  Its ring drops a report whenever the NMI lands on a "
		"task-context producer of the same CPU.  This series replaces "
		"that ring with '%s', which keeps both reports%s.\n\n",
		e->d->name, lookup_exported(e) ?
		", and adds the drain's region lookup" : "");
	if (e->w.path) {
		rd_buf_printf(&t, "The choices come from %s:\n\n", e->w.path +
			      (strncmp(e->w.path, e->root, strlen(e->root)) ?
			       0 : strlen(e->root) + 1));
		if (strcmp(e->w.design, e->d->name) == 0)
			rd_buf_printf(&t, "- ring '%s': %s\n", e->d->name,
				      e->w.design_why);
		else
			rd_buf_printf(&t,
				      "- ring '%s': chosen on the command line (the results' winner is '%s': %s)\n",
				      e->d->name, e->w.design, e->w.design_why);
		if (strcmp(e->w.strategy, e->strategy) == 0)
			rd_buf_printf(&t, "- lookup '%s': %s\n", e->strategy,
				      e->w.strategy_why);
		else
			rd_buf_printf(&t,
				      "- lookup '%s': chosen on the command line (the results' winner is '%s': %s)\n",
				      e->strategy, e->w.strategy,
				      e->w.strategy_why);
		rd_buf_puts(&t, "\n");
	} else if (strcmp(e->strategy, "none") == 0) {
		rd_buf_printf(&t,
			"The ring '%s' was chosen on the command line, with no "
			"lookup patch (--strategy none); no results/*/summary.json "
			"was read.\n\n", e->d->name);
	} else {
		rd_buf_printf(&t,
			"The ring '%s' and the lookup '%s' were chosen on the "
			"command line; no results/*/summary.json was read.\n\n",
			e->d->name, e->strategy);
	}
	rd_wrap(&b, t.s, 72);
	rd_buf_free(&t);
	if (e->w.path) {
		rd_buf_puts(&b, "The numbers (ringdrain's review table):\n\n");
		for (const char *l = e->w.report; *l;) {
			const char *eol = strchr(l, '\n');
			size_t n = eol ? (size_t)(eol - l) : strlen(l);

			rd_buf_puts(&b, n ? "  " : "");
			rd_buf_add(&b, l, n);
			rd_buf_puts(&b, "\n");
			l += n + (eol ? 1 : 0);
		}
		rd_buf_puts(&b, "\nReproduced with:\n\n");
		for (size_t i = 0; i < e->w.ncommands; i++)
			rd_buf_printf(&b, "  %s\n", e->w.commands[i]);
		rd_buf_puts(&b, "\n");
	}
	rd_buf_puts(&t,
		"Checked in a kernel: 'ringdrain kcheck' applies these patches, "
		"builds the test module written beside them against the Debian "
		"6.12 headers with W=1 and sparse (C=2), runs checkpatch.pl "
		"--strict on the patches, and boots 6.12 under qemu with the "
		"module: NMI-context producers driven by NMI IPIs, a "
		"task-context producer on the same CPU and a kdamond-like "
		"consumer on another CPU, every record accounted for.\n\n");
	if (lookup_missing(e))
		rd_buf_printf(&t,
			"Not in this series: the '%s' lookup.  The drain has it, "
			"but not yet as a kernel-dialect source that export can "
			"transform (export/strategies.def names none for it), so "
			"the lookup patch is still to come.\n\n",
			e->strategy);
	rd_wrap(&b, t.s, 72);
	rd_buf_free(&t);
	return b.s;
}

/* ---- module ------------------------------------------------------------ */

/* struct damon_access_report as ring/report.h states it (the RFC's). */
static char *access_report_header(struct export *e)
{
	char *text = read_source(e, "ring/report.h");
	const char *start = strstr(text, "\nstruct damon_access_report {\n");
	const char *c, *end;
	struct rd_buf b = { 0 };

	if (!start)
		fail("ring/report.h: no struct damon_access_report");
	end = strstr(start, "\n};\n");
	/* Take the comment right above the struct with it. */
	c = start;
	while (c > text && !(c[0] == '\n' && c[1] == '/' && c[2] == '*'))
		c--;
	rd_buf_puts(&b,
		"/* SPDX-License-Identifier: GPL-2.0 */\n"
		"/*\n"
		" * damon_access_report.h - written by ringdrain export from ring/report.h.\n"
		" *\n"
		" * The RFC series adds struct damon_access_report to <linux/damon.h>;\n"
		" * the 6.12 headers the test module builds against do not have it yet,\n"
		" * so the module takes the RFC's definition from here.\n"
		" */\n"
		"#ifndef _DAMON_ACCESS_REPORT_H\n#define _DAMON_ACCESS_REPORT_H\n\n"
		"#include <linux/types.h>\n");
	rd_buf_add(&b, c, end + 4 - c);
	rd_buf_puts(&b, "\n#endif /* _DAMON_ACCESS_REPORT_H */\n");
	free(text);
	return b.s;
}

static char *design_header(struct export *e)
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
	return b.s;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = path_join(dir, name);
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		fail("--out %s: cannot write %s: %s", out_arg, path,
		     strerror(errno));
	printf("wrote %s\n", path);
	free(path);
}

static void copy_template(struct export *e, const char *moddir,
			  const char *name)
{
	char *src, *text;

	if (asprintf(&src, "export/kmod/%s", name) < 0)
		abort();
	text = read_source(e, src);
	write_file(moddir, name, text);
	free(text);
	free(src);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		fail("--out %s: cannot create %s: %s", out_arg, path,
		     strerror(errno));
}

/* mkdir -p, and check we can write there. */
static void prepare_out(const char *out)
{
	char *p = strdup(out), *probe;
	int fd;

	out_arg = out;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		make_dir(p);
		*s = '/';
	}
	make_dir(p);
	free(p);
	probe = path_join(out, ".ringdrain-export-probe");
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("--out %s: cannot write there: %s", out, strerror(errno));
	close(fd);
	unlink(probe);
	free(probe);
}

static void clean_series(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 6 && strcmp(de->d_name + n - 6, ".patch") == 0) {
			char *p = path_join(dir, de->d_name);

			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

static char *rfc_2822_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	char buf[64];
	struct tm tm;

	if (sde)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S %z", &tm);
	return strdup(buf);
}

static void write_series(struct export *e)
{
	struct rd_patch patches[3] = { 0 };
	struct rd_series s = {
		.author = e->author, .date = rfc_2822_now(),
		.prefix = "RFC PATCH", .patches = patches,
	};
	char *dir = path_join(e->out, "series"), *subject;
	int np = lookup_exported(e) ? 3 : 2;

	make_dir(dir);
	clean_series(dir);
	patches[0].subject = "mm/damon: add the ring slot encoding of access reports";
	patches[0].body = body_slot(e);
	if (asprintf(&subject, "mm/damon: add an NMI-safe per-CPU report ring (%s)",
		     e->d->name) < 0)
		abort();
	patches[1].subject = subject;
	patches[1].body = body_ring(e);
	if (np == 3) {
		if (asprintf(&subject, "mm/damon: add the %s region lookup of the report drain",
			     e->strategy) < 0)
			abort();
		patches[2].subject = subject;
		patches[2].body = body_lookup(e);
	}
	for (int i = 0; i < e->nfiles; i++) {
		struct rd_patch *p = &patches[e->files[i].patch - 1];

		p->files[p->nfiles++] = (struct rd_series_file){
			e->files[i].dst, e->files[i].text };
	}
	s.npatches = np;
	if (asprintf(&subject, "mm/damon: NMI-safe per-CPU report ring (%s)%s%s%s",
		     e->d->name, lookup_exported(e) ? " and the " : "",
		     lookup_exported(e) ? e->strategy : "",
		     lookup_exported(e) ? " lookup" : "") < 0)
		abort();
	s.cover_subject = subject;
	s.cover_body = cover_body(e);
	for (int n = 0; n <= np; n++) {
		char *name = rd_patch_file_name(n, n ? patches[n - 1].subject : ""),
		     *path = path_join(dir, name);
		FILE *f = fopen(path, "w");

		if (!f)
			fail("--out %s: cannot write %s: %s", out_arg, path,
			     strerror(errno));
		rd_series_write(f, &s, n);
		if (fclose(f))
			fail("--out %s: cannot write %s: %s", out_arg, path,
			     strerror(errno));
		printf("wrote %s\n", path);
		free(name);
		free(path);
	}
	free(dir);
}

static void write_module(struct export *e)
{
	char *dir = path_join(e->out, "module"), err[RD_XF_ERR_LEN];
	char *text, *rfc;

	make_dir(dir);
	copy_template(e, dir, "Kbuild");
	copy_template(e, dir, "Makefile");
	copy_template(e, dir, "ringdrain_kcheck.c");
	text = access_report_header(e);
	write_file(dir, "damon_access_report.h", text);
	free(text);
	text = design_header(e);
	write_file(dir, "kcheck_design.h", text);
	free(text);
	/* The RFC's ring, the baseline the module runs beside the design. */
	text = read_source(e, "ring/rfc.c");
	rfc = rd_xform(text, "ring/rfc.c", "rfc_ring.h", map_include, e, err);
	if (!rfc)
		fail("%s", err);
	write_file(dir, "rfc_ring.h", rfc);
	free(rfc);
	free(text);
	free(dir);
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
	const char *author = NULL;
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
		  .help = "From: and Signed-off-by: (default: git's author identity, else a placeholder)" },
		{ .name = "list", .type = RD_OPT_FLAG, .dst = &list,
		  .help = "list the designs and strategies export takes, write nothing" },
		{ 0 },
	};
	struct export e = { 0 };
	bool explicit_results = false;
	char *results_dir;

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
		if (load_winners(results_dir, explicit_results, &e.w))
			rd_usage_error(self->name,
				       "no %s/*/summary.json to take the winners from: run './ringdrain bench' or give --design and --strategy",
				       results_dir);
	}
	choose_design(&e, design ? design : e.w.design);
	choose_strategy(&e, strategy ? strategy : e.w.strategy);
	prepare_out(out);

	add_closure(&e, e.design_src, RING_DST, RING_PATCH, NULL, 0);
	if (lookup_exported(&e)) {
		struct stat st;
		char *p = path_join(root, e.st->src);

		if (stat(p, &st))
			fail("strategy '%s': export/strategies.def names %s, which does not exist",
			     e.strategy, p);
		free(p);
		add_closure(&e, e.st->src, e.st->dst, LOOKUP_PATCH, NULL, 0);
	}
	for (int i = 0; i < e.nfiles; i++)
		if (e.files[i].patch < 1 || e.files[i].patch > 3 ||
		    (e.files[i].patch == 3 && !lookup_exported(&e)))
			fail("%s: patch %d in export/files.def is not in this series",
			     e.files[i].src, e.files[i].patch);
	transform_all(&e);

	printf("design=%s strategy=%s from=%s\n", e.d->name, e.strategy,
	       e.w.path ? e.w.path : "flags");
	e.author = author ? author : git_author();
	if (!e.author) {
		e.author = DEFAULT_AUTHOR;
		fprintf(stderr, "ringdrain export: no usable git identity (user.name, user.email): From: and Signed-off-by: say '%s'; give --author\n",
			e.author);
	}
	if (lookup_missing(&e))
		fprintf(stderr,
			"ringdrain export: strategy '%s' has no kernel-dialect source yet (export/strategies.def): the series has the ring patches only\n",
			e.strategy);
	write_series(&e);
	write_module(&e);
	free(results_dir);
	return 0;
}

const struct rd_command rd_cmd_export = {
	.name = "export",
	.synopsis = "[--design D] [--strategy S] --out DIR",
	.summary = "write the chosen ring (and lookup) as a patch series for mm/damon, with a test module",
	.description =
		"Writes DIR/series/: a git format-patch style series (cover letter 0/N and\n"
		"one patch per new file group under mm/damon/), and DIR/module/: a test\n"
		"module (Kbuild + source) that runs the exported ring with NMI-context\n"
		"producers.  The exported files are ringdrain's own sources, transformed\n"
		"mechanically (export/README.md).  Without --design/--strategy the winners\n"
		"come from the newest results/*/summary.json.  'ringdrain kcheck' builds,\n"
		"style-checks and boots what export writes.",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_export;
