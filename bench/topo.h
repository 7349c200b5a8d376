/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - the machine's CPU pair classes, from hwloc.
 *
 * A producer and a consumer that share less cache pay more per cache-line
 * transfer.  The classes, closest first:
 *
 *   same-cpu	one PU runs both (they time-share it)
 *   smt	two hardware threads of one core
 *   l2		two cores sharing an L2
 *   l3		two cores sharing an L3, not an L2
 *   node	two L3 domains in one NUMA node (e.g. two Zen CCDs)
 *   numa	two NUMA nodes of one package (e.g. AMD NPS2/NPS4, Intel SNC)
 *   remote	two packages (sockets)
 *
 * rd_topo_load() honours hwloc's own HWLOC_XMLFILE and HWLOC_SYNTHETIC
 * environment variables, so any machine's topology can be classified here;
 * binding and memory placement then refuse (it is not this system).
 */
#ifndef RINGDRAIN_TOPO_H
#define RINGDRAIN_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include <hwloc.h>

#include "ring/base.h"

enum rd_pair_class {
	RD_PAIR_SAME_CPU,
	RD_PAIR_SMT,
	RD_PAIR_L2,
	RD_PAIR_L3,
	RD_PAIR_NODE,
	RD_PAIR_NUMA,
	RD_PAIR_REMOTE,
	RD_NR_PAIR_CLASSES
};

struct rd_pair {
	bool present;
	unsigned int cpu[2];	/* OS indexes: producer, consumer */
};

struct rd_topo {
	hwloc_topology_t topo;
	bool thissystem;
	unsigned int nr_pus;
	struct rd_pair pairs[RD_NR_PAIR_CLASSES];
};

const char *rd_pair_class_name(enum rd_pair_class c);
const char *rd_pair_class_desc(enum rd_pair_class c);
int rd_pair_class_parse(const char *name);	/* -1 if unknown */

/* Load and classify; 0, or -errno with @err. */
int rd_topo_load(struct rd_topo *t, struct rd_err *err);
void rd_topo_destroy(struct rd_topo *t);

/* Class of the pair of PUs with OS indexes @a and @b. */
enum rd_pair_class rd_topo_classify(struct rd_topo *t, unsigned int a,
				    unsigned int b);

/* Bind the calling thread to PU @cpu (OS index); 0, or -errno with @err. */
int rd_topo_bind_thread(struct rd_topo *t, unsigned int cpu,
			struct rd_err *err);

/*
 * Memory bound to the NUMA node of PU @cpu, 64-byte aligned (page
 * aligned in fact); NULL on failure.  Free with rd_topo_free().
 */
void *rd_topo_alloc_near(struct rd_topo *t, unsigned int cpu, size_t bytes);
void rd_topo_free(struct rd_topo *t, void *p, size_t bytes);

/* One line per level, e.g. "1 package, 1 L3 (32MB), 2 L2, 2 cores, 2 PUs". */
void rd_topo_summary(struct rd_topo *t, char *buf, size_t len);

/*
 * rd_host_label() - "<cpu-short>-<hash6>", a label that tells machines apart:
 * @cpu_model shortened (lower case; vendor, "(R)", "(TM)", "Core", "CPU",
 * "Processor", "N-Core", clock and graphics words dropped; the rest joined
 * with '-', at most 24 characters) and the first 6 hex digits of the 64-bit
 * FNV-1a hash of @cpu_model, @nr_pus and @summary (rd_topo_summary()), the
 * machine description.  E.g. "epyc-9b14-3fa2c1".
 */
void rd_host_label(const char *cpu_model, unsigned int nr_pus,
		   const char *summary, char *out, size_t len);

#endif /* RINGDRAIN_TOPO_H */
