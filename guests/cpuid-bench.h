/* SPDX-License-Identifier: GPL-2.0 */
/* What cpuid-bench and its hosts (bench/cpuid) exchange in guest memory. */
#ifndef MV_CPUID_BENCH_H
#define MV_CPUID_BENCH_H

#include <stdint.h>

#define BENCH_PARAMS_GPA	0x10000
#define BENCH_RESULT_GPA	0x200000
#define BENCH_MAGIC		0x4350554942454e31ull	/* "1NEBIUPC" */
#define BENCH_MAX_REPS		256
#define BENCH_LEAVES		5

struct bench_params {
	uint64_t magic;
	uint64_t on_kvm;
	uint64_t iters;
	uint64_t reps;
};

struct bench_result {
	uint64_t magic;			/* BENCH_MAGIC once complete */
	uint64_t iters, reps, nleaves;
	uint32_t leaf[BENCH_LEAVES][2];
	uint64_t empty[BENCH_MAX_REPS];	/* cycles per run */
	uint64_t cycles[BENCH_LEAVES][BENCH_MAX_REPS];
};

#endif
