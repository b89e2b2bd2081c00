/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baselines: named CPUID policies that guests are created with.
 *
 * Lock order (see LOCKING.rst): mv_baselines_lock, then mv_guests_lock.
 * A guest holds a reference on its baseline for its whole life; the
 * registry holds one while the baseline is listed.
 */
#ifndef _MV_BASELINE_H
#define _MV_BASELINE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <linux/migvisor.h>

#include "../common/policy.h"

struct netlink_ext_ack;

/*
 * A listed guest's use of its baseline: while any is on a baseline's
 * list, it cannot be replaced or deleted, and the refusal names the users.
 * The guest layer keeps one in each guest.
 */
struct mv_baseline_use {
	struct list_head node;		/* on the baseline's users, or empty */
	const char *name;		/* the user's, for the refusal */
};

struct mv_baseline {
	struct kref ref;
	struct list_head node;
	u64 id;				/* list order, from 1 */
	char name[MV_BASELINE_NAME_MAX];
	char model[MV_BASELINE_NAME_MAX];
	struct mv_policy policy;	/* canonical; fixed while in use */
	u64 hash;
	u32 tsc_khz;			/* its guests' TSC rate */
	struct list_head users;		/* struct mv_baseline_use, under the lock */
};

extern struct mutex mv_baselines_lock;

struct mv_baseline *mv_baseline_find(const char *name);
struct mv_baseline *mv_baseline_default(void);
/* For dumps: the first after id @after, held; @gen: the list's generation */
struct mv_baseline *mv_baseline_next(u64 after, unsigned int *gen);
void mv_baseline_get(struct mv_baseline *bl);
void mv_baseline_put(struct mv_baseline *bl);
/* @khz: its guests' TSC rate (0: this host's) */
int mv_baseline_add(const char *name, const char *model,
		    const struct mv_policy *p, u32 khz, bool replace,
		    struct netlink_ext_ack *extack);
int mv_baseline_del(const char *name, struct netlink_ext_ack *extack);
int mv_baseline_set_default(const char *name, struct netlink_ext_ack *extack);
bool mv_baseline_is_default(const struct mv_baseline *bl);
int mv_baseline_check_host(const struct mv_policy *p,
			   struct netlink_ext_ack *extack);
void mv_baselines_uninit(void);

/* mv_baselines_lock held: @u (named @name) uses @bl from now on. */
void mv_baseline_use(struct mv_baseline *bl, struct mv_baseline_use *u,
		     const char *name);
/* No longer in use by @u (nothing if it was not); takes mv_baselines_lock. */
void mv_baseline_unuse(struct mv_baseline_use *u);

#endif /* _MV_BASELINE_H */
