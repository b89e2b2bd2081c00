// SPDX-License-Identifier: GPL-2.0
/*
 * Control registers, debug registers and XCR0: the guest may set what
 * the architecture allows, within what its baseline shows. Writes that
 * would enable hidden state fault and are counted.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "../compat.h"
#include "capabilities.h"
#include "exit_cr.h"
#include "exit_int.h"
#include "vmx_ops.h"

#define CR4_GUEST_ALLOWED (X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE | \
			   X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* CR4 bits that exist only with a feature (common/cr4_features.h) */
static const struct { u64 bit; u16 feature; } cr4_features[] = {
#define MV_CR4_FEATURE(b, f) { BIT_ULL(b), MV_F_##f },
#include "../../common/cr4_features.h"
#undef MV_CR4_FEATURE
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
		if (mv_shown(v, cr4_features[i].feature))
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
			    !mv_shown(v, cr4_features[i].feature))
				mv_violation(v, cr4_features[i].feature);
		return false;
	}
	/* PCIDE needs CR3[11:0] = 0 when it is set (SDM 4.10.1). */
	if ((val & ~old & X86_CR4_PCIDE) && (mv_vmread(GUEST_CR3) & 0xfff))
		return false;
	mv_vmcs_set_cr4(val);
	return true;
}

void mv_exit_cr(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int cr = e->qual & 15, type = (e->qual >> 4) & 3;
	unsigned int reg = (e->qual >> 8) & 15;
	u64 val, cr0;
	bool ok = true;

	switch (type) {
	case 0:		/* MOV to CR */
		val = mv_get_gpr(v, reg);
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
			mv_inject_ud();
			return;
		}
		mv_set_gpr(v, reg, v->cr8);
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
		mv_inject_gp();
		return;
	}
	mv_exit_skip(e);
}

void mv_exit_dr(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int dr = e->qual & 7, reg = (e->qual >> 8) & 15;
	bool from = e->qual & BIT(4);
	u64 val;

	/* DR4/5 alias DR6/7 unless CR4.DE, which makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (mv_vmread(CR4_READ_SHADOW) & X86_CR4_DE) {
			mv_inject_ud();
			return;
		}
		dr += 2;
	}
	if (from) {
		mv_set_gpr(v, reg, v->dr[dr]);
	} else {
		val = mv_get_gpr(v, reg);
		if (dr >= 6 && (val >> 32)) {
			mv_inject_gp();
			return;
		}
		/* Virtual only: breakpoints never arm in hardware. */
		v->dr[dr] = dr == 6 ? val | MV_DR6_FIXED :
			    dr == 7 ? val | MV_DR7_FIXED : val;
	}
	mv_exit_skip(e);
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

/* XCR0 bits that belong to a feature a baseline can hide */
static const struct { u64 bits; u16 feature; } xcr0_features[] = {
	{ MV_XFEATURE_YMM, MV_F_avx },
	{ MV_XFEATURE_AVX512, MV_F_avx512f },
	{ MV_XFEATURE_PKRU, MV_F_pku },
	{ MV_XFEATURE_MPX, MV_F_mpx },
};

/*
 * XSETBV: the architectural checks (SDM Vol. 2B, XSETBV), and nothing
 * outside the policy's XCR0, so that hidden state (AVX, AVX-512, PKRU)
 * cannot be enabled and its instructions stay #UD. Bits that name no
 * feature (reserved, or state migvisor never offers) are counted apart:
 * they are not a use of a hidden feature.
 */
static void xcr0_violations(struct mv_vcpu *v, u64 bad)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xcr0_features); i++) {
		if (bad & xcr0_features[i].bits)
			mv_violation(v, xcr0_features[i].feature);
		bad &= ~xcr0_features[i].bits;
	}
	if (bad)
		WRITE_ONCE(v->xcr0_reserved_violations,
			   v->xcr0_reserved_violations + 1);
}

void mv_exit_xsetbv(struct mv_vcpu *v, struct mv_exit *e)
{
	u64 val = (v->regs.rdx << 32) | (u32)v->regs.rax;
	u64 bad = val & ~v->policy->xcr0;

	if (bad)
		xcr0_violations(v, bad);
	if (v->regs.rcx || !mv_xcr0_valid(v->policy, val)) {
		mv_inject_gp();
		return;
	}
	v->xcr0 = val;
	mv_exit_skip(e);
}
