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
 *      BASELINE_NEW  NAME, POLICY, [MODEL], [REPLACE], [TSC_KHZ]
 *      BASELINE_DEL  NAME
 *      BASELINE_GET  [NAME]                    one, or dump all
 *      BASELINE_SET_DEFAULT [NAME]             none: clear the default
 *    A baseline some guest uses cannot be replaced or deleted (-EBUSY);
 *    a guest cannot be created with one this host cannot satisfy
 *    (-EOPNOTSUPP). Both name the reason in the extack message.
 *    A baseline's TSC_KHZ (default: this host's rate) is the rate its
 *    guests' TSC runs at, on every host: by the VMCS TSC multiplier where
 *    VMX has TSC scaling, else only on hosts within MV_TSC_TOLERANCE_PPM
 *    of it (a guest or restore elsewhere is refused, -EOPNOTSUPP). HOST_GET
 *    gives HOST_TSC_KHZ and HOST_TSC_SCALING, GUEST_GET GUEST_TSC_KHZ and
 *    GUEST_TSC_SCALED.
 *
 *    Events go to the multicast group MV_MCGRP_EVENTS as MV_CMD_GUEST_EVENT
 *    with NAME, EVENT and, for stops, STOP_REASON and STOP_INFO, and as
 *    MV_CMD_HOST_EVENT with HOST_MAINTENANCE when maintenance mode changes.
 *
 *    MV_CMD_HOST_SET (do, CAP_NET_ADMIN): HOST_MAINTENANCE 1 puts the host
 *    in maintenance mode: GUEST_NEW and MV_IOC_RESTORE_NEW are refused
 *    (-EBUSY, with the reason in the extack message), and the guests it
 *    has keep running until they are moved or deleted. A guest admitted
 *    before the switch (a restore already under way) is not affected.
 *    HOST_MAINTENANCE 0 ends it. HOST_GET reports it.
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
 *      MV_A_HOST_VMX_ROOT                  multi-attr nest (mv_vmxroot_a),
 *                                          one per online CPU: how guests
 *                                          get VMX root there, and why
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
	MV_CMD_HOST_SET,
	MV_CMD_HOST_EVENT,		/* notification only */

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
	MV_A_HOST_VMX_ROOT,		/* nest (multi-attr): mv_vmxroot_attr */
	MV_A_GUEST_PAUSE_REASON,	/* u32, enum mv_pause_reason */
	MV_A_GUEST_PAUSE_CPU,		/* u32, CPU a host pause is about */
	MV_A_HOST_MAINTENANCE,		/* u8, 0 or 1: no new guests */
	MV_A_BASELINE_TSC_KHZ,		/* u32, the guests' TSC rate, kHz */
	MV_A_GUEST_TSC_KHZ,		/* u32, this guest's TSC rate, kHz */
	MV_A_GUEST_TSC_SCALED,		/* u8: 1 if by the VMCS multiplier */
	MV_A_HOST_TSC_KHZ,		/* u32, this host's TSC rate, kHz */
	MV_A_HOST_TSC_SCALING,		/* u8: 1 if VMX can scale the TSC */
	MV_A_GUEST_CPUID_QUERY,		/* nest (multi-attr): mv_query_attr */
	MV_A_GUEST_CPUID_UNRECORDED,	/* u64: queries beyond the audit table */

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
/* TSC rates a baseline may name, kHz, and the unscaled tolerance */
#define MV_TSC_KHZ_MIN		1000
#define MV_TSC_KHZ_MAX		20000000
#define MV_TSC_TOLERANCE_PPM	250
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

/*
 * Why a guest is paused (MV_A_GUEST_PAUSE_REASON, with state PAUSED and
 * in its PAUSED event). The host pauses a guest whose CPU cannot run it
 * now; MV_A_GUEST_PAUSE_CPU names the CPU, and a resume tries again.
 */
enum mv_pause_reason {
	MV_PAUSE_NONE = 0,
	MV_PAUSE_USER,			/* GUEST_PAUSE, or a migration */
	/* VMX was turned off, and this kernel lets only KVM turn it on */
	MV_PAUSE_VMX_OFF,
	/* another hypervisor holds VMX, and this kernel cannot share it */
	MV_PAUSE_VMX_FOREIGN,
	/* VMXON or VMPTRLD failed on that CPU (the kernel log says how) */
	MV_PAUSE_VMX_FAILED,
};

/* How migvisor's guests get VMX root on one CPU (MV_A_VMXROOT_MODE). */
enum mv_vmx_mode {
	MV_VMX_MODE_OFF = 1,		/* off; migvisor turns it on for guests */
	MV_VMX_MODE_KVM_ONLY,		/* off; only KVM may turn it on here */
	MV_VMX_MODE_OWNED,		/* migvisor's own VMXON */
	MV_VMX_MODE_SHARED,		/* another owner's; guests run inside */
	/* another owner's, and this kernel cannot share it (before 6.12) */
	MV_VMX_MODE_FOREIGN,
};

enum mv_vmxroot_attr {
	MV_A_VMXROOT_CPU = 1,		/* u32 */
	MV_A_VMXROOT_MODE,		/* u32, enum mv_vmx_mode */
	/* string: "migvisor", "kvm_intel", "unknown", or "" when off */
	MV_A_VMXROOT_OWNER,
	MV_A_VMXROOT_WHY,		/* string */

	__MV_A_VMXROOT_MAX,
	MV_A_VMXROOT_MAX = __MV_A_VMXROOT_MAX - 1
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
	MV_HC_CLOCK_NS = 4,		/* -> this host's CLOCK_MONOTONIC, ns */
	MV_HC_REALTIME_NS = 5,		/* -> this host's CLOCK_REALTIME, ns */
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

/*
 * The CPUID audit: each (leaf, subleaf) a guest asked for, with how often,
 * over its whole life (a migrated guest brings its audit along). The
 * subleaf is the guest's ECX for a leaf that has subleaves (common/
 * policy.c: mv_cpuid_leaf_indexed()), else 0. At most MV_CPUID_AUDIT_MAX
 * pairs are kept, first asked first; MV_A_GUEST_CPUID_UNRECORDED counts
 * the queries of pairs that found the table full.
 */
#define MV_CPUID_AUDIT_MAX	128

enum mv_query_attr {
	MV_A_QUERY_LEAF = 1,		/* u32: the guest's EAX */
	MV_A_QUERY_SUBLEAF,		/* u32 */
	MV_A_QUERY_COUNT,		/* u64 */
	MV_A_QUERY_PAD,

	__MV_A_QUERY_MAX,
	MV_A_QUERY_MAX = __MV_A_QUERY_MAX - 1
};

/* --- character device --- */

#define MV_DEVICE_NAME		"migvisor"
/*
 * 3: ioctl magic 0xE9 (0xB7 is nsfs's), MV_SNAP_IOC_HANDOVER,
 * MV_IOC_RESTORE_NEW and MV_IOC_ERROR. 0xE9 is free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#define MV_API_VERSION		3
#define MV_IOC_MAGIC		0xE9

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

/*
 * --- snapshot and restore sessions ---
 *
 * MV_IOC_SNAPSHOT on a guest fd returns a snapshot session fd; read() on
 * it gives a record stream (struct mv_rec + payload, whole records only,
 * in a buffer of at least MV_REC_MIN_READ bytes):
 *   HEADER, BASELINE, CONFIG           at once;
 *   PAGES...                           after each MV_SNAP_IOC_ROUND: the
 *                                      pages dirtied since the last round
 *                                      (all of them in the first), then
 *                                      read() returns 0;
 *   PAGES..., VCPU, END                after MV_SNAP_IOC_FINISH, which
 *                                      pauses the guest.
 * The first round turns dirty tracking on; closing the session turns it
 * off. Closing a session that paused the guest resumes it, unless the END
 * record was handed over (MV_SNAP_IOC_HANDOVER, which the caller makes
 * just before it passes END on: the outcome is then in doubt, and the
 * guest stays paused until MV_SNAP_IOC_ABORT resumes it or the caller
 * deletes it) or MV_SNAP_IOC_COMMIT was called. Reading END alone is not
 * a hand-over: a caller that dies with END unsent leaves a running source. The source guest's memory and state are
 * never changed by a session.
 *
 * MV_IOC_RESTORE on the fd of a guest that was created and never loaded or
 * started returns a restore session fd; write() takes the same records, in
 * any chunking. Each record is checked in full (type, length, sequence,
 * CRC, ranges, and for VCPU the VMX guest-state rules) before any of it is
 * applied; a bad one fails the write and the session, and
 * MV_SESS_IOC_ERROR then gives the reason in words. MV_SNAP_IOC_COMMIT
 * after END makes the guest startable from the restored state; closing an
 * uncommitted restore session deletes the guest.
 */
#define MV_REC_MAGIC		0x315253495647494dULL	/* "MIGVISR1", little-endian */
#define MV_REC_VERSION		1
#define MV_REC_MIN_READ		(64 * 1024)
#define MV_REC_MAX_PAGES	256		/* pages in one PAGES record */
#define MV_REC_MAX_LEN		(8 + MV_REC_MAX_PAGES * (8 + 4096))

enum mv_rec_type {
	MV_REC_HEADER = 1,		/* struct mv_rec_header */
	MV_REC_BASELINE,		/* struct mv_rec_baseline + words */
	MV_REC_CONFIG,			/* struct mv_rec_config */
	MV_REC_PAGES,			/* struct mv_rec_pages + pages */
	MV_REC_VCPU,			/* struct mv_rec_vcpu + XSAVE area */
	MV_REC_END,			/* struct mv_rec_end */
	MV_REC_AUDIT,			/* struct mv_rec_audit + entries */
	/* Wire-only (mvmig), never given to or by the module: */
	MV_REC_HELLO = 32,		/* text: the sender's host and tool */
	MV_REC_ACCEPT,			/* text: the receiver's host */
	MV_REC_REFUSE,			/* text: why not; nothing was created */
	MV_REC_ROUND,			/* struct mv_rec_round */
	MV_REC_ACK,			/* empty: applied, the target is committed */
	MV_REC_ABORT,			/* text: why the transfer stopped */
};

/**
 * struct mv_rec - every record starts with this
 * @type: enum mv_rec_type
 * @len: payload bytes that follow (at most MV_REC_MAX_LEN)
 * @crc: CRC32C (Castagnoli, as iSCSI) of the payload followed by this
 *	header with @crc zero, so that a writer can stream the payload
 * @seq: record number, from 0 at the HEADER; wire-only records carry 0
 *	and are not counted
 */
struct mv_rec {
	__u32 type;
	__u32 len;
	__u32 crc;
	__u32 seq;
};

/**
 * struct mv_rec_header - MV_REC_HEADER
 * @magic: MV_REC_MAGIC
 * @version: MV_REC_VERSION
 * @page_size: 4096
 * @reserved: zero
 */
struct mv_rec_header {
	__u64 magic;
	__u32 version;
	__u32 page_size;
	__u64 reserved[2];
};

/* One CPUID feature register of a policy, as in MV_A_POLICY_WORD. */
struct mv_rec_word {
	__u32 leaf;
	__u32 subleaf;
	__u32 reg;
	__u32 mask;
};

/**
 * struct mv_rec_baseline - MV_REC_BASELINE: what CPUID told the guest
 * @hash: MV_A_BASELINE_HASH of the canonical policy below
 * @xcr0: XCR0 bits the guest may set
 * @name: baseline name ("" for a guest on its host's offer, which no
 *	other host is assumed to satisfy)
 * @brand: CPUID brand string
 * @max_leaf, @max_ext_leaf, @signature, @phys_bits, @virt_bits: as in
 *	the policy
 * @nwords: number of struct mv_rec_word that follow
 */
struct mv_rec_baseline {
	__u64 hash;
	__u64 xcr0;
	char name[MV_BASELINE_NAME_MAX];
	char brand[48];
	__u32 max_leaf;
	__u32 max_ext_leaf;
	__u32 signature;
	__u8 phys_bits;
	__u8 virt_bits;
	__u16 nwords;
};

/**
 * struct mv_rec_config - MV_REC_CONFIG
 * @name: the guest's name on the source
 * @memory: guest RAM, bytes
 * @vcpus: 1
 * @tsc_khz: the guest's TSC rate, kHz, fixed by its baseline when it was
 *	created; it keeps it on every host (0 from writers that predate the
 *	field: the VCPU record's @tsc_khz then)
 * @reserved: zero
 */
struct mv_rec_config {
	char name[MV_GUEST_NAME_MAX];
	__u64 memory;
	__u32 vcpus;
	__u32 tsc_khz;
	__u32 reserved[4];
};

/*
 * MV_REC_PAGES: struct mv_rec_pages, then @count pages, each a __u64
 * (guest-physical address | MV_PAGE_* flags) followed by 4096 bytes of
 * data unless MV_PAGE_ZERO is set. Addresses are page-aligned and inside
 * guest RAM. A page the stream never names is zero: a restore target's RAM
 * starts zeroed, and the first round leaves zero pages out. ZERO entries
 * come in later rounds, for pages that became zero.
 */
#define MV_PAGE_ZERO		0x1	/* all bytes zero; no data follows */
#define MV_PAGE_FLAGS		0xfffULL

struct mv_rec_pages {
	__u32 count;			/* 1..MV_REC_MAX_PAGES */
	__u32 reserved;
};

/* A segment register as VMX keeps it (SDM Vol. 3C, 24.4.1). */
struct mv_rec_seg {
	__u64 base;
	__u32 limit;
	__u32 ar;			/* access rights; bit 16: unusable */
	__u16 selector;
	__u16 reserved[3];
};

enum mv_rec_seg_index {
	MV_SEG_ES, MV_SEG_CS, MV_SEG_SS, MV_SEG_DS, MV_SEG_FS, MV_SEG_GS,
	MV_SEG_LDTR, MV_SEG_TR, MV_SEG_COUNT
};

/**
 * struct mv_rec_vcpu - MV_REC_VCPU: one vCPU, then @xsave_size bytes of
 * its x87/SSE/extended state in the standard (non-compacted) XSAVE
 * format: 512 bytes of FXSAVE image for a baseline without xsave, else
 * the size the baseline's XCR0 gives.
 * @gpr: RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15
 * @tsc: the guest's TSC when it was captured
 * @tsc_khz: the guest's TSC rate (as CONFIG's)
 * @captured_ns: source CLOCK_REALTIME at capture, for the record only:
 *	two hosts' clocks need not agree, so the reader advances the
 *	guest's TSC by END's @age_ns plus its own time from END to start
 * @msr_*: guest MSRs; @cr0/@cr4 are what the guest wrote (its view)
 */
struct mv_rec_vcpu {
	__u32 id;
	__u32 xsave_size;
	__u64 gpr[16];
	__u64 rip;
	__u64 rflags;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 xcr0;
	__u64 dr[4];
	__u64 dr6, dr7;
	struct mv_rec_seg seg[MV_SEG_COUNT];
	__u64 gdtr_base, idtr_base;
	__u32 gdtr_limit, idtr_limit;
	__u64 tsc;
	__u64 tsc_khz;
	__u64 captured_ns;
	__u64 msr_star, msr_lstar, msr_cstar, msr_sfmask, msr_kernel_gs_base;
	__u64 msr_sysenter_cs, msr_sysenter_esp, msr_sysenter_eip;
	__u64 msr_tsc_aux;
	__u32 interruptibility;		/* VMX guest interruptibility state */
	__u32 activity;			/* 0 active, 1 HLT */
	__u64 pending_dbg;
	__u64 msr_pat;			/* with MV_VCPU_PAT */
	__u64 msr_mtrr_def_type;	/* with MV_VCPU_MTRR */
	__u32 flags;			/* MV_VCPU_*: which fields are set */
	__u32 reserved32;
	__u64 reserved[1];
};

/*
 * mv_rec_vcpu.flags: fields a writer may leave out. A stream from a
 * writer that predates a field leaves its flag clear and the field zero;
 * the reader then takes the value after RESET.
 */
#define MV_VCPU_PAT		0x1
#define MV_VCPU_MTRR		0x2
#define MV_VCPU_FLAGS		(MV_VCPU_PAT | MV_VCPU_MTRR)

/**
 * struct mv_rec_end - MV_REC_END
 * @records: records before this one (its own seq)
 * @pages: pages sent in all PAGES records, repeats included
 * @age_ns: source time from the vCPU's capture to this record, ns (the
 *	guest is paused throughout); readers take MV_REC_MAX_AGE_NS of it
 *	at most
 * @reserved: zero
 */
struct mv_rec_end {
	__u64 records;
	__u64 pages;
	__u64 age_ns;
	__u64 reserved;
};

#define MV_REC_MAX_AGE_NS	(3600ULL * 1000000000ULL)

/**
 * struct mv_rec_audit - MV_REC_AUDIT: the guest's CPUID audit (at most
 *	once, after VCPU and before END; a writer that predates it sends
 *	none, and the guest's audit then starts empty on the reader)
 * @queries: struct mv_rec_audit_query that follow, at most
 *	MV_CPUID_AUDIT_MAX, each pair once
 * @features: struct mv_rec_audit_feature that follow those, each a
 *	feature the reader knows, once
 * @unrecorded: as MV_A_GUEST_CPUID_UNRECORDED
 * @xcr0_reserved: XSETBV attempts with bits that name no feature
 * @reserved: zero
 */
struct mv_rec_audit {
	__u32 queries;
	__u32 features;
	__u64 unrecorded;
	__u64 xcr0_reserved;
	__u64 reserved;
};

/* A (leaf, subleaf) the guest asked CPUID for, and how often (not 0). */
struct mv_rec_audit_query {
	__u32 leaf;
	__u32 subleaf;
	__u64 count;
};

/* Uses of a feature the baseline hides (MV_A_GUEST_VIOLATION), not 0. */
struct mv_rec_audit_feature {
	__u32 leaf;
	__u32 subleaf;
	__u32 reg;			/* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
	__u32 bit;
	__u64 count;
};

/* MV_REC_ROUND (wire-only): a pre-copy round, or the final one, begins. */
#define MV_ROUND_FINAL		0x1

struct mv_rec_round {
	__u32 round;			/* from 0 */
	__u32 flags;			/* MV_ROUND_* */
	__u64 pages;			/* pages in this round */
};

/**
 * struct mv_snap_round - MV_SNAP_IOC_ROUND / MV_SNAP_IOC_FINISH result
 * @round: number of the round just started, from 0
 * @pages: pages it will send (dirty since the last round, plus any not
 *	yet sent); in the first round, all of RAM, of which the zero pages
 *	are then left out of the stream
 * @dirty_total: guest pages dirtied since tracking began, repeats counted
 * @flags: MV_SNAP_* of the session
 * @throttled_ns: time the vCPU has given up to MV_SNAP_IOC_THROTTLE's
 *	limits on this host, in all (a caller takes the difference)
 * @reserved: zero
 */
struct mv_snap_round {
	__u32 round;
	__u32 flags;
	__u64 pages;
	__u64 dirty_total;
	__u64 throttled_ns;
	__u64 reserved[2];
};

/**
 * struct mv_snap_throttle - MV_SNAP_IOC_THROTTLE argument and result
 * @flags: MV_THROTTLE_SET: set @dirty_limit; without it, only read
 * @reserved: must be zero
 * @dirty_limit: pages per second the guest may newly dirty, 0: no limit,
 *	until the session ends or sets another; the limit in force on return
 * @dirty_total: on return, pages dirtied since tracking began (as
 *	mv_snap_round's, but up to date within the CPU's log of 512)
 * @throttled_ns: on return, time the vCPU has given up to limits on this
 *	host, in all (a caller takes the difference)
 *
 * Auto-converge: a guest that dirties pages faster than the link carries
 * them is held back, its vCPU giving up time whenever it has dirtied more
 * than the limit allows since the limit was set. Reading lets the caller
 * measure the dirty rate while a round is sent, not only at its end.
 */
struct mv_snap_throttle {
	__u32 flags;
	__u32 reserved;
	__u64 dirty_limit;
	__u64 dirty_total;
	__u64 throttled_ns;
};

#define MV_THROTTLE_SET		0x1

#define MV_SNAP_PML		0x1	/* dirty pages come from PML */
#define MV_SNAP_WP		0x2	/* from EPT write protection */
#define MV_SNAP_PAUSED		0x4	/* the session paused the guest */

/* MV_SESS_IOC_ERROR: why the last call of the session failed */
struct mv_sess_error {
	__s32 err;			/* negative errno, 0: none */
	__u32 reserved;
	char msg[248];
};

/**
 * struct mv_restore_new - MV_IOC_RESTORE_NEW argument (on /dev/migvisor)
 * @name: the new guest's name, NUL-terminated
 * @baseline: its baseline's name, NUL-terminated; "" for the default
 * @memory: guest RAM in bytes, as MV_A_GUEST_MEMORY
 * @flags: must be zero
 * @reserved: must be zero
 *
 * Creates the guest and a restore session on it in one step and returns
 * the session fd: the guest never exists outside the session, so if the
 * caller dies before the commit, closing the fd deletes it.
 */
struct mv_restore_new {
	char name[MV_GUEST_NAME_MAX];
	char baseline[MV_BASELINE_NAME_MAX];
	__u64 memory;
	__u32 flags;
	__u32 reserved;
};

#define MV_IOC_SNAPSHOT		_IO(MV_IOC_MAGIC, 0x03)	/* on a guest fd */
#define MV_IOC_RESTORE		_IO(MV_IOC_MAGIC, 0x04)	/* on a guest fd */
#define MV_IOC_RESTORE_NEW	_IOW(MV_IOC_MAGIC, 0x05, struct mv_restore_new)
/*
 * On /dev/migvisor and on guest fds: why the last failed ioctl, write or
 * open on this fd failed, in words (err 0 and "" if none has).
 */
#define MV_IOC_ERROR		_IOR(MV_IOC_MAGIC, 0x06, struct mv_sess_error)
#define MV_SNAP_IOC_ROUND	_IOR(MV_IOC_MAGIC, 0x10, struct mv_snap_round)
#define MV_SNAP_IOC_FINISH	_IOR(MV_IOC_MAGIC, 0x11, struct mv_snap_round)
#define MV_SNAP_IOC_COMMIT	_IO(MV_IOC_MAGIC, 0x12)
#define MV_SNAP_IOC_ABORT	_IO(MV_IOC_MAGIC, 0x13)
#define MV_SESS_IOC_ERROR	_IOR(MV_IOC_MAGIC, 0x14, struct mv_sess_error)
/* Before END is written on: from here closing the session keeps it paused. */
#define MV_SNAP_IOC_HANDOVER	_IO(MV_IOC_MAGIC, 0x15)
#define MV_SNAP_IOC_THROTTLE	_IOWR(MV_IOC_MAGIC, 0x16, struct mv_snap_throttle)

#endif /* _UAPI_LINUX_MIGVISOR_H */
