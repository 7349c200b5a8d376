// SPDX-License-Identifier: GPL-2.0
/* cmd_test.c - ringdrain test: every test, through CTest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef RD_BUILD_DIR
#error "RD_BUILD_DIR must name the CMake build directory"
#endif

static const struct rd_command *self;

static int run(int argc, char **argv)
{
	const char *regex = NULL, *exclude = NULL;
	bool list = false;
	struct rd_opt opts[] = {
		{ .name = "only", .type = RD_OPT_STR, .dst = &regex,
		  .metavar = "REGEX",
		  .help = "run only the tests whose name matches REGEX" },
		{ .name = "exclude", .type = RD_OPT_STR, .dst = &exclude,
		  .metavar = "REGEX",
		  .help = "skip the tests whose name matches REGEX" },
		{ .name = "list", .type = RD_OPT_FLAG, .dst = &list,
		  .help = "list the tests, run none" },
		{ 0 },
	};
	char *args[16];
	int n = 0;

	rd_parse_cmdline(self, opts, argc, argv, 0, 0, NULL);

	args[n++] = "ctest";
	args[n++] = "--test-dir";
	args[n++] = RD_BUILD_DIR;
	args[n++] = "--output-on-failure";
	if (list)
		args[n++] = "-N";
	if (regex) {
		args[n++] = "-R";
		args[n++] = (char *)regex;
	}
	if (exclude) {
		args[n++] = "-E";
		args[n++] = (char *)exclude;
	}
	args[n] = NULL;
	fflush(stdout);
	execvp("ctest", args);
	fprintf(stderr, "ringdrain test: cannot run ctest: %m\n");
	return 1;
}

const struct rd_command rd_cmd_test = {
	.name = "test",
	.synopsis = "[--only REGEX] [--exclude REGEX] [--list]",
	.summary = "run every test (unit, nesting, sanitizers) through CTest",
	.description = "Runs the CTest suite of this build. The last lines are CTest's summary.\n"
		       "Use ./ringdrain test from the source tree: it builds first.",
	.run = run,
};
static const struct rd_command *self = &rd_cmd_test;
