// SPDX-License-Identifier: GPL-2.0
/* suites.c - the table of bench suites, in the order they run. */
#include "harness.h"

extern const struct rd_suite rd_suite_producer, rd_suite_stream,
	rd_suite_peers, rd_suite_drain, rd_suite_tick;

const struct rd_suite *const rd_suites[] = {
	&rd_suite_producer,
	&rd_suite_stream,
	&rd_suite_peers,
	&rd_suite_drain,
	&rd_suite_tick,
};

const unsigned int rd_nr_suites = sizeof(rd_suites) / sizeof(rd_suites[0]);
