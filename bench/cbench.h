/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cbench.h - Google Benchmark from C.
 *
 * A benchmark is a C function taking the running state and a user pointer:
 *
 *	static void bm_produce(struct cbench_state *s, void *arg)
 *	{
 *		while (cbench_keep_running_batch(s, 64))
 *			for (int i = 0; i < 64; i++)
 *				produce(...);
 *		cbench_set_items_processed(s, cbench_iterations(s));
 *	}
 *
 *	cbench_repetitions(cbench_arg(cbench_register("produce", bm_produce,
 *						       ring), 256), 5);
 *	return cbench_main(argc, argv);
 *
 * Registration returns a handle whose setters mirror benchmark::Benchmark
 * (arguments and ranges, threads, repetitions, time unit, manual time);
 * inside the function the state calls mirror benchmark::State (the loop,
 * pause/resume, items and bytes processed, counters, manual iteration
 * time, errors).  Google Benchmark's own --benchmark_* flags pass through
 * cbench_main() untouched.
 */
#ifndef RINGDRAIN_CBENCH_H
#define RINGDRAIN_CBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cbench;		/* a registered benchmark */
struct cbench_state;	/* the state of a running benchmark */

typedef void (*cbench_fn)(struct cbench_state *s, void *arg);

enum cbench_unit { CBENCH_NS, CBENCH_US, CBENCH_MS, CBENCH_S };

/* Counter flags, as benchmark::Counter::Flags. */
enum cbench_counter_flags {
	CBENCH_COUNTER_DEFAULT = 0,
	CBENCH_COUNTER_RATE = 1 << 0,		/* divided by the run's time */
	CBENCH_COUNTER_AVG_THREADS = 1 << 1,	/* divided by the thread count */
	CBENCH_COUNTER_AVG_ITERATIONS = 1 << 3,	/* divided by iterations */
	CBENCH_COUNTER_INVERT = 1 << 31,	/* 1/value, e.g. s per item */
};

/* Registration: every setter returns its argument for chaining. */
struct cbench *cbench_register(const char *name, cbench_fn fn, void *arg);
struct cbench *cbench_arg(struct cbench *b, int64_t x);
struct cbench *cbench_args(struct cbench *b, const int64_t *xs, size_t n);
struct cbench *cbench_arg_names(struct cbench *b, const char *const *names,
				size_t n);
struct cbench *cbench_range(struct cbench *b, int64_t lo, int64_t hi);
struct cbench *cbench_dense_range(struct cbench *b, int64_t lo, int64_t hi,
				  int step);
struct cbench *cbench_range_multiplier(struct cbench *b, int multiplier);
struct cbench *cbench_threads(struct cbench *b, int n);
struct cbench *cbench_repetitions(struct cbench *b, int n);
struct cbench *cbench_iterations(struct cbench *b, int64_t n);
struct cbench *cbench_min_time(struct cbench *b, double seconds);
struct cbench *cbench_unit(struct cbench *b, enum cbench_unit unit);
struct cbench *cbench_use_real_time(struct cbench *b);
struct cbench *cbench_use_manual_time(struct cbench *b);

/* The benchmark loop: true while another batch of @n iterations is due. */
bool cbench_keep_running(struct cbench_state *s);
bool cbench_keep_running_batch(struct cbench_state *s, int64_t n);
int64_t cbench_iteration_count(const struct cbench_state *s);

int64_t cbench_range_arg(const struct cbench_state *s, int index);
int cbench_thread_index(const struct cbench_state *s);
int cbench_thread_count(const struct cbench_state *s);

void cbench_pause(struct cbench_state *s);
void cbench_resume(struct cbench_state *s);
void cbench_set_iteration_time(struct cbench_state *s, double seconds);
void cbench_set_items_processed(struct cbench_state *s, int64_t n);
void cbench_set_bytes_processed(struct cbench_state *s, int64_t n);
void cbench_counter(struct cbench_state *s, const char *name, double value,
		    unsigned int flags);
void cbench_set_label(struct cbench_state *s, const char *label);
void cbench_skip_with_error(struct cbench_state *s, const char *msg);

/*
 * Run the registered benchmarks selected by the --benchmark_* flags in
 * argv (argv[0] is the program name).  Unknown flags are an error.
 * Returns 0, or 2 on a bad flag or when no benchmark matches the filter.
 */
int cbench_main(int argc, char **argv);

/* Number of registered benchmark families (for tests). */
size_t cbench_registered(void);

/*
 * Call @fn with the benchmark's name each time a registered benchmark
 * function starts a run (a repetition, or one of Google Benchmark's trial
 * runs that size the iteration count).  For progress lines.
 */
void cbench_on_run(void (*fn)(const char *name));

/*
 * Stopping between benchmarks (Ctrl-C).  After cbench_stop(), every run of
 * a benchmark function that starts is skipped at once, as an error with the
 * message CBENCH_STOPPED; the run in progress finishes.  cbench_stop() is
 * async-signal-safe (a lock-free atomic store) and may be called from any
 * thread or signal handler.
 */
#define CBENCH_STOPPED "interrupted"
void cbench_stop(void);
bool cbench_stopped(void);

/*
 * Several runs in one process, their JSON in memory: cbench_init() parses
 * the --benchmark_* flags once (2 on an unknown flag, having said so);
 * cbench_run_json() runs the registered benchmarks the flags select and
 * returns how many matched, with Google Benchmark's JSON output (every
 * repetition, as --benchmark_out would write it) in *@json (malloc'd; NULL
 * when none matched); cbench_clear() forgets the registered benchmarks so
 * that the next group can be registered; cbench_shutdown() at the end.
 */
int cbench_init(int argc, char **argv);
size_t cbench_run_json(char **json);
void cbench_clear(void);
void cbench_shutdown(void);

/* Keep @p's value alive and ordered, as benchmark::DoNotOptimize. */
static inline void cbench_do_not_optimize(const void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static inline void cbench_clobber_memory(void)
{
	__asm__ __volatile__("" : : : "memory");
}

#ifdef __cplusplus
}
#endif

#endif /* RINGDRAIN_CBENCH_H */
