// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_intel as the other owner of VMX root.
 *
 * No export names kvm_intel's struct module, and find_module() is not
 * exported. Every loaded module is a kobject in the same kset as ours
 * (/sys/module), so kset_find_obj() finds it by name and holds its kobject:
 * the module's memory stays until that reference is dropped (module
 * teardown waits for it), which makes try_module_get() on it safe.
 *
 * Lock order: mv_owner_lock nests inside mv_vmx_lock.
 */
#include <linux/kmod.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "owner.h"

#define MV_KVM_INTEL	"kvm_intel"

static DEFINE_MUTEX(mv_owner_lock);
static struct module *mv_owner_mod;	/* pinned kvm_intel, or NULL */

/* kvm_intel, held, or NULL; only once its init has ended if @live. */
static struct module *find_kvm_intel(bool live)
{
	struct kset *modules = THIS_MODULE->mkobj.kobj.kset;
	struct module_kobject *mk;
	struct kobject *kobj;
	struct module *mod = NULL;

	if (!modules)
		return NULL;
	kobj = kset_find_obj(modules, MV_KVM_INTEL);
	if (!kobj)
		return NULL;
	mk = container_of(kobj, struct module_kobject, kobj);
	/*
	 * Built-in "modules" with parameters have no struct module. A module
	 * whose init is running may still fail and be freed whatever its
	 * count: a pin takes only a LIVE one.
	 */
	if (mk->mod && (!live || READ_ONCE(mk->mod->state) == MODULE_STATE_LIVE) &&
	    try_module_get(mk->mod))
		mod = mk->mod;
	kobject_put(kobj);
	return mod;
}

bool mv_owner_kvm_loaded(void)
{
	struct module *mod = find_kvm_intel(false);

	if (!mod)
		return false;
	module_put(mod);
	return true;
}

bool mv_owner_pin(void)
{
	bool ret;

	mutex_lock(&mv_owner_lock);
	if (!mv_owner_mod)
		mv_owner_mod = find_kvm_intel(true);
	ret = mv_owner_mod;
	mutex_unlock(&mv_owner_lock);
	return ret;
}

void mv_owner_unpin(void)
{
	mutex_lock(&mv_owner_lock);
	if (mv_owner_mod)
		module_put(mv_owner_mod);
	mv_owner_mod = NULL;
	mutex_unlock(&mv_owner_lock);
}

void mv_owner_unpin_if(struct module *mod)
{
	mutex_lock(&mv_owner_lock);
	if (mv_owner_mod == mod) {
		module_put(mod);
		mv_owner_mod = NULL;
	}
	mutex_unlock(&mv_owner_lock);
}

bool mv_owner_pinned(void)
{
	return READ_ONCE(mv_owner_mod);
}

int mv_owner_request(void)
{
	int ret = request_module(MV_KVM_INTEL);

	/* modprobe's status: 1 when blacklisted or missing. */
	if (ret)
		return ret < 0 ? ret : -ENOENT;
	return mv_owner_kvm_loaded() ? 0 : -ENOENT;
}

void mv_owner_uninit(void)
{
	mv_owner_unpin();
}
