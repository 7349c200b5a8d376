// SPDX-License-Identifier: GPL-2.0
/* cmd_list.c - ringdrain list: every ring design and its properties. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "../ring/ring.h"

static const struct rd_command *self;

static int list_json(void)
{
	json_t *root = json_object(), *designs = json_array();

	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];

		json_array_append_new(designs, json_pack(
			"{s:s, s:s, s:s, s:b, s:s, s:b, s:b, s:i}",
			"name", d->name,
			"summary", d->summary,
			"nesting", rd_nesting_name(d->nesting),
			"survives_nesting", d->nesting != RD_NEST_UNSAFE,
			"atomics", d->atomics,
			"keeps_one_empty", d->keeps_one_empty,
			"free_running", d->free_running,
			"lanes", d->lanes ? d->lanes : 1));
	}
	json_object_set_new(root, "designs", designs);
	json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return 0;
}

static int run(int argc, char **argv)
{
	bool json = false;
	struct rd_opt opts[] = {
		{ .name = "json", .type = RD_OPT_FLAG, .dst = &json,
		  .help = "print JSON" },
		{ 0 },
	};
	int npos;

	rd_parse_args(self, opts, argc, argv, &npos);
	if (npos)
		rd_usage_error(self->name, "unexpected argument '%s'", argv[0]);
	if (json)
		return list_json();

	printf("ring designs (nesting: safe = keeps a nested producer's record,\n"
	       "drops = refuses and counts it, unsafe = may lose or tear records;\n"
	       "every design also bumps one local_t counter per record)\n\n");
	printf("%-10s %-7s %s\n", "design", "nesting", "per-record atomics");
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];

		printf("%-10s %-7s %s\n", d->name, rd_nesting_name(d->nesting),
		       d->atomics);
	}
	return 0;
}

const struct rd_command rd_cmd_list = {
	.name = "list",
	.synopsis = "[--json]",
	.summary = "list the ring designs with their nesting safety and atomics",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_list;
