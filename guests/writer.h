/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the writer guest (writer.c) and its hosts exchange in guest memory:
 * parameters written before start, and the state the host reads while it
 * runs (selftests/lib/mv_writer, bench/migrate, lib/bare.c for QEMU).
 */
#ifndef MV_WRITER_H
#define MV_WRITER_H

#include <stdint.h>

#define WRITER_PARAMS_GPA	0x10000
#define WRITER_STATE_GPA	0x200000
#define WRITER_MAGIC		0x5752495445520001ull

struct writer_params {
	uint64_t magic;
	uint64_t pages_per_sec;		/* 0: unpaced */
	uint64_t region_pages;		/* 0: all RAM from 4 MiB to the stack */
	uint64_t mem_bytes;		/* guest RAM; 0: 32 MiB */
};

struct writer_state {
	uint64_t counter;		/* pages stamped, ever */
	uint64_t gen;
	uint64_t max_gap_cycles;
	uint64_t verify_failures;
	uint64_t cpuid_changes;
	uint64_t digest;
	uint64_t tsc_khz;
	uint64_t gaps;			/* entries written to gap[], ever */
	/* The last gaps over 1 ms: the counter value when each ended, and its length */
	struct { uint64_t counter, cycles; } gap[256];
};

#endif
