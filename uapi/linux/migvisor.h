/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * migvisor: the character device /dev/migvisor (mode 0600) of migvisor.ko,
 * and the limits its other interfaces share. The module's ABI is in parts:
 *
 *   linux/migvisor.h       this: ioctls (magic MV_IOC_MAGIC) and their
 *                          fixed-size structs, whose reserved fields must
 *                          be zero; names and sizes
 *   linux/migvisor_nl.h    the generic netlink family "migvisor",
 *                          generated from Documentation/netlink/specs/
 *                          migvisor.yaml, which describes it
 *   linux/migvisor_rec.h   the record stream of snapshot and restore
 *                          sessions (snapshot files, and what mvmig sends)
 *   linux/migvisor_para.h  the guest's side: hypercalls, the start-up
 *                          state and the guest-physical layout
 *
 * Whatever changes the layout or meaning of anything here bumps
 * MV_API_VERSION (and that of the netlink family, its spec's version, or
 * MV_REC_VERSION, the stream's), and updates userspace/ and selftests/ in
 * the same commit. New features are announced in mv_version.caps, so that
 * a tool can ask for one instead of comparing versions.
 */
#ifndef _UAPI_LINUX_MIGVISOR_H
#define _UAPI_LINUX_MIGVISOR_H

#include <linux/types.h>
#include <linux/ioctl.h>

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
/* CPUID (leaf, subleaf) pairs a guest's audit keeps, first asked first. */
#define MV_CPUID_AUDIT_MAX	128

#define MV_DEVICE_NAME		"migvisor"
/*
 * 3: ioctl magic 0xE9 (0xB7 is nsfs's), MV_SNAP_IOC_HANDOVER,
 * MV_IOC_RESTORE_NEW and MV_IOC_ERROR. 0xE9 is free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst.
 * 4: mv_version.caps.
 */
#define MV_API_VERSION		4
#define MV_IOC_MAGIC		0xE9

/**
 * struct mv_version - MV_IOC_GET_VERSION result
 * @api: MV_API_VERSION of the module
 * @genl: MV_GENL_VERSION of the module
 * @caps: MV_CAP_* bits of what this module does, as KVM_CHECK_EXTENSION
 *	answers: a tool asks for the feature it needs, not for a version
 * @rec: MV_REC_VERSION of the streams it writes (it reads that and older)
 * @reserved32: zero
 * @reserved: must be zero on input, zero on output
 */
struct mv_version {
	__u32 api;
	__u32 genl;
	__u64 caps;
	__u32 rec;
	__u32 reserved32;
	__u64 reserved[1];
};

#define MV_CAP_HANDOVER		(1ULL << 0)	/* MV_SNAP_IOC_HANDOVER */
#define MV_CAP_RESTORE_NEW	(1ULL << 1)	/* MV_IOC_RESTORE_NEW */
#define MV_CAP_ERROR		(1ULL << 2)	/* MV_IOC_ERROR, MV_SESS_IOC_ERROR */
#define MV_CAP_THROTTLE		(1ULL << 3)	/* MV_SNAP_IOC_THROTTLE */
#define MV_CAP_AUDIT_RECORD	(1ULL << 4)	/* MV_REC_AUDIT in streams */
#define MV_CAP_TSC_RATE		(1ULL << 5)	/* baselines fix the TSC rate */
#define MV_CAP_PML		(1ULL << 6)	/* dirty pages by PML (this host) */
#define MV_CAP_TSC_SCALING	(1ULL << 7)	/* VMX TSC scaling (this host) */

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
 * it gives a record stream (linux/migvisor_rec.h) (struct mv_rec + payload, whole records only,
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
