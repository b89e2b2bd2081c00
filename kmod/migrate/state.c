// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state records. The checks follow the SDM's "Checks on the Guest
 * State Area" (Vol. 3C, 27.3.1) for what a 64-bit migvisor guest can be
 * in, plus migvisor's own rules (the baseline's CR4 and XCR0, the MSRs a
 * guest owns). A state that passes can still fail VM entry only through
 * a bug here, and then the guest stops with MV_STOP_INVALID_STATE: the
 * host is never at risk, because every host-side use of these values
 * (WRMSR, XRSTOR, FXRSTOR) is covered by a rule below.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/fpu/api.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../vmx/exit_cr.h"
#include "../vmx/exit_msr.h"
#include "../vmx/vcpu.h"
#include "../vmx/tsc.h"
#include "../vmx/vmx_ops.h"
#include "state.h"

#define SAR_TYPE(ar)		((ar) & 0xf)
#define SAR_S			BIT(4)
#define SAR_DPL(ar)		(((ar) >> 5) & 3)
#define SAR_P			BIT(7)
#define SAR_L			BIT(13)
#define SAR_DB			BIT(14)
#define SAR_G			BIT(15)
#define SAR_UNUSABLE		BIT(16)
#define SAR_RESERVED		(0xf00u | 0xfffe0000u)
#define RFLAGS_RESERVED		(BIT(3) | BIT(5) | BIT(15) | GENMASK_ULL(63, 22))
#define EFER_ALLOWED		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* VMCS fields of segment i go in steps of 2 from ES (SDM Vol. 3D, B). */
static unsigned long seg_field(unsigned long es_field, unsigned int i)
{
	return es_field + 2 * i;
}

u32 mv_state_xsave_size(const struct mv_policy *p)
{
	return p->xcr0 ? mv_xsave_size(p->xcr0, false) : 512;
}

static int capture_on_vcpu(struct mv_vcpu *v, void *arg)
{
	struct mv_rec_vcpu *r = arg;
	unsigned int i;

	memcpy(r->gpr, &v->regs, sizeof(r->gpr));
	r->gpr[4] = mv_vmread(GUEST_RSP);
	r->rip = mv_vmread(GUEST_RIP);
	r->rflags = mv_vmread(GUEST_RFLAGS);
	r->cr0 = mv_vmread(CR0_READ_SHADOW);
	r->cr4 = mv_vmread(CR4_READ_SHADOW);
	r->cr3 = mv_vmread(GUEST_CR3);
	r->cr2 = v->cr2;
	r->cr8 = v->cr8;
	r->efer = mv_vmread(GUEST_IA32_EFER);
	r->xcr0 = v->xcr0;
	memcpy(r->dr, v->dr, sizeof(r->dr));
	r->dr6 = v->dr[6];
	r->dr7 = v->dr[7];
	for (i = 0; i < MV_SEG_COUNT; i++) {
		struct mv_rec_seg *s = &r->seg[i];

		s->selector = mv_vmread(seg_field(GUEST_ES_SELECTOR, i));
		s->base = mv_vmread(seg_field(GUEST_ES_BASE, i));
		s->limit = mv_vmread(seg_field(GUEST_ES_LIMIT, i));
		s->ar = mv_vmread(seg_field(GUEST_ES_AR_BYTES, i));
	}
	r->gdtr_base = mv_vmread(GUEST_GDTR_BASE);
	r->gdtr_limit = mv_vmread(GUEST_GDTR_LIMIT);
	r->idtr_base = mv_vmread(GUEST_IDTR_BASE);
	r->idtr_limit = mv_vmread(GUEST_IDTR_LIMIT);
	r->msr_star = v->msr[MV_GMSR_STAR];
	r->msr_lstar = v->msr[MV_GMSR_LSTAR];
	r->msr_cstar = v->msr[MV_GMSR_CSTAR];
	r->msr_sfmask = v->msr[MV_GMSR_SFMASK];
	r->msr_kernel_gs_base = v->msr[MV_GMSR_KERNEL_GS_BASE];
	r->msr_sysenter_cs = mv_vmread(GUEST_SYSENTER_CS);
	r->msr_sysenter_esp = mv_vmread(GUEST_SYSENTER_ESP);
	r->msr_sysenter_eip = mv_vmread(GUEST_SYSENTER_EIP);
	r->msr_tsc_aux = v->tsc_aux;
	r->interruptibility = mv_vmread(GUEST_INTERRUPTIBILITY_INFO);
	r->activity = mv_vmread(GUEST_ACTIVITY_STATE);
	r->pending_dbg = mv_vmread(GUEST_PENDING_DBG_EXCEPTIONS);
	r->msr_pat = v->pat;
	r->msr_mtrr_def_type = v->mtrr_def_type;
	r->flags = MV_VCPU_PAT | MV_VCPU_MTRR;
	r->tsc = mv_tsc_guest(v, rdtsc());
	r->tsc_khz = v->tsc_khz;
	r->captured_ns = ktime_get_real_ns();
	return 0;
}

int mv_state_capture(struct mv_vcpu *v, struct mv_rec_vcpu *r, void *xsave)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = mv_vcpu_call(v, capture_on_vcpu, r, false);
	if (ret)
		return ret;
	/* Parked: the image is the one the last exit saved. */
	r->xsave_size = mv_state_xsave_size(v->policy);
	memcpy(xsave, v->fpu, r->xsave_size);
	return 0;
}

/* MXCSR bits this CPU accepts; FXRSTOR #GPs on any other (SDM 10.5.1.2). */
static u32 mxcsr_mask(void)
{
	static u32 mask;
	struct fxregs_state *fx;

	if (mask)
		return mask;
	fx = kzalloc(sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return 0xffbf;
	kernel_fpu_begin();
	asm volatile("fxsave64 %0" : "=m" (*fx));
	kernel_fpu_end();
	mask = fx->mxcsr_mask ? fx->mxcsr_mask : 0xffbf;
	kfree(fx);
	return mask;
}

static const char *check_xsave(struct mv_vcpu *v, const void *xsave)
{
	const struct fxregs_state *fx = xsave;
	const u64 *hdr = xsave + 512;
	u64 xcr0 = v->policy->xcr0;

	if (fx->mxcsr & ~mxcsr_mask())
		return "MXCSR has reserved bits set";
	if (!xcr0)
		return NULL;
	if (hdr[0] & ~xcr0)
		return "XSTATE_BV names state outside the baseline's XCR0";
	if (hdr[1])
		return "XCOMP_BV is not zero (compacted format)";
	if (memchr_inv(hdr + 2, 0, 48))
		return "reserved bytes of the XSAVE header are not zero";
	return NULL;
}

static const char *check_seg(unsigned int i, const struct mv_rec_seg *s)
{
	bool unusable = s->ar & SAR_UNUSABLE;

	if (s->reserved[0] || s->reserved[1] || s->reserved[2] ||
	    (s->ar & SAR_RESERVED))
		return "segment has reserved bits set";
	if (!mv_canonical(s->base))
		return "segment base is not canonical";
	/* 27.3.1.2: CS, and SS, DS, ES when usable, have 32-bit bases. */
	if ((s->base >> 32) &&
	    (i == MV_SEG_CS || (!unusable && (i == MV_SEG_SS ||
					      i == MV_SEG_DS || i == MV_SEG_ES))))
		return "CS, SS, DS or ES has a base above 4 GiB";
	if (unusable)
		return i == MV_SEG_CS || i == MV_SEG_TR ?
		       "CS or TR is unusable" : NULL;
	if (!(s->ar & SAR_P))
		return "a usable segment is not present";
	/* Granularity must match the limit (27.3.1.2). */
	if (((s->limit & 0xfff) != 0xfff && (s->ar & SAR_G)) ||
	    ((s->limit >> 20) && !(s->ar & SAR_G)))
		return "segment limit and granularity disagree";
	switch (i) {
	case MV_SEG_CS:
		/* Without unrestricted guest: type 9, 11, 13 or 15 (accessed). */
		if (!(s->ar & SAR_S) || (SAR_TYPE(s->ar) & 9) != 9 ||
		    !(s->ar & SAR_L) || (s->ar & SAR_DB))
			return "CS is not an accessed 64-bit code segment";
		break;
	case MV_SEG_TR:
		if ((s->ar & SAR_S) || SAR_TYPE(s->ar) != 11 || (s->selector & 4))
			return "TR is not a busy 64-bit TSS in the GDT";
		break;
	case MV_SEG_LDTR:
		if ((s->ar & SAR_S) || SAR_TYPE(s->ar) != 2 || (s->selector & 4))
			return "LDTR is not an LDT in the GDT";
		break;
	case MV_SEG_SS:
		if (!(s->ar & SAR_S) || (SAR_TYPE(s->ar) != 3 && SAR_TYPE(s->ar) != 7))
			return "SS is not a writable data segment";
		if (SAR_DPL(s->ar) != (s->selector & 3))
			return "SS.DPL differs from the RPL of its selector";
		break;
	default:
		if (!(s->ar & SAR_S) || !(SAR_TYPE(s->ar) & 1))
			return "a data segment is not a used code or data segment";
		if ((SAR_TYPE(s->ar) & 8) && !(SAR_TYPE(s->ar) & 2))
			return "a data segment is execute-only code";
		/* Data and non-conforming code: DPL >= RPL. */
		if (SAR_TYPE(s->ar) <= 11 && SAR_DPL(s->ar) < (s->selector & 3))
			return "a data segment's DPL is below its selector's RPL";
	}
	return NULL;
}

/* The record's own fields: its id, sizes, reserved fields, flags */
static const char *check_format(struct mv_vcpu *v, const struct mv_rec_vcpu *r)
{
	if (r->id)
		return "vCPU id is not 0 (one vCPU per guest)";
	if (r->xsave_size != mv_state_xsave_size(v->policy))
		return "XSAVE area size does not match the baseline";
	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)) || r->reserved32 ||
	    (r->flags & ~MV_VCPU_FLAGS))
		return "reserved fields or unknown flags are set";
	if ((r->flags & MV_VCPU_PAT) ? !mv_pat_valid(r->msr_pat) : r->msr_pat)
		return "IA32_PAT has a reserved memory type";
	if ((r->flags & MV_VCPU_MTRR) ?
	    !mv_mtrr_def_type_valid(r->msr_mtrr_def_type) :
	    r->msr_mtrr_def_type)
		return "IA32_MTRR_DEF_TYPE has reserved bits or a reserved type";
	return NULL;
}

/* Control registers, EFER, XCR0, RFLAGS, RIP and debug registers */
static const char *check_regs(struct mv_vcpu *v, const struct mv_rec_vcpu *r)
{
	const struct mv_policy *p = v->policy;
	u8 phys = p->phys_bits ? p->phys_bits : 36;

	if (!mv_cr0_valid(r->cr0))
		return "CR0 is not a valid 64-bit mode value";
	if (!mv_cr4_valid(v, r->cr4))
		return "CR4 has bits the baseline or long mode forbid";
	if ((r->cr3 >> phys) || (r->cr3 >> boot_cpu_data.x86_phys_bits))
		return "CR3 is beyond the physical address width";
	if (r->cr8 > 15)
		return "CR8 is above 15";
	if ((r->efer & ~EFER_ALLOWED) || !(r->efer & EFER_LME) ||
	    !(r->efer & EFER_LMA))
		return "EFER is not a long-mode value migvisor allows";
	if ((r->efer & EFER_NX) && !boot_cpu_has(X86_FEATURE_NX))
		return "EFER.NXE is set but this host has no NX";
	if (p->xcr0 ? !mv_xcr0_valid(p, r->xcr0) :
	    r->xcr0 != (MV_XFEATURE_FP | MV_XFEATURE_SSE))
		return "XCR0 is not valid for the baseline";
	if (!(r->rflags & X86_EFLAGS_FIXED) || (r->rflags & RFLAGS_RESERVED) ||
	    (r->rflags & X86_EFLAGS_VM))
		return "RFLAGS has reserved bits wrong or VM set";
	if (!mv_canonical(r->rip))
		return "RIP is not canonical";
	if ((r->dr6 >> 32) || (r->dr7 >> 32))
		return "DR6 or DR7 has bits set above bit 31";
	return NULL;
}

/* Each segment, then what they must agree on, and the descriptor tables */
static const char *check_segments(const struct mv_rec_vcpu *r)
{
	const struct mv_rec_seg *cs = &r->seg[MV_SEG_CS];
	const struct mv_rec_seg *ss = &r->seg[MV_SEG_SS];
	unsigned int i;
	const char *why;

	for (i = 0; i < MV_SEG_COUNT; i++) {
		why = check_seg(i, &r->seg[i]);
		if (why)
			return why;
	}
	/* CS.DPL against SS.DPL: equal, or not above it if conforming. */
	if (!(ss->ar & SAR_UNUSABLE) &&
	    ((SAR_TYPE(cs->ar) & 4) ?
	     SAR_DPL(cs->ar) > SAR_DPL(ss->ar) :
	     SAR_DPL(cs->ar) != SAR_DPL(ss->ar)))
		return "CS.DPL does not match SS.DPL";
	if ((ss->selector & 3) != (cs->selector & 3))
		return "SS.RPL differs from CS.RPL";
	if (!mv_canonical(r->gdtr_base) || !mv_canonical(r->idtr_base) ||
	    r->gdtr_limit > 0xffff || r->idtr_limit > 0xffff)
		return "GDTR or IDTR is not canonical or its limit is too big";
	return NULL;
}

static const char *check_msrs(struct mv_vcpu *v, const struct mv_rec_vcpu *r)
{
	if (!mv_canonical(r->msr_lstar) || !mv_canonical(r->msr_cstar) ||
	    !mv_canonical(r->msr_kernel_gs_base) ||
	    !mv_canonical(r->msr_sysenter_esp) || !mv_canonical(r->msr_sysenter_eip))
		return "an MSR that holds an address is not canonical";
	if ((r->msr_sfmask >> 32) || (r->msr_tsc_aux >> 32) ||
	    (r->msr_sysenter_cs >> 32))
		return "an MSR has bits set above bit 31";
	if (r->msr_tsc_aux && !v->tsc_aux_owned)
		return "TSC_AUX is set but the baseline hides rdtscp and rdpid";
	return NULL;
}

/* Interruptibility, activity and pending debug exceptions (27.3.1.5) */
static const char *check_events(const struct mv_rec_vcpu *r)
{
	/*
	 * Blocking by STI needs IF; not by STI and MOV SS at once; no
	 * blocking by SMI outside SMM; no enclave interruption without SGX
	 * (never offered).
	 */
	if ((r->interruptibility & ~0xbu) ||
	    ((r->interruptibility & 3) == 3) ||
	    ((r->interruptibility & 1) && !(r->rflags & X86_EFLAGS_IF)))
		return "interruptibility state is not valid (SMI or enclave blocking, or STI blocking without IF)";
	if (r->activity)
		return "activity state is not active";
	/* B0-B3, enabled breakpoint, BS; RTM only with RTM, never offered. */
	if (r->pending_dbg & ~(u64)(0xf | BIT(12) | BIT(14)))
		return "pending debug exceptions has reserved or RTM bits set";
	/*
	 * With blocking by STI or MOV SS, BS must equal RFLAGS.TF
	 * (IA32_DEBUGCTL.BTF is 0 after a restore).
	 */
	if ((r->interruptibility & 3) &&
	    !!(r->pending_dbg & BIT(14)) != !!(r->rflags & X86_EFLAGS_TF))
		return "pending debug exceptions BS disagrees with RFLAGS.TF under blocking";
	return NULL;
}

/* The first reason, in this order, that @r cannot be this vCPU's state */
static const char *check(struct mv_vcpu *v, const struct mv_rec_vcpu *r,
			 const void *xsave)
{
	const char *why;

	why = check_format(v, r);
	if (!why)
		why = check_regs(v, r);
	if (!why)
		why = check_segments(r);
	if (!why)
		why = check_msrs(v, r);
	if (!why)
		why = check_events(r);
	if (why)
		return why;
	/* CONFIG fixed the rate (restore.c), or this record does now. */
	if (r->tsc_khz != v->tsc_khz)
		return "its TSC rate is not the one CONFIG gave";
	return check_xsave(v, xsave);
}

int mv_state_check(struct mv_vcpu *v, const struct mv_rec_vcpu *r,
		   const void *xsave, const char **why)
{
	*why = check(v, r, xsave);
	return *why ? -EINVAL : 0;
}

void mv_state_apply(struct mv_vcpu *v, struct mv_rec_vcpu *r,
		    const void *xsave)
{
	memcpy(&v->regs, r->gpr, sizeof(r->gpr));
	v->cr2 = r->cr2;
	v->cr8 = r->cr8;
	v->xcr0 = r->xcr0;
	memcpy(v->dr, r->dr, sizeof(r->dr));
	v->dr[6] = r->dr6 | MV_DR6_FIXED;
	v->dr[7] = r->dr7 | MV_DR7_FIXED;
	v->msr[MV_GMSR_STAR] = r->msr_star;
	v->msr[MV_GMSR_LSTAR] = r->msr_lstar;
	v->msr[MV_GMSR_CSTAR] = r->msr_cstar;
	v->msr[MV_GMSR_SFMASK] = r->msr_sfmask;
	v->msr[MV_GMSR_KERNEL_GS_BASE] = r->msr_kernel_gs_base;
	v->tsc_aux = r->msr_tsc_aux;
	v->pat = r->flags & MV_VCPU_PAT ? r->msr_pat : MV_PAT_RESET;
	v->mtrr_def_type = r->msr_mtrr_def_type;
	memcpy(v->fpu, xsave, r->xsave_size);
	kfree(v->restore);
	v->restore = r;		/* the VMCS half, at the first entry */
}

void mv_state_to_vmcs(struct mv_vcpu *v, const struct mv_rec_vcpu *r)
{
	u64 paused = ktime_get_ns() - v->tsc_base_ns;
	unsigned int i;

	mv_vmcs_set_cr0(r->cr0);
	mv_vmcs_set_cr4(r->cr4);
	mv_vmwrite(GUEST_CR3, r->cr3);
	mv_vmwrite(GUEST_IA32_EFER, r->efer);
	mv_vmwrite(GUEST_DR7, MV_DR7_FIXED);
	mv_vmwrite(GUEST_IA32_DEBUGCTL, 0);
	for (i = 0; i < MV_SEG_COUNT; i++) {
		const struct mv_rec_seg *s = &r->seg[i];

		mv_vmwrite(seg_field(GUEST_ES_SELECTOR, i), s->selector);
		mv_vmwrite(seg_field(GUEST_ES_BASE, i), s->base);
		mv_vmwrite(seg_field(GUEST_ES_LIMIT, i), s->limit);
		mv_vmwrite(seg_field(GUEST_ES_AR_BYTES, i), s->ar);
	}
	mv_vmwrite(GUEST_GDTR_BASE, r->gdtr_base);
	mv_vmwrite(GUEST_GDTR_LIMIT, r->gdtr_limit);
	mv_vmwrite(GUEST_IDTR_BASE, r->idtr_base);
	mv_vmwrite(GUEST_IDTR_LIMIT, r->idtr_limit);
	mv_vmwrite(GUEST_SYSENTER_CS, r->msr_sysenter_cs);
	mv_vmwrite(GUEST_SYSENTER_ESP, r->msr_sysenter_esp);
	mv_vmwrite(GUEST_SYSENTER_EIP, r->msr_sysenter_eip);
	mv_vmwrite(GUEST_RSP, r->gpr[4]);
	mv_vmwrite(GUEST_RIP, r->rip);
	mv_vmwrite(GUEST_RFLAGS, r->rflags);
	mv_vmwrite(GUEST_ACTIVITY_STATE, r->activity);
	mv_vmwrite(GUEST_INTERRUPTIBILITY_INFO, r->interruptibility);
	mv_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, r->pending_dbg);
	/*
	 * The guest's TSC goes on from its capture, advanced by the time it
	 * was paused as the path measured it: the source's from capture to
	 * END, then ours from END to now (restore.c sets tsc_base_ns). No
	 * two hosts' clocks are compared, so it cannot jump by their
	 * difference, and it never goes back.
	 */
	v->tsc_offset = r->tsc + mv_tsc_ticks(v, paused) -
			mv_tsc_scaled(v, rdtsc());
	mv_vmwrite(TSC_OFFSET, v->tsc_offset);
}
