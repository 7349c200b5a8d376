// SPDX-License-Identifier: GPL-2.0
/*
 * stress_main.c - main() of the test builds of ringdrain stress (hooks,
 * ASan+UBSan, TSan): the same command over another ring library variant,
 * "ringdrain-stress-VARIANT ARGS" being "ringdrain stress ARGS".
 */
#include "cli/cli.h"

extern const struct rd_command rd_cmd_stress;

int main(int argc, char **argv)
{
	argv[0] = (char *)rd_cmd_stress.name;
	return rd_cmd_stress.run(argc, argv);
}
