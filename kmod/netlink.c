// SPDX-License-Identifier: GPL-2.0
/*
 * The "migvisor" generic netlink family: its registration, the ops table
 * generated from Documentation/netlink/specs/migvisor.yaml (nl_gen.c),
 * and what the command files share. The commands are in nl_host.c,
 * nl_guest.c and nl_baseline.c.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/migvisor_nl.h>

#include "events.h"
#include "netlink.h"
#include "nl_gen.h"

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

bool mv_nl_version_ok(struct genl_info *info)
{
	if (info->genlhdr->version <= MV_GENL_VERSION)
		return true;
	GENL_SET_ERR_MSG(info, "request uses a newer migvisor netlink version than this module");
	return false;
}

/*
 * An event @cmd to the events group, its attributes put by @fill; none
 * is built while nobody listens. A failure drops the event: listeners
 * learn the state from a dump.
 */
void mv_nl_multicast(u8 cmd, int (*fill)(struct sk_buff *msg, const void *arg),
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

static int mv_nl_unknown_cmd(struct sk_buff *skb, struct genl_info *info)
{
	GENL_SET_ERR_MSG(info, "unknown migvisor command (module older than the tool?)");
	return -EOPNOTSUPP;
}

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
		for (i = 0; i < ARRAY_SIZE(migvisor_nl_ops); i++)
			if (migvisor_nl_ops[i].cmd == cmd)
				*op = migvisor_nl_ops[i];
		/*
		 * YNL's per-op tables have no dump start; one guest with a
		 * full CPUID audit needs more than a default dump skb.
		 */
		if (cmd == MV_CMD_GUEST_GET)
			op->start = mv_nl_guest_dump_start;
	}
	mv_genl_family.ops = mv_genl_ops;
	mv_genl_family.n_ops = MV_CMD_ANSWERED_MAX;

	ret = genl_register_family(&mv_genl_family);
	if (ret)
		goto err_ops;
	ret = mv_events_subscribe(&mv_nl_guest_events);
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
	mv_events_unsubscribe(&mv_nl_guest_events);
	genl_unregister_family(&mv_genl_family);
	kfree(mv_genl_ops);
}
