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
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nmi.h>

#include "damon_access_report.h"
#include "kcheck_design.h"
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

enum kcheck_producer { KCHECK_TASK, KCHECK_IRQ, KCHECK_NMI, KCHECK_NR };

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

	kcheck_add_stats(t, &ring->stats);
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

/* Send the producer CPU an NMI unless the last one is still on its way. */
static void kcheck_send_nmi(struct kcheck_run *run, u64 *sent)
{
	/* Full barrier: the run is visible before the handler can claim it. */
	if (atomic_cmpxchg(&run->nmi_pending, 0, 1) != 0)
		return;
	(*sent)++;
	__apic_send_IPI_mask(cpumask_of(run->prod_cpu), NMI_VECTOR);
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
	if (register_nmi_handler(NMI_LOCAL, kcheck_nmi, 0, "ringdrain_kcheck")) {
		pr_err("design=%s: register_nmi_handler failed\n", ops->name);
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
		unregister_nmi_handler(NMI_LOCAL, "ringdrain_kcheck");
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
	unregister_nmi_handler(NMI_LOCAL, "ringdrain_kcheck");
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
