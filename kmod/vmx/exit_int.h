/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the exit handlers (exit*.c) share: advancing past the instruction,
 * injecting a fault, the guest's registers, and the policy test. Only the
 * exit handlers include this; the rest of the module sees exit.h.
 */
#ifndef _MV_EXIT_INT_H
#define _MV_EXIT_INT_H

#include <linux/types.h>
#include <asm/trapnr.h>

#include "../guest.h"
#include "exit.h"
#include "vcpu.h"

void mv_exit_skip(struct mv_exit *e);
void mv_inject(unsigned int vector, bool has_code, u32 code);
u64 mv_get_gpr(struct mv_vcpu *v, unsigned int n);
void mv_set_gpr(struct mv_vcpu *v, unsigned int n, u64 val);

static inline void mv_inject_gp(void)
{
	mv_inject(X86_TRAP_GP, true, 0);
}

static inline void mv_inject_ud(void)
{
	mv_inject(X86_TRAP_UD, false, 0);
}

static inline bool mv_shown(struct mv_vcpu *v, unsigned int f)
{
	return mv_policy_has(&v->guest->policy, f);
}

/* The guest used a feature its baseline hides; it gets the fault. */
static inline void mv_violation(struct mv_vcpu *v, unsigned int f)
{
	WRITE_ONCE(v->guest->violations[f], v->guest->violations[f] + 1);
}

/* The handlers, one file per kind of exit */
void mv_exit_vmcall(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_io(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_rdmsr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_wrmsr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_cr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_dr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_xsetbv(struct mv_vcpu *v, struct mv_exit *e);

#endif
