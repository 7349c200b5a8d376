/*
 * perfnest.pml - SPIN model of the perf ring protocol (perfnest.c), one step
 * per shared access, against the harness in nest.pml: a task producer, NMI
 * producers at depth 1 and 2 landing between any two of its steps, the
 * consumer on another CPU.  Checked: nothing lost, duplicated, torn or
 * reordered, no nested drop, counters balance.  Indices run free modulo M
 * (a multiple of C, as 2^64 is of any power of two).
 *
 * -DBROKEN_NO_RECHECK drops the outermost producer's re-check of head after
 * publishing: a record an NMI reserved behind its back is then never
 * published, which the model must catch (stress/tests/spin_check.sh).
 *
 *   spin -a -DC=3 perfnest.pml
 */
#include "nest.pml"

byte head;			/* local_t: next slot to reserve */
byte nest;			/* producers running on this CPU */
byte tail_cache;		/* a tail the consumer released */
byte user_head;			/* published: slots below are written */
byte tail;			/* consumer */
byte sa[C], sb[C];
#ifdef PROBE_RECHECK
bool recheck_fired;		/* an NMI reserved during the publish */
#endif

/*
 * Every index is kept modulo M, so a start position is the same ring
 * rotated: start at 0.  (The 2^32 and 2^64 wraps of the C code are the
 * ring tests' business, ring/tests/test_nest.c.)
 */
inline ring_init()
{
	skip
}

/* head - tail > mask, in free-running arithmetic */
#define FULL(h, t)	((((h) - (t) + M) % M) > C - 1)

inline produce(d, id)
{
	byte nv, h, t;
	bool won;

	STEP(d, ENTER(d); nv = nest);			/* READ_ONCE(nest) */
	STEP(d, nest = nv + 1);				/* WRITE_ONCE(nest, +1) */
	do
	:: STEP(d, h = head);				/* local_read(&head) */
	   STEP(d, t = tail_cache);
	   if
	   :: FULL(h, t) ->
		STEP(d, t = tail);			/* smp_load_acquire(&tail) */
		STEP(d, tail_cache = t);
		if
		:: FULL(h, t) ->
			STEP(d, dropped_full++);
			goto pn_commit
		:: else
		fi
	   :: else
	   fi;
	   /* local_cmpxchg(&head, h, h + 1) */
	   STEP(d, won = head == h; if :: won -> head = (h + 1) % M :: else fi);
	   if
	   :: won -> break
	   :: else
	   fi
	od;
	STEP(d, sa[h % C] = id);			/* damon_report_put() */
	STEP(d, sb[h % C] = id);
	STEP(d, accept(d, id));				/* local_inc(&accepted) */
pn_commit:
	STEP(d, nv = nest);				/* READ_ONCE(nest) */
	if
	:: nv > 1 ->
		/* nested: the producer we interrupted publishes our slot */
		STEP(d, nest = nv - 1)
	:: else ->
		do
		:: STEP(d, h = head);			/* local_read(&head) */
		   STEP(d, user_head = h);		/* smp_store_release() */
		   STEP(d, nest = 0);
#ifndef BROKEN_NO_RECHECK
		   STEP(d, won = h != head);		/* an NMI reserved since? */
		   if
		   :: won ->
#ifdef PROBE_RECHECK
			recheck_fired = 1;
			assert(!recheck_fired);
#endif
			STEP(d, nest = 1)		/* publish again */
		   :: else -> break
		   fi
#else
		   break
#endif
		od
	fi;
	STEP(d, LEAVE(d); nv = 0; h = 0; t = 0; won = 0)
}

inline consume_pass()
{
	byte t, avail;

	t = tail;					/* only the consumer writes it */
	d_step {					/* smp_load_acquire(&user_head) */
		avail = (user_head - t + M) % M;
		if
		:: avail > mx -> avail = mx
		:: else
		fi;
		n = 0
	}
	do
	:: n < avail ->
		d_step { take(sa[(t + n) % C], sb[(t + n) % C]); n++ }
	:: else -> break
	od;
	if
	:: n > 0 -> tail = (t + n) % M			/* smp_store_release(&tail) */
	:: else
	fi;
	d_step { t = 0; avail = 0 }
}

#define NMI_SAFE
#include "nest.pml"
