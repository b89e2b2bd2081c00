/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest vCPU: its VMCS, its registers, and the kernel thread that runs
 * it. One per guest for now; nothing here assumes that.
 */
#ifndef _MV_VCPU_H
#define _MV_VCPU_H

#include <linux/types.h>
#include <linux/wait.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../../common/policy.h"
#include "../cpuid/audit.h"
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

struct mutex;
struct task_struct;
struct mv_console;
struct mv_dirty;
struct mv_mem;
struct mv_vcpu;
struct mv_rec_vcpu;

/* Longest a guest runs before the host gets the CPU back, in microseconds. */
#define MV_TIME_SLICE_US	1000

/* What one VM exit was, and what to do about it. */
struct mv_exit {
	u32 reason;
	u64 qual;
	u32 intr_info;
	u32 vectoring;
	u32 vectoring_err;
	u32 insn_len;
	u64 gpa;
	u64 rip;
	/* Outcome: non-zero stops the guest with this enum mv_stop_reason. */
	u32 stop;
	u64 stop_info;
	/* Or non-zero: this CPU cannot run guests now (enum mv_pause_reason). */
	u32 pause;
	u32 pause_cpu;
};

/*
 * What the vCPU calls in the layers above it, as KVM reaches its vendor
 * code: the owner (guest.c) fills the table. The exit handlers, dirty
 * tracking and the restored state sit above the vCPU and below the guest;
 * the lifecycle callbacks are the guest's.
 */
struct mv_vcpu_ops {
	/* Handle an exit without leaving the entry window, or return false. */
	bool (*exit_fast)(struct mv_vcpu *v, struct mv_exit *e);
	/* Handle it; sets e->stop to end the guest, e->pause to park it. */
	void (*exit_handle)(struct mv_vcpu *v, struct mv_exit *e);
	/* At the end of each slice, VMCS current, interrupts off. */
	void (*slice_end)(struct mv_vcpu *v);
	/* After a slice that ran, interrupts on: may wait (auto-converge). */
	void (*slice_done)(struct mv_vcpu *v);
	/* At the first entry of a restored vCPU: the record's VMCS half. */
	void (*restore)(struct mv_vcpu *v, const struct mv_rec_vcpu *r);
	/* The guest stops for good (enum mv_stop_reason); its run returns. */
	void (*stopped)(struct mv_vcpu *v, u32 reason, u64 info, u64 rip);
	/* This CPU cannot run it now (enum mv_pause_reason): park until resumed. */
	void (*host_pause)(struct mv_vcpu *v, u32 reason, u32 cpu);
};

/*
 * Work that must run on the vCPU thread with its VMCS current (EPT
 * changes, PML, reading guest state): posted by mv_vcpu_call().
 */
struct mv_vcpu_call {
	int (*fn)(struct mv_vcpu *v, void *arg);
	void *arg;
	int ret;
	bool flush;			/* then flush this EPT on every CPU */
	bool done;
};

struct mv_vcpu {
	/* Set by the owner before mv_vcpu_create(), fixed after. */
	const struct mv_vcpu_ops *ops;
	struct mutex *lock;		/* the owner's: callers of mv_vcpu_call() hold it */
	const struct mv_policy *policy;	/* what CPUID answers */
	struct mv_mem *mem;		/* guest RAM and its EPT */
	struct mv_console *con;
	struct mv_dirty *dirty;		/* dirty tracking of @mem */
	struct task_struct *thread;	/* runs mv_vcpu_run(), from its start */
	u64 entry;			/* RIP of the first entry, unless restored */
	/* The call/pause protocol, with the owner (see mv_vcpu_call()) */
	wait_queue_head_t wq;		/* pause/resume/stop/call handshakes */
	bool pause_req;			/* asked to pause; read by the thread */
	bool paused;			/* the thread is parked */
	bool ended;			/* mv_vcpu_run() returned */
	/* Counters for the owner's reports, written by the vCPU thread */
	u64 violations[MV_F_COUNT];	/* hidden-feature uses, by feature */
	u64 xcr0_reserved_violations;	/* XSETBV with bits no feature names */
	struct mv_cpuid_audit audit;	/* CPUID queries: cpuid/audit.h */
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
	struct mv_vcpu_call *call;	/* posted, not yet taken: mv_vcpu_call() */
	struct mv_rec_vcpu *restore;	/* state for the first entry, owned */
	void *pml_orphan;		/* PML page to switch off and free */
	u64 exits[MV_EXIT_REASONS];
	/* Host state at the last load, rewritten only when it changes. */
	unsigned long host_cr3, host_cr4;
};

/* The owner has set the fields above @id. */
int mv_vcpu_create(struct mv_vcpu *v, unsigned int id);
void mv_vcpu_destroy(struct mv_vcpu *v);
/*
 * Dirty tracking stopped without the vCPU (a host pause): PML may still
 * be on in its VMCS with @page as the log. The vCPU switches it off at its
 * next slice and frees @page, or frees it when it is destroyed.
 */
void mv_vcpu_orphan_pml(struct mv_vcpu *v, void *page);
/* The vCPU thread's body; returns when the guest stops or is deleted. */
int mv_vcpu_run(struct mv_vcpu *v);
int mv_vcpu_trial(struct mv_vcpu *v, struct mv_exit *e);
/*
 * Run @fn on the vCPU thread with its VMCS current, and wait; then, with
 * @flush, flush the EPT on every CPU. *v->lock held, the thread started:
 * -ESRCH if its run ends first, -ETIMEDOUT if it does not answer.
 */
int mv_vcpu_call(struct mv_vcpu *v, int (*fn)(struct mv_vcpu *v, void *arg),
		 void *arg, bool flush);

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
