/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Identifiers derived from the shared data tables. Included by the module
 * and by the tools; needs only <linux/types.h>.
 */
#ifndef _MV_TABLES_H
#define _MV_TABLES_H


/* Flags of common/cpuid_features.h rows */
#define MV_FF_HIDDEN	(1u << 0)

/* Flags of common/vmx_caps.h rows */
#define MV_VCF_CPUINFO	(1u << 0)

/* CPUID output registers, in the SDM's order */
enum mv_cpuid_reg { MV_EAX, MV_EBX, MV_ECX, MV_EDX };

enum mv_cpuid_feature_id {
#define MV_CPUID_FEATURE(name, leaf, sub, reg, bit, flags) MV_F_##name,
#include "cpuid_features.h"
	MV_F_COUNT
};

enum mv_vmx_cap_source {
	MV_VCS_PIN, MV_VCS_PROC, MV_VCS_PROC2, MV_VCS_PROC3, MV_VCS_EXIT,
	MV_VCS_ENTRY, MV_VCS_EPT, MV_VCS_VPID, MV_VCS_VMFUNC, MV_VCS_BASIC,
	MV_VCS_MISC, MV_VCS_SYNTH,
	MV_VCS_COUNT
};

enum mv_vmx_cap_id {
#define MV_VMX_CAP(name, src, bit, flags) MV_VCAP_##name,
#include "vmx_caps.h"
	MV_VCAP_COUNT
};

#define MV_VMX_CAP_WORDS	((MV_VCAP_COUNT + 63) / 64)

/* Bits of MV_VCS_SYNTH */
#define MV_SYNTH_FLEXPRIORITY	0
#define MV_SYNTH_APICV		1

struct mv_cpuid_feature_desc {
	const char *name;
	__u32 leaf;
	__u32 subleaf;
	__u8 reg;
	__u8 bit;
	__u8 flags;
};

struct mv_vmx_cap_desc {
	const char *name;
	__u8 source;
	__u8 bit;
	__u8 flags;
};

/*
 * The tables themselves. Static so that each user gets its own copy; the
 * compiler drops them where unused.
 */
static const struct mv_cpuid_feature_desc mv_cpuid_features[] __maybe_unused = {
#define MV_CPUID_FEATURE(n, l, s, r, b, f) \
	[MV_F_##n] = { .name = #n, .leaf = l, .subleaf = s, .reg = MV_##r, .bit = b, .flags = f },
#include "cpuid_features.h"
};

static const struct mv_vmx_cap_desc mv_vmx_caps[] __maybe_unused = {
#define MV_VMX_CAP(n, src, b, f) \
	[MV_VCAP_##n] = { .name = #n, .source = MV_VCS_##src, .bit = b, .flags = f },
#include "vmx_caps.h"
};

#endif /* _MV_TABLES_H */
