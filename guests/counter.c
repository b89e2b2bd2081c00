// SPDX-License-Identifier: GPL-2.0
/*
 * counter: counts forever in the page at MV_COUNTER_GPA (read it through
 * the guest fd) and reports progress now and then. It never halts.
 * counter-cpuid (COUNTER_CPUID) runs CPUID at every step: a guest that
 * lives in the fast exit path (vmx/exit.c, mv_exit_fast).
 */
#include "lib/mvguest.h"

int main(void)
{
	uint64_t *c = (uint64_t *)MV_COUNTER_GPA;
	uint64_t n;

	mv_printf("counter: counting at 0x%x\n", MV_COUNTER_GPA);
	for (;;) {
		/* Visible to the host at every step, as a migration would see it. */
		n = READ_ONCE(*c) + 1;
		WRITE_ONCE(*c, n);
#ifdef COUNTER_CPUID
		{
			uint32_t r[4];

			mv_cpuid(0, 0, r);
		}
#endif
		if (!(n & ((1u << 22) - 1)))
			mv_printf("counter: %llu\n", (unsigned long long)n);
	}
}
