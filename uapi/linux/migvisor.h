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
 *    Guests (every command needs CAP_NET_ADMIN except GUEST_GET and
 *    GUEST_CONSOLE, which need it too because they reveal guest data):
 *      GUEST_NEW     NAME, MEMORY (bytes)      create a stopped guest
 *      GUEST_DEL     NAME                      stop it and free it
 *      GUEST_START   NAME                      run from its entry point
 *      GUEST_PAUSE   NAME / GUEST_RESUME NAME
 *      GUEST_GET     [NAME]                    one guest, or dump all
 *      GUEST_CONSOLE NAME, [CONSOLE_OFFSET]    console bytes from offset
 *    GUEST_NEW takes an optional BASELINE name; without it the default
 *    baseline applies, or none (the host's offer, not migratable).
 *
 *    Baselines (NEW, DEL and SET_DEFAULT need CAP_NET_ADMIN):
 *      BASELINE_NEW  NAME, POLICY, [MODEL], [REPLACE]
 *      BASELINE_DEL  NAME
 *      BASELINE_GET  [NAME]                    one, or dump all
 *      BASELINE_SET_DEFAULT [NAME]             none: clear the default
 *    A baseline some guest uses cannot be replaced or deleted (-EBUSY);
 *    a guest cannot be created with one this host cannot satisfy
 *    (-EOPNOTSUPP). Both name the reason in the extack message.
 *
 *    Events go to the multicast group MV_MCGRP_EVENTS as MV_CMD_GUEST_EVENT
 *    with NAME, EVENT and, for stops, STOP_REASON and STOP_INFO.
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
 *      MV_A_HOST_OFFER                     nest (mv_policy_attr): the
 *                                          richest policy this host can
 *                                          give a guest
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

#define MV_MCGRP_EVENTS		"events"

enum mv_cmd {
	MV_CMD_HOST_GET = 1,
	MV_CMD_GUEST_NEW,
	MV_CMD_GUEST_DEL,
	MV_CMD_GUEST_GET,
	MV_CMD_GUEST_START,
	MV_CMD_GUEST_PAUSE,
	MV_CMD_GUEST_RESUME,
	MV_CMD_GUEST_CONSOLE,
	MV_CMD_GUEST_EVENT,		/* notification only */
	MV_CMD_BASELINE_NEW,
	MV_CMD_BASELINE_DEL,
	MV_CMD_BASELINE_GET,
	MV_CMD_BASELINE_SET_DEFAULT,

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
	MV_A_GUEST_NAME,		/* string, < MV_GUEST_NAME_MAX bytes */
	MV_A_GUEST_MEMORY,		/* u64, bytes */
	MV_A_GUEST_STATE,		/* u32, enum mv_guest_state */
	MV_A_GUEST_ENTRY,		/* u64, guest-physical entry point */
	MV_A_GUEST_STOP_REASON,		/* u32, enum mv_stop_reason */
	MV_A_GUEST_STOP_INFO,		/* u64, meaning per reason */
	MV_A_GUEST_STOP_RIP,		/* u64, guest RIP at the stop */
	MV_A_GUEST_EXITS,		/* nest (multi-attr): mv_exit_a */
	MV_A_GUEST_CONSOLE_SIZE,	/* u64, bytes written since creation */
	MV_A_GUEST_CONSOLE_OFFSET,	/* u64, offset of CONSOLE_DATA */
	MV_A_GUEST_CONSOLE_DATA,	/* binary */
	MV_A_GUEST_EVENT,		/* u32, enum mv_event */
	MV_A_GUEST_VCPU_CPU,		/* u32, host CPU it last ran on */
	MV_A_BASELINE_NAME,		/* string, < MV_BASELINE_NAME_MAX */
	MV_A_BASELINE_MODEL,		/* string, where it came from */
	MV_A_BASELINE_POLICY,		/* nest: mv_policy_attr */
	MV_A_BASELINE_HASH,		/* u64, hash of the canonical policy */
	MV_A_BASELINE_DEFAULT,		/* flag */
	MV_A_BASELINE_USER,		/* string (multi-attr): a guest using it */
	MV_A_HOST_OFFER,		/* nest: mv_policy_attr */
	MV_A_GUEST_BASELINE,		/* string: baseline name */
	MV_A_GUEST_VIOLATION,		/* nest (multi-attr): mv_violation_attr */
	MV_A_GUEST_POLICY_HASH,		/* u64 */
	MV_A_BASELINE_REPLACE,		/* flag: BASELINE_NEW may replace */

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

/* Per exit reason (SDM Vol. 3D, Appendix C) count */
enum mv_exit_attr {
	MV_A_EXIT_REASON = 1,		/* u32 */
	MV_A_EXIT_COUNT,		/* u64 */
	MV_A_EXIT_PAD,

	__MV_A_EXIT_MAX,
	MV_A_EXIT_MAX = __MV_A_EXIT_MAX - 1
};

#define MV_GUEST_NAME_MAX	32
#define MV_BASELINE_NAME_MAX	32
#define MV_GUEST_MEM_MIN	(1ULL << 20)
#define MV_GUEST_MEM_MAX	(1ULL << 30)
/* Console bytes kept per guest; older ones are dropped. */
#define MV_CONSOLE_SIZE		(64 * 1024)
/* Most console bytes one MV_CMD_GUEST_CONSOLE reply carries. */
#define MV_CONSOLE_CHUNK	3072

enum mv_guest_state {
	MV_GUEST_CREATED = 1,		/* memory and entry can be set */
	MV_GUEST_RUNNING,
	MV_GUEST_PAUSED,
	MV_GUEST_STOPPED,		/* see the stop reason */
};

enum mv_stop_reason {
	MV_STOP_NONE = 0,
	MV_STOP_EXIT,			/* MV_HC_EXIT; info = status */
	MV_STOP_HALT,			/* HLT; info = RFLAGS.IF */
	MV_STOP_TRIPLE_FAULT,
	MV_STOP_INVALID_STATE,		/* VM entry failed; info = reason */
	MV_STOP_EPT_VIOLATION,		/* info = guest-physical address */
	MV_STOP_EPT_MISCONFIG,		/* info = guest-physical address */
	MV_STOP_VMFAIL,			/* info = VM-instruction error */
	MV_STOP_UNHANDLED,		/* info = exit reason */
	MV_STOP_HOST,			/* host rebooting or CPU lost */
};

enum mv_event {
	MV_EVENT_CREATED = 1,
	MV_EVENT_STARTED,
	MV_EVENT_PAUSED,
	MV_EVENT_RESUMED,
	MV_EVENT_STOPPED,		/* a clean exit (MV_STOP_EXIT, HALT) */
	MV_EVENT_CRASHED,		/* any other stop */
	MV_EVENT_DELETED,
};

/*
 * Guest start-up, all guest-physical: migvisor writes identity page tables
 * for the first 1 GiB (2 MiB pages) at MV_GPA_PML4.., a GDT at MV_GPA_GDT
 * (code 0x08, data 0x10, TSS MV_GDT_TSS) and a TSS at MV_GPA_TSS, then
 * starts the vCPU in 64-bit mode at the entry point with RSP at the top of
 * RAM, RFLAGS 0x2, CR4.PAE|OSFXSR|OSXMMEXCPT, EFER.LME|LMA|NXE and an
 * empty IDT. Images load at or above MV_GPA_LOAD_MIN.
 */
#define MV_GPA_PML4		0x1000
#define MV_GPA_PDPT		0x2000
#define MV_GPA_PD		0x3000
#define MV_GPA_GDT		0x4000
#define MV_GPA_TSS		0x5000
#define MV_GPA_LOAD_MIN		0x10000
#define MV_GDT_CODE		0x08
#define MV_GDT_DATA		0x10
#define MV_GDT_TSS		0x18

/*
 * Hypercalls: VMCALL with the number in RAX and arguments in RDI, RSI,
 * RDX; the result comes back in RAX (negative errno on failure). Unknown
 * numbers return -MV_HC_ENOSYS. The debug console is also reachable with
 * "out %al, $MV_CONSOLE_PORT".
 */
#define MV_HC_ABI_VERSION	1
#define MV_HC_ENOSYS		38	/* returned negated for unknown numbers */
#define MV_CONSOLE_PORT		0xe9

enum mv_hypercall {
	MV_HC_EXIT = 0,			/* RDI: status; does not return */
	MV_HC_CONSOLE_WRITE = 1,	/* RDI: GPA, RSI: length; -> length */
	MV_HC_ABI = 2,			/* -> MV_HC_ABI_VERSION */
	MV_HC_TSC_KHZ = 3,		/* -> the guest's TSC frequency, kHz */
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

/*
 * A CPUID policy (a baseline, or a host's offer). Feature words are sent
 * as (leaf, subleaf, register, mask); a word the module does not know,
 * or a bit its feature table does not name, is rejected. The module
 * stores the canonical form (dependency closure applied), which is what
 * BASELINE_GET returns and MV_A_BASELINE_HASH covers.
 */
enum mv_policy_attr {
	MV_A_POLICY_WORD = 1,		/* nest (multi-attr): mv_word_attr */
	MV_A_POLICY_XCR0,		/* u64 */
	MV_A_POLICY_MAX_LEAF,		/* u32 */
	MV_A_POLICY_SIGNATURE,		/* u32, CPUID.1:EAX */
	MV_A_POLICY_PHYS_BITS,		/* u8 */
	MV_A_POLICY_BRAND,		/* string, < 48 bytes */
	MV_A_POLICY_PAD,

	__MV_A_POLICY_MAX,
	MV_A_POLICY_MAX = __MV_A_POLICY_MAX - 1
};

enum mv_word_attr {
	MV_A_WORD_LEAF = 1,		/* u32 */
	MV_A_WORD_SUBLEAF,		/* u32 */
	MV_A_WORD_REG,			/* u32: 0 EAX, 1 EBX, 2 ECX, 3 EDX */
	MV_A_WORD_MASK,			/* u32 */

	__MV_A_WORD_MAX,
	MV_A_WORD_MAX = __MV_A_WORD_MAX - 1
};

/* A guest's attempts to use a feature its baseline hides */
enum mv_violation_attr {
	MV_A_VIOLATION_FEATURE = 1,	/* string: /proc/cpuinfo name */
	MV_A_VIOLATION_COUNT,		/* u64 */
	MV_A_VIOLATION_PAD,

	__MV_A_VIOLATION_MAX,
	MV_A_VIOLATION_MAX = __MV_A_VIOLATION_MAX - 1
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

/**
 * struct mv_guest_open - MV_IOC_GUEST_OPEN argument
 * @name: guest name, NUL-terminated
 * @flags: must be zero
 * @reserved: must be zero
 *
 * Returns a new O_CLOEXEC file descriptor for the guest; it holds a
 * reference that keeps the guest's memory alive. pwrite() at a
 * guest-physical offset loads memory (only while the guest is
 * MV_GUEST_CREATED); pread() reads it in any state.
 */
struct mv_guest_open {
	char name[MV_GUEST_NAME_MAX];
	__u32 flags;
	__u32 reserved;
};

/**
 * struct mv_guest_entry - MV_IOC_SET_ENTRY argument (on a guest fd)
 * @rip: guest-physical entry point, inside RAM
 * @reserved: must be zero
 */
struct mv_guest_entry {
	__u64 rip;
	__u64 reserved[3];
};

#define MV_IOC_GUEST_OPEN	_IOW(MV_IOC_MAGIC, 0x01, struct mv_guest_open)
#define MV_IOC_SET_ENTRY	_IOW(MV_IOC_MAGIC, 0x02, struct mv_guest_entry)

#endif /* _UAPI_LINUX_MIGVISOR_H */
