// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU: VMCS set-up for a guest that starts in 64-bit mode, and the
 * run loop of its kernel thread. Exit handling is in exit.c.
 *
 * What the guest may touch is decided here: every I/O port and MSR exits
 * (deny by default), CR0/CR4 are host-owned, CR8 and debug registers are
 * virtual, #DB and #AC always exit, and host state (MSRs, XCR0, FPU,
 * debug registers) never reaches the guest or the other way round.
 */
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/trapnr.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "../compat.h"
#include "../memory.h"
#include "capabilities.h"
#include "vcpu.h"
#include "vmenter_regs.h"

/* vmenter.S reads and writes the GPRs by these numbers. */
static_assert(MV_HOST_RSP == HOST_RSP);
static_assert(offsetof(struct mv_vcpu_regs, rax) == R_RAX);
static_assert(offsetof(struct mv_vcpu_regs, rcx) == R_RCX);
static_assert(offsetof(struct mv_vcpu_regs, rdx) == R_RDX);
static_assert(offsetof(struct mv_vcpu_regs, rbx) == R_RBX);
static_assert(offsetof(struct mv_vcpu_regs, rsp) == R_RSP);
static_assert(offsetof(struct mv_vcpu_regs, rbp) == R_RBP);
static_assert(offsetof(struct mv_vcpu_regs, rsi) == R_RSI);
static_assert(offsetof(struct mv_vcpu_regs, rdi) == R_RDI);
static_assert(offsetof(struct mv_vcpu_regs, r8) == R_R8);
static_assert(offsetof(struct mv_vcpu_regs, r9) == R_R9);
static_assert(offsetof(struct mv_vcpu_regs, r10) == R_R10);
static_assert(offsetof(struct mv_vcpu_regs, r11) == R_R11);
static_assert(offsetof(struct mv_vcpu_regs, r12) == R_R12);
static_assert(offsetof(struct mv_vcpu_regs, r13) == R_R13);
static_assert(offsetof(struct mv_vcpu_regs, r14) == R_R14);
static_assert(offsetof(struct mv_vcpu_regs, r15) == R_R15);
static_assert(sizeof(struct mv_vcpu_regs) == R_SIZE);
#include "vmx_ops.h"

static DEFINE_IDA(mv_vpids);
/* One all-ones page each: deny every MSR and every I/O port. */
static void *mv_msr_bitmap, *mv_io_bitmap;

static const u32 mv_gmsr_index[MV_GMSR_COUNT] = {
	[MV_GMSR_STAR]		= MSR_STAR,
	[MV_GMSR_LSTAR]		= MSR_LSTAR,
	[MV_GMSR_CSTAR]		= MSR_CSTAR,
	[MV_GMSR_SFMASK]	= MSR_SYSCALL_MASK,
	[MV_GMSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
};

int mv_vpid_init(void)
{
	mv_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	mv_io_bitmap = (void *)__get_free_pages(GFP_KERNEL, 1);
	if (!mv_msr_bitmap || !mv_io_bitmap) {
		free_page((unsigned long)mv_msr_bitmap);
		free_pages((unsigned long)mv_io_bitmap, 1);
		return -ENOMEM;
	}
	memset(mv_msr_bitmap, 0xff, PAGE_SIZE);
	memset(mv_io_bitmap, 0xff, 2 * PAGE_SIZE);
	return 0;
}

void mv_vpid_uninit(void)
{
	free_page((unsigned long)mv_msr_bitmap);
	free_pages((unsigned long)mv_io_bitmap, 1);
}

/* Allowed-0/allowed-1 adjustment of a control word (SDM A.3). */
static u32 adjust(u32 want, enum mv_vmx_msr plain, enum mv_vmx_msr true_msr)
{
	u64 msr = mv_vmx_msr_valid(true_msr) ? mv_vmx.msr[true_msr] :
					       mv_vmx.msr[plain];

	want &= msr >> 32;	/* bit clear in high word: must be 0 */
	want |= (u32)msr;	/* bit set in low word: must be 1 */
	return want;
}

void mv_vmcs_set_cr0(u64 cr0)
{
	mv_vmwrite(CR0_READ_SHADOW, cr0);
	mv_vmwrite(GUEST_CR0, (cr0 | mv_vmx.msr[MV_MSR_CR0_FIXED0]) &
			      mv_vmx.msr[MV_MSR_CR0_FIXED1]);
}

void mv_vmcs_set_cr4(u64 cr4)
{
	mv_vmwrite(CR4_READ_SHADOW, cr4);
	mv_vmwrite(GUEST_CR4, (cr4 | mv_vmx.msr[MV_MSR_CR4_FIXED0]) &
			      mv_vmx.msr[MV_MSR_CR4_FIXED1]);
}

/*
 * Secondary controls from the guest's policy: an instruction of a hidden
 * feature is #UD, either natively (RDTSCP, RDPID, INVPCID, XSAVES/XRSTORS
 * without their enable control) or by exiting (RDRAND, RDSEED) where the
 * CPU has the exiting control. The offer guarantees the enable controls.
 */
static u32 policy_controls(struct mv_vcpu *v)
{
	const struct mv_policy *p = v->policy;
	u32 c = 0;

	if (v->tsc_aux_owned)
		c |= SECONDARY_EXEC_ENABLE_RDTSCP;
	if (mv_policy_has(p, MV_F_invpcid))
		c |= SECONDARY_EXEC_ENABLE_INVPCID;
	if (mv_policy_has(p, MV_F_xsaves))
		c |= SECONDARY_EXEC_ENABLE_XSAVES;
	if (!mv_policy_has(p, MV_F_rdrand) && mv_vmx_has(MV_VCAP_rdrand_exiting))
		c |= SECONDARY_EXEC_RDRAND_EXITING;
	if (!mv_policy_has(p, MV_F_rdseed) && mv_vmx_has(MV_VCAP_rdseed_exiting))
		c |= SECONDARY_EXEC_RDSEED_EXITING;
	return c;
}

static void setup_controls(struct mv_vcpu *v)
{
	u32 pin, proc, proc2, exit, entry;

	pin = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING;
	if (mv_cpu_has_preemption_timer())
		pin |= PIN_BASED_VMX_PREEMPTION_TIMER;
	proc = CPU_BASED_HLT_EXITING | CPU_BASED_CR8_LOAD_EXITING |
	       CPU_BASED_CR8_STORE_EXITING | CPU_BASED_MOV_DR_EXITING |
	       CPU_BASED_USE_IO_BITMAPS | CPU_BASED_USE_MSR_BITMAPS |
	       CPU_BASED_RDPMC_EXITING | CPU_BASED_MWAIT_EXITING |
	       CPU_BASED_MONITOR_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
	       CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	proc2 = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_WBINVD_EXITING;
	if (v->vpid)
		proc2 |= SECONDARY_EXEC_ENABLE_VPID;
	proc2 |= policy_controls(v);
	if (v->tsc_mult)
		proc2 |= SECONDARY_EXEC_TSC_SCALING;
	exit = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
	       VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_DEBUG_CONTROLS;
	entry = VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_EFER |
		VM_ENTRY_LOAD_DEBUG_CONTROLS;

	mv_vmwrite(PIN_BASED_VM_EXEC_CONTROL,
		   adjust(pin, MV_MSR_PIN, MV_MSR_TRUE_PIN));
	mv_vmwrite(CPU_BASED_VM_EXEC_CONTROL,
		   adjust(proc, MV_MSR_PROC, MV_MSR_TRUE_PROC));
	mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
		   adjust(proc2, MV_MSR_PROC2, MV_MSR_PROC2));
	mv_vmwrite(VM_EXIT_CONTROLS, adjust(exit, MV_MSR_EXIT, MV_MSR_TRUE_EXIT));
	mv_vmwrite(VM_ENTRY_CONTROLS,
		   adjust(entry, MV_MSR_ENTRY, MV_MSR_TRUE_ENTRY));
	/* #DB and #AC always exit (CVE-2015-5307/8104); #MC goes to the host. */
	mv_vmwrite(EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
				     BIT(X86_TRAP_MC));
	mv_vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	mv_vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	mv_vmwrite(CR3_TARGET_COUNT, 0);
	mv_vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	mv_vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	mv_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	mv_vmwrite(MSR_BITMAP, __pa(mv_msr_bitmap));
	mv_vmwrite(IO_BITMAP_A, __pa(mv_io_bitmap));
	mv_vmwrite(IO_BITMAP_B, __pa(mv_io_bitmap) + PAGE_SIZE);
	mv_vmwrite(EPT_POINTER, v->mem->eptp);
	if (v->vpid)
		mv_vmwrite(VIRTUAL_PROCESSOR_ID, v->vpid);
	mv_vmwrite(VMCS_LINK_POINTER, -1ull);
	if (v->tsc_mult)
		mv_vmwrite(TSC_MULTIPLIER, v->tsc_mult);
	if (mv_policy_has(v->policy, MV_F_xsaves))
		mv_vmwrite(XSS_EXIT_BITMAP, 0);
	/* Every CR0 and CR4 bit is the host's: writes exit, reads see shadows. */
	mv_vmwrite(CR0_GUEST_HOST_MASK, ~0ul);
	mv_vmwrite(CR4_GUEST_HOST_MASK, ~0ul);
}

static void setup_host_constant(void)
{
	struct desc_ptr idt;
	u64 efer;

	mv_vmwrite(HOST_CR0, read_cr0());
	mv_vmwrite(HOST_CS_SELECTOR, __KERNEL_CS);
	mv_vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	mv_vmwrite(HOST_DS_SELECTOR, 0);
	mv_vmwrite(HOST_ES_SELECTOR, 0);
	mv_vmwrite(HOST_FS_SELECTOR, 0);
	mv_vmwrite(HOST_GS_SELECTOR, 0);
	mv_vmwrite(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	mv_vmwrite(HOST_IDTR_BASE, idt.address);
	mv_vmwrite(HOST_RIP, (unsigned long)mv_vmx_vmexit);
	rdmsrq(MSR_EFER, efer);
	mv_vmwrite(HOST_IA32_EFER, efer);
}

/* What differs per CPU: redone when the VMCS moves to another CPU. */
static void setup_host_per_cpu(void)
{
	int cpu = smp_processor_id();
	u64 v;

	mv_vmwrite(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	mv_vmwrite(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	rdmsrq(MSR_GS_BASE, v);
	mv_vmwrite(HOST_GS_BASE, v);
	rdmsrq(MSR_FS_BASE, v);
	mv_vmwrite(HOST_FS_BASE, v);
	rdmsrq(MSR_IA32_SYSENTER_CS, v);
	mv_vmwrite(HOST_IA32_SYSENTER_CS, v);
	rdmsrq(MSR_IA32_SYSENTER_ESP, v);
	mv_vmwrite(HOST_IA32_SYSENTER_ESP, v);
	rdmsrq(MSR_IA32_SYSENTER_EIP, v);
	mv_vmwrite(HOST_IA32_SYSENTER_EIP, v);
}

static void seg(unsigned long sel_f, unsigned long base_f,
		unsigned long limit_f, unsigned long ar_f,
		u16 sel, u64 base, u32 limit, u32 ar)
{
	mv_vmwrite(sel_f, sel);
	mv_vmwrite(base_f, base);
	mv_vmwrite(limit_f, limit);
	mv_vmwrite(ar_f, ar);
}

static void setup_guest(struct mv_vcpu *v)
{
	u64 cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		  X86_CR0_WP | X86_CR0_PG;
	u64 cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	u64 efer = EFER_LME | EFER_LMA;

	if (v->restore) {
		/* Checked in full when it was written (migrate/state.c). */
		v->ops->restore(v, v->restore);
		kfree(v->restore);
		v->restore = NULL;
		return;
	}
	mv_vmwrite(TSC_OFFSET, v->tsc_offset);
	/*
	 * SCE and NXE as the baseline shows syscall and nx: a program that
	 * tests them before use must find a CPU that has them. A host
	 * without NX cannot satisfy a baseline that shows nx.
	 */
	if (mv_policy_has(v->policy, MV_F_syscall))
		efer |= EFER_SCE;
	if (mv_policy_has(v->policy, MV_F_nx) && boot_cpu_has(X86_FEATURE_NX))
		efer |= EFER_NX;
	mv_vmcs_set_cr0(cr0);
	mv_vmwrite(GUEST_CR3, MV_GPA_PML4);
	mv_vmcs_set_cr4(cr4);
	mv_vmwrite(GUEST_IA32_EFER, efer);
	mv_vmwrite(GUEST_DR7, MV_DR7_FIXED);
	mv_vmwrite(GUEST_IA32_DEBUGCTL, 0);

	/* Access rights: code 64-bit (L=1), data, busy 64-bit TSS (SDM 24.4.1) */
	seg(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES,
	    MV_GDT_CODE, 0, 0xffffffff, 0xa09b);
	seg(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES,
	    MV_GDT_DATA, 0, 0xffffffff, 0xc093);
	seg(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES,
	    MV_GDT_DATA, 0, 0xffffffff, 0xc093);
	seg(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES,
	    MV_GDT_DATA, 0, 0xffffffff, 0xc093);
	seg(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES,
	    MV_GDT_DATA, 0, 0xffffffff, 0xc093);
	seg(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES,
	    MV_GDT_DATA, 0, 0xffffffff, 0xc093);
	seg(GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES,
	    MV_GDT_TSS, MV_GPA_TSS, 0x67, 0x008b);
	/* LDTR unusable (bit 16) */
	seg(GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
	    GUEST_LDTR_AR_BYTES, 0, 0, 0, 0x10000);
	mv_vmwrite(GUEST_GDTR_BASE, MV_GPA_GDT);
	mv_vmwrite(GUEST_GDTR_LIMIT, 4 * 8 + 7);
	mv_vmwrite(GUEST_IDTR_BASE, 0);
	mv_vmwrite(GUEST_IDTR_LIMIT, 0);
	mv_vmwrite(GUEST_SYSENTER_CS, 0);
	mv_vmwrite(GUEST_SYSENTER_ESP, 0);
	mv_vmwrite(GUEST_SYSENTER_EIP, 0);

	mv_vmwrite(GUEST_RSP, v->regs.rsp & ~0xfull);
	mv_vmwrite(GUEST_RIP, v->entry);
	mv_vmwrite(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	mv_vmwrite(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	mv_vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	mv_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
}

int mv_vcpu_create(struct mv_vcpu *v, unsigned int id)
{
	const struct mv_policy *p = v->policy;
	struct fxregs_state *fx;
	int ret;

	init_waitqueue_head(&v->wq);
	v->id = id;
	v->last_cpu = -1;
	/*
	 * XCR0 as after RESET (SDM Vol. 1, 13.3): x87 only. Without xsave it
	 * cannot be read, and the FXSAVE image holds x87 and SSE anyway.
	 */
	v->xcr0 = p->xcr0 ? XFEATURE_MASK_FP :
		  XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	v->xsave = !!p->xcr0;
	v->pat = MV_PAT_RESET;
	v->xss_owned = mv_policy_has(p, MV_F_xsaves) &&
		       boot_cpu_has(X86_FEATURE_XSAVES);
	v->tsc_aux_owned = mv_policy_has(p, MV_F_rdtscp) ||
			   mv_policy_has(p, MV_F_rdpid);
	v->dr[6] = MV_DR6_FIXED;
	v->dr[7] = MV_DR7_FIXED;
	v->tsc_khz = tsc_khz;
	ret = mv_loaded_vmcs_alloc(&v->lv);
	if (ret)
		return ret;
	/*
	 * FXSAVE or standard-format XSAVE image; the largest offered XCR0
	 * needs 2696 bytes. A zero XSAVE header means "all in init state".
	 */
	v->fpu = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!v->fpu) {
		mv_loaded_vmcs_free(&v->lv);
		return -ENOMEM;
	}
	fx = v->fpu;
	fx->cwd = 0x37f;
	fx->mxcsr = 0x1f80;
	/*
	 * VPIDs from the top half: KVM allocates its own from the bottom, and
	 * while VMX root is shared an INVVPID of either then spares the
	 * other's translations (EPT roots keep them apart anyway).
	 */
	if (mv_cpu_has_vpid()) {
		ret = ida_alloc_range(&mv_vpids, 0x8000, 0xffff, GFP_KERNEL);
		if (ret > 0)
			v->vpid = ret;
	}
	v->lv.eptp = v->mem->eptp;
	v->lv.vpid = v->vpid;
	return 0;
}

void mv_vcpu_destroy(struct mv_vcpu *v)
{
	if (!v->ops)
		return;
	mv_loaded_vmcs_free(&v->lv);
	/*
	 * Another guest may get this EPT root's address or this VPID next:
	 * drop what the CPUs cached for them. Needs VMX on; a guest that
	 * never ran cached nothing.
	 */
	if (v->last_cpu >= 0)
		mv_vmx_flush_all(v->mem->eptp, v->vpid);
	if (v->vpid)
		ida_free(&mv_vpids, v->vpid);
	free_page((unsigned long)v->fpu);
	/* The VMCS is gone: nothing logs into it any more. */
	free_page((unsigned long)v->pml_orphan);
	kfree(v->restore);
	v->restore = NULL;
	v->ops = NULL;
}

void mv_vcpu_orphan_pml(struct mv_vcpu *v, void *page)
{
	/* Tracking stopped, and restarting it needs the vCPU: one at most. */
	WARN_ON_ONCE(xchg(&v->pml_orphan, page));
}

/* Switch off the PML an orphaned page belongs to; in a slice. */
static void drop_orphan_pml(struct mv_vcpu *v)
{
	void *page = xchg(&v->pml_orphan, NULL);

	if (!page)
		return;
	mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
		   mv_vmread(SECONDARY_VM_EXEC_CONTROL) &
		   ~SECONDARY_EXEC_ENABLE_PML);
	mv_vmwrite(EPT_POINTER, v->mem->eptp);
	free_page((unsigned long)page);
}

/*
 * The preemption timer counts TSC ticks >> IA32_VMX_MISC[4:0] (SDM 25.5.1).
 * A slice in TSC time, not a fixed count: on a fast TSC a fixed count is
 * so short that exits, not the guest, would use the CPU.
 */
static u32 time_slice(void)
{
	u64 ticks = (u64)tsc_khz * MV_TIME_SLICE_US / 1000;

	ticks >>= mv_vmx.msr[MV_MSR_MISC] & 0x1f;
	return clamp_t(u64, ticks, 1000, U32_MAX);
}

/* Host values of the guest-owned MSRs, saved around one entry. */
struct host_msrs {
	u64 v[MV_GMSR_COUNT];
	u64 tsc_aux;
	u64 xcr0;
	u64 xss;
	u64 debugctl;
	unsigned long dr7;
	unsigned long ds, es;
	u16 ldt;
	bool osxsave;
};

static inline void xsave_image(void *buf, u64 mask)
{
	asm volatile("xsave64 %0" : "+m" (*(u8 *)buf)
		     : "a" ((u32)mask), "d" ((u32)(mask >> 32)) : "memory");
}

static inline void xrstor_image(void *buf, u64 mask)
{
	asm volatile("xrstor64 %0" : : "m" (*(u8 *)buf),
		     "a" ((u32)mask), "d" ((u32)(mask >> 32)) : "memory");
}

/*
 * The guest's extended state goes in and out with XCR0 at the policy's
 * full set, a superset of whatever the guest enabled: saving with the
 * guest's own XCR0 would drop XMM state while it has only x87 on. A host
 * kernel that runs without XSAVE (Bochs' Skylake-X, where Linux finds the
 * sizes inconsistent) gets CR4.OSXSAVE only for this window; the offer
 * has checked that the standard layout is the architectural one.
 */
static void xstate_in(struct mv_vcpu *v, struct host_msrs *h)
{
	u64 full = v->policy->xcr0;

	h->osxsave = mv_read_cr4() & X86_CR4_OSXSAVE;
	if (!h->osxsave)
		mv_cr4_update_irqsoff(X86_CR4_OSXSAVE, 0);
	else
		h->xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	xsetbv(XCR_XFEATURE_ENABLED_MASK, full);
	xrstor_image(v->fpu, full);
	/* Guest XSAVES must not see the host's supervisor states. */
	h->xss = 0;
	if (v->xss_owned) {
		rdmsrq(MSR_IA32_XSS, h->xss);
		if (h->xss)
			wrmsrq(MSR_IA32_XSS, 0);
	}
	if (v->xcr0 != full)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, v->xcr0);
}

static void xstate_out(struct mv_vcpu *v, struct host_msrs *h)
{
	u64 full = v->policy->xcr0;

	if (h->xss)
		wrmsrq(MSR_IA32_XSS, h->xss);
	if (v->xcr0 != full)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, full);
	xsave_image(v->fpu, full);
	if (h->osxsave)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, h->xcr0);
	else
		mv_cr4_update_irqsoff(0, X86_CR4_OSXSAVE);
}

static void swap_in(struct mv_vcpu *v, struct host_msrs *h)
{
	int i;

	for (i = 0; i < MV_GMSR_COUNT; i++) {
		rdmsrq(mv_gmsr_index[i], h->v[i]);
		if (h->v[i] != v->msr[i])
			wrmsrq(mv_gmsr_index[i], v->msr[i]);
	}
	if (v->tsc_aux_owned) {
		rdmsrq(MSR_TSC_AUX, h->tsc_aux);
		wrmsrq(MSR_TSC_AUX, v->tsc_aux);
	}
	if (!v->xsave)
		asm volatile("fxrstor64 %0" : : "m" (*(struct fxregs_state *)v->fpu));
}

static void swap_out(struct mv_vcpu *v, struct host_msrs *h)
{
	int i;

	if (!v->xsave)
		asm volatile("fxsave64 %0" : "=m" (*(struct fxregs_state *)v->fpu));
	if (v->tsc_aux_owned)
		wrmsrq(MSR_TSC_AUX, h->tsc_aux);
	/* SWAPGS is the one way the guest changes these without an exit. */
	rdmsrq(MSR_KERNEL_GS_BASE, v->msr[MV_GMSR_KERNEL_GS_BASE]);
	for (i = 0; i < MV_GMSR_COUNT; i++)
		if (h->v[i] != v->msr[i])
			wrmsrq(mv_gmsr_index[i], h->v[i]);
}

/*
 * Begin a run slice with the VMCS current, set up on first use; interrupts
 * off. 0, or -errno with e->stop or e->pause saying why this CPU cannot
 * run the guest now (-EAGAIN: soon again). The slice must then end.
 */
static int load_vmcs(struct mv_vcpu *v, struct mv_vmx_slice *s,
		     struct mv_exit *e)
{
	int ret = mv_vmx_slice_begin(&v->lv, s, &e->pause);

	if (ret == -ESHUTDOWN) {
		e->stop = MV_STOP_HOST;
		e->stop_info = -ret;
	}
	if (ret < 0) {
		e->pause_cpu = smp_processor_id();
		return ret;
	}
	if (v->last_cpu < 0) {
		v->slice = time_slice();
		setup_controls(v);
		setup_host_constant();
		setup_guest(v);
		v->host_cr3 = v->host_cr4 = 0;
	}
	if (ret == 1)
		setup_host_per_cpu();
	if (unlikely(READ_ONCE(v->pml_orphan)))
		drop_orphan_pml(v);
	v->last_cpu = smp_processor_id();
	return 0;
}

/* Take the posted call, if any, and run it in a slice; vCPU thread only. */
static void run_call(struct mv_vcpu *v)
{
	struct mv_vcpu_call *c = xchg(&v->call, NULL);
	struct mv_vmx_slice s;
	struct mv_exit e = {};
	int ret, tries;

	if (!c)
		return;
	/* VMX root changing hands (-EAGAIN) is over within the caller's wait. */
	for (tries = 0;; tries++) {
		preempt_disable();
		mv_vmx_slice_prepare(&v->lv);
		local_irq_disable();
		ret = load_vmcs(v, &s, &e);
		if (!ret) {
			ret = c->fn(v, c->arg);
			mv_vmx_slice_end(&v->lv, &s);
		}
		local_irq_enable();
		preempt_enable();
		if (ret != -EAGAIN || tries == HZ)
			break;
		schedule_timeout_uninterruptible(1);
	}
	/* Before the next entry and before the caller looks at the result. */
	if (!ret && c->flush)
		mv_vmx_flush_all(v->mem->eptp, 0);
	c->ret = ret;
	/* Publishes c->ret; the caller's acquire pairs with it. */
	smp_store_release(&c->done, true);
	wake_up_all(&v->wq);
}

/* Someone waits for the vCPU thread, or the host wants the CPU back. */
static bool must_leave(struct mv_vcpu *v)
{
	return need_resched() || READ_ONCE(v->pause_req) ||
	       READ_ONCE(v->call) || mv_vmx_dying();
}

/* What the exit was, from the current VMCS; interrupts off. */
static void exit_read(struct mv_exit *e)
{
	e->reason = mv_vmread(VM_EXIT_REASON);
	e->qual = mv_vmread(EXIT_QUALIFICATION);
	e->intr_info = mv_vmread(VM_EXIT_INTR_INFO);
	e->vectoring = mv_vmread(IDT_VECTORING_INFO_FIELD);
	if (e->vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
		e->vectoring_err = mv_vmread(IDT_VECTORING_ERROR_CODE);
	e->insn_len = mv_vmread(VM_EXIT_INSTRUCTION_LEN);
	e->rip = mv_vmread(GUEST_RIP);
	if ((u16)e->reason == EXIT_REASON_EPT_VIOLATION ||
	    (u16)e->reason == EXIT_REASON_EPT_MISCONFIG)
		e->gpa = mv_vmread(GUEST_PHYSICAL_ADDRESS);
}

/*
 * Fast exits (ops->exit_fast) in a row before the full path runs anyway. On
 * hardware a host interrupt ends the run, as it exits the guest at the
 * next entry; Bochs holds it until interrupts are on again, and a tickless
 * CPU may send none: this bounds how long the host waits.
 */
#define MV_FAST_EXITS	256

/*
 * One entry and exit, or several when the exits are fast ones. Preemption
 * is disabled throughout, and interrupts from just before the entry until
 * the exit is handled, so that nothing can VMCLEAR or turn off VMX while
 * the VMCS is in use.
 */
/*
 * The host state a VM entry and exit do not keep, and the guest's that the
 * VMCS does not hold, swapped in: interrupts off, the VMCS loaded.
 */
static void host_state_in(struct mv_vcpu *v, struct host_msrs *h, bool trial)
{
	unsigned long cr3, cr4;

	/* Before HOST_CR4 is taken: it may set CR4.OSXSAVE for the window. */
	if (v->xsave)
		xstate_in(v, h);
	/* The kthread may be running on a borrowed mm; CR4 bits change. */
	cr3 = __read_cr3();
	if (cr3 != v->host_cr3) {
		mv_vmwrite(HOST_CR3, cr3);
		v->host_cr3 = cr3;
	}
	cr4 = mv_read_cr4();
	if (cr4 != v->host_cr4) {
		mv_vmwrite(HOST_CR4, cr4);
		v->host_cr4 = cr4;
	}
	if (mv_cpu_has_preemption_timer())
		mv_vmwrite(VMX_PREEMPTION_TIMER_VALUE, trial ? 0 : v->slice);
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	/*
	 * A VM exit clears LDTR, DR7 and IA32_DEBUGCTL (SDM 28.5.1, 28.5.2).
	 * The kthread may run on a borrowed mm with an LDT, and the host may
	 * have breakpoints or LBR armed: put back what was there.
	 */
	asm volatile("sldt %0" : "=r" (h->ldt));
	h->dr7 = native_get_debugreg(7);
	rdmsrq(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	swap_in(v, h);
	/* With interrupts off nothing in the host faults and changes CR2. */
	if (native_read_cr2() != v->cr2)
		native_write_cr2(v->cr2);
}

/* The guest's state out and the host's back, after the last exit. */
static void host_state_out(struct mv_vcpu *v, struct host_msrs *h)
{
	v->cr2 = native_read_cr2();
	swap_out(v, h);
	if (v->xsave)
		xstate_out(v, h);
	loadsegment(ds, h->ds);
	loadsegment(es, h->es);
	/* A VM exit leaves the GDT limit at 0xffff and the TSS limit at 0x67. */
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
	if (h->ldt)
		asm volatile("lldt %w0" : : "r" (h->ldt));
	if (h->dr7 != MV_DR7_FIXED)
		native_set_debugreg(7, h->dr7);
	if (h->debugctl)
		wrmsrq(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

/*
 * Entries until an exit that is not fast: 0, or the VMX instruction's
 * failure. A fast exit goes straight back in: the guest's FPU, XCR0, MSRs
 * and CR2 stay loaded, which is most of an exit's cost. Host code that may
 * run meanwhile is NMI handlers only, as in any exit window. *@handled: the
 * last exit was fast, and a request to leave came after it.
 */
static int run_fast(struct mv_vcpu *v, struct mv_exit *e, bool trial,
		    bool *handled)
{
	unsigned int fast = 0;
	int ret;

	for (;;) {
		ret = __mv_vmx_vcpu_run(&v->regs, v->lv.launched);
		if (ret)
			return ret;
		v->lv.launched = true;
		exit_read(e);
		if (trial || fast == MV_FAST_EXITS || !v->ops->exit_fast(v, e))
			return 0;
		fast++;
		if (must_leave(v)) {
			*handled = true;
			return 0;
		}
		*e = (struct mv_exit){};
	}
}

static int enter_once(struct mv_vcpu *v, struct mv_exit *e, bool trial)
{
	struct mv_vmx_slice s;
	struct host_msrs h;
	bool handled = false;
	int ret;

	preempt_disable();
	mv_vmx_slice_prepare(&v->lv);
	kernel_fpu_begin();
	local_irq_disable();
	if (must_leave(v)) {
		ret = 1;
		goto out_irq;
	}
	ret = load_vmcs(v, &s, e);
	if (ret)
		goto out_irq;
	host_state_in(v, &h, trial);
	ret = run_fast(v, e, trial, &handled);
	host_state_out(v, &h);

	if (ret) {
		e->stop = MV_STOP_VMFAIL;
		e->stop_info = mv_vmread(VM_INSTRUCTION_ERROR);
		e->rip = mv_vmread(GUEST_RIP);
		ret = 0;
	} else if (!handled) {
		v->ops->exit_handle(v, e);
	}
	if (!trial)
		v->ops->slice_end(v);
	mv_vmx_slice_end(&v->lv, &s);
out_irq:
	local_irq_enable();
	kernel_fpu_end();
	preempt_enable();
	return ret;
}

/*
 * One VM entry that exits before the first guest instruction (VMX-
 * preemption timer at 0), from the caller's thread: it proves that this
 * CPU accepts the vCPU's state before a restore commits. The exit is
 * handled as any other, so the state is the one the guest then resumes
 * from. 0, or -EINVAL with e->stop saying why the entry failed; -EAGAIN
 * when VMX root is not available here for now; -EOPNOTSUPP without the
 * timer, whose absence would let the guest run.
 */
int mv_vcpu_trial(struct mv_vcpu *v, struct mv_exit *e)
{
	int ret, tries;

	if (!mv_cpu_has_preemption_timer())
		return -EOPNOTSUPP;
	/* 1: the host wanted the CPU first; -EAGAIN: VMX root changing hands */
	for (tries = 0;; tries++) {
		memset(e, 0, sizeof(*e));
		ret = enter_once(v, e, true);
		if ((ret != -EAGAIN && ret != 1) || tries == HZ)
			break;
		schedule_timeout_uninterruptible(1);
	}
	if (ret == 1)
		return -EAGAIN;
	if (ret < 0 && !e->stop)
		return e->pause ? -EAGAIN : ret;
	return e->stop ? -EINVAL : 0;
}

/* The run is over: callers of mv_vcpu_call() stop waiting for it. */
static void end_run(struct mv_vcpu *v)
{
	WRITE_ONCE(v->ended, true);
	wake_up_all(&v->wq);
}

static void stop(struct mv_vcpu *v, u32 reason, u64 info, u64 rip)
{
	end_run(v);
	v->ops->stopped(v, reason, info, rip);
}

int mv_vcpu_run(struct mv_vcpu *v)
{
	unsigned long busy_since = 0;
	struct mv_exit e;
	int ret;

	allow_signal(SIGKILL);
	for (;;) {
		if (kthread_should_stop()) {
			end_run(v);
			return 0;
		}
		if (fatal_signal_pending(current) || mv_vmx_dying()) {
			stop(v, MV_STOP_HOST, 0, 0);
			return 0;
		}
		if (READ_ONCE(v->call)) {
			run_call(v);
			continue;
		}
		if (READ_ONCE(v->pause_req)) {
			WRITE_ONCE(v->paused, true);
			wake_up_all(&v->wq);
			wait_event_interruptible(v->wq, !READ_ONCE(v->pause_req) ||
						 READ_ONCE(v->call) ||
						 kthread_should_stop());
			/* A call leaves it paused: the loop comes back here. */
			if (!READ_ONCE(v->call))
				WRITE_ONCE(v->paused, false);
			continue;
		}
		memset(&e, 0, sizeof(e));
		ret = enter_once(v, &e, false);
		if (e.stop) {
			stop(v, e.stop, e.stop_info, e.rip);
			return 0;
		}
		if (e.pause) {
			/* Parks at the top of the loop until resumed. */
			v->ops->host_pause(v, e.pause, e.pause_cpu);
			continue;
		}
		if (!ret)
			v->ops->slice_done(v);
		/*
		 * VMX root is changing hands on this CPU: let it finish. kvm_intel's
		 * init takes seconds; a CPU that keeps CR4.VMXE without VMX
		 * operation for a minute is reported as a failure.
		 */
		if (ret == -EAGAIN) {
			if (!busy_since)
				busy_since = jiffies ?: 1;
			if (time_after(jiffies, busy_since + 60 * HZ)) {
				v->ops->host_pause(v, MV_PAUSE_VMX_FAILED,
						   e.pause_cpu);
				busy_since = 0;
				continue;
			}
			schedule_timeout_interruptible(1);
		} else {
			busy_since = 0;
		}
		cond_resched();
	}
}

int mv_vcpu_call(struct mv_vcpu *v, int (*fn)(struct mv_vcpu *v, void *arg),
		 void *arg, bool flush)
{
	struct mv_vcpu_call c = { .fn = fn, .arg = arg, .flush = flush };

	lockdep_assert_held(v->lock);
	if (!v->thread || READ_ONCE(v->ended))
		return -ESRCH;
	/* One caller at a time: the owner's lock. */
	WRITE_ONCE(v->call, &c);
	wake_up_all(&v->wq);
	wake_up_process(v->thread);
	/* A running guest exits within one time slice. */
	wait_event_timeout(v->wq, smp_load_acquire(&c.done) ||
			   READ_ONCE(v->ended), 5 * HZ);
	/* Pairs with the release in run_call(): c.ret is written before. */
	if (smp_load_acquire(&c.done))
		return c.ret;
	if (cmpxchg(&v->call, &c, NULL) == &c)
		return READ_ONCE(v->ended) ? -ESRCH : -ETIMEDOUT;
	/* The thread took it just now: it finishes without sleeping. */
	wait_event(v->wq, smp_load_acquire(&c.done));
	return c.ret;
}
