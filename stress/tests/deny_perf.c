// SPDX-License-Identifier: GPL-2.0
/*
 * deny_perf.c - LD_PRELOAD shim for the tests: perf_event_open() fails with
 * EACCES, as where perf events are not permitted; every other syscall()
 * goes through.  Lets the test suite check the exit-3 path on a machine
 * where perf is allowed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>

long syscall(long nr, ...)
{
	long (*real)(long nr, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT,
								 "syscall");
	long a[6];
	va_list ap;

	if (nr == SYS_perf_event_open) {
		errno = EACCES;
		return -1;
	}
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
