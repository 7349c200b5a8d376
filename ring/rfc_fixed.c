// SPDX-License-Identifier: GPL-2.0
/*
 * rfc_fixed.c - the RFC ring with its two ordering gaps closed by the least
 * ordering that does it: release on kdamond's tail store (the producer's
 * control dependency is its partner), release on the producer's head and
 * pending stores, and kdamond clearing pending with xchg() before it reads
 * head.  No full barrier on the NMI path.  The code is rfc.c's; the fix is
 * its DAMON_RFC_FIXED blocks, so the two never drift apart and the fix reads
 * as a diff (the argument is in rfc.c's file comment).
 */
#define DAMON_RFC_FIXED
#include "rfc.c"
