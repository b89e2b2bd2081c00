/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_NETLINK_H
#define _MV_NETLINK_H

#include <linux/types.h>
#include <net/genetlink.h>

#include <linux/migvisor_nl.h>

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

void mv_nl_multicast(u8 cmd, int (*fill)(struct sk_buff *msg, const void *arg),
		     const void *arg);

/* nl_guest.c's, for the family's registration */
extern struct notifier_block mv_nl_guest_events;
int mv_nl_guest_dump_start(struct netlink_callback *cb);

#endif /* _MV_NETLINK_H */
