// SPDX-License-Identifier: GPL-2.0
/*
 * VMX root on demand, and the hazards that come with it: another
 * hypervisor on the same CPU, CPU hotplug, reboot/kexec, and emergencies.
 *
 * Lock order: mv_vmx_lock is taken inside the guest registry lock and
 * outside cpus_read_lock(). The per-CPU lists of loaded VMCSs are touched
 * only on their CPU with interrupts disabled.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <asm/perf_event.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>

#include "capabilities.h"
#include "vmx.h"
#include "vmx_ops.h"

struct mv_vmx_cpu {
	void *vmxon_region;
	bool on;
	struct list_head loaded;	/* struct mv_loaded_vmcs.cpu_link */
	/* The one VMCS VMPTRLD made current here; others are only cached. */
	struct mv_loaded_vmcs *current_vmcs;
};

static DEFINE_PER_CPU(struct mv_vmx_cpu, mv_vmx_cpu);
static DEFINE_MUTEX(mv_vmx_lock);
static int mv_vmx_users;		/* guarded by mv_vmx_lock */
static bool mv_vmx_active;		/* VMX wanted on online CPUs */
static bool mv_vmx_dead;		/* reboot/kexec turned it off */
static enum cpuhp_state mv_vmx_hp_state;
static bool mv_emergency_registered;	/* guarded by mv_vmx_lock */
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

/* VMCLEAR @lv, which is loaded on this CPU; interrupts are off. */
static void vmclear_here(struct mv_vmx_cpu *c, struct mv_loaded_vmcs *lv)
{
	if (c->current_vmcs == lv)
		c->current_vmcs = NULL;
	mv_vmclear(__pa(lv->vmcs));
	list_del_init(&lv->cpu_link);
	lv->launched = false;
	/* Pairs with the smp_rmb() in mv_loaded_vmcs_load(). */
	smp_wmb();
	WRITE_ONCE(lv->cpu, -1);
}

/* VMCLEAR everything loaded on this CPU; interrupts are off. */
static void clear_loaded_on_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	struct mv_loaded_vmcs *lv, *tmp;

	list_for_each_entry_safe(lv, tmp, &c->loaded, cpu_link)
		vmclear_here(c, lv);
}

static int vmx_on_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	u64 cr0 = read_cr0(), cr4 = cr4_read_shadow();
	int ret;

	lockdep_assert_irqs_disabled();
	if (c->on)
		return 0;
	/* Somebody else (kvm_intel) is in VMX operation here. */
	if (cr4 & X86_CR4_VMXE)
		return -EBUSY;
	/* The kernel's CR0 and CR4 must fit VMX's fixed bits (SDM A.7/A.8). */
	if ((cr0 & mv_vmx.msr[MV_MSR_CR0_FIXED0]) != mv_vmx.msr[MV_MSR_CR0_FIXED0] ||
	    (cr0 & ~mv_vmx.msr[MV_MSR_CR0_FIXED1]) ||
	    ((cr4 | X86_CR4_VMXE) & ~mv_vmx.msr[MV_MSR_CR4_FIXED1]))
		return -EIO;
	intel_pt_handle_vmx(1);
	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	ret = mv_vmxon(__pa(c->vmxon_region));
	if (ret) {
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
		return ret;
	}
	c->on = true;
	return 0;
}

static void vmx_off_this_cpu(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);

	lockdep_assert_irqs_disabled();
	if (!c->on)
		return;
	clear_loaded_on_this_cpu();
	mv_vmxoff();
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
	c->on = false;
}

struct on_result {
	atomic_t failed;
	int first_cpu;
	int err;
};

static void vmx_on_ipi(void *arg)
{
	struct on_result *r = arg;
	int ret = vmx_on_this_cpu();

	if (ret && atomic_inc_return(&r->failed) == 1) {
		r->first_cpu = smp_processor_id();
		r->err = ret;
	}
}

static void vmx_off_ipi(void *arg)
{
	vmx_off_this_cpu();
}

/*
 * Emergencies (panic with kdump, emergency restart) call one callback on
 * every CPU from NMI context. The slot holds one callback: kvm_intel's
 * when it is loaded, and its callback turns off whatever VMX is on, ours
 * included. So we take the slot only while kvm_intel is absent.
 */
static void mv_emergency_disable(void)
{
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);

	if (!c->on)
		return;
	clear_loaded_on_this_cpu();
	mv_vmxoff();
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	c->on = false;
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

static int mv_module_event(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&mv_vmx_lock);
	if (action == MODULE_STATE_COMING)
		mv_kvm_intel_present = true;
	else if (action == MODULE_STATE_GOING)
		mv_kvm_intel_present = false;
	/* COMING runs before kvm_intel's init registers its callback. */
	update_emergency();
	mutex_unlock(&mv_vmx_lock);
	return NOTIFY_DONE;
}

static struct notifier_block mv_module_nb = {
	.notifier_call = mv_module_event,
};

/* Reboot and kexec: VMX blocks INIT, so leave VMX root on every CPU. */
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

static int mv_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int ret = 0;

	if (!READ_ONCE(mv_vmx_active) || mv_vmx_dying())
		return 0;
	local_irq_save(flags);
	ret = vmx_on_this_cpu();
	local_irq_restore(flags);
	if (ret)
		pr_warn("CPU %u: cannot enter VMX root (%d); guests will not run there\n",
			cpu, ret);
	return 0;
}

static int mv_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vmx_off_this_cpu();
	local_irq_restore(flags);
	return 0;
}

int mv_vmx_get(struct netlink_ext_ack *extack)
{
	struct on_result r = { .failed = ATOMIC_INIT(0) };
	int ret = 0;

	mutex_lock(&mv_vmx_lock);
	if (mv_vmx_dying()) {
		NL_SET_ERR_MSG(extack, "the host is rebooting");
		ret = -ESHUTDOWN;
		goto out_unlock;
	}
	if (mv_vmx_users++)
		goto out_unlock;

	cpus_read_lock();
	WRITE_ONCE(mv_vmx_active, true);
	on_each_cpu(vmx_on_ipi, &r, 1);
	if (atomic_read(&r.failed)) {
		on_each_cpu(vmx_off_ipi, NULL, 1);
		WRITE_ONCE(mv_vmx_active, false);
		mv_vmx_users = 0;
		ret = r.err;
		if (ret == -EBUSY) {
			NL_SET_ERR_MSG(extack, "VMX is in use by another hypervisor on this host (a running KVM guest?)");
			pr_info("CPU %d is already in VMX operation: another hypervisor holds it\n",
				r.first_cpu);
		} else {
			NL_SET_ERR_MSG(extack, "cannot enter VMX root operation (see the kernel log)");
			pr_err("CPU %d: entering VMX root failed (%d)\n",
			       r.first_cpu, ret);
		}
	}
	cpus_read_unlock();
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
		WRITE_ONCE(mv_vmx_active, false);
		on_each_cpu(vmx_off_ipi, NULL, 1);
		cpus_read_unlock();
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

int mv_loaded_vmcs_load(struct mv_loaded_vmcs *lv)
{
	int cpu = smp_processor_id(), prev = READ_ONCE(lv->cpu);
	struct mv_vmx_cpu *c = this_cpu_ptr(&mv_vmx_cpu);
	unsigned long flags;
	int ret;

	if (prev == cpu) {
		/* Cached here, but another vCPU's VMCS may be current. */
		if (c->current_vmcs == lv)
			return 0;
		ret = mv_vmptrld(__pa(lv->vmcs));
		if (!ret)
			c->current_vmcs = lv;
		return ret;
	}
	if (prev >= 0) {
		/* The IPI waits; preemption is off but interrupts are on. */
		smp_call_function_single(prev, clear_ipi, lv, 1);
	}
	/* Pairs with the smp_wmb() of whoever cleared it. */
	smp_rmb();
	local_irq_save(flags);
	if (!c->on) {
		local_irq_restore(flags);
		return -ENODEV;
	}
	ret = mv_vmptrld(__pa(lv->vmcs));
	if (!ret) {
		list_add(&lv->cpu_link, &c->loaded);
		c->current_vmcs = lv;
		WRITE_ONCE(lv->cpu, cpu);
	}
	local_irq_restore(flags);
	return ret ? ret : 1;
}

struct flush_args {
	u64 eptp;
	u16 vpid;
};

static void flush_ipi(void *arg)
{
	struct flush_args *f = arg;

	if (!this_cpu_ptr(&mv_vmx_cpu)->on)
		return;
	if (mv_vmx_has(MV_VCAP_invept_all))
		mv_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	else if (f->eptp)
		mv_invept(VMX_EPT_EXTENT_CONTEXT, f->eptp);
	if (f->vpid && mv_vmx_has(MV_VCAP_invvpid_all))
		mv_invvpid(VMX_VPID_EXTENT_ALL_CONTEXT, 0);
	else if (f->vpid)
		mv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, f->vpid);
}

void mv_vmx_flush_all(u64 eptp, u16 vpid)
{
	struct flush_args f = { .eptp = eptp, .vpid = vpid };

	on_each_cpu(flush_ipi, &f, 1);
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
	/* kvm.ko exports kvm_rebooting; if it is there, so may kvm_intel be. */
	mv_kvm_intel_present = !!__symbol_get("kvm_rebooting");
	if (mv_kvm_intel_present)
		__symbol_put("kvm_rebooting");
	ret = register_module_notifier(&mv_module_nb);
	if (ret)
		goto err_free;
	ret = register_reboot_notifier(&mv_reboot_nb);
	if (ret)
		goto err_module_nb;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "migvisor:vmx",
					mv_cpu_online, mv_cpu_offline);
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
	for_each_possible_cpu(cpu)
		free_page((unsigned long)per_cpu_ptr(&mv_vmx_cpu, cpu)->vmxon_region);
}
