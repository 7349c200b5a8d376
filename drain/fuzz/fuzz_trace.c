// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_trace.c - the trace reader: any bytes either parse into records that
 * keep the documented rules, or fail with one "NAME:LINE: ..." line.  A
 * parsed trace's even split must build a context.
 */
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct drain_trace_opts o = { .sample = 1, .lackey_tgid = 1,
				      .max_records = 4096 };
	struct rd_err err = { 0 };
	struct drain_layout l;
	struct drain_trace t;
	struct damon_ctx *ctx;

	if (size && data[0] < 8)	/* a first byte below 8 picks --sample */
		o.sample = 1 + data[0];
	if (drain_trace_parse((const char *)data, size, "f.trace", &o, &t,
			      &err)) {
		if (strncmp(err.msg, "f.trace:", 8) || strchr(err.msg, '\n'))
			abort();
		drain_trace_free(&t);
		return 0;
	}
	if (!t.n || t.n > t.accesses || t.nr_cpus > DRAIN_MAX_CPUS)
		abort();
	for (size_t i = 0; i < t.n; i++)
		if (!t.recs[i].size || t.recs[i].cpu >= t.nr_cpus ||
		    t.recs[i].tgid < 0 || t.recs[i].tgid > DRAIN_PID_MAX)
			abort();
	if (!drain_layout_split_span(&l, &t, 1 + t.n % 64, t.recs[0].tgid == 0,
				     &err)) {
		ctx = drain_ctx_from_layout(&l, NULL, 1, &err);
		if (!ctx)
			abort();	/* a split layout is always valid */
		drain_ctx_free(ctx);
		drain_layout_free(&l);
	}
	drain_trace_free(&t);
	return 0;
}
