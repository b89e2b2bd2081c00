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
#include <asm/tsc.h>

#include <linux/migvisor.h>

#include "compat.h"
#include "baseline.h"
#include "guest.h"
#include "events.h"
#include "netlink.h"
#include "cpuid/host.h"
#include "cpuid/offer.h"
#include "cpuid/policy_nl.h"
#include "vmx/capabilities.h"
#include "vmx/tsc.h"
#include "vmx/vmx.h"

/*
 * Command numbers up to this bound that the family does not implement are
 * still registered, so that a request for one gets an extack message and
 * not a bare -EOPNOTSUPP from the genetlink core. The bound keeps the
 * family description (which lists every op) within one netlink message.
 */
#define MV_CMD_ANSWERED_MAX	63

static const struct genl_multicast_group mv_mcgrps[] = {
	{ .name = MV_MCGRP_EVENTS },
};

/* ops are filled in by mv_genl_init(), see MV_CMD_ANSWERED_MAX */
static struct genl_family mv_genl_family __ro_after_init = {
	.name = MV_GENL_NAME,
	.version = MV_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = false,
	.mcgrps = mv_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mv_mcgrps),
};

struct genl_family *mv_nl_family(void)
{
	return &mv_genl_family;
}

/* HOST_GET takes no attributes: strict parsing rejects any it is given. */
static const struct nla_policy mv_host_get_policy[MV_A_MAX + 1] = {};

static const struct nla_policy mv_host_set_policy[MV_A_MAX + 1] = {
	[MV_A_HOST_MAINTENANCE] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy mv_guest_name_policy[MV_A_MAX + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING,
			      .len = MV_GUEST_NAME_MAX - 1 },
};

/* Not const: the 6.1 policy holds a plain pointer to it. */
static struct netlink_range_validation mv_mem_range = {
	.min = MV_GUEST_MEM_MIN,
	.max = MV_GUEST_MEM_MAX,
};

static const struct nla_policy mv_guest_new_policy[MV_A_MAX + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING,
			      .len = MV_GUEST_NAME_MAX - 1 },
	[MV_A_GUEST_MEMORY] = NLA_POLICY_FULL_RANGE(NLA_U64, &mv_mem_range),
	[MV_A_GUEST_BASELINE] = { .type = NLA_NUL_STRING,
				  .len = MV_BASELINE_NAME_MAX - 1 },
};

static const struct nla_policy mv_guest_console_policy[MV_A_MAX + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING,
			      .len = MV_GUEST_NAME_MAX - 1 },
	[MV_A_GUEST_CONSOLE_OFFSET] = { .type = NLA_U64 },
};

bool mv_nl_version_ok(struct genl_info *info)
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

static int mv_nl_host_get(struct sk_buff *skb, struct genl_info *info)
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

/*
 * An event @cmd to the events group, its attributes put by @fill; none
 * is built while nobody listens. A failure drops the event: listeners
 * learn the state from a dump.
 */
static void multicast(u8 cmd, int (*fill)(struct sk_buff *msg, const void *arg),
		      const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&mv_genl_family, &init_net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &mv_genl_family, 0, cmd);
	if (!hdr || fill(msg, arg)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mv_genl_family, msg, 0, 0, GFP_KERNEL);
}

static int fill_host_event(struct sk_buff *msg, const void *arg)
{
	return nla_put_u8(msg, MV_A_HOST_MAINTENANCE, *(const bool *)arg);
}

static void host_event(bool maintenance)
{
	multicast(MV_CMD_HOST_EVENT, fill_host_event, &maintenance);
}

static int mv_nl_host_set(struct sk_buff *skb, struct genl_info *info)
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

static struct mv_guest *lookup(struct genl_info *info)
{
	struct mv_guest *g;

	if (MV_NL_REQUIRE(info, MV_A_GUEST_NAME))
		return ERR_PTR(-EINVAL);
	g = mv_guest_get(nla_data(info->attrs[MV_A_GUEST_NAME]));
	if (!g) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MV_A_GUEST_NAME],
				    "no guest with this name");
		return ERR_PTR(-ENOENT);
	}
	return g;
}

/* The CPUID audit (cpuid/audit.h): for GET only, events leave it out. */
static int put_audit(struct sk_buff *skb, const struct mv_cpuid_audit *a)
{
	u32 i, n = mv_audit_used(a);
	struct nlattr *nest;

	for (i = 0; i < n; i++) {
		nest = nla_nest_start(skb, MV_A_GUEST_CPUID_QUERY);
		if (!nest ||
		    nla_put_u32(skb, MV_A_QUERY_LEAF, a->q[i].leaf) ||
		    nla_put_u32(skb, MV_A_QUERY_SUBLEAF, a->q[i].subleaf) ||
		    nla_put_u64_64bit(skb, MV_A_QUERY_COUNT,
				      READ_ONCE(a->q[i].count), MV_A_QUERY_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	if (READ_ONCE(a->unrecorded) &&
	    nla_put_u64_64bit(skb, MV_A_GUEST_CPUID_UNRECORDED,
			      READ_ONCE(a->unrecorded), MV_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Room put_audit() may need, beyond NLMSG_GOODSIZE for the rest. */
#define MV_AUDIT_NL_SIZE \
	(MV_CPUID_AUDIT_MAX * nla_total_size(2 * nla_total_size(4) +	\
					     nla_total_size_64bit(8)) + \
	 nla_total_size_64bit(8))

static int put_guest(struct sk_buff *skb, struct mv_guest *g, bool audit)
{
	struct nlattr *nest;
	u32 state = READ_ONCE(g->state);
	u64 rsv;
	int i;

	/* State before reason: pairs with smp_wmb() in vcpu_stopped() (guest.c). */
	smp_rmb();
	if (nla_put_string(skb, MV_A_GUEST_NAME, g->name) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_MEMORY, g->mem.size, MV_A_PAD) ||
	    nla_put_u32(skb, MV_A_GUEST_STATE, state) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_ENTRY, g->vcpu.entry, MV_A_PAD) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_CONSOLE_SIZE,
			      mv_console_total(&g->con), MV_A_PAD) ||
	    nla_put_u32(skb, MV_A_GUEST_VCPU_CPU, g->vcpu.last_cpu) ||
	    nla_put_u32(skb, MV_A_GUEST_TSC_KHZ, READ_ONCE(g->vcpu.tsc_khz)) ||
	    nla_put_u8(skb, MV_A_GUEST_TSC_SCALED, !!READ_ONCE(g->vcpu.tsc_mult)))
		return -EMSGSIZE;
	if (state == MV_GUEST_PAUSED &&
	    (nla_put_u32(skb, MV_A_GUEST_PAUSE_REASON,
			 READ_ONCE(g->pause_reason)) ||
	     nla_put_u32(skb, MV_A_GUEST_PAUSE_CPU, READ_ONCE(g->pause_cpu))))
		return -EMSGSIZE;
	if (state == MV_GUEST_STOPPED &&
	    (nla_put_u32(skb, MV_A_GUEST_STOP_REASON, g->stop_reason) ||
	     nla_put_u64_64bit(skb, MV_A_GUEST_STOP_INFO, g->stop_info,
			       MV_A_PAD) ||
	     nla_put_u64_64bit(skb, MV_A_GUEST_STOP_RIP, g->stop_rip,
			       MV_A_PAD)))
		return -EMSGSIZE;
	if ((g->baseline &&
	     nla_put_string(skb, MV_A_GUEST_BASELINE, g->baseline->name)) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_POLICY_HASH,
			      mv_policy_hash(&g->policy), MV_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < MV_F_COUNT; i++) {
		u64 n = READ_ONCE(g->vcpu.violations[i]);

		if (!n)
			continue;
		nest = nla_nest_start(skb, MV_A_GUEST_VIOLATION);
		if (!nest ||
		    nla_put_string(skb, MV_A_VIOLATION_FEATURE,
				   mv_cpuid_features[i].name) ||
		    nla_put_u64_64bit(skb, MV_A_VIOLATION_COUNT, n,
				      MV_A_VIOLATION_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	/* Not a feature: XSETBV with bits no shown or hidden feature names */
	rsv = READ_ONCE(g->vcpu.xcr0_reserved_violations);
	if (rsv) {
		nest = nla_nest_start(skb, MV_A_GUEST_VIOLATION);
		if (!nest ||
		    nla_put_string(skb, MV_A_VIOLATION_FEATURE, "xcr0-reserved") ||
		    nla_put_u64_64bit(skb, MV_A_VIOLATION_COUNT, rsv,
				      MV_A_VIOLATION_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	for (i = 0; i < MV_EXIT_REASONS; i++) {
		u64 n = READ_ONCE(g->vcpu.exits[i]);

		if (!n)
			continue;
		nest = nla_nest_start(skb, MV_A_GUEST_EXITS);
		if (!nest || nla_put_u32(skb, MV_A_EXIT_REASON, i) ||
		    nla_put_u64_64bit(skb, MV_A_EXIT_COUNT, n, MV_A_EXIT_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return audit ? put_audit(skb, &g->vcpu.audit) : 0;
}

static int reply_guest(struct genl_info *info, struct mv_guest *g, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE + MV_AUDIT_NL_SIZE,
					  GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0, cmd);
	if (!hdr || put_guest(msg, g, cmd == MV_CMD_GUEST_GET)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * The baseline is looked up, checked against this host and the guest
 * registered all under mv_baselines_lock, so that the baseline cannot be
 * replaced or deleted in between.
 */
static int mv_nl_guest_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[MV_A_GUEST_NAME], *bla;
	struct mv_guest *g;
	u64 mem;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_GUEST_NAME) ||
	    MV_NL_REQUIRE(info, MV_A_GUEST_MEMORY))
		return -EINVAL;
	if (!mv_name_ok(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "guest " MV_NAME_RULE);
		return -EINVAL;
	}
	mem = nla_get_u64(info->attrs[MV_A_GUEST_MEMORY]);
	if (mem & (SZ_64K - 1)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MV_A_GUEST_MEMORY],
				    "guest memory must be a multiple of 64 KiB");
		return -EINVAL;
	}
	bla = info->attrs[MV_A_GUEST_BASELINE];
	g = mv_guest_new(nla_data(name), mem, bla ? nla_data(bla) : NULL,
			 false, info->extack);
	if (IS_ERR(g)) {
		if (PTR_ERR(g) == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "a guest with this name exists");
		else if (bla && PTR_ERR(g) != -ENOMEM && PTR_ERR(g) != -EINTR &&
			 !info->extack->bad_attr)
			info->extack->bad_attr = bla;
		return PTR_ERR(g);
	}
	ret = reply_guest(info, g, MV_CMD_GUEST_NEW);
	mv_guest_put(g);
	return ret;
}

static int mv_nl_guest_del(struct sk_buff *skb, struct genl_info *info)
{
	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_GUEST_NAME))
		return -EINVAL;
	return mv_guest_delete(nla_data(info->attrs[MV_A_GUEST_NAME]),
			       info->extack);
}

/* The commands that act on one guest found by name. */
static int mv_nl_guest_do(struct sk_buff *skb, struct genl_info *info)
{
	struct mv_guest *g;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	g = lookup(info);
	if (IS_ERR(g))
		return PTR_ERR(g);
	switch (info->genlhdr->cmd) {
	case MV_CMD_GUEST_START:
		ret = mv_guest_start(g, info->extack);
		break;
	case MV_CMD_GUEST_PAUSE:
		ret = mv_guest_pause(g, info->extack);
		break;
	case MV_CMD_GUEST_RESUME:
		ret = mv_guest_resume(g, info->extack);
		break;
	default:
		ret = reply_guest(info, g, MV_CMD_GUEST_GET);
	}
	mv_guest_put(g);
	return ret;
}

/* Every dump skb has room for one guest with a full CPUID audit. */
static int mv_nl_guest_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = NLMSG_GOODSIZE + MV_AUDIT_NL_SIZE;
	return 0;
}

/*
 * cb->args[0]: the id of the last guest put. cb->seq: the registry's
 * generation, so that a dump across a change carries NLM_F_DUMP_INTR.
 */

static int mv_nl_guest_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mv_guest *g;
	unsigned int gen;
	void *hdr;

	while ((g = mv_guest_next(cb->args[0], &gen))) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mv_genl_family,
				  NLM_F_MULTI, MV_CMD_GUEST_GET);
		if (!hdr || put_guest(skb, g, true)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			mv_guest_put(g);
			/* Alone it does not fit: an error, not a short list */
			return skb->len ?: -EMSGSIZE;
		}
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
		cb->args[0] = g->id;
		mv_guest_put(g);
	}
	return skb->len;
}

static int mv_nl_guest_console(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *offa = info->attrs[MV_A_GUEST_CONSOLE_OFFSET];
	struct mv_guest *g;
	struct sk_buff *msg;
	struct nlattr *data;
	u64 off = offa ? nla_get_u64(offa) : 0;
	size_t n;
	void *hdr;
	int ret = -EMSGSIZE;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	g = lookup(info);
	if (IS_ERR(g))
		return PTR_ERR(g);
	msg = genlmsg_new(MV_CONSOLE_CHUNK + 256, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &mv_genl_family, 0,
				MV_CMD_GUEST_CONSOLE);
	if (!hdr)
		goto out_free;
	data = nla_reserve(msg, MV_A_GUEST_CONSOLE_DATA, MV_CONSOLE_CHUNK);
	if (!data)
		goto out_free;
	n = mv_console_read(&g->con, &off, nla_data(data), MV_CONSOLE_CHUNK);
	nlmsg_trim(msg, (u8 *)data + nla_total_size(n));
	data->nla_len = nla_attr_size(n);
	if (nla_put_u64_64bit(msg, MV_A_GUEST_CONSOLE_OFFSET, off, MV_A_PAD) ||
	    nla_put_u64_64bit(msg, MV_A_GUEST_CONSOLE_SIZE,
			      mv_console_total(&g->con), MV_A_PAD) ||
	    nla_put_u32(msg, MV_A_GUEST_STATE, READ_ONCE(g->state)))
		goto out_free;
	genlmsg_end(msg, hdr);
	mv_guest_put(g);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
out_put:
	mv_guest_put(g);
	return ret;
}

struct guest_event {
	struct mv_guest *g;
	u32 event;
};

static int fill_guest_event(struct sk_buff *msg, const void *arg)
{
	const struct guest_event *e = arg;

	return nla_put_u32(msg, MV_A_GUEST_EVENT, e->event) ||
	       put_guest(msg, e->g, false);
}

static int guest_event(struct notifier_block *nb, unsigned long event, void *g)
{
	struct guest_event e = { .g = g, .event = event };

	multicast(MV_CMD_GUEST_EVENT, fill_guest_event, &e);
	return NOTIFY_OK;
}

static struct notifier_block mv_nl_events = {
	.notifier_call = guest_event,
};

static int mv_nl_unknown_cmd(struct sk_buff *skb, struct genl_info *info)
{
	GENL_SET_ERR_MSG(info, "unknown migvisor command (module older than the tool?)");
	return -EOPNOTSUPP;
}

static const struct genl_ops mv_genl_ops_impl[] = {
	{
		.cmd = MV_CMD_HOST_SET,
		.doit = mv_nl_host_set,
		.policy = mv_host_set_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_HOST_GET,
		.doit = mv_nl_host_get,
		.policy = mv_host_get_policy,
		.maxattr = MV_A_MAX,
	},
	{
		.cmd = MV_CMD_GUEST_NEW,
		.doit = mv_nl_guest_new,
		.policy = mv_guest_new_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_DEL,
		.doit = mv_nl_guest_del,
		.policy = mv_guest_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_GET,
		.doit = mv_nl_guest_do,
		.start = mv_nl_guest_dump_start,
		.dumpit = mv_nl_guest_dump,
		.policy = mv_guest_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_START,
		.doit = mv_nl_guest_do,
		.policy = mv_guest_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_PAUSE,
		.doit = mv_nl_guest_do,
		.policy = mv_guest_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_RESUME,
		.doit = mv_nl_guest_do,
		.policy = mv_guest_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_GUEST_CONSOLE,
		.doit = mv_nl_guest_console,
		.policy = mv_guest_console_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_BASELINE_NEW,
		.doit = mv_nl_baseline_new,
		.policy = mv_baseline_new_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_BASELINE_DEL,
		.doit = mv_nl_baseline_del,
		.policy = mv_baseline_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MV_CMD_BASELINE_GET,
		.doit = mv_nl_baseline_get,
		.dumpit = mv_nl_baseline_dump,
		.policy = mv_baseline_name_policy,
		.maxattr = MV_A_MAX,
	},
	{
		.cmd = MV_CMD_BASELINE_SET_DEFAULT,
		.doit = mv_nl_baseline_set_default,
		.policy = mv_baseline_name_policy,
		.maxattr = MV_A_MAX,
		.flags = GENL_ADMIN_PERM,
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
	if (ret)
		goto err_ops;
	ret = mv_events_subscribe(&mv_nl_events);
	if (ret)
		goto err_family;
	return 0;

err_family:
	genl_unregister_family(&mv_genl_family);
err_ops:
	kfree(mv_genl_ops);
	mv_genl_ops = NULL;
	return ret;
}

void mv_genl_uninit(void)
{
	mv_events_unsubscribe(&mv_nl_events);
	genl_unregister_family(&mv_genl_family);
	kfree(mv_genl_ops);
}
