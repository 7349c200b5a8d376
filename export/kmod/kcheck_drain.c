// SPDX-License-Identifier: GPL-2.0
/*
 * kcheck_drain.c - the exported ring and lookup drained as kdamond drains
 * them, over DAMON targets and regions that change between ticks, with
 * task, hardirq and NMI producers on every CPU; the drained report stream
 * is logged so that userspace can replay it (ringdrain replay --kstream).
 *
 * ringdrain export writes this module beside ringdrain_kcheck.c.  It keeps
 * a virtual-address context of its own (struct damon_ctx, damon_target and
 * damon_region of <linux/damon.h>, under the guest's first pids) and runs:
 *
 *   producers	on every online CPU, into that CPU's ring of the design
 *		under test (KCHECK_FN): a kthread in task context (preemption
 *		disabled around each report), a pinned hrtimer in hardirq
 *		context, and (x86) an NMI handler that reports once per NMI
 *		IPI, sent by the other CPU's hrtimer;
 *   kdamond	a kthread that, each tick, rebuilds the series' lookup
 *		(KCHECK_LOOKUP_FN) over the regions, drains every CPU's
 *		ring, credits the reports as kdamond_apply_access_report()
 *		does (stale, no target, no region, straddling, one credit per
 *		region and tick) and runs the zero-access pass; every
 *		KD_WINDOW ticks the aggregation's age update and reset; and
 *		between ticks splits a region, merges two, or destroys one.
 *
 * With rfc=1 the rings are the RFC's (rfc_ring.h: 4/6's ring as posted,
 * full records), the baseline; the drain is the same.
 *
 * The stream (one line each, format in drain/kstream.c) goes to the
 * kernel log: the header, the initial regions, per tick its jiffies and
 * every report drained, the changes, the final regions, and the counts.
 * The credit is written here against 6.12's types (the series' own
 * kdamond_apply_access_report() needs RFC 1/6's fields in damon_ctx):
 * damon_update_region_access_rate() and damon_moving_sum() as 6.12 has
 * them, with the RFC's access_reported mark beside each region.
 */
#define pr_fmt(fmt) "kcheck_drain: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/damon.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nmi.h>
#endif

#include "damon_access_report.h"
#include "kcheck_design.h"
#include "rfc_ring.h"

static bool rfc;
module_param(rfc, bool, 0444);
MODULE_PARM_DESC(rfc, "the baseline: the RFC's ring (4/6 as posted, full records) instead of the design's");

static unsigned int ticks = 200;
module_param(ticks, uint, 0444);
MODULE_PARM_DESC(ticks, "kdamond ticks while the producers run");

static unsigned int tick_us = 4000;
module_param(tick_us, uint, 0444);
MODULE_PARM_DESC(tick_us, "the sampling interval");

static unsigned int task_us = 1500;
module_param(task_us, uint, 0444);
MODULE_PARM_DESC(task_us, "the task producers report every task_us");

static unsigned int irq_us = 2000;
module_param(irq_us, uint, 0444);
MODULE_PARM_DESC(irq_us, "the hardirq producers report every irq_us");

/**
 * struct kd_ring_ops - the ring the run drains.
 * @name:	the design, or "rfc".
 * @rec_size:	its record size.
 * @size:	bytes of a ring.
 * @init:	set up an empty ring.
 * @produce:	add one report; true if accepted.
 * @consume:	take up to max reports.
 */
struct kd_ring_ops {
	const char *name;
	unsigned int rec_size;
	size_t (*size)(unsigned int capacity, unsigned int rec_size);
	void (*init)(void *ring, unsigned int capacity, unsigned int rec_size,
		     unsigned int cpu);
	bool (*produce)(void *ring, const struct damon_access_report *r);
	unsigned int (*consume)(void *ring, struct damon_access_report *out,
				unsigned int max);
};

static size_t kd_design_size(unsigned int capacity, unsigned int rec_size)
{
	return KCHECK_FN(size)(capacity, rec_size);
}

static void kd_design_init(void *ring, unsigned int capacity,
			   unsigned int rec_size, unsigned int cpu)
{
	KCHECK_FN(init)(ring, capacity, rec_size, cpu);
}

static bool kd_design_produce(void *ring, const struct damon_access_report *r)
{
	return KCHECK_FN(produce)(ring, r);
}

static unsigned int kd_design_consume(void *ring,
				      struct damon_access_report *out,
				      unsigned int max)
{
	return KCHECK_FN(consume)(ring, out, max);
}

static size_t kd_rfc_size(unsigned int capacity, unsigned int rec_size)
{
	return damon_rfc_size(capacity, rec_size);
}

static void kd_rfc_init(void *ring, unsigned int capacity,
			unsigned int rec_size, unsigned int cpu)
{
	damon_rfc_init(ring, capacity, rec_size, cpu);
}

static bool kd_rfc_produce(void *ring, const struct damon_access_report *r)
{
	return damon_rfc_produce(ring, r);
}

static unsigned int kd_rfc_consume(void *ring, struct damon_access_report *out,
				   unsigned int max)
{
	return damon_rfc_consume(ring, out, max);
}

static const struct kd_ring_ops kd_rings[] = {
	{ KCHECK_DESIGN, DAMON_REPORT_COMPACT, kd_design_size, kd_design_init,
	  kd_design_produce, kd_design_consume },
	{ "rfc", DAMON_REPORT_FULL, kd_rfc_size, kd_rfc_init, kd_rfc_produce,
	  kd_rfc_consume },
};

#ifdef KCHECK_LOOKUP

#define KD_CPUS		2	/* the guest's CPUs that produce */
#define KD_CAPACITY	256	/* slots per ring */
#define KD_BATCH	64
#define KD_WINDOW	20	/* len_window: aggr_interval / sample_interval */
#define KD_MAX_REGIONS	64	/* per target */

/* Each CPU's producers, by context. */
enum kd_producer { KD_TASK, KD_IRQ, KD_NMI, KD_NR };

/**
 * struct kd_region - a DAMON region and the RFC's credit mark.
 * @r:		the region, in its target's list.
 * @reported:	credited in this tick (4/6's access_reported).
 */
struct kd_region {
	struct damon_region r;
	bool reported;
};

/**
 * struct kd_cpu - one producing CPU.
 * @ring:	its ring (the design under test).
 * @task:	the task-context producer, bound to the CPU.
 * @timer:	the hardirq producer, pinned to the CPU; it also sends the
 *		other CPU an NMI every second expiry.
 * @rnd:	PRNG state of each producer (each runs on this CPU only).
 * @produced:	reports each producer made.
 * @accepted:	of those, the ring took.
 * @nmi_pending: 1 while an NMI sent to this CPU is not handled yet.
 * @nmi_sent:	NMIs sent to this CPU.
 * @in_produce:	a producer is inside the ring's produce() (the NMI and the
 *		hardirq read it: compiler ordering is enough, one CPU).
 * @nested:	NMIs that landed inside the task (KD_TASK) or the hardirq
 *		(KD_IRQ) producer's produce(); hardirqs inside the task's
 *		(KD_NMI's slot).
 * @expiries:	@timer's expiries.
 * @cpu:	the CPU.
 */
struct kd_cpu {
	void *ring;
	struct task_struct *task;
	struct hrtimer timer;
	u64 rnd[KD_NR];
	u64 produced[KD_NR];
	u64 accepted[KD_NR];
	atomic_t nmi_pending;
	u64 nmi_sent;
	bool in_produce[KD_NR];
	u64 nested[KD_NR];
	u64 expiries;
	int cpu;
};

/**
 * struct kd_counts - what the drain did with the reports (drain/drain.h's
 * drain_counters, the same names).
 * @reports:	drained.
 * @applied:	credited a region.
 * @dedup:	hit a region already credited this tick.
 * @stale:	older than one sampling interval.
 * @no_target:	no target has the tgid.
 * @no_region:	the target has no region there.
 * @straddling:	runs past its region's end.
 */
struct kd_counts {
	u64 reports;
	u64 applied;
	u64 dedup;
	u64 stale;
	u64 no_target;
	u64 no_region;
	u64 straddling;
};

/**
 * struct kd_state - the whole run.
 * @ops:	the ring.
 * @ctx:	the context: two virtual-address targets.
 * @pids:	their pids.
 * @span:	each target's producers' address range [start, end).
 * @cpus:	the producing CPUs.
 * @snap:	the lookup.
 * @alloc:	its buffers' allocator.
 * @reps:	a batch taken from a ring.
 * @found:	each report's region.
 * @c:		the counts.
 * @start:	jiffies at the start.
 * @stop:	set once the producers must stop.
 * @final:	set once they have: the next tick is the last.
 * @done:	kdamond finished its last tick.
 * @kdamond:	the draining kthread.
 * @nr_ticks:	ticks done.
 * @changes:	region changes done.
 * @rnd:	kdamond's PRNG (which region changes).
 * @error:	an allocation failed: the stream is cut.
 */
struct kd_state {
	const struct kd_ring_ops *ops;
	struct damon_ctx *ctx;
	struct pid *pids[2];
	unsigned long span[2][2];
	struct kd_cpu cpus[KD_CPUS];
	KCHECK_LOOKUP_SNAP snap;
	struct damon_snap_alloc alloc;
	struct damon_access_report reps[KD_BATCH];
	struct damon_region *found[KD_BATCH];
	struct kd_counts c;
	unsigned long start;
	bool stop;
	bool final;
	struct completion done;
	struct task_struct *kdamond;
	unsigned long nr_ticks;
	unsigned long changes;
	u64 rnd;
	int error;
};

/* The run the producers and the NMI handler serve. */
static struct kd_state *kd_cur;

static u64 kd_rand(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* ---- producers ------------------------------------------------------- */

/* One report from producer @p of @kc, on @kc's CPU. */
static void kd_produce(struct kd_state *kd, struct kd_cpu *kc,
		       enum kd_producer p)
{
	struct damon_access_report r = { 0 };
	u64 *x = &kc->rnd[p];
	unsigned int ti = kd_rand(x) % 2;
	unsigned long lo = kd->span[ti][0] - PAGE_SIZE;
	unsigned long len = kd->span[ti][1] + PAGE_SIZE - lo;

	/* Pairs with the release in kd_run(): stop producing. */
	if (smp_load_acquire(&kd->stop))
		return;
	r.tgid = kd_rand(x) % 16 ? pid_nr(kd->pids[ti]) : PID_MAX_LIMIT - 1;
	r.tid = r.tgid;
	r.vaddr = lo + ((kd_rand(x) % len) & ~7UL);
	r.paddr = r.vaddr;
	r.size = kd_rand(x) % 8 ? 8 : PAGE_SIZE;
	r.cpu = kc->cpu;
	r.is_write = p == KD_TASK;
	kc->produced[p]++;
	WRITE_ONCE(kc->in_produce[p], true);
	barrier();
	if (kd->ops->produce(kc->ring, &r))
		kc->accepted[p]++;
	barrier();
	WRITE_ONCE(kc->in_produce[p], false);
}

#ifdef CONFIG_X86
static int kd_nmi(unsigned int type, struct pt_regs *regs)
{
	/* Pairs with the release in kd_run(): the address dependency orders. */
	struct kd_state *kd = READ_ONCE(kd_cur);
	struct kd_cpu *kc;
	int cpu = smp_processor_id();

	if (!kd || cpu >= KD_CPUS)
		return NMI_DONE;
	kc = &kd->cpus[cpu];
	/* Full barrier: claim exactly the NMI that was sent (kd_send_nmi()). */
	if (atomic_cmpxchg(&kc->nmi_pending, 1, 0) != 1)
		return NMI_DONE;
	if (READ_ONCE(kc->in_produce[KD_TASK]))
		kc->nested[KD_TASK]++;
	if (READ_ONCE(kc->in_produce[KD_IRQ]))
		kc->nested[KD_IRQ]++;
	kd_produce(kd, kc, KD_NMI);
	return NMI_HANDLED;
}

static int kd_nmi_start(void)
{
	return register_nmi_handler(NMI_LOCAL, kd_nmi, 0, "kcheck_drain");
}

static void kd_nmi_stop(void)
{
	unregister_nmi_handler(NMI_LOCAL, "kcheck_drain");
}

static void kd_nmi_raise(int cpu)
{
	__apic_send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
}
#else
/* NMI producers are x86's (see ringdrain_kcheck.c); elsewhere build only. */
static int kd_nmi_start(void)
{
	return -EOPNOTSUPP;
}

static void kd_nmi_stop(void)
{
}

static void kd_nmi_raise(int cpu)
{
}
#endif /* CONFIG_X86 */

/* Send @kc's CPU an NMI unless the last one is still on its way. */
static void kd_send_nmi(struct kd_cpu *kc)
{
	/* Full barrier: pairs with the cmpxchg in kd_nmi(). */
	if (atomic_cmpxchg(&kc->nmi_pending, 0, 1) != 0)
		return;
	kc->nmi_sent++;
	kd_nmi_raise(kc->cpu);
}

static enum hrtimer_restart kd_timer_fn(struct hrtimer *t)
{
	struct kd_cpu *kc = container_of(t, struct kd_cpu, timer);
	struct kd_state *kd = READ_ONCE(kd_cur);

	if (READ_ONCE(kc->in_produce[KD_TASK]))
		kc->nested[KD_NMI]++;
	kd_produce(kd, kc, KD_IRQ);
	if (++kc->expiries % 2 == 0)
		kd_send_nmi(&kd->cpus[(kc->cpu + 1) % KD_CPUS]);
	hrtimer_forward_now(t, ns_to_ktime(irq_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int kd_task_fn(void *arg)
{
	struct kd_cpu *kc = arg;
	struct kd_state *kd = READ_ONCE(kd_cur);

	hrtimer_start(&kc->timer, ns_to_ktime(irq_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	while (!kthread_should_stop()) {
		preempt_disable();
		kd_produce(kd, kc, KD_TASK);
		preempt_enable();
		usleep_range(task_us, task_us + task_us / 4);
	}
	hrtimer_cancel(&kc->timer);
	return 0;
}

/* ---- kdamond --------------------------------------------------------- */

/* damon_moving_sum() as 6.12 has it. */
static unsigned int kd_moving_sum(unsigned int mvsum, unsigned int nomvsum,
				  unsigned int len_window,
				  unsigned int new_value)
{
	return mvsum - nomvsum / len_window + new_value;
}

/* damon_update_region_access_rate() as 6.12 has it, len_window KD_WINDOW. */
static void kd_update_rate(struct damon_region *r, bool accessed)
{
	r->nr_accesses_bp = kd_moving_sum(r->nr_accesses_bp,
					  r->last_nr_accesses * 10000,
					  KD_WINDOW, accessed ? 10000 : 0);
	if (accessed)
		r->nr_accesses++;
}

/* Credit one looked-up report, in drain/tick.c's order of the checks. */
static void kd_credit(struct kd_state *kd, const struct damon_access_report *rep,
		      struct damon_region *r, unsigned long stale)
{
	struct kd_region *kr;

	if (time_before(rep->report_jiffies, stale)) {
		kd->c.stale++;
		return;
	}
	if (r == DAMON_LOOKUP_NO_TARGET) {
		kd->c.no_target++;
		return;
	}
	if (!r) {
		kd->c.no_region++;
		return;
	}
	if (r->ar.end - rep->vaddr < rep->size) {
		kd->c.straddling++;
		return;
	}
	kr = container_of(r, struct kd_region, r);
	if (kr->reported) {
		kd->c.dedup++;
		return;
	}
	kd_update_rate(r, true);
	kr->reported = true;
	kd->c.applied++;
}

/* One sampling interval: lookup, drain every CPU's ring, zero pass. */
static int kd_tick(struct kd_state *kd)
{
	unsigned long now = jiffies;
	unsigned long stale = now - usecs_to_jiffies(tick_us);
	struct damon_target *t;
	struct damon_region *r;
	int ret;

	ret = KCHECK_LOOKUP_FN(build)(&kd->snap, kd->ctx, &kd->alloc);
	if (ret)
		return ret;
	pr_info("T %lu\n", now - kd->start);
	for (int cpu = 0; cpu < KD_CPUS; cpu++) {
		unsigned int n, budget = KD_CAPACITY * KCHECK_LANES;

		while (budget) {
			n = kd->ops->consume(kd->cpus[cpu].ring, kd->reps,
					     min(budget, KD_BATCH));
			if (!n)
				break;
			budget -= n;
			KCHECK_LOOKUP_FN(lookup)(&kd->snap, kd->ctx, kd->reps, n,
						 kd->found);
			for (unsigned int i = 0; i < n; i++) {
				const struct damon_access_report *rep = &kd->reps[i];

				pr_info("r %d %lx %lx %ld\n", rep->tgid,
					rep->vaddr, rep->size,
					(long)(now - rep->report_jiffies));
				kd->c.reports++;
				kd_credit(kd, rep, kd->found[i], stale);
			}
		}
	}
	/* kdamond_apply_zero_access_report(): absence is reported too. */
	damon_for_each_target(t, kd->ctx) {
		damon_for_each_region(r, t) {
			struct kd_region *kr = container_of(r, struct kd_region, r);

			if (kr->reported)
				kr->reported = false;
			else
				kd_update_rate(r, false);
		}
	}
	pr_info("Z\n");
	kd->nr_ticks++;
	return 0;
}

/* The kernel's abs() of an unsigned int difference. */
static unsigned int kd_abs_diff(unsigned int a, unsigned int b)
{
	int d = (int)(a - b);

	return d < 0 ? -(unsigned int)d : (unsigned int)d;
}

/* damon_merge_regions_of()'s age update, then kdamond_reset_aggregated(). */
static void kd_aggregate(struct kd_state *kd)
{
	unsigned int most = 0, thres;
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, kd->ctx)
		damon_for_each_region(r, t)
			most = max(most, r->nr_accesses);
	thres = most / 10;
	damon_for_each_target(t, kd->ctx) {
		damon_for_each_region(r, t) {
			if (kd_abs_diff(r->nr_accesses, r->last_nr_accesses) > thres)
				r->age = 0;
			else if ((r->nr_accesses == 0) != (r->last_nr_accesses == 0))
				r->age = 0;
			else
				r->age++;
			/* damon_warn_fix_nr_accesses_corruption(), silent. */
			r->nr_accesses_bp = r->nr_accesses * 10000;
			r->last_nr_accesses = r->nr_accesses;
			r->nr_accesses = 0;
		}
	}
	pr_info("A\n");
}

static struct damon_region *kd_new_region(unsigned long start,
					  unsigned long end)
{
	struct kd_region *kr = kzalloc(sizeof(*kr), GFP_KERNEL);

	if (!kr)
		return NULL;
	kr->r.ar.start = start;
	kr->r.ar.end = end;
	INIT_LIST_HEAD(&kr->r.list);
	return &kr->r;
}

static void kd_destroy_region(struct damon_target *t, struct damon_region *r)
{
	list_del(&r->list);
	t->nr_regions--;
	kfree(container_of(r, struct kd_region, r));
}

static struct damon_region *kd_nth_region(struct damon_target *t,
					  unsigned int i)
{
	struct damon_region *r;

	damon_for_each_region(r, t)
		if (!i--)
			return r;
	return NULL;
}

/*
 * Between ticks, in turn: split a region (damon_split_region_at()), merge
 * a region with its adjacent successor (damon_merge_two_regions()), or
 * destroy one (a target's ranges changed).  Logged as S, M, D.
 */
static int kd_change(struct kd_state *kd)
{
	struct damon_target *t = NULL, *it;
	unsigned int ti = kd_rand(&kd->rnd) % 2, i = 0;
	struct damon_region *r, *n;
	unsigned long sz, sl, sr;

	damon_for_each_target(it, kd->ctx)
		if (i++ == ti)
			t = it;
	if (!t || !t->nr_regions)
		return 0;
	r = kd_nth_region(t, kd_rand(&kd->rnd) % t->nr_regions);
	switch (kd->changes++ % 3) {
	case 0:
		sz = r->ar.end - r->ar.start;
		if (sz < 2 * PAGE_SIZE || t->nr_regions >= KD_MAX_REGIONS)
			return 0;
		n = kd_new_region(r->ar.start + PAGE_SIZE *
				  (1 + kd_rand(&kd->rnd) % (sz / PAGE_SIZE - 1)),
				  r->ar.end);
		if (!n)
			return -ENOMEM;
		pr_info("S %d %lx %lx\n", pid_nr(t->pid), r->ar.start,
			n->ar.start);
		r->ar.end = n->ar.start;
		n->age = r->age;
		n->last_nr_accesses = r->last_nr_accesses;
		n->nr_accesses_bp = r->nr_accesses_bp;
		n->nr_accesses = r->nr_accesses;
		list_add(&n->list, &r->list);
		t->nr_regions++;
		return 0;
	case 1:
		/* The first region from @r on with an adjacent successor. */
		while (!list_is_last(&r->list, &t->regions_list) &&
		       damon_next_region(r)->ar.start != r->ar.end)
			r = damon_next_region(r);
		if (list_is_last(&r->list, &t->regions_list))
			return 0;
		n = damon_next_region(r);
		pr_info("M %d %lx\n", pid_nr(t->pid), r->ar.start);
		sl = r->ar.end - r->ar.start;
		sr = n->ar.end - n->ar.start;
		r->nr_accesses = (r->nr_accesses * sl + n->nr_accesses * sr) /
			(sl + sr);
		r->nr_accesses_bp = r->nr_accesses * 10000;
		r->age = (r->age * sl + n->age * sr) / (sl + sr);
		r->ar.end = n->ar.end;
		kd_destroy_region(t, n);
		return 0;
	default:
		if (t->nr_regions <= 3)
			return 0;
		pr_info("D %d %lx\n", pid_nr(t->pid), r->ar.start);
		kd_destroy_region(t, r);
		return 0;
	}
}

static int kd_kdamond_fn(void *arg)
{
	struct kd_state *kd = arg;

	for (;;) {
		/* Pairs with the release in kd_run(): every producer stopped. */
		bool last = smp_load_acquire(&kd->final);

		kd->error = kd_tick(kd);
		if (kd->error || last)
			break;
		if (kd->nr_ticks % KD_WINDOW == 0)
			kd_aggregate(kd);
		if (kd->nr_ticks % 3 == 0)
			kd->error = kd_change(kd);
		if (kd->error)
			break;
		usleep_range(tick_us, tick_us + tick_us / 4);
	}
	complete(&kd->done);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule();
	}
	return 0;
}

/* ---- setup ------------------------------------------------------------ */

static void kd_free(struct kd_state *kd)
{
	struct damon_target *t, *tn;
	struct damon_region *r, *rn;

	if (kd->ctx) {
		damon_for_each_target_safe(t, tn, kd->ctx) {
			damon_for_each_region_safe(r, rn, t)
				kd_destroy_region(t, r);
			list_del(&t->list);
			kfree(t);
		}
		kfree(kd->ctx);
	}
	KCHECK_LOOKUP_FN(release)(&kd->snap, &kd->alloc);
	for (int i = 0; i < 2; i++)
		put_pid(kd->pids[i]);
	for (int cpu = 0; cpu < KD_CPUS; cpu++)
		vfree(kd->cpus[cpu].ring);
	kfree(kd);
}

/*
 * Target 0: twelve regions of four pages touching each other, a gap, four
 * more; target 1: ten regions of two pages with a page between them.
 */
static int kd_setup(struct kd_state *kd)
{
	size_t size = kd->ops->size(KD_CAPACITY, kd->ops->rec_size);
	unsigned long base[2] = { 0x10000000UL, 0x7f0000000000UL };
	unsigned int nr = 1;

	kd->ctx = kzalloc(sizeof(*kd->ctx), GFP_KERNEL);
	if (!kd->ctx)
		return -ENOMEM;
	INIT_LIST_HEAD(&kd->ctx->adaptive_targets);
	kd->ctx->ops.id = DAMON_OPS_VADDR;
	kd->alloc.gfp = GFP_KERNEL;
	for (int i = 0; i < 2; i++) {
		struct damon_target *t = kzalloc(sizeof(*t), GFP_KERNEL);
		unsigned long a = base[i];

		if (!t)
			return -ENOMEM;
		INIT_LIST_HEAD(&t->regions_list);
		list_add_tail(&t->list, &kd->ctx->adaptive_targets);
		while (!kd->pids[i] && nr < 4096)
			kd->pids[i] = find_get_pid(nr++);
		if (!kd->pids[i])
			return -ESRCH;
		t->pid = kd->pids[i];
		for (int j = 0; j < (i ? 10 : 16); j++) {
			unsigned long len = (i ? 2 : 4) * PAGE_SIZE;
			struct damon_region *r;

			if (!i && j == 12)
				a += 8 * PAGE_SIZE;
			r = kd_new_region(a, a + len);
			if (!r)
				return -ENOMEM;
			list_add_tail(&r->list, &t->regions_list);
			t->nr_regions++;
			a += len + (i ? PAGE_SIZE : 0);
		}
		kd->span[i][0] = base[i];
		kd->span[i][1] = a;
	}
	for (int cpu = 0; cpu < KD_CPUS; cpu++) {
		struct kd_cpu *kc = &kd->cpus[cpu];

		kc->cpu = cpu;
		kc->ring = vzalloc(size);
		if (!kc->ring)
			return -ENOMEM;
		kd->ops->init(kc->ring, KD_CAPACITY, kd->ops->rec_size, cpu);
		for (int p = 0; p < KD_NR; p++)
			kc->rnd[p] = 0x9e3779b97f4a7c15ULL * (cpu * KD_NR + p + 1);
		atomic_set(&kc->nmi_pending, 0);
		hrtimer_init(&kc->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		kc->timer.function = kd_timer_fn;
	}
	kd->rnd = 0xbf58476d1ce4e5b9ULL;
	init_completion(&kd->done);
	return 0;
}

static void kd_log_regions(struct kd_state *kd, bool final)
{
	struct damon_target *t;
	struct damon_region *r;

	damon_for_each_target(t, kd->ctx)
		damon_for_each_region(r, t)
			if (final)
				pr_info("F %d %lx %lx %u %u %u %u\n",
					pid_nr(t->pid), r->ar.start, r->ar.end,
					r->nr_accesses, r->nr_accesses_bp,
					r->last_nr_accesses, r->age);
			else
				pr_info("L %d %lx %lx\n", pid_nr(t->pid),
					r->ar.start, r->ar.end);
}

/* The run; prints the stream and one summary line. */
static void kd_run(void)
{
	struct kd_state *kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	u64 prod[KD_NR] = { 0 }, acc[KD_NR] = { 0 }, nest[KD_NR] = { 0 };
	u64 nmis = 0, left = 0;
	bool nmi;
	int ret;

	if (!kd) {
		pr_err("drain: result=FAIL why=out of memory\n");
		return;
	}
	kd->ops = &kd_rings[rfc];
	ret = kd_setup(kd);
	if (ret) {
		pr_err("drain: result=FAIL why=setup failed (%d)\n", ret);
		kd_free(kd);
		return;
	}
	kd->start = jiffies;
	pr_info("kstream 1 window=%u stale=%lu\n", KD_WINDOW,
		usecs_to_jiffies(tick_us));
	kd_log_regions(kd, false);
	/* Release: the handler and the timers see an initialised run. */
	smp_store_release(&kd_cur, kd);
	nmi = !kd_nmi_start();
	for (int cpu = 0; cpu < KD_CPUS; cpu++) {
		struct kd_cpu *kc = &kd->cpus[cpu];

		kc->task = kthread_create_on_cpu(kd_task_fn, kc, cpu,
						 "kcheck_drain_task/%u");
		if (IS_ERR(kc->task))
			kc->task = NULL;
		else
			wake_up_process(kc->task);
	}
	kd->kdamond = kthread_run(kd_kdamond_fn, kd, "kcheck_kdamond");
	if (IS_ERR(kd->kdamond)) {
		kd->kdamond = NULL;
		complete(&kd->done);
	}
	msleep(ticks * tick_us / 1000);
	/* Release: pairs with the acquire in kd_produce(). */
	smp_store_release(&kd->stop, true);
	for (int cpu = 0; cpu < KD_CPUS; cpu++)
		if (kd->cpus[cpu].task)
			kthread_stop(kd->cpus[cpu].task);
	for (int i = 0; i < 1000; i++) {
		if (!atomic_read(&kd->cpus[0].nmi_pending) &&
		    !atomic_read(&kd->cpus[1].nmi_pending))
			break;
		usleep_range(100, 200);
	}
	if (nmi)
		kd_nmi_stop();
	/* Release: pairs with the acquire in kd_kdamond_fn(): the last tick. */
	smp_store_release(&kd->final, true);
	wait_for_completion(&kd->done);
	if (kd->kdamond)
		kthread_stop(kd->kdamond);
	WRITE_ONCE(kd_cur, NULL);

	for (int cpu = 0; cpu < KD_CPUS; cpu++) {
		struct damon_access_report rep;

		for (int p = 0; p < KD_NR; p++) {
			prod[p] += kd->cpus[cpu].produced[p];
			acc[p] += kd->cpus[cpu].accepted[p];
			nest[p] += kd->cpus[cpu].nested[p];
		}
		nmis += kd->cpus[cpu].nmi_sent;
		while (kd->ops->consume(kd->cpus[cpu].ring, &rep, 1))
			left++;
	}
	kd_log_regions(kd, true);
	pr_info("E %llu %lu\n", kd->c.reports, kd->nr_ticks);
	pr_info("drain: design=%s record=%u lookup=%s ticks=%lu changes=%lu reports=%llu applied=%llu dedup=%llu stale=%llu no_target=%llu no_region=%llu straddling=%llu\n",
		kd->ops->name, kd->ops->rec_size, KCHECK_LOOKUP, kd->nr_ticks, kd->changes,
		kd->c.reports, kd->c.applied, kd->c.dedup, kd->c.stale,
		kd->c.no_target, kd->c.no_region, kd->c.straddling);
	pr_info("drain: produced task=%llu hardirq=%llu nmi=%llu accepted task=%llu hardirq=%llu nmi=%llu nmi_sent=%llu nmi_in_task_produce=%llu nmi_in_hardirq_produce=%llu hardirq_in_task_produce=%llu left_in_rings=%llu\n",
		prod[KD_TASK], prod[KD_IRQ], prod[KD_NMI], acc[KD_TASK],
		acc[KD_IRQ], acc[KD_NMI], nmis, nest[KD_TASK], nest[KD_IRQ],
		nest[KD_NMI], left);
	if (kd->error || left ||
	    acc[KD_TASK] + acc[KD_IRQ] + acc[KD_NMI] != kd->c.reports)
		pr_info("drain: result=FAIL why=%s\n", kd->error ?
			"kdamond stopped on an error" :
			"the stream does not hold every accepted report");
	else
		pr_info("drain: result=LOGGED\n");
	kd_free(kd);
}
#endif /* KCHECK_LOOKUP */

static int __init kd_init(void)
{
	if (num_online_cpus() < 2 || !cpu_online(0) || !cpu_online(1)) {
		pr_err("drain: result=FAIL why=needs CPUs 0 and 1 online\n");
		return 0;
	}
#ifdef KCHECK_LOOKUP
	if (!ticks || tick_us < 1000 || !task_us || !irq_us) {
		pr_err("drain: result=FAIL why=bad parameters\n");
		return 0;
	}
	kd_run();
#else
	pr_info("drain: design=%s result=SKIP why=the series has no lookup\n",
		kd_rings[rfc].name);
#endif
	return 0;
}

static void __exit kd_exit(void)
{
}

module_init(kd_init);
module_exit(kd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ringdrain: the exported ring and lookup drained as kdamond drains them");
