/* SPDX-License-Identifier: GPL-2.0 */
/* A guest's debug console: a ring of the last MV_CONSOLE_SIZE bytes. */
#ifndef _MV_CONSOLE_H
#define _MV_CONSOLE_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct mv_console {
	spinlock_t lock;
	u8 *buf;
	u64 total;		/* bytes ever written; the ring holds the tail */
};

int mv_console_init(struct mv_console *c);
void mv_console_free(struct mv_console *c);
void mv_console_write(struct mv_console *c, const u8 *p, size_t n);
/* Count @n bytes written whose data the ring would not keep anyway. */
void mv_console_skip(struct mv_console *c, u64 n);
/*
 * Copy bytes from offset *@off (clamped to what the ring still holds) into
 * @dst, at most @len; returns the count and sets *@off to where they start.
 */
size_t mv_console_read(struct mv_console *c, u64 *off, u8 *dst, size_t len);
u64 mv_console_total(struct mv_console *c);

#endif
