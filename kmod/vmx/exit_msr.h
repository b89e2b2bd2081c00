/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RDMSR and WRMSR: the exits, and the rules the restore path shares
 * (migrate/state.c).
 */
#ifndef _MV_EXIT_MSR_H
#define _MV_EXIT_MSR_H

#include <linux/types.h>

struct mv_exit;
struct mv_policy;
struct mv_vcpu;

void mv_exit_rdmsr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_wrmsr(struct mv_vcpu *v, struct mv_exit *e);

/* 48-bit linear addresses (FS/GS bases, LSTAR, ...) */
static inline bool mv_canonical(u64 a)
{
	return (u64)(((s64)a << 16) >> 16) == a;
}

bool mv_pat_valid(u64 val);
bool mv_mtrr_def_type_valid(u64 val);

#endif
