// SPDX-License-Identifier: GPL-2.0
/*
 * producer.c - the producers of ringdrain stress, one thread (one "CPU")
 * each, and the contexts they produce from:
 *
 *   thread	the thread produces in a loop (task context, level 0);
 *   signal	only signal handlers produce: a POSIX timer per thread
 *		(SIGEV_THREAD_ID) and a pthread_kill() storm from another
 *		thread; each handler blocks the other's signal, so they never
 *		nest and each ring keeps one producer at a time;
 *   perf	the handler runs on perf overflow signals (perf.c);
 *   nest	the thread produces in a loop while the timer and the storm
 *		produce from their handlers on top of it; either handler can
 *		interrupt the other (depth 2), and neither itself, so the
 *		depth never exceeds 2.
 *
 * Hooks builds (-DRD_NEST_HOOKS, test only) can aim the nesting instead of
 * waiting for it: rd_nest_point_hit() raises a signal at a chosen hook
 * point inside a produce(), so the handler produces exactly there, as an
 * NMI landing at that instruction would (--aim N).
 *
 * Everything that runs in a handler is async-signal-safe: thread-local and
 * per-level counters, the ring's produce(), and (hooks builds) tgkill.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stress_int.h"

__thread struct rd_stress_producer *rd_stress_self;

/* Signal numbers, set once before any thread starts. */
static int sig_timer, sig_storm, sig_perf, sig_aim[RD_STRESS_AIM_LEVELS];
static unsigned int timer_burst;	/* records per timer signal */
static u64 stress_seed;
static unsigned int stress_aim_every;
static sigset_t stress_used;		/* the signals the producers unblock */

#define RD_STRESS_TIMER_NS	20000	/* a timer signal every 20 us */
#define RD_STRESS_NEST_BURST	16	/* records per timer signal, nest mode */

/**
 * rd_stress_aim_before() - arm this level's produce() for an aimed signal.
 * @p:		the producer.
 * @level:	the context level about to produce.
 * @aim:	aim at this call whatever the count says.
 *
 * Context: the producer's thread at @level, right before its produce().
 */
static void rd_stress_aim_before(struct rd_stress_producer *p,
				 unsigned int level, bool aim)
{
#ifdef RD_NEST_HOOKS
	struct rd_stress_aim *a;

	if (level >= RD_STRESS_AIM_LEVELS)
		return;
	a = &p->aim[level];
	a->seen = 0;
	a->fired = false;
	a->armed = stress_aim_every &&
		(aim || p->lvl[level].produced % stress_aim_every == 0);
	if (a->armed)
		a->target = 1 + a->rounds++ % (a->points ? a->points : 1);
#endif
}

/**
 * rd_stress_aim_after() - learn from an (aimed) produce() that returned.
 * @p:		the producer.
 * @level:	its context level.
 * @c:		that level's counters.
 * @accepted:	what produce() returned.
 *
 * Context: the producer's thread at @level, right after its produce().
 */
static void rd_stress_aim_after(struct rd_stress_producer *p,
				unsigned int level, struct rd_stress_counts *c,
				bool accepted)
{
#ifdef RD_NEST_HOOKS
	struct rd_stress_aim *a;

	if (level >= RD_STRESS_AIM_LEVELS)
		return;
	a = &p->aim[level];
	if (a->seen > a->points)
		a->points = a->seen;	/* target every point over time */
	if (a->fired) {
		rd_stress_stat_inc(&c->aimed);
		if (accepted)
			rd_stress_stat_inc(&c->aimed_accepted);
	}
	a->armed = a->fired = false;
#endif
}

#ifdef RD_NEST_HOOKS
static pid_t stress_pid;

/**
 * rd_nest_point_hit() - a producer passed a hook point (hooks builds).
 *
 * Raises the level's nesting signal when this is the point the current
 * produce() is aimed at.  The signal is unblocked at depths 0 and 1 (see
 * rd_stress_signals_setup()), so the kernel runs its handler before tgkill
 * returns: the nested producer runs exactly here.
 *
 * Context: a producer, in any context; async-signal-safe.
 */
void rd_nest_point_hit(void)
{
	struct rd_stress_producer *p = rd_stress_self;
	/* Relaxed: this thread's own; every handler restores it on return. */
	unsigned int level = READ_ONCE(rd_ctx_depth);
	struct rd_stress_aim *a;
	int saved_errno;

	if (!p || level >= RD_STRESS_AIM_LEVELS)
		return;
	a = &p->aim[level];
	if (++a->seen != a->target || !a->armed)
		return;
	a->armed = false;
	a->fired = true;
	saved_errno = errno;
	syscall(SYS_tgkill, stress_pid, p->tid, sig_aim[level]);
	errno = saved_errno;
}
#endif

/**
 * rd_stress_produce_one() - produce the next record of the current level.
 * @p:		the producer running on this thread.
 * @aim_deeper:	hooks builds: aim a nesting signal at this call.
 *
 * The level is rd_ctx_depth: 0 in task context, the handler depth in a
 * signal handler.  The record's sequence number advances only when the
 * ring accepts it.
 *
 * Context: @p's thread, task context or a signal handler on it;
 * async-signal-safe.
 * Return: what the ring's produce() returned.
 */
bool rd_stress_produce_one(struct rd_stress_producer *p, bool aim_deeper)
{
	/* Relaxed: this thread's own; every handler restores it on return. */
	unsigned int level = READ_ONCE(rd_ctx_depth);
	struct damon_access_report r;
	struct rd_stress_counts *c;
	bool nested = false, accepted;

	if (level >= RD_STRESS_LEVELS)
		return false;	/* the signal masks keep depth <= 2 */
	c = &p->lvl[level];
	/*
	 * in_produce[]: relaxed, only this thread and its handlers touch it;
	 * the signal fences keep the stores on their side of produce() for a
	 * handler that interrupts it.
	 */
	for (unsigned int l = 0; l < level; l++)
		nested |= READ_ONCE(p->in_produce[l]);
	rd_stress_record(&r, stress_seed, p->id, level, c->seq);
	rd_stress_aim_before(p, level, aim_deeper);
	WRITE_ONCE(p->in_produce[level], 1);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	accepted = rd_ring_produce(p->ring, &r);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(p->in_produce[level], 0);
	rd_stress_aim_after(p, level, c, accepted);
	rd_stress_stat_inc(&c->produced);
	if (nested)
		rd_stress_stat_inc(&c->nested);
	if (nested && accepted)
		rd_stress_stat_inc(&c->nested_accepted);
	if (accepted)
		rd_stress_stat_inc(&c->seq);
	return accepted;
}

/**
 * rd_stress_on_signal() - timer, storm and aimed signals: produce.
 * @sig:	the signal.
 * @si:		unused.
 * @uc:		unused.
 *
 * Context: a signal handler on a producer thread; async-signal-safe.
 */
static void rd_stress_on_signal(int sig, siginfo_t *si, void *uc)
{
	struct rd_stress_producer *p = rd_stress_self;
	unsigned int n = sig == sig_timer ? timer_burst : 1;
	bool aim_deeper = sig == sig_aim[0];
	unsigned int depth;

	if (!p)
		return;
	rd_ctx_enter();
	/* Relaxed: this thread's own, just set by rd_ctx_enter(). */
	depth = READ_ONCE(rd_ctx_depth);
	if (depth < RD_STRESS_LEVELS)
		rd_stress_stat_inc(&p->lvl[depth].signals);
	while (n--)
		rd_stress_produce_one(p, aim_deeper);
	rd_ctx_exit();
}

/**
 * rd_stress_on_perf() - a perf overflow signal: read the samples, produce.
 * @sig:	the perf signal, or SIGIO when its queue overflowed.
 * @si:		unused: the producer's own event is the only one.
 * @uc:		unused.
 *
 * Context: a signal handler on a producer thread; async-signal-safe.
 */
static void rd_stress_on_perf(int sig, siginfo_t *si, void *uc)
{
	struct rd_stress_producer *p = rd_stress_self;
	struct rd_stress_counts *c;

	if (!p || !p->perf_map)
		return;
	rd_ctx_enter();
	/* Relaxed: this thread's own; perf handlers never nest (depth 1). */
	c = &p->lvl[READ_ONCE(rd_ctx_depth)];
	rd_stress_stat_inc(&c->signals);
	rd_stress_perf_read(p, c);
	rd_stress_produce_one(p, false);
	rd_ctx_exit();
}

/**
 * rd_stress_handle() - install @fn for @sig, blocking @blocks while it runs.
 * @sig:	the signal.
 * @fn:		its handler.
 * @blocks:	signals the handler blocks besides @sig itself.
 * @nr_blocks:	how many.
 * @e:		filled on failure.
 *
 * Context: the main thread, before any thread starts.
 * Return: 0, or -errno with @e filled.
 */
static int rd_stress_handle(int sig, void (*fn)(int, siginfo_t *, void *),
			    const int *blocks, unsigned int nr_blocks,
			    struct rd_err *e)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (unsigned int i = 0; i < nr_blocks; i++)
		sigaddset(&sa.sa_mask, blocks[i]);
	if (sigaction(sig, &sa, NULL))
		return rd_errf(e, errno, "sigaction(%d): %s", sig,
			       strerror(errno));
	return 0;
}

/**
 * rd_stress_signals_setup() - install the handlers @cfg's mode uses.
 * @cfg:	the run.
 * @used:	filled with the signals the producers unblock.
 * @e:		filled on failure.
 *
 * The handler masks bound the nesting depth: in signal and perf modes no
 * producing handler can interrupt another.  In nest mode the timer's and
 * the storm's handlers can interrupt each other, once: each blocks its own
 * signal while it runs, so the one on top (depth 2) has both blocked.
 * Aimed signals (hooks builds) are raised only at depths 0 and 1: the
 * first interrupts task context and blocks timer and storm, the second
 * interrupts a depth-1 handler and blocks everything.  The depth never
 * exceeds 2.
 *
 * Context: the main thread, before any thread starts.
 * Return: 0, or -errno with @e filled (the first failure).
 */
int rd_stress_signals_setup(const struct rd_stress_config *cfg,
			    sigset_t *used, struct rd_err *e)
{
	int rc = 0;

	sig_timer = SIGRTMIN;
	sig_perf = SIGRTMIN + 1;
	sig_aim[1] = SIGRTMIN + 2;
	sig_storm = SIGUSR1;
	sig_aim[0] = SIGUSR2;
	stress_seed = cfg->seed;
	stress_aim_every = cfg->aim_every;
	timer_burst = cfg->mode == RD_STRESS_NEST ? RD_STRESS_NEST_BURST : 1;
#ifdef RD_NEST_HOOKS
	stress_pid = getpid();
#endif
	sigemptyset(used);

	switch (cfg->mode) {
	case RD_STRESS_THREAD:
		break;
	case RD_STRESS_SIGNAL: {
		const int not_storm[] = { sig_storm }, not_timer[] = { sig_timer };

		rc = rc ?: rd_stress_handle(sig_timer, rd_stress_on_signal,
				       not_storm, 1, e);
		rc = rc ?: rd_stress_handle(sig_storm, rd_stress_on_signal,
				       not_timer, 1, e);
		sigaddset(used, sig_timer);
		sigaddset(used, sig_storm);
		break;
	}
	case RD_STRESS_PERF: {
		const int not_io[] = { SIGIO }, not_perf[] = { sig_perf };

		rc = rc ?: rd_stress_handle(sig_perf, rd_stress_on_perf,
					    not_io, 1, e);
		rc = rc ?: rd_stress_handle(SIGIO, rd_stress_on_perf,
					    not_perf, 1, e);
		sigaddset(used, sig_perf);
		sigaddset(used, SIGIO);
		break;
	}
	case RD_STRESS_NEST: {
		const int aim0_blocks[] = { sig_timer, sig_storm };
		const int aim1_blocks[] = { sig_timer, sig_storm, sig_aim[0] };

		rc = rc ?: rd_stress_handle(sig_timer, rd_stress_on_signal, NULL, 0,
				       e);
		rc = rc ?: rd_stress_handle(sig_storm, rd_stress_on_signal, NULL, 0,
				       e);
		rc = rc ?: rd_stress_handle(sig_aim[0], rd_stress_on_signal,
				       aim0_blocks, 2, e);
		rc = rc ?: rd_stress_handle(sig_aim[1], rd_stress_on_signal,
				       aim1_blocks, 3, e);
		sigaddset(used, sig_timer);
		sigaddset(used, sig_storm);
		sigaddset(used, sig_aim[0]);
		sigaddset(used, sig_aim[1]);
		break;
	}
	}
	stress_used = *used;
	return rc;
}

/**
 * rd_stress_timer_create() - a POSIX timer that signals this thread only.
 * @p:	the producer running on the calling thread.
 *
 * Context: @p's thread, during its setup.
 * Return: 0, or -errno with @p->err filled.
 */
static int rd_stress_timer_create(struct rd_stress_producer *p)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = sig_timer;
	sev._sigev_un._tid = p->tid;	/* this thread, not the process */
	if (timer_create(CLOCK_MONOTONIC, &sev, &p->timer))
		return rd_errf(&p->err, errno,
			       "timer_create(SIGEV_THREAD_ID) for producer %u: %s",
			       p->id, strerror(errno));
	p->have_timer = true;
	return 0;
}

/**
 * rd_stress_timer_arm() - fire every @ns nanoseconds, or stop (0).
 * @p:	the producer.
 * @ns:	the period, below a second; 0 disarms.
 *
 * Context: @p's thread.
 */
static void rd_stress_timer_arm(struct rd_stress_producer *p, long ns)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = ns },
		.it_value = { .tv_nsec = ns },	/* 0 disarms */
	};

	if (p->have_timer)
		timer_settime(p->timer, 0, &its, NULL);
}

/**
 * rd_stress_producer_setup() - what the producer's mode needs.
 * @p:	the producer running on the calling thread.
 *
 * Context: @p's thread, before it says it is ready.
 * Return: 0, or -errno with @p->err filled (-EACCES: perf events are not
 * permitted).
 */
static int rd_stress_producer_setup(struct rd_stress_producer *p)
{
	switch (p->run->cfg->mode) {
	case RD_STRESS_SIGNAL:
	case RD_STRESS_NEST:
		return rd_stress_timer_create(p);
	case RD_STRESS_PERF:
		return rd_stress_perf_open(p, sig_perf);
	case RD_STRESS_THREAD:
		break;
	}
	return 0;
}

/**
 * rd_stress_flag() - read a flag the main thread sets.
 * @flag:	go or abort.
 *
 * Context: any thread.  Acquire: pairs with main's release, so what main
 * wrote before setting the flag is visible.
 * Return: the flag.
 */
static inline int rd_stress_flag(const int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

/**
 * rd_stress_producer_main() - one producer thread.
 * @arg:	its struct rd_stress_producer.
 *
 * Sets up its timer or perf event, says it is ready, waits for the start,
 * then produces as its mode says until the run stops, and finally blocks
 * its signals so that no handler runs after it returns.
 *
 * Context: a thread started by rd_stress_run(), with every stress signal
 * blocked (inherited from the main thread).
 * Return: NULL.
 */
void *rd_stress_producer_main(void *arg)
{
	struct rd_stress_producer *p = arg;
	struct rd_stress_shared *run = p->run;
	enum rd_stress_mode mode = run->cfg->mode;
	struct timespec nap = { .tv_nsec = 1000000 };
	char name[16];
	sigset_t used;

	rd_stress_self = p;
	p->tid = gettid();
	snprintf(name, sizeof(name), "rd-producer-%u", p->id);
	pthread_setname_np(pthread_self(), name);
	p->status = rd_stress_producer_setup(p);
	/* Release: status, err and tid are written before main reads them. */
	__atomic_add_fetch(&run->ready, 1, __ATOMIC_RELEASE);
	while (!rd_stress_flag(&run->go))
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	if (p->status || rd_stress_flag(&run->abort))
		return NULL;

	used = stress_used;
	pthread_sigmask(SIG_UNBLOCK, &used, NULL);
	rd_stress_timer_arm(p, RD_STRESS_TIMER_NS);
	if (mode == RD_STRESS_PERF)
		rd_stress_perf_enable(p, true);

	/* Relaxed: stop only ends the loop; the joins order the rest. */
	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		switch (mode) {
		case RD_STRESS_THREAD:
		case RD_STRESS_NEST:
			rd_stress_produce_one(p, false);
			break;
		case RD_STRESS_SIGNAL:
			nanosleep(&nap, NULL);	/* signals wake it */
			break;
		case RD_STRESS_PERF:
			/* cpu-clock only samples a thread that runs */
			for (int i = 0; i < 1000; i++)
				barrier();
			break;
		}
	}

	rd_stress_timer_arm(p, 0);
	if (mode == RD_STRESS_PERF)
		rd_stress_perf_enable(p, false);
	pthread_sigmask(SIG_BLOCK, &used, NULL);
	return NULL;
}

/**
 * rd_stress_storm_main() - send the storm signal to every producer.
 * @arg:	the run.
 *
 * Context: a thread started by rd_stress_run() after the producers and
 * joined before them, so every pthread_kill() names a live thread.
 * Return: NULL.
 */
void *rd_stress_storm_main(void *arg)
{
	struct rd_stress_shared *run = arg;
	u64 rnd = rd_stress_mix(run->cfg->seed ^ 0x570a3ULL);

	pthread_setname_np(pthread_self(), "rd-storm");
	/* Relaxed: stop only ends the loop. */
	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		for (unsigned int i = 0; i < run->cfg->producers; i++)
			pthread_kill(run->prod[i].thread, sig_storm);
		/* a random pause of up to ~2 us between rounds */
		rnd = rd_stress_mix(rnd);
		for (unsigned int spin = rnd & 1023; spin; spin--)
			barrier();
	}
	return NULL;
}

/**
 * rd_stress_producer_release() - free what a producer's setup took.
 * @p:	a producer whose thread has been joined.
 *
 * Context: the main thread.
 */
void rd_stress_producer_release(struct rd_stress_producer *p)
{
	if (p->have_timer)
		timer_delete(p->timer);
	p->have_timer = false;
	rd_stress_perf_close(p);
}
