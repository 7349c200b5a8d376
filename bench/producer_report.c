// SPDX-License-Identifier: GPL-2.0
/*
 * producer_report.c - the producer suite's report: producer/hot,
 * producer/nmi (intervals, calibration, simulated counts, the verdict
 * against rfc), producer/cadence; the design winner (what `ringdrain
 * export` uses) and the NMI-regime plot.  Its keys and targets are here
 * and nowhere else (bench/README.md, "The NMI-regime figure").
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cachesim.h"
#include "nmi_stats.h"
#include "report.h"
#include "ring/ring.h"

/*
 * The design winner: among the nesting-safe designs in the NMI regime, the
 * lowest median and every design whose difference from it is not
 * significant (two-sided Mann-Whitney U, p >= RD_TIE_P) are a tie; the
 * rule RD_TIE_RULE picks one of the tie set, so the same code wins on every
 * run whose tie set is the same.
 */
#define RD_TIE_P	0.05
#define RD_TIE_RULE	"designs whose NMI-regime cost differs from the lowest median with U test p >= 0.05 tie; among them the smallest per-CPU ring (bytes, 256 slots of 48 B), then the fewest per-record atomics (ringdrain list), then the fewest lines of ring/<design>.c, then the name"
/* The same, as the report prints it under "rule: ". */
#define RD_TIE_RULE_LINES \
	"ties are designs whose NMI-regime cost differs from the\n" \
	"  lowest median with U test p >= 0.05; among them the smallest\n" \
	"  per-CPU ring, then fewest per-record atomics, then fewest lines"

static const struct rd_metric producer_metrics[] = {
	{ "producer/hot", "real_time", "ns", 1, false },
	{ "producer/nmi", "ns_per_produce", "ns", 1, false },
	{ "producer/misslat", "miss_ns", "ns", 1, false },
	{ "producer/cadence", "drop_pct", "%", 1, false },
	{ NULL },
};

static const char *const producer_files[] = { RD_SIM_FILE, NULL };

static void report_producer_hot(FILE *f, struct rd_results *r)
{
	struct rd_bm *rfc48 = rd_find(r, "producer/hot", "design", "rfc", "rec", "48", NULL);
	struct rd_bm *rfc32 = rd_find(r, "producer/hot", "design", "rfc", "rec", "32", NULL);

	if (!rfc48 && !rfc32)
		return;
	rd_section(f, "producer/hot: ns per produce(), ring hot in this CPU's cache");
	fprintf(f, "%-10s %8s %7s %6s  %8s %7s %6s\n", "design", "48B", "x rfc",
		"spread", "32B", "x rfc", "spread");
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *a = rd_find(r, "producer/hot", "design", d, "rec", "48", NULL);
		struct rd_bm *b = rd_find(r, "producer/hot", "design", d, "rec", "32", NULL);

		if (!a && !b)
			continue;
		fprintf(f, "%-10s", d);
		rd_cell(f, 8, a ? a->med : NAN);
		rd_ratio_cell(f, 7, a, rfc48);
		rd_pct_cell(f, 6, rd_spread_pct(a));
		fprintf(f, " ");
		rd_cell(f, 8, b ? b->med : NAN);
		rd_ratio_cell(f, 7, b, rfc32);
		rd_pct_cell(f, 6, rd_spread_pct(b));
		fputc('\n', f);
	}
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
static int nmi_row(FILE *f, struct rd_results *r, const char *label,
		   const char *rec, const struct rd_bm *b, const char *rate,
		   const char *cls, char *unresolved, size_t len,
		   struct rd_err *e)
{
	double med, lo, hi, sim[3];
	char iv[48];

	fprintf(f, "%-10s %4s", label, rec);
	if (!b) {
		fprintf(f, " %8s %17s\n", "-", "");
		return 0;
	}
	if (rd_boot_median_ci(b->v, b->n, &med, &lo, &hi))
		return rd_errf(e, ENOMEM, "%s: out of memory", b->name);
	if (rd_cost_resolved(lo, hi)) {
		rd_cell(f, 8, med);
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
	fprintf(f, " %5.0f", rd_drops_med(b));
	if (sim_net(r, b, rate, cls, sim))
		fprintf(f, " %6.1f %5.2f %5.2f\n", sim[0], sim[1], sim[2]);
	else
		fprintf(f, " %6s %5s %5s\n", "-", "-", "-");
	return 0;
}

/*
 * The best NMI-safe design at 48 bytes whose cost is resolved, against
 * rfc: faster / tie / slower by the U test over repetitions; no verdict
 * from an unresolved cost or an unreliable calibration.
 */
static int nmi_verdict(FILE *f, struct rd_results *r, const char *rate,
		       const char *cls, bool reliable, struct rd_err *e)
{
	struct rd_bm *rfc = rd_find(r, "producer/nmi", "design", "rfc", "rec",
				 "48", "rate", rate, "class", cls, NULL);
	struct rd_bm *best = NULL;
	double med, lo, hi, bmed = NAN, p, s_best[3], s_rfc[3];
	enum rd_nmi_verdict v;

	if (!reliable) {
		fprintf(f, "verdict: withheld: the calibration is unreliable (above)\n");
		return 0;
	}
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *b;

		if (!rd_nmi_safe(d))
			continue;
		b = rd_find(r, "producer/nmi", "design", d, "rec", "48", "rate",
			 rate, "class", cls, NULL);
		if (!b)
			continue;
		if (rd_boot_median_ci(b->v, b->n, &med, &lo, &hi))
			return rd_errf(e, ENOMEM, "%s: out of memory", b->name);
		if (rd_cost_resolved(lo, hi) && (!best || med < bmed)) {
			best = b;
			bmed = med;
		}
	}
	if (!best || !rfc) {
		fprintf(f, "verdict: best NMI-safe vs rfc (48B): not resolved here\n  (%s)\n",
			!rfc ? "no rfc" : "no NMI-safe design has a resolved cost");
		return 0;
	}
	if (rd_nmi_verdict(best->v, best->n, rfc->v, rfc->n, &v, &p))
		return rd_errf(e, ENOMEM, "%s: out of memory", best->name);
	fprintf(f, "verdict: best NMI-safe %s vs rfc (48B): %s", rd_kv(best, "design"),
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
	return 0;
}

static int report_producer_nmi(FILE *f, struct rd_results *r,
			       struct rd_err *e)
{
	char rates[8][48], classes[8][48];
	int nr = rd_values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = rd_values_of(r, "producer/nmi", "class", classes, 8);

	for (int ci = 0; ci < nc; ci++)
	for (int ri = 0; ri < nr; ri++) {
		const char *rate = rates[ri], *cls = classes[ci];
		struct rd_bm *lat = rd_find(r, "producer/misslat", "rate", rate,
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
		rd_section(f, title);
		fprintf(f, "%-10s %4s %8s %17s %4s %5s %6s %5s %5s\n", "design",
			"rec", "ns", "[interval]", "reps", "drops", "Ir", "D1",
			"LL");
		for (unsigned int i = 0; i < rd_nr_designs; i++) {
			const char *d = rd_designs[i]->name;

			for (int rs = 48; rs >= 32; rs -= 16) {
				char rec[8];
				struct rd_bm *b;

				snprintf(rec, sizeof(rec), "%d", rs);
				b = rd_find(r, "producer/nmi", "design", d, "rec",
					 rec, "rate", rate, "class", cls, NULL);
				if (b && nmi_row(f, r, d, rec, b, rate, cls,
						 unresolved, sizeof(unresolved), e))
					return -ENOMEM;
				if (b && isnan(xfer))
					xfer = rd_xfer_med(b);
			}
		}
		for (int p = 0; p < RD_NMI_PROBES; p++) {
			char lines[8], label[16];
			struct rd_bm *b;
			double lo, hi;

			snprintf(lines, sizeof(lines), "%d", rd_nmi_probe_lines[p]);
			snprintf(label, sizeof(label), "probe %s", lines);
			b = rd_find(r, "producer/nmi", "probe", lines, "rate", rate,
				 "class", cls, NULL);
			probe[p] = NAN;
			if (b && (rd_boot_median_ci(b->v, b->n, &probe[p], &lo,
						    &hi) ||
				  nmi_row(f, r, label, "-", b, rate, cls,
					  unresolved, sizeof(unresolved), e)))
				return rd_errf(e, ENOMEM, "%s: out of memory",
					       b->name);
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
		if (nmi_verdict(f, r, rate, cls, reliable, e))
			return -ENOMEM;
	}
	if (r->sim_note[0])
		rd_note_wrapped(f, r->sim_note);
	return 0;
}

static void report_cadence(FILE *f, struct rd_results *r)
{
	char caps[8][48], periods[8][48], rates[8][48];
	int ncap = rd_values_of(r, "producer/cadence", "cap", caps, 8);
	int np = rd_values_of(r, "producer/cadence", "drain_ms", periods, 8);
	int nr = rd_values_of(r, "producer/cadence", "rate", rates, 8);

	for (int ri = 0; ri < nr; ri++) {
		char title[256];

		snprintf(title, sizeof(title),
			 "producer/cadence: %% of reports the RFC ring drops, %.47s/s per CPU,\n"
			 "  by capacity and drain period (the RFC: 256 slots, 5 ms)",
			 rates[ri]);
		rd_section(f, title);
		fprintf(f, "%-10s", "capacity");
		for (int pi = 0; pi < np && pi < 6; pi++) {
			char h[16];

			snprintf(h, sizeof(h), "%.12s ms", periods[pi]);
			fprintf(f, " %8s", h);
		}
		fputc('\n', f);
		for (int ci = 0; ci < ncap; ci++) {
			fprintf(f, "%-10s", caps[ci]);
			for (int pi = 0; pi < np && pi < 6; pi++) {
				struct rd_bm *b = rd_find(r, "producer/cadence",
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

static int producer_report(const struct rd_report_ctx *ctx, FILE *f,
			   struct rd_err *e)
{
	report_producer_hot(f, ctx->r);
	if (report_producer_nmi(f, ctx->r, e))
		return -ENOMEM;
	report_cadence(f, ctx->r);
	return 0;
}

/* producer-sim.json: counts, a skip note, or a note on why it is bad. */
static int producer_load(struct rd_results *r, struct rd_err *e)
{
	struct rd_err err = { 0 };
	char path[1100];
	struct rd_sim s;

	snprintf(path, sizeof(path), "%s/%s", r->dir, RD_SIM_FILE);
	if (access(path, F_OK)) {
		if (!rd_find(r, "producer/nmi", NULL))
			return 0;
		snprintf(r->sim_note, sizeof(r->sim_note),
			 "no simulated counts in this run (no %s)", RD_SIM_FILE);
		return 0;
	}
	if (rd_sim_load(path, &s, &err)) {
		const char *rel = rd_project_path(path);

		if (err.code == ENOMEM) {
			*e = err;
			return -ENOMEM;
		}
		/* a bad file is a note; it names the file as one types it */
		if (!strncmp(err.msg, path, strlen(path)))
			snprintf(r->sim_note, sizeof(r->sim_note), "%s%s", rel,
				 err.msg + strlen(path));
		else
			snprintf(r->sim_note, sizeof(r->sim_note), "%s", err.msg);
		return 0;
	}
	if (s.skipped[0]) {
		snprintf(r->sim_note, sizeof(r->sim_note), "%s", s.skipped);
		rd_sim_free(&s);
		return 0;
	}
	r->sim = malloc(sizeof(*r->sim));
	if (!r->sim) {
		rd_sim_free(&s);
		return rd_errf(e, ENOMEM, "%s: out of memory", path);
	}
	*r->sim = s;
	return 0;
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
	char path[1024], *text;
	long lines = 0;
	size_t len;

	snprintf(path, sizeof(path), "%s/ring/%s.c", RD_SOURCE_DIR, name);
	for (char *p = path + strlen(RD_SOURCE_DIR) + 6; *p; p++)
		if (*p == '-')
			*p = '_';
	text = rd_read_file(path, &len, NULL);
	if (!text)
		return LONG_MAX;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	free(text);
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

	c->design = rd_kv(b, "design");
	c->n = 0;
	for (int j = 0; j < b->n && c->n < 64; j++)
		if (!rd_has_xfer(b) || (b->xfer[j] >= split) == regime)
			c->v[c->n++] = b->v[j];
	memcpy(tmp, c->v, c->n * sizeof(*tmp));
	c->med = c->n ? rd_median(tmp, c->n) : NAN;
}

static int producer_winner(const struct rd_report_ctx *ctx,
			   struct rd_winners *w, struct rd_err *e)
{
	struct rd_results *r = ctx->r;
	char rates[8][48], classes[8][48];
	int nr = rd_values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = rd_values_of(r, "producer/nmi", "class", classes, 8);

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
			struct rd_bm *b = rd_find(r, "producer/nmi", "design",
					       rd_designs[i]->name, "rec", "48",
					       "rate", rate, "class", cls, NULL);

			if (!b || !rd_nmi_safe(rd_designs[i]->name))
				continue;
			bms[n++] = b;
			for (int j = 0; rd_has_xfer(b) && j < b->nx; j++)
				if (rd_push(&x, &nx, &xcap, b->xfer[j], e)) {
					free(x);
					return -ENOMEM;
				}
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
		rfc_bm = rd_find(r, "producer/nmi", "design", "rfc", "rec", "48",
			      "rate", rate, "class", cls, NULL);
		if (rfc_bm)
			contender_of(&rfc, rfc_bm, split, regime);
		for (int k = 0; best >= 0 && k < n && w->nties < 8; k++) {
			double p = 1;

			if (c[k].n && k != best)
				p = rd_mann_whitney_p(c[k].v, c[k].n, c[best].v,
						      c[best].n);
			if (isnan(p))
				return rd_errf(e, ENOMEM,
					       "%s: out of memory for the U test",
					       c[k].design);
			if (!c[k].n || p < RD_TIE_P)
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
			w->design_rule_lines = RD_TIE_RULE_LINES;
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
	return 0;
}

/* The plot: producer/nmi per design at the winner's rate and pair. */
static int producer_plot_data(const struct rd_report_ctx *ctx, FILE *f,
			      char *title, size_t tlen, char *vars,
			      size_t vlen, struct rd_err *e)
{
	struct rd_results *r = ctx->r;
	char rates[8][48], classes[8][48];
	int nr = rd_values_of(r, "producer/nmi", "rate", rates, 8);
	int nc = rd_values_of(r, "producer/nmi", "class", classes, 8);
	bool have48 = false, have32 = false;
	int rows = 0;

	if (!nr || !nc)
		return 0;
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const char *d = rd_designs[i]->name;
		struct rd_bm *a = rd_find(r, "producer/nmi", "design", d, "rec",
					  "48", "rate", rates[nr / 2], "class",
					  classes[0], NULL);
		struct rd_bm *b = rd_find(r, "producer/nmi", "design", d, "rec",
					  "32", "rate", rates[nr / 2], "class",
					  classes[0], NULL);

		if (!a && !b)
			continue;
		have48 |= a != NULL;
		have32 |= b != NULL;
		fprintf(f, "%s %g %g %g %g %g %g\n", d,
			a ? a->med : NAN, a ? a->p25 : NAN, a ? a->p75 : NAN,
			b ? b->med : NAN, b ? b->p25 : NAN, b ? b->p75 : NAN);
		rows++;
	}
	snprintf(title, tlen,
		 "ns per produce(), NMI regime: %s/s, 5 ms drain, pair %s (median, IQR)",
		 rates[nr / 2], classes[0]);
	snprintf(vars, vlen, "have48=%d; have32=%d", have48, have32);
	return rows;
}

const struct rd_suite_report rd_report_producer = {
	.suite = "producer",
	.metrics = producer_metrics,
	.files = producer_files,
	.load = producer_load,
	.report = producer_report,
	.winner = producer_winner,
	.plot = "producer-nmi",
	.plot_data = producer_plot_data,
};
