/*
 * rfc.pml - SPIN model of the RFC v1 ring (rfc.c) and of its minimal fix
 * (rfc_fixed.c), one step per shared access, against the harness in
 * nest.pml: a task producer, NMI producers at depth 1 and 2 landing between
 * any two of its steps, kdamond on another CPU.  Checked: nothing lost,
 * stranded, duplicated, torn or reordered; the counters balance with every
 * nested producer refused and counted as a nested drop.  Capacity C, one
 * slot kept empty, indices masked.  kdamond works as 4/6 does: a pass
 * starts when pending is set (clear it, read head), reads the slots in
 * place, and stores tail once after them (rd_ring_peek() and
 * rd_ring_release(), mx reports at a time).
 *
 * SPIN explores interleavings under sequential consistency.  The memory
 * model enters as explicit reorderings: where the C code leaves two
 * accesses unordered, the model lets them take effect in either order
 * (W_* below).  That is an under-approximation of the LKMM (it cannot show
 * non-multicopy-atomic propagation, the R pattern that makes the posted
 * kdamond side need smp_mb() on the producer's side too; rfc.c argues that
 * one in LKMM terms) but it is exact for the reorderings that lose reports
 * here:
 *
 *   W_TAIL	kdamond's tail store takes effect before its reads of the
 *		slots it frees (no release: posted gap 1);
 *   W_PENDING	the producer's pending store takes effect before its head
 *		store (nothing orders them: posted gap 2);
 *   W_CLEAR	kdamond's head load takes effect before its pending clear
 *		(a clear that is not a full barrier: xchg_relaxed(), or
 *		WRITE_ONCE() without smp_mb()).
 *
 * Builds:
 *   (none)		as posted: W_TAIL and W_PENDING.  Must be caught.
 *   -DONLY_GAP_TAIL	posted, gap 1 alone; -DONLY_GAP_PENDING, gap 2 alone.
 *   -DSC		the posted protocol with no reordering: passes (the
 *			gaps are ordering, not protocol).
 *   -DFIXED		rfc_fixed.c: tail store release (no W_TAIL); head and
 *			pending stores release (no W_PENDING); kdamond's
 *			clear an xchg(), a full barrier (no W_CLEAR).  Passes.
 *   -DFIXED -DW_x	the fix with one ordering taken away (cheaper than
 *			minimal): each must be caught.
 *   -DBROKEN_NO_BUSY	the control: a nested producer let through.
 *
 *   spin -a -DC=3 -DFIXED rfc.pml   (see stress/tests/spin_check.sh)
 */
#ifndef FIXED
#ifndef SC
#ifndef ONLY_GAP_PENDING
#define W_TAIL
#endif
#ifndef ONLY_GAP_TAIL
#define W_PENDING
#endif
#endif
#endif

#include "nest.pml"

byte head, tail, c_head;	/* masked indices: 0 .. C-1 */
bool pending;
byte busy;			/* the per-CPU busy counter (local_t) */
byte sa[C], sb[C];		/* the two halves of each slot */

/* Masked indices: every start position is the same ring, rotated. */
inline ring_init()
{
	skip
}

inline produce(d, id)
{
	byte nb, h, nx, t;
	bool ok;

	STEP(d, ENTER(d); busy++; nb = busy);	/* local_inc_return(&busy) */
#ifdef BROKEN_NO_BUSY
	nb = 1;		/* the control: no nesting guard at all */
#endif
	if
	:: nb != 1 ->
		/* A producer is running on this CPU and we interrupted it. */
		STEP(d, dropped_nested++)
	:: else ->
		STEP(d, h = head; nx = (h + 1) % C);
		STEP(d, t = tail; ok = nx != t);	/* the slot stores depend on it */
		if
		:: !ok -> STEP(d, dropped_full++)
		:: else
		fi;
		if
		:: ok ->
			STEP(d, sa[h] = id);		/* damon_report_put() */
			STEP(d, sb[h] = id);
#ifdef W_PENDING
			/* Nothing orders head before pending: either goes first. */
			if
			:: STEP(d, head = nx);
			   STEP(d, pending = 1)
			:: STEP(d, pending = 1);
			   STEP(d, head = nx)
			fi;
#else
			STEP(d, head = nx);		/* smp_store_release(&head) */
			STEP(d, pending = 1);		/* smp_store_release(&pending) */
#endif
			STEP(d, accept(d, id))		/* accepted, counted */
		:: else
		fi
	fi;
	/* local_dec(&busy); the locals are dead: reset them */
	STEP(d, busy--; LEAVE(d); nb = 0; h = 0; nx = 0; t = 0; ok = 0)
}

/* One peek of at most mx reports, read in place, then one tail store. */
inline consume_pass()
{
	byte t, kk;
	bool early;

	d_step { t = tail; n = 0; early = 0 }	/* only kdamond writes tail */
	if
	:: t == c_head ->
		/* a new pass over this CPU */
		if
		:: !pending -> goto rfc_done
		:: else
		fi;
#ifdef W_CLEAR
		if
		:: pending = 0;		/* the clear, then the head load */
		   c_head = head
		:: c_head = head;	/* the head load passes the clear */
		   pending = 0
		fi
#else
		pending = 0;		/* posted: WRITE_ONCE + smp_mb(); fixed: xchg() */
		c_head = head
#endif
	:: else
	fi;
	d_step {
		kk = (c_head + C - t) % C;
		if
		:: kk > mx -> kk = mx
		:: else
		fi
	};
#ifdef W_TAIL
	/* The tail store may take effect before the reads of the slots. */
	if
	:: kk > 0 -> tail = (t + kk) % C; early = 1
	:: else
	fi;
#endif
	do
	:: n < kk ->
		d_step { take(sa[t], sb[t]); t = (t + 1) % C; n++ }
	:: else -> break
	od;
	if
	:: !early -> tail = t		/* WRITE_ONCE / smp_store_release(&tail) */
	:: else
	fi;
rfc_done:
	t = 0; kk = 0; early = 0
}

#include "nest.pml"
