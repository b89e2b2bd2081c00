// SPDX-License-Identifier: GPL-2.0
/*
 * enforce: tries every feature a baseline can hide, and prints for each
 * whether CPUID shows it and what using it did:
 *
 *   probe NAME cpuid=0|1 result=ok|#UD|#GP|#<vector>
 *
 * A hidden feature must fault; a shown one must work. The selftest reads
 * these lines (selftests/migvisor/baseline_test.c).
 */
#include "lib/mvguest.h"

#define CR4_PCIDE	(1ull << 17)
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_OSXSAVE	(1ull << 18)
#define CR4_UMIP	(1ull << 11)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)
#define CR4_PKE		(1ull << 22)
#define CR4_LA57	(1ull << 12)
#define CR4_VMXE	(1ull << 13)

static const char *result(int f)
{
	static char buf[8];

	if (!f)
		return "ok";
	if (f == 7)
		return "#UD";
	if (f == 14)
		return "#GP";
	mv_snprintf(buf, sizeof(buf), "#%d", f - 1);
	return buf;
}

static void report(const char *name, int shown, int f)
{
	mv_printf("probe %s cpuid=%d result=%s\n", name, shown, result(f));
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r" (v));
	return v;
}

/* Set a CR4 bit and clear it again; SMEP/SMAP only when hidden. */
static void cr4_probe(const char *name, uint64_t b, int shown, int safe_on)
{
	uint64_t cr4 = read_cr4();
	int f;

	if (shown && !safe_on) {
		mv_printf("probe %s cpuid=1 result=skipped\n", name);
		return;
	}
	f = mv_write_cr4_safe(cr4 | b);
	if (!f)
		mv_write_cr4_safe(cr4);
	report(name, shown, f);
}

int main(void)
{
	uint64_t v;
	int xsave = mv_cpuid_bit(1, 0, 2, 26), avx = mv_cpuid_bit(1, 0, 2, 28);
	int avx512 = mv_cpuid_bit(7, 0, 1, 16), f;

	cr4_probe("cr4.fsgsbase", CR4_FSGSBASE, mv_cpuid_bit(7, 0, 1, 0), 1);
	cr4_probe("cr4.pcide", CR4_PCIDE, mv_cpuid_bit(1, 0, 2, 17), 1);
	cr4_probe("cr4.umip", CR4_UMIP, mv_cpuid_bit(7, 0, 2, 2), 1);
	cr4_probe("cr4.pke", CR4_PKE, mv_cpuid_bit(7, 0, 2, 3), 1);
	cr4_probe("cr4.smep", CR4_SMEP, mv_cpuid_bit(7, 0, 1, 7), 0);
	cr4_probe("cr4.smap", CR4_SMAP, mv_cpuid_bit(7, 0, 1, 20), 0);
	cr4_probe("cr4.la57", CR4_LA57, 0, 1);
	cr4_probe("cr4.vmxe", CR4_VMXE, 0, 1);

	report("rdtscp", mv_cpuid_bit(0x80000001, 0, 3, 27), mv_probe_safe(MV_PROBE_RDTSCP));
	report("rdpid", mv_cpuid_bit(7, 0, 2, 22), mv_probe_safe(MV_PROBE_RDPID));
	report("invpcid", mv_cpuid_bit(7, 0, 1, 10), mv_probe_safe(MV_PROBE_INVPCID));
	report("rdrand", mv_cpuid_bit(1, 0, 2, 30), mv_probe_safe(MV_PROBE_RDRAND));
	report("rdseed", mv_cpuid_bit(7, 0, 1, 18), mv_probe_safe(MV_PROBE_RDSEED));
	report("msr.tsc_aux", mv_cpuid_bit(0x80000001, 0, 3, 27) | mv_cpuid_bit(7, 0, 2, 22),
	       mv_rdmsr_safe(0xc0000103, &v));

	/* XSAVE: CR4.OSXSAVE, then XCR0 components, then their instructions */
	f = mv_write_cr4_safe(read_cr4() | CR4_OSXSAVE);
	report("cr4.osxsave", xsave, f);
	if (!f) {
		report("xsetbv.avx", avx, mv_xsetbv_safe(0, 0x7));
		report("xsetbv.avx512", avx512, mv_xsetbv_safe(0, 0xe7));
		report("xsetbv.reserved", 0, mv_xsetbv_safe(0, 1ull << 62 | 3));
		report("xsaves", mv_cpuid_bit(0xd, 1, 0, 3), mv_probe_safe(MV_PROBE_XSAVES));
	}
	report("avx", avx && !f, mv_probe_safe(MV_PROBE_AVX));
	report("avx512", avx512 && !f, mv_probe_safe(MV_PROBE_AVX512));
	mv_printf("enforce: done\n");
	return 0;
}
