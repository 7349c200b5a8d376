// SPDX-License-Identifier: GPL-2.0
// cbench.cpp - the C shim over Google Benchmark (see cbench.h).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "cbench.h"

using benchmark::State;
using benchmark::internal::Benchmark;

static Benchmark *B(struct cbench *b)
{
	return reinterpret_cast<Benchmark *>(b);
}

static struct cbench *C(Benchmark *b)
{
	return reinterpret_cast<struct cbench *>(b);
}

static State *S(struct cbench_state *s)
{
	return reinterpret_cast<State *>(s);
}

static const State *S(const struct cbench_state *s)
{
	return reinterpret_cast<const State *>(s);
}

static size_t registered;
static void (*on_run)(const char *name);
/* Set by cbench_stop() from a signal handler; lock-free, so safe there. */
static std::atomic<bool> stopping;
static_assert(std::atomic<bool>::is_always_lock_free,
	      "cbench_stop() must be async-signal-safe");

/*
 * The iteration count each benchmark reported for a planned count
 * (max_iterations): a function that loops in batches reports it rounded up
 * to its batch.  A run the stop skips reports the same, as Google
 * Benchmark's statistics check that every repetition of a benchmark agrees.
 * Keyed by the registered name, which in ringdrain names one benchmark.
 */
static std::mutex iters_lock;
static std::map<std::pair<std::string, int64_t>, int64_t> iters_seen;

/*
 * The console display, without a line for each run the stop skipped: after
 * Ctrl-C those are most of a suite, and the summary says what was cut.
 */
class QuietStopped : public benchmark::BenchmarkReporter {
	BenchmarkReporter *inner;

public:
	explicit QuietStopped(BenchmarkReporter *r) : inner(r) {}

	bool ReportContext(const Context &context) override
	{
		return inner->ReportContext(context);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		std::vector<Run> shown;

		for (const Run &r : runs)
			if (!r.error_occurred || r.error_message != CBENCH_STOPPED)
				shown.push_back(r);
		if (!shown.empty())
			inner->ReportRuns(shown);
	}
	void Finalize() override
	{
		inner->Finalize();
	}
};

/*
 * Google Benchmark's JSON reporter, writing into memory instead of the file
 * --benchmark_out names: the caller writes the text whole or not at all.
 * RunSpecifiedBenchmarks() points every file reporter at its own ofstream,
 * so each call puts the memory stream back first.
 */
class MemJSONReporter : public benchmark::JSONReporter {
public:
	std::ostringstream text;

	bool ReportContext(const Context &context) override
	{
		SetOutputStream(&text);
		SetErrorStream(&text);
		return JSONReporter::ReportContext(context);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		SetOutputStream(&text);
		JSONReporter::ReportRuns(runs);
	}
	void Finalize() override
	{
		SetOutputStream(&text);
		JSONReporter::Finalize();
	}
};

extern "C" {

struct cbench *cbench_register(const char *name, cbench_fn fn, void *arg)
{
	std::string label(name);

	registered++;
	return C(benchmark::RegisterBenchmark(name, [fn, arg, label](State &st) {
		/* Relaxed: see cbench_stop(). */
		if (stopping.load(std::memory_order_relaxed)) {
			int64_t n = st.max_iterations;

			/*
			 * Report the iteration count the measured repetitions
			 * report (see iters_seen): run the loop, empty, as
			 * one batch of that count, then say it was skipped.
			 */
			{
				std::lock_guard<std::mutex> l(iters_lock);
				auto it = iters_seen.find({ label, n });

				if (it != iters_seen.end())
					n = it->second;
			}
			while (st.KeepRunningBatch(n))
				;
			st.SkipWithError(CBENCH_STOPPED);
			return;
		}
		if (on_run)
			on_run(label.c_str());
		fn(reinterpret_cast<struct cbench_state *>(&st), arg);
		if (!st.error_occurred()) {
			std::lock_guard<std::mutex> l(iters_lock);

			iters_seen[{ label, st.max_iterations }] = st.iterations();
		}
	}));
}

size_t cbench_registered(void)
{
	return registered;
}

void cbench_on_run(void (*fn)(const char *name))
{
	on_run = fn;
}

struct cbench *cbench_arg(struct cbench *b, int64_t x)
{
	return C(B(b)->Arg(x));
}

struct cbench *cbench_args(struct cbench *b, const int64_t *xs, size_t n)
{
	return C(B(b)->Args(std::vector<int64_t>(xs, xs + n)));
}

struct cbench *cbench_arg_names(struct cbench *b, const char *const *names,
				size_t n)
{
	return C(B(b)->ArgNames(std::vector<std::string>(names, names + n)));
}

struct cbench *cbench_range(struct cbench *b, int64_t lo, int64_t hi)
{
	return C(B(b)->Range(lo, hi));
}

struct cbench *cbench_dense_range(struct cbench *b, int64_t lo, int64_t hi,
				  int step)
{
	return C(B(b)->DenseRange(lo, hi, step));
}

struct cbench *cbench_range_multiplier(struct cbench *b, int multiplier)
{
	return C(B(b)->RangeMultiplier(multiplier));
}

struct cbench *cbench_threads(struct cbench *b, int n)
{
	return C(B(b)->Threads(n));
}

struct cbench *cbench_repetitions(struct cbench *b, int n)
{
	return C(B(b)->Repetitions(n));
}

struct cbench *cbench_iterations(struct cbench *b, int64_t n)
{
	return C(B(b)->Iterations(n));
}

struct cbench *cbench_min_time(struct cbench *b, double seconds)
{
	return C(B(b)->MinTime(seconds));
}

struct cbench *cbench_unit(struct cbench *b, enum cbench_unit unit)
{
	static const benchmark::TimeUnit units[] = {
		benchmark::kNanosecond, benchmark::kMicrosecond,
		benchmark::kMillisecond, benchmark::kSecond,
	};
	return C(B(b)->Unit(units[unit]));
}

struct cbench *cbench_use_real_time(struct cbench *b)
{
	return C(B(b)->UseRealTime());
}

struct cbench *cbench_use_manual_time(struct cbench *b)
{
	return C(B(b)->UseManualTime());
}

bool cbench_keep_running(struct cbench_state *s)
{
	return S(s)->KeepRunning();
}

bool cbench_keep_running_batch(struct cbench_state *s, int64_t n)
{
	return S(s)->KeepRunningBatch(n);
}

int64_t cbench_iteration_count(const struct cbench_state *s)
{
	return S(s)->iterations();
}

int64_t cbench_range_arg(const struct cbench_state *s, int index)
{
	return S(s)->range(index);
}

int cbench_thread_index(const struct cbench_state *s)
{
	return S(s)->thread_index();
}

int cbench_thread_count(const struct cbench_state *s)
{
	return S(s)->threads();
}

void cbench_pause(struct cbench_state *s)
{
	S(s)->PauseTiming();
}

void cbench_resume(struct cbench_state *s)
{
	S(s)->ResumeTiming();
}

void cbench_set_iteration_time(struct cbench_state *s, double seconds)
{
	S(s)->SetIterationTime(seconds);
}

void cbench_set_items_processed(struct cbench_state *s, int64_t n)
{
	S(s)->SetItemsProcessed(n);
}

void cbench_set_bytes_processed(struct cbench_state *s, int64_t n)
{
	S(s)->SetBytesProcessed(n);
}

void cbench_counter(struct cbench_state *s, const char *name, double value,
		    unsigned int flags)
{
	S(s)->counters[name] = benchmark::Counter(
		value, static_cast<benchmark::Counter::Flags>(flags));
}

void cbench_set_label(struct cbench_state *s, const char *label)
{
	S(s)->SetLabel(label);
}

void cbench_skip_with_error(struct cbench_state *s, const char *msg)
{
	S(s)->SkipWithError(msg);
}

int cbench_main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (argc > 1) {
		std::fprintf(stderr, "ringdrain bench: unknown benchmark flag '%s'\n",
			     argv[1]);
		return 2;
	}
	/* It has already said why when no benchmark matched the filter. */
	size_t ran = benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return ran ? 0 : 2;
}

void cbench_stop(void)
{
	/* Relaxed: a flag polled between runs; nothing is published with it. */
	stopping.store(true, std::memory_order_relaxed);
}

bool cbench_stopped(void)
{
	/* Relaxed: as in cbench_stop(). */
	return stopping.load(std::memory_order_relaxed);
}

void cbench_clear(void)
{
	benchmark::ClearRegisteredBenchmarks();
	registered = 0;
	iters_seen.clear();
}

int cbench_init(int argc, char **argv)
{
	static std::vector<std::string> args;
	static std::vector<char *> ptrs;
	int n;

	/* The JSON goes to memory; the file Google Benchmark opens stays empty. */
	args.assign(argv, argv + argc);
	args.push_back("--benchmark_out=/dev/null");
	for (auto &a : args)
		ptrs.push_back(&a[0]);
	ptrs.push_back(nullptr);
	n = (int)args.size();
	benchmark::Initialize(&n, ptrs.data());
	if (n > 1) {
		std::fprintf(stderr, "ringdrain bench: unknown benchmark flag '%s'\n",
			     ptrs[1]);
		return 2;
	}
	return 0;
}

size_t cbench_run_json(char **json)
{
	/*
	 * Google Benchmark 1.7 deletes its static default display reporter
	 * after a run it created it for; passed in, it lives on for the next.
	 */
	static QuietStopped display(benchmark::CreateDefaultDisplayReporter());
	MemJSONReporter file;
	size_t ran = benchmark::RunSpecifiedBenchmarks(&display, &file);

	*json = ran ? strdup(file.text.str().c_str()) : nullptr;
	return ran;
}

void cbench_shutdown(void)
{
	benchmark::Shutdown();
}

} // extern "C"
