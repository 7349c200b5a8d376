/*
 * llist.pml - SPIN model of llist.c (llist_add / llist_del_all reports over
 * a per-CPU node pool whose top word carries a generation), one step per
 * shared access, against the harness in nest.pml: a task producer, NMI
 * producers at depth 1 and 2 landing between any two of its steps, the
 * consumer on another CPU taking the whole list (xchg), reversing it,
 * handing out batches of one or C and returning each batch's nodes to the
 * pool with a cmpxchg.  Checked: nothing lost, duplicated, torn or
 * reordered within a context, no nested drop, counters balance.  C is the
 * number of nodes; nodes are 1..C, 0 ends a list.
 *
 * The generation is modelled as what comparing it decides when it cannot
 * wrap (the C code's 39 bits cannot within one take, llist.c): whether the
 * pool word changed since it was read (chg[] below).
 *
 * -DBROKEN_NO_GEN, the control, never advances the generation: a producer
 * that read top X and X's next Y, then sees two NMIs take X and Y and
 * kdamond return X alone, succeeds its cmpxchg and frees Y while Y holds a
 * report (the ABA of llist_del_first()): the model must catch it.
 * -DPROBE_ABA asserts that a take never fails on a top that is the same node
 * with another generation: it must be refuted, so the passes do cover the
 * ABA case.
 *
 *   spin -a -DC=3 llist.pml
 */
#include "nest.pml"

byte list;			/* llist_head.first: the report list */
byte ptop;			/* the pool word: the top node ... */
bool chg[4];			/* ... and its generation, abstracted */
byte lnext[C + 1];		/* llist_node.next of each node */
byte nfree[C + 1];		/* next_free of each node */
byte sa[C + 1], sb[C + 1];	/* each node's report, in two halves */
byte bl;			/* the consumer's backlog, oldest first */
#ifdef PROBE_ABA
bool aba_seen;
#endif

/*
 * A cmpxchg of the pool word succeeds iff the top and the generation are
 * the ones read; with a generation that cannot wrap, that is: the top is
 * the one read and nobody changed the word since.  chg[w] records the
 * latter for reader w (a producer's depth 0..2, the consumer 3): cleared
 * when w reads the word, set for every reader when the word changes.
 * That is the generation compared exactly, in 4 bits of state instead of
 * a counter that makes every state new.  A reader outside its take keeps
 * its bit set, so that states differ only in what matters.
 */
#ifdef BROKEN_NO_GEN
#define UNCHANGED(w)	true
#else
#define UNCHANGED(w)	(!chg[w])
#endif
#define CHANGED		chg[0] = 1; chg[1] = 1; chg[2] = 1; chg[3] = 1

/* Every node in the pool: 1 -> 2 -> ... -> C. */
inline ring_init()
{
	byte i;

	i = 1;
	do
	:: i < C -> nfree[i] = i + 1; i++
	:: else -> break
	od;
	ptop = 1;
	chg[0] = 1; chg[1] = 1; chg[2] = 1; chg[3] = 1;
	i = 0
}

inline produce(d, id)
{
	byte t, nx, lf;
	bool won;

	STEP(d, ENTER(d); t = ptop; chg[d] = 0);	/* smp_load_acquire(&pool) */
	do
	:: t == 0 ->
		STEP(d, dropped_full++);
		goto ll_done
	:: else ->
		STEP(d, nx = nfree[t]);			/* READ_ONCE(next_free) */
		/* cmpxchg(&pool, old, new) */
		STEP(d, won = ptop == t && UNCHANGED(d);
		     if
		     :: won -> ptop = nx; CHANGED
		     :: else
		     fi);
		if
		:: won -> break
		:: else ->
#ifdef PROBE_ABA
			if
			:: ptop == t -> aba_seen = 1; assert(!aba_seen)
			:: else
			fi;
#endif
			STEP(d, t = ptop; chg[d] = 0)	/* load again */
		fi
	od;
	STEP(d, sa[t] = id);				/* damon_report_put() */
	STEP(d, sb[t] = id);
	STEP(d, lf = list);				/* llist_add(): READ_ONCE(first) */
	do
	:: STEP(d, lnext[t] = lf);			/* WRITE_ONCE(new->next) */
	   STEP(d, won = list == lf;			/* try_cmpxchg(&first) */
		if
		:: won -> list = t
		:: else -> lf = list
		fi);
	   if
	   :: won -> break
	   :: else
	   fi
	od;
	STEP(d, accept(d, id));				/* local_inc(&accepted) */
ll_done:
	STEP(d, LEAVE(d); t = 0; nx = 0; lf = 0; won = 0; chg[d] = 1)
}

inline consume_pass()
{
	byte x, y, r, first, lastn, ot;
	bool won;

	n = 0;
	do
	:: n < mx ->
		if
		:: bl == 0 ->
			atomic { x = list; list = 0 };	/* llist_del_all(): xchg */
			d_step {			/* llist_reverse_order(), ours */
				r = 0;
				do
				:: x != 0 -> y = lnext[x]; lnext[x] = r; r = x; x = y
				:: else -> break
				od;
				bl = r; r = 0; y = 0
			}
		:: else
		fi;
		if
		:: bl == 0 -> break
		:: else
		fi;
		d_step {
			x = bl; bl = lnext[x]; take(sa[x], sb[x]);
			/* forgotten (smaller state; a stale read sees 0) */
			sa[x] = 0; sb[x] = 0; lnext[x] = 0;
			nfree[x] = first;		/* chain it for the pool */
			first = x;
			if
			:: lastn == 0 -> lastn = x
			:: else
			fi;
			n++; x = 0
		}
	:: else -> break
	od;
	if
	:: n > 0 ->
		d_step { ot = ptop; chg[3] = 0 };	/* READ_ONCE(pool) */
		do
		:: nfree[lastn] = ot;			/* WRITE_ONCE(last->next_free) */
		   atomic {				/* try_cmpxchg(&pool) */
			won = ptop == ot && UNCHANGED(3);
			if
			:: won -> ptop = first; CHANGED
			:: else -> ot = ptop; chg[3] = 0
			fi
		   };
		   if
		   :: won -> break
		   :: else
		   fi
		od
	:: else
	fi;
	skip;
	d_step { first = 0; lastn = 0; ot = 0; won = 0; chg[3] = 1 }
}

#define NMI_SAFE
#include "nest.pml"
