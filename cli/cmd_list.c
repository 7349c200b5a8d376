// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_list.c - ringdrain list: every ring design and its properties, the
 * drain's lookup strategies and its zero-access policies.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "ring/ring.h"
#include "drain/drain.h"

static const struct rd_command *self;

static const char *snapshot_policy(const struct drain_strategy *s)
{
	return s->per_tick ? "per-tick" : "on-change";
}

static json_t *strategies_json(void)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < drain_nr_strategies; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}",
			"name", drain_strategies[i]->name,
			"summary", drain_strategies[i]->summary,
			"snapshot", snapshot_policy(drain_strategies[i])));
	return a;
}

static json_t *zero_policies_json(void)
{
	json_t *a = json_array();

	for (int i = 0; i < DRAIN_NR_ZERO_POLICIES; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}",
			"name", drain_zero_policy_name(i),
			"summary", drain_zero_policy_summary(i)));
	return a;
}

/*
 * Per-CPU ring memory: the design's size() (sizeof its structs plus the
 * slots) rounded up to a cache line, as rd_ring_create() allocates it.
 * RD_LIST_RFC_CAPACITY is the RFC's DAMON_REPORT_RING_SIZE (patch 4/6),
 * which is also the default capacity of ringdrain stress.
 */
#define RD_LIST_RFC_CAPACITY	256
#define RD_LIST_BIG_CAPACITY	4096

static size_t ring_bytes(const struct rd_ring_design *d, unsigned int capacity,
			 unsigned int rec_size)
{
	size_t b = d->size(capacity, rec_size);

	return (b + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1);
}

static json_t *bytes_json(const struct rd_ring_design *d)
{
	json_t *o = json_object();
	static const struct {
		const char *key;
		unsigned int cap, rec;
	} at[] = {
		{ "256x48", RD_LIST_RFC_CAPACITY, DAMON_REPORT_FULL },
		{ "256x32", RD_LIST_RFC_CAPACITY, DAMON_REPORT_COMPACT },
		{ "4096x48", RD_LIST_BIG_CAPACITY, DAMON_REPORT_FULL },
		{ "4096x32", RD_LIST_BIG_CAPACITY, DAMON_REPORT_COMPACT },
	};

	for (size_t i = 0; i < ARRAY_SIZE(at); i++)
		json_object_set_new(o, at[i].key, json_integer(
			(json_int_t)ring_bytes(d, at[i].cap, at[i].rec)));
	return o;
}

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
		/* capacity x record size -> bytes per CPU */
		json_object_set_new(json_array_get(designs, i),
				    "bytes_per_cpu", bytes_json(d));
	}
	json_object_set_new(root, "designs", designs);
	json_object_set_new(root, "strategies", strategies_json());
	json_object_set_new(root, "zero_policies", zero_policies_json());
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

	rd_parse_cmdline(self, opts, argc, argv, 0, 0, NULL);
	if (json)
		return list_json();

	printf("ring designs (nesting: safe = keeps a nested producer's record,\n"
	       "drops = refuses and counts it, unsafe = may lose or tear records;\n"
	       "every design also bumps one local_t counter per record;\n"
	       "bytes per CPU at the RFC's %u slots (the default), 48- and\n"
	       "32-byte records; --json adds %u slots)\n\n",
	       RD_LIST_RFC_CAPACITY, RD_LIST_BIG_CAPACITY);
	printf("%-10s %-7s %7s %7s %s\n", "design", "nesting", "B/CPU48",
	       "B/CPU32", "per-record atomics");
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];

		printf("%-10s %-7s %7zu %7zu %s\n", d->name,
		       rd_nesting_name(d->nesting),
		       ring_bytes(d, RD_LIST_RFC_CAPACITY, DAMON_REPORT_FULL),
		       ring_bytes(d, RD_LIST_RFC_CAPACITY, DAMON_REPORT_COMPACT),
		       d->atomics);
	}

	printf("\nlookup strategies (kdamond: report -> target -> region; the snapshot\n"
	       "is rebuilt every tick, or only when the layout changes)\n\n");
	printf("%-10s %-9s %s\n", "strategy", "snapshot", "how");
	for (unsigned int i = 0; i < drain_nr_strategies; i++)
		printf("%-10s %-9s %s\n", drain_strategies[i]->name,
		       snapshot_policy(drain_strategies[i]),
		       drain_strategies[i]->summary);

	printf("\nzero-access policies (regions no report credited this tick)\n\n");
	printf("%-10s %s\n", "policy", "how");
	for (int i = 0; i < DRAIN_NR_ZERO_POLICIES; i++)
		printf("%-10s %s\n", drain_zero_policy_name(i),
		       drain_zero_policy_summary(i));
	return 0;
}

const struct rd_command rd_cmd_list = {
	.name = "list",
	.synopsis = "[--json]",
	.summary = "list the ring designs, lookup strategies and zero-access policies",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_list;
