/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_NETLINK_H
#define _MV_NETLINK_H

int mv_genl_init(void);
void mv_genl_uninit(void);

#endif /* _MV_NETLINK_H */
