/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the exit handlers (exit_*.c, cpuid/exit.c) share: advancing past
 * the instruction, injecting a fault, the guest's registers, and the
 * policy test. Only the exit handlers include this.
 */
#ifndef _MV_EXIT_INT_H
#define _MV_EXIT_INT_H

#include <linux/types.h>
#include <asm/trapnr.h>

#include "vcpu.h"

#define INTR_TYPE_HW_EXC	(3 << 8)
#define INTR_TYPE_NMI		(2 << 8)
#define INTR_DELIVER_CODE	BIT(11)
#define INTR_VALID		BIT(31)

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
	return mv_policy_has(v->policy, f);
}

/* The guest used a feature its baseline hides; it gets the fault. */
static inline void mv_violation(struct mv_vcpu *v, unsigned int f)
{
	WRITE_ONCE(v->violations[f], v->violations[f] + 1);
}

#endif
