// SPDX-License-Identifier: GPL-2.0
/*
 * test_topo.c - pair classification on synthetic and recorded topologies
 * (hwloc's HWLOC_SYNTHETIC and HWLOC_XMLFILE), and the refusal to bind on
 * a topology that is not this machine.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bench/topo.h"

#ifndef RD_TEST_DATA
#error "RD_TEST_DATA must name bench/tests/data"
#endif

static void load(struct rd_topo *t, const char *synthetic, const char *xml)
{
	struct rd_err err = { 0 };

	unsetenv("HWLOC_SYNTHETIC");
	unsetenv("HWLOC_XMLFILE");
	if (synthetic)
		setenv("HWLOC_SYNTHETIC", synthetic, 1);
	if (xml)
		setenv("HWLOC_XMLFILE", xml, 1);
	cr_assert_eq(rd_topo_load(t, &err), 0, "%s", err.msg);
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
	expect(&t, RD_PAIR_NODE, 0, 8);
	expect(&t, RD_PAIR_NUMA, -1, -1);
	expect(&t, RD_PAIR_REMOTE, 0, 16);
	cr_assert_eq(rd_topo_classify(&t, 17, 30), RD_PAIR_NODE);
	cr_assert_eq(rd_topo_classify(&t, 31, 30), RD_PAIR_SMT);
	cr_assert_eq(rd_topo_classify(&t, 15, 16), RD_PAIR_REMOTE);
	rd_topo_destroy(&t);
}

Test(topo, numa_nodes_in_one_package_are_numa_not_remote)
{
	struct rd_topo t;

	load(&t, "pack:1 numa:2 l3:1 core:2 pu:1", NULL);
	expect(&t, RD_PAIR_L3, 0, 1);
	expect(&t, RD_PAIR_NUMA, 0, 2);
	expect(&t, RD_PAIR_REMOTE, -1, -1);
	expect(&t, RD_PAIR_NODE, -1, -1);
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
	struct rd_err err = { 0 };

	load(&t, "pack:2 core:2 pu:1", NULL);
	cr_assert_lt(rd_topo_bind_thread(&t, 0, &err), 0);
	cr_assert(strstr(err.msg, "not this machine"), "%s", err.msg);
	cr_assert_null(rd_topo_alloc_near(&t, 0, 4096));
	rd_topo_destroy(&t);
}

Test(topo, class_names_round_trip)
{
	for (int c = 0; c < RD_NR_PAIR_CLASSES; c++)
		cr_assert_eq(rd_pair_class_parse(rd_pair_class_name(c)), c);
	cr_assert_eq(rd_pair_class_parse("package"), -1);
}

/*
 * What a pair of PUs shares, read from hwloc's tree directly (not through
 * rd_topo_classify()): the deepest common object's kind.
 */
static void check_pair_is_real(struct rd_topo *t, enum rd_pair_class c)
{
	hwloc_obj_t a, b;
	hwloc_obj_t core_a, core_b, l2a, l2b, l3a, l3b, pka, pkb;

	if (!t->pairs[c].present || c == RD_PAIR_SAME_CPU)
		return;
	a = hwloc_get_pu_obj_by_os_index(t->topo, t->pairs[c].cpu[0]);
	b = hwloc_get_pu_obj_by_os_index(t->topo, t->pairs[c].cpu[1]);
	cr_assert(a && b && a != b, "%s: pair %u,%u is not two PUs of this machine",
		  rd_pair_class_name(c), t->pairs[c].cpu[0], t->pairs[c].cpu[1]);
	core_a = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_CORE, a);
	core_b = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_CORE, b);
	l2a = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_L2CACHE, a);
	l2b = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_L2CACHE, b);
	l3a = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_L3CACHE, a);
	l3b = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_L3CACHE, b);
	pka = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_PACKAGE, a);
	pkb = hwloc_get_ancestor_obj_by_type(t->topo, HWLOC_OBJ_PACKAGE, b);
	switch (c) {
	case RD_PAIR_SMT:
		cr_assert(core_a && core_a == core_b);
		break;
	case RD_PAIR_L2:
		cr_assert(core_a != core_b && l2a && l2a == l2b);
		break;
	case RD_PAIR_L3:
		cr_assert(l2a != l2b && l3a && l3a == l3b);
		break;
	case RD_PAIR_NODE:
		cr_assert(l3a != l3b && pka == pkb &&
			  hwloc_bitmap_isequal(a->nodeset, b->nodeset));
		break;
	case RD_PAIR_NUMA:
		cr_assert(l3a != l3b && pka == pkb &&
			  !hwloc_bitmap_intersects(a->nodeset, b->nodeset));
		break;
	case RD_PAIR_REMOTE:
		cr_assert(pka && pkb && pka != pkb);
		break;
	default:
		break;
	}
}

static void check_classes(struct rd_topo *t, const bool want[RD_NR_PAIR_CLASSES])
{
	for (int c = 0; c < RD_NR_PAIR_CLASSES; c++) {
		cr_assert_eq(t->pairs[c].present, want[c], "class %s %s",
			     rd_pair_class_name(c),
			     want[c] ? "missing" : "should be absent");
		check_pair_is_real(t, c);
	}
}

/* AMD Genoa, 2 sockets in NPS4: 2 packages x 4 NUMA nodes x 3 CCX L3s. */
Test(topo, two_socket_genoa_nps4)
{
	static const bool want[RD_NR_PAIR_CLASSES] = {
		[RD_PAIR_SAME_CPU] = 1, [RD_PAIR_SMT] = 1, [RD_PAIR_L3] = 1,
		[RD_PAIR_NODE] = 1, [RD_PAIR_NUMA] = 1, [RD_PAIR_REMOTE] = 1,
	};
	struct rd_topo t;

	load(&t, NULL, RD_TEST_DATA "/genoa-2s-nps4.xml");
	cr_assert_eq(t.nr_pus, 384);
	cr_assert_eq(hwloc_get_nbobjs_by_type(t.topo, HWLOC_OBJ_NUMANODE), 8);
	check_classes(&t, want);
	expect(&t, RD_PAIR_SMT, 0, 1);
	expect(&t, RD_PAIR_L3, 0, 2);
	expect(&t, RD_PAIR_NODE, 0, 16);	/* the next CCX of node 0 */
	expect(&t, RD_PAIR_NUMA, 0, 48);	/* node 1, same socket */
	expect(&t, RD_PAIR_REMOTE, 0, 192);	/* the other socket */
	/* the last CCX of socket 0 and the first of socket 1 */
	cr_assert_eq(rd_topo_classify(&t, 191, 192), RD_PAIR_REMOTE);
	cr_assert_eq(rd_topo_classify(&t, 47, 48), RD_PAIR_NUMA);
	cr_assert_eq(rd_topo_classify(&t, 200, 230), RD_PAIR_NODE);
	rd_topo_destroy(&t);
}

/* One socket, one L3, 8 SMT cores with private L2s. */
Test(topo, one_socket_one_l3)
{
	static const bool want[RD_NR_PAIR_CLASSES] = {
		[RD_PAIR_SAME_CPU] = 1, [RD_PAIR_SMT] = 1, [RD_PAIR_L3] = 1,
	};
	struct rd_topo t;

	load(&t, NULL, RD_TEST_DATA "/one-l3-8c.xml");
	cr_assert_eq(t.nr_pus, 16);
	check_classes(&t, want);
	expect(&t, RD_PAIR_SMT, 0, 1);
	expect(&t, RD_PAIR_L3, 0, 2);
	rd_topo_destroy(&t);
}

/* A many-CCX desktop: one package, one NUMA node, 8 L3s of 8 cores. */
Test(topo, many_ccx_desktop)
{
	static const bool want[RD_NR_PAIR_CLASSES] = {
		[RD_PAIR_SAME_CPU] = 1, [RD_PAIR_SMT] = 1, [RD_PAIR_L3] = 1,
		[RD_PAIR_NODE] = 1,
	};
	struct rd_topo t;

	load(&t, NULL, RD_TEST_DATA "/desktop-8ccx.xml");
	cr_assert_eq(t.nr_pus, 128);
	cr_assert_eq(hwloc_get_nbobjs_by_type(t.topo, HWLOC_OBJ_L3CACHE), 8);
	check_classes(&t, want);
	expect(&t, RD_PAIR_NODE, 0, 16);
	cr_assert_eq(rd_topo_classify(&t, 15, 127), RD_PAIR_NODE);
	rd_topo_destroy(&t);
}

static void label(const char *model, unsigned int pus, const char *summary,
		  char *out)
{
	rd_host_label(model, pus, summary, out, 64);
}

Test(topo, host_label_tells_machines_apart)
{
	char a[64], b[64], c[64], d[64], e[64];

	label("AMD EPYC 9B14 96-Core Processor", 2, "1 package, 2 PUs", a);
	cr_assert_eq(strncmp(a, "epyc-9b14-", 10), 0, "%s", a);
	cr_assert_eq(strlen(a), 16, "%s", a);
	label("Intel(R) Xeon(R) Platinum 8480+", 224, "2 packages", b);
	cr_assert_eq(strncmp(b, "xeon-platinum-8480-", 19), 0, "%s", b);
	label("AMD Ryzen 9 7950X 16-Core Processor", 32, "1 package", c);
	cr_assert_eq(strncmp(c, "ryzen-9-7950x-", 14), 0, "%s", c);
	label("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", 12, "1 package", d);
	cr_assert_eq(strncmp(d, "i7-8700-", 8), 0, "%s", d);
	/* same CPU model, another machine description: another hash */
	label("AMD EPYC 9B14 96-Core Processor", 4, "1 package, 4 PUs", e);
	cr_assert_eq(strncmp(e, "epyc-9b14-", 10), 0, "%s", e);
	cr_assert_str_neq(a, e);
	/* and the same description, the same label */
	label("AMD EPYC 9B14 96-Core Processor", 2, "1 package, 2 PUs", e);
	cr_assert_str_eq(a, e);
	label("", 1, "", e);
	cr_assert_eq(strncmp(e, "cpu-", 4), 0, "%s", e);
}
