// SPDX-License-Identifier: GPL-2.0
/*
 * bad_producer.c - a design whose producer is NOT async-signal-safe, the
 * control for check_producer_symbols.sh: it must be caught.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ring/ring.h"

static bool bad_produce(void *ring, const struct damon_access_report *r)
{
	void *copy = malloc(sizeof(*r));	/* an allocator: not AS-safe */

	printf("produce %lu\n", r->paddr);	/* stdio: not AS-safe */
	free(copy);
	return copy != NULL;
}

const struct rd_ring_design rd_design_bad = {
	.name = "bad",
	.produce = bad_produce,
};
