// SPDX-License-Identifier: GPL-2.0
/* cmd_topo.c - ringdrain topo: the CPU pair classes this machine has. */
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"
#include "topo.h"

extern const struct rd_command rd_cmd_topo;

static int run(int argc, char **argv)
{
	bool json = false;
	struct rd_opt opts[] = {
		{ .name = "json", .type = RD_OPT_FLAG, .dst = &json,
		  .help = "print JSON" },
		{ 0 },
	};
	struct rd_topo t;
	struct rd_err err = { 0 };
	char summary[256];

	rd_parse_cmdline(&rd_cmd_topo, opts, argc, argv, 0, 0, NULL);
	if (rd_topo_load(&t, &err)) {
		fprintf(stderr, "ringdrain topo: %s\n", err.msg);
		return 1;
	}
	rd_topo_summary(&t, summary, sizeof(summary));
	if (json) {
		json_t *root = json_object(), *classes = json_array();

		for (int c = 0; c < RD_NR_PAIR_CLASSES; c++) {
			const struct rd_pair *p = &t.pairs[c];

			json_array_append_new(classes, p->present ?
				json_pack("{s:s, s:s, s:b, s:[i,i]}",
					  "class", rd_pair_class_name(c),
					  "description", rd_pair_class_desc(c),
					  "present", 1, "cpus", p->cpu[0], p->cpu[1]) :
				json_pack("{s:s, s:s, s:b}",
					  "class", rd_pair_class_name(c),
					  "description", rd_pair_class_desc(c),
					  "present", 0));
		}
		json_object_set_new(root, "summary", json_string(summary));
		json_object_set_new(root, "this_system", json_boolean(t.thissystem));
		json_object_set_new(root, "pairs", classes);
		json_dumpf(root, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(root);
	} else {
		printf("topology: %s%s\n\n", summary,
		       t.thissystem ? "" : " (from HWLOC_XMLFILE/HWLOC_SYNTHETIC, not this machine)");
		printf("%-9s %-9s %s\n", "class", "cpu pair", "what");
		for (int c = 0; c < RD_NR_PAIR_CLASSES; c++) {
			const struct rd_pair *p = &t.pairs[c];
			char cpus[32] = "absent";

			if (p->present)
				snprintf(cpus, sizeof(cpus), "%u,%u", p->cpu[0],
					 p->cpu[1]);
			printf("%-9s %-9s %s\n", rd_pair_class_name(c), cpus,
			       rd_pair_class_desc(c));
		}
	}
	rd_topo_destroy(&t);
	return 0;
}

const struct rd_command rd_cmd_topo = {
	.name = "topo",
	.synopsis = "[--json]",
	.summary = "list the CPU pair classes of this machine (or of HWLOC_XMLFILE/HWLOC_SYNTHETIC)",
	.description = "A class the machine lacks is shown as absent; benchmarks skip it with a note.\n"
		       "hwloc's HWLOC_XMLFILE and HWLOC_SYNTHETIC environment variables select another topology.",
	.run = run,
};
