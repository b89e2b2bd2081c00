/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * migvisor: user-space ABI of migvisor.ko.
 *
 * Two interfaces:
 *
 * 1. The generic netlink family MV_GENL_NAME ("migvisor"), version
 *    MV_GENL_VERSION, configures hosts, baselines and guests.
 *    - Attributes start at 1; 0 is never valid. Every command has its own
 *      strict policy: an attribute the command does not take is rejected
 *      with -EINVAL and an extack message pointing at it.
 *    - Commands not listed here are answered with -EOPNOTSUPP and an extack
 *      message naming the command number.
 *    - Requests whose genlmsghdr.version is newer than MV_GENL_VERSION are
 *      refused with -EOPNOTSUPP: the module is older than the tool.
 *
 *    MV_CMD_HOST_GET (do, unprivileged): describe this host. No request
 *    attributes. The reply carries:
 *      MV_A_HOST_VENDOR, _MODEL_NAME       string
 *      MV_A_HOST_FAMILY, _MODEL, _STEPPING u32  (display values, SDM 2A)
 *      MV_A_HOST_MICROCODE                 u32  (boot CPU's revision)
 *      MV_A_HOST_VMX_FEAT_CTL              u64  IA32_FEATURE_CONTROL
 *      MV_A_HOST_VMX_CAPS                  nest of u64 bitmap words,
 *                                          see MV_A_CAPS_WORD
 *      MV_A_HOST_VMX_MSR                   multi-attr nest (mv_msr_a):
 *                                          every VMX capability MSR
 *      MV_A_HOST_CPUID                     multi-attr nest (mv_cpuid_a):
 *                                          raw CPUID of the boot CPU
 *
 * 2. The character device /dev/migvisor (mode 0600). ioctls use the magic
 *    MV_IOC_MAGIC and fixed-size structs whose reserved fields must be zero.
 *
 * Whatever changes the layout or meaning of anything here bumps
 * MV_GENL_VERSION (netlink) or MV_API_VERSION (char device), and updates
 * userspace/ and selftests/ in the same commit.
 */
#ifndef _UAPI_LINUX_MIGVISOR_H
#define _UAPI_LINUX_MIGVISOR_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define MV_GENL_NAME		"migvisor"
#define MV_GENL_VERSION		1

enum mv_cmd {
	MV_CMD_HOST_GET = 1,

	__MV_CMD_MAX,
	MV_CMD_MAX = __MV_CMD_MAX - 1
};

enum mv_attr {
	MV_A_HOST_VENDOR = 1,		/* string */
	MV_A_HOST_MODEL_NAME,		/* string */
	MV_A_HOST_FAMILY,		/* u32 */
	MV_A_HOST_MODEL,		/* u32 */
	MV_A_HOST_STEPPING,		/* u32 */
	MV_A_HOST_MICROCODE,		/* u32 */
	MV_A_HOST_VMX_FEAT_CTL,		/* u64 */
	MV_A_HOST_VMX_CAPS,		/* nest: MV_A_CAPS_WORD... */
	MV_A_HOST_VMX_MSR,		/* nest (multi-attr): mv_msr_a */
	MV_A_HOST_CPUID,		/* nest (multi-attr): mv_cpuid_a */
	MV_A_PAD,			/* padding for 64-bit attributes */

	__MV_A_MAX,
	MV_A_MAX = __MV_A_MAX - 1
};

/*
 * MV_A_HOST_VMX_CAPS holds MV_VMX_CAP_WORDS u64 words, in order, as
 * repeated MV_A_CAPS_WORD attributes. Bit N of the bitmap is the
 * capability with index N in common/vmx_caps.h.
 */
enum mv_caps_attr {
	MV_A_CAPS_WORD = 1,		/* u64 */
	MV_A_CAPS_PAD,

	__MV_A_CAPS_MAX,
	MV_A_CAPS_MAX = __MV_A_CAPS_MAX - 1
};

enum mv_msr_attr {
	MV_A_MSR_INDEX = 1,		/* u32 */
	MV_A_MSR_VALUE,			/* u64 */
	MV_A_MSR_PAD,

	__MV_A_MSR_MAX,
	MV_A_MSR_MAX = __MV_A_MSR_MAX - 1
};

/* One CPUID (leaf, subleaf) result; the register order is the SDM's. */
enum mv_cpuid_attr {
	MV_A_CPUID_LEAF = 1,		/* u32 */
	MV_A_CPUID_SUBLEAF,		/* u32 */
	MV_A_CPUID_EAX,			/* u32 */
	MV_A_CPUID_EBX,			/* u32 */
	MV_A_CPUID_ECX,			/* u32 */
	MV_A_CPUID_EDX,			/* u32 */

	__MV_A_CPUID_MAX,
	MV_A_CPUID_MAX = __MV_A_CPUID_MAX - 1
};

/* --- character device --- */

#define MV_DEVICE_NAME		"migvisor"
#define MV_API_VERSION		1
#define MV_IOC_MAGIC		0xB7

/**
 * struct mv_version - MV_IOC_GET_VERSION result
 * @api: MV_API_VERSION of the module
 * @genl: MV_GENL_VERSION of the module
 * @reserved: must be zero on input, zero on output
 */
struct mv_version {
	__u32 api;
	__u32 genl;
	__u64 reserved[3];
};

#define MV_IOC_GET_VERSION	_IOWR(MV_IOC_MAGIC, 0x00, struct mv_version)

#endif /* _UAPI_LINUX_MIGVISOR_H */
