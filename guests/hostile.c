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
 * #AC is intercepted too, but alignment checks happen only at CPL 3 and
 * these guests run at CPL 0, so there is no #AC loop guest.
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
#ifdef HOSTILE_dbloop
	mv_set_handler(1, db_again);
	mv_puts("hostile: single-stepping forever\n");
	asm volatile("pushf; orq $0x100, (%rsp); popf");
	for (;;)
		asm volatile("nop");
#endif
	return 0;
}
