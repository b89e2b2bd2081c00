// SPDX-License-Identifier: GPL-2.0
/*
 * The "migvisor" generic netlink family: requests, policies, replies.
 * The ABI is described in uapi/linux/migvisor.h.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <asm/processor.h>

#include <linux/migvisor.h>

#include "netlink.h"
#include "cpuid/host.h"
#include "vmx/capabilities.h"

/*
 * Command numbers up to this bound that the family does not implement are
 * still registered, so that a request for one gets an extack message and
 * not a bare -EOPNOTSUPP from the genetlink core. The bound keeps the
 * family description (which lists every op) within one netlink message.
 */
#define MV_CMD_ANSWERED_MAX	63

/* ops are filled in by mv_genl_init(), see MV_CMD_ANSWERED_MAX */
static struct genl_family mv_genl_family __ro_after_init = {
	.name = MV_GENL_NAME,
	.version = MV_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = false,
};

/* HOST_GET takes no attributes: strict parsing rejects any it is given. */
static const struct nla_policy mv_host_get_policy[MV_A_MAX + 1] = {};

static bool version_ok(struct genl_info *info)
{
	if (info->genlhdr->version <= MV_GENL_VERSION)
		return true;
	GENL_SET_ERR_MSG(info, "request uses a newer migvisor netlink version than this module");
	return false;
}

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
			      MV_A_PAD))
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

static size_t host_reply_size(unsigned int n_cpuid)
{
	return nla_total_size(sizeof(boot_cpu_data.x86_vendor_id)) +
	       nla_total_size(sizeof(boot_cpu_data.x86_model_id)) +
	       4 * nla_total_size(sizeof(u32)) +	/* family..microcode */
	       nla_total_size_64bit(sizeof(u64)) +	/* FEAT_CTL */
	       nla_total_size(MV_VMX_CAP_WORDS *
			      nla_total_size_64bit(sizeof(u64))) +
	       MV_MSR_COUNT * nla_total_size(nla_total_size(sizeof(u32)) +
					     nla_total_size_64bit(sizeof(u64))) +
	       n_cpuid * nla_total_size(6 * nla_total_size(sizeof(u32)));
}

static int mv_nl_host_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct cpuinfo_x86 *c = &boot_cpu_data;
	struct mv_cpuid_entry *cpuid;
	struct sk_buff *msg;
	void *hdr;
	int i, n, ret;

	if (!version_ok(info))
		return -EOPNOTSUPP;

	cpuid = kmalloc_array(MV_CPUID_MAX_ENTRIES, sizeof(*cpuid), GFP_KERNEL);
	if (!cpuid)
		return -ENOMEM;
	n = mv_host_cpuid_read(cpuid, MV_CPUID_MAX_ENTRIES);

	msg = genlmsg_new(host_reply_size(n), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_free_cpuid;
	}
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0, MV_CMD_HOST_GET);
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
	    nla_put_u32(msg, MV_A_HOST_MICROCODE, c->microcode))
		goto out_free_msg;
	if (put_vmx(msg))
		goto out_free_msg;
	for (i = 0; i < n; i++)
		if (put_cpuid(msg, &cpuid[i]))
			goto out_free_msg;
	genlmsg_end(msg, hdr);
	kfree(cpuid);
	return genlmsg_reply(msg, info);

out_free_msg:
	nlmsg_free(msg);
out_free_cpuid:
	kfree(cpuid);
	return ret;
}

static int mv_nl_unknown_cmd(struct sk_buff *skb, struct genl_info *info)
{
	GENL_SET_ERR_MSG(info, "unknown migvisor command (module older than the tool?)");
	return -EOPNOTSUPP;
}

static const struct genl_ops mv_genl_ops_impl[] = {
	{
		.cmd = MV_CMD_HOST_GET,
		.doit = mv_nl_host_get,
		.policy = mv_host_get_policy,
		.maxattr = MV_A_MAX,
	},
};

static struct genl_ops *mv_genl_ops;

int mv_genl_init(void)
{
	int cmd, i, ret;

	BUILD_BUG_ON(MV_CMD_MAX > MV_CMD_ANSWERED_MAX);

	mv_genl_ops = kcalloc(MV_CMD_ANSWERED_MAX, sizeof(*mv_genl_ops),
			      GFP_KERNEL);
	if (!mv_genl_ops)
		return -ENOMEM;
	for (cmd = 1; cmd <= MV_CMD_ANSWERED_MAX; cmd++) {
		struct genl_ops *op = &mv_genl_ops[cmd - 1];

		op->cmd = cmd;
		op->doit = mv_nl_unknown_cmd;
		for (i = 0; i < ARRAY_SIZE(mv_genl_ops_impl); i++)
			if (mv_genl_ops_impl[i].cmd == cmd)
				*op = mv_genl_ops_impl[i];
	}
	mv_genl_family.ops = mv_genl_ops;
	mv_genl_family.n_ops = MV_CMD_ANSWERED_MAX;

	ret = genl_register_family(&mv_genl_family);
	if (ret) {
		kfree(mv_genl_ops);
		mv_genl_ops = NULL;
	}
	return ret;
}

void mv_genl_uninit(void)
{
	genl_unregister_family(&mv_genl_family);
	kfree(mv_genl_ops);
}
