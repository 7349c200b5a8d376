// SPDX-License-Identifier: GPL-2.0
/*
 * rfc_fixed.c - the RFC ring with its two ordering gaps closed: release/
 * acquire on tail and head, and a full barrier ordering the head store before
 * the pending store.  The code is rfc.c's; the fix is its DAMON_RFC_FIXED
 * blocks, so the two never drift apart and the fix reads as a diff.
 */
#define DAMON_RFC_FIXED
#include "rfc.c"
