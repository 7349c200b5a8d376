// SPDX-License-Identifier: GPL-2.0
/* suites.c - the table of bench suites, in the order they run (suites.def). */
#include "harness.h"

const struct rd_suite *const rd_suites[] = {
#define RD_SUITE(name) &rd_suite_##name,
#include "suites.def"
#undef RD_SUITE
};

const unsigned int rd_nr_suites = sizeof(rd_suites) / sizeof(rd_suites[0]);
