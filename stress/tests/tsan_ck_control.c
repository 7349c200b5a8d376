// SPDX-License-Identifier: GPL-2.0
/*
 * tsan_ck_control.c - the control for ck under ThreadSanitizer.
 *
 * ring/ck.c tells TSan what ck_pr's invisible inline assembly orders (an
 * acquire after each index load, a release before each index store).  A
 * check that cannot fail proves nothing, so this program runs one ck ring
 * with a producer and a consumer thread and is built twice: as ck.c is,
 * where TSan must stay silent, and with RD_CK_TSAN_NO_ACQUIRE, which drops
 * the acquire after each index load, where TSan must report the slot race.
 */
#include <pthread.h>
#include <stdlib.h>

#include "ring/ck.c"

unsigned long jiffies;
__thread unsigned int rd_ctx_depth;

#define CONTROL_RECORDS	200000

static void *control_ring;
static int control_done;

static void *control_producer(void *arg)
{
	struct damon_access_report r = { .size = 4096 };

	for (unsigned long i = 0; i < CONTROL_RECORDS; i++) {
		r.paddr = i << 12;
		while (!rd_design_ck.produce(control_ring, &r))
			;
	}
	/* Release: the consumer's last pass sees every record. */
	__atomic_store_n(&control_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	struct damon_access_report out[64];
	unsigned long taken = 0;
	pthread_t producer;
	int done;

	control_ring = aligned_alloc(64, rd_design_ck.size(64, 48));
	rd_design_ck.init(control_ring, 64, 48, 0);
	pthread_create(&producer, NULL, control_producer, NULL);
	do {
		/* Acquire: pairs with the producer's release of done. */
		done = __atomic_load_n(&control_done, __ATOMIC_ACQUIRE);
		unsigned int n;

		while ((n = rd_design_ck.consume(control_ring, out, 64)))
			taken += n;
	} while (!done);
	pthread_join(producer, NULL);
	free(control_ring);
	return taken == CONTROL_RECORDS ? 0 : 1;
}
