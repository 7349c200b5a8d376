// SPDX-License-Identifier: GPL-2.0
/* commands.c - the table of ringdrain commands, one line each. */
#include "cli.h"

extern const struct rd_command rd_cmd_list;
extern const struct rd_command rd_cmd_test;
extern const struct rd_command rd_cmd_stress;
extern const struct rd_command rd_cmd_replay;
extern const struct rd_command rd_cmd_bench;
extern const struct rd_command rd_cmd_topo;
extern const struct rd_command rd_cmd_report;
extern const struct rd_command rd_cmd_export;
extern const struct rd_command rd_cmd_kcheck;

const struct rd_command *const rd_commands[] = {
	&rd_cmd_bench,
	&rd_cmd_test,
	&rd_cmd_stress,
	&rd_cmd_replay,
	&rd_cmd_list,
	&rd_cmd_topo,
	&rd_cmd_report,
	&rd_cmd_export,
	&rd_cmd_kcheck,
};

const unsigned int rd_nr_commands = sizeof(rd_commands) / sizeof(rd_commands[0]);
