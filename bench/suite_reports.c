// SPDX-License-Identifier: GPL-2.0
/*
 * suite_reports.c - the table of the suites' reports, in the order of
 * suites.def, for the report frame (report.c).  It is apart from suites.c
 * so that the report links without the suites' benchmark code.
 */
#include "report.h"

#define RD_SUITE(name) extern const struct rd_suite_report rd_report_##name;
#include "suites.def"
#undef RD_SUITE

const struct rd_suite_report *const rd_suite_reports[] = {
#define RD_SUITE(name) &rd_report_##name,
#include "suites.def"
#undef RD_SUITE
};

const unsigned int rd_nr_suite_reports =
	sizeof(rd_suite_reports) / sizeof(rd_suite_reports[0]);
