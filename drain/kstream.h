/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstream.h - replay a kernel drain stream: the reports a kdamond drained
 * in the 6.12 guest, tick by tick, with the region changes between ticks
 * (kcheck's drain module writes it; format in drain/kstream.c).
 */
#ifndef RINGDRAIN_KSTREAM_H
#define RINGDRAIN_KSTREAM_H

#include <stdio.h>

#include "drain.h"

/**
 * drain_kstream_replay() - replay the stream in @path through @strategy
 * (NULL or "all": every strategy, which must agree), eager zero-access
 * policy, and write the final regions to @dump (drain_ctx_dump()'s format).
 * @out:	a line per strategy and the verdict go here.
 * @err:	why it failed: one line naming the stream and line.
 *
 * Return: 0 when every strategy ended in the same state, 1 when they
 * differ, a negative errno with @err filled on bad input or an I/O
 * error.
 */
int drain_kstream_replay(const char *path, const char *strategy,
			 const char *dump, FILE *out, struct rd_err *err);

#endif /* RINGDRAIN_KSTREAM_H */
