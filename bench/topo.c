// SPDX-License-Identifier: GPL-2.0
/* topo.c - CPU pair classes from hwloc (see topo.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

static const char *const class_names[RD_NR_PAIR_CLASSES] = {
	"same-cpu", "smt", "l2", "l3", "node", "numa", "remote",
};

static const char *const class_descs[RD_NR_PAIR_CLASSES] = {
	"same CPU (producer and consumer time-share one PU)",
	"SMT siblings (two hardware threads of one core)",
	"shared L2 (two cores under one L2)",
	"shared L3 (two cores under one L3, different L2)",
	"different L3 in one NUMA node",
	"different NUMA node in one package",
	"different package (socket)",
};

const char *rd_pair_class_name(enum rd_pair_class c)
{
	return c < RD_NR_PAIR_CLASSES ? class_names[c] : "?";
}

const char *rd_pair_class_desc(enum rd_pair_class c)
{
	return c < RD_NR_PAIR_CLASSES ? class_descs[c] : "?";
}

int rd_pair_class_parse(const char *name)
{
	for (int c = 0; c < RD_NR_PAIR_CLASSES; c++)
		if (strcmp(name, class_names[c]) == 0)
			return c;
	return -1;
}

static hwloc_obj_t pu_by_os(struct rd_topo *t, unsigned int cpu)
{
	return hwloc_get_pu_obj_by_os_index(t->topo, cpu);
}

static hwloc_obj_t ancestor(struct rd_topo *t, hwloc_obj_t o,
			    hwloc_obj_type_t type)
{
	return hwloc_get_ancestor_obj_by_type(t->topo, type, o);
}

static bool shared(struct rd_topo *t, hwloc_obj_t a, hwloc_obj_t b,
		   hwloc_obj_type_t type)
{
	hwloc_obj_t x = ancestor(t, a, type), y = ancestor(t, b, type);

	return x && x == y;
}

enum rd_pair_class rd_topo_classify(struct rd_topo *t, unsigned int a,
				    unsigned int b)
{
	hwloc_obj_t pa = pu_by_os(t, a), pb = pu_by_os(t, b);

	if (a == b)
		return RD_PAIR_SAME_CPU;
	if (shared(t, pa, pb, HWLOC_OBJ_CORE))
		return RD_PAIR_SMT;
	if (shared(t, pa, pb, HWLOC_OBJ_L2CACHE))
		return RD_PAIR_L2;
	if (shared(t, pa, pb, HWLOC_OBJ_L3CACHE))
		return RD_PAIR_L3;
	/* No package object at all (some synthetic topologies): one package. */
	if (ancestor(t, pa, HWLOC_OBJ_PACKAGE) !=
	    ancestor(t, pb, HWLOC_OBJ_PACKAGE))
		return RD_PAIR_REMOTE;
	if (!hwloc_bitmap_isequal(pa->nodeset, pb->nodeset))
		return RD_PAIR_NUMA;
	return RD_PAIR_NODE;
}

int rd_topo_load(struct rd_topo *t, struct rd_err *err)
{
	hwloc_obj_t first;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&t->topo) ||
	    hwloc_topology_load(t->topo)) {
		return rd_errf(err, EIO, "hwloc cannot load the topology%s",
			       getenv("HWLOC_XMLFILE") ? " from HWLOC_XMLFILE" :
			       getenv("HWLOC_SYNTHETIC") ? " from HWLOC_SYNTHETIC" :
			       "");
	}
	t->thissystem = hwloc_topology_is_thissystem(t->topo);
	t->nr_pus = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PU);
	first = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PU, 0);
	if (!first) {
		return rd_errf(err, EINVAL, "the topology has no processing unit");
	}
	/*
	 * The closest pair of each class, preferring the lowest PUs: the
	 * producer on the first PU that has a partner of that class.
	 */
	for (unsigned int i = 0; i < t->nr_pus; i++) {
		hwloc_obj_t pa = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PU, i);

		for (unsigned int j = 0; j < t->nr_pus; j++) {
			hwloc_obj_t pb = hwloc_get_obj_by_type(t->topo,
							       HWLOC_OBJ_PU, j);
			enum rd_pair_class c = rd_topo_classify(t, pa->os_index,
								pb->os_index);

			if (t->pairs[c].present)
				continue;
			t->pairs[c].present = true;
			t->pairs[c].cpu[0] = pa->os_index;
			t->pairs[c].cpu[1] = pb->os_index;
		}
	}
	return 0;
}

void rd_topo_destroy(struct rd_topo *t)
{
	if (t->topo)
		hwloc_topology_destroy(t->topo);
	memset(t, 0, sizeof(*t));
}

int rd_topo_bind_thread(struct rd_topo *t, unsigned int cpu,
			struct rd_err *err)
{
	hwloc_obj_t pu = pu_by_os(t, cpu);

	if (!t->thissystem) {
		return rd_errf(err, EINVAL, "the topology is not this machine's (HWLOC_XMLFILE or HWLOC_SYNTHETIC is set): cannot bind");
	}
	if (!pu) {
		return rd_errf(err, EINVAL, "no CPU %u in this topology", cpu);
	}
	if (hwloc_set_cpubind(t->topo, pu->cpuset, HWLOC_CPUBIND_THREAD |
			      HWLOC_CPUBIND_STRICT)) {
		return rd_errf(err, errno, "cannot bind a thread to CPU %u: %s",
			       cpu, strerror(errno));
	}
	return 0;
}

void *rd_topo_alloc_near(struct rd_topo *t, unsigned int cpu, size_t bytes)
{
	hwloc_obj_t pu = pu_by_os(t, cpu);
	void *p;

	if (!pu || !t->thissystem)
		return NULL;
	p = hwloc_alloc_membind(t->topo, bytes, pu->nodeset, HWLOC_MEMBIND_BIND,
				HWLOC_MEMBIND_BYNODESET);
	if (!p)	/* no NUMA binding support: still page-aligned memory */
		p = hwloc_alloc(t->topo, bytes);
	return p;
}

void rd_topo_free(struct rd_topo *t, void *p, size_t bytes)
{
	if (p)
		hwloc_free(t->topo, p, bytes);
}

void rd_topo_summary(struct rd_topo *t, char *buf, size_t len)
{
	static const struct {
		hwloc_obj_type_t type;
		const char *name;
	} levels[] = {
		{ HWLOC_OBJ_PACKAGE, "package" },
		{ HWLOC_OBJ_NUMANODE, "NUMA node" },
		{ HWLOC_OBJ_L3CACHE, "L3" },
		{ HWLOC_OBJ_L2CACHE, "L2" },
		{ HWLOC_OBJ_CORE, "core" },
		{ HWLOC_OBJ_PU, "PU" },
	};
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		int n = hwloc_get_nbobjs_by_type(t->topo, levels[i].type);
		hwloc_obj_t o = hwloc_get_obj_by_type(t->topo, levels[i].type, 0);
		char extra[32] = "";

		if (n <= 0)
			continue;
		if (o && hwloc_obj_type_is_cache(levels[i].type))
			snprintf(extra, sizeof(extra), " (%llu KiB)",
				 (unsigned long long)o->attr->cache.size / 1024);
		off += snprintf(buf + off, off < len ? len - off : 0,
				"%s%d %s%s%s", off ? ", " : "", n,
				levels[i].name, n > 1 ? "s" : "", extra);
	}
}

/* Words of a CPU model name that do not tell models apart. */
static bool noise_word(const char *w)
{
	static const char *const noise[] = {
		"amd", "intel", "cpu", "processor", "with", "radeon", "graphics",
		"genuine", "core", "(r)", "(tm)",
	};
	size_t n = strlen(w);

	for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (!strcmp(w, noise[i]))
			return true;
	/* "16-core", "96-core", "@", "2.60ghz" */
	return (n > 5 && !strcmp(w + n - 5, "-core")) || !strcmp(w, "@") ||
	       (n > 3 && !strcmp(w + n - 3, "ghz"));
}

void rd_host_label(const char *cpu_model, unsigned int nr_pus,
		   const char *summary, char *out, size_t len)
{
	char buf[256], cpu[25] = "", *save, *w;
	unsigned long long h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	char pus[16];
	size_t o = 0;

	snprintf(pus, sizeof(pus), "\n%u\n", nr_pus);
	for (const char *parts[] = { cpu_model, pus, summary }, **p = parts;
	     p < parts + 3; p++)
		for (const unsigned char *c = (const unsigned char *)*p; *c; c++) {
			h ^= *c;
			h *= 0x100000001b3ULL;
		}
	snprintf(buf, sizeof(buf), "%s", cpu_model);
	for (char *c = buf; *c; c++) {
		*c = tolower((unsigned char)*c);
		/* "Intel(R)" -> "intel (r)": the mark is its own word */
		if (*c == '(' && c > buf && c[-1] != ' ' && strchr(c, ')'))
			memmove(c + 1, c, strlen(c) + 1), *c++ = ' ';
	}
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char clean[64];
		size_t k = 0;

		if (noise_word(w))
			continue;
		for (char *c = w; *c && k + 1 < sizeof(clean); c++)
			if (isalnum((unsigned char)*c) || (*c == '-' && k))
				clean[k++] = *c;
		while (k && clean[k - 1] == '-')
			k--;
		clean[k] = 0;
		if (!k || o + (o ? 1 : 0) + k >= sizeof(cpu))
			continue;
		o += snprintf(cpu + o, sizeof(cpu) - o, "%s%s", o ? "-" : "",
			      clean);
	}
	snprintf(out, len, "%s-%06llx", o ? cpu : "cpu", h >> 40);
}
