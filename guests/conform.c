// SPDX-License-Identifier: GPL-2.0
/*
 * conform: what the SDM says a CPU with the guest's CPUID must do, checked
 * from inside the guest. Each check prints
 *
 *   conform NAME ok
 *   conform NAME FAIL what was seen
 *
 * and the last line is "conform: N checks, M failed". The expectations
 * come from CPUID and the SDM only, never from migvisor, so that the same
 * guest would pass on a real CPU. selftests/migvisor/baseline_test.c runs
 * it under several baselines.
 */
#include "lib/mvguest.h"

#define MSR_EFER		0xc0000080
#define EFER_SCE		(1ull << 0)
#define EFER_NXE		(1ull << 11)
#define MSR_APIC_BASE		0x1b
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_VERSION	0x803
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_PAT			0x277
#define MSR_MTRRCAP		0xfe
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_MTRR_PHYSBASE0	0x200
#define CR4_OSXSAVE		(1ull << 18)
#define GP			14	/* mv_fault: vector + 1 */

static int checks, failed;

static void result(const char *name, int ok, const char *fmt, ...)
	__printf(3, 4);

static void result(const char *name, int ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	checks++;
	if (ok) {
		mv_printf("conform %s ok\n", name);
		return;
	}
	failed++;
	va_start(ap, fmt);
	mv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mv_printf("conform %s FAIL %s\n", name, buf);
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r" (v));
	return v;
}

/* An MSR that a shown feature promises reads; a hidden one #GPs. */
static void msr_exists(const char *name, uint32_t msr, int shown)
{
	uint64_t v;
	int f = mv_rdmsr_safe(msr, &v);

	result(name, shown ? !f : f == GP, "cpuid=%d rdmsr 0x%x fault=%d",
	       shown, msr, f - 1);
}

static void check_efer(void)
{
	int nx = mv_cpuid_bit(0x80000001, 0, 3, 20), sc = mv_cpuid_bit(0x80000001, 0, 3, 11);
	uint64_t e = 0;
	int f;

	mv_rdmsr_safe(MSR_EFER, &e);
	result("efer.nxe-at-start", !!(e & EFER_NXE) == nx,
	       "nx cpuid=%d EFER=0x%llx", nx, (unsigned long long)e);
	result("efer.sce-at-start", !!(e & EFER_SCE) == sc,
	       "syscall cpuid=%d EFER=0x%llx", sc, (unsigned long long)e);
	f = mv_wrmsr_safe(MSR_EFER, e & ~EFER_SCE);
	result("efer.sce-clear", !f, "clearing SCE faulted %d", f - 1);
	f = mv_wrmsr_safe(MSR_EFER, e | EFER_SCE);
	result("efer.sce-set", sc ? !f : f == GP, "syscall cpuid=%d fault=%d",
	       sc, f - 1);
	mv_wrmsr_safe(MSR_EFER, e);
}

static void arch_msrs(void)
{
	int pat = mv_cpuid_bit(1, 0, 3, 16), sep = mv_cpuid_bit(1, 0, 3, 11);
	int mtrr = mv_cpuid_bit(1, 0, 3, 12), mca = mv_cpuid_bit(1, 0, 3, 14);
	int apic = mv_cpuid_bit(1, 0, 3, 9);
	uint64_t v = 0;
	int f;

	msr_exists("msr.pat", MSR_PAT, pat);
	if (pat) {
		mv_rdmsr_safe(MSR_PAT, &v);
		result("msr.pat-reset", v == 0x0007040600070406ull, "PAT=0x%llx",
		       (unsigned long long)v);
		f = mv_wrmsr_safe(MSR_PAT, 0x0000000000000106ull);
		mv_rdmsr_safe(MSR_PAT, &v);
		result("msr.pat-write", !f && v == 0x106, "fault=%d PAT=0x%llx",
		       f - 1, (unsigned long long)v);
		/* Memory types 2 and 3 are reserved. */
		result("msr.pat-reserved-type",
		       mv_wrmsr_safe(MSR_PAT, 0x0000000000000002ull) == GP,
		       "type 2 accepted");
		mv_wrmsr_safe(MSR_PAT, 0x0007040600070406ull);
	}
	msr_exists("msr.sysenter_cs", MSR_SYSENTER_CS, sep);
	msr_exists("msr.sysenter_esp", MSR_SYSENTER_ESP, sep);
	msr_exists("msr.sysenter_eip", MSR_SYSENTER_EIP, sep);
	if (sep) {
		f = mv_wrmsr_safe(MSR_SYSENTER_EIP, 0xffff800000001000ull);
		mv_rdmsr_safe(MSR_SYSENTER_EIP, &v);
		result("msr.sysenter_eip-write", !f && v == 0xffff800000001000ull,
		       "fault=%d value=0x%llx", f - 1, (unsigned long long)v);
		result("msr.sysenter_eip-noncanonical",
		       mv_wrmsr_safe(MSR_SYSENTER_EIP, 0x0000800000000000ull) == GP,
		       "a non-canonical address was accepted");
		mv_wrmsr_safe(MSR_SYSENTER_EIP, 0);
	}
	msr_exists("msr.mtrrcap", MSR_MTRRCAP, mtrr);
	msr_exists("msr.mtrr_def_type", MSR_MTRR_DEF_TYPE, mtrr);
	if (mtrr) {
		mv_rdmsr_safe(MSR_MTRRCAP, &v);
		/* VCNT 0 and no fixed ranges: no range MSR may exist. */
		if (!(v & 0xff))
			result("msr.mtrr-no-ranges",
			       mv_rdmsr_safe(MSR_MTRR_PHYSBASE0, &v) == GP,
			       "MTRRCAP.VCNT is 0 but PHYSBASE0 reads");
		f = mv_wrmsr_safe(MSR_MTRR_DEF_TYPE, (1ull << 11) | 6);
		mv_rdmsr_safe(MSR_MTRR_DEF_TYPE, &v);
		result("msr.mtrr_def_type-write", !f && v == ((1ull << 11) | 6),
		       "fault=%d value=0x%llx", f - 1, (unsigned long long)v);
	}
	msr_exists("msr.mcg_cap", MSR_MCG_CAP, mca);
	msr_exists("msr.mcg_status", MSR_MCG_STATUS, mca);
	msr_exists("msr.apic_base", MSR_APIC_BASE, apic);
	msr_exists("msr.tsc_deadline", MSR_TSC_DEADLINE, mv_cpuid_bit(1, 0, 2, 24));
	msr_exists("msr.x2apic", MSR_X2APIC_VERSION, mv_cpuid_bit(1, 0, 2, 21));
}

/* CPUID.(0xD,1):EBX with XSAVEC: the compacted size for XCR0 (SDM 13.4.3). */
static void xsave_sizes(void)
{
	static const struct { uint64_t xcr0; uint32_t size; int need; } s[] = {
		{ 0x1, 576, 0 }, { 0x3, 576, 0 }, { 0x7, 832, 1 },
		{ 0xe7, 2432, 2 },
	};
	int xsavec = mv_cpuid_bit(0xd, 1, 0, 1) | mv_cpuid_bit(0xd, 1, 0, 3);
	int avx = mv_cpuid_bit(1, 0, 2, 28), avx512 = mv_cpuid_bit(7, 0, 1, 16);
	uint64_t x;
	unsigned int i;
	uint32_t ebx;

	if (mv_write_cr4_safe(read_cr4() | CR4_OSXSAVE)) {
		result("xsave.osxsave", !mv_cpuid_bit(1, 0, 2, 26), "xsave shown but CR4.OSXSAVE faulted");
		return;
	}
	x = xgetbv0();
	result("xcr0.reset-value", x == 1, "XCR0=0x%llx at start, not 1",
	       (unsigned long long)x);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		char name[32];

		if ((s[i].need == 1 && !avx) || (s[i].need == 2 && !avx512))
			continue;
		if (mv_xsetbv_safe(0, s[i].xcr0)) {
			mv_snprintf(name, sizeof(name), "xsetbv.0x%llx",
				    (unsigned long long)s[i].xcr0);
			result(name, 0, "a shown state faulted");
			continue;
		}
		ebx = mv_cpuid_reg(0xd, 1, 1);
		mv_snprintf(name, sizeof(name), "cpuid.d.1.ebx.xcr0=0x%llx",
			    (unsigned long long)s[i].xcr0);
		result(name, xsavec ? ebx == s[i].size : ebx == 0,
		       "xsavec=%d EBX=%u, SDM size %u", xsavec, ebx, s[i].size);
	}
	/* Bits 8 and 10 name no user state: reserved in XCR0. */
	result("xsetbv.reserved-bit8", mv_xsetbv_safe(0, 0x103) == GP,
	       "bit 8 accepted");
	result("xsetbv.reserved-bit10", mv_xsetbv_safe(0, 0x403) == GP,
	       "bit 10 accepted");
	mv_xsetbv_safe(0, 3);
}

int main(void)
{
	check_efer();
	arch_msrs();
	if (mv_cpuid_bit(1, 0, 2, 26))
		xsave_sizes();
	mv_printf("conform: %d checks, %d failed\n", checks, failed);
	return failed;
}
