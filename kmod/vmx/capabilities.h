/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this CPU's VMX can do, probed once at load and read-only after.
 */
#ifndef _MV_VMX_CAPABILITIES_H
#define _MV_VMX_CAPABILITIES_H

#include <linux/types.h>
#include <asm/vmx.h>
#include <linux/migvisor_nl.h>

#include "../../common/mv_tables.h"

/* Every VMX capability MSR, in MSR order; reported raw over netlink. */
enum mv_vmx_msr {
	MV_MSR_BASIC,
	MV_MSR_PIN,
	MV_MSR_PROC,
	MV_MSR_EXIT,
	MV_MSR_ENTRY,
	MV_MSR_MISC,
	MV_MSR_CR0_FIXED0,
	MV_MSR_CR0_FIXED1,
	MV_MSR_CR4_FIXED0,
	MV_MSR_CR4_FIXED1,
	MV_MSR_VMCS_ENUM,
	MV_MSR_PROC2,
	MV_MSR_EPT_VPID_CAP,
	MV_MSR_TRUE_PIN,
	MV_MSR_TRUE_PROC,
	MV_MSR_TRUE_EXIT,
	MV_MSR_TRUE_ENTRY,
	MV_MSR_VMFUNC,
	MV_MSR_PROC3,
	MV_MSR_COUNT
};

/**
 * struct mv_vmx_config - VMX capabilities of this host
 * @feat_ctl: IA32_FEATURE_CONTROL as found at load
 * @msr: raw value of each capability MSR, valid where @msr_valid is set
 * @msr_valid: bitmap of enum mv_vmx_msr; MSRs the CPU does not enumerate
 *	are never read
 * @allowed1: allowed-1 settings per enum mv_vmx_cap_source (the high dword
 *	of the TRUE_ control MSR where present, which the SDM defines to
 *	equal the non-TRUE one; all 64 bits for PROC3, VMFUNC, BASIC, MISC)
 * @caps: the MV_A_HOST_VMX_CAPS bitmap, indexed by enum mv_vmx_cap_id
 * @vmcs_revision: revision identifier for VMXON region and VMCS
 * @vmcs_size: bytes to allocate for them
 */
struct mv_vmx_config {
	u64 feat_ctl;
	u64 msr[MV_MSR_COUNT];
	u32 msr_valid;
	u64 allowed1[MV_VCS_COUNT];
	u64 caps[MV_VMX_CAP_WORDS];
	u32 vmcs_revision;
	u32 vmcs_size;
};

extern struct mv_vmx_config mv_vmx __ro_after_init;

u32 mv_vmx_msr_index(enum mv_vmx_msr m);
int mv_vmx_probe(void);

static inline bool mv_vmx_has(enum mv_vmx_cap_id cap)
{
	return mv_vmx.caps[cap / 64] & BIT_ULL(cap % 64);
}

static inline bool mv_vmx_msr_valid(enum mv_vmx_msr m)
{
	return mv_vmx.msr_valid & BIT(m);
}

static inline bool mv_cpu_has_ept(void)
{
	return mv_vmx_has(MV_VCAP_ept);
}

static inline bool mv_cpu_has_vpid(void)
{
	return mv_vmx_has(MV_VCAP_vpid) && mv_vmx_has(MV_VCAP_invvpid);
}

static inline bool mv_cpu_has_unrestricted_guest(void)
{
	return mv_vmx_has(MV_VCAP_unrestricted_guest);
}

static inline bool mv_cpu_has_pml(void)
{
	return mv_vmx_has(MV_VCAP_pml) && mv_vmx_has(MV_VCAP_ept_ad);
}

static inline bool mv_cpu_has_ept_ad(void)
{
	return mv_vmx_has(MV_VCAP_ept_ad);
}

static inline bool mv_cpu_has_preemption_timer(void)
{
	return mv_vmx_has(MV_VCAP_preemption_timer);
}

#endif /* _MV_VMX_CAPABILITIES_H */
