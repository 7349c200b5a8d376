// SPDX-License-Identifier: GPL-2.0
/* main.c - ringdrain <command>: dispatch and top-level help. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: ringdrain <command> [options]\n\n"
		"Per-CPU report rings and the kdamond drain for DAMON's\n"
		"hardware-sampled access reports: built, proven and measured.\n\n"
		"commands:\n");
	for (unsigned int i = 0; i < rd_nr_commands; i++)
		fprintf(f, "  %-10s %s\n", rd_commands[i]->name,
			rd_commands[i]->summary);
	fprintf(f, "\n'ringdrain <command> --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2)
		rd_usage_error(NULL, "no command given (usage: ringdrain <command>; try 'ringdrain --help')");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_usage(stdout);
		return 0;
	}
	for (unsigned int i = 0; i < rd_nr_commands; i++)
		if (strcmp(argv[1], rd_commands[i]->name) == 0)
			return rd_commands[i]->run(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		rd_usage_error(NULL, "unknown option '%s' (try 'ringdrain --help')",
			       argv[1]);
	rd_usage_error(NULL, "unknown command '%s' (try 'ringdrain --help')",
		       argv[1]);
}
