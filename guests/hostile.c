// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests, one per behaviour (built with -DHOSTILE_<name>). Each
 * must end with a defined outcome and leave the host's log clean:
 *   triple   empty IDT then an exception        -> stopped: triple-fault
 *   vmx      VMX instructions                   -> each #UD, exit 0
 *   vmcall   random hypercall numbers/arguments -> all answered, exit 0
 *   io       IN and OUT on every port           -> exit 0
 *   msr      RDMSR/WRMSR across the MSR ranges  -> #GP or emulated, exit 0
 *   cr       reserved CR0/CR4/EFER bits         -> each #GP, exit 0
 *   beyond   read past the end of RAM           -> stopped: ept-violation
 *   hltcli   HLT with interrupts off            -> stopped: halt, info 0
 *   dbloop   single-step forever                -> runs until deleted
 *   acloop   #AC at CPL 3, forever (its handler  -> runs until deleted
 *            returns to the faulting access)
 *   nx       execute from a page marked XD      -> #PF (fetch), exit 0
 *   xrstor   XRSTOR of bad XSAVE headers        -> each #GP, exit 0
 *   seg      bad selectors and descriptors      -> each #GP, exit 0
 *   cpuid    10^6 random (leaf, subleaf) pairs  -> a digest, exit 0
 */
#include "lib/mvguest.h"

static int failures;

static __maybe_unused void expect(int fault, int want_vector,
					   const char *what)
{
	if (fault != want_vector + 1) {
		mv_printf("hostile: %s: fault %d, expected vector %d\n", what,
			  fault - 1, want_vector);
		failures++;
	}
}

#ifdef HOSTILE_dbloop
static void db_again(struct mv_frame *f)
{
	f->rflags |= 0x100;	/* TF: trap again after the next instruction */
}
#endif



#define PT_P		0x1ull
#define PT_U		0x4ull
#define PT_PS		0x80ull
#define PT_XD		(1ull << 63)

static __maybe_unused uint64_t *pd(void)
{
	return (uint64_t *)(uintptr_t)MV_GPA_PD;
}

static __maybe_unused void flush_tlb(void)
{
	uint64_t cr3;

	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r" (cr3) : : "memory");
}

#ifdef HOSTILE_nx
static uint64_t pf_error, pf_addr;

/* The fetch faulted at the callee's first byte: return to the caller. */
static void pf_return(struct mv_frame *f)
{
	uint64_t cr2;

	asm volatile("mov %%cr2, %0" : "=r" (cr2));
	pf_error = f->error;
	pf_addr = cr2;
	f->rip = *(uint64_t *)f->rsp;
	f->rsp += 8;
}

/*
 * A RET at 2 MiB + 4 KiB, in the 2 MiB page that holds the stack (a 4 MiB
 * guest): marked XD, it cannot be fetched, and nothing else there is code.
 */
static int nx_fetch(void)
{
	uint8_t *code = (uint8_t *)((2ull << 20) + 4096);
	uint64_t efer = 0;

	mv_rdmsr_safe(0xc0000080, &efer);
	if (!(efer & (1ull << 11))) {
		mv_printf("hostile: nx not shown (EFER.NXE clear), skipped\n");
		return 0;
	}
	code[0] = 0xc3;
	pd()[1] |= PT_XD;
	flush_tlb();
	mv_set_handler(14, pf_return);
	((void (*)(void))code)();
	mv_set_handler(14, 0);
	pd()[1] &= ~PT_XD;
	flush_tlb();
	/* P (bit 0) and I/D (bit 4): a fetch from a present, XD page */
	if ((pf_error & 0x11) != 0x11 || pf_addr != (uint64_t)code) {
		mv_printf("hostile: nx: #PF error 0x%llx at 0x%llx\n",
			  (unsigned long long)pf_error,
			  (unsigned long long)pf_addr);
		return 1;
	}
	return 0;
}
#endif

#ifdef HOSTILE_xrstor
static int xrstor_with(uint8_t *area, uint64_t bv, uint64_t comp, uint64_t rsvd)
{
	uint64_t *hdr = (uint64_t *)(area + 512);

	hdr[0] = bv;
	hdr[1] = comp;
	hdr[2] = rsvd;
	return MV_SAFE("xrstor64 (%0)", : : "r" (area), "a" (3), "d" (0)
		   : "r11", "memory");
}

static int xrstor(void)
{
	static uint8_t area[4096] __aligned(64);
	uint32_t r[4];
	uint64_t cr4;

	mv_cpuid(1, 0, r);
	if (!(r[2] & (1u << 26))) {
		mv_printf("hostile: xsave not shown, skipped\n");
		return 0;
	}
	asm volatile("mov %%cr4, %0" : "=r" (cr4));
	if (mv_write_cr4_safe(cr4 | (1ull << 18)) || mv_xsetbv_safe(0, 3))
		return 1;
	asm volatile("xsave64 (%0)" : : "r" (area), "a" (3), "d" (0) : "memory");
	/* A valid image restores. */
	expect(xrstor_with(area, 3, 0, 0), -1, "good header");
	/*
	 * XSTATE_BV beyond XCR0, a reserved XSTATE_BV bit, XCOMP_BV set
	 * without XSAVEC's form, reserved header bytes: each #GP.
	 */
	expect(xrstor_with(area, 0x7, 0, 0), 13, "XSTATE_BV beyond XCR0");
	expect(xrstor_with(area, 1ull << 62, 0, 0), 13, "reserved XSTATE_BV");
	expect(xrstor_with(area, 3, 1, 0), 13, "XCOMP_BV without bit 63");
	expect(xrstor_with(area, 3, 0, 1), 13, "reserved header bytes");
	/* Misaligned: #GP too */
	expect(MV_SAFE("xrstor64 (%0)", : : "r" (area + 8), "a" (3), "d" (0)
		   : "r11", "memory"), 13, "misaligned area");
	xrstor_with(area, 3, 0, 0);
	return 0;
}
#endif

#ifdef HOSTILE_seg
static int segments(void)
{
	struct { uint16_t l; uint64_t b; } __packed gdtr;
	uint16_t beyond;

	asm volatile("sgdt %0" : "=m" (gdtr));
	beyond = (gdtr.l + 1) & ~7;
	/* A selector past the GDT's limit, and one in an LDT that is not there */
	expect(MV_SAFE("mov %w0, %%ds", : : "r" (beyond) : "r11", "memory"), 13,
	       "ds past the GDT");
	expect(MV_SAFE("mov %w0, %%es", : : "r" (0x0c) : "r11", "memory"), 13,
	       "es in a missing LDT");
	/* The TSS as a data segment, and code as the stack segment */
	expect(MV_SAFE("mov %w0, %%fs", : : "r" (MV_GDT_TSS) : "r11", "memory"), 13,
	       "fs = the TSS");
	expect(MV_SAFE("mov %w0, %%ss", : : "r" (MV_GDT_CODE) : "r11", "memory"), 13,
	       "ss = code");
	/*
	 * LTR of a busy TSS: the GDT's TSS descriptor is busy once TR was
	 * loaded from it (VM entry loads TR without touching the GDT, so
	 * the first LTR may succeed), and LLDT of a TSS.
	 */
	MV_SAFE("ltr %w0", : : "r" (MV_GDT_TSS) : "r11", "memory");
	expect(MV_SAFE("ltr %w0", : : "r" (MV_GDT_TSS) : "r11", "memory"), 13,
	       "ltr busy TSS");
	expect(MV_SAFE("lldt %w0", : : "r" (MV_GDT_TSS) : "r11", "memory"), 13,
	       "lldt a TSS");
	/* Put DS/ES/FS back (the fixups left them as they were) */
	asm volatile("mov %w0, %%ds; mov %w0, %%es; mov %w0, %%fs"
		     : : "r" (MV_GDT_DATA));
	mv_printf("hostile: seg done, %d failures\n", failures);
	return failures;
}
#endif

#ifdef HOSTILE_cpuid
/* Random pairs, the same ones every run: the digest is the baseline's. */
static int cpuid_sweep(void)
{
	uint64_t x = 0x2545f4914f6cdd1dull, h = 0xcbf29ce484222325ull;
	unsigned int i, n = 1000000;
	uint32_t r[4];

	for (i = 0; i < n; i++) {
		uint32_t leaf, sub;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		/* Mostly near the defined ranges, some anywhere */
		leaf = (uint32_t)x;
		switch ((x >> 32) & 3) {
		case 0:
			leaf &= 0x1f;
			break;
		case 1:
			leaf = 0x80000000 | (leaf & 0x1f);
			break;
		case 2:
			leaf = 0x40000000 | (leaf & 0xff);
			break;
		}
		sub = (x >> 40) & 3 ? (uint32_t)(x >> 40) & 0x3f : (uint32_t)(x >> 16);
		mv_cpuid(leaf, sub, r);
		/* The APIC ID and OSXSAVE are the guest's own: stable too */
		for (int k = 0; k < 4; k++) {
			h ^= r[k];
			h *= 0x100000001b3ull;
		}
	}
	mv_printf("hostile: cpuid sweep done, %u pairs, digest %016llx\n", n,
		  (unsigned long long)h);
	return 0;
}
#endif

#ifdef HOSTILE_acloop
static struct {
	uint32_t rsvd0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t rsvd1, ist[7], rsvd2;
	uint16_t rsvd3, iomap;
} __packed tss;

/* null, kernel code, kernel data, user data, user code, TSS (2 slots) */
static uint64_t gdt[7] __aligned(16);

static uint8_t kstack[8192] __aligned(16), ustack[8192] __aligned(16);
static uint64_t acs;

/* Back to the access that faulted: it faults again, forever. */
static void ac_again(struct mv_frame *f)
{
	WRITE_ONCE(acs, acs + 1);
}

static __noreturn void to_ring3(void (*fn)(void))
{
	uint64_t t = (uint64_t)&tss;
	struct { uint16_t l; uint64_t b; } __packed gdtr = { sizeof(gdt) - 1,
							     (uint64_t)gdt };
	unsigned int i;

	gdt[1] = 0x00af9a000000ffffull;	/* 0x08 kernel code, as the runtime's */
	gdt[2] = 0x00cf92000000ffffull;	/* 0x10 kernel data */
	gdt[3] = 0x00cff2000000ffffull;	/* 0x18 user data, DPL 3 */
	gdt[4] = 0x00affa000000ffffull;	/* 0x20 user code, 64-bit, DPL 3 */
	tss.rsp0 = (uint64_t)(kstack + sizeof(kstack));
	tss.iomap = sizeof(tss);
	gdt[5] = (sizeof(tss) - 1) | (t & 0xffffff) << 16 | 0x89ull << 40 |
		 ((t >> 24) & 0xff) << 56;
	gdt[6] = t >> 32;
	/* User pages: U on every level of the identity map */
	((uint64_t *)(uintptr_t)MV_GPA_PML4)[0] |= PT_U;
	((uint64_t *)(uintptr_t)MV_GPA_PDPT)[0] |= PT_U;
	for (i = 0; i < 512; i++)
		pd()[i] |= PT_U;
	flush_tlb();
	asm volatile("lgdt %0; ltr %w1" : : "m" (gdtr), "r" (0x28));
	asm volatile("mov %%cr0, %%rax; or $0x40000, %%rax; mov %%rax, %%cr0"
		     : : : "rax");
	asm volatile("pushq $0x1b; pushq %0; pushq $0x40002; pushq $0x23; pushq %1; iretq"
		     : : "r" ((uint64_t)(ustack + sizeof(ustack))),
		       "r" ((uint64_t)fn) : "memory");
	__builtin_unreachable();
}

/* A 4-byte load from an odd address, at CPL 3 with AC and CR0.AM set */
static void misaligned(void)
{
	static uint8_t buf[16] __aligned(16);

	for (;;)
		asm volatile("movl 1(%0), %%eax" : : "r" (buf) : "eax", "memory");
}
#endif


int main(void)
{
#ifdef HOSTILE_triple
	struct { uint16_t l; uint64_t b; } __packed none = { 0, 0 };

	mv_puts("hostile: triple fault next\n");
	asm volatile("lidt %0; int3" : : "m" (none));
#endif
#ifdef HOSTILE_vmx
	expect(mv_vmxon_safe(), 6, "vmxon");
	expect(mv_vmread_safe(), 6, "vmread");
	expect(mv_invept_safe(), 6, "invept");
	mv_printf("hostile: vmx done, %d failures\n", failures);
	return failures;
#endif
#ifdef HOSTILE_vmcall
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int i, nosys = 0;

	for (i = 0; i < 2000; i++) {
		uint64_t nr, r;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		nr = x | 1;	/* never 0: that is exit */
		if (i % 4 == 0)
			nr = x % 8 ? x % 8 : 2;
		r = mv_hypercall(nr, x, x >> 3, x >> 5);
		if (r == (uint64_t)-38)
			nosys++;
	}
	mv_printf("hostile: vmcall done, %d of 2000 were -ENOSYS\n", nosys);
	return 0;
#endif
#ifdef HOSTILE_io
	unsigned int port, ones = 0;

	for (port = 0; port < 0x10000; port++) {
		if (port != MV_CONSOLE_PORT)
			mv_outb(port, 0x5a);
		ones += mv_inb(port) == 0xff;
	}
	mv_printf("hostile: io done, %u of 65536 reads were 0xff\n", ones);
	return ones == 0x10000 ? 0 : 1;
#endif
#ifdef HOSTILE_msr
	static const uint32_t base[] = { 0, 0x40000000, 0xc0000000, 0xc0010000 };
	static const uint32_t owned[] = { 0xc0000081, 0xc0000082, 0xc0000083,
					  0xc0000084, 0xc0000102 };
	unsigned int gp = 0, ok = 0, i, j;
	uint64_t v;

	/* The syscall MSRs and KERNEL_GS_BASE start as the guest's own (0),
	 * never the host's, and keep what the guest writes.
	 */
	for (i = 0; i < 5; i++) {
		if (mv_rdmsr_safe(owned[i], &v) || v) {
			mv_printf("hostile: msr %x leaks 0x%llx\n", owned[i],
				  (unsigned long long)v);
			failures++;
		}
		if (mv_wrmsr_safe(owned[i], 0x1230 + i) ||
		    mv_rdmsr_safe(owned[i], &v) || v != 0x1230 + i)
			failures++;
	}

	for (i = 0; i < 4; i++)
		for (j = 0; j < 0x2000; j++) {
			uint32_t msr = base[i] + j;

			if (mv_rdmsr_safe(msr, &v))
				gp++;
			else
				ok++;
			/* Writing back what was read must not hurt. */
			if (!mv_rdmsr_safe(msr, &v))
				mv_wrmsr_safe(msr, v);
			else if (mv_wrmsr_safe(msr, 0))
				gp++;
		}
	mv_printf("hostile: msr done, %u readable, %u #GP, %d failures\n",
		  ok, gp, failures);
	return failures;
#endif
#ifdef HOSTILE_cr
	uint64_t cr0, cr4, efer;

	asm volatile("mov %%cr0, %0" : "=r" (cr0));
	asm volatile("mov %%cr4, %0" : "=r" (cr4));
	expect(mv_write_cr0_safe(cr0 | (1ull << 63)), 13, "cr0 bit 63");
	expect(mv_write_cr0_safe(cr0 | (1ull << 32)), 13, "cr0 bit 32");
	expect(mv_write_cr0_safe(cr0 & ~(1ull << 31)), 13, "cr0 without PG");
	expect(mv_write_cr0_safe((cr0 | (1u << 29)) & ~(1u << 30)), 13, "cr0 NW without CD");
	expect(mv_write_cr4_safe(cr4 | (1u << 13)), 13, "cr4 VMXE");
	expect(mv_write_cr4_safe(cr4 | (1u << 22)), 13, "cr4 PKE");
	expect(mv_write_cr4_safe(cr4 | (1u << 12)), 13, "cr4 LA57");
	expect(mv_write_cr4_safe(cr4 | (1ull << 63)), 13, "cr4 bit 63");
	expect(mv_write_cr4_safe(cr4 & ~(1u << 5)), 13, "cr4 without PAE");
	mv_rdmsr_safe(0xc0000080, &efer);
	expect(mv_wrmsr_safe(0xc0000080, efer | (1ull << 63)), 13, "efer bit 63");
	expect(mv_wrmsr_safe(0xc0000080, efer & ~(1ull << 8)), 13, "efer without LME");
	/* Allowed changes still work and read back. */
	if (mv_write_cr0_safe(cr0 | (1u << 18)) || mv_write_cr0_safe(cr0)) {
		mv_puts("hostile: setting CR0.AM failed\n");
		failures++;
	}
	mv_printf("hostile: cr done, %d failures\n", failures);
	return failures;
#endif
#ifdef HOSTILE_beyond
	uint64_t *far = (uint64_t *)(512ull << 20);

	mv_puts("hostile: reading at 512 MiB\n");
	return (int)READ_ONCE(*far);
#endif
#ifdef HOSTILE_hltcli
	mv_puts("hostile: cli; hlt\n");
	asm volatile("cli; hlt");
	return 1;
#endif
#ifdef HOSTILE_nx
	failures = nx_fetch();
	mv_printf("hostile: nx done, %d failures\n", failures);
	return failures;
#endif
#ifdef HOSTILE_xrstor
	failures += xrstor();
	mv_printf("hostile: xrstor done, %d failures\n", failures);
	return failures;
#endif
#ifdef HOSTILE_seg
	return segments();
#endif
#ifdef HOSTILE_cpuid
	return cpuid_sweep();
#endif
#ifdef HOSTILE_acloop
	mv_set_handler(17, ac_again);
	mv_puts("hostile: #AC at CPL 3 forever\n");
	to_ring3(misaligned);
#endif
#ifdef HOSTILE_dbloop
	mv_set_handler(1, db_again);
	mv_puts("hostile: single-stepping forever\n");
	asm volatile("pushf; orq $0x100, (%rsp); popf");
	for (;;)
		asm volatile("nop");
#endif
	return 0;
}
