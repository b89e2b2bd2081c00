// SPDX-License-Identifier: GPL-2.0
/*
 * VMX root per CPU, owned or shared (see vmx.h and docs/vmx-root.md), and
 * the hazards that come with it: another hypervisor on the same CPU, CPU
 * hotplug, reboot/kexec, and emergencies.
 *
 * Lock order: mv_vmx_lock is taken inside guest->lock and outside
 * cpus_read_lock() and mv_owner_lock. The per-CPU state is touched only
 * on its CPU with interrupts disabled (IPIs, or a vCPU thread's slice).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/netlink.h>
#include <asm/perf_event.h>
#include <asm/reboot.h>
#include <linux/migvisor_nl.h>

#include "../compat.h"
#include "capabilities.h"
#include "owner.h"
#include "vmx.h"
#include "vmx_ops.h"

struct mv_vmx_cpu {
	void *vmxon_region;
	bool owned;			/* our VMXON is in effect here */
	/*
	 * Bumped when this CPU may hold translations of ours that no INVEPT
	 * has reached (a flush found VMX off, or VMX was turned on anew):
	 * each vCPU flushes its own EPTP and VPID here when it sees a new one.
	 */
	u32 epoch;
	struct list_head loaded;	/* owned mode: struct mv_loaded_vmcs */
	/* The one VMCS VMPTRLD made current here; others are only cached. */
	struct mv_loaded_vmcs *current_vmcs;
};

static DEFINE_PER_CPU(struct mv_vmx_cpu, mv_vmx_cpu);
static DEFINE_MUTEX(mv_vmx_lock);
static int mv_vmx_users;		/* guarded by mv_vmx_lock */
static bool mv_vmx_dead;		/* reboot/kexec turned it off */
/*
 * kvm_intel's init is running, and on 6.12+ it is about to turn VMX on
 * itself: we neither turn VMX on nor start a first guest until it ends.
 * Written under mv_vmx_lock.
 */
static bool mv_vmx_handover;
static DECLARE_WAIT_QUEUE_HEAD(mv_vmx_handover_wq);
static enum cpuhp_state mv_vmx_hp_state;
static bool mv_kvm_intel_present;	/* guarded by mv_vmx_lock */

void mv_vmread_error(unsigned long field)
{
	pr_warn_ratelimited("vmread of field 0x%lx failed\n", field);
}

void mv_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_warn_ratelimited("vmwrite of field 0x%lx = 0x%lx failed\n",
			    field, value);
}

bool mv_vmx_dying(void)
{
	return READ_ONCE(mv_vmx_dead);
}

static void *alloc_vmx_page(void)
{
	u32 *p = (u32 *)get_zeroed_page(GFP_KERNEL);

	if (p)
		*p = mv_vmx.vmcs_revision;
	return p;
}

/*
 * Whether this kernel lets migvisor execute VMXON, and if not, why. Intel
 * PT must be told about VMX operation (intel_pt_handle_vmx()) unless it
 * can trace through it (IA32_VMX_MISC[14]) or the CPU has none.
 */
static const char *vmxon_refusal(void)
{
	if (!MV_CAN_VMXON)
		return "VMX is off, and this kernel lets only KVM turn it on: a guest start loads kvm_intel, which must keep VMX on (kvm.enable_virt_at_load=1, the default)";
#ifndef MV_HAVE_PT_HANDLE_VMX
	if (boot_cpu_has(X86_FEATURE_INTEL_PT) &&
	    !(mv_vmx.msr[MV_MSR_MISC] & BIT_ULL(14)))
		return "VMX is off, and Intel PT on this CPU does not survive VMX operation, which this kernel gives modules no way to announce: load kvm_intel to have VMX on";
#endif
	return NULL;
}

static void pt_handle_vmx(int on)
{
#ifdef MV_HAVE_PT_HANDLE_VMX
	intel_pt_handle_vmx(on);
#endif
}

/*
 * INVEPT/INVVPID one guest's translations on this CPU, by single context
 * where the CPU has it, so that a VMX root shared with KVM keeps KVM's
 * guests' TLB entries. 0, or -errno if VMX turned out to be off here.
 */
static int flush_here(u64 eptp, u16 vpid)
{
	int ret;

	if (mv_vmx_has(MV_VCAP_invept_single))
		ret = mv_invept(VMX_EPT_EXTENT_CONTEXT, eptp);
	else
		ret = mv_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	if (!ret && vpid) {
		if (mv_vmx_has(MV_VCAP_invvpid_single))
			ret = mv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vpid);
		else
			ret = mv_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
	}
	return ret;
}

/* VMCLEAR @lv, which is active on this CPU; interrupts are off. */
static void vmclear_here(struct mv_vmx_cpu *c, struct mv_loaded_vmcs *lv)
{
	if (c->current_vmcs == lv)
		c->current_vmcs = NULL;
	mv_vmclear(__pa(lv->vmcs));
	list_del_init(&lv->cpu_link);
	lv->launched = false;
	/* Pairs with the smp_rmb() in mv_vmx_slice_prepare(). */
	smp_wmb();
	WRITE_ONCE(lv->cpu, -1);
}

/* VMCLEAR everything cached on this CPU; interrupts are off. */
static void clear_loaded_on_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	struct mv_loaded_vmcs *lv, *tmp;

	list_for_each_entry_safe(lv, tmp, &c->loaded, cpu_link)
		vmclear_here(c, lv);
}

/* Our VMXON here; interrupts off, VMX off. */
static int vmx_on_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	u64 cr0 = read_cr0(), cr4 = mv_read_cr4();
	int ret;

	lockdep_assert_irqs_disabled();
	/* Reboot turned VMX off everywhere; it stays so (set before its IPIs). */
	if (mv_vmx_dying())
		return -ESHUTDOWN;
	/* The kernel's CR0 and CR4 must fit VMX's fixed bits (SDM A.7/A.8). */
	if ((cr0 & mv_vmx.msr[MV_MSR_CR0_FIXED0]) != mv_vmx.msr[MV_MSR_CR0_FIXED0] ||
	    (cr0 & ~mv_vmx.msr[MV_MSR_CR0_FIXED1]) ||
	    ((cr4 | X86_CR4_VMXE) & ~mv_vmx.msr[MV_MSR_CR4_FIXED1]))
		return -EIO;
	pt_handle_vmx(1);
	mv_cr4_update_irqsoff(X86_CR4_VMXE, 0);
	ret = mv_vmxon(__pa(c->vmxon_region));
	if (ret) {
		mv_cr4_update_irqsoff(0, X86_CR4_VMXE);
		pt_handle_vmx(0);
		return ret;
	}
	c->owned = true;
	/* A previous owner's translations may name our EPT roots' pages. */
	c->epoch++;
	return 0;
}

/* Undo our VMXON here, if any; interrupts off. */
static void vmx_off_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);

	lockdep_assert_irqs_disabled();
	if (!c->owned)
		return;
	clear_loaded_on_this_cpu();
	mv_vmxoff();
	mv_cr4_update_irqsoff(0, X86_CR4_VMXE);
	pt_handle_vmx(0);
	c->owned = false;
}

static void vmx_off_ipi(void *arg)
{
	vmx_off_this_cpu();
}

/* What one CPU looks like now, for decisions and reports. */
static u32 mode_here(void)
{
	if (this_cpu_ptr(&mv_vmx_cpu)->owned)
		return MV_VMX_MODE_OWNED;
	if (mv_read_cr4() & X86_CR4_VMXE)
		return MV_CAN_SHARE ? MV_VMX_MODE_SHARED : MV_VMX_MODE_FOREIGN;
	return vmxon_refusal() ? MV_VMX_MODE_KVM_ONLY : MV_VMX_MODE_OFF;
}

struct survey {
	atomic_t n[MV_VMX_MODE_FOREIGN + 1];
};

static void survey_ipi(void *arg)
{
	struct survey *s = arg;

	atomic_inc(&s->n[mode_here()]);
}

struct on_result {
	atomic_t failed;
	int first_cpu;
	int err;
};

static void vmx_on_ipi(void *arg)
{
	struct on_result *r = arg;
	int ret = 0;

	if (mode_here() == MV_VMX_MODE_OFF)
		ret = vmx_on_this_cpu();
	if (ret && atomic_inc_return(&r->failed) == 1) {
		r->first_cpu = smp_processor_id();
		r->err = ret;
	}
}

/* Whether some CPU's VMX is on and not ours. */
static void on_by_others_ipi(void *arg)
{
	if (!this_cpu_ptr(&mv_vmx_cpu)->owned && (mv_read_cr4() & X86_CR4_VMXE))
		atomic_inc(arg);
}

static bool vmx_on_by_others(void)
{
	atomic_t n = ATOMIC_INIT(0);

	on_each_cpu(on_by_others_ipi, &n, 1);
	return atomic_read(&n);
}

/*
 * Emergencies (panic with kdump, emergency restart) call one callback on
 * every CPU from NMI context, on kernels that still have the slot (before
 * 7.1; later the core turns VMX off for whoever owns it). The slot holds
 * one callback: kvm_intel's when it is loaded, and its callback turns off
 * whatever VMX is on, ours included. So we take the slot only while
 * kvm_intel is absent.
 */
#ifdef MV_HAVE_EMERGENCY_VIRT
static bool mv_emergency_registered;	/* guarded by mv_vmx_lock */

static void mv_emergency_disable(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);

	if (!c->owned)
		return;
	clear_loaded_on_this_cpu();
	mv_vmxoff();
	mv_cr4_update_irqsoff(0, X86_CR4_VMXE);
	c->owned = false;
}

static void update_emergency(void)
{
	bool want = mv_vmx_users > 0 && !mv_kvm_intel_present;

	lockdep_assert_held(&mv_vmx_lock);
	if (want && !mv_emergency_registered)
		cpu_emergency_register_virt_callback(mv_emergency_disable);
	else if (!want && mv_emergency_registered)
		cpu_emergency_unregister_virt_callback(mv_emergency_disable);
	mv_emergency_registered = want;
}
#else
static void update_emergency(void)
{
	lockdep_assert_held(&mv_vmx_lock);
}
#endif

/*
 * kvm_intel coming: where it is about to turn VMX on itself (6.12+), we
 * hand our VMX root over before its init runs, and run our guests in its
 * root afterwards; with VMX ours, its init would fail. Until its init has
 * ended, slices wait rather than take VMX back.
 */
static int mv_module_event(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&mv_vmx_lock);
	switch (action) {
	case MODULE_STATE_COMING:
		mv_kvm_intel_present = true;
		if (!MV_CAN_SHARE)
			break;
		WRITE_ONCE(mv_vmx_handover, true);
		/* Slices see the flag before this IPI reaches them. */
		smp_mb();
		if (mv_vmx_users)
			on_each_cpu(vmx_off_ipi, NULL, 1);
		break;
	case MODULE_STATE_LIVE:
		WRITE_ONCE(mv_vmx_handover, false);
		wake_up_all(&mv_vmx_handover_wq);
		if (MV_CAN_SHARE && mv_vmx_users && vmx_on_by_others())
			mv_owner_pin();
		break;
	case MODULE_STATE_GOING:
		WRITE_ONCE(mv_vmx_handover, false);
		wake_up_all(&mv_vmx_handover_wq);
		mv_kvm_intel_present = false;
		/* A pin holds only a LIVE module, which cannot get here. */
		mv_owner_unpin_if(mod);
		break;
	}
	/* COMING runs before kvm_intel's init registers its callback. */
	update_emergency();
	mutex_unlock(&mv_vmx_lock);
	return NOTIFY_DONE;
}

static struct notifier_block mv_module_nb = {
	.notifier_call = mv_module_event,
};

/* Reboot and kexec: VMX blocks INIT, so leave what we own on every CPU. */
static int mv_reboot_event(struct notifier_block *nb, unsigned long code,
			   void *unused)
{
	WRITE_ONCE(mv_vmx_dead, true);
	on_each_cpu(vmx_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block mv_reboot_nb = {
	.notifier_call = mv_reboot_event,
	.priority = 0,
};

static int mv_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vmx_off_this_cpu();
	local_irq_restore(flags);
	return 0;
}

/* @why is a string literal or static: extack keeps the pointer. */
static void refuse(struct netlink_ext_ack *extack, const char *why)
{
	if (extack)
		extack->_msg = why;
	pr_info("cannot start a guest: %s\n", why);
}

/* First user: make sure every online CPU can run guests. */
static int vmx_first_get(struct netlink_ext_ack *extack)
{
	struct on_result r = { .failed = ATOMIC_INIT(0) };
	struct survey s = {};
	int ret = 0;

	lockdep_assert_held(&mv_vmx_lock);
	/* kvm_intel half-way through turning VMX on: the survey would lie. */
	if (READ_ONCE(mv_vmx_handover)) {
		refuse(extack, "kvm_intel is being loaded and is turning VMX on: try again when it is loaded");
		return -EAGAIN;
	}
	on_each_cpu(survey_ipi, &s, 1);
	if (atomic_read(&s.n[MV_VMX_MODE_FOREIGN])) {
		refuse(extack, "VMX is in use by another hypervisor on this host (a running KVM guest?)");
		return -EBUSY;
	}
	if (atomic_read(&s.n[MV_VMX_MODE_KVM_ONLY])) {
		const char *why = vmxon_refusal();

		if (!why || (!MV_CAN_VMXON && mv_owner_kvm_loaded()))
			why = "VMX is off, and this kernel lets only KVM turn it on: kvm_intel is loaded but keeps VMX off while it has no VMs; reload kvm with enable_virt_at_load=1 (the default)";
		refuse(extack, why);
		return -EOPNOTSUPP;
	}
	if (atomic_read(&s.n[MV_VMX_MODE_OFF])) {
		on_each_cpu(vmx_on_ipi, &r, 1);
		if (atomic_read(&r.failed)) {
			on_each_cpu(vmx_off_ipi, NULL, 1);
			NL_SET_ERR_MSG(extack, "cannot enter VMX root operation (see the kernel log)");
			pr_err("CPU %d: entering VMX root failed (%d)\n",
			       r.first_cpu, r.err);
			return r.err;
		}
	}
	/* kvm_intel may not be what holds VMX; then there is none to pin. */
	if (atomic_read(&s.n[MV_VMX_MODE_SHARED]))
		mv_owner_pin();
	return ret;
}

int mv_vmx_get(struct netlink_ext_ack *extack)
{
	int ret = 0;

	/*
	 * Where only KVM may turn VMX on, load it first: outside the lock,
	 * because its arrival runs our module notifier, which takes it.
	 */
	if (vmxon_refusal() && !(mv_read_cr4() & X86_CR4_VMXE) &&
	    !mv_owner_kvm_loaded() && mv_owner_request()) {
		refuse(extack, "VMX is off, this kernel lets only KVM turn it on, and kvm_intel cannot be loaded (blacklisted or missing?): allow kvm_intel to load");
		return -EOPNOTSUPP;
	}

	/* Usually over in seconds; not under the lock its end takes. */
	wait_event_timeout(mv_vmx_handover_wq, !READ_ONCE(mv_vmx_handover),
			   60 * HZ);

	mutex_lock(&mv_vmx_lock);
	if (mv_vmx_dying()) {
		NL_SET_ERR_MSG(extack, "the host is rebooting");
		ret = -ESHUTDOWN;
		goto out_unlock;
	}
	if (!mv_vmx_users) {
		cpus_read_lock();
		ret = vmx_first_get(extack);
		cpus_read_unlock();
		if (ret)
			goto out_unlock;
	}
	mv_vmx_users++;
	update_emergency();
out_unlock:
	mutex_unlock(&mv_vmx_lock);
	return ret;
}

void mv_vmx_put(void)
{
	mutex_lock(&mv_vmx_lock);
	if (!WARN_ON_ONCE(mv_vmx_users <= 0) && !--mv_vmx_users) {
		cpus_read_lock();
		on_each_cpu(vmx_off_ipi, NULL, 1);
		cpus_read_unlock();
		mv_owner_unpin();
		update_emergency();
	}
	mutex_unlock(&mv_vmx_lock);
}

int mv_loaded_vmcs_alloc(struct mv_loaded_vmcs *lv)
{
	lv->vmcs = alloc_vmx_page();
	if (!lv->vmcs)
		return -ENOMEM;
	lv->cpu = -1;
	lv->host_cpu = -1;
	lv->launched = false;
	INIT_LIST_HEAD(&lv->cpu_link);
	return 0;
}

static void clear_ipi(void *arg)
{
	struct mv_loaded_vmcs *lv = arg;

	/* Hotplug or reboot may have cleared it meanwhile. */
	if (READ_ONCE(lv->cpu) == smp_processor_id())
		vmclear_here(this_cpu_ptr(&mv_vmx_cpu), lv);
}

void mv_loaded_vmcs_clear(struct mv_loaded_vmcs *lv)
{
	int cpu = READ_ONCE(lv->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, clear_ipi, lv, 1);
}

void mv_loaded_vmcs_free(struct mv_loaded_vmcs *lv)
{
	if (!lv->vmcs)
		return;
	mv_loaded_vmcs_clear(lv);
	free_page((unsigned long)lv->vmcs);
	lv->vmcs = NULL;
}

void mv_vmx_slice_prepare(struct mv_loaded_vmcs *lv)
{
	int prev = READ_ONCE(lv->cpu);

	/* The IPI waits; preemption is off but interrupts are on. */
	if (prev >= 0 && prev != smp_processor_id())
		smp_call_function_single(prev, clear_ipi, lv, 1);
	/* Pairs with the smp_wmb() of whoever cleared it. */
	smp_rmb();
}

/* Get VMX root on this CPU for a slice; interrupts off. */
static int slice_root(struct mv_vmx_cpu *c, struct mv_vmx_slice *s,
		      u32 *pause)
{
	int ret;

	if (c->owned)
		return 0;
	if (mv_read_cr4() & X86_CR4_VMXE) {
		if (!MV_CAN_SHARE) {
			*pause = MV_PAUSE_VMX_FOREIGN;
			return -EBUSY;
		}
		/* VMXE without VMX operation: an owner between the two. */
		if (mv_vmptrst(&s->prev_vmcs))
			return -EAGAIN;
		s->shared = true;
		return 0;
	}
	/* The owner turned VMX off, or it is handing over to kvm_intel. */
	if (READ_ONCE(mv_vmx_handover))
		return -EAGAIN;
	if (vmxon_refusal()) {
		*pause = MV_PAUSE_VMX_OFF;
		return -ENODEV;
	}
	ret = vmx_on_this_cpu();
	if (ret && ret != -ESHUTDOWN)
		*pause = MV_PAUSE_VMX_FAILED;
	return ret;
}

int mv_vmx_slice_begin(struct mv_loaded_vmcs *lv, struct mv_vmx_slice *s,
		       u32 *pause)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	int cpu = smp_processor_id(), ret;

	lockdep_assert_irqs_disabled();
	s->shared = false;
	s->prev_vmcs = ~0ull;
	*pause = MV_PAUSE_NONE;
	if (mv_vmx_dying())
		return -ESHUTDOWN;
	ret = slice_root(c, s, pause);
	if (ret)
		return ret;
	if (c->current_vmcs != lv || lv->cpu != cpu) {
		ret = mv_vmptrld(__pa(lv->vmcs));
		if (ret) {
			if (s->shared && s->prev_vmcs != ~0ull)
				mv_vmptrld(s->prev_vmcs);
			pr_err_ratelimited("CPU %d: VMPTRLD of a guest VMCS failed (%d)\n",
					   cpu, ret);
			*pause = MV_PAUSE_VMX_FAILED;
			return ret;
		}
		/* Cached between slices only in a VMX root of our own. */
		if (!s->shared && lv->cpu != cpu)
			list_add(&lv->cpu_link, &c->loaded);
		c->current_vmcs = s->shared ? NULL : lv;
		WRITE_ONCE(lv->cpu, cpu);
	}
	/*
	 * New to this CPU, whose TLBs may hold translations for our EPT root's
	 * page from its previous owner, or a flush missed this CPU.
	 */
	if (lv->host_cpu != cpu || lv->epoch != c->epoch) {
		flush_here(lv->eptp, lv->vpid);
		lv->epoch = c->epoch;
	}
	if (lv->host_cpu == cpu)
		return 0;
	lv->host_cpu = cpu;
	return 1;
}

void mv_vmx_slice_end(struct mv_loaded_vmcs *lv, struct mv_vmx_slice *s)
{
	lockdep_assert_irqs_disabled();
	if (!s->shared)
		return;
	mv_vmclear(__pa(lv->vmcs));
	lv->launched = false;
	WRITE_ONCE(lv->cpu, -1);
	/* The owner's VMCS current again, as its per-CPU record says. */
	if (s->prev_vmcs != ~0ull)
		mv_vmptrld(s->prev_vmcs);
}

struct flush_args {
	u64 eptp;
	u16 vpid;
};

static void flush_ipi(void *arg)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	struct flush_args *f = arg;

	/* Outside VMX operation INVEPT faults: flush when a slice comes. */
	if ((!c->owned && !(mv_read_cr4() & X86_CR4_VMXE)) ||
	    flush_here(f->eptp, f->vpid))
		c->epoch++;
}

void mv_vmx_flush_all(u64 eptp, u16 vpid)
{
	struct flush_args f = { .eptp = eptp, .vpid = vpid };

	on_each_cpu(flush_ipi, &f, 1);
}

struct report_args {
	struct mv_vmx_cpu_report *r;
	unsigned int max;
	atomic_t n;
	bool kvm, pinned;
};

static const char *why(u32 mode, bool kvm, bool pinned)
{
	switch (mode) {
	case MV_VMX_MODE_OWNED:
		return "VMX was off and this kernel lets modules turn it on: migvisor turned it on for its guests";
	case MV_VMX_MODE_SHARED:
		if (!kvm)
			return "VMX is on, held by another hypervisor: guests run inside its VMX root";
		return pinned ? "VMX is on, held by kvm_intel: guests run inside its VMX root, and kvm_intel is pinned while they exist" :
				"VMX is on, held by kvm_intel: guests will run inside its VMX root";
	case MV_VMX_MODE_FOREIGN:
		return "VMX is on, held by another hypervisor; before 6.12 migvisor and KVM take turns: guests can start when it is released";
	case MV_VMX_MODE_KVM_ONLY:
		return vmxon_refusal();
	default:
		return "VMX is off: migvisor turns it on when a guest runs";
	}
}

static void report_ipi(void *arg)
{
	struct report_args *a = arg;
	unsigned int i = atomic_inc_return(&a->n) - 1;
	u32 mode = mode_here();

	if (i >= a->max)
		return;
	a->r[i].cpu = smp_processor_id();
	a->r[i].mode = mode;
	a->r[i].why = why(mode, a->kvm, a->pinned);
	if (mode == MV_VMX_MODE_OWNED)
		a->r[i].owner = "migvisor";
	else if (mode == MV_VMX_MODE_SHARED || mode == MV_VMX_MODE_FOREIGN)
		a->r[i].owner = a->kvm ? "kvm_intel" : "unknown";
	else
		a->r[i].owner = "";
}

static int report_cmp(const void *a, const void *b)
{
	const struct mv_vmx_cpu_report *x = a, *y = b;

	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

unsigned int mv_vmx_report(struct mv_vmx_cpu_report *r, unsigned int max)
{
	struct report_args a = { .r = r, .max = max, .n = ATOMIC_INIT(0) };
	unsigned int n;

	a.kvm = mv_owner_kvm_loaded();
	a.pinned = mv_owner_pinned();
	cpus_read_lock();
	on_each_cpu(report_ipi, &a, 1);
	cpus_read_unlock();
	n = min_t(unsigned int, atomic_read(&a.n), max);
	/*
	 * The slots fill in the order the IPIs land, which differs from one
	 * call to the next; readers get the CPUs in ascending order.
	 */
	sort(r, n, sizeof(*r), report_cmp, NULL);
	return n;
}

int mv_vmx_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		struct mv_vmx_cpu *c = per_cpu_ptr(&mv_vmx_cpu, cpu);

		INIT_LIST_HEAD(&c->loaded);
		c->vmxon_region = alloc_vmx_page();
		if (!c->vmxon_region) {
			ret = -ENOMEM;
			goto err_free;
		}
	}
	ret = register_module_notifier(&mv_module_nb);
	if (ret)
		goto err_free;
	/* After the notifier: a kvm_intel coming meanwhile is seen by one. */
	mutex_lock(&mv_vmx_lock);
	mv_kvm_intel_present |= mv_owner_kvm_loaded();
	mutex_unlock(&mv_vmx_lock);
	ret = register_reboot_notifier(&mv_reboot_nb);
	if (ret)
		goto err_module_nb;
	/* VMXON is per slice; a CPU going away gives back what we own. */
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "migvisor:vmx",
					NULL, mv_cpu_offline);
	if (ret < 0)
		goto err_reboot_nb;
	mv_vmx_hp_state = ret;
	return 0;

err_reboot_nb:
	unregister_reboot_notifier(&mv_reboot_nb);
err_module_nb:
	unregister_module_notifier(&mv_module_nb);
err_free:
	for_each_possible_cpu(cpu)
		free_page((unsigned long)per_cpu_ptr(&mv_vmx_cpu, cpu)->vmxon_region);
	return ret;
}

void mv_vmx_uninit(void)
{
	int cpu;

	cpuhp_remove_state_nocalls(mv_vmx_hp_state);
	unregister_reboot_notifier(&mv_reboot_nb);
	unregister_module_notifier(&mv_module_nb);
	mv_owner_uninit();
	for_each_possible_cpu(cpu)
		free_page((unsigned long)per_cpu_ptr(&mv_vmx_cpu, cpu)->vmxon_region);
}
