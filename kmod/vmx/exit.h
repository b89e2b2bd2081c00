/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_EXIT_H
#define _MV_EXIT_H

#include <linux/types.h>

struct mv_vcpu;

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

/* Read the exit information of the current VMCS (interrupts off). */
void mv_exit_read(struct mv_vcpu *v, struct mv_exit *e);
/* Handle it; sets e->stop to end the guest. */
void mv_exit_handle(struct mv_vcpu *v, struct mv_exit *e);
/* Handle it if it can be without leaving the entry window; false if not. */
bool mv_exit_fast(struct mv_vcpu *v, struct mv_exit *e);

/* Guest state rules, shared with the restore path (migrate/state.c). */
static inline bool mv_canonical(u64 a)
{
	return (u64)(((s64)a << 16) >> 16) == a;	/* 48-bit linear addresses */
}

struct mv_policy;
bool mv_cr0_valid(u64 val);
bool mv_cr4_valid(struct mv_vcpu *v, u64 val);
bool mv_xcr0_valid(const struct mv_policy *p, u64 val);
bool mv_pat_valid(u64 val);
bool mv_mtrr_def_type_valid(u64 val);

#endif
