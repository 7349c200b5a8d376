// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - ringdrain report: the review table of a results folder. */
#include <stdio.h>

#include "cli/cli.h"
#include "report.h"
#include "results_io.h"

extern const struct rd_command rd_cmd_report;

static int run(int argc, char **argv)
{
	const char *svg = NULL, *png = NULL;
	bool update = false;
	struct rd_opt opts[] = {
		{ .name = "update", .type = RD_OPT_FLAG, .dst = &update,
		  .help = "rewrite DIR/report.txt and DIR/summary.json from DIR's results" },
		{ .name = "svg", .type = RD_OPT_STR, .dst = &svg,
		  .metavar = "FILE",
		  .help = "also draw the main comparison as SVG (gnuplot)" },
		{ .name = "png", .type = RD_OPT_STR, .dst = &png,
		  .metavar = "FILE",
		  .help = "also draw the main comparison as PNG (gnuplot)" },
		{ 0 },
	};
	struct rd_err err = { 0 };
	struct rd_results *cur, *base = NULL;
	int npos, ret = 0;

	npos = rd_parse_cmdline(&rd_cmd_report, opts, argc, argv, 1, 2,
				"missing the results folder (usage: ringdrain report DIR [BASE_DIR])");
	if (update && npos != 1)
		rd_usage_error("report", "--update takes one folder, no base");
	if (update) {
		/* Not while a bench run writes the folder: take its lock. */
		char *lock_argv[] = { "report", "--update", argv[0] };
		char note[RD_ERR_MSG_LEN];

		if (rd_results_lock(argv[0], 3, lock_argv, note, sizeof(note),
				    &err))
			rd_usage_error("report", "%s", err.msg);
		if (note[0])
			fprintf(stderr, "ringdrain report: note: %s\n", note);
	}
	cur = rd_results_load(argv[0], &err);
	if (!cur) {
		rd_results_unlock();	/* held with --update only */
		rd_usage_error("report", "%s", err.msg);
	}
	if (npos == 2) {
		base = rd_results_load(argv[1], &err);
		if (!base)
			rd_usage_error("report", "%s", err.msg);
	}
	if (update) {
		rd_results_free(cur);
		ret = rd_report_write(argv[0], true, &err);
		rd_results_unlock();
		if (ret < 0)
			fprintf(stderr, "ringdrain report: %s\n", err.msg);
		else if (ret)	/* `ringdrain export` takes winners from a whole run */
			fprintf(stderr, "ringdrain report: %s/summary.json is not written for an incomplete run: winners need every suite\n",
				rd_project_path(argv[0]));
		return ret < 0;
	}
	if (rd_report_print(stdout, cur, base, &err)) {
		fprintf(stderr, "ringdrain report: %s\n", err.msg);
		ret = 1;
		svg = png = NULL;
	}
	if (svg && rd_report_plot(cur, svg, false, &err)) {
		fprintf(stderr, "ringdrain report: %s\n", err.msg);
		ret = 1;
	}
	if (png && rd_report_plot(cur, png, true, &err)) {
		fprintf(stderr, "ringdrain report: %s\n", err.msg);
		ret = 1;
	}
	rd_results_free(cur);
	rd_results_free(base);
	return ret;
}

const struct rd_command rd_cmd_report = {
	.name = "report",
	.synopsis = "DIR [BASE_DIR] [--svg FILE] [--png FILE] [--update]",
	.summary = "print the review table of a results folder, optionally against a base run",
	.description =
		"DIR is a folder written by 'ringdrain bench' (results/<date>-<cpu>-<hash6>, or <date>-<host> from older runs).\n"
		"With BASE_DIR every median is compared with the base run's and tested\n"
		"with a two-sided Mann-Whitney U test over the repetitions.\n"
		"A run that did not complete (Ctrl-C, a write error) is reported as far\n"
		"as it got, with the suites it lacks and the command that resumes it.",
	.run = run,
};
