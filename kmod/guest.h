/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests: named, refcounted objects in one registry.
 *
 * Lock order (see LOCKING.rst): mv_baselines_lock, then mv_guests_lock,
 * then guest->lock, then mv_vmx_lock. The vCPU thread never takes mv_guests_lock.
 */
#ifndef _MV_GUEST_H
#define _MV_GUEST_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "../common/policy.h"
#include "baseline.h"
#include "console.h"
#include "memory.h"
#include "migrate/dirty.h"
#include "vmx/vcpu.h"

struct task_struct;
struct netlink_ext_ack;
struct mv_baseline;

struct mv_guest {
	struct kref ref;
	struct list_head node;		/* in the registry, or empty */
	u64 id;				/* registry order, from 1 */
	char name[MV_GUEST_NAME_MAX];
	struct mutex lock;		/* state changes, loading, start/stop */
	/* written under @lock, but for the vCPU thread's host pause and stop */
	enum mv_guest_state state;
	struct mv_mem mem;
	bool entry_set;			/* vcpu.entry was set */
	bool vmx_held;			/* holds a mv_vmx_get() reference */
	/* Its thread, and the pause and call protocol: vmx/vcpu.h */
	struct mv_vcpu vcpu;
	u32 pause_reason;		/* enum mv_pause_reason, while paused */
	u32 pause_cpu;			/* the CPU a host pause found unusable */
	u32 stop_reason;
	u64 stop_info;
	u64 stop_rip;
	struct mv_console con;
	struct mv_baseline *baseline;	/* held; NULL: the host's offer */
	struct mv_baseline_use bl_use;	/* on its users while listed */
	struct mv_policy policy;	/* what CPUID answers; fixed */
	struct mv_dirty dirty;		/* under @lock; EPT side: vCPU thread */
	bool session;			/* a snapshot or restore session is open */
	bool snap_paused;		/* paused by a snapshot session: only it resumes */
	bool restored;			/* starts from a restored vCPU state */
};

extern struct mutex mv_guests_lock;

void mv_guests_uninit(void);

struct mv_guest *mv_guest_get(const char *name);	/* NULL if none */
void mv_guest_put(struct mv_guest *g);
int mv_guest_count(void);

/* Guest and baseline names: see mv_name_ok() and MV_NAME_RULE. */
#define MV_NAME_RULE \
	"names are printable, without spaces or '/', not . or .., and do not start with '-'"
bool mv_name_ok(const char *n);
int mv_guest_params_ok(const char *name, u64 mem, struct netlink_ext_ack *extack);

/*
 * Maintenance mode: while it is on, mv_guest_new() refuses every new
 * guest, restores included. Returns the previous setting.
 */
bool mv_guests_set_maintenance(bool on);
bool mv_guests_maintenance(void);

/*
 * A new guest, registered and held, with the baseline named @bl_name
 * (NULL: the default, else the host's offer), which this host must
 * satisfy. Its TSC runs at the baseline's rate; a restore (@session) sets
 * its stream's. With @session it is born attached to a session (as
 * mv_sess_attach() does), for MV_IOC_RESTORE_NEW.
 */
struct mv_guest *mv_guest_new(const char *name, u64 mem, const char *bl_name,
			      bool session, struct netlink_ext_ack *extack);
int mv_guest_delete(const char *name, struct netlink_ext_ack *extack);
int mv_guest_start(struct mv_guest *g, struct netlink_ext_ack *extack);
int mv_guest_pause(struct mv_guest *g, struct netlink_ext_ack *extack);
int mv_guest_resume(struct mv_guest *g, struct netlink_ext_ack *extack);
/* The same with guest->lock held (sessions) */
int __mv_guest_pause(struct mv_guest *g, struct netlink_ext_ack *extack);
int __mv_guest_resume(struct mv_guest *g, struct netlink_ext_ack *extack);
/* Delete this guest if it is still registered (a failed restore). */
void mv_guest_discard(struct mv_guest *g);
int mv_guest_set_entry(struct mv_guest *g, u64 rip);
int mv_guest_load(struct mv_guest *g, u64 gpa, const void __user *src,
		  size_t len);

/*
 * For dumps: the first guest created after the one with id @after, held,
 * or NULL; @gen gets the registry's generation (it changes with the list).
 */
struct mv_guest *mv_guest_next(u64 after, unsigned int *gen);
int mv_guests_for_each(int (*fn)(struct mv_guest *g, void *arg), void *arg);

#endif /* _MV_GUEST_H */
