// SPDX-License-Identifier: GPL-2.0
/*
 * cachesim_main.c - ringdrain-cachesim: the producer suite's NMI workload
 * for callgrind's cache simulation.  `ringdrain bench` runs it under
 * valgrind (see cachesim.h); it is not meant to be run by hand.
 */
#include "harness.h"

int main(int argc, char **argv)
{
	return rd_producer_sim_main(argc, argv);
}
