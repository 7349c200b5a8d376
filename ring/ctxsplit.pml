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
 *   spin -a -DC=3 ctxsplit.pml
 */
#include "nest.pml"

#define LEVELS	3			/* the harness nests to depth 2 */
byte head[LEVELS];			/* producer of the level */
byte tail_cache[LEVELS];		/* producer of the level, private */
byte tail[LEVELS];			/* consumer */
byte head_cache[LEVELS];		/* consumer, private */
byte sa[LEVELS * C], sb[LEVELS * C];	/* level L's slots from L * C */

inline ring_init()
{
	skip
}

#define FULL(h, t)	((((h) - (t) + M) % M) > C - 1)

inline produce(d, id)
{
	byte lv, h, t;

#ifndef BROKEN_ONE_LEVEL
	STEP(d, ENTER(d); lv = cur);			/* interrupt_context_level() */
#else
	STEP(d, ENTER(d); lv = 0);	/* the control: one ring for every level */
#endif
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
	STEP(d, LEAVE(d); lv = 0; h = 0; t = 0)
}

inline consume_pass()
{
	byte lv, t, avail, j;

	n = 0;
	do
	:: lv < LEVELS && n < mx ->
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

#define NMI_SAFE
#include "nest.pml"
