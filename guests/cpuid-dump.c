// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid-dump: every CPUID leaf and subleaf the guest sees, one per line,
 * then the cost of a CPUID exit measured with the guest's TSC.
 */
#include "lib/mvguest.h"

static void dump(uint32_t leaf, uint32_t sub)
{
	uint32_t r[4];

	mv_cpuid(leaf, sub, r);
	mv_printf("cpuid %08x.%u: %08x %08x %08x %08x\n", leaf, sub,
		  r[0], r[1], r[2], r[3]);
}

static void range(uint32_t base)
{
	uint32_t r[4], max, leaf, sub;

	mv_cpuid(base, 0, r);
	max = r[0];
	if (max < base || max > base + 0x40)
		max = base;
	for (leaf = base; leaf <= max; leaf++) {
		uint32_t nsub = 1;

		if (leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd ||
		    leaf == 0x1f)
			nsub = leaf == 0xd ? 64 : 8;
		for (sub = 0; sub < nsub; sub++)
			dump(leaf, sub);
	}
}

int main(void)
{
	uint64_t t0, t1;
	uint32_t r[4];
	int i, n = 1000;

	range(0);
	range(0x40000000);
	range(0x80000000);
	t0 = mv_rdtsc();
	for (i = 0; i < n; i++)
		mv_cpuid(1, 0, r);
	t1 = mv_rdtsc();
	mv_printf("cpuid-exit: %llu tsc cycles per CPUID over %d\n",
		  (unsigned long long)((t1 - t0) / n), n);
	return 0;
}
