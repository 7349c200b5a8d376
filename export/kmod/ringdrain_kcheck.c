// SPDX-License-Identifier: GPL-2.0
/*
 * ringdrain_kcheck.c - run an exported report ring in a real kernel, with
 * NMI-context producers, and account for every record.
 *
 * ringdrain export writes this module beside the series it tests; it
 * includes the series' report_ring.h (the design under test) and the RFC's
 * ring (rfc_ring.h) as the baseline.  One CPU, the producer CPU, feeds its
 * ring from three contexts at once:
 *
 *   task     a kthread bound to the CPU, producing in a loop with
 *            preemption disabled, that sends its own CPU an NMI every
 *            self_nmi_every records;
 *   hardirq  a pinned hrtimer producing one record per expiry;
 *   nmi      an NMI handler (register_nmi_handler(NMI_LOCAL)) producing one
 *            record per NMI IPI: the self NMIs above, and NMIs sent from
 *            the consumer's CPU every nmi_us, which land on top of the task
 *            and hardirq producers wherever they happen to be.
 *
 * A consumer kthread on another CPU drains the ring periodically, like
 * kdamond.  Every record carries its producer (@tid), its context level
 * (@tgid), its sequence number (@vaddr) and a mark derived from both
 * (@paddr); the consumer counts torn, duplicated and reordered records and
 * the end of the run counts the lost ones (accepted, never consumed).  The
 * module prints ringdrain stress's accounting line per run and a verdict.
 *
 * The NMIs go through the APIC's send_IPI_mask with NMI_VECTOR (the way the
 * kernel's own NMI backtraces do it), not send_IPI_self: in x2APIC mode
 * send_IPI_self writes the SELF IPI register, which only sends fixed
 * vectors, so it cannot raise an NMI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/damon.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include "kcheck_design.h"
#include "kcheck_nmi.h"
#include "rfc_ring.h"

static unsigned int seconds = 2;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "seconds per run");

static unsigned int capacity = 1024;
module_param(capacity, uint, 0444);
MODULE_PARM_DESC(capacity, "ring slots, a power of two (the RFC has 256)");

static unsigned int record;
module_param(record, uint, 0444);
MODULE_PARM_DESC(record, "record size: 48 (full), 32 (compact), 0 both");

static bool baseline = true;
module_param(baseline, bool, 0444);
MODULE_PARM_DESC(baseline, "also run the RFC's ring the same way");

static unsigned int nmi_us = 40;
module_param(nmi_us, uint, 0444);
MODULE_PARM_DESC(nmi_us, "period of the NMIs sent from the consumer's CPU");

static unsigned int irq_us = 50;
module_param(irq_us, uint, 0444);
MODULE_PARM_DESC(irq_us, "period of the hardirq producer");

static unsigned int self_nmi_every = 64;
module_param(self_nmi_every, uint, 0444);
MODULE_PARM_DESC(self_nmi_every, "the task producer NMIs itself every N records");

static unsigned int full_backoff_us = 5;
module_param(full_backoff_us, uint, 0444);
MODULE_PARM_DESC(full_backoff_us, "the task producer waits this long when the ring is full");

static unsigned int drain_us = 500;
module_param(drain_us, uint, 0444);
MODULE_PARM_DESC(drain_us, "the consumer drains every drain_us");

static unsigned int max_records = 1U << 22;
module_param(max_records, uint, 0444);
MODULE_PARM_DESC(max_records, "records per producer at most (bitmap size)");

#define KCHECK_BATCH	64

static const char * const kcheck_name[KCHECK_NR] = { "task", "hardirq", "nmi" };
/* interrupt_context_level() of each producer. */
static const unsigned int kcheck_level[KCHECK_NR] = { 0, 2, 3 };

/**
 * struct kcheck_totals - a ring's counters, summed over its sub-rings.
 * @accepted:		reports placed in the ring.
 * @dropped_full:	refused, no free slot.
 * @dropped_nested:	refused, a producer was already running.
 */
struct kcheck_totals {
	u64 accepted;
	u64 dropped_full;
	u64 dropped_nested;
};

/**
 * struct kcheck_ops - one ring design, as the module drives it.
 * @name:	the design.
 * @size:	bytes of a ring.
 * @init:	set up an empty ring.
 * @produce:	add one report; true if accepted.
 * @consume:	take up to max reports.
 * @totals:	read the ring's counters.
 */
struct kcheck_ops {
	const char *name;
	size_t (*size)(unsigned int capacity, unsigned int rec_size);
	void (*init)(void *ring, unsigned int capacity, unsigned int rec_size,
		     unsigned int cpu);
	bool (*produce)(void *ring, const struct damon_access_report *r);
	unsigned int (*consume)(void *ring, struct damon_access_report *out,
				unsigned int max);
	void (*totals)(const void *ring, struct kcheck_totals *t);
};

/**
 * struct kcheck_producer_state - one producer's side of the accounting.
 * @seq:		next sequence number.
 * @produced:		produce() calls.
 * @accepted:		produce() calls that returned true.
 * @ctx_wrong:		calls made outside the producer's context level.
 * @accepted_map:	bit per sequence number: produce() returned true.
 * @consumed_map:	bit per sequence number: the consumer saw it.
 * @consumed:		records the consumer took (not counting duplicates).
 * @last_seq:		the last sequence number the consumer saw.
 * @seen:		the consumer saw at least one record.
 *
 * @seq to @accepted_map are written by the producer only, the rest by the
 * consumer only; the run reads both after both have stopped.
 */
struct kcheck_producer_state {
	u64 seq;
	u64 produced;
	u64 accepted;
	u64 ctx_wrong;
	unsigned long *accepted_map;
	unsigned long *consumed_map;
	u64 consumed;
	u64 last_seq;
	bool seen;
};

/**
 * struct kcheck_run - one design, one record size, one run.
 * @ops:		the design.
 * @ring:		the producer CPU's ring.
 * @rec_size:		record size.
 * @prod_cpu:		the CPU every producer runs on.
 * @cons_cpu:		the consumer's CPU.
 * @start:		jiffies at the start: no record is older.
 * @p:			the producers.
 * @torn:		records whose fields do not belong together.
 * @dup:		records seen twice.
 * @reorder:		records older than one the same producer made before.
 * @buf:		the consumer's batch.
 * @nmi_pending:	1 while an NMI we sent is not handled yet.
 * @nmi_self:		NMIs the task producer sent its own CPU.
 * @nmi_remote:		NMIs sent from the consumer's CPU.
 * @nmi_handled:	NMIs our handler took.
 * @nmi_on_task:	NMIs that landed inside the task producer's produce().
 * @nmi_on_irq:		NMIs that landed inside the hardirq producer's produce().
 * @irq_on_task:	hardirqs that landed inside the task producer's produce().
 * @in_produce:		a producer is inside produce() (the NMI reads it).
 * @irq_timer:		the hardirq producer, pinned on @prod_cpu.
 * @nmi_timer:		the NMI sender, pinned on @cons_cpu.
 */
struct kcheck_run {
	const struct kcheck_ops *ops;
	void *ring;
	unsigned int rec_size;
	int prod_cpu;
	int cons_cpu;
	unsigned long start;
	struct kcheck_producer_state p[KCHECK_NR];
	u64 torn;
	u64 dup;
	u64 reorder;
	struct damon_access_report *buf;
	atomic_t nmi_pending;
	u64 nmi_self;
	u64 nmi_remote;
	u64 nmi_handled;
	u64 nmi_on_task;
	u64 nmi_on_irq;
	u64 irq_on_task;
	bool in_produce[KCHECK_NR];
	struct hrtimer irq_timer;
	struct hrtimer nmi_timer;
};

/* The run the NMI handler serves; set while its handler is registered. */
static struct kcheck_run *kcheck_cur;

/* ---- the designs ------------------------------------------------------- */

static size_t kcheck_design_size(unsigned int capacity, unsigned int rec_size)
{
	return KCHECK_FN(size)(capacity, rec_size);
}

static void kcheck_design_init(void *ring, unsigned int capacity,
			       unsigned int rec_size, unsigned int cpu)
{
	KCHECK_FN(init)(ring, capacity, rec_size, cpu);
}

static bool kcheck_design_produce(void *ring,
				  const struct damon_access_report *r)
{
	return KCHECK_FN(produce)(ring, r);
}

static unsigned int kcheck_design_consume(void *ring,
					  struct damon_access_report *out,
					  unsigned int max)
{
	return KCHECK_FN(consume)(ring, out, max);
}

static void kcheck_add_stats(struct kcheck_totals *t,
			     const struct damon_ring_stats *s)
{
	t->accepted += local_read(&s->accepted);
	t->dropped_full += local_read(&s->dropped_full);
	t->dropped_nested += local_read(&s->dropped_nested);
}

static void kcheck_design_totals(const void *p, struct kcheck_totals *t)
{
	const KCHECK_RING *ring = p;

#if KCHECK_LANES > 1
	/* One sub-ring per context level, and the producers too deep. */
	for (int i = 0; i < KCHECK_LANES; i++)
		kcheck_add_stats(t, &ring->sub[i].stats);
	t->dropped_nested += local_read(&ring->too_deep);
#else
	kcheck_add_stats(t, &ring->stats);
#endif
}

static const struct kcheck_ops kcheck_design_ops = {
	.name = KCHECK_DESIGN,
	.size = kcheck_design_size,
	.init = kcheck_design_init,
	.produce = kcheck_design_produce,
	.consume = kcheck_design_consume,
	.totals = kcheck_design_totals,
};

static size_t kcheck_rfc_size(unsigned int capacity, unsigned int rec_size)
{
	return damon_rfc_size(capacity, rec_size);
}

static void kcheck_rfc_init(void *ring, unsigned int capacity,
			    unsigned int rec_size, unsigned int cpu)
{
	damon_rfc_init(ring, capacity, rec_size, cpu);
}

static bool kcheck_rfc_produce(void *ring, const struct damon_access_report *r)
{
	return damon_rfc_produce(ring, r);
}

static unsigned int kcheck_rfc_consume(void *ring,
				       struct damon_access_report *out,
				       unsigned int max)
{
	return damon_rfc_consume(ring, out, max);
}

static void kcheck_rfc_totals(const void *p, struct kcheck_totals *t)
{
	const struct damon_rfc_ring *ring = p;
	u64 nested = local_read(&ring->trace.overflow_nested);

	/* What trace_damon_perf_ring_overflow() saw, split as the model counts. */
	t->accepted += local_read(&ring->trace.accepted);
	t->dropped_full += local_read(&ring->trace.perf_ring_overflow) - nested;
	t->dropped_nested += nested;
}

static const struct kcheck_ops kcheck_rfc_ops = {
	.name = "rfc",
	.size = kcheck_rfc_size,
	.init = kcheck_rfc_init,
	.produce = kcheck_rfc_produce,
	.consume = kcheck_rfc_consume,
	.totals = kcheck_rfc_totals,
};

/* ---- producers --------------------------------------------------------- */

/* What producer @p writes in @paddr of record @seq. */
static u64 kcheck_mark(unsigned int p, u64 seq)
{
	return (seq * 0x9e3779b97f4a7c15ULL) ^ ((u64)(p + 1) << 56);
}

/*
 * Produce one record as producer @p; the caller is on the producer CPU.
 * Returns false if the ring refused it or the producer is out of numbers.
 */
static bool kcheck_produce(struct kcheck_run *run, unsigned int p)
{
	struct kcheck_producer_state *ps = &run->p[p];
	struct damon_access_report r = { 0 };
	bool accepted;
	u64 seq = ps->seq;

	if (seq >= max_records)
		return false;
	if (interrupt_context_level() != kcheck_level[p])
		ps->ctx_wrong++;
	r.paddr = kcheck_mark(p, seq);
	r.vaddr = seq;
	r.size = PAGE_SIZE;
	r.cpu = run->prod_cpu;
	r.tid = p;
	r.tgid = kcheck_level[p];
	r.is_write = seq & 1;
	ps->seq = seq + 1;
	ps->produced++;
	/* Only this CPU's NMI handler reads the flag: compiler ordering is enough. */
	WRITE_ONCE(run->in_produce[p], true);
	barrier();
	accepted = run->ops->produce(run->ring, &r);
	barrier();
	WRITE_ONCE(run->in_produce[p], false);
	if (accepted) {
		ps->accepted++;
		__set_bit(seq, ps->accepted_map);
	}
	return accepted;
}

static int kcheck_nmi(unsigned int type, struct pt_regs *regs)
{
	/* Pairs with the release in kcheck_one(): the address dependency orders. */
	struct kcheck_run *run = READ_ONCE(kcheck_cur);

	if (!run || smp_processor_id() != run->prod_cpu)
		return NMI_DONE;
	/* Full barrier: claim exactly the NMI that was sent. */
	if (atomic_cmpxchg(&run->nmi_pending, 1, 0) != 1)
		return NMI_DONE;
	run->nmi_handled++;
	if (READ_ONCE(run->in_produce[KCHECK_TASK]))
		run->nmi_on_task++;
	if (READ_ONCE(run->in_produce[KCHECK_IRQ]))
		run->nmi_on_irq++;
	kcheck_produce(run, KCHECK_NMI);
	return NMI_HANDLED;
}

/* Send the producer CPU an NMI unless the last one is still on its way. */
static void kcheck_send_nmi(struct kcheck_run *run, u64 *sent)
{
	/* Full barrier: the run is visible before the handler can claim it. */
	if (atomic_cmpxchg(&run->nmi_pending, 0, 1) != 0)
		return;
	(*sent)++;
	kcheck_nmi_raise(run->prod_cpu);
}

static enum hrtimer_restart kcheck_irq_fn(struct hrtimer *t)
{
	struct kcheck_run *run = container_of(t, struct kcheck_run, irq_timer);

	if (READ_ONCE(run->in_produce[KCHECK_TASK]))
		run->irq_on_task++;
	kcheck_produce(run, KCHECK_IRQ);
	hrtimer_forward_now(t, ns_to_ktime(irq_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart kcheck_nmi_fn(struct hrtimer *t)
{
	struct kcheck_run *run = container_of(t, struct kcheck_run, nmi_timer);

	kcheck_send_nmi(run, &run->nmi_remote);
	hrtimer_forward_now(t, ns_to_ktime(nmi_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int kcheck_task_fn(void *arg)
{
	struct kcheck_run *run = arg;
	unsigned long n = 0;

	hrtimer_start(&run->irq_timer, ns_to_ktime(irq_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	while (!kthread_should_stop()) {
		bool accepted;

		n++;
		preempt_disable();
		accepted = kcheck_produce(run, KCHECK_TASK);
		if (self_nmi_every && n % self_nmi_every == 0)
			kcheck_send_nmi(run, &run->nmi_self);
		preempt_enable();
		/* Full (or out of numbers): let the consumer catch up. */
		if (!accepted && full_backoff_us)
			udelay(full_backoff_us);
		if (n % 256 == 0)
			cond_resched();
	}
	hrtimer_cancel(&run->irq_timer);
	return 0;
}

/* ---- the consumer ------------------------------------------------------ */

static void kcheck_check(struct kcheck_run *run,
			 const struct damon_access_report *r)
{
	struct kcheck_producer_state *ps;
	unsigned int p = r->tid;
	u64 seq = r->vaddr;

	if (p >= KCHECK_NR || seq >= max_records ||
	    r->paddr != kcheck_mark(p, seq) || r->size != PAGE_SIZE ||
	    r->cpu != run->prod_cpu || r->tgid != kcheck_level[p] ||
	    r->is_write != (seq & 1) ||
	    time_before(r->report_jiffies, run->start) ||
	    time_after(r->report_jiffies, jiffies)) {
		run->torn++;
		return;
	}
	ps = &run->p[p];
	if (__test_and_set_bit(seq, ps->consumed_map)) {
		run->dup++;
		return;
	}
	ps->consumed++;
	if (ps->seen && seq < ps->last_seq)
		run->reorder++;
	ps->last_seq = seq;
	ps->seen = true;
}

/* One pass over the ring, as kdamond's: at most what the ring holds. */
static void kcheck_drain(struct kcheck_run *run, bool to_empty)
{
	unsigned int n, limit = capacity * KCHECK_LANES, taken = 0;

	while ((n = run->ops->consume(run->ring, run->buf, KCHECK_BATCH))) {
		for (unsigned int i = 0; i < n; i++)
			kcheck_check(run, &run->buf[i]);
		taken += n;
		if (!to_empty && taken >= limit)
			break;
	}
}

static int kcheck_consumer_fn(void *arg)
{
	struct kcheck_run *run = arg;

	hrtimer_start(&run->nmi_timer, ns_to_ktime(nmi_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	while (!kthread_should_stop()) {
		kcheck_drain(run, false);
		usleep_range(drain_us, drain_us + drain_us / 2);
	}
	hrtimer_cancel(&run->nmi_timer);
	return 0;
}

/* ---- one run ----------------------------------------------------------- */

static void kcheck_free(struct kcheck_run *run)
{
	for (int p = 0; p < KCHECK_NR; p++) {
		vfree(run->p[p].accepted_map);
		vfree(run->p[p].consumed_map);
	}
	vfree(run->ring);
	kfree(run->buf);
	kfree(run);
}

static struct kcheck_run *kcheck_alloc(const struct kcheck_ops *ops,
				       unsigned int rec_size, int prod_cpu,
				       int cons_cpu)
{
	struct kcheck_run *run = kzalloc(sizeof(*run), GFP_KERNEL);

	if (!run)
		return NULL;
	run->ops = ops;
	run->rec_size = rec_size;
	run->prod_cpu = prod_cpu;
	run->cons_cpu = cons_cpu;
	run->ring = vzalloc(ops->size(capacity, rec_size));
	run->buf = kcalloc(KCHECK_BATCH, sizeof(*run->buf), GFP_KERNEL);
	for (int p = 0; p < KCHECK_NR; p++) {
		run->p[p].accepted_map = vzalloc(BITS_TO_LONGS(max_records) *
						 sizeof(long));
		run->p[p].consumed_map = vzalloc(BITS_TO_LONGS(max_records) *
						 sizeof(long));
		if (!run->p[p].accepted_map || !run->p[p].consumed_map)
			goto fail;
	}
	if (!run->ring || !run->buf)
		goto fail;
	ops->init(run->ring, capacity, rec_size, prod_cpu);
	atomic_set(&run->nmi_pending, 0);
	hrtimer_init(&run->irq_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_HARD);
	run->irq_timer.function = kcheck_irq_fn;
	hrtimer_init(&run->nmi_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_HARD);
	run->nmi_timer.function = kcheck_nmi_fn;
	return run;
fail:
	kcheck_free(run);
	return NULL;
}

/* Run @ops with @rec_size; true if it passed (or is the baseline). */
static bool kcheck_one(const struct kcheck_ops *ops, unsigned int rec_size,
		       bool is_baseline, int prod_cpu, int cons_cpu)
{
	u64 produced = 0, accepted = 0, consumed = 0, lost = 0, ctx_wrong = 0;
	struct task_struct *task, *consumer;
	struct kcheck_totals tot = { 0 };
	struct kcheck_run *run;
	int unanswered = 0;
	const char *why = NULL;
	bool pass;

	run = kcheck_alloc(ops, rec_size, prod_cpu, cons_cpu);
	if (!run) {
		pr_err("design=%s record=%u: out of memory\n", ops->name,
		       rec_size);
		return false;
	}
	run->start = jiffies;
	/* Release: the handler sees an initialised run. */
	smp_store_release(&kcheck_cur, run);
	if (kcheck_nmi_start(kcheck_nmi, "ringdrain_kcheck")) {
		pr_err("design=%s: no NMI producer (register_nmi_handler failed, or not x86)\n",
		       ops->name);
		WRITE_ONCE(kcheck_cur, NULL);
		kcheck_free(run);
		return false;
	}
	consumer = kthread_create_on_cpu(kcheck_consumer_fn, run, cons_cpu,
					 "kcheck_consumer/%u");
	task = kthread_create_on_cpu(kcheck_task_fn, run, prod_cpu,
				     "kcheck_task/%u");
	if (IS_ERR(consumer) || IS_ERR(task)) {
		pr_err("design=%s: cannot start the kthreads\n", ops->name);
		if (!IS_ERR(consumer))
			kthread_stop(consumer);
		if (!IS_ERR(task))
			kthread_stop(task);
		kcheck_nmi_stop("ringdrain_kcheck");
		WRITE_ONCE(kcheck_cur, NULL);
		kcheck_free(run);
		return false;
	}
	wake_up_process(consumer);
	wake_up_process(task);
	msleep(seconds * 1000);
	kthread_stop(task);
	kthread_stop(consumer);
	/* No sender is left; wait for the last NMI in flight. */
	for (int i = 0; i < 1000 && atomic_read(&run->nmi_pending); i++)
		usleep_range(100, 200);
	unanswered = atomic_read(&run->nmi_pending);
	kcheck_nmi_stop("ringdrain_kcheck");
	WRITE_ONCE(kcheck_cur, NULL);
	/* Every producer has stopped: what is left is in the ring. */
	kcheck_drain(run, true);

	run->ops->totals(run->ring, &tot);
	for (int p = 0; p < KCHECK_NR; p++) {
		struct kcheck_producer_state *ps = &run->p[p];
		u64 n = min_t(u64, ps->seq, max_records);

		produced += ps->produced;
		accepted += ps->accepted;
		consumed += ps->consumed;
		ctx_wrong += ps->ctx_wrong;
		for (u64 s = 0; s < n; s++)
			if (test_bit(s, ps->accepted_map) &&
			    !test_bit(s, ps->consumed_map))
				lost++;
	}

	pr_info("design=%s record=%u capacity=%u seconds=%u producer_cpu=%d consumer_cpu=%d\n",
		ops->name, rec_size, capacity, seconds, prod_cpu, cons_cpu);
	pr_info("design=%s nmi: sent_self=%llu sent_remote=%llu handled=%llu unanswered=%d landed_in_task_produce=%llu landed_in_hardirq_produce=%llu hardirq_landed_in_task_produce=%llu\n",
		ops->name, run->nmi_self, run->nmi_remote, run->nmi_handled,
		unanswered, run->nmi_on_task, run->nmi_on_irq,
		run->irq_on_task);
	for (int p = 0; p < KCHECK_NR; p++)
		pr_info("design=%s context=%s produced=%llu accepted=%llu consumed=%llu\n",
			ops->name, kcheck_name[p], run->p[p].produced,
			run->p[p].accepted, run->p[p].consumed);
	pr_info("design=%s mode=kernel produced=%llu consumed=%llu dropped_full=%llu dropped_nested=%llu lost=%llu torn=%llu dup=%llu reorder=%llu nmi_produced=%llu nmi_consumed=%llu\n",
		ops->name, produced, consumed, tot.dropped_full,
		tot.dropped_nested, lost, run->torn, run->dup, run->reorder,
		run->p[KCHECK_NMI].produced, run->p[KCHECK_NMI].consumed);

	if (tot.accepted != accepted ||
	    tot.accepted + tot.dropped_full + tot.dropped_nested != produced)
		why = "ring counters disagree with the producers";
	else if (ctx_wrong)
		why = "a producer ran outside its context level";
	else if (lost || run->torn || run->dup)
		why = "records lost, torn or duplicated";
	else if (is_baseline)
		why = NULL;
	else if (run->reorder)
		why = "records out of order within a producer";
	else if (tot.dropped_nested)
		why = "a nested producer's record was dropped";
	else if (!run->p[KCHECK_NMI].produced || !run->p[KCHECK_NMI].consumed)
		why = "no NMI-context record produced and consumed";
	pass = !why;
	if (is_baseline)
		pr_info("design=%s record=%u verdict=BASELINE nested_drops=%llu of %llu%s%s\n",
			ops->name, rec_size, tot.dropped_nested, produced,
			why ? " note=" : "", why ? why : "");
	else
		pr_info("design=%s record=%u verdict=%s%s%s\n", ops->name,
			rec_size, pass ? "PASS" : "FAIL", why ? " why=" : "",
			why ? why : "");
	kcheck_free(run);
	return pass || is_baseline;
}

#ifdef KCHECK_LOOKUP
/* ---- the lookup self-test ---------------------------------------------- */

/*
 * The series' region lookup (KCHECK_LOOKUP, from kcheck_design.h) over
 * contexts built here by hand: virtual-address targets under real pids
 * (the first five the guest has), one of them empty, and a physical
 * context.  Each answer is checked against an expectation: a table of
 * chosen addresses (starts, last bytes, ends, gaps, the span's edges, a
 * dense cluster, the top of the address space, straddlers, unknown
 * tgids), and random addresses against a binary search over the regions
 * in order, for layouts big enough to take the batched path and for one
 * small enough for the one-pass path.
 */

#define KCHECK_LK_TARGETS	5
#define KCHECK_LK_BIG	40000	/* regions of each big layout */
#define KCHECK_LK_SMALL	300	/* regions of the small random layout */
#define KCHECK_LK_RANDOM	65536	/* random reports per big layout */
#define KCHECK_LK_NONE	(-1)	/* expect NULL: a target, no region */
#define KCHECK_LK_NO_TARGET	(-2)	/* expect DAMON_LOOKUP_NO_TARGET */

/**
 * struct kcheck_lk - a hand-built context and its regions in order.
 * @ctx:	the context.
 * @pids:	the targets' pids.
 * @regs:	every region, target by target, each target's in address order.
 * @nr:		regions.
 * @first:	each target's first index in @regs.
 * @count:	each target's regions.
 * @nr_targets:	targets.
 */
struct kcheck_lk {
	struct damon_ctx *ctx;
	struct pid *pids[KCHECK_LK_TARGETS];
	struct damon_region **regs;
	unsigned long nr;
	unsigned long first[KCHECK_LK_TARGETS];
	unsigned long count[KCHECK_LK_TARGETS];
	unsigned int nr_targets;
};

/**
 * struct kcheck_lk_stats - what a self-test saw.
 * @reports:	reports looked up.
 * @bad:	answers that differ from the expectation.
 * @hits:	answers that are a region.
 * @none:	answers NULL (a target, no region).
 * @no_target:	answers DAMON_LOOKUP_NO_TARGET.
 * @straddlers:	hits whose report runs past the region's end.
 * @big:	reports looked up in the big layouts (whose snapshots are
 *		big enough for a batched lookup).
 */
struct kcheck_lk_stats {
	u64 reports;
	u64 bad;
	u64 hits;
	u64 none;
	u64 no_target;
	u64 straddlers;
	u64 big;
};

static void kcheck_lk_free(struct kcheck_lk *lk)
{
	struct damon_target *t, *tn;
	struct damon_region *r, *rn;

	if (lk->ctx) {
		damon_for_each_target_safe(t, tn, lk->ctx) {
			damon_for_each_region_safe(r, rn, t) {
				list_del(&r->list);
				kfree(r);
			}
			list_del(&t->list);
			kfree(t);
		}
		kfree(lk->ctx);
	}
	for (unsigned int i = 0; i < KCHECK_LK_TARGETS; i++)
		put_pid(lk->pids[i]);
	kvfree(lk->regs);
	memset(lk, 0, sizeof(*lk));
}

/* An empty context: @nr_targets targets (virtual), or one physical. */
static int kcheck_lk_init(struct kcheck_lk *lk, bool physical,
			  unsigned int nr_targets, unsigned long max_regions)
{
	int nr = 1;

	memset(lk, 0, sizeof(*lk));
	lk->ctx = kzalloc(sizeof(*lk->ctx), GFP_KERNEL);
	lk->regs = kvmalloc_array(max_regions, sizeof(*lk->regs), GFP_KERNEL);
	if (!lk->ctx || !lk->regs)
		return -ENOMEM;
	INIT_LIST_HEAD(&lk->ctx->adaptive_targets);
	lk->ctx->ops.id = physical ? DAMON_OPS_PADDR : DAMON_OPS_VADDR;
	for (unsigned int i = 0; i < nr_targets; i++) {
		struct damon_target *t = kzalloc(sizeof(*t), GFP_KERNEL);

		if (!t)
			return -ENOMEM;
		INIT_LIST_HEAD(&t->regions_list);
		list_add_tail(&t->list, &lk->ctx->adaptive_targets);
		if (physical)
			break;
		/* The guest's first pids: init, kthreadd, kernel threads. */
		while (!lk->pids[i] && nr < 4096)
			lk->pids[i] = find_get_pid(nr++);
		if (!lk->pids[i])
			return -ESRCH;
		t->pid = lk->pids[i];
	}
	lk->nr_targets = physical ? 1 : nr_targets;
	return 0;
}

static struct damon_target *kcheck_lk_target(struct kcheck_lk *lk,
					     unsigned int ti)
{
	struct damon_target *t;
	unsigned int i = 0;

	damon_for_each_target(t, lk->ctx)
		if (i++ == ti)
			return t;
	return NULL;
}

/* Append [@start, @end) to target @ti (regions come in address order). */
static int kcheck_lk_add(struct kcheck_lk *lk, unsigned int ti,
			 unsigned long start, unsigned long end)
{
	struct damon_target *t = kcheck_lk_target(lk, ti);
	struct damon_region *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r || !t) {
		kfree(r);
		return -ENOMEM;
	}
	r->ar.start = start;
	r->ar.end = end;
	list_add_tail(&r->list, &t->regions_list);
	t->nr_regions++;
	if (!lk->count[ti])
		lk->first[ti] = lk->nr;
	lk->count[ti]++;
	lk->regs[lk->nr++] = r;
	return 0;
}

/* The expected answer: a binary search over @ti's regions, in order. */
static struct damon_region *kcheck_lk_expect(const struct kcheck_lk *lk,
					     int ti, unsigned long addr)
{
	struct damon_region *const *regs;
	unsigned long lo = 0, hi;

	if (ti < 0)
		return DAMON_LOOKUP_NO_TARGET;
	regs = lk->regs + lk->first[ti];
	hi = lk->count[ti];
	while (lo < hi) {	/* first region ending above addr */
		unsigned long mid = lo + (hi - lo) / 2;

		if (regs[mid]->ar.end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < lk->count[ti] && regs[lo]->ar.start <= addr)
		return regs[lo];
	return NULL;
}

/* The tgid of target @ti, or one no target has (@ti < 0). */
static s32 kcheck_lk_tgid(const struct kcheck_lk *lk, int ti)
{
	s32 tgid = PID_MAX_LIMIT - 1;

	if (ti >= 0)
		return lk->pids[ti] ? pid_nr(lk->pids[ti]) : 0;
	for (unsigned int i = 0; i < lk->nr_targets; i++)
		if (lk->pids[i] && pid_nr(lk->pids[i]) == tgid)
			tgid--;
	return tgid;
}

/*
 * Look @n reports up (in one batch, then one at a time) and check every
 * answer against @want; count into @st.
 */
static int kcheck_lk_check(struct kcheck_lk *lk,
			   const struct damon_access_report *reps,
			   struct damon_region *const *want,
			   const bool *straddles, unsigned int n,
			   struct kcheck_lk_stats *st)
{
	struct damon_snap_alloc a = { .gfp = GFP_KERNEL };
	KCHECK_LOOKUP_SNAP *snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	struct damon_region **out = kvmalloc_array(n, sizeof(*out),
						   GFP_KERNEL);
	struct damon_region *one;
	int ret = -ENOMEM;

	if (!snap || !out)
		goto out;
	ret = KCHECK_LOOKUP_FN(build)(snap, lk->ctx, &a);
	if (ret)
		goto out;
	for (unsigned int i = 0; i < n; i += KCHECK_BATCH * 4)
		KCHECK_LOOKUP_FN(lookup)(snap, lk->ctx, reps + i,
					 min_t(unsigned int, n - i,
					       KCHECK_BATCH * 4), out + i);
	for (unsigned int i = 0; i < n; i++) {
		unsigned long addr = damon_target_has_pid(lk->ctx) ?
			reps[i].vaddr : reps[i].paddr;
		bool hit = out[i] && out[i] != DAMON_LOOKUP_NO_TARGET;

		KCHECK_LOOKUP_FN(lookup)(snap, lk->ctx, &reps[i], 1, &one);
		st->reports++;
		st->hits += hit;
		st->none += !out[i];
		st->no_target += out[i] == DAMON_LOOKUP_NO_TARGET;
		/* The drain's straddle rule, on the region found. */
		st->straddlers += hit && addr + reps[i].size > out[i]->ar.end;
		if (out[i] != want[i] || one != want[i] ||
		    (straddles && hit &&
		     straddles[i] != (addr + reps[i].size > out[i]->ar.end))) {
			if (st->bad++ < 5)
				pr_err("lookup=%s tgid=%d addr=%#lx size=%lu: got %p/%p, want %p\n",
				       KCHECK_LOOKUP, reps[i].tgid, addr,
				       reps[i].size, out[i], one, want[i]);
		}
	}
	KCHECK_LOOKUP_FN(release)(snap, &a);
	ret = 0;
out:
	kvfree(out);
	kfree(snap);
	return ret;
}

/**
 * struct kcheck_lk_case - one chosen report and what it must find.
 * @ti:		its target, KCHECK_LK_NO_TARGET for a tgid no target has.
 * @addr:	its address.
 * @size:	its size.
 * @want:	the region's index in the layout, or KCHECK_LK_NONE, or
 *		KCHECK_LK_NO_TARGET.
 * @straddles:	the report runs past the region's end.
 */
struct kcheck_lk_case {
	int ti;
	unsigned long addr;
	unsigned long size;
	int want;
	bool straddles;
};

/*
 * The hand layout: target 0 page-aligned with touching regions and gaps
 * (granular buckets), target 1 a cluster of 16-byte regions and one region
 * 1 TiB away (two clusters), target 2 empty, target 3 the top of the
 * address space, target 4 odd-sized regions, five in a row then gaps (a
 * dense bucket among compared ones).  Region indexes in the order they are
 * added.
 */
static const struct {
	unsigned int ti;
	unsigned long start, end;
} kcheck_lk_layout[] = {
	{ 0, 0x10000, 0x12000 },		/* 0 */
	{ 0, 0x12000, 0x15000 },		/* 1: touches 0 */
	{ 0, 0x20000, 0x21000 },		/* 2: after a gap */
	{ 0, 0x30000, 0x80000 },		/* 3 */
	{ 1, 0x1000, 0x1010 },			/* 4 */
	{ 1, 0x1010, 0x1020 },			/* 5 */
	{ 1, 0x1020, 0x1030 },			/* 6 */
	{ 1, 0x1030, 0x1040 },			/* 7 */
	{ 1, 0x1048, 0x1050 },			/* 8: after an 8-byte gap */
	{ 1, 0x10000000000UL, 0x10000001000UL },	/* 9: 1 TiB away */
	{ 3, ULONG_MAX - 0x3fff, ULONG_MAX - 0x1fff },	/* 10 */
	{ 3, ULONG_MAX - 0x1fff, ULONG_MAX },	/* 11: ends at the top */
	{ 4, 0x5001, 0x5004 },			/* 12 */
	{ 4, 0x5004, 0x5007 },			/* 13 */
	{ 4, 0x5007, 0x500a },			/* 14 */
	{ 4, 0x500a, 0x500d },			/* 15 */
	{ 4, 0x500d, 0x5010 },			/* 16 */
	{ 4, 0x5140, 0x51a5 },			/* 17: after a 304-byte gap */
	{ 4, 0x52d0, 0x5335 },			/* 18 */
	{ 4, 0x5460, 0x54c5 },			/* 19 */
	{ 4, 0x55f0, 0x5655 },			/* 20 */
};

static const struct kcheck_lk_case kcheck_lk_cases[] = {
	{ 0, 0x10000, 8, 0, false },		/* a start */
	{ 0, 0x11fff, 1, 0, false },		/* a last byte */
	{ 0, 0x11ff8, 8, 0, false },		/* ends exactly at the end */
	{ 0, 0x11ff8, 9, 0, true },		/* one byte past: straddles */
	{ 0, 0x12000, 4096, 1, false },		/* the touching region's start */
	{ 0, 0x14fff, 1, 1, false },
	{ 0, 0x15000, 8, KCHECK_LK_NONE, false },	/* an end: a gap */
	{ 0, 0x1ffff, 8, KCHECK_LK_NONE, false },	/* the gap's last byte */
	{ 0, 0x20000, 8, 2, false },
	{ 0, 0x20ff0, 4096, 2, true },		/* straddles into a gap */
	{ 0, 0x21000, 8, KCHECK_LK_NONE, false },
	{ 0, 0x30000, 8, 3, false },
	{ 0, 0x54321, 8, 3, false },		/* inside a big region */
	{ 0, 0x7ffff, 1, 3, false },		/* the span's last byte */
	{ 0, 0x80000, 8, KCHECK_LK_NONE, false },	/* the span's end */
	{ 0, 0xfffff, 8, KCHECK_LK_NONE, false },	/* past the span */
	{ 0, 0xffff, 8, KCHECK_LK_NONE, false },	/* below the span */
	{ 0, 0, 8, KCHECK_LK_NONE, false },
	{ 0, ULONG_MAX, 1, KCHECK_LK_NONE, false },
	{ 1, 0x1000, 16, 4, false },
	{ 1, 0x100f, 2, 4, true },
	{ 1, 0x1010, 1, 5, false },
	{ 1, 0x101f, 1, 5, false },
	{ 1, 0x1020, 1, 6, false },
	{ 1, 0x1031, 1, 7, false },
	{ 1, 0x1040, 1, KCHECK_LK_NONE, false },	/* the 8-byte gap */
	{ 1, 0x1047, 1, KCHECK_LK_NONE, false },
	{ 1, 0x1048, 8, 8, false },
	{ 1, 0x104f, 1, 8, false },
	{ 1, 0x1050, 1, KCHECK_LK_NONE, false },
	{ 1, 0x8000000000UL, 8, KCHECK_LK_NONE, false },	/* the long gap */
	{ 1, 0x10000000000UL, 8, 9, false },
	{ 1, 0x10000000ff8UL, 16, 9, true },
	{ 1, 0x10000001000UL, 8, KCHECK_LK_NONE, false },
	{ 1, 0xfff, 1, KCHECK_LK_NONE, false },
	{ 2, 0x10000, 8, KCHECK_LK_NONE, false },	/* the empty target */
	{ 2, 0, 8, KCHECK_LK_NONE, false },
	{ 3, ULONG_MAX - 0x3fff, 8, 10, false },
	{ 3, ULONG_MAX - 0x2000, 2, 10, true },
	{ 3, ULONG_MAX - 0x1fff, 8, 11, false },
	{ 3, ULONG_MAX - 1, 1, 11, false },	/* the last byte of a region */
	{ 3, ULONG_MAX - 1, 8, 11, false },	/* wraps past 2^64: not a straddler */
	{ 3, ULONG_MAX, 1, KCHECK_LK_NONE, false },	/* in no region */
	{ 3, ULONG_MAX - 0x4000, 8, KCHECK_LK_NONE, false },
	{ 4, 0x5001, 1, 12, false },
	{ 4, 0x5006, 1, 13, false },
	{ 4, 0x500c, 1, 15, false },
	{ 4, 0x500e, 2, 16, false },
	{ 4, 0x500e, 3, 16, true },
	{ 4, 0x5010, 1, KCHECK_LK_NONE, false },
	{ 4, 0x513f, 1, KCHECK_LK_NONE, false },
	{ 4, 0x5140, 1, 17, false },
	{ 4, 0x51a4, 1, 17, false },
	{ 4, 0x51a5, 1, KCHECK_LK_NONE, false },
	{ 4, 0x5654, 1, 20, false },
	{ 4, 0x5655, 1, KCHECK_LK_NONE, false },
	{ 4, 0x5000, 1, KCHECK_LK_NONE, false },
	{ KCHECK_LK_NO_TARGET, 0x10000, 8, KCHECK_LK_NO_TARGET, false },
	{ KCHECK_LK_NO_TARGET, ULONG_MAX - 1, 8, KCHECK_LK_NO_TARGET, false },
};

/* The hand layout, and a physical context, against the table. */
static int kcheck_lk_hand(struct kcheck_lk_stats *st)
{
	static const unsigned long paddrs[] = { 0x100000, 0x1fffff, 0x200000,
						0x300fff, 0x301000, 0xfffff };
	unsigned int n = ARRAY_SIZE(kcheck_lk_cases);
	struct damon_access_report *reps;
	struct damon_region **want;
	struct kcheck_lk lk;
	bool *straddles;
	int ret;

	memset(&lk, 0, sizeof(lk));
	reps = kcalloc(n, sizeof(*reps), GFP_KERNEL);
	want = kcalloc(n, sizeof(*want), GFP_KERNEL);
	straddles = kcalloc(n, sizeof(*straddles), GFP_KERNEL);
	ret = reps && want && straddles ? 0 : -ENOMEM;
	if (!ret)
		ret = kcheck_lk_init(&lk, false, KCHECK_LK_TARGETS,
				     ARRAY_SIZE(kcheck_lk_layout));
	for (unsigned int i = 0; !ret && i < ARRAY_SIZE(kcheck_lk_layout); i++)
		ret = kcheck_lk_add(&lk, kcheck_lk_layout[i].ti,
				    kcheck_lk_layout[i].start,
				    kcheck_lk_layout[i].end);
	for (unsigned int i = 0; !ret && i < n; i++) {
		const struct kcheck_lk_case *c = &kcheck_lk_cases[i];

		reps[i].tgid = kcheck_lk_tgid(&lk, c->ti);
		reps[i].vaddr = c->addr;
		reps[i].size = c->size;
		if (c->want == KCHECK_LK_NO_TARGET)
			want[i] = DAMON_LOOKUP_NO_TARGET;
		else if (c->want != KCHECK_LK_NONE)
			want[i] = lk.regs[c->want];
		straddles[i] = c->straddles;
	}
	if (!ret)
		ret = kcheck_lk_check(&lk, reps, want, straddles, n, st);
	kcheck_lk_free(&lk);

	/* Physical: the one target, by paddr, whatever the tgid. */
	if (!ret)
		ret = kcheck_lk_init(&lk, true, 1, 2);
	if (!ret)
		ret = kcheck_lk_add(&lk, 0, 0x100000, 0x200000);
	if (!ret)
		ret = kcheck_lk_add(&lk, 0, 0x300000, 0x301000);
	for (unsigned int i = 0; !ret && i < ARRAY_SIZE(paddrs); i++) {
		memset(&reps[i], 0, sizeof(reps[i]));
		reps[i].tgid = 12345;
		reps[i].paddr = paddrs[i];
		reps[i].size = 1;
	}
	if (!ret) {
		want[0] = lk.regs[0];
		want[1] = lk.regs[0];
		want[2] = NULL;
		want[3] = lk.regs[1];
		want[4] = NULL;
		want[5] = NULL;
		ret = kcheck_lk_check(&lk, reps, want, NULL,
				      ARRAY_SIZE(paddrs), st);
	}
	kcheck_lk_free(&lk);
	kfree(reps);
	kfree(want);
	kfree(straddles);
	return ret;
}

static u64 kcheck_lk_rand(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * A random layout of @nr regions over two targets: @aligned pages and page
 * gaps (granular buckets), or odd sizes and gaps (compare buckets); random
 * reports (inside and around the spans, unknown tgids) against the binary
 * search.  KCHECK_LK_BIG regions make a snapshot big enough for the
 * batched path; a few hundred, one small enough for the one-pass path.
 */
static int kcheck_lk_big(bool aligned, unsigned long nr,
			 struct kcheck_lk_stats *st)
{
	struct damon_access_report *reps = NULL;
	struct damon_region **want = NULL;
	unsigned long cur[2] = { 0x7f0000000000UL, 0x7f0000000000UL };
	u64 x = aligned ? 0x9e3779b97f4a7c15ULL : 0xbf58476d1ce4e5b9ULL;
	struct kcheck_lk lk;
	int ret;

	ret = kcheck_lk_init(&lk, false, 2, nr);
	for (unsigned long i = 0; !ret && i < nr; i++) {
		unsigned int ti = i >= nr / 2;
		unsigned long len = aligned ?
			(1 + kcheck_lk_rand(&x) % 16) * PAGE_SIZE :
			1 + kcheck_lk_rand(&x) % (3 * PAGE_SIZE);
		unsigned long gap = kcheck_lk_rand(&x) % 2 ? 0 : aligned ?
			(1 + kcheck_lk_rand(&x) % 8) * PAGE_SIZE :
			kcheck_lk_rand(&x) % PAGE_SIZE;

		ret = kcheck_lk_add(&lk, ti, cur[ti], cur[ti] + len);
		cur[ti] += len + gap;
	}
	reps = kvcalloc(KCHECK_LK_RANDOM, sizeof(*reps), GFP_KERNEL);
	want = kvmalloc_array(KCHECK_LK_RANDOM, sizeof(*want), GFP_KERNEL);
	if (!ret && (!reps || !want))
		ret = -ENOMEM;
	for (unsigned long i = 0; !ret && i < KCHECK_LK_RANDOM; i++) {
		int ti = kcheck_lk_rand(&x) % 16 ? kcheck_lk_rand(&x) % 2 :
			KCHECK_LK_NO_TARGET;
		unsigned long lo = 0x7f0000000000UL - PAGE_SIZE;

		reps[i].tgid = kcheck_lk_tgid(&lk, ti);
		reps[i].vaddr = lo + kcheck_lk_rand(&x) %
			(cur[ti < 0 ? 0 : ti] - lo + 2 * PAGE_SIZE);
		reps[i].size = 8;
		want[i] = kcheck_lk_expect(&lk, ti, reps[i].vaddr);
	}
	if (!ret)
		ret = kcheck_lk_check(&lk, reps, want, NULL, KCHECK_LK_RANDOM,
				      st);
	st->big += ret || nr < KCHECK_LK_BIG ? 0 : KCHECK_LK_RANDOM;
	kvfree(reps);
	kvfree(want);
	kcheck_lk_free(&lk);
	return ret;
}

/* Every self-test; prints one line; true when every answer was right. */
static bool kcheck_lookup_selftest(void)
{
	struct kcheck_lk_stats st = { 0 };
	int ret = kcheck_lk_hand(&st);
	bool pass;

	if (!ret)
		ret = kcheck_lk_big(true, KCHECK_LK_BIG, &st);
	if (!ret)
		ret = kcheck_lk_big(false, KCHECK_LK_BIG, &st);
	if (!ret)
		ret = kcheck_lk_big(true, KCHECK_LK_SMALL, &st);
	pass = !ret && !st.bad;
	pr_info("lookup=%s selftest: reports=%llu hits=%llu none=%llu no_target=%llu straddlers=%llu big=%llu wrong=%llu error=%d verdict=%s\n",
		KCHECK_LOOKUP, st.reports, st.hits, st.none, st.no_target,
		st.straddlers, st.big, st.bad, ret,
		pass ? "PASS" : "FAIL");
	return pass;
}
#endif /* KCHECK_LOOKUP */

static int __init kcheck_init(void)
{
	unsigned int sizes[2] = { DAMON_REPORT_COMPACT, DAMON_REPORT_FULL };
	int prod_cpu, cons_cpu;
	bool ok = true;

	prod_cpu = cpumask_first(cpu_online_mask);
	cons_cpu = cpumask_next(prod_cpu, cpu_online_mask);
	if (cons_cpu >= nr_cpu_ids) {
		pr_err("result=FAIL why=needs two online CPUs\n");
		return 0;
	}
	if (!is_power_of_2(capacity) || capacity < 2 || !seconds ||
	    (record && record != DAMON_REPORT_FULL &&
	     record != DAMON_REPORT_COMPACT)) {
		pr_err("result=FAIL why=bad parameters\n");
		return 0;
	}
#ifdef KCHECK_LOOKUP
	ok &= kcheck_lookup_selftest();
#endif
	for (int i = 0; i < 2; i++) {
		if (record && record != sizes[i])
			continue;
		ok &= kcheck_one(&kcheck_design_ops, sizes[i], false,
				 prod_cpu, cons_cpu);
		if (baseline)
			kcheck_one(&kcheck_rfc_ops, sizes[i], true, prod_cpu,
				   cons_cpu);
	}
	pr_info("design=%s result=%s\n", KCHECK_DESIGN, ok ? "PASS" : "FAIL");
	return 0;
}

static void __exit kcheck_exit(void)
{
}

module_init(kcheck_init);
module_exit(kcheck_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ringdrain: an exported report ring under NMI-context producers");
