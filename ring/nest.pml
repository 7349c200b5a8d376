/*
 * nest.pml - the harness of the ring models (rfc.pml, ctxsplit.pml,
 * perfnest.pml, seqslot.pml), included at the end of each.
 *
 * One CPU runs a task-context producer; an NMI producer (depth 1) may
 * interrupt it between any two of its steps, and a second NMI (depth 2) may
 * interrupt that one between any two of its steps.  An interrupted producer
 * does not run until the one on top of it returns (every producer step is
 * guarded by cur == its depth).  The consumer (kdamond) runs on another CPU,
 * interleaved with every step of every producer, taking batches of one or
 * of C records.  A step is one access to shared memory, so every
 * interleaving the C code allows under sequential consistency is explored:
 * SPIN checks the protocol; the memory model is TSan's and the LKMM's job.
 *
 * A record is its id (1..NREC) written into the slot in two halves, as a
 * producer fills a slot in several stores; the consumer reads both halves
 * in one step, so it sees any half-written slot, and a slot overwritten
 * after it was taken shows up as a duplicate or a record taken twice.  Checked on every take: not torn (halves agree), not an empty
 * slot, not taken twice, in order per context.  Checked at the end, after a
 * final drain: every record a producer was told was accepted came out, no
 * other did, and the ring's counters balance (calls = accepted +
 * dropped_full + dropped_nested); NMI-safe designs drop nothing nested.
 *
 * A model includes this file twice: first (declarations), then after its
 * ring variables and its inlines ring_init(), produce(d, id) and
 * consume_pass() (which sets n to the records taken by one consume() call
 * of at most mx records), again for the processes.  C, the ring size,
 * comes from the command line.  PROBE_* make the final check
 * assert that a scenario never happens, so a run that reports the
 * assertion violated proves the scenario is reachable (tests/spin_check.sh).
 */
#ifndef NEST_PML_DECLARED
#define NEST_PML_DECLARED
#ifndef C
#define C	2
#endif
#define M	(4 * C)		/* free-running indices wrap here (a multiple of C) */
#define NPRE	C		/* ids kept for the prefill: 1 .. C - 1 */
#define NT	2		/* records the task produces */
#ifndef N1
#define N1	2		/* records depth-1 NMIs produce, one per interrupt */
#endif
#define N2	1		/* records a depth-2 NMI produces */
#define NREC	(NPRE + NT + N1 + N2)
#define LEVEL(x)	((x) <= NPRE + NT -> 0 : ((x) <= NPRE + NT + N1 -> 1 : 2))

#define STEP(d, s)	atomic { cur == d -> s }

byte cur;			/* context depth running on the producer CPU */
bool task_done, nmi1_done;
byte calls;			/* produce() calls */
bool accepted[NREC + 1];	/* what each producer was told */
byte acc_ctr, dropped_full, dropped_nested;	/* the ring's counters */
bool taken[NREC + 1];		/* what the consumer took out */
byte last[3];			/* last id taken per context level */
bool inside[3];			/* a producer of that depth is in produce() */
bool nested_accept, deep_accept;	/* ghosts for the probes */

/*
 * Harness bookkeeping when the producer at depth d starts produce() and
 * returns.  inside[] only feeds the probes, so only probe runs keep it
 * (every ghost bit multiplies the states).
 */
#ifdef PROBES
#define ENTER(d)	calls++; inside[d] = 1
#define LEAVE(d)	inside[d] = 0
#else
#define ENTER(d)	calls++
#define LEAVE(d)	skip
#endif

/* The producer at depth d is told its record id was accepted. */
inline accept(d, id)
{
	acc_ctr++;
	accepted[id] = 1;
#ifdef PROBES
	if
	:: d > 0 && inside[0] -> nested_accept = 1
	:: else
	fi;
	if
	:: d == 2 && inside[0] && inside[1] -> deep_accept = 1
	:: else
	fi
#endif
}

/* The consumer took halves x, y out of a slot. */
inline take(x, y)
{
	assert(x == y);			/* not torn */
	assert(x != 0);			/* not a slot nobody wrote */
	assert(!taken[x]);		/* not twice */
	taken[x] = 1;
#ifndef UNORDERED			/* (ctxsplit.pml -DSTALE: see there) */
	assert(x > last[LEVEL(x)]);	/* in order within its context */
#endif
	last[LEVEL(x)] = x
}

#else	/* second inclusion: the processes */

proctype task()
{
	byte i;

	do
	:: i < NT -> produce(0, NPRE + 1 + i); i++
	:: else -> break
	od;
	STEP(0, task_done = 1)
}

proctype nmi1()
{
	byte i;

	do
	:: i < N1 ->
		atomic { cur == 0 -> cur = 1 };
		produce(1, NPRE + NT + 1 + i);
		atomic { cur == 1 -> i++; cur = 0 }	/* return from the NMI */
	:: else -> break
	od;
	nmi1_done = 1
}

proctype nmi2()
{
	byte i;

	do
	:: i < N2 ->
		/* blocked for good once nmi1 is done: a valid end state */
end_wait:	atomic { cur == 1 -> cur = 2 };
		produce(2, NPRE + NT + N1 + 1 + i);
		atomic { cur == 2 -> i++; cur = 1 }
	:: else -> break
	od
}

proctype consumer()
{
	byte mx, n, k;

	do
	:: if
	   :: mx = 1
	   :: mx = C
	   fi;
	   consume_pass()
	:: task_done && nmi1_done -> break	/* nothing can run any more */
	od;
	/* The final drain: everything published comes out. */
	mx = C;
	do
	:: consume_pass();
	   if
	   :: n == 0 -> break
	   :: else
	   fi
	od;
	k = 1;
	do
	:: k <= NREC -> assert(accepted[k] == taken[k]); k++	/* no loss, no phantom */
	:: else -> break
	od;
	assert(calls == acc_ctr + dropped_full + dropped_nested);
#ifdef NMI_SAFE
	assert(dropped_nested == 0);
#endif
#ifdef PROBE_FULL
	assert(dropped_full == 0);
#endif
#ifdef PROBE_NESTED_DROP
	assert(dropped_nested == 0);
#endif
#ifdef PROBE_NESTED_ACCEPT
	assert(!nested_accept);
#endif
#ifdef PROBE_DEEP_ACCEPT
	assert(!deep_accept);
#endif
	skip
}

/*
 * The ring starts empty or with C - 1 records in it (task records produced
 * and not yet consumed): one slot left, or full for a ring that keeps one
 * slot empty.  Two more task records and the NMIs' then fill it and
 * overflow it, with the consumer idle or not.
 */
init
{
	byte f, k;

	atomic {
		ring_init();
		if
		:: f = 0
		:: f = C - 1
		fi;
		do
		:: k < f -> produce(0, k + 1); k++
		:: else -> break
		od;
		run task();
		run nmi1();
		run nmi2();
		run consumer()
	}
}
#endif
