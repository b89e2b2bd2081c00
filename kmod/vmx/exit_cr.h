/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control and debug registers, XSETBV: the exits, and the rules the
 * restore path shares (migrate/state.c).
 */
#ifndef _MV_EXIT_CR_H
#define _MV_EXIT_CR_H

#include <linux/types.h>

struct mv_exit;
struct mv_policy;
struct mv_vcpu;

void mv_exit_cr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_dr(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_xsetbv(struct mv_vcpu *v, struct mv_exit *e);

bool mv_cr0_valid(u64 val);
bool mv_cr4_valid(struct mv_vcpu *v, u64 val);
bool mv_xcr0_valid(const struct mv_policy *p, u64 val);

#endif
