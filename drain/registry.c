// SPDX-License-Identifier: GPL-2.0
/* registry.c - the table of lookup strategies and zero-access policies. */
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define DRAIN_STRATEGY(id) extern const struct drain_strategy drain_strategy_##id;
#include "strategies.def"
#undef DRAIN_STRATEGY

const struct drain_strategy *const drain_strategies[] = {
#define DRAIN_STRATEGY(id) &drain_strategy_##id,
#include "strategies.def"
#undef DRAIN_STRATEGY
};

const unsigned int drain_nr_strategies = ARRAY_SIZE(drain_strategies);

const struct drain_strategy *drain_strategy_lookup(const char *name,
						  struct rd_err *e)
{
	_Static_assert(offsetof(struct drain_strategy, name) == 0,
		       "rd_table_find() needs the name first");
	return rd_table_find((const void *const *)drain_strategies,
			     drain_nr_strategies, "strategy", name, e);
}

const struct drain_strategy *drain_strategy_find(const char *name)
{
	return drain_strategy_lookup(name, NULL);
}

static const struct {
	const char *name;
	const char *summary;
} zero_policies[DRAIN_NR_ZERO_POLICIES] = {
	[DRAIN_ZERO_EAGER] = {
		"eager",
		"the RFC: every region not credited takes a no-access step every tick",
	},
	[DRAIN_ZERO_LAZY] = {
		"lazy",
		"fold a region's idle ticks into one step at its next credit or the aggregation boundary (bit-identical)",
	},
};

const char *drain_zero_policy_name(enum drain_zero_policy p)
{
	return (unsigned int)p < DRAIN_NR_ZERO_POLICIES ?
		zero_policies[p].name : "?";
}

const char *drain_zero_policy_summary(enum drain_zero_policy p)
{
	return (unsigned int)p < DRAIN_NR_ZERO_POLICIES ?
		zero_policies[p].summary : "?";
}

int drain_zero_policy_find(const char *name)
{
	for (int i = 0; i < DRAIN_NR_ZERO_POLICIES; i++)
		if (strcmp(zero_policies[i].name, name) == 0)
			return i;
	return -ENOENT;
}

enum drain_zero_policy drain_zero_policy_default(const struct drain_strategy *s)
{
	return !strcmp(s->name, "list") || !strcmp(s->name, "rfc") ?
		DRAIN_ZERO_EAGER : DRAIN_ZERO_LAZY;
}
