// SPDX-License-Identifier: GPL-2.0
/*
 * The host commands of the "migvisor" family (Documentation/netlink/
 * specs/migvisor.yaml): what this host is, and maintenance mode.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <linux/migvisor_nl.h>

#include "guest.h"
#include "netlink.h"
#include "nl_gen.h"
#include "cpuid/host.h"
#include "cpuid/offer.h"
#include "cpuid/policy_nl.h"
#include "vmx/capabilities.h"
#include "vmx/tsc.h"
#include "vmx/vmx.h"

static int put_cpuid(struct sk_buff *skb, const struct mv_cpuid_entry *e)
{
	struct nlattr *nest = nla_nest_start(skb, MV_A_HOST_CPUID);

	if (!nest ||
	    nla_put_u32(skb, MV_A_CPUID_LEAF, e->leaf) ||
	    nla_put_u32(skb, MV_A_CPUID_SUBLEAF, e->subleaf) ||
	    nla_put_u32(skb, MV_A_CPUID_EAX, e->eax) ||
	    nla_put_u32(skb, MV_A_CPUID_EBX, e->ebx) ||
	    nla_put_u32(skb, MV_A_CPUID_ECX, e->ecx) ||
	    nla_put_u32(skb, MV_A_CPUID_EDX, e->edx))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_vmx(struct sk_buff *skb)
{
	struct nlattr *nest;
	int i;

	if (nla_put_u64_64bit(skb, MV_A_HOST_VMX_FEAT_CTL, mv_vmx.feat_ctl,
			      MV_A_HOST_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, MV_A_HOST_VMX_CAPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MV_VMX_CAP_WORDS; i++)
		if (nla_put_u64_64bit(skb, MV_A_CAPS_WORD, mv_vmx.caps[i],
				      MV_A_CAPS_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	for (i = 0; i < MV_MSR_COUNT; i++) {
		if (!mv_vmx_msr_valid(i))
			continue;
		nest = nla_nest_start(skb, MV_A_HOST_VMX_MSR);
		if (!nest ||
		    nla_put_u32(skb, MV_A_MSR_INDEX, mv_vmx_msr_index(i)) ||
		    nla_put_u64_64bit(skb, MV_A_MSR_VALUE, mv_vmx.msr[i],
				      MV_A_MSR_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* Longest MV_A_VMXROOT_WHY and _OWNER, with their NULs. */
#define MV_VMXROOT_TEXT_MAX	256

static int put_vmx_root(struct sk_buff *skb,
			const struct mv_vmx_cpu_report *r, unsigned int n)
{
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < n; i++) {
		nest = nla_nest_start(skb, MV_A_HOST_VMX_ROOT);
		if (!nest ||
		    nla_put_u32(skb, MV_A_VMXROOT_CPU, r[i].cpu) ||
		    nla_put_u32(skb, MV_A_VMXROOT_MODE, r[i].mode) ||
		    nla_put_string(skb, MV_A_VMXROOT_OWNER, r[i].owner) ||
		    nla_put_string(skb, MV_A_VMXROOT_WHY, r[i].why))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static size_t host_reply_size(unsigned int n_cpuid, unsigned int n_cpus)
{
	return nla_total_size(sizeof(boot_cpu_data.x86_vendor_id)) +
	       nla_total_size(sizeof(boot_cpu_data.x86_model_id)) +
	       4 * nla_total_size(sizeof(u32)) +	/* family..microcode */
	       nla_total_size(sizeof(u8)) +		/* MAINTENANCE */
	       nla_total_size(sizeof(u32)) +		/* TSC_KHZ */
	       nla_total_size(sizeof(u8)) +		/* TSC_SCALING */
	       nla_total_size_64bit(sizeof(u64)) +	/* FEAT_CTL */
	       nla_total_size(MV_VMX_CAP_WORDS *
			      nla_total_size_64bit(sizeof(u64))) +
	       MV_MSR_COUNT * nla_total_size(nla_total_size(sizeof(u32)) +
					     nla_total_size_64bit(sizeof(u64))) +
	       n_cpuid * nla_total_size(6 * nla_total_size(sizeof(u32))) +
	       n_cpus * nla_total_size(2 * nla_total_size(sizeof(u32)) +
				       2 * nla_total_size(MV_VMXROOT_TEXT_MAX)) +
	       mv_policy_nl_size();
}

int migvisor_nl_host_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct cpuinfo_x86 *c = &boot_cpu_data;
	struct mv_vmx_cpu_report *root;
	struct mv_cpuid_entry *cpuid;
	unsigned int n_root;
	struct sk_buff *msg;
	void *hdr;
	int i, n, ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;

	cpuid = kmalloc_array(MV_CPUID_MAX_ENTRIES, sizeof(*cpuid), GFP_KERNEL);
	root = kmalloc_array(nr_cpu_ids, sizeof(*root), GFP_KERNEL);
	if (!cpuid || !root) {
		ret = -ENOMEM;
		goto out_free_cpuid;
	}
	n = mv_host_cpuid_read(cpuid, MV_CPUID_MAX_ENTRIES);
	n_root = mv_vmx_report(root, nr_cpu_ids);

	msg = genlmsg_new(host_reply_size(n, n_root), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_free_cpuid;
	}
	hdr = genlmsg_put_reply(msg, info, mv_nl_family(), 0, MV_CMD_HOST_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out_free_msg;
	}
	ret = -EMSGSIZE;
	if (nla_put_string(msg, MV_A_HOST_VENDOR, c->x86_vendor_id) ||
	    nla_put_string(msg, MV_A_HOST_MODEL_NAME, c->x86_model_id) ||
	    nla_put_u32(msg, MV_A_HOST_FAMILY, c->x86) ||
	    nla_put_u32(msg, MV_A_HOST_MODEL, c->x86_model) ||
	    nla_put_u32(msg, MV_A_HOST_STEPPING, c->x86_stepping) ||
	    nla_put_u32(msg, MV_A_HOST_MICROCODE, c->microcode) ||
	    nla_put_u8(msg, MV_A_HOST_MAINTENANCE, mv_guests_maintenance()) ||
	    nla_put_u32(msg, MV_A_HOST_TSC_KHZ, tsc_khz) ||
	    nla_put_u8(msg, MV_A_HOST_TSC_SCALING, mv_tsc_can_scale()))
		goto out_free_msg;
	if (put_vmx(msg) ||
	    mv_policy_to_nl(msg, MV_A_HOST_OFFER, &mv_host_offer) ||
	    put_vmx_root(msg, root, n_root))
		goto out_free_msg;
	for (i = 0; i < n; i++)
		if (put_cpuid(msg, &cpuid[i]))
			goto out_free_msg;
	genlmsg_end(msg, hdr);
	kfree(root);
	kfree(cpuid);
	return genlmsg_reply(msg, info);

out_free_msg:
	nlmsg_free(msg);
out_free_cpuid:
	kfree(root);
	kfree(cpuid);
	return ret;
}

static int fill_host_event(struct sk_buff *msg, const void *arg)
{
	return nla_put_u8(msg, MV_A_HOST_MAINTENANCE, *(const bool *)arg);
}

static void host_event(bool maintenance)
{
	mv_nl_multicast(MV_CMD_HOST_EVENT, fill_host_event, &maintenance);
}

int migvisor_nl_host_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool on, was;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_HOST_MAINTENANCE))
		return -EINVAL;
	on = nla_get_u8(info->attrs[MV_A_HOST_MAINTENANCE]);
	was = mv_guests_set_maintenance(on);
	if (was != on) {
		pr_info("maintenance mode %s: %s\n", on ? "on" : "off",
			on ? "no new guests or restores" : "guests and restores are taken again");
		host_event(on);
	}
	return 0;
}
