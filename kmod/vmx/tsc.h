/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's TSC runs at its baseline's rate on every host: by the VMCS
 * TSC multiplier where VMX can scale, else only on a host whose own rate
 * is close enough that no program can tell.
 */
#ifndef MV_VMX_TSC_H
#define MV_VMX_TSC_H

#include <linux/types.h>

struct mv_vcpu;

/* Whether this host's VMX can scale a guest's TSC (SDM Vol. 3C, 25.3). */
bool mv_tsc_can_scale(void);
/*
 * Give @v a TSC of @khz, or -EOPNOTSUPP with both rates in @why when this
 * host can neither scale nor run within MV_TSC_TOLERANCE_PPM of it. Only
 * before the vCPU's first entry.
 */
#define MV_TSC_WHY_LEN	160
int mv_tsc_rate_set(struct mv_vcpu *v, u32 khz, char why[MV_TSC_WHY_LEN]);
/* The same test, for a guest not yet made; @mult: its TSC_MULTIPLIER */
int mv_tsc_admit(u32 khz, u64 *mult, char why[MV_TSC_WHY_LEN]);
/* @host_tsc at the guest's rate, before TSC_OFFSET */
u64 mv_tsc_scaled(const struct mv_vcpu *v, u64 host_tsc);
/* The guest's TSC when the host's reads @host_tsc. */
u64 mv_tsc_guest(const struct mv_vcpu *v, u64 host_tsc);
/* Guest TSC ticks in @ns nanoseconds of this host's time. */
u64 mv_tsc_ticks(const struct mv_vcpu *v, u64 ns);

#endif
