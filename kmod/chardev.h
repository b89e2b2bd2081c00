/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CHARDEV_H
#define _MV_CHARDEV_H

int mv_chardev_init(void);
void mv_chardev_uninit(void);

#endif /* _MV_CHARDEV_H */
