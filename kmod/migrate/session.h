/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot and restore sessions: files whose lifetime holds a guest
 * reference (see uapi MV_IOC_SNAPSHOT / MV_IOC_RESTORE).
 *
 * Lock order: a session's own lock, then guest->lock.
 */
#ifndef _MV_SESSION_H
#define _MV_SESSION_H

#include <linux/migvisor.h>

struct mv_guest;

/* A new session fd on @g (the session takes its own reference). */
struct netlink_ext_ack;
int mv_snap_open(struct mv_guest *g, unsigned long flags,
		 struct netlink_ext_ack *extack);
int mv_restore_open(struct mv_guest *g, struct netlink_ext_ack *extack);
int mv_restore_new(const char *name, u64 mem, const char *baseline,
		   struct netlink_ext_ack *extack);

/*
 * A session's claim on its guest (one session per guest): attach with
 * guest->lock held; detach, which takes the lock and drops the session's
 * reference, when the file is released or never came to be.
 */
void mv_sess_attach(struct mv_guest *g);
void mv_sess_detach(struct mv_guest *g);

/* The last error, in words */
void mv_sess_set_error(struct mv_sess_error *e, int err, const char *fmt, ...)
	__printf(3, 4);
long mv_sess_get_error(const struct mv_sess_error *e, void __user *uarg);

#endif /* _MV_SESSION_H */
