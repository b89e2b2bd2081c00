/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CPUID_POLICY_NL_H
#define _MV_CPUID_POLICY_NL_H

#include <linux/migvisor_nl.h>

#include "../../common/policy.h"

struct nlattr;
struct sk_buff;
struct netlink_ext_ack;

/* Parse an MV_A_*_POLICY nest; every bad piece is named in @extack. */
int mv_policy_from_nl(const struct nlattr *nest, struct mv_policy *p,
		      struct netlink_ext_ack *extack);
int mv_policy_to_nl(struct sk_buff *skb, int type, const struct mv_policy *p);
/* Bytes mv_policy_to_nl() needs at most */
size_t mv_policy_nl_size(void);

#endif /* _MV_CPUID_POLICY_NL_H */
