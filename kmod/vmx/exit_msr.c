// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR and WRMSR. Every MSR exits (the MSR bitmap is all ones), and an
 * MSR is answered only if the guest's baseline shows a feature that
 * promises it (SDM Vol. 4, "Architectural MSRs"); everything else #GPs.
 * The architectural ones with no host side effect are kept per vCPU:
 * PAT, the SYSENTER trio, MTRRs with no ranges, MCA with no banks, and a
 * read-only APIC base. Their values travel in the vCPU record.
 */
#include <linux/kernel.h>
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "../compat.h"
#include "exit_msr.h"
#include "exit_int.h"
#include "tsc.h"
#include "vmx_ops.h"

#define MV_MSR_MTRRCAP		0x000000fe
#define MV_MSR_MTRR_DEF_TYPE	0x000002ff
#define MV_MSR_MCG_CAP		0x00000179
#define MV_MSR_MCG_STATUS	0x0000017a
/* MTRR_DEF_TYPE: type in 7:0, FE (fixed ranges) 10, E 11 */
#define MV_MTRR_DEF_FE		BIT_ULL(10)
#define MV_MTRR_DEF_E		BIT_ULL(11)

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
	{ MSR_IA32_CR_PAT, MV_F_pat },
	{ MSR_IA32_SYSENTER_CS, MV_F_sep },
	{ MSR_IA32_SYSENTER_ESP, MV_F_sep },
	{ MSR_IA32_SYSENTER_EIP, MV_F_sep },
	{ MV_MSR_MTRRCAP, MV_F_mtrr },
	{ MV_MSR_MTRR_DEF_TYPE, MV_F_mtrr },
	{ MV_MSR_MCG_CAP, MV_F_mca },
	{ MV_MSR_MCG_STATUS, MV_F_mca },
	{ MSR_IA32_APICBASE, MV_F_apic },
};

static void msr_fault(struct mv_vcpu *v, u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_msrs); i++) {
		if (feature_msrs[i].index != index)
			continue;
		/* TSC_AUX also belongs to RDPID (v->tsc_aux_owned). */
		if (!mv_shown(v, feature_msrs[i].feature) &&
		    !(index == MSR_TSC_AUX && v->tsc_aux_owned))
			mv_violation(v, feature_msrs[i].feature);
		break;
	}
	mv_inject_gp();
}

/* PAT entries: UC, WC, WT, WP, WB, UC- (2 and 3 are reserved). */
bool mv_pat_valid(u64 val)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 t = val >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* No fixed or variable ranges are offered (MTRRCAP is 0). */
bool mv_mtrr_def_type_valid(u64 val)
{
	u8 t = val;

	if (val & ~(MV_MTRR_DEF_E | 0xffull))
		return false;
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* The APIC is never enabled in software: one read-only value, BSP. */
static u64 apic_base(void)
{
	return APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
	       MSR_IA32_APICBASE_BSP;
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
		if (!mv_shown(v, MV_F_xsaves))
			return false;
		*val = 0;
		return true;
	case MSR_IA32_TSC:
		*val = mv_tsc_guest(v, rdtsc());
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
	case MSR_IA32_CR_PAT:
		*val = v->pat;
		return mv_shown(v, MV_F_pat);
	case MSR_IA32_SYSENTER_CS:
		*val = mv_vmread(GUEST_SYSENTER_CS);
		return mv_shown(v, MV_F_sep);
	case MSR_IA32_SYSENTER_ESP:
		*val = mv_vmread(GUEST_SYSENTER_ESP);
		return mv_shown(v, MV_F_sep);
	case MSR_IA32_SYSENTER_EIP:
		*val = mv_vmread(GUEST_SYSENTER_EIP);
		return mv_shown(v, MV_F_sep);
	case MV_MSR_MTRRCAP:
		*val = 0;
		return mv_shown(v, MV_F_mtrr);
	case MV_MSR_MTRR_DEF_TYPE:
		*val = v->mtrr_def_type;
		return mv_shown(v, MV_F_mtrr);
	case MV_MSR_MCG_CAP:
	case MV_MSR_MCG_STATUS:
		*val = 0;
		return mv_shown(v, MV_F_mca);
	case MSR_IA32_APICBASE:
		*val = apic_base();
		return mv_shown(v, MV_F_apic);
	}
	return false;
}

/*
 * EFER: long mode stays on. SCE and NXE may be cleared at any time and
 * set only when the baseline shows syscall and nx (the start value
 * follows the baseline, vcpu.c).
 */
static bool write_efer(struct mv_vcpu *v, u64 val)
{
	u64 efer = mv_vmread(GUEST_IA32_EFER), set = val & ~efer;
	u64 movable = EFER_SCE | EFER_NX;

	if (((val ^ efer) & ~movable))
		return false;
	if ((set & EFER_NX) && !mv_shown(v, MV_F_nx)) {
		mv_violation(v, MV_F_nx);
		return false;
	}
	if ((set & EFER_SCE) && !mv_shown(v, MV_F_syscall)) {
		mv_violation(v, MV_F_syscall);
		return false;
	}
	mv_vmwrite(GUEST_IA32_EFER, val);
	return true;
}

static bool write_msr(struct mv_vcpu *v, u32 index, u64 val)
{
	int slot = msr_slot(index);

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
		return mv_shown(v, MV_F_xsaves) && !val;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!mv_canonical(val))
			return false;
		mv_vmwrite(index == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE,
			   val);
		return true;
	case MSR_EFER:
		return write_efer(v, val);
	case MSR_IA32_CR_PAT:
		if (!mv_shown(v, MV_F_pat) || !mv_pat_valid(val))
			return false;
		/* Guest RAM is write-back in EPT; the value is the guest's. */
		v->pat = val;
		return true;
	case MSR_IA32_SYSENTER_CS:
		if (!mv_shown(v, MV_F_sep))
			return false;
		mv_vmwrite(GUEST_SYSENTER_CS, val & 0xffff);
		return true;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* VM entry checks both for canonical addresses (SDM 26.3.1.1). */
		if (!mv_shown(v, MV_F_sep) || !mv_canonical(val))
			return false;
		mv_vmwrite(index == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			   GUEST_SYSENTER_EIP, val);
		return true;
	case MV_MSR_MTRR_DEF_TYPE:
		if (!mv_shown(v, MV_F_mtrr) || !mv_mtrr_def_type_valid(val))
			return false;
		v->mtrr_def_type = val;
		return true;
	case MV_MSR_MCG_STATUS:
		/* No banks, so nothing is ever logged: only 0 is written. */
		return mv_shown(v, MV_F_mca) && !val;
	case MSR_IA32_APICBASE:
		return mv_shown(v, MV_F_apic) && val == apic_base();
	default:
		return false;
	}
	v->msr[slot] = val;
	return true;
}

void mv_exit_wrmsr(struct mv_vcpu *v, struct mv_exit *e)
{
	u32 index = v->regs.rcx;
	u64 val = (v->regs.rdx << 32) | (u32)v->regs.rax;

	if (!write_msr(v, index, val)) {
		msr_fault(v, index);
		return;
	}
	mv_exit_skip(e);
}

void mv_exit_rdmsr(struct mv_vcpu *v, struct mv_exit *e)
{
	u32 index = v->regs.rcx;
	u64 val;

	if (!read_msr(v, index, &val)) {
		msr_fault(v, index);
		return;
	}
	v->regs.rax = (u32)val;
	v->regs.rdx = val >> 32;
	mv_exit_skip(e);
}
