/*
 * rfc.pml - SPIN model of the RFC v1 ring (rfc.c), one step per shared
 * access, against the harness in nest.pml: a task producer, NMI producers
 * at depth 1 and 2 landing between any two of its steps, kdamond on another
 * CPU.  Checked: nothing lost, duplicated, torn or reordered; the counters
 * balance with every nested producer refused and counted as a nested drop.
 * Capacity C, one slot kept empty, indices masked.  Under SC the two
 * ordering gaps of rfc.c do not exist; they are TSan's finding.
 *
 * -DBROKEN_NO_BUSY, the control, lets a nested producer through: it must
 * be caught writing the slot the interrupted one is writing.
 *
 *   spin -a -DC=3 rfc.pml   (see stress/tests/spin_check.sh)
 */
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
		STEP(d, t = tail; ok = nx != t);
		if
		:: !ok -> STEP(d, dropped_full++)
		:: else
		fi;
		if
		:: ok ->
			STEP(d, sa[h] = id);		/* damon_report_put() */
			STEP(d, sb[h] = id);
			STEP(d, head = nx);		/* smp_wmb(); WRITE_ONCE(head) */
			STEP(d, pending = 1);
			STEP(d, accept(d, id))		/* local_inc(&accepted) */
		:: else
		fi
	fi;
	/* local_dec(&busy); the locals are dead: reset them */
	STEP(d, busy--; LEAVE(d); nb = 0; h = 0; nx = 0; t = 0; ok = 0)
}

inline consume_pass()
{
	byte t;

	d_step { t = tail; n = 0 }		/* only kdamond writes tail */
	if
	:: t == c_head ->
		/* a new pass over this CPU */
		if
		:: !pending -> goto rfc_done
		:: else
		fi;
		pending = 0;
		c_head = head			/* after smp_mb() */
	:: else
	fi;
	do
	:: t != c_head && n < mx ->
		d_step { take(sa[t], sb[t]); t = (t + 1) % C; n++ }
	:: else -> break
	od;
	tail = t;				/* WRITE_ONCE(tail) */
rfc_done:
	t = 0
}

#include "nest.pml"
