// SPDX-License-Identifier: GPL-2.0
/*
 * The guest commands and events of the "migvisor" family (Documentation/
 * netlink/specs/migvisor.yaml). The guests themselves are in guest.c.
 */
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <net/genetlink.h>
#include <linux/migvisor_nl.h>

#include "baseline.h"
#include "guest.h"
#include "netlink.h"
#include "nl_gen.h"
#include "cpuid/audit.h"

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
			      READ_ONCE(a->unrecorded), MV_A_GUEST_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Room put_audit() may need, beyond NLMSG_GOODSIZE for the rest. */
#define MV_AUDIT_NL_SIZE \
	(MV_CPUID_AUDIT_MAX * nla_total_size(2 * nla_total_size(4) +	\
					     nla_total_size_64bit(8)) + \
	 nla_total_size_64bit(8))

/* The vCPU's counts: uses of hidden features, and exits by reason */
static int put_counters(struct sk_buff *skb, const struct mv_vcpu *v)
{
	struct nlattr *nest;
	u64 rsv;
	int i;

	for (i = 0; i < MV_F_COUNT; i++) {
		u64 n = READ_ONCE(v->violations[i]);

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
	rsv = READ_ONCE(v->xcr0_reserved_violations);
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
		u64 n = READ_ONCE(v->exits[i]);

		if (!n)
			continue;
		nest = nla_nest_start(skb, MV_A_GUEST_EXITS);
		if (!nest || nla_put_u32(skb, MV_A_EXIT_REASON, i) ||
		    nla_put_u64_64bit(skb, MV_A_EXIT_COUNT, n, MV_A_EXIT_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int put_guest(struct sk_buff *skb, struct mv_guest *g, bool audit)
{
	u32 state = READ_ONCE(g->state);

	/* State before reason: pairs with smp_wmb() in vcpu_stopped() (guest.c). */
	smp_rmb();
	if (nla_put_string(skb, MV_A_GUEST_NAME, g->name) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_MEMORY, g->mem.size, MV_A_GUEST_PAD) ||
	    nla_put_u32(skb, MV_A_GUEST_STATE, state) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_ENTRY, g->vcpu.entry, MV_A_GUEST_PAD) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_CONSOLE_SIZE,
			      mv_console_total(&g->con), MV_A_GUEST_PAD) ||
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
			       MV_A_GUEST_PAD) ||
	     nla_put_u64_64bit(skb, MV_A_GUEST_STOP_RIP, g->stop_rip,
			       MV_A_GUEST_PAD)))
		return -EMSGSIZE;
	if ((g->baseline &&
	     nla_put_string(skb, MV_A_GUEST_BASELINE, g->baseline->name)) ||
	    nla_put_u64_64bit(skb, MV_A_GUEST_POLICY_HASH,
			      mv_policy_hash(&g->policy), MV_A_GUEST_PAD))
		return -EMSGSIZE;
	if (put_counters(skb, &g->vcpu))
		return -EMSGSIZE;
	return audit ? put_audit(skb, &g->vcpu.audit) : 0;
}

static int reply_guest(struct genl_info *info, struct mv_guest *g, u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE + MV_AUDIT_NL_SIZE,
					  GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, mv_nl_family(), 0, cmd);
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
int migvisor_nl_guest_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[MV_A_GUEST_NAME], *bla, *mema;
	struct mv_guest *g;
	u64 mem;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	/* A value check, as the policy's would be: before what is missing. */
	mema = info->attrs[MV_A_GUEST_MEMORY];
	if (mema && (nla_get_u64(mema) < MV_GUEST_MEM_MIN ||
		     nla_get_u64(mema) > MV_GUEST_MEM_MAX)) {
		NL_SET_ERR_MSG_ATTR(info->extack, mema,
				    "guest memory out of range: 1 MiB to 1 GiB");
		return -ERANGE;
	}
	if (MV_NL_REQUIRE(info, MV_A_GUEST_NAME) ||
	    MV_NL_REQUIRE(info, MV_A_GUEST_MEMORY))
		return -EINVAL;
	if (!mv_name_ok(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "guest " MV_NAME_RULE);
		return -EINVAL;
	}
	mem = nla_get_u64(mema);
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

int migvisor_nl_guest_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_GUEST_NAME))
		return -EINVAL;
	return mv_guest_delete(nla_data(info->attrs[MV_A_GUEST_NAME]),
			       info->extack);
}

/* The commands that act on one guest found by name: @act, or a reply. */
static int on_guest(struct genl_info *info,
		    int (*act)(struct mv_guest *g, struct netlink_ext_ack *extack))
{
	struct mv_guest *g;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	g = lookup(info);
	if (IS_ERR(g))
		return PTR_ERR(g);
	ret = act ? act(g, info->extack) : reply_guest(info, g, MV_CMD_GUEST_GET);
	mv_guest_put(g);
	return ret;
}

int migvisor_nl_guest_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return on_guest(info, NULL);
}

int migvisor_nl_guest_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	return on_guest(info, mv_guest_start);
}

int migvisor_nl_guest_pause_doit(struct sk_buff *skb, struct genl_info *info)
{
	return on_guest(info, mv_guest_pause);
}

int migvisor_nl_guest_resume_doit(struct sk_buff *skb, struct genl_info *info)
{
	return on_guest(info, mv_guest_resume);
}

/* Every dump skb has room for one guest with a full CPUID audit. */
int mv_nl_guest_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = NLMSG_GOODSIZE + MV_AUDIT_NL_SIZE;
	return 0;
}

/*
 * cb->args[0]: the id of the last guest put. cb->seq: the registry's
 * generation, so that a dump across a change carries NLM_F_DUMP_INTR.
 */

int migvisor_nl_guest_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct mv_guest *g;
	unsigned int gen;
	void *hdr;

	while ((g = mv_guest_next(cb->args[0], &gen))) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, mv_nl_family(),
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

int migvisor_nl_guest_console_doit(struct sk_buff *skb, struct genl_info *info)
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
	hdr = genlmsg_put_reply(msg, info, mv_nl_family(), 0,
				MV_CMD_GUEST_CONSOLE);
	if (!hdr)
		goto out_free;
	data = nla_reserve(msg, MV_A_GUEST_CONSOLE_DATA, MV_CONSOLE_CHUNK);
	if (!data)
		goto out_free;
	n = mv_console_read(&g->con, &off, nla_data(data), MV_CONSOLE_CHUNK);
	nlmsg_trim(msg, (u8 *)data + nla_total_size(n));
	data->nla_len = nla_attr_size(n);
	if (nla_put_u64_64bit(msg, MV_A_GUEST_CONSOLE_OFFSET, off, MV_A_GUEST_PAD) ||
	    nla_put_u64_64bit(msg, MV_A_GUEST_CONSOLE_SIZE,
			      mv_console_total(&g->con), MV_A_GUEST_PAD) ||
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

	mv_nl_multicast(MV_CMD_GUEST_EVENT, fill_guest_event, &e);
	return NOTIFY_OK;
}

struct notifier_block mv_nl_guest_events = {
	.notifier_call = guest_event,
};
