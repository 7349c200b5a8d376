// SPDX-License-Identifier: GPL-2.0
/*
 * perf.c - perf mode: real perf overflow signals drive the producer.
 *
 * Each producer thread opens a software cpu-clock sampling event on itself
 * (perf_event_open, pid 0), maps its ring buffer, and asks for a signal on
 * every sample: O_ASYNC, F_SETSIG (a real-time signal, so that the handler
 * gets the event's siginfo) and F_SETOWN_EX with F_OWNER_TID, so the signal
 * lands on the sampled thread, as a PMU NMI lands on the sampled CPU.  The
 * handler reads the samples from the mmap ring (the kernel's data_head
 * protocol) and produces one record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stress_int.h"

#define RD_STRESS_PERF_PERIOD_NS	50000	/* a sample per 50 us of CPU */
#define RD_STRESS_PERF_DATA_PAGES	16	/* power of two */

/**
 * rd_stress_perf_paranoid() - kernel.perf_event_paranoid, for the message.
 *
 * Context: a producer's thread, during its setup (stdio: not a handler).
 * Return: the setting, or -99 if it cannot be read.
 */
static int rd_stress_perf_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int level = -99;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = -99;
		fclose(f);
	}
	return level;
}

/**
 * rd_stress_perf_open() - sample this thread and signal it on each sample.
 * @p:		the producer; the calling thread is its thread.
 * @sig:	the signal to deliver (F_SETSIG).
 *
 * Context: @p's thread, before it starts producing.  The event is created
 * disabled; rd_stress_perf_enable() starts it.
 * Return: 0; -EACCES when perf_event_open() is refused (whatever its
 * errno: perf events are not permitted here); -errno on any other
 * failure.  @p->err says why.
 */
int rd_stress_perf_open(struct rd_stress_producer *p, int sig)
{
	long page = sysconf(_SC_PAGESIZE);
	struct perf_event_attr attr;
	struct f_owner_ex owner = { .type = F_OWNER_TID, .pid = p->tid };
	const char *what;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = RD_STRESS_PERF_PERIOD_NS;
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID;
	attr.wakeup_events = 1;		/* a wakeup, so a signal, per sample */
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	p->perf_fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1,
			     PERF_FLAG_FD_CLOEXEC);
	if (p->perf_fd < 0)
		return rd_errf(&p->err, EACCES,
			       "perf events are not permitted here: perf_event_open(cpu-clock sampling) failed: %s (kernel.perf_event_paranoid=%d)",
			       strerror(errno), rd_stress_perf_paranoid());
	p->perf_map_len = (size_t)(1 + RD_STRESS_PERF_DATA_PAGES) * page;
	p->perf_map = mmap(NULL, p->perf_map_len, PROT_READ | PROT_WRITE,
			   MAP_SHARED, p->perf_fd, 0);
	if (p->perf_map == MAP_FAILED) {
		p->perf_map = NULL;
		what = "mmap of the perf ring";
		goto fail;
	}
	what = "fcntl(F_SETFL, O_ASYNC)";
	if (fcntl(p->perf_fd, F_SETFL, O_ASYNC | O_NONBLOCK))
		goto fail;
	what = "fcntl(F_SETSIG)";
	if (fcntl(p->perf_fd, F_SETSIG, sig))
		goto fail;
	what = "fcntl(F_SETOWN_EX, F_OWNER_TID)";
	if (fcntl(p->perf_fd, F_SETOWN_EX, &owner))
		goto fail;
	return 0;
fail:
	return rd_errf(&p->err, errno, "perf mode, producer %u: %s: %s", p->id,
		       what, strerror(errno));
}

/**
 * rd_stress_perf_enable() - start or stop sampling.
 * @p:	the producer.
 * @on:	start (true) or stop.
 *
 * Context: @p's thread, task context.
 */
void rd_stress_perf_enable(struct rd_stress_producer *p, bool on)
{
	if (p->perf_fd < 0)
		return;
	if (on)
		ioctl(p->perf_fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(p->perf_fd, on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE,
	      0);
}

/**
 * rd_stress_perf_read() - consume the samples in the event's mmap ring.
 * @p:	the producer whose event signalled.
 * @c:	the handler level's counters.
 *
 * Counts the samples and checks that each names this thread.
 *
 * Context: the perf signal handler on @p's thread; async-signal-safe (no
 * call at all: loads and stores to the shared mapping).
 */
void rd_stress_perf_read(struct rd_stress_producer *p,
			 struct rd_stress_counts *c)
{
	struct perf_event_mmap_page *meta = p->perf_map;
	const u8 *data = (const u8 *)p->perf_map + meta->data_offset;
	u64 mask = meta->data_size - 1;
	/* Acquire: the records below data_head are written (kernel's wmb). */
	u64 head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	/* Relaxed: only this handler writes data_tail. */
	u64 tail = __atomic_load_n(&meta->data_tail, __ATOMIC_RELAXED);

	if (!meta->data_size)
		return;	/* a kernel without data_offset/data_size: skip */
	while (tail != head) {
		/* Records are 8-byte aligned: a header never wraps. */
		const struct perf_event_header *h =
			(const void *)(data + (tail & mask));

		if (h->size < sizeof(*h))
			break;	/* a corrupt ring: stop, do not spin */
		if (h->type == PERF_RECORD_SAMPLE) {
			/* after the header: u64 ip, then u32 pid, u32 tid */
			const u32 *ids = (const void *)(data +
							((tail + 16) & mask));

			rd_stress_stat_inc(&c->perf_samples);
			if ((pid_t)ids[1] != p->tid)
				rd_stress_stat_inc(&c->perf_foreign);
		}
		tail += h->size;
	}
	/* Release: our reads are done before the kernel reuses the space. */
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

/**
 * rd_stress_perf_close() - unmap and close a producer's event.
 * @p:	a producer whose thread has been joined.
 *
 * Context: the main thread.
 */
void rd_stress_perf_close(struct rd_stress_producer *p)
{
	if (p->perf_map)
		munmap(p->perf_map, p->perf_map_len);
	p->perf_map = NULL;
	if (p->perf_fd >= 0)
		close(p->perf_fd);
	p->perf_fd = -1;
}
