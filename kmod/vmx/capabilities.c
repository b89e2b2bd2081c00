// SPDX-License-Identifier: GPL-2.0
/*
 * Probe VMX once at load: is it there, did firmware allow it, and does it
 * have what migvisor needs. Every refusal names its reason in one line.
 */
#include <linux/kernel.h>
#include <linux/cache.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "../compat.h"
#include "capabilities.h"

struct mv_vmx_config mv_vmx __ro_after_init;

static const u32 mv_vmx_msr_indices[MV_MSR_COUNT] = {
	[MV_MSR_BASIC]		= MSR_IA32_VMX_BASIC,
	[MV_MSR_PIN]		= MSR_IA32_VMX_PINBASED_CTLS,
	[MV_MSR_PROC]		= MSR_IA32_VMX_PROCBASED_CTLS,
	[MV_MSR_EXIT]		= MSR_IA32_VMX_EXIT_CTLS,
	[MV_MSR_ENTRY]		= MSR_IA32_VMX_ENTRY_CTLS,
	[MV_MSR_MISC]		= MSR_IA32_VMX_MISC,
	[MV_MSR_CR0_FIXED0]	= MSR_IA32_VMX_CR0_FIXED0,
	[MV_MSR_CR0_FIXED1]	= MSR_IA32_VMX_CR0_FIXED1,
	[MV_MSR_CR4_FIXED0]	= MSR_IA32_VMX_CR4_FIXED0,
	[MV_MSR_CR4_FIXED1]	= MSR_IA32_VMX_CR4_FIXED1,
	[MV_MSR_VMCS_ENUM]	= MSR_IA32_VMX_VMCS_ENUM,
	[MV_MSR_PROC2]		= MSR_IA32_VMX_PROCBASED_CTLS2,
	[MV_MSR_EPT_VPID_CAP]	= MSR_IA32_VMX_EPT_VPID_CAP,
	[MV_MSR_TRUE_PIN]	= MSR_IA32_VMX_TRUE_PINBASED_CTLS,
	[MV_MSR_TRUE_PROC]	= MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
	[MV_MSR_TRUE_EXIT]	= MSR_IA32_VMX_TRUE_EXIT_CTLS,
	[MV_MSR_TRUE_ENTRY]	= MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	[MV_MSR_VMFUNC]		= MSR_IA32_VMX_VMFUNC,
	[MV_MSR_PROC3]		= MSR_IA32_VMX_PROCBASED_CTLS3,
};

u32 mv_vmx_msr_index(enum mv_vmx_msr m)
{
	return mv_vmx_msr_indices[m];
}

static int read_msr(struct mv_vmx_config *c, enum mv_vmx_msr m)
{
	u64 v;

	if (rdmsrq_safe(mv_vmx_msr_indices[m], &v)) {
		pr_err("cannot load: reading VMX capability MSR 0x%x faulted\n",
		       mv_vmx_msr_indices[m]);
		return -EIO;
	}
	c->msr[m] = v;
	c->msr_valid |= BIT(m);
	return 0;
}

/*
 * Read only the MSRs the CPU enumerates: the TRUE_ ones when BASIC bit 55
 * says so, CTLS2 when the secondary controls can be enabled, EPT_VPID_CAP
 * when EPT or VPID can be, VMFUNC when VM functions can be, CTLS3 when the
 * tertiary controls can be (SDM Vol. 3D, A.1-A.11).
 */
static int read_msrs(struct mv_vmx_config *c)
{
	static const enum mv_vmx_msr always[] = {
		MV_MSR_BASIC, MV_MSR_PIN, MV_MSR_PROC, MV_MSR_EXIT,
		MV_MSR_ENTRY, MV_MSR_MISC, MV_MSR_CR0_FIXED0,
		MV_MSR_CR0_FIXED1, MV_MSR_CR4_FIXED0, MV_MSR_CR4_FIXED1,
		MV_MSR_VMCS_ENUM,
	};
	u32 proc1, proc2;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(always); i++) {
		ret = read_msr(c, always[i]);
		if (ret)
			return ret;
	}
	if (c->msr[MV_MSR_BASIC] & VMX_BASIC_TRUE_CTLS) {
		for (i = MV_MSR_TRUE_PIN; i <= MV_MSR_TRUE_ENTRY; i++) {
			ret = read_msr(c, i);
			if (ret)
				return ret;
		}
	}
	proc1 = c->msr[MV_MSR_PROC] >> 32;
	if (proc1 & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS) {
		ret = read_msr(c, MV_MSR_PROC2);
		if (ret)
			return ret;
	}
	if (proc1 & CPU_BASED_ACTIVATE_TERTIARY_CONTROLS) {
		ret = read_msr(c, MV_MSR_PROC3);
		if (ret)
			return ret;
	}
	proc2 = c->msr[MV_MSR_PROC2] >> 32;
	if (proc2 & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID)) {
		ret = read_msr(c, MV_MSR_EPT_VPID_CAP);
		if (ret)
			return ret;
	}
	if (proc2 & SECONDARY_EXEC_ENABLE_VMFUNC) {
		ret = read_msr(c, MV_MSR_VMFUNC);
		if (ret)
			return ret;
	}
	return 0;
}

static u32 high32(const struct mv_vmx_config *c, enum mv_vmx_msr plain,
		  enum mv_vmx_msr true_msr)
{
	if (c->msr_valid & BIT(true_msr))
		return c->msr[true_msr] >> 32;
	return c->msr[plain] >> 32;
}

static void fill_caps(struct mv_vmx_config *c)
{
	u64 *a = c->allowed1;
	int i;

	a[MV_VCS_PIN] = high32(c, MV_MSR_PIN, MV_MSR_TRUE_PIN);
	a[MV_VCS_PROC] = high32(c, MV_MSR_PROC, MV_MSR_TRUE_PROC);
	a[MV_VCS_EXIT] = high32(c, MV_MSR_EXIT, MV_MSR_TRUE_EXIT);
	a[MV_VCS_ENTRY] = high32(c, MV_MSR_ENTRY, MV_MSR_TRUE_ENTRY);
	a[MV_VCS_PROC2] = c->msr[MV_MSR_PROC2] >> 32;
	a[MV_VCS_PROC3] = c->msr[MV_MSR_PROC3];
	a[MV_VCS_EPT] = (u32)c->msr[MV_MSR_EPT_VPID_CAP];
	a[MV_VCS_VPID] = c->msr[MV_MSR_EPT_VPID_CAP] >> 32;
	a[MV_VCS_VMFUNC] = c->msr[MV_MSR_VMFUNC];
	a[MV_VCS_BASIC] = c->msr[MV_MSR_BASIC];
	a[MV_VCS_MISC] = c->msr[MV_MSR_MISC];

	/* Aggregates, derived the way Linux derives its "vmx flags". */
	if ((a[MV_VCS_PROC] & CPU_BASED_TPR_SHADOW) &&
	    (a[MV_VCS_PROC2] & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES))
		a[MV_VCS_SYNTH] |= BIT_ULL(MV_SYNTH_FLEXPRIORITY);
	if ((a[MV_VCS_PROC] & CPU_BASED_TPR_SHADOW) &&
	    (a[MV_VCS_PROC2] & SECONDARY_EXEC_APIC_REGISTER_VIRT) &&
	    (a[MV_VCS_PROC2] & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY) &&
	    (a[MV_VCS_PIN] & PIN_BASED_POSTED_INTR))
		a[MV_VCS_SYNTH] |= BIT_ULL(MV_SYNTH_APICV);

	for (i = 0; i < MV_VCAP_COUNT; i++) {
		const struct mv_vmx_cap_desc *d = &mv_vmx_caps[i];

		if (a[d->source] & BIT_ULL(d->bit))
			c->caps[i / 64] |= BIT_ULL(i % 64);
	}
}

/* What migvisor cannot work without, each with the reason it is needed. */
static const struct {
	enum mv_vmx_cap_id cap;
	const char *why;
} mv_vmx_required[] = {
	{ MV_VCAP_secondary_ctls,  "secondary controls, to enable EPT" },
	{ MV_VCAP_ept,		   "EPT, for guest memory" },
	{ MV_VCAP_ept_4level,	   "4-level EPT page walks" },
	{ MV_VCAP_ept_wb,	   "write-back EPT memory type" },
	{ MV_VCAP_invept,	   "INVEPT, to flush guest mappings" },
	{ MV_VCAP_msr_bitmaps,	   "MSR bitmaps, for deny-by-default MSR access" },
	{ MV_VCAP_io_bitmaps,	   "I/O bitmaps, for the debug console port" },
	{ MV_VCAP_hlt_exiting,	   "HLT exiting" },
	{ MV_VCAP_host_64bit,	   "64-bit host address space on exit" },
	{ MV_VCAP_exit_load_efer,  "loading host EFER on exit" },
	{ MV_VCAP_exit_save_efer,  "saving guest EFER on exit" },
	{ MV_VCAP_entry_ia32e,	   "IA-32e mode guests" },
	{ MV_VCAP_entry_load_efer, "loading guest EFER on entry" },
	{ MV_VCAP_ext_intr_exiting, "external-interrupt exiting" },
	{ MV_VCAP_nmi_exiting,	   "NMI exiting" },
};

static int check_basic(const struct mv_vmx_config *c)
{
	u64 basic = c->msr[MV_MSR_BASIC];
	u32 size = (basic >> 32) & 0x1fff;

	if (size == 0 || size > PAGE_SIZE) {
		pr_err("cannot load: VMCS size %u does not fit a page\n", size);
		return -EOPNOTSUPP;
	}
	/* Bit 48 restricts VMX structures to 32-bit physical addresses. */
	if (basic & BIT_ULL(48)) {
		pr_err("cannot load: VMX structures limited to 4 GiB\n");
		return -EOPNOTSUPP;
	}
	if (((basic >> 50) & 0xf) != 6) {
		pr_err("cannot load: VMCS memory type is not write-back\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * mv_vmx_probe - fill mv_vmx, or say in one line why this host cannot
 *
 * Return: 0, -EOPNOTSUPP when the CPU lacks VMX or a required capability,
 * -ENODEV when firmware has VMX disabled, -EIO when an MSR faults.
 */
int mv_vmx_probe(void)
{
	struct mv_vmx_config c = {};
	int i, ret;

	/* Ask the CPU itself: Linux clears X86_FEATURE_VMX when disabled. */
	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL ||
	    !(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		pr_err("cannot load: CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0)\n");
		return -EOPNOTSUPP;
	}
	if (rdmsrq_safe(MSR_IA32_FEAT_CTL, &c.feat_ctl)) {
		pr_err("cannot load: IA32_FEATURE_CONTROL is not readable\n");
		return -ENODEV;
	}
	if (!(c.feat_ctl & FEAT_CTL_LOCKED) ||
	    !(c.feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("cannot load: VMX disabled by firmware (IA32_FEATURE_CONTROL=0x%llx: %s)\n",
		       c.feat_ctl, (c.feat_ctl & FEAT_CTL_LOCKED) ?
		       "locked without VMXON outside SMX" : "not locked");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("cannot load: the kernel disabled VMX (see earlier boot messages)\n");
		return -ENODEV;
	}

	ret = read_msrs(&c);
	if (ret)
		return ret;
	ret = check_basic(&c);
	if (ret)
		return ret;
	fill_caps(&c);

	mv_vmx = c;
	for (i = 0; i < ARRAY_SIZE(mv_vmx_required); i++) {
		if (!mv_vmx_has(mv_vmx_required[i].cap)) {
			pr_err("cannot load: VMX lacks %s (%s)\n",
			       mv_vmx_caps[mv_vmx_required[i].cap].name,
			       mv_vmx_required[i].why);
			return -EOPNOTSUPP;
		}
	}
	mv_vmx.vmcs_revision = c.msr[MV_MSR_BASIC] & 0x7fffffff;
	mv_vmx.vmcs_size = (c.msr[MV_MSR_BASIC] >> 32) & 0x1fff;
	return 0;
}
