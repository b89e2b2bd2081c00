/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/migvisor.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_MIGVISOR_GEN_H
#define _LINUX_MIGVISOR_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/migvisor_nl.h>

/* Common nested types */
extern const struct nla_policy migvisor_policy_nl_policy[MV_A_POLICY_PAD + 1];
extern const struct nla_policy migvisor_word_nl_policy[MV_A_WORD_MASK + 1];

extern const struct nla_policy migvisor_host_get_nl_policy[MV_A_HOST_PAD + 1];

extern const struct nla_policy migvisor_host_set_nl_policy[MV_A_HOST_MAINTENANCE + 1];

extern const struct nla_policy migvisor_guest_new_nl_policy[MV_A_GUEST_BASELINE + 1];

extern const struct nla_policy migvisor_guest_del_nl_policy[MV_A_GUEST_NAME + 1];

extern const struct nla_policy migvisor_guest_get_nl_policy[MV_A_GUEST_NAME + 1];

extern const struct nla_policy migvisor_guest_start_nl_policy[MV_A_GUEST_NAME + 1];

extern const struct nla_policy migvisor_guest_pause_nl_policy[MV_A_GUEST_NAME + 1];

extern const struct nla_policy migvisor_guest_resume_nl_policy[MV_A_GUEST_NAME + 1];

extern const struct nla_policy migvisor_guest_console_nl_policy[MV_A_GUEST_CONSOLE_OFFSET + 1];

extern const struct nla_policy migvisor_baseline_new_nl_policy[MV_A_BASELINE_TSC_KHZ + 1];

extern const struct nla_policy migvisor_baseline_del_nl_policy[MV_A_BASELINE_NAME + 1];

extern const struct nla_policy migvisor_baseline_get_nl_policy[MV_A_BASELINE_NAME + 1];

extern const struct nla_policy migvisor_baseline_set_default_nl_policy[MV_A_BASELINE_NAME + 1];

/* Ops table for migvisor */
extern const struct genl_ops migvisor_nl_ops[13];

int migvisor_nl_host_get_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_host_set_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_new_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_del_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_get_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int migvisor_nl_guest_start_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_pause_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_resume_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_guest_console_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_baseline_new_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_baseline_del_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_baseline_get_doit(struct sk_buff *skb, struct genl_info *info);
int migvisor_nl_baseline_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb);
int migvisor_nl_baseline_set_default_doit(struct sk_buff *skb,
					  struct genl_info *info);

enum {
	MIGVISOR_NLGRP_EVENTS,
};

#endif /* _LINUX_MIGVISOR_GEN_H */
