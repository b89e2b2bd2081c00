// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux-guest figures of make bench: one static glibc program, run
 * both as a migvisor guest and natively by the emulated host's Linux
 * (bench/rig-bench.sh), so that both sides run the same instructions.
 *
 *   lxbench getpid N    N getpid() round trips
 *   lxbench write N     N 4 KiB write()s to stdout (the guest's console)
 *   lxbench startup     CLOCK_REALTIME at the first statement of main
 *
 * Results go to stderr as "lxbench: ..." lines: TSC cycles per call (an
 * instruction count under Bochs), or nanoseconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static inline uint64_t tsc_now(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi));
	return (uint64_t)hi << 32 | lo;
}

int main(int argc, char **argv)
{
	struct timespec ts;
	static char buf[4096];
	uint64_t t0, t1;
	long i, n;

	/* Before anything else: where start-up ends */
	clock_gettime(CLOCK_REALTIME, &ts);
	if (argc < 2 || (strcmp(argv[1], "startup") && argc < 3)) {
		fprintf(stderr, "usage: lxbench getpid N | write N | startup\n");
		return 2;
	}
	if (!strcmp(argv[1], "startup")) {
		fprintf(stderr, "lxbench: %s at realtime %lld ns\n", "main",
			(long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		return 0;
	}
	n = atol(argv[2]);
	if (n <= 0) {
		fprintf(stderr, "lxbench: %s is not a count\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "getpid")) {
		/* The raw call: glibc does not cache getpid, but be sure. */
		t0 = tsc_now();
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		t1 = tsc_now();
	} else if (!strcmp(argv[1], "write")) {
		memset(buf, '.', sizeof(buf) - 1);
		buf[sizeof(buf) - 1] = '\n';
		t0 = tsc_now();
		for (i = 0; i < n; i++)
			if (write(1, buf, sizeof(buf)) != sizeof(buf))
				return 1;
		t1 = tsc_now();
	} else {
		fprintf(stderr, "lxbench: unknown test %s\n", argv[1]);
		return 2;
	}
	fprintf(stderr, "lxbench: %s %ld calls, %.1f tsc cycles per call\n",
		argv[1], n, (double)(t1 - t0) / n);
	return 0;
}
