/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * migvisor: the record stream of snapshot and restore sessions (linux/
 * migvisor.h says how they are opened and driven). It is also the format
 * of snapshot files and what mvmig sends between hosts, so it is kept
 * little-endian and versioned on its own (MV_REC_VERSION).
 */
#ifndef _UAPI_LINUX_MIGVISOR_REC_H
#define _UAPI_LINUX_MIGVISOR_REC_H

#include <linux/types.h>
#include <linux/migvisor.h>

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
	/*
	 * 32 and up are the tools' own (mvmig's wire records): the module
	 * neither gives nor takes them.
	 */
};

/**
 * struct mv_rec - every record starts with this
 * @type: enum mv_rec_type
 * @len: payload bytes that follow (at most MV_REC_MAX_LEN)
 * @crc: CRC32C (Castagnoli, as iSCSI) of the payload followed by this
 *	header with @crc zero, so that a writer can stream the payload
 * @seq: record number, from 0 at the HEADER (records of the tools' own
 *	types carry 0 and are not counted)
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

#endif /* _UAPI_LINUX_MIGVISOR_REC_H */
