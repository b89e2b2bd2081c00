/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_NETLINK_H
#define _MV_NETLINK_H

#include <linux/types.h>
#include <net/genetlink.h>

#include <linux/migvisor.h>

struct mv_guest;

int mv_genl_init(void);
/* Multicast a guest event to MV_MCGRP_EVENTS listeners; may sleep. */
void mv_nl_event(struct mv_guest *g, u32 event);
void mv_genl_uninit(void);

/* For the command files (nl_*.c) */
struct genl_family *mv_nl_family(void);
bool mv_nl_version_ok(struct genl_info *info);
bool mv_nl_name_ok(const char *n);
__printf(2, 3)
void mv_nl_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...);

extern const struct nla_policy mv_baseline_new_policy[MV_A_MAX + 1];
extern const struct nla_policy mv_baseline_name_policy[MV_A_MAX + 1];
int mv_nl_baseline_new(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_del(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_get(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mv_nl_baseline_set_default(struct sk_buff *skb, struct genl_info *info);

#endif /* _MV_NETLINK_H */
