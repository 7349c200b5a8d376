// SPDX-License-Identifier: GPL-2.0
/*
 * check_perf.c - ringdrain stress --mode perf works here: real cpu-clock
 * overflow signals drive the handler, every sample names the producer
 * thread, and every record is accounted for.  Exits 3 (CTest: skipped,
 * shown as such) when the command says perf events are not permitted.
 */
#include "summary.h"

#ifndef RD_BIN
#error "RD_BIN must name the ringdrain binary"
#endif

static int check(const char *design, const char *record)
{
	struct rd_proc r;
	json_error_t jerr;
	json_t *o;
	int bad = 0;

	rd_proc_run(&r, NULL, RD_BIN,
		"stress --design %s --mode perf --seconds 1 --record %s --json",
		design, record);
	if (r.status == 3) {
		printf("SKIP: %s", r.err);
		rd_proc_free(&r);
		return 3;
	}
	o = r.status == 0 ? json_loads(r.out, 0, &jerr) : NULL;
	if (!o) {
		printf("FAIL: %s exited %d:\n%s%s", r.cmd, r.status, r.out,
		       r.err);
		rd_proc_free(&r);
		return 1;
	}
#define EXPECT(cond) do {						\
		if (!(cond)) {						\
			printf("FAIL: %s: %s\n", r.cmd, #cond);		\
			bad = 1;					\
		}							\
	} while (0)
	EXPECT(json_is_true(json_object_get(o, "clean")));
	EXPECT(rs_num(o, "perf_samples") > 1000);
	EXPECT(rs_num(o, "perf_foreign") == 0);
	EXPECT(rs_num(o, "signals") > 1000);
	EXPECT(rs_level(o, 1, "produced") == rs_num(o, "produced"));
	EXPECT(rs_num(o, "produced") == rs_num(o, "consumed") +
	       rs_num(o, "dropped_full") + rs_num(o, "dropped_nested"));
#undef EXPECT
	printf("%s %s/%s: %llu perf samples, %llu signals, %llu records consumed\n",
	       bad ? "FAIL" : "ok", design, record, rs_num(o, "perf_samples"),
	       rs_num(o, "signals"), rs_num(o, "consumed"));
	json_decref(o);
	rd_proc_free(&r);
	return bad;
}

int main(void)
{
	static const char *const designs[] = { "rfc", "perfnest", "seqslot",
					       "ctxsplit", "ck", "bpfrb",
					       "llist" };
	int rc = 0;

	for (unsigned int i = 0; i < RS_ARRAY_SIZE(designs); i++) {
		int one = check(designs[i], i % 2 ? "32" : "48");

		if (one == 3)
			return 3;
		rc |= one;
	}
	return rc;
}
