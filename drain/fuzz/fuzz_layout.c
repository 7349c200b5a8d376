// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_layout.c - the layout reader: any bytes either parse into a layout
 * that builds a context (grouped targets, sorted disjoint regions), or fail
 * with one "NAME:LINE: ..." line.
 */
#include <stdlib.h>
#include <string.h>

#include "drain/drain.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rd_err err = { 0 };
	struct drain_layout l;
	struct damon_ctx *ctx;

	if (drain_layout_parse((const char *)data, size, "f.layout", &l, &err)) {
		if (strncmp(err.msg, "f.layout:", 9) || strchr(err.msg, '\n'))
			abort();
		drain_layout_free(&l);
		return 0;
	}
	if (!l.n)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		if (l.e[i].start >= l.e[i].end || (l.e[i].tgid == 0) != l.physical)
			abort();
		if (i && l.e[i].tgid == l.e[i - 1].tgid &&
		    !l.e[i].new_target && l.e[i].start < l.e[i - 1].end)
			abort();
	}
	ctx = drain_ctx_from_layout(&l, NULL, 1, &err);
	if (!ctx || drain_ctx_nr_regions(ctx) != l.n)
		abort();
	drain_ctx_free(ctx);
	drain_layout_free(&l);
	return 0;
}
