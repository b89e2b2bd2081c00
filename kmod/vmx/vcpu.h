/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest vCPU: its VMCS, its registers, and the kernel thread that runs
 * it. One per guest for now; nothing here assumes that.
 */
#ifndef _MV_VCPU_H
#define _MV_VCPU_H

#include <linux/types.h>

#include <linux/migvisor.h>

#include "vmx.h"

/* Keep in sync with the offsets at the top of vmenter.S. */
struct mv_vcpu_regs {
	u64 rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* MSRs the guest may own, swapped around each entry (never leaked). */
enum mv_guest_msr {
	MV_GMSR_STAR,
	MV_GMSR_LSTAR,
	MV_GMSR_CSTAR,
	MV_GMSR_SFMASK,
	MV_GMSR_KERNEL_GS_BASE,
	MV_GMSR_COUNT
};

#define MV_EXIT_REASONS		80

/* Architectural fixed bits of DR6 and DR7 (SDM 18.2.3, 18.2.4). */
/* IA32_PAT after RESET: WB, WT, UC-, UC, twice (SDM Vol. 3A, 13.12.4) */
#define MV_PAT_RESET		0x0007040600070406ull

#define MV_DR6_FIXED		0xffff0ff0ull
#define MV_DR7_FIXED		0x400ull

struct mv_guest;
struct mv_vcpu;
struct mv_rec_vcpu;

/*
 * Work that must run on the vCPU thread with its VMCS current (EPT
 * changes, PML, reading guest state): posted by mv_guest_call().
 */
struct mv_vcpu_call {
	int (*fn)(struct mv_vcpu *v, void *arg);
	void *arg;
	int ret;
	bool flush;			/* then flush this EPT on every CPU */
	bool done;
};

struct mv_vcpu {
	struct mv_guest *guest;
	unsigned int id;
	struct mv_loaded_vmcs lv;
	struct mv_vcpu_regs regs;
	u64 msr[MV_GMSR_COUNT];
	u64 xcr0;			/* the guest's XCR0 */
	u64 tsc_aux;			/* IA32_TSC_AUX, with RDTSCP/RDPID */
	u64 cr8;
	u64 pat;			/* IA32_PAT, with pat shown */
	u64 mtrr_def_type;		/* IA32_MTRR_DEF_TYPE, with mtrr */
	u64 cr2;			/* live only while the guest runs */
	u64 tsc_offset;			/* guest TSC = scaled host TSC + this */
	u64 tsc_mult;			/* TSC_MULTIPLIER, 0: not scaled */
	u64 tsc_base_ns;		/* restore: ktime of the captured TSC */
	u32 tsc_khz;			/* the guest's rate (its baseline's) */
	/* Auto-converge, vCPU thread: the limit's window, and time given up */
	u64 limit_set, limit_t0, limit_n0;
	u64 throttled_ns;		/* read by the snapshot session */
	u64 dr[8];			/* virtual DR0-3, DR6, DR7 */
	void *fpu;			/* FXSAVE/XSAVE image, 64-byte aligned */
	bool xsave;			/* policy has XSAVE: XSAVE image */
	bool tsc_aux_owned;		/* RDTSCP enabled: swap TSC_AUX */
	bool xss_owned;			/* XSAVES enabled: IA32_XSS is 0 */
	u16 vpid;
	u32 slice;			/* preemption-timer value per entry */
	int last_cpu;
	struct mv_vcpu_call *call;	/* posted, not yet taken */
	struct mv_rec_vcpu *restore;	/* state for the first entry, owned */
	void *pml_orphan;		/* PML page to switch off and free */
	u64 exits[MV_EXIT_REASONS];
	/* Host state at the last load, rewritten only when it changes. */
	unsigned long host_cr3, host_cr4;
};

int mv_vcpu_create(struct mv_vcpu *v, struct mv_guest *g, unsigned int id);
void mv_vcpu_destroy(struct mv_vcpu *v);
/*
 * Dirty tracking stopped without the vCPU (a host pause): PML may still
 * be on in its VMCS with @page as the log. The vCPU switches it off at its
 * next slice and frees @page, or frees it when it is destroyed.
 */
void mv_vcpu_orphan_pml(struct mv_vcpu *v, void *page);
/* The vCPU thread's body; returns when the guest stops or is deleted. */
int mv_vcpu_run(struct mv_vcpu *v);
struct mv_exit;
int mv_vcpu_trial(struct mv_vcpu *v, struct mv_exit *e);

/*
 * CR0/CR4 of the current VMCS: the guest's value in the read shadow, and
 * what VMX needs (its fixed bits) in the guest field. Every bit is host-owned.
 */
void mv_vmcs_set_cr0(u64 cr0);
void mv_vmcs_set_cr4(u64 cr4);

/* vmenter.S */
int __mv_vmx_vcpu_run(struct mv_vcpu_regs *regs, bool launched);
void mv_vmx_vmexit(void);

int mv_vpid_init(void);
void mv_vpid_uninit(void);

#endif /* _MV_VCPU_H */
