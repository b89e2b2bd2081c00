// SPDX-License-Identifier: GPL-2.0
/*
 * Guest objects: creation with all-or-nothing setup, the state machine
 * (created -> running <-> paused -> stopped), and deletion.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "baseline.h"
#include "cpuid/offer.h"
#include "guest.h"
#include "events.h"
#include "migrate/state.h"
#include "vmx/exit.h"
#include "vmx/tsc.h"
#include "vmx/vmx.h"

DEFINE_MUTEX(mv_guests_lock);
static LIST_HEAD(mv_guests);

static struct mv_guest *find(const char *name)
{
	struct mv_guest *g;

	lockdep_assert_held(&mv_guests_lock);
	list_for_each_entry(g, &mv_guests, node)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

struct mv_guest *mv_guest_get(const char *name)
{
	struct mv_guest *g;

	mutex_lock(&mv_guests_lock);
	g = find(name);
	if (g)
		kref_get(&g->ref);
	mutex_unlock(&mv_guests_lock);
	return g;
}

/*
 * The registry in creation order: ids only grow, so a dump that goes on
 * from the last id it gave neither skips nor repeats a guest when others
 * come and go, and the generation tells it that they did.
 */
static u64 mv_guests_last_id;
static unsigned int mv_guests_gen = 1;

struct mv_guest *mv_guest_next(u64 after, unsigned int *gen)
{
	struct mv_guest *g;

	mutex_lock(&mv_guests_lock);
	*gen = mv_guests_gen;
	list_for_each_entry(g, &mv_guests, node) {
		if (g->id > after) {
			kref_get(&g->ref);
			mutex_unlock(&mv_guests_lock);
			return g;
		}
	}
	mutex_unlock(&mv_guests_lock);
	return NULL;
}

/*
 * Call @fn for each registered guest, in creation order, under
 * mv_guests_lock (so @fn must not take it or sleep for long); stops at
 * the first non-zero return, which it returns.
 */
int mv_guests_for_each(int (*fn)(struct mv_guest *g, void *arg), void *arg)
{
	struct mv_guest *g;
	int ret = 0;

	mutex_lock(&mv_guests_lock);
	list_for_each_entry(g, &mv_guests, node) {
		ret = fn(g, arg);
		if (ret)
			break;
	}
	mutex_unlock(&mv_guests_lock);
	return ret;
}

int mv_guest_count(void)
{
	struct mv_guest *g;
	int n = 0;

	mutex_lock(&mv_guests_lock);
	list_for_each_entry(g, &mv_guests, node)
		n++;
	mutex_unlock(&mv_guests_lock);
	return n;
}

static void guest_free(struct kref *ref)
{
	struct mv_guest *g = container_of(ref, struct mv_guest, ref);

	mv_vcpu_destroy(&g->vcpu);
	if (g->vmx_held)
		mv_vmx_put();
	mv_mem_free(&g->mem);
	mv_console_free(&g->con);
	mv_baseline_put(g->baseline);
	kfree(g);
	module_put(THIS_MODULE);
}

void mv_guest_put(struct mv_guest *g)
{
	kref_put(&g->ref, guest_free);
}

/*
 * Names: printable ASCII, no spaces or slashes, not "." or "..", and not
 * starting with '-' (they end up in paths and on command lines).
 */
bool mv_name_ok(const char *n)
{
	if (!*n || *n == '-' || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n <= ' ' || *n > '~' || *n == '/')
			return false;
	return true;
}

/* What netlink's policy checks for GUEST_NEW, for the ioctl path. */
int mv_guest_params_ok(const char *name, u64 mem, struct netlink_ext_ack *extack)
{
	if (!mv_name_ok(name)) {
		NL_SET_ERR_MSG(extack, MV_NAME_RULE);
		return -EINVAL;
	}
	if (mem < MV_GUEST_MEM_MIN || mem > MV_GUEST_MEM_MAX ||
	    (mem & (SZ_64K - 1))) {
		NL_SET_ERR_MSG(extack, "guest memory must be a multiple of 64 KiB within the module's limits");
		return -EINVAL;
	}
	return 0;
}

static bool mv_maintenance;	/* written under mv_guests_lock */

#define MV_MAINTENANCE_TEXT "this host is in maintenance mode and takes no new guests (mvctl host set maintenance off)"

bool mv_guests_set_maintenance(bool on)
{
	bool was;

	mutex_lock(&mv_guests_lock);
	was = mv_maintenance;
	WRITE_ONCE(mv_maintenance, on);
	mutex_unlock(&mv_guests_lock);
	return was;
}

bool mv_guests_maintenance(void)
{
	return READ_ONCE(mv_maintenance);
}

/* The vCPU thread's: its CPU cannot run guests now (VMX off, not ours). */
static void vcpu_host_pause(struct mv_vcpu *v, u32 reason, u32 cpu)
{
	struct mv_guest *g = container_of(v, struct mv_guest, vcpu);

	/*
	 * As in vcpu_stopped(), no g->lock here. A user pause under the
	 * lock waits for the thread to park, and then finds it PAUSED.
	 */
	WRITE_ONCE(g->pause_reason, reason);
	WRITE_ONCE(g->pause_cpu, cpu);
	WRITE_ONCE(g->vcpu.pause_req, true);
	/* Reason before state: pairs with smp_rmb() in put_guest(). */
	smp_wmb();
	if (cmpxchg(&g->state, MV_GUEST_RUNNING, MV_GUEST_PAUSED) ==
	    MV_GUEST_RUNNING) {
		pr_info("guest %s paused: CPU %u cannot run it (%s)\n", g->name,
			cpu, reason == MV_PAUSE_VMX_OFF ?
			"VMX was turned off and this kernel lets only KVM turn it on" :
			reason == MV_PAUSE_VMX_FOREIGN ?
			"another hypervisor holds VMX" :
			"entering VMX root or loading the VMCS failed");
		mv_event_guest(g, MV_EVENT_PAUSED);
	}
	wake_up_all(&g->vcpu.wq);
}

/* The vCPU thread's: the guest stopped for good. */
static void vcpu_stopped(struct mv_vcpu *v, u32 reason, u64 info, u64 rip)
{
	struct mv_guest *g = container_of(v, struct mv_guest, vcpu);

	/*
	 * The thread cannot take g->lock here: delete holds it while it
	 * waits in kthread_stop(). State is published with WRITE_ONCE and
	 * readers that need consistency take the lock.
	 */
	g->stop_reason = reason;
	g->stop_info = info;
	g->stop_rip = rip;
	/* Reason before state: pairs with smp_rmb() in put_guest(). */
	smp_wmb();
	WRITE_ONCE(g->state, MV_GUEST_STOPPED);
	wake_up_all(&g->vcpu.wq);
	mv_event_guest(g, reason == MV_STOP_EXIT || reason == MV_STOP_HALT ?
		    MV_EVENT_STOPPED : MV_EVENT_CRASHED);
}

/* What the vCPU reaches above it: the exit handlers, tracking, the guest. */
static const struct mv_vcpu_ops guest_vcpu_ops = {
	.exit_fast	= mv_exit_fast,
	.exit_handle	= mv_exit_handle,
	.slice_end	= mv_dirty_slice_end,
	.slice_done	= mv_dirty_throttle,
	.restore	= mv_state_to_vmcs,
	.stopped	= vcpu_stopped,
	.host_pause	= vcpu_host_pause,
};

/* The guest's vCPU 0, with what it reaches of the guest. */
static int make_vcpu(struct mv_guest *g)
{
	struct mv_vcpu *v = &g->vcpu;

	v->ops = &guest_vcpu_ops;
	v->lock = &g->lock;
	v->policy = &g->policy;
	v->mem = &g->mem;
	v->con = &g->con;
	v->dirty = &g->dirty;
	return mv_vcpu_create(v, 0);
}

/* A guest object with nothing behind it yet: mv_guest_put() frees it. */
static struct mv_guest *alloc_guest(const char *name, struct mv_baseline *bl,
				    const struct mv_policy *policy)
{
	struct mv_guest *g;

	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g) {
		module_put(THIS_MODULE);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&g->ref);
	INIT_LIST_HEAD(&g->node);
	INIT_LIST_HEAD(&g->bl_use.node);
	strscpy(g->name, name, sizeof(g->name));
	mutex_init(&g->lock);
	g->state = MV_GUEST_CREATED;
	g->policy = *policy;
	if (bl) {
		mv_baseline_get(bl);
		g->baseline = bl;
	}
	return g;
}

/* Its console, memory, boot tables, vCPU and TSC rate; each refusal says why. */
static int equip_guest(struct mv_guest *g, u64 mem, u32 khz,
		       struct netlink_ext_ack *extack)
{
	char why[MV_TSC_WHY_LEN];
	int ret;

	ret = mv_console_init(&g->con);
	if (ret)
		return ret;
	/*
	 * What the host can give now, not its total: a request that would
	 * push it into reclaim or the OOM killer is refused up front.
	 */
	if (mv_mem_cost(mem) > mv_mem_available()) {
		mv_errmsg(extack, "guest memory: %llu MiB needs %llu MiB, this host has about %llu MiB available",
			  mem >> 20, mv_mem_cost(mem) >> 20,
			  mv_mem_available() >> 20);
		return -ENOMEM;
	}
	ret = mv_mem_alloc(&g->mem, mem);
	if (ret) {
		if (ret == -EINTR)
			NL_SET_ERR_MSG(extack, "interrupted while allocating guest memory");
		else
			NL_SET_ERR_MSG(extack, "cannot allocate guest memory: the host is short of memory");
		return ret;
	}
	ret = mv_mem_setup_boot(&g->mem);
	if (ret)
		return ret;
	ret = make_vcpu(g);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot allocate the vCPU");
		return ret;
	}
	ret = khz ? mv_tsc_rate_set(&g->vcpu, khz, why) : 0;
	if (ret)
		mv_errmsg(extack, "%s", why);
	return ret;
}

/*
 * List @g, last, under the lock that makes the name unique and that
 * maintenance mode is switched under: a guest is either refused or
 * listed before the switch returns.
 */
static int publish_guest(struct mv_guest *g, bool session,
			 struct netlink_ext_ack *extack)
{
	mutex_lock(&mv_guests_lock);
	if (mv_maintenance) {
		mutex_unlock(&mv_guests_lock);
		NL_SET_ERR_MSG(extack, MV_MAINTENANCE_TEXT);
		return -EBUSY;
	}
	if (find(g->name)) {
		/* The caller names the attribute in its extack message. */
		mutex_unlock(&mv_guests_lock);
		return -EEXIST;
	}
	/*
	 * A guest made for a restore has its session before anyone can find
	 * it: no moment exists in which it is listed without one.
	 */
	if (session) {
		mutex_lock(&g->lock);
		g->session = true;
		kref_get(&g->ref);	/* the session's reference */
		mutex_unlock(&g->lock);
	}
	g->id = ++mv_guests_last_id;
	mv_guests_gen++;
	list_add_tail(&g->node, &mv_guests);
	if (g->baseline)
		mv_baseline_use(g->baseline, &g->bl_use, g->name);
	kref_get(&g->ref);	/* the registry's reference */
	mutex_unlock(&mv_guests_lock);
	return 0;
}

/* mv_baselines_lock held, so that @bl stays what was checked. */
static struct mv_guest *create(const char *name, u64 mem, struct mv_baseline *bl,
			       const struct mv_policy *policy, u32 khz,
			       bool session, struct netlink_ext_ack *extack)
{
	struct mv_guest *g;
	int ret;

	lockdep_assert_held(&mv_baselines_lock);
	/* Refused before any allocation; checked again where it counts. */
	if (READ_ONCE(mv_maintenance)) {
		NL_SET_ERR_MSG(extack, MV_MAINTENANCE_TEXT);
		return ERR_PTR(-EBUSY);
	}
	g = alloc_guest(name, bl, policy);
	if (IS_ERR(g))
		return g;
	ret = equip_guest(g, mem, khz, extack);
	if (!ret)
		ret = publish_guest(g, session, extack);
	if (ret) {
		mv_guest_put(g);
		return ERR_PTR(ret);
	}
	mv_event_guest(g, MV_EVENT_CREATED);
	return g;
}

struct mv_guest *mv_guest_new(const char *name, u64 mem, const char *bl_name,
			      bool session, struct netlink_ext_ack *extack)
{
	const struct mv_policy *p = &mv_host_offer;
	struct mv_baseline *bl;
	struct mv_guest *g;
	u32 khz = 0;
	int ret;

	mutex_lock(&mv_baselines_lock);
	bl = bl_name ? mv_baseline_find(bl_name) : mv_baseline_default();
	if (bl_name && !bl) {
		NL_SET_ERR_MSG(extack, "no baseline with this name");
		g = ERR_PTR(-ENOENT);
		goto out;
	}
	if (bl) {
		p = &bl->policy;
		ret = mv_baseline_check_host(p, extack);
		if (ret) {
			g = ERR_PTR(ret);
			goto out;
		}
		/* A restore's rate is its stream's (migrate/restore.c). */
		if (!session)
			khz = bl->tsc_khz;
	}
	g = create(name, mem, bl, p, khz, session, extack);
out:
	mutex_unlock(&mv_baselines_lock);
	return g;
}

/* Stop the vCPU thread, if any; guest->lock held. */
static void stop_thread(struct mv_guest *g)
{
	lockdep_assert_held(&g->lock);
	if (!g->vcpu.thread)
		return;
	kthread_stop(g->vcpu.thread);
	put_task_struct(g->vcpu.thread);
	g->vcpu.thread = NULL;
}

/* Stop a guest taken out of the registry and drop the registry's reference. */
static void retire(struct mv_guest *g)
{
	mutex_lock(&g->lock);
	stop_thread(g);
	if (g->state != MV_GUEST_STOPPED) {
		g->state = MV_GUEST_STOPPED;
		g->stop_reason = MV_STOP_NONE;
	}
	mutex_unlock(&g->lock);
	mv_event_guest(g, MV_EVENT_DELETED);
	mv_guest_put(g);	/* the registry's reference */
}

int mv_guest_delete(const char *name, struct netlink_ext_ack *extack)
{
	struct mv_guest *g;

	mutex_lock(&mv_guests_lock);
	g = find(name);
	if (!g) {
		mutex_unlock(&mv_guests_lock);
		NL_SET_ERR_MSG(extack, "no guest with this name");
		return -ENOENT;
	}
	list_del_init(&g->node);
	mv_guests_gen++;
	mutex_unlock(&mv_guests_lock);
	mv_baseline_unuse(&g->bl_use);
	retire(g);
	return 0;
}

void mv_guest_discard(struct mv_guest *g)
{
	mutex_lock(&mv_guests_lock);
	if (list_empty(&g->node)) {
		mutex_unlock(&mv_guests_lock);
		return;
	}
	list_del_init(&g->node);
	mv_guests_gen++;
	mutex_unlock(&mv_guests_lock);
	mv_baseline_unuse(&g->bl_use);
	retire(g);
}

static int vcpu_thread(void *arg)
{
	struct mv_guest *g = arg;

	mv_vcpu_run(&g->vcpu);
	/* Stay until deleted: kthread_stop() expects a live thread. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

int mv_guest_start(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	struct task_struct *t;
	int ret = 0;

	mutex_lock(&g->lock);
	if (g->state != MV_GUEST_CREATED) {
		NL_SET_ERR_MSG(extack, "guest was already started");
		ret = -EBUSY;
		goto out_unlock;
	}
	/* A CREATED guest with a session: a restore that has not committed. */
	if (g->session && !g->restored) {
		NL_SET_ERR_MSG(extack, "guest is being restored and is not complete");
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!g->entry_set) {
		NL_SET_ERR_MSG(extack, "guest has no image loaded (no entry point)");
		ret = -ENOEXEC;
		goto out_unlock;
	}
	if (!g->vmx_held) {
		ret = mv_vmx_get(extack);
		if (ret)
			goto out_unlock;
		g->vmx_held = true;
	}
	if (!g->restored)
		g->vcpu.regs.rsp = g->mem.size;
	t = kthread_create(vcpu_thread, g, "mv-%s", g->name);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto out_unlock;
	}
	get_task_struct(t);
	g->vcpu.thread = t;
	g->state = MV_GUEST_RUNNING;
	wake_up_process(t);
	mutex_unlock(&g->lock);
	mv_event_guest(g, MV_EVENT_STARTED);
	return 0;

out_unlock:
	mutex_unlock(&g->lock);
	return ret;
}

int mv_guest_pause(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&g->lock);
	ret = __mv_guest_pause(g, extack);
	/* One event a pause: a host pause meanwhile has sent its own. */
	if (!ret && g->pause_reason != MV_PAUSE_USER)
		ret = 1;
	mutex_unlock(&g->lock);
	if (!ret)
		mv_event_guest(g, MV_EVENT_PAUSED);
	if (ret > 0)
		ret = 0;
	return ret;
}

int __mv_guest_pause(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	int ret = 0;

	lockdep_assert_held(&g->lock);
	if (g->state != MV_GUEST_RUNNING) {
		NL_SET_ERR_MSG(extack, "guest is not running");
		return -EINVAL;
	}
	WRITE_ONCE(g->vcpu.pause_req, true);
	wake_up_process(g->vcpu.thread);
	/* A spinning guest exits at the next host tick or timer expiry. */
	ret = wait_event_interruptible_timeout(g->vcpu.wq,
			READ_ONCE(g->vcpu.paused) ||
			READ_ONCE(g->state) == MV_GUEST_STOPPED, 5 * HZ);
	if (ret <= 0) {
		WRITE_ONCE(g->vcpu.pause_req, false);
		/* It may have parked just now: it must see the request gone. */
		wake_up_all(&g->vcpu.wq);
		if (ret) {
			/* A signal: no restart, and no 512 in a netlink ack. */
			NL_SET_ERR_MSG(extack, "interrupted while waiting for the guest to pause");
			return -EINTR;
		}
		NL_SET_ERR_MSG(extack, "guest did not pause in time");
		return -ETIMEDOUT;
	}
	if (g->state == MV_GUEST_RUNNING) {
		g->state = MV_GUEST_PAUSED;
		g->pause_reason = MV_PAUSE_USER;
		return 0;
	}
	/* The host paused it meanwhile (VMX root went away). */
	if (g->state == MV_GUEST_PAUSED)
		return 0;
	NL_SET_ERR_MSG(extack, "guest stopped before it could pause");
	return -EINVAL;
}

int mv_guest_resume(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	int ret;

	mutex_lock(&g->lock);
	if (g->snap_paused) {
		NL_SET_ERR_MSG(extack, "guest is paused by a migration in progress; only it may resume the guest");
		ret = -EBUSY;
	} else {
		ret = __mv_guest_resume(g, extack);
	}
	mutex_unlock(&g->lock);
	if (!ret)
		mv_event_guest(g, MV_EVENT_RESUMED);
	return ret;
}

int __mv_guest_resume(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&g->lock);
	if (g->state != MV_GUEST_PAUSED) {
		NL_SET_ERR_MSG(extack, "guest is not paused");
		return -EINVAL;
	}
	g->state = MV_GUEST_RUNNING;
	g->pause_reason = MV_PAUSE_NONE;
	WRITE_ONCE(g->vcpu.pause_req, false);
	wake_up_all(&g->vcpu.wq);
	return 0;
}

int mv_guest_set_entry(struct mv_guest *g, u64 rip)
{
	int ret = 0;

	mutex_lock(&g->lock);
	if (g->state != MV_GUEST_CREATED || g->session)
		ret = -EBUSY;
	else if (rip < MV_GPA_LOAD_MIN || rip >= g->mem.size)
		ret = -EINVAL;
	else {
		g->vcpu.entry = rip;
		g->entry_set = true;
	}
	mutex_unlock(&g->lock);
	return ret;
}

int mv_guest_load(struct mv_guest *g, u64 gpa, const void __user *src,
		  size_t len)
{
	int ret;

	mutex_lock(&g->lock);
	if (g->state != MV_GUEST_CREATED || g->session)
		ret = -EBUSY;
	else if (gpa < MV_GPA_LOAD_MIN || !mv_mem_range_ok(&g->mem, gpa, len))
		ret = -EFAULT;
	else
		ret = mv_mem_write(&g->mem, gpa, (const void __force *)src,
				   len, true);
	mutex_unlock(&g->lock);
	return ret;
}

void mv_guests_uninit(void)
{
	/* Guests hold module references: none can exist here. */
	WARN_ON_ONCE(!list_empty(&mv_guests));
}
