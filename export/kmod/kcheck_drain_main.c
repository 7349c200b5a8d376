// SPDX-License-Identifier: GPL-2.0
/*
 * kcheck_drain_main.c - the drain module's harness: the ring and drain
 * functions of mm/damon/core.c, as the series leaves them (damon_core.c)
 * or as RFC v1 4/6 posted them (damon_core_rfc.c, rfc=1), run as kdamond
 * runs them, over DAMON targets and regions that change between ticks,
 * with task, hardirq and NMI producers on both CPUs; the drained report
 * stream is logged so that userspace can replay it (ringdrain replay
 * --kstream) and compare every region's end.
 *
 * It keeps a virtual-address context of its own (struct damon_ctx,
 * damon_target and damon_region of <linux/damon.h>: 6.12's with what the
 * RFC's tree adds, damon-6.12.patch) under the guest's first pids, and runs:
 *
 *   producers	on both CPUs, calling the text's damon_report_access():
 *		a kthread in task context (preemption disabled around each
 *		report), a pinned hrtimer in hardirq context, and (x86) an
 *		NMI handler that reports once per NMI IPI, sent by the
 *		other CPU's hrtimer;
 *   kdamond	a kthread that, each tick, calls the text's
 *		kdamond_check_reported_accesses() (the lookup's rebuild,
 *		the drain of every CPU's ring, the credit and the
 *		zero-access pass are all the text's); every KD_WINDOW ticks
 *		the aggregation's age update and reset; and between ticks
 *		splits a region, merges two, or destroys one.
 *
 * The stream (one line each, format in drain/kstream.c) goes to the
 * kernel log: the header, the initial regions, per tick its jiffies and
 * every report the drain takes (logged as it takes it: kcheck_base.c),
 * the changes, the final regions, and the counts.  4/6's drain reads its
 * ring in place, so with rfc=1 the reports are logged just before it
 * reads them, with the producers held off for that tick's drain.
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
#include "kcheck_core.h"
#include "kcheck_drain.h"

static bool rfc;
module_param(rfc, bool, 0444);
MODULE_PARM_DESC(rfc, "the baseline: RFC v1 4/6's ring and drain as posted instead of the series'");

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

#define KD_WINDOW	20	/* len_window: aggr_interval / sample_interval */
#define KD_MAX_REGIONS	64	/* per target */

/**
 * struct kd_core - one core.c text: its entry points (kcheck_core.h).
 * @design:	its ring's name.
 * @lookup:	its drain's lookup's name.
 * @record:	the ring's record size.
 * @hold:	the producers must be held off around a tick (the drain
 *		reads its ring in place, kcheck_v1_tick()).
 * @init:	set the rings up.
 * @exit:	free them.
 * @report:	its damon_report_access().
 * @tick:	its kdamond_check_reported_accesses().
 * @left:	what the rings still hold.
 * @free:	free the drain's buffers of a context.
 */
struct kd_core {
	const char * const *design;
	const char * const *lookup;
	const unsigned int *record;
	bool hold;
	int (*init)(void);
	void (*exit)(void);
	void (*report)(struct damon_access_report *report);
	unsigned int (*tick)(struct damon_ctx *ctx);
	unsigned long (*left)(void);
	void (*free)(struct damon_ctx *ctx);
};

static const struct kd_core kd_cores[] = {
	{ &kcheck_v2_design, &kcheck_v2_lookup, &kcheck_v2_record, false,
	  kcheck_v2_init, kcheck_v2_exit, kcheck_v2_report, kcheck_v2_tick,
	  kcheck_v2_left, kcheck_v2_free },
	{ &kcheck_v1_design, &kcheck_v1_lookup, &kcheck_v1_record, true,
	  kcheck_v1_init, kcheck_v1_exit, kcheck_v1_report, kcheck_v1_tick,
	  kcheck_v1_left, kcheck_v1_free },
};

/**
 * struct kd_cpu - one producing CPU.
 * @task:	the task-context producer, bound to the CPU.
 * @timer:	the hardirq producer, pinned to the CPU; it also sends the
 *		other CPU an NMI every second expiry.
 * @rnd:	PRNG state of each producer (each runs on this CPU only).
 * @produced:	reports each producer made.
 * @nmi_pending: 1 while an NMI sent to this CPU is not handled yet.
 * @nmi_sent:	NMIs sent to this CPU.
 * @in_produce:	a producer is inside damon_report_access() (the NMI and the
 *		hardirq read it on this CPU, kd_hold_producers() from another).
 * @nested:	NMIs that landed inside the task (KCHECK_TASK) or the
 *		hardirq (KCHECK_IRQ) producer's report; hardirqs inside the
 *		task's (KCHECK_NMI's slot).
 * @expiries:	@timer's expiries.
 * @cpu:	the CPU.
 */
struct kd_cpu {
	struct task_struct *task;
	struct hrtimer timer;
	u64 rnd[KCHECK_NR];
	u64 produced[KCHECK_NR];
	atomic_t nmi_pending;
	u64 nmi_sent;
	bool in_produce[KCHECK_NR];
	u64 nested[KCHECK_NR];
	u64 expiries;
	int cpu;
};

/**
 * struct kd_state - the whole run.
 * @core:	the core.c text under test.
 * @ctx:	the context: two virtual-address targets.
 * @pids:	their pids.
 * @span:	each target's producers' address range [start, end).
 * @cpus:	the producing CPUs.
 * @start:	jiffies at the start.
 * @stop:	set once the producers must stop.
 * @hold:	set while the producers must not report (@core's hold).
 * @final:	set once they have stopped: the next tick is the last.
 * @done:	kdamond finished its last tick.
 * @kdamond:	the draining kthread.
 * @nr_ticks:	ticks done.
 * @changes:	region changes done.
 * @rnd:	kdamond's PRNG (which region changes).
 * @error:	an allocation failed: the stream is cut.
 */
struct kd_state {
	const struct kd_core *core;
	struct damon_ctx *ctx;
	struct pid *pids[2];
	unsigned long span[2][2];
	struct kd_cpu cpus[KCHECK_CPUS];
	unsigned long start;
	bool stop;
	bool hold;
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
		       enum kcheck_context p)
{
	struct damon_access_report r = { 0 };
	u64 *x = &kc->rnd[p];
	unsigned int ti = kd_rand(x) % 2;
	unsigned long lo = kd->span[ti][0] - PAGE_SIZE;
	unsigned long len = kd->span[ti][1] + PAGE_SIZE - lo;

	/* Pairs with the release in kd_run(): stop producing. */
	if (smp_load_acquire(&kd->stop))
		return;
	WRITE_ONCE(kc->in_produce[p], true);
	/*
	 * Full barrier, pairs with the one in kd_hold_producers(): either it
	 * sees this producer inside, or this producer sees the hold.
	 */
	smp_mb();
	if (READ_ONCE(kd->hold)) {
		WRITE_ONCE(kc->in_produce[p], false);
		return;
	}
	r.tgid = kd_rand(x) % 16 ? pid_nr(kd->pids[ti]) : PID_MAX_LIMIT - 1;
	r.tid = r.tgid;
	r.vaddr = lo + ((kd_rand(x) % len) & ~7UL);
	r.paddr = r.vaddr;
	r.size = kd_rand(x) % 8 ? 8 : PAGE_SIZE;
	r.cpu = kc->cpu;
	r.is_write = p == KCHECK_TASK;
	kc->produced[p]++;
	kd->core->report(&r);
	/* Release: pairs with the acquire in kd_hold_producers(). */
	smp_store_release(&kc->in_produce[p], false);
}

/*
 * Hold the producers off: on return none is inside damon_report_access()
 * and none will enter it until kd_release_producers().
 */
static void kd_hold_producers(struct kd_state *kd)
{
	WRITE_ONCE(kd->hold, true);
	smp_mb(); /* pairs with the smp_mb() in kd_produce() */
	for (int cpu = 0; cpu < KCHECK_CPUS; cpu++)
		for (int p = 0; p < KCHECK_NR; p++)
			/* Acquire: pairs with the release in kd_produce(). */
			while (smp_load_acquire(&kd->cpus[cpu].in_produce[p]))
				cpu_relax();
}

static void kd_release_producers(struct kd_state *kd)
{
	/* Release: the drain's reads of the rings are done. */
	smp_store_release(&kd->hold, false);
}

static int kd_nmi(unsigned int type, struct pt_regs *regs)
{
	/* Pairs with the release in kd_run(): the address dependency orders. */
	struct kd_state *kd = READ_ONCE(kd_cur);
	struct kd_cpu *kc;
	int cpu = smp_processor_id();

	if (!kd || cpu >= KCHECK_CPUS)
		return NMI_DONE;
	kc = &kd->cpus[cpu];
	/* Full barrier: claim exactly the NMI that was sent (kd_send_nmi()). */
	if (atomic_cmpxchg(&kc->nmi_pending, 1, 0) != 1)
		return NMI_DONE;
	if (READ_ONCE(kc->in_produce[KCHECK_TASK]))
		kc->nested[KCHECK_TASK]++;
	if (READ_ONCE(kc->in_produce[KCHECK_IRQ]))
		kc->nested[KCHECK_IRQ]++;
	kd_produce(kd, kc, KCHECK_NMI);
	return NMI_HANDLED;
}

/* Send @kc's CPU an NMI unless the last one is still on its way. */
static void kd_send_nmi(struct kd_cpu *kc)
{
	/* Full barrier: pairs with the cmpxchg in kd_nmi(). */
	if (atomic_cmpxchg(&kc->nmi_pending, 0, 1) != 0)
		return;
	kc->nmi_sent++;
	kcheck_nmi_raise(kc->cpu);
}

static enum hrtimer_restart kd_timer_fn(struct hrtimer *t)
{
	struct kd_cpu *kc = container_of(t, struct kd_cpu, timer);
	struct kd_state *kd = READ_ONCE(kd_cur);

	if (READ_ONCE(kc->in_produce[KCHECK_TASK]))
		kc->nested[KCHECK_NMI]++;
	kd_produce(kd, kc, KCHECK_IRQ);
	if (++kc->expiries % 2 == 0)
		kd_send_nmi(&kd->cpus[(kc->cpu + 1) % KCHECK_CPUS]);
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
		kd_produce(kd, kc, KCHECK_TASK);
		preempt_enable();
		usleep_range(task_us, task_us + task_us / 4);
	}
	hrtimer_cancel(&kc->timer);
	return 0;
}

/* ---- kdamond --------------------------------------------------------- */

/* One sampling interval: the text's drain, between T and Z. */
static void kd_tick(struct kd_state *kd)
{
	unsigned long now = kcheck_tick_begin();

	pr_info("T %lu\n", now - kd->start);
	if (kd->core->hold)
		kd_hold_producers(kd);
	kd->core->tick(kd->ctx);
	if (kd->core->hold)
		kd_release_producers(kd);
	pr_info("Z\n");
	kd->nr_ticks++;
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
	struct damon_region *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	r->ar.start = start;
	r->ar.end = end;
	INIT_LIST_HEAD(&r->list);
	return r;
}

static void kd_destroy_region(struct damon_target *t, struct damon_region *r)
{
	list_del(&r->list);
	t->nr_regions--;
	kfree(r);
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

		kd_tick(kd);
		if (last)
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
		kd->core->free(kd->ctx);
		damon_for_each_target_safe(t, tn, kd->ctx) {
			damon_for_each_region_safe(r, rn, t)
				kd_destroy_region(t, r);
			list_del(&t->list);
			kfree(t);
		}
		kfree(kd->ctx);
	}
	for (int i = 0; i < 2; i++)
		put_pid(kd->pids[i]);
	kfree(kd);
}

/*
 * Target 0: twelve regions of four pages touching each other, a gap, four
 * more; target 1: ten regions of two pages with a page between them.
 */
static int kd_setup(struct kd_state *kd)
{
	unsigned long base[2] = { 0x10000000UL, 0x7f0000000000UL };
	struct damon_ctx *ctx;
	unsigned int nr = 1;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kd->ctx = ctx;
	INIT_LIST_HEAD(&ctx->adaptive_targets);
	INIT_LIST_HEAD(&ctx->schemes);
	INIT_LIST_HEAD(&ctx->sample_control.sample_filters);
	INIT_LIST_HEAD(&ctx->perf_events);
	ctx->ops.id = DAMON_OPS_VADDR;
	ctx->attrs.sample_interval = tick_us;
	ctx->attrs.aggr_interval = (unsigned long)tick_us * KD_WINDOW;
	for (int i = 0; i < 2; i++) {
		struct damon_target *t = kzalloc(sizeof(*t), GFP_KERNEL);
		unsigned long a = base[i];

		if (!t)
			return -ENOMEM;
		INIT_LIST_HEAD(&t->regions_list);
		list_add_tail(&t->list, &ctx->adaptive_targets);
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
	for (int cpu = 0; cpu < KCHECK_CPUS; cpu++) {
		struct kd_cpu *kc = &kd->cpus[cpu];

		kc->cpu = cpu;
		for (int p = 0; p < KCHECK_NR; p++)
			kc->rnd[p] = 0x9e3779b97f4a7c15ULL * (cpu * KCHECK_NR + p + 1);
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

/* The run; prints the stream and the summary lines. */
static void kd_run(const struct kd_core *core)
{
	struct kd_state *kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	u64 prod[KCHECK_NR] = { 0 }, ref[KCHECK_NR] = { 0 };
	u64 nest[KCHECK_NR] = { 0 }, accepted = 0;
	u64 nmis = 0, left;
	bool nmi;
	int ret;

	if (!kd) {
		pr_err("drain: result=FAIL why=out of memory\n");
		return;
	}
	kd->core = core;
	memset(&kcheck_counts, 0, sizeof(kcheck_counts));
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
	nmi = !kcheck_nmi_start(kd_nmi, "kcheck_drain");
	for (int cpu = 0; cpu < KCHECK_CPUS; cpu++) {
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
	for (int cpu = 0; cpu < KCHECK_CPUS; cpu++)
		if (kd->cpus[cpu].task)
			kthread_stop(kd->cpus[cpu].task);
	for (int i = 0; i < 1000; i++) {
		if (!atomic_read(&kd->cpus[0].nmi_pending) &&
		    !atomic_read(&kd->cpus[1].nmi_pending))
			break;
		usleep_range(100, 200);
	}
	if (nmi)
		kcheck_nmi_stop("kcheck_drain");
	/* Release: pairs with the acquire in kd_kdamond_fn(): the last tick. */
	smp_store_release(&kd->final, true);
	wait_for_completion(&kd->done);
	if (kd->kdamond)
		kthread_stop(kd->kdamond);
	WRITE_ONCE(kd_cur, NULL);

	for (int cpu = 0; cpu < KCHECK_CPUS; cpu++) {
		for (int p = 0; p < KCHECK_NR; p++) {
			prod[p] += kd->cpus[cpu].produced[p];
			ref[p] += atomic_long_read(&kcheck_counts.refused[cpu][p]);
			nest[p] += kd->cpus[cpu].nested[p];
		}
		nmis += kd->cpus[cpu].nmi_sent;
	}
	for (int p = 0; p < KCHECK_NR; p++)
		accepted += prod[p] - ref[p];
	left = core->left();
	kd_log_regions(kd, true);
	pr_info("E %llu %lu\n", kcheck_counts.reports, kd->nr_ticks);
	pr_info("drain: design=%s record=%u lookup=%s ticks=%lu changes=%lu reports=%llu applied=%llu\n",
		*core->design, *core->record, *core->lookup, kd->nr_ticks,
		kd->changes, kcheck_counts.reports, kcheck_counts.applied);
	pr_info("drain: produced task=%llu hardirq=%llu nmi=%llu refused task=%llu hardirq=%llu nmi=%llu nmi_sent=%llu nmi_in_task_produce=%llu nmi_in_hardirq_produce=%llu hardirq_in_task_produce=%llu left_in_rings=%llu\n",
		prod[KCHECK_TASK], prod[KCHECK_IRQ], prod[KCHECK_NMI],
		ref[KCHECK_TASK], ref[KCHECK_IRQ], ref[KCHECK_NMI], nmis,
		nest[KCHECK_TASK], nest[KCHECK_IRQ], nest[KCHECK_NMI], left);
	if (kd->error || left || accepted != kcheck_counts.reports)
		pr_info("drain: result=FAIL why=%s\n", kd->error ?
			"kdamond stopped on an error" :
			"the stream does not hold every accepted report");
	else
		pr_info("drain: result=LOGGED\n");
	kd_free(kd);
}

static int __init kd_init(void)
{
	const struct kd_core *core = &kd_cores[rfc];
	int ret;

	if (num_online_cpus() < 2 || !cpu_online(0) || !cpu_online(1)) {
		pr_err("drain: result=FAIL why=needs CPUs 0 and 1 online\n");
		return 0;
	}
	if (!ticks || tick_us < 1000 || !task_us || !irq_us) {
		pr_err("drain: result=FAIL why=bad parameters\n");
		return 0;
	}
	ret = core->init();
	if (ret) {
		pr_err("drain: result=FAIL why=the rings' setup failed (%d)\n", ret);
		core->exit();
		return 0;
	}
	kd_run(core);
	core->exit();
	return 0;
}

static void __exit kd_exit(void)
{
}

module_init(kd_init);
module_exit(kd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ringdrain: core.c's ring and drain, the series' or RFC v1 4/6's, run as kdamond runs them");
