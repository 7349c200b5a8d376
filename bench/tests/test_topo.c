// SPDX-License-Identifier: GPL-2.0
/*
 * test_topo.c - pair classification on synthetic and recorded topologies
 * (hwloc's HWLOC_SYNTHETIC and HWLOC_XMLFILE), and the refusal to bind on
 * a topology that is not this machine.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

#ifndef RD_TEST_DATA
#error "RD_TEST_DATA must name bench/tests/data"
#endif

static void load(struct rd_topo *t, const char *synthetic, const char *xml)
{
	char err[256];

	unsetenv("HWLOC_SYNTHETIC");
	unsetenv("HWLOC_XMLFILE");
	if (synthetic)
		setenv("HWLOC_SYNTHETIC", synthetic, 1);
	if (xml)
		setenv("HWLOC_XMLFILE", xml, 1);
	cr_assert_eq(rd_topo_load(t, err), 0, "%s", err);
}

static void expect(struct rd_topo *t, enum rd_pair_class c, int a, int b)
{
	if (a < 0) {
		cr_assert_not(t->pairs[c].present, "class %s should be absent",
			      rd_pair_class_name(c));
		return;
	}
	cr_assert(t->pairs[c].present, "class %s missing", rd_pair_class_name(c));
	cr_assert_eq(t->pairs[c].cpu[0], (unsigned int)a, "%s",
		     rd_pair_class_name(c));
	cr_assert_eq(t->pairs[c].cpu[1], (unsigned int)b, "%s",
		     rd_pair_class_name(c));
}

Test(topo, every_class_on_a_two_socket_smt_machine)
{
	struct rd_topo t;

	load(&t, "pack:2 l3:2 l2:2 core:2 pu:2", NULL);
	cr_assert_not(t.thissystem);
	cr_assert_eq(t.nr_pus, 32);
	expect(&t, RD_PAIR_SAME_CPU, 0, 0);
	expect(&t, RD_PAIR_SMT, 0, 1);
	expect(&t, RD_PAIR_L2, 0, 2);
	expect(&t, RD_PAIR_L3, 0, 4);
	expect(&t, RD_PAIR_PACKAGE, 0, 8);
	expect(&t, RD_PAIR_REMOTE, 0, 16);
	cr_assert_eq(rd_topo_classify(&t, 17, 30), RD_PAIR_PACKAGE);
	cr_assert_eq(rd_topo_classify(&t, 31, 30), RD_PAIR_SMT);
	cr_assert_eq(rd_topo_classify(&t, 15, 16), RD_PAIR_REMOTE);
	rd_topo_destroy(&t);
}

Test(topo, numa_nodes_in_one_package_are_remote)
{
	struct rd_topo t;

	load(&t, "pack:1 numa:2 l3:1 core:2 pu:1", NULL);
	expect(&t, RD_PAIR_L3, 0, 1);
	expect(&t, RD_PAIR_REMOTE, 0, 2);
	expect(&t, RD_PAIR_PACKAGE, -1, -1);
	expect(&t, RD_PAIR_SMT, -1, -1);
	rd_topo_destroy(&t);
}

Test(topo, no_smt_no_shared_l2)
{
	struct rd_topo t;

	load(&t, "pack:1 l3:1 l2:4 core:1 pu:1", NULL);
	expect(&t, RD_PAIR_SMT, -1, -1);
	expect(&t, RD_PAIR_L2, -1, -1);
	expect(&t, RD_PAIR_L3, 0, 1);
	expect(&t, RD_PAIR_REMOTE, -1, -1);
	rd_topo_destroy(&t);
}

Test(topo, recorded_machine)
{
	struct rd_topo t;

	load(&t, NULL, RD_TEST_DATA "/epyc-2cpu.xml");
	cr_assert_eq(t.nr_pus, 2);
	expect(&t, RD_PAIR_SAME_CPU, 0, 0);
	expect(&t, RD_PAIR_L3, 0, 1);
	for (int c = RD_PAIR_SMT; c < RD_NR_PAIR_CLASSES; c++)
		if (c != RD_PAIR_L3)
			expect(&t, c, -1, -1);
	rd_topo_destroy(&t);
}

Test(topo, no_binding_on_a_foreign_topology)
{
	struct rd_topo t;
	char err[256];

	load(&t, "pack:2 core:2 pu:1", NULL);
	cr_assert_eq(rd_topo_bind_thread(&t, 0, err), -1);
	cr_assert(strstr(err, "not this machine"), "%s", err);
	cr_assert_null(rd_topo_alloc_near(&t, 0, 4096));
	rd_topo_destroy(&t);
}

Test(topo, class_names_round_trip)
{
	for (int c = 0; c < RD_NR_PAIR_CLASSES; c++)
		cr_assert_eq(rd_pair_class_parse(rd_pair_class_name(c)), c);
	cr_assert_eq(rd_pair_class_parse("numa"), -1);
}
