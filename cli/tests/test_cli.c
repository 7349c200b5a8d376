// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - the ringdrain command line as a user meets it: help on every
 * command, one-line errors and exit 2 on bad input, and `list` telling the
 * same truth in text and JSON as the design table.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ring.h"
#include "../../drain/drain.h"
#include "run_cli.h"

static void expect_usage_error(const char *args, const char *needle)
{
	struct rd_cli_result *r = rd_run_cli("%s", args);

	cr_assert_eq(r->status, 2, "'%s' exited %d, want 2", args, r->status);
	cr_assert_eq(rd_cli_lines(r->err), 1, "'%s' printed %d lines on stderr: %s",
		     args, rd_cli_lines(r->err), r->err);
	cr_assert(strstr(r->err, needle), "'%s': '%s' lacks '%s'", args,
		  r->err, needle);
}

/* Every command listed by --help answers --help itself. */
Test(cli, help_everywhere)
{
	struct rd_cli_result *r = rd_run_cli("--help");
	char cmds[32][32];
	int n = 0;
	const char *p;

	cr_assert_eq(r->status, 0);
	p = strstr(r->out, "commands:\n");
	cr_assert_not_null(p);
	for (p = strchr(p, '\n') + 1; n < 32 && strncmp(p, "  ", 2) == 0;
	     p = strchr(p, '\n') + 1)
		if (sscanf(p, " %31s", cmds[n]) == 1)
			n++;
	cr_assert_geq(n, 2, "--help lists %d commands", n);
	for (int i = 0; i < n; i++) {
		char a[64];

		snprintf(a, sizeof(a), "%s --help", cmds[i]);
		r = rd_run_cli("%s", a);
		cr_assert_eq(r->status, 0, "'%s' exited %d", a, r->status);
		cr_assert(strstr(r->out, "usage: ringdrain "), "%s", a);
		snprintf(a, sizeof(a), "%s --no-such-option", cmds[i]);
		r = rd_run_cli("%s", a);
		cr_assert_eq(r->status, 2, "'%s' exited %d", a, r->status);
		cr_assert_eq(rd_cli_lines(r->err), 1, "'%s': %s", a, r->err);
	}
}

Test(cli, bad_input_is_one_line_and_exit_2)
{
	expect_usage_error("", "no command given");
	expect_usage_error("frobnicate", "unknown command 'frobnicate'");
	expect_usage_error("--frob", "unknown option '--frob'");
	expect_usage_error("list --bogus", "unknown option '--bogus'");
	expect_usage_error("list --json=3", "--json takes no value");
	expect_usage_error("list extra", "unexpected argument 'extra'");
	expect_usage_error("test --only", "--only needs a value");
}

/* A ring's bytes as rd_ring_create() allocates them: size() to a line. */
static size_t list_bytes(const struct rd_ring_design *d, unsigned int cap,
			 unsigned int rec)
{
	return (d->size(cap, rec) + 63) & ~(size_t)63;
}

Test(cli, list_matches_the_table)
{
	struct rd_cli_result *r = rd_run_cli("list");

	cr_assert_eq(r->status, 0);
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		const struct rd_ring_design *d = rd_designs[i];
		char line[256];

		snprintf(line, sizeof(line), "\n%-10s %-7s %7zu %7zu %s\n",
			 d->name, rd_nesting_name(d->nesting),
			 list_bytes(d, 256, 48), list_bytes(d, 256, 32),
			 d->atomics);
		cr_assert(strstr(r->out, line), "list lacks line for %s",
			  rd_designs[i]->name);
	}
}

/* The drain's lookup strategies and zero-access policies, in text. */
Test(cli, list_shows_strategies_and_policies)
{
	struct rd_cli_result *r = rd_run_cli("list");

	cr_assert_eq(r->status, 0);
	cr_assert_geq(drain_nr_strategies, 5, "list, rfc and three fast ones");
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		const struct drain_strategy *s = drain_strategies[i];
		char line[512];

		snprintf(line, sizeof(line), "\n%-10s %-9s %s\n", s->name,
			 s->per_tick ? "per-tick" : "on-change", s->summary);
		cr_assert(strstr(r->out, line), "list lacks strategy %s",
			  s->name);
	}
	cr_assert(drain_strategy_find("list") && drain_strategy_find("rfc"));
	cr_assert(drain_strategy_find("rfc")->per_tick,
		  "rfc rebuilds its snapshot every tick, as posted");
	for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++) {
		char line[512];

		snprintf(line, sizeof(line), "\n%-10s %s\n",
			 drain_zero_policy_name(z), drain_zero_policy_summary(z));
		cr_assert(strstr(r->out, line), "list lacks policy %s",
			  drain_zero_policy_name(z));
	}
}

Test(cli, list_json)
{
	struct rd_cli_result *r = rd_run_cli("list --json");
	json_error_t jerr;
	json_t *root, *designs;

	cr_assert_eq(r->status, 0);
	root = json_loads(r->out, 0, &jerr);
	cr_assert_not_null(root, "list --json: %s", jerr.text);
	designs = json_object_get(root, "designs");
	cr_assert(json_is_array(designs));
	cr_assert_eq(json_array_size(designs), rd_nr_designs);
	for (unsigned int i = 0; i < rd_nr_designs; i++) {
		json_t *d = json_array_get(designs, i);

		cr_assert_str_eq(json_string_value(json_object_get(d, "name")),
				 rd_designs[i]->name);
		cr_assert_str_eq(json_string_value(json_object_get(d, "nesting")),
				 rd_nesting_name(rd_designs[i]->nesting));
		cr_assert_eq(json_is_true(json_object_get(d, "survives_nesting")),
			     rd_designs[i]->nesting != RD_NEST_UNSAFE);
		cr_assert_str_eq(json_string_value(json_object_get(d, "atomics")),
				 rd_designs[i]->atomics);
		/* bytes per CPU: at least the records, and what is allocated */
		for (unsigned int cap = 256; cap <= 4096; cap *= 16)
			for (unsigned int rec = 32; rec <= 48; rec += 16) {
				char key[16];
				json_int_t b;

				snprintf(key, sizeof(key), "%ux%u", cap, rec);
				b = json_integer_value(json_object_get(
					json_object_get(d, "bytes_per_cpu"), key));
				cr_assert_eq((size_t)b, list_bytes(rd_designs[i],
								  cap, rec),
					     "%s %s", rd_designs[i]->name, key);
				cr_assert_geq((size_t)b, (size_t)cap * rec *
					      (rd_designs[i]->lanes ?
					       rd_designs[i]->lanes : 1));
			}
	}
	designs = json_object_get(root, "strategies");
	cr_assert(json_is_array(designs), "list --json lacks strategies");
	cr_assert_eq(json_array_size(designs), drain_nr_strategies);
	for (unsigned int i = 0; i < drain_nr_strategies; i++) {
		json_t *d = json_array_get(designs, i);

		cr_assert_str_eq(json_string_value(json_object_get(d, "name")),
				 drain_strategies[i]->name);
		cr_assert_str_eq(json_string_value(json_object_get(d, "summary")),
				 drain_strategies[i]->summary);
		cr_assert_str_eq(json_string_value(json_object_get(d, "snapshot")),
				 drain_strategies[i]->per_tick ? "per-tick" :
				 "on-change");
	}
	designs = json_object_get(root, "zero_policies");
	cr_assert(json_is_array(designs), "list --json lacks zero_policies");
	cr_assert_eq(json_array_size(designs), DRAIN_NR_ZERO_POLICIES);
	for (int z = 0; z < DRAIN_NR_ZERO_POLICIES; z++)
		cr_assert_str_eq(json_string_value(json_object_get(
				json_array_get(designs, z), "name")),
				 drain_zero_policy_name(z));
	json_decref(root);
}
