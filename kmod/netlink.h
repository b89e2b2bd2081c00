/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_NETLINK_H
#define _MV_NETLINK_H

#include <linux/types.h>

struct mv_guest;

int mv_genl_init(void);
/* Multicast a guest event to MV_MCGRP_EVENTS listeners; may sleep. */
void mv_nl_event(struct mv_guest *g, u32 event);
void mv_genl_uninit(void);

#endif /* _MV_NETLINK_H */
