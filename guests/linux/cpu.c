// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU as a Linux kernel would set it up for its first process:
 * descriptor tables with ring 3 segments, SYSCALL, and the extended
 * state glibc will find with XGETBV, which does not exit. XCR0 is what
 * the baseline's CPUID leaf 0xD offers (Linux enables every user state
 * the CPU reports), so glibc binds the code the baseline allows.
 */
#include "lx.h"

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_CSTAR	0xc0000083
#define MSR_SFMASK	0xc0000084
#define EFER_SCE	1
#define CR4_OSXSAVE	(1ULL << 18)
/* AMX tile state needs arch_prctl(ARCH_REQ_XCOMP_PERM) under Linux. */
#define XFEATURE_AMX	(3ULL << 17)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap;
} __packed;

struct gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

static uint64_t gdt[7] __aligned(16) = {
	0,
	0x00af9b000000ffffULL,	/* 0x08 kernel code, 64-bit */
	0x00cf93000000ffffULL,	/* 0x10 kernel data */
	0x00cff3000000ffffULL,	/* 0x18 user data */
	0x00affb000000ffffULL,	/* 0x20 user code, 64-bit */
	/* 0x28 TSS, filled in below */
};
static struct tss tss __aligned(16);
static struct gate idt[32] __aligned(16);

uint64_t lx_xcr0;
uint32_t lx_xsave_size = 512;

bool lx_cpu_has(uint32_t leaf, int reg, int bit)
{
	uint32_t r[4];

	mv_cpuid(leaf & 0x80000000, 0, r);
	if (r[0] < leaf)
		return false;
	mv_cpuid(leaf, 0, r);
	return (r[reg] >> bit) & 1;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)v),
		     "d" ((uint32_t)(v >> 32)));
}

static void tables(void)
{
	struct { uint16_t limit; uint64_t base; } __packed d;
	uint64_t t = (uint64_t)&tss;
	unsigned int i;

	tss.rsp[0] = (uint64_t)lx_kstack_top;
	tss.ist[0] = (uint64_t)lx_dfstack_top;
	tss.iomap = sizeof(tss);
	gdt[5] = (sizeof(tss) - 1) | (t & 0xffffff) << 16 | 0x89ULL << 40 |
		 ((t >> 24) & 0xff) << 56;
	gdt[6] = t >> 32;
	for (i = 0; i < ARRAY_SIZE(idt); i++) {
		uint64_t h = i < ARRAY_SIZE(lx_stubs) ? lx_stubs[i] : lx_stubs[13];

		idt[i].off0 = h;
		idt[i].sel = LX_KCODE;
		/* int3 and into may be used from ring 3 (DPL 3). */
		idt[i].type = (i == 3 || i == 4) ? 0xee : 0x8e;
		idt[i].ist = i == 8 ? 1 : 0;
		idt[i].off1 = h >> 16;
		idt[i].off2 = h >> 32;
	}
	d.limit = sizeof(gdt) - 1;
	d.base = (uint64_t)gdt;
	asm volatile("lgdt %0" : : "m" (d));
	/*
	 * Null data selectors, as Linux's kernel runs: IRETQ to ring 3 would
	 * null a DPL 0 one, and with FS that could take the TLS base along.
	 */
	asm volatile("pushq %0\n\t"
		     "lea 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "mov %1, %%ss\n\t"
		     "xor %%eax, %%eax\n\t"
		     "mov %%eax, %%ds\n\t"
		     "mov %%eax, %%es\n\t"
		     "mov %%eax, %%fs\n\t"
		     "mov %%eax, %%gs"
		     : : "i" ((uint64_t)LX_KCODE), "r" (LX_KDATA) : "rax", "memory");
	asm volatile("ltr %w0" : : "r" (LX_TSS));
	d.limit = sizeof(idt) - 1;
	d.base = (uint64_t)idt;
	asm volatile("lidt %0" : : "m" (d));
}

static void xsave_init(void)
{
	uint32_t r[4];
	uint64_t cr4;

	if (!lx_cpu_has(1, 2, 26))	/* XSAVE */
		return;
	asm volatile("mov %%cr4, %0" : "=r" (cr4));
	cr4 |= CR4_OSXSAVE;
	asm volatile("mov %0, %%cr4" : : "r" (cr4));
	mv_cpuid(0xd, 0, r);
	lx_xcr0 = ((uint64_t)r[3] << 32 | r[0]) & ~XFEATURE_AMX;
	asm volatile("xsetbv" : : "c" (0), "a" ((uint32_t)lx_xcr0),
		     "d" ((uint32_t)(lx_xcr0 >> 32)));
	mv_cpuid(0xd, 0, r);
	lx_xsave_size = r[1];	/* for the enabled features, now */
}

void lx_cpu_init(void)
{
	tables();
	xsave_init();
	if (lx_cpu_has(0x80000001, 3, 11)) {	/* SYSCALL */
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
		wrmsr(MSR_STAR, (uint64_t)(LX_UDATA - 8 - 3) << 48 |
				(uint64_t)LX_KCODE << 32);
		wrmsr(MSR_LSTAR, (uint64_t)lx_syscall_entry);
		wrmsr(MSR_CSTAR, 0);
		/* IF, TF, DF, AC, NT: as Linux masks them */
		wrmsr(MSR_SFMASK, 0x47700);
	}
}
