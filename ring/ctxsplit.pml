/*
 * ctxsplit.pml - SPIN model of ctxsplit.c (one cached.h SPSC sub-ring per
 * context level), one step per shared access, against the harness in
 * nest.pml: a task producer, NMI producers at depth 1 and 2 landing between
 * any two of its steps, the consumer on another CPU draining the sub-rings
 * in level order.  The level is interrupt_context_level(), which is the
 * harness's depth.  Checked: nothing lost, duplicated, torn or reordered
 * within a level, no nested drop, counters balance.  Indices run free
 * modulo M (a multiple of C, as 2^32 is of any power of two).
 *
 * -DBROKEN_ONE_LEVEL, the control, puts every level in sub-ring 0, which
 * makes it the plain 'cached' ring: the model must catch a nested
 * producer breaking it.
 *
 * The transition guard: a CPU-local mask busy has a bit per sub-ring with a
 * producer inside; a producer whose level's bit is set takes the
 * transition sub-ring, and one that finds that set too is refused and
 * counted as a nested drop.  -DSTALE lets an NMI producer read the level
 * of any context below it (the transition case of ftrace: preempt_count()
 * not yet updated, for its own entry and for the one it interrupted);
 * then a nested drop is allowed (two stale producers on one level) but
 * nothing may be lost or torn.
 * -DBROKEN_NO_GUARD -DSTALE, its control, drops the guard: the model must
 * catch the stale producer sharing the sub-ring it interrupted.
 *
 * Order is then kept per sub-ring, not per context: a stale NMI's record
 * in the transition sub-ring comes out after a later one of the same
 * context that found its level free, so -DSTALE does not check order.
 *
 *   spin -a -DC=3 ctxsplit.pml
 */
#ifdef STALE
#define UNORDERED
#endif
#include "nest.pml"

#define LEVELS	3			/* the harness nests to depth 2 */
#define TRANSITION	LEVELS		/* the transition sub-ring */
#define LANES	(LEVELS + 1)
byte head[LANES];			/* producer of the sub-ring */
byte tail_cache[LANES];		/* producer of the sub-ring, private */
byte tail[LANES];			/* consumer */
byte head_cache[LANES];		/* consumer, private */
byte sa[LANES * C], sb[LANES * C];	/* sub-ring L's slots from L * C */
byte busy;				/* bit L: a producer in sub-ring L */

inline ring_init()
{
	skip
}

#define FULL(h, t)	((((h) - (t) + M) % M) > C - 1)

inline produce(d, id)
{
	byte lv, h, t, bz;

	/*
	 * interrupt_context_level() and READ_ONCE(busy): an NMI between the
	 * two loads changes neither, so they are one step.
	 */
#if defined(BROKEN_ONE_LEVEL)
	STEP(d, ENTER(d); lv = 0; bz = busy);	/* the control: one ring */
#elif defined(STALE)
	STEP(d, ENTER(d);
	     if
	     :: lv = cur
	     :: cur > 0 -> lv = cur - 1		/* not yet updated */
	     :: cur > 1 -> lv = cur - 2		/* nor the one below */
	     fi;
	     bz = busy);
#else
	STEP(d, ENTER(d); lv = cur; bz = busy);
#endif
#if !defined(BROKEN_ONE_LEVEL) && !defined(BROKEN_NO_GUARD)
	if
	:: bz & (1 << lv) ->
		lv = TRANSITION;			/* our level is busy: stale */
		if
		:: bz & (1 << lv) ->
			STEP(d, dropped_nested++);	/* local_inc(&too_deep) */
			goto cs_out
		:: else
		fi
	:: else
	fi;
#endif
	STEP(d, busy = bz | (1 << lv));		/* WRITE_ONCE(busy) */
	STEP(d, h = head[lv]; t = tail_cache[lv]);	/* both the level's own */
	if
	:: FULL(h, t) ->
		STEP(d, t = tail[lv]);			/* smp_load_acquire(&tail) */
		STEP(d, tail_cache[lv] = t);
		if
		:: FULL(h, t) ->
			STEP(d, dropped_full++);
			goto cs_done
		:: else
		fi
	:: else
	fi;
	STEP(d, sa[lv * C + h % C] = id);		/* damon_report_put() */
	STEP(d, sb[lv * C + h % C] = id);
	STEP(d, head[lv] = (h + 1) % M);		/* smp_store_release(&head) */
	STEP(d, accept(d, id));				/* local_inc(&accepted) */
cs_done:
	STEP(d, bz = busy);				/* READ_ONCE(busy) */
	STEP(d, busy = bz & ~(1 << lv));		/* WRITE_ONCE(busy) */
cs_out:
	STEP(d, LEAVE(d); lv = 0; h = 0; t = 0; bz = 0)
}

inline consume_pass()
{
	byte lv, t, avail, j;

	n = 0;
	do
	:: lv < LANES && n < mx ->
		d_step { t = tail[lv]; avail = 0 }	/* the consumer's own */
		if
		:: t == head_cache[lv] ->
			head_cache[lv] = head[lv]	/* smp_load_acquire(&head) */
		:: else
		fi;
		d_step {
			avail = (head_cache[lv] - t + M) % M;
			if
			:: avail > mx - n -> avail = mx - n
			:: else
			fi;
			j = 0
		}
		do
		:: j < avail ->
			d_step { take(sa[lv * C + (t + j) % C], sb[lv * C + (t + j) % C]); j++ }
		:: else -> break
		od;
		if
		:: j > 0 -> tail[lv] = (t + j) % M	/* smp_store_release(&tail) */
		:: else
		fi;
		d_step { n = n + j; lv++; j = 0; t = 0; avail = 0 }
	:: else -> break
	od;
	lv = 0
}

#ifndef STALE
#define NMI_SAFE
#endif
#include "nest.pml"
