/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CPUID_OFFER_H
#define _MV_CPUID_OFFER_H

#include "../../common/policy.h"

/* The richest policy this host can give a guest (fixed after load). */
extern struct mv_policy mv_host_offer __ro_after_init;

void mv_offer_init(void);

#endif /* _MV_CPUID_OFFER_H */
