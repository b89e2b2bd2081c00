/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/migvisor.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_MIGVISOR_NL_H
#define _UAPI_LINUX_MIGVISOR_NL_H

#define MV_GENL_NAME	"migvisor"
#define MV_GENL_VERSION	2

/**
 * enum mv_guest_state
 * @MV_GUEST_CREATED: memory and entry can be set
 * @MV_GUEST_STOPPED: see the stop reason
 */
enum mv_guest_state {
	MV_GUEST_CREATED = 1,
	MV_GUEST_RUNNING,
	MV_GUEST_PAUSED,
	MV_GUEST_STOPPED,
};

/**
 * enum mv_stop_reason
 * @MV_STOP_EXIT: the guest's exit hypercall; info is its status
 * @MV_STOP_HALT: HLT; info is RFLAGS.IF
 * @MV_STOP_INVALID_STATE: VM entry failed; info is the entry's exit reason
 * @MV_STOP_EPT_VIOLATION: info is the guest-physical address
 * @MV_STOP_EPT_MISCONFIG: info is the guest-physical address
 * @MV_STOP_VMFAIL: info is the VM-instruction error
 * @MV_STOP_UNHANDLED: info is the exit reason
 * @MV_STOP_HOST: the host is rebooting or lost the CPU
 */
enum mv_stop_reason {
	MV_STOP_NONE,
	MV_STOP_EXIT,
	MV_STOP_HALT,
	MV_STOP_TRIPLE_FAULT,
	MV_STOP_INVALID_STATE,
	MV_STOP_EPT_VIOLATION,
	MV_STOP_EPT_MISCONFIG,
	MV_STOP_VMFAIL,
	MV_STOP_UNHANDLED,
	MV_STOP_HOST,
};

/**
 * enum mv_pause_reason - Why a guest is paused. The host pauses a guest whose
 *   CPU cannot run it now; the guest's pause-cpu names the CPU, and a resume
 *   tries again.
 * @MV_PAUSE_USER: guest-pause, or a migration
 * @MV_PAUSE_VMX_OFF: VMX was turned off, and this kernel lets only KVM turn it
 *   on
 * @MV_PAUSE_VMX_FOREIGN: another hypervisor holds VMX, and this kernel cannot
 *   share it
 * @MV_PAUSE_VMX_FAILED: VMXON or VMPTRLD failed on that CPU (the kernel log
 *   says how)
 */
enum mv_pause_reason {
	MV_PAUSE_NONE,
	MV_PAUSE_USER,
	MV_PAUSE_VMX_OFF,
	MV_PAUSE_VMX_FOREIGN,
	MV_PAUSE_VMX_FAILED,
};

/**
 * enum mv_vmx_mode - How migvisor's guests get VMX root on one CPU.
 * @MV_VMX_MODE_OFF: off; migvisor turns it on for guests
 * @MV_VMX_MODE_KVM_ONLY: off; only KVM may turn it on here
 * @MV_VMX_MODE_OWNED: migvisor's own VMXON
 * @MV_VMX_MODE_SHARED: another owner's; guests run inside it
 * @MV_VMX_MODE_FOREIGN: another owner's, and this kernel cannot share it
 *   (before 6.12)
 */
enum mv_vmx_mode {
	MV_VMX_MODE_OFF = 1,
	MV_VMX_MODE_KVM_ONLY,
	MV_VMX_MODE_OWNED,
	MV_VMX_MODE_SHARED,
	MV_VMX_MODE_FOREIGN,
};

/**
 * enum mv_event
 * @MV_EVENT_STOPPED: a clean stop (exit hypercall, HLT)
 * @MV_EVENT_CRASHED: any other stop
 */
enum mv_event {
	MV_EVENT_CREATED = 1,
	MV_EVENT_STARTED,
	MV_EVENT_PAUSED,
	MV_EVENT_RESUMED,
	MV_EVENT_STOPPED,
	MV_EVENT_CRASHED,
	MV_EVENT_DELETED,
};

enum mv_caps_attr {
	MV_A_CAPS_WORD = 1,
	MV_A_CAPS_PAD,

	__MV_A_CAPS_MAX
};
#define MV_A_CAPS_MAX (__MV_A_CAPS_MAX - 1)

enum mv_msr_attr {
	MV_A_MSR_INDEX = 1,
	MV_A_MSR_VALUE,
	MV_A_MSR_PAD,

	__MV_A_MSR_MAX
};
#define MV_A_MSR_MAX (__MV_A_MSR_MAX - 1)

enum mv_cpuid_attr {
	MV_A_CPUID_LEAF = 1,
	MV_A_CPUID_SUBLEAF,
	MV_A_CPUID_EAX,
	MV_A_CPUID_EBX,
	MV_A_CPUID_ECX,
	MV_A_CPUID_EDX,

	__MV_A_CPUID_MAX
};
#define MV_A_CPUID_MAX (__MV_A_CPUID_MAX - 1)

enum mv_vmxroot_attr {
	MV_A_VMXROOT_CPU = 1,
	MV_A_VMXROOT_MODE,
	MV_A_VMXROOT_OWNER,
	MV_A_VMXROOT_WHY,

	__MV_A_VMXROOT_MAX
};
#define MV_A_VMXROOT_MAX (__MV_A_VMXROOT_MAX - 1)

enum mv_word_attr {
	MV_A_WORD_LEAF = 1,
	MV_A_WORD_SUBLEAF,
	MV_A_WORD_REG,
	MV_A_WORD_MASK,

	__MV_A_WORD_MAX
};
#define MV_A_WORD_MAX (__MV_A_WORD_MAX - 1)

enum mv_policy_attr {
	MV_A_POLICY_WORD = 1,
	MV_A_POLICY_XCR0,
	MV_A_POLICY_MAX_LEAF,
	MV_A_POLICY_SIGNATURE,
	MV_A_POLICY_PHYS_BITS,
	MV_A_POLICY_BRAND,
	MV_A_POLICY_PAD,

	__MV_A_POLICY_MAX
};
#define MV_A_POLICY_MAX (__MV_A_POLICY_MAX - 1)

enum mv_exit_attr {
	MV_A_EXIT_REASON = 1,
	MV_A_EXIT_COUNT,
	MV_A_EXIT_PAD,

	__MV_A_EXIT_MAX
};
#define MV_A_EXIT_MAX (__MV_A_EXIT_MAX - 1)

enum mv_violation_attr {
	MV_A_VIOLATION_FEATURE = 1,
	MV_A_VIOLATION_COUNT,
	MV_A_VIOLATION_PAD,

	__MV_A_VIOLATION_MAX
};
#define MV_A_VIOLATION_MAX (__MV_A_VIOLATION_MAX - 1)

enum mv_query_attr {
	MV_A_QUERY_LEAF = 1,
	MV_A_QUERY_SUBLEAF,
	MV_A_QUERY_COUNT,
	MV_A_QUERY_PAD,

	__MV_A_QUERY_MAX
};
#define MV_A_QUERY_MAX (__MV_A_QUERY_MAX - 1)

enum mv_host_attr {
	MV_A_HOST_VENDOR = 1,
	MV_A_HOST_MODEL_NAME,
	MV_A_HOST_FAMILY,
	MV_A_HOST_MODEL,
	MV_A_HOST_STEPPING,
	MV_A_HOST_MICROCODE,
	MV_A_HOST_VMX_FEAT_CTL,
	MV_A_HOST_VMX_CAPS,
	MV_A_HOST_VMX_MSR,
	MV_A_HOST_CPUID,
	MV_A_HOST_OFFER,
	MV_A_HOST_VMX_ROOT,
	MV_A_HOST_MAINTENANCE,
	MV_A_HOST_TSC_KHZ,
	MV_A_HOST_TSC_SCALING,
	MV_A_HOST_PAD,

	__MV_A_HOST_MAX
};
#define MV_A_HOST_MAX (__MV_A_HOST_MAX - 1)

enum mv_guest_attr {
	MV_A_GUEST_NAME = 1,
	MV_A_GUEST_MEMORY,
	MV_A_GUEST_BASELINE,
	MV_A_GUEST_STATE,
	MV_A_GUEST_ENTRY,
	MV_A_GUEST_STOP_REASON,
	MV_A_GUEST_STOP_INFO,
	MV_A_GUEST_STOP_RIP,
	MV_A_GUEST_PAUSE_REASON,
	MV_A_GUEST_PAUSE_CPU,
	MV_A_GUEST_VCPU_CPU,
	MV_A_GUEST_EXITS,
	MV_A_GUEST_CONSOLE_SIZE,
	MV_A_GUEST_CONSOLE_OFFSET,
	MV_A_GUEST_CONSOLE_DATA,
	MV_A_GUEST_EVENT,
	MV_A_GUEST_VIOLATION,
	MV_A_GUEST_POLICY_HASH,
	MV_A_GUEST_TSC_KHZ,
	MV_A_GUEST_TSC_SCALED,
	MV_A_GUEST_CPUID_QUERY,
	MV_A_GUEST_CPUID_UNRECORDED,
	MV_A_GUEST_PAD,

	__MV_A_GUEST_MAX
};
#define MV_A_GUEST_MAX (__MV_A_GUEST_MAX - 1)

enum mv_baseline_attr {
	MV_A_BASELINE_NAME = 1,
	MV_A_BASELINE_MODEL,
	MV_A_BASELINE_POLICY,
	MV_A_BASELINE_HASH,
	MV_A_BASELINE_DEFAULT,
	MV_A_BASELINE_USER,
	MV_A_BASELINE_REPLACE,
	MV_A_BASELINE_TSC_KHZ,
	MV_A_BASELINE_PAD,

	__MV_A_BASELINE_MAX
};
#define MV_A_BASELINE_MAX (__MV_A_BASELINE_MAX - 1)

enum mv_cmd {
	MV_CMD_HOST_GET = 1,
	MV_CMD_HOST_SET,
	MV_CMD_HOST_EVENT,
	MV_CMD_GUEST_NEW,
	MV_CMD_GUEST_DEL,
	MV_CMD_GUEST_GET,
	MV_CMD_GUEST_START,
	MV_CMD_GUEST_PAUSE,
	MV_CMD_GUEST_RESUME,
	MV_CMD_GUEST_CONSOLE,
	MV_CMD_GUEST_EVENT,
	MV_CMD_BASELINE_NEW,
	MV_CMD_BASELINE_DEL,
	MV_CMD_BASELINE_GET,
	MV_CMD_BASELINE_SET_DEFAULT,

	__MV_CMD_MAX
};
#define MV_CMD_MAX (__MV_CMD_MAX - 1)

#define MV_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_MIGVISOR_NL_H */
