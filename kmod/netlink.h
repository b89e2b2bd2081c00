/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_NETLINK_H
#define _MV_NETLINK_H

#include <linux/types.h>
#include <net/genetlink.h>

#include <linux/migvisor.h>

struct mv_guest;

int mv_genl_init(void);
void mv_genl_uninit(void);

/* For the command files (nl_*.c) */
struct genl_family *mv_nl_family(void);
bool mv_nl_version_ok(struct genl_info *info);

/*
 * A required attribute. When it is missing, the ack carries its number
 * (NLMSGERR_ATTR_MISS_TYPE) and a message that names it, so that a tool
 * without the attribute table can still say what was wrong.
 */
#define MV_NL_REQUIRE(info, attr)					\
	({								\
		bool __miss = GENL_REQ_ATTR_CHECK(info, attr);		\
		if (__miss)						\
			NL_SET_ERR_MSG((info)->extack,			\
				       "missing attribute " #attr);	\
		__miss;							\
	})

extern const struct nla_policy mv_baseline_new_policy[MV_A_MAX + 1];
extern const struct nla_policy mv_baseline_name_policy[MV_A_MAX + 1];
int mv_nl_baseline_new(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_del(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_get(struct sk_buff *skb, struct genl_info *info);
int mv_nl_baseline_dump(struct sk_buff *skb, struct netlink_callback *cb);
int mv_nl_baseline_set_default(struct sk_buff *skb, struct genl_info *info);

#endif /* _MV_NETLINK_H */
