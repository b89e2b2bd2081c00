// SPDX-License-Identifier: GPL-2.0
/*
 * VM exits. Every exit reason has a defined outcome: emulated, reflected
 * into the guest as an exception, or the guest is stopped with a reason.
 * Nothing a guest does reaches the host except through these handlers.
 * All of this runs with interrupts disabled and the VMCS current.
 */
#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/trapnr.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "../compat.h"
#include "../guest.h"
#include "capabilities.h"
#include "exit.h"
#include "vcpu.h"
#include "vmx_ops.h"
#include "../cpuid/exit.h"
#include "../migrate/dirty.h"

#define MV_EXIT_REASON_GETSEC	11	/* not in 6.1's asm/vmx.h */
#define INTR_TYPE_HW_EXC	(3 << 8)
#define INTR_TYPE_NMI		(2 << 8)
#define INTR_DELIVER_CODE	BIT(11)
#define INTR_VALID		BIT(31)

void mv_exit_read(struct mv_vcpu *v, struct mv_exit *e)
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

static void skip(struct mv_exit *e)
{
	mv_vmwrite(GUEST_RIP, e->rip + e->insn_len);
	/* Clear STI/MOV-SS blocking, as executing the instruction would. */
	mv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
		   mv_vmread(GUEST_INTERRUPTIBILITY_INFO) & ~3ul);
}

static void inject(unsigned int vector, bool has_code, u32 code)
{
	u32 info = vector | INTR_TYPE_HW_EXC | INTR_VALID;

	if (has_code) {
		info |= INTR_DELIVER_CODE;
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
}

static void inject_gp(void)
{
	inject(X86_TRAP_GP, true, 0);
}

static void inject_ud(void)
{
	inject(X86_TRAP_UD, false, 0);
}

static bool shown(struct mv_vcpu *v, unsigned int f)
{
	return mv_policy_has(&v->guest->policy, f);
}

/* The guest used a feature its baseline hides; it gets the fault. */
static void violation(struct mv_vcpu *v, unsigned int f)
{
	WRITE_ONCE(v->guest->violations[f], v->guest->violations[f] + 1);
}

static u64 *gpr(struct mv_vcpu *v, unsigned int n)
{
	/* SDM encoding: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	return &((u64 *)&v->regs)[n & 15];
}

/* RSP lives in the VMCS, not in regs. */
static u64 get_gpr(struct mv_vcpu *v, unsigned int n)
{
	return (n & 15) == 4 ? mv_vmread(GUEST_RSP) : *gpr(v, n);
}

static void set_gpr(struct mv_vcpu *v, unsigned int n, u64 val)
{
	if ((n & 15) == 4)
		mv_vmwrite(GUEST_RSP, val);
	else
		*gpr(v, n) = val;
}

static void console_bytes(struct mv_vcpu *v, const u8 *p, size_t n)
{
	mv_console_write(&v->guest->con, p, n);
}

/* --- hypercalls --- */

static void hc_console(struct mv_vcpu *v)
{
	u64 gpa = v->regs.rdi, len = v->regs.rsi, done = 0;
	u8 buf[256];

	if (!mv_mem_range_ok(&v->guest->mem, gpa, len)) {
		v->regs.rax = -EFAULT;
		return;
	}
	/*
	 * Interrupts are off here: copy only what the ring keeps, the last
	 * MV_CONSOLE_SIZE bytes, and count the rest as written.
	 */
	if (len > MV_CONSOLE_SIZE) {
		mv_console_skip(&v->guest->con, len - MV_CONSOLE_SIZE);
		done = len - MV_CONSOLE_SIZE;
	}
	while (done < len) {
		size_t n = min_t(u64, sizeof(buf), len - done);

		mv_mem_read(&v->guest->mem, gpa + done, buf, n, false);
		console_bytes(v, buf, n);
		done += n;
	}
	v->regs.rax = len;
}

static void handle_vmcall(struct mv_vcpu *v, struct mv_exit *e)
{
	switch (v->regs.rax) {
	case MV_HC_EXIT:
		e->stop = MV_STOP_EXIT;
		e->stop_info = v->regs.rdi;
		return;
	case MV_HC_CONSOLE_WRITE:
		hc_console(v);
		break;
	case MV_HC_ABI:
		v->regs.rax = MV_HC_ABI_VERSION;
		break;
	case MV_HC_TSC_KHZ:
		v->regs.rax = tsc_khz;
		break;
	default:
		v->regs.rax = -MV_HC_ENOSYS;
	}
	skip(e);
}

/* --- I/O: every port exits; only the debug console does anything --- */

static void handle_io(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int size = (e->qual & 7) + 1, port = e->qual >> 16;
	bool in = e->qual & BIT(3), string = e->qual & BIT(4);

	if (string) {
		/* INS/OUTS are not emulated: the instruction is skipped. */
		skip(e);
		return;
	}
	if (in) {
		/* No devices: reads float high, as on an empty bus. */
		u64 mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;

		v->regs.rax = (v->regs.rax & ~mask) | mask;
		if (size == 4)
			v->regs.rax &= 0xffffffffull;
	} else if (port == MV_CONSOLE_PORT) {
		u8 b[4];

		memcpy(b, &v->regs.rax, sizeof(b));
		console_bytes(v, b, size);
	}
	skip(e);
}

/* --- MSRs: deny by default --- */

static int msr_slot(u32 index)
{
	switch (index) {
	case MSR_STAR: return MV_GMSR_STAR;
	case MSR_LSTAR: return MV_GMSR_LSTAR;
	case MSR_CSTAR: return MV_GMSR_CSTAR;
	case MSR_SYSCALL_MASK: return MV_GMSR_SFMASK;
	case MSR_KERNEL_GS_BASE: return MV_GMSR_KERNEL_GS_BASE;
	}
	return -1;
}

/* MSRs that exist only with a feature: using them while it is hidden counts. */
static const struct { u32 index; u16 feature; } feature_msrs[] = {
	{ MSR_IA32_SPEC_CTRL, MV_F_spec_ctrl },
	{ MSR_IA32_PRED_CMD, MV_F_spec_ctrl },
	{ MSR_IA32_ARCH_CAPABILITIES, MV_F_arch_capabilities },
	{ MSR_IA32_TSC_DEADLINE, MV_F_tsc_deadline_timer },
	{ MSR_IA32_BNDCFGS, MV_F_mpx },
	{ MSR_IA32_XFD, MV_F_xfd },
	{ MSR_IA32_XFD_ERR, MV_F_xfd },
	{ MSR_IA32_XSS, MV_F_xsaves },
	{ MSR_TSC_AUX, MV_F_rdtscp },
	{ MSR_IA32_UMWAIT_CONTROL, MV_F_waitpkg },
	{ MSR_IA32_RTIT_CTL, MV_F_intel_pt },
	{ MSR_IA32_TSC_ADJUST, MV_F_tsc_adjust },
};

static void msr_fault(struct mv_vcpu *v, u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_msrs); i++) {
		if (feature_msrs[i].index != index)
			continue;
		/* TSC_AUX also belongs to RDPID (v->tsc_aux_owned). */
		if (!shown(v, feature_msrs[i].feature) &&
		    !(index == MSR_TSC_AUX && v->tsc_aux_owned))
			violation(v, feature_msrs[i].feature);
		break;
	}
}

static bool read_msr(struct mv_vcpu *v, u32 index, u64 *val)
{
	int slot = msr_slot(index);

	if (slot >= 0) {
		*val = v->msr[slot];
		return true;
	}
	switch (index) {
	case MSR_TSC_AUX:
		if (!v->tsc_aux_owned)
			return false;
		*val = v->tsc_aux;
		return true;
	case MSR_IA32_XSS:
		if (!shown(v, MV_F_xsaves))
			return false;
		*val = 0;
		return true;
	case MSR_IA32_TSC:
		*val = rdtsc() + v->tsc_offset;
		return true;
	case MSR_EFER:
		*val = mv_vmread(GUEST_IA32_EFER);
		return true;
	case MSR_FS_BASE:
		*val = mv_vmread(GUEST_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*val = mv_vmread(GUEST_GS_BASE);
		return true;
	}
	return false;
}

static bool write_msr(struct mv_vcpu *v, u32 index, u64 val)
{
	int slot = msr_slot(index);
	u64 efer;

	switch (index) {
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!mv_canonical(val))
			return false;
		break;
	case MSR_SYSCALL_MASK:
		if (val >> 32)
			return false;
		break;
	case MSR_STAR:
		break;
	case MSR_TSC_AUX:
		if (!v->tsc_aux_owned || (val >> 32))
			return false;
		v->tsc_aux = val;
		return true;
	case MSR_IA32_XSS:
		/* No supervisor state is offered: only 0 is valid. */
		return shown(v, MV_F_xsaves) && !val;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!mv_canonical(val))
			return false;
		mv_vmwrite(index == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE,
			   val);
		return true;
	case MSR_EFER:
		/* Long mode stays on; SCE and NXE may move if shown. */
		efer = mv_vmread(GUEST_IA32_EFER);
		if ((val & EFER_NX) && !(efer & EFER_NX) && !shown(v, MV_F_nx))
			violation(v, MV_F_nx);
		if ((val & EFER_SCE) && !(efer & EFER_SCE) &&
		    !shown(v, MV_F_syscall))
			violation(v, MV_F_syscall);
		if ((val ^ efer) & ~(u64)((shown(v, MV_F_syscall) ? EFER_SCE : 0) |
					  (shown(v, MV_F_nx) ? EFER_NX : 0)))
			return false;
		mv_vmwrite(GUEST_IA32_EFER, val);
		return true;
	default:
		return false;
	}
	v->msr[slot] = val;
	return true;
}

static void handle_msr(struct mv_vcpu *v, struct mv_exit *e, bool wr)
{
	u32 index = v->regs.rcx;
	u64 val;

	if (wr) {
		val = (v->regs.rdx << 32) | (u32)v->regs.rax;
		if (!write_msr(v, index, val)) {
			msr_fault(v, index);
			inject_gp();
			return;
		}
	} else {
		if (!read_msr(v, index, &val)) {
			msr_fault(v, index);
			inject_gp();
			return;
		}
		v->regs.rax = (u32)val;
		v->regs.rdx = val >> 32;
	}
	skip(e);
}

/* --- control and debug registers --- */

#define CR4_GUEST_ALLOWED (X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE | \
			   X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* CR4 bits that exist only with a feature (SDM Vol. 3A, 2.5) */
static const struct { u64 bit; u16 feature; } cr4_features[] = {
	{ X86_CR4_VME | X86_CR4_PVI, MV_F_vme },
	{ X86_CR4_FSGSBASE, MV_F_fsgsbase },
	{ X86_CR4_PCIDE, MV_F_pcid },
	{ X86_CR4_OSXSAVE, MV_F_xsave },
	{ X86_CR4_SMEP, MV_F_smep },
	{ X86_CR4_SMAP, MV_F_smap },
	{ X86_CR4_UMIP, MV_F_umip },
	{ X86_CR4_PKE, MV_F_pku },
	{ X86_CR4_LA57, MV_F_la57 },
	{ X86_CR4_VMXE, MV_F_vmx },
	{ X86_CR4_SMXE, MV_F_smx },
};

/*
 * The bits the guest may set: the base set, plus each feature bit its
 * policy shows. LA57 cannot change in long mode, so it never may.
 */
static u64 cr4_allowed(struct mv_vcpu *v)
{
	u64 a = CR4_GUEST_ALLOWED;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr4_features); i++)
		if (shown(v, cr4_features[i].feature))
			a |= cr4_features[i].bit;
	a &= ~(u64)(X86_CR4_LA57 | X86_CR4_VMXE | X86_CR4_SMXE);
	return a & mv_vmx.msr[MV_MSR_CR4_FIXED1];
}

bool mv_cr0_valid(u64 val)
{
	/* Reserved bits, leaving paging/protection in long mode, NW without CD */
	if ((val >> 32) || !(val & X86_CR0_PG) || !(val & X86_CR0_PE) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return false;
	return !(val & ~(u64)(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM |
			      X86_CR0_TS | X86_CR0_ET | X86_CR0_NE |
			      X86_CR0_WP | X86_CR0_AM | X86_CR0_NW |
			      X86_CR0_CD | X86_CR0_PG));
}

static bool set_cr0(u64 val)
{
	if (!mv_cr0_valid(val))
		return false;
	mv_vmcs_set_cr0(val);
	return true;
}

bool mv_cr4_valid(struct mv_vcpu *v, u64 val)
{
	return !(val & ~cr4_allowed(v)) && (val & X86_CR4_PAE);
}

static bool set_cr4(struct mv_vcpu *v, u64 val)
{
	u64 old = mv_vmread(CR4_READ_SHADOW);
	unsigned int i;

	if (!mv_cr4_valid(v, val)) {
		for (i = 0; i < ARRAY_SIZE(cr4_features); i++)
			if ((val & cr4_features[i].bit) &&
			    !shown(v, cr4_features[i].feature))
				violation(v, cr4_features[i].feature);
		return false;
	}
	/* PCIDE needs CR3[11:0] = 0 when it is set (SDM 4.10.1). */
	if ((val & ~old & X86_CR4_PCIDE) && (mv_vmread(GUEST_CR3) & 0xfff))
		return false;
	mv_vmcs_set_cr4(val);
	return true;
}

static void handle_cr(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int cr = e->qual & 15, type = (e->qual >> 4) & 3;
	unsigned int reg = (e->qual >> 8) & 15;
	u64 val, cr0;
	bool ok = true;

	switch (type) {
	case 0:		/* MOV to CR */
		val = get_gpr(v, reg);
		if (cr == 0)
			ok = set_cr0(val);
		else if (cr == 4)
			ok = set_cr4(v, val);
		else if (cr == 8 && !(val >> 4))
			v->cr8 = val;
		else
			ok = false;
		break;
	case 1:		/* MOV from CR (only CR8 exits) */
		if (cr != 8) {
			inject_ud();
			return;
		}
		set_gpr(v, reg, v->cr8);
		break;
	case 2:		/* CLTS */
		cr0 = mv_vmread(CR0_READ_SHADOW) & ~X86_CR0_TS;
		ok = set_cr0(cr0);
		break;
	case 3:		/* LMSW: low four bits; PE cannot be cleared */
		cr0 = mv_vmread(CR0_READ_SHADOW);
		val = (e->qual >> 16) & 0xf;
		ok = set_cr0((cr0 & ~0xeull) | val | (cr0 & X86_CR0_PE));
		break;
	}
	if (!ok) {
		inject_gp();
		return;
	}
	skip(e);
}

static void handle_dr(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int dr = e->qual & 7, reg = (e->qual >> 8) & 15;
	bool from = e->qual & BIT(4);
	u64 val;

	/* DR4/5 alias DR6/7 unless CR4.DE, which makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (mv_vmread(CR4_READ_SHADOW) & X86_CR4_DE) {
			inject_ud();
			return;
		}
		dr += 2;
	}
	if (from) {
		set_gpr(v, reg, v->dr[dr]);
	} else {
		val = get_gpr(v, reg);
		if (dr >= 6 && (val >> 32)) {
			inject_gp();
			return;
		}
		/* Virtual only: breakpoints never arm in hardware. */
		v->dr[dr] = dr == 6 ? val | MV_DR6_FIXED :
			    dr == 7 ? val | MV_DR7_FIXED : val;
	}
	skip(e);
}

/* The architectural rules for XCR0 (SDM Vol. 1, 13.3), within the policy. */
bool mv_xcr0_valid(const struct mv_policy *p, u64 val)
{
	if ((val & ~p->xcr0) || !(val & MV_XFEATURE_FP))
		return false;
	if ((val & MV_XFEATURE_YMM) && !(val & MV_XFEATURE_SSE))
		return false;
	return !(val & MV_XFEATURE_AVX512) ||
	       ((val & MV_XFEATURE_AVX512) == MV_XFEATURE_AVX512 &&
		(val & MV_XFEATURE_YMM));
}

/*
 * XSETBV: the architectural checks (SDM Vol. 2B, XSETBV), and nothing
 * outside the policy's XCR0, so that hidden state (AVX, AVX-512, PKRU)
 * cannot be enabled and its instructions stay #UD.
 */
static void handle_xsetbv(struct mv_vcpu *v, struct mv_exit *e)
{
	u64 val = (v->regs.rdx << 32) | (u32)v->regs.rax;
	u64 allowed = v->guest->policy.xcr0, bad = val & ~allowed;

	if (bad) {
		if (bad & MV_XFEATURE_YMM)
			violation(v, MV_F_avx);
		if (bad & MV_XFEATURE_AVX512)
			violation(v, MV_F_avx512f);
		if (bad & MV_XFEATURE_PKRU)
			violation(v, MV_F_pku);
		if (bad & MV_XFEATURE_MPX)
			violation(v, MV_F_mpx);
		if (bad & ~(MV_XFEATURE_YMM | MV_XFEATURE_AVX512 |
			    MV_XFEATURE_PKRU | MV_XFEATURE_MPX))
			violation(v, MV_F_xsave);
	}
	if (v->regs.rcx || !mv_xcr0_valid(&v->guest->policy, val)) {
		inject_gp();
		return;
	}
	v->xcr0 = val;
	skip(e);
}

/* RDRAND/RDSEED exit only when the policy hides them (vcpu.c). */
static void handle_rdrand(struct mv_vcpu *v, unsigned int f)
{
	violation(v, f);
	inject_ud();
}

/* --- exceptions and events --- */

static void handle_exception(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int vector = e->intr_info & 0xff;
	unsigned int type = (e->intr_info >> 8) & 7;

	if (type == 2) {	/* NMI: handled before interrupts came back on */
		return;
	}
	switch (vector) {
	case X86_TRAP_MC:
		/* A machine check belongs to the host's handler. */
		asm volatile("int $18");
		return;
	case X86_TRAP_DB:
		/* DR6 as the exit qualification reports it (SDM 27.2.1). */
		v->dr[6] = (v->dr[6] & ~0xf) | (e->qual & 0x400f) | MV_DR6_FIXED;
		break;
	}
	/*
	 * Reflect the exception as it came: same vector, type and error
	 * code; software ones (INT1, INT3, INTO) with their length so that
	 * delivery pushes the address after the instruction.
	 */
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, e->intr_info & 0x80000fffu);
	if (e->intr_info & INTR_DELIVER_CODE)
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   mv_vmread(VM_EXIT_INTR_ERROR_CODE));
	if (type >= 4 && type <= 6)
		mv_vmwrite(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
}

/* An event the exit interrupted must still be delivered (SDM 27.2.4). */
static void redeliver(struct mv_exit *e)
{
	u32 type = e->vectoring & VECTORING_INFO_TYPE_MASK;

	/* Bits 30:12 are reserved in the entry field. */
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, e->vectoring & 0x80000fffu);
	if (e->vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, e->vectoring_err);
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		mv_vmwrite(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
}

/* The answer from the baseline, and past the instruction: both paths. */
static void handle_cpuid(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_exit_cpuid(v, e);
	skip(e);
}

/*
 * An exit answered inside the entry window, with the guest's FPU, XCR0
 * and MSRs still loaded: CPUID reads only the policy and the VMCS, and
 * never stops the guest. Anything that delivers an event, or may need the
 * host's state or interrupts, takes the full path.
 */
bool mv_exit_fast(struct mv_vcpu *v, struct mv_exit *e)
{
	if (e->reason != EXIT_REASON_CPUID ||
	    (e->vectoring & VECTORING_INFO_VALID_MASK))
		return false;
	v->exits[EXIT_REASON_CPUID]++;
	handle_cpuid(v, e);
	return true;
}

void mv_exit_handle(struct mv_vcpu *v, struct mv_exit *e)
{
	u16 basic = e->reason;

	if (e->reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		e->stop = MV_STOP_INVALID_STATE;
		e->stop_info = basic;
		return;
	}
	if (basic < MV_EXIT_REASONS)
		v->exits[basic]++;

	/* The host's NMI handler runs now, with interrupts still off. */
	if (basic == EXIT_REASON_EXCEPTION_NMI &&
	    ((e->intr_info >> 8) & 7) == 2) {
		asm volatile("int $2");
	}
	if ((e->vectoring & VECTORING_INFO_VALID_MASK) &&
	    basic != EXIT_REASON_EXCEPTION_NMI &&
	    basic != EXIT_REASON_EPT_VIOLATION)
		redeliver(e);

	switch (basic) {
	case EXIT_REASON_EXCEPTION_NMI:
		handle_exception(v, e);
		break;
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:
		/* The host takes the interrupt when it re-enables them. */
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		e->stop = MV_STOP_TRIPLE_FAULT;
		break;
	case EXIT_REASON_CPUID:
		handle_cpuid(v, e);
		break;
	case EXIT_REASON_HLT:
		e->stop = MV_STOP_HALT;
		e->stop_info = !!(mv_vmread(GUEST_RFLAGS) & X86_EFLAGS_IF);
		break;
	case EXIT_REASON_VMCALL:
		handle_vmcall(v, e);
		break;
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case MV_EXIT_REASON_GETSEC:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_ENCLS:
		inject_ud();
		break;
	case EXIT_REASON_RDPMC:
		inject_gp();
		break;
	case EXIT_REASON_CR_ACCESS:
		handle_cr(v, e);
		break;
	case EXIT_REASON_DR_ACCESS:
		handle_dr(v, e);
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		handle_io(v, e);
		break;
	case EXIT_REASON_MSR_READ:
		handle_msr(v, e, false);
		break;
	case EXIT_REASON_MSR_WRITE:
		handle_msr(v, e, true);
		break;
	case EXIT_REASON_XSETBV:
		handle_xsetbv(v, e);
		break;
	case EXIT_REASON_RDRAND:
		handle_rdrand(v, MV_F_rdrand);
		break;
	case EXIT_REASON_RDSEED:
		handle_rdrand(v, MV_F_rdseed);
		break;
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		/* Guest RAM is write-back and coherent: nothing to flush. */
		skip(e);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		if (mv_dirty_ept_violation(v, e->gpa, e->qual)) {
			/* A write during event delivery: deliver it again. */
			if (e->vectoring & VECTORING_INFO_VALID_MASK)
				redeliver(e);
			break;
		}
		e->stop = MV_STOP_EPT_VIOLATION;
		e->stop_info = e->gpa;
		break;
	case EXIT_REASON_PML_FULL:
		mv_dirty_pml_full(v);
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		e->stop = MV_STOP_EPT_MISCONFIG;
		e->stop_info = e->gpa;
		break;
	default:
		e->stop = MV_STOP_UNHANDLED;
		e->stop_info = basic;
	}
}
