// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid-bench: the CPUID exit, timed by the guest's own TSC. The same
 * image runs under migvisor and, through bench/cpuid/kvm-cpuid, under
 * kvm_intel, so both hypervisors serve the same instructions.
 *
 * For each leaf, REPS runs of ITERS back-to-back CPUIDs, each run timed
 * alone; an empty loop of the same length gives the loop's own cost. Many
 * short runs instead of one long one: a host timer interrupt then spoils
 * a few runs, which the median drops, rather than all of them.
 *
 * Parameters at BENCH_PARAMS_GPA (written by the host before start),
 * results at BENCH_RESULT_GPA (read by the host after the guest stops).
 * Under KVM it stops with HLT (no in-kernel irqchip: an exit to the
 * client); under migvisor with the exit hypercall.
 */
#include <stdbool.h>

#include "lib/mvguest.h"
#include "cpuid-bench.h"

static const uint32_t leaves[BENCH_LEAVES][2] = {
	{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0xd, 0 }, { 0x80000001, 0 },
};

static uint64_t run(uint32_t leaf, uint32_t sub, uint64_t n, bool empty)
{
	uint32_t a, b, c, d;
	uint64_t t0, i;

	t0 = mv_rdtsc();
	for (i = 0; i < n; i++) {
		if (empty)
			asm volatile("" : : : "memory");
		else
			asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d)
				     : "a" (leaf), "c" (sub));
	}
	return mv_rdtsc() - t0;
}

int main(void)
{
	struct bench_params *p = (void *)BENCH_PARAMS_GPA;
	struct bench_result *r = (void *)BENCH_RESULT_GPA;
	uint64_t iters = 100, reps = 51, i, j;
	bool on_kvm = false;

	if (p->magic == BENCH_MAGIC) {
		on_kvm = p->on_kvm;
		iters = p->iters ? p->iters : iters;
		reps = p->reps && p->reps <= BENCH_MAX_REPS ? p->reps : reps;
	}
	r->magic = 0;
	r->iters = iters;
	r->reps = reps;
	r->nleaves = BENCH_LEAVES;
	for (j = 0; j < BENCH_LEAVES; j++) {
		r->leaf[j][0] = leaves[j][0];
		r->leaf[j][1] = leaves[j][1];
		run(leaves[j][0], leaves[j][1], iters, false);	/* warm */
	}
	for (i = 0; i < reps; i++) {
		r->empty[i] = run(0, 0, iters, true);
		for (j = 0; j < BENCH_LEAVES; j++)
			r->cycles[j][i] = run(leaves[j][0], leaves[j][1], iters, false);
	}
	WRITE_ONCE(r->magic, BENCH_MAGIC);
	if (on_kvm)
		for (;;)
			asm volatile("cli; hlt");
	mv_printf("cpuid-bench: %llu runs of %llu CPUIDs per leaf done\n",
		  (unsigned long long)reps, (unsigned long long)iters);
	return 0;
}
