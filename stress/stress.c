// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - one ringdrain stress run: the rings, the consumer that drains
 * them like kdamond and checks every record, and the final accounting.
 *
 * Accounting.  A (producer, level) stream's sequence number advances only
 * when the ring accepts a record, so its accepted records are exactly
 * 0 .. accepted-1.  The consumer marks each one it takes out in a sliding
 * window of RD_STRESS_WINDOW sequence numbers: the first sighting counts as
 * consumed, a second as dup, one older than the window as dup too (it was
 * either seen or is hopelessly late), one below the highest seen as a
 * reorder.  A record that does not check out (record.h) is torn.  At the
 * end a record the producer was told was refused but that came out anyway
 * is moved from consumed to torn, and lost = accepted - consumed per
 * stream.  The ring's own counters must agree with the harness: produced
 * = its produced, accepted = its accepted; a difference is "unaccounted".
 * With nothing lost, produced = consumed + dropped_full + dropped_nested.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress_int.h"

/* Two seconds before the low 32 bits of jiffies wrap: every run crosses it. */
#define RD_STRESS_JIFFIES_START	(0x100000000UL - 2000)
#define RD_STRESS_BATCH		64
#define RD_STRESS_FINAL_PASSES	16

static const char *const mode_names[] = {
	[RD_STRESS_THREAD] = "thread",
	[RD_STRESS_SIGNAL] = "signal",
	[RD_STRESS_PERF] = "perf",
	[RD_STRESS_NEST] = "nest",
};

/**
 * rd_stress_mode_name() - the CLI name of a mode.
 * @mode:	the mode.
 *
 * Context: any thread.
 * Return: a static string.
 */
const char *rd_stress_mode_name(enum rd_stress_mode mode)
{
	return mode_names[mode];
}

/**
 * rd_stress_mode_find() - the mode called @name.
 * @name:	a CLI mode name.
 *
 * Context: any thread.
 * Return: the enum rd_stress_mode value, or -ENOENT if there is none.
 */
int rd_stress_mode_find(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (strcmp(mode_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

/**
 * rd_stress_since() - monotonic seconds since @t0.
 * @t0:	a CLOCK_MONOTONIC time.
 *
 * Context: any thread (not a signal handler: it is not needed there).
 * Return: the seconds elapsed.
 */
double rd_stress_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
		(double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/**
 * rd_stress_seen() - is @seq marked in its stream's window?
 * @s:		the stream.
 * @seq:	a sequence number inside the window.
 *
 * Context: the consumer (or main, after the consumer was joined).
 * Return: true if the consumer took record @seq out already.
 */
static bool rd_stress_seen(const struct rd_stress_stream *s, u64 seq)
{
	u64 bit = seq & (RD_STRESS_WINDOW - 1);

	return s->seen[bit / 64] & (1ULL << (bit % 64));
}

/**
 * rd_stress_mark() - set or clear @seq's mark in its stream's window.
 * @s:		the stream.
 * @seq:	a sequence number inside the window.
 * @on:		set (taken) or clear (leaving the window).
 *
 * Context: the consumer.
 */
static void rd_stress_mark(struct rd_stress_stream *s, u64 seq, bool on)
{
	u64 bit = seq & (RD_STRESS_WINDOW - 1);

	if (on)
		s->seen[bit / 64] |= 1ULL << (bit % 64);
	else
		s->seen[bit / 64] &= ~(1ULL << (bit % 64));
}

/**
 * rd_stress_stream_take() - account one intact record of a stream.
 * @run:	the run (for its dup and reorder counts).
 * @s:		the record's stream.
 * @seq:	its sequence number.
 *
 * Context: the consumer.
 */
static void rd_stress_stream_take(struct rd_stress_shared *run,
				  struct rd_stress_stream *s, u64 seq)
{
	if (seq < s->base) {
		run->dup++;	/* seen before, or later than any ring allows */
		return;
	}
	if (seq - s->base >= RD_STRESS_WINDOW) {
		u64 base = seq - RD_STRESS_WINDOW + 1;

		if (base - s->base >= RD_STRESS_WINDOW)
			memset(s->seen, 0, RD_STRESS_WINDOW / 8);
		else
			for (u64 q = s->base; q < base; q++)
				rd_stress_mark(s, q, false);
		s->base = base;
	}
	if (rd_stress_seen(s, seq)) {
		run->dup++;
		return;
	}
	rd_stress_mark(s, seq, true);
	s->consumed++;
	if (seq < s->next)
		run->reorder++;
	else
		s->next = seq + 1;
}

/**
 * rd_stress_check_batch() - check a batch the drain took out of one ring.
 * @arg:	the run.
 * @cpu:	the ring, i.e. the producer id.
 * @batch:	the records.
 * @n:		how many.
 *
 * Context: the consumer (an rd_batch_fn of rd_ring_set_drain()).
 */
static void rd_stress_check_batch(void *arg, unsigned int cpu,
				  const struct damon_access_report *batch,
				  unsigned int n)
{
	struct rd_stress_shared *run = arg;
	/* Relaxed: only the consumer writes jiffies. */
	unsigned long now = READ_ONCE(jiffies);

	for (unsigned int i = 0; i < n; i++) {
		unsigned int producer, level;

		if (!rd_stress_identify(&batch[i], run->cfg->seed, cpu, now,
					&producer, &level)) {
			run->torn++;
			continue;
		}
		rd_stress_stream_take(run, &run->streams[producer *
				      RD_STRESS_LEVELS + level],
				      batch[i].paddr);
	}
}

/**
 * rd_stress_tick() - advance jiffies: start + milliseconds since setup.
 * @run:	the run.
 *
 * Context: the consumer, the only writer of jiffies (main once it joined).
 */
static void rd_stress_tick(struct rd_stress_shared *run)
{
	/* Relaxed: producers stamp whatever value they read. */
	WRITE_ONCE(jiffies, RD_STRESS_JIFFIES_START +
		   (unsigned long)(rd_stress_since(&run->clock0) * 1000));
}

/**
 * rd_stress_drain_once() - one kdamond pass: tick, then drain every ring.
 * @run:	the run.
 *
 * Context: the consumer (main for the final drain, once it joined it).
 * Return: the records taken out, all checked.
 */
static u64 rd_stress_drain_once(struct rd_stress_shared *run)
{
	struct damon_access_report buf[RD_STRESS_BATCH];

	rd_stress_tick(run);
	run->drains++;
	return rd_ring_set_drain(&run->set, buf, RD_STRESS_BATCH,
				 rd_stress_check_batch, run);
}

/**
 * rd_stress_sum() - one counter summed over every producer and level.
 * @run:	the run.
 * @offset:	the counter's offset in struct rd_stress_counts.
 *
 * Context: any thread: each counter is read relaxed while it moves.
 * Return: the sum.
 */
static u64 rd_stress_sum(const struct rd_stress_shared *run, size_t offset)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < run->cfg->producers; i++)
		for (unsigned int l = 0; l < RD_STRESS_LEVELS; l++)
			sum += rd_stress_stat_read((const u64 *)
				((const char *)&run->prod[i].lvl[l] + offset));
	return sum;
}

/**
 * rd_stress_progress() - the progress line, on stderr.
 * @run:	the run.
 * @t:		seconds since the start.
 *
 * Context: the consumer (it owns the consumed and failure counts).
 */
static void rd_stress_progress(struct rd_stress_shared *run, double t)
{
	struct rd_ring_counters c;
	u64 consumed = 0;

	rd_ring_set_counters(&run->set, &c);
	for (unsigned int i = 0; i < run->cfg->producers * RD_STRESS_LEVELS; i++)
		consumed += run->streams[i].consumed;
	fprintf(stderr,
		"stress: %.0f/%.0f s produced=%llu accepted=%llu consumed=%llu dropped_full=%llu dropped_nested=%llu torn=%llu dup=%llu reorder=%llu\n",
		t, run->cfg->seconds,
		(unsigned long long)rd_stress_sum(run,
			offsetof(struct rd_stress_counts, produced)),
		(unsigned long long)rd_stress_sum(run,
			offsetof(struct rd_stress_counts, seq)),
		(unsigned long long)consumed,
		(unsigned long long)c.dropped_full,
		(unsigned long long)c.dropped_nested,
		(unsigned long long)run->torn, (unsigned long long)run->dup,
		(unsigned long long)run->reorder);
}

/**
 * rd_stress_consumer_main() - drain every ring like kdamond until told.
 * @arg:	the run.
 *
 * Every --drain-us (or continuously with 0) it advances jiffies and
 * drains each ring once, up to one ring's worth (rd_ring_set_drain()).
 *
 * Context: the only consumer thread of the run's rings.
 * Return: NULL.
 */
static void *rd_stress_consumer_main(void *arg)
{
	struct rd_stress_shared *run = arg;
	const struct rd_stress_config *cfg = run->cfg;
	struct timespec nap = {
		.tv_sec = cfg->drain_us / 1000000,
		.tv_nsec = (long)(cfg->drain_us % 1000000) * 1000,
	};
	double next_progress = 1.0;

	pthread_setname_np(pthread_self(), "rd-consumer");
	/* Acquire: pairs with main's release once the producers are joined. */
	while (!__atomic_load_n(&run->consumer_stop, __ATOMIC_ACQUIRE)) {
		if (cfg->drain_us)
			nanosleep(&nap, NULL);
		rd_stress_drain_once(run);
		/* Acquire: main sets run->start before its release of go. */
		if (cfg->progress && __atomic_load_n(&run->go, __ATOMIC_ACQUIRE)) {
			double t = rd_stress_since(&run->start);

			if (t >= next_progress && t < cfg->seconds) {
				/* whole seconds, as next_progress counts them */
				rd_stress_progress(run, (double)(u64)t);
				next_progress = (double)(u64)t + 1.0;
			}
		}
	}
	return NULL;
}

/**
 * rd_stress_account() - the final accounting (see the top of this file).
 * @run:	a run whose threads are all joined and whose rings are drained.
 * @res:	filled.
 *
 * Context: the main thread, after the final drain.
 */
static void rd_stress_account(struct rd_stress_shared *run,
			      struct rd_stress_result *res)
{
	const struct rd_stress_config *cfg = run->cfg;
	struct rd_ring_counters c;

	for (unsigned int i = 0; i < cfg->producers; i++) {
		const struct rd_stress_producer *p = &run->prod[i];

		for (unsigned int l = 0; l < RD_STRESS_LEVELS; l++) {
			const struct rd_stress_counts *pc = &p->lvl[l];
			struct rd_stress_stream *s =
				&run->streams[i * RD_STRESS_LEVELS + l];
			struct rd_stress_level_result *lr = &res->level[l];

			/* Refused, yet it came out: not a record at all. */
			if (pc->seq >= s->base &&
			    pc->seq - s->base < RD_STRESS_WINDOW &&
			    rd_stress_seen(s, pc->seq)) {
				s->consumed--;
				run->torn++;
			}
			if (pc->seq > s->consumed)
				res->lost += pc->seq - s->consumed;
			res->consumed += s->consumed;
			lr->produced += pc->produced;
			lr->accepted += pc->seq;
			lr->nested += pc->nested;
			lr->nested_accepted += pc->nested_accepted;
			res->signals += pc->signals;
			res->perf_samples += pc->perf_samples;
			res->perf_foreign += pc->perf_foreign;
			res->aimed += pc->aimed;
			res->aimed_accepted += pc->aimed_accepted;
			res->produced += pc->produced;
			res->accepted += pc->seq;
		}
	}
	rd_ring_set_counters(&run->set, &c);
	res->dropped_full = c.dropped_full;
	res->dropped_nested = c.dropped_nested;
	res->unaccounted =
		(c.produced > res->produced ? c.produced - res->produced :
		 res->produced - c.produced) +
		(c.accepted > res->accepted ? c.accepted - res->accepted :
		 res->accepted - c.accepted);
	res->torn = run->torn;
	res->dup = run->dup;
	res->reorder = run->reorder;
	res->drains = run->drains;
	/* Designs that are not nesting-safe promise nothing in nest mode. */
	res->order_promised = !(cfg->mode == RD_STRESS_NEST &&
				cfg->design->nesting == RD_NEST_UNSAFE);
	res->clean = !res->lost && !res->torn && !res->dup &&
		!res->unaccounted && !(res->order_promised && res->reorder);
}

/**
 * rd_stress_alloc() - the rings, the producers and the consumer's windows.
 * @run:	the run, with its config set.
 * @e:		filled on failure.
 *
 * Context: the main thread, before any other thread exists.
 * Return: 0, or -errno with @e filled (rd_stress_free() cleans up).
 */
static int rd_stress_alloc(struct rd_stress_shared *run, struct rd_err *e)
{
	const struct rd_stress_config *cfg = run->cfg;
	unsigned int nr_streams = cfg->producers * RD_STRESS_LEVELS;
	int ret;

	ret = rd_ring_set_init(&run->set, cfg->design, cfg->producers,
			       cfg->capacity, cfg->rec_size, e);
	if (ret)
		return ret;
	run->prod = aligned_alloc(SMP_CACHE_BYTES,
				  cfg->producers * sizeof(*run->prod));
	run->streams = calloc(nr_streams, sizeof(*run->streams));
	if (!run->prod || !run->streams)
		goto oom;
	memset(run->prod, 0, cfg->producers * sizeof(*run->prod));
	for (unsigned int i = 0; i < nr_streams; i++) {
		run->streams[i].seen = calloc(RD_STRESS_WINDOW / 64, sizeof(u64));
		if (!run->streams[i].seen)
			goto oom;
	}
	for (unsigned int i = 0; i < cfg->producers; i++) {
		run->prod[i].id = i;
		run->prod[i].ring = run->set.rings[i];
		run->prod[i].run = run;
		run->prod[i].perf_fd = -1;
	}
	return 0;
oom:
	return rd_errf(e, ENOMEM, "out of memory for %u producers",
		       cfg->producers);
}

/**
 * rd_stress_free() - undo rd_stress_alloc(), also a partial one.
 * @run:	the run; no thread of it is running.
 *
 * Context: the main thread.
 */
static void rd_stress_free(struct rd_stress_shared *run)
{
	if (run->streams)
		for (unsigned int i = 0;
		     i < run->cfg->producers * RD_STRESS_LEVELS; i++)
			free(run->streams[i].seen);
	free(run->streams);
	free(run->prod);
	rd_ring_set_destroy(&run->set);
}

/**
 * rd_stress_start_producers() - one thread per producer.
 * @run:	the run.
 * @started:	set to how many started: all, or fewer on failure.
 * @e:		filled if a thread could not be started.
 *
 * Context: the main thread, with the stress signals blocked.
 * Return: 0, or -errno with @e filled.
 */
static int rd_stress_start_producers(struct rd_stress_shared *run,
				     unsigned int *started, struct rd_err *e)
{
	unsigned int n;
	int ret = 0;

	for (n = 0; n < run->cfg->producers; n++) {
		int rc = pthread_create(&run->prod[n].thread, NULL,
					rd_stress_producer_main,
					&run->prod[n]);

		if (rc) {
			ret = rd_errf(e, rc, "cannot start producer thread %u: %s",
				      n, strerror(rc));
			break;
		}
	}
	*started = n;
	return ret;
}

/**
 * rd_stress_sleep_until() - sleep until @seconds after run->start.
 * @run:	the run.
 * @seconds:	the run's length.
 *
 * Context: the main thread; a signal does not cut the sleep short.
 */
static void rd_stress_sleep_until(struct rd_stress_shared *run,
				  double seconds)
{
	struct timespec end = run->start;

	end.tv_sec += (time_t)seconds;
	end.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL) ==
	       EINTR)
		;
}

int rd_stress_run(const struct rd_stress_config *cfg,
		  struct rd_stress_result *res, struct rd_err *e)
{
	struct rd_stress_shared run = { .cfg = cfg };
	unsigned int started = 0;
	bool have_consumer = false, have_storm = false;
	int status, rc;
	sigset_t used;

	memset(res, 0, sizeof(*res));
	status = rd_stress_alloc(&run, e);
	if (status)
		goto out_free;
	/* Relaxed: no other thread exists yet. */
	WRITE_ONCE(jiffies, RD_STRESS_JIFFIES_START);
	status = rd_stress_signals_setup(cfg, &used, e);
	if (status)
		goto out_free;
	status = -EAGAIN;	/* until the run has happened */
	/* Every thread inherits this: only producers unblock their signals. */
	pthread_sigmask(SIG_BLOCK, &used, NULL);
	clock_gettime(CLOCK_MONOTONIC, &run.clock0);

	rc = pthread_create(&run.consumer, NULL, rd_stress_consumer_main, &run);
	if (rc) {
		status = rd_errf(e, rc, "cannot start the consumer thread");
		goto out_stop;
	}
	have_consumer = true;
	rc = rd_stress_start_producers(&run, &started, e);
	if (rc) {
		status = rc;
		goto out_stop;
	}
	/* Acquire: pairs with each producer's release of its setup. */
	while (__atomic_load_n(&run.ready, __ATOMIC_ACQUIRE) < started)
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	for (unsigned int i = 0; i < started; i++) {
		if (run.prod[i].status) {
			status = run.prod[i].status;
			if (e)
				*e = run.prod[i].err;
			goto out_stop;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &run.start);
	/* Release: start and the rings' setup are visible to every thread. */
	__atomic_store_n(&run.go, 1, __ATOMIC_RELEASE);
	if (cfg->mode == RD_STRESS_SIGNAL || cfg->mode == RD_STRESS_NEST) {
		rc = pthread_create(&run.storm, NULL, rd_stress_storm_main,
				    &run);
		if (rc) {
			status = rd_errf(e, rc, "cannot start the storm thread");
			goto out_stop;
		}
		have_storm = true;
	}
	rd_stress_sleep_until(&run, cfg->seconds);
	status = 0;

out_stop:
	/* Relaxed: stop only ends loops; the joins below order the rest. */
	__atomic_store_n(&run.stop, 1, __ATOMIC_RELAXED);
	if (status) {
		/* Relaxed: the release store of go publishes it. */
		__atomic_store_n(&run.abort, 1, __ATOMIC_RELAXED);
		/* Release: producers waiting for go see abort with it. */
		__atomic_store_n(&run.go, 1, __ATOMIC_RELEASE);
	}
	if (have_storm)
		pthread_join(run.storm, NULL);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(run.prod[i].thread, NULL);
	res->elapsed = rd_stress_since(&run.start);
	if (have_consumer) {
		/* Release: the consumer exits; we drain what is left. */
		__atomic_store_n(&run.consumer_stop, 1, __ATOMIC_RELEASE);
		pthread_join(run.consumer, NULL);
	}
	for (unsigned int i = 0; i < started; i++)
		rd_stress_producer_release(&run.prod[i]);
	if (!status) {
		/*
		 * The producers are joined: this is the last, full drain.  A
		 * correct ring is empty after one or two passes; a broken one
		 * (an index gone backwards) may hand out records forever, and
		 * what it hands out is checked like the rest (dup, torn).
		 */
		for (int pass = 0; pass < RD_STRESS_FINAL_PASSES; pass++)
			if (!rd_stress_drain_once(&run))
				break;
		rd_stress_account(&run, res);
	}
	pthread_sigmask(SIG_UNBLOCK, &used, NULL);
out_free:
	rd_stress_free(&run);
	return status;
}
