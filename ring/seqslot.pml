/*
 * seqslot.pml - SPIN model of seqslot.c, one step per shared access,
 * against the harness in nest.pml: a task producer, NMI producers at depth
 * 1 and 2 landing between any two of its steps, the consumer on another
 * CPU.  Checked: nothing lost, duplicated, torn or reordered, no nested
 * drop, counters balance.  Positions and sequence words run free modulo M
 * (a multiple of C, as 2^32 is of any power of two).
 *
 * -DBROKEN_PLAIN_CLAIM, the control, claims a position with a load and a
 * store instead of the local cmpxchg: an NMI between them claims the same
 * slot, which the model must catch.
 *
 *   spin -a -DC=3 seqslot.pml
 */
#include "nest.pml"

byte head;			/* local_t: next position to claim */
byte seq[C];			/* per slot: pos free, pos + 1 published */
byte tail;			/* consumer, private */
byte sa[C], sb[C];
#ifdef PROBE_RETRY
bool retry_fired;		/* an NMI claimed the position we read */
#endif

/* Position p's slot starts free: seq = p (start_at(0)). */
inline ring_init()
{
	byte i;

	do
	:: i < C -> seq[i] = i; i++
	:: else -> break
	od;
	i = 0
}

inline produce(d, id)
{
	byte pos, s, h;
	bool won;

	STEP(d, ENTER(d));
	do
	:: STEP(d, pos = head);				/* local_read(&head) */
	   STEP(d, s = seq[pos % C]);			/* smp_load_acquire() */
	   if
	   :: s != pos ->
		STEP(d, h = head);			/* local_read(&head) */
		if
		:: h != pos ->				/* an NMI claimed pos: retry */
#ifdef PROBE_RETRY
			retry_fired = 1;
			assert(!retry_fired);
#endif
			skip
		:: else ->
			STEP(d, dropped_full++);
			goto ss_done
		fi
	   :: else ->
#ifndef BROKEN_PLAIN_CLAIM
		/* local_cmpxchg(&head, pos, pos + 1) */
		STEP(d, won = head == pos; if :: won -> head = (pos + 1) % M :: else fi);
#else
		/* the control: claim with a plain load and store */
		STEP(d, won = head == pos);
		if
		:: won -> STEP(d, head = (pos + 1) % M)
		:: else
		fi;
#endif
		if
		:: won -> break
		:: else
		fi
	   fi
	od;
	STEP(d, sa[pos % C] = id);			/* damon_report_put() */
	STEP(d, sb[pos % C] = id);
	STEP(d, seq[pos % C] = (pos + 1) % M);		/* smp_store_release() */
	STEP(d, accept(d, id));				/* local_inc(&accepted) */
ss_done:
	STEP(d, LEAVE(d); pos = 0; s = 0; h = 0; won = 0)
}

inline consume_pass()
{
	byte pos;

	d_step { pos = tail; n = 0 }			/* private */
	do
	:: n < mx ->
		if
		:: seq[pos % C] != (pos + 1) % M -> break	/* acquire */
		:: else
		fi;
		d_step { take(sa[pos % C], sb[pos % C]) };
		seq[pos % C] = (pos + C) % M;		/* release: next lap */
		d_step { pos = (pos + 1) % M; n++ }
	:: else -> break
	od;
	tail = pos;					/* private */
	pos = 0
}

#define NMI_SAFE
#include "nest.pml"
