// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline commands of the "migvisor" family (Documentation/netlink/
 * specs/migvisor.yaml).
 * The rules themselves are in baseline.c.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "baseline.h"
#include "cpuid/policy_nl.h"
#include "guest.h"
#include "netlink.h"
#include "nl_gen.h"

int migvisor_nl_baseline_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[MV_A_BASELINE_NAME];
	struct nlattr *model = info->attrs[MV_A_BASELINE_MODEL];
	struct nlattr *khz;
	struct mv_policy p;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	/* A value check, as the policy's would be: before what is missing. */
	khz = info->attrs[MV_A_BASELINE_TSC_KHZ];
	if (khz && (nla_get_u32(khz) < MV_TSC_KHZ_MIN ||
		    nla_get_u32(khz) > MV_TSC_KHZ_MAX)) {
		NL_SET_ERR_MSG_ATTR(info->extack, khz,
				    "TSC rate out of range: 1000 to 20000000 kHz");
		return -ERANGE;
	}
	if (MV_NL_REQUIRE(info, MV_A_BASELINE_NAME) ||
	    MV_NL_REQUIRE(info, MV_A_BASELINE_POLICY))
		return -EINVAL;
	if (!mv_name_ok(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "baseline " MV_NAME_RULE);
		return -EINVAL;
	}
	ret = mv_policy_from_nl(info->attrs[MV_A_BASELINE_POLICY], &p,
				info->extack);
	if (ret)
		return ret;
	return mv_baseline_add(nla_data(name), model ? nla_data(model) : "",
			       &p, khz ? nla_get_u32(khz) : 0,
			       nla_get_flag(info->attrs[MV_A_BASELINE_REPLACE]),
			       info->extack);
}

int migvisor_nl_baseline_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_BASELINE_NAME))
		return -EINVAL;
	return mv_baseline_del(nla_data(info->attrs[MV_A_BASELINE_NAME]),
			       info->extack);
}

int migvisor_nl_baseline_set_default_doit(struct sk_buff *skb,
					  struct genl_info *info)
{
	struct nlattr *name = info->attrs[MV_A_BASELINE_NAME];

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	return mv_baseline_set_default(name ? nla_data(name) : NULL,
				       info->extack);
}

struct baseline_users {
	struct sk_buff *skb;
	const struct mv_baseline *bl;
};

static int put_one_user(struct mv_guest *g, void *arg)
{
	struct baseline_users *u = arg;

	if (g->baseline == u->bl &&
	    nla_put_string(u->skb, MV_A_BASELINE_USER, g->name))
		return -EMSGSIZE;
	return 0;
}

static int put_baseline(struct sk_buff *skb, struct mv_baseline *bl)
{
	struct baseline_users u = { .skb = skb, .bl = bl };

	if (nla_put_string(skb, MV_A_BASELINE_NAME, bl->name) ||
	    nla_put_string(skb, MV_A_BASELINE_MODEL, bl->model) ||
	    nla_put_u64_64bit(skb, MV_A_BASELINE_HASH, bl->hash, MV_A_BASELINE_PAD) ||
	    nla_put_u32(skb, MV_A_BASELINE_TSC_KHZ, bl->tsc_khz) ||
	    mv_policy_to_nl(skb, MV_A_BASELINE_POLICY, &bl->policy) ||
	    (mv_baseline_is_default(bl) &&
	     nla_put_flag(skb, MV_A_BASELINE_DEFAULT)))
		return -EMSGSIZE;
	/* One pass under the registry lock, not a lookup per guest. */
	return mv_guests_for_each(put_one_user, &u);
}

static int reply_baseline(struct genl_info *info, struct mv_baseline *bl)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, mv_nl_family(), 0,
				MV_CMD_BASELINE_GET);
	if (!hdr || put_baseline(msg, bl)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int migvisor_nl_baseline_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[MV_A_BASELINE_NAME];
	struct mv_baseline *bl;
	int ret;

	if (!mv_nl_version_ok(info))
		return -EOPNOTSUPP;
	if (MV_NL_REQUIRE(info, MV_A_BASELINE_NAME))
		return -EINVAL;
	mutex_lock(&mv_baselines_lock);
	bl = mv_baseline_find(nla_data(name));
	if (bl)
		mv_baseline_get(bl);
	mutex_unlock(&mv_baselines_lock);
	if (!bl) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no baseline with this name");
		return -ENOENT;
	}
	ret = reply_baseline(info, bl);
	mv_baseline_put(bl);
	return ret;
}

/* As the guest dump: cb->args[0] is the last id put, cb->seq the generation. */
int migvisor_nl_baseline_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct mv_baseline *bl;
	unsigned int gen;
	void *hdr;

	while ((bl = mv_baseline_next(cb->args[0], &gen))) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, mv_nl_family(),
				  NLM_F_MULTI, MV_CMD_BASELINE_GET);
		if (!hdr || put_baseline(skb, bl)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			mv_baseline_put(bl);
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		genlmsg_end(skb, hdr);
		cb->args[0] = bl->id;
		mv_baseline_put(bl);
	}
	return skb->len;
}
