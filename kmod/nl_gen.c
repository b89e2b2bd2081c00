// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/migvisor.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl_gen.h"

#include <uapi/linux/migvisor_nl.h>

/* Common nested types */
const struct nla_policy migvisor_policy_nl_policy[MV_A_POLICY_PAD + 1] = {
	[MV_A_POLICY_WORD] = NLA_POLICY_NESTED(migvisor_word_nl_policy),
	[MV_A_POLICY_XCR0] = { .type = NLA_U64, },
	[MV_A_POLICY_MAX_LEAF] = NLA_POLICY_MAX(NLA_U32, 31),
	[MV_A_POLICY_SIGNATURE] = { .type = NLA_U32, },
	[MV_A_POLICY_PHYS_BITS] = NLA_POLICY_RANGE(NLA_U8, 32, 52),
	[MV_A_POLICY_BRAND] = { .type = NLA_NUL_STRING, .len = 47, },
};

const struct nla_policy migvisor_word_nl_policy[MV_A_WORD_MASK + 1] = {
	[MV_A_WORD_LEAF] = { .type = NLA_U32, },
	[MV_A_WORD_SUBLEAF] = { .type = NLA_U32, },
	[MV_A_WORD_REG] = NLA_POLICY_MAX(NLA_U32, 3),
	[MV_A_WORD_MASK] = { .type = NLA_U32, },
};

/* MV_CMD_HOST_GET - do */
const struct nla_policy migvisor_host_get_nl_policy[MV_A_HOST_PAD + 1] = {
};

/* MV_CMD_HOST_SET - do */
const struct nla_policy migvisor_host_set_nl_policy[MV_A_HOST_MAINTENANCE + 1] = {
	[MV_A_HOST_MAINTENANCE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* MV_CMD_GUEST_NEW - do */
const struct nla_policy migvisor_guest_new_nl_policy[MV_A_GUEST_BASELINE + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[MV_A_GUEST_MEMORY] = { .type = NLA_U64, },
	[MV_A_GUEST_BASELINE] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_DEL - do */
const struct nla_policy migvisor_guest_del_nl_policy[MV_A_GUEST_NAME + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_GET - do */
const struct nla_policy migvisor_guest_get_nl_policy[MV_A_GUEST_NAME + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_START - do */
const struct nla_policy migvisor_guest_start_nl_policy[MV_A_GUEST_NAME + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_PAUSE - do */
const struct nla_policy migvisor_guest_pause_nl_policy[MV_A_GUEST_NAME + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_RESUME - do */
const struct nla_policy migvisor_guest_resume_nl_policy[MV_A_GUEST_NAME + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_GUEST_CONSOLE - do */
const struct nla_policy migvisor_guest_console_nl_policy[MV_A_GUEST_CONSOLE_OFFSET + 1] = {
	[MV_A_GUEST_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[MV_A_GUEST_CONSOLE_OFFSET] = { .type = NLA_U64, },
};

/* MV_CMD_BASELINE_NEW - do */
const struct nla_policy migvisor_baseline_new_nl_policy[MV_A_BASELINE_TSC_KHZ + 1] = {
	[MV_A_BASELINE_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[MV_A_BASELINE_MODEL] = { .type = NLA_NUL_STRING, .len = 31, },
	[MV_A_BASELINE_POLICY] = NLA_POLICY_NESTED(migvisor_policy_nl_policy),
	[MV_A_BASELINE_REPLACE] = { .type = NLA_FLAG, },
	[MV_A_BASELINE_TSC_KHZ] = { .type = NLA_U32, },
};

/* MV_CMD_BASELINE_DEL - do */
const struct nla_policy migvisor_baseline_del_nl_policy[MV_A_BASELINE_NAME + 1] = {
	[MV_A_BASELINE_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_BASELINE_GET - do */
const struct nla_policy migvisor_baseline_get_nl_policy[MV_A_BASELINE_NAME + 1] = {
	[MV_A_BASELINE_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* MV_CMD_BASELINE_SET_DEFAULT - do */
const struct nla_policy migvisor_baseline_set_default_nl_policy[MV_A_BASELINE_NAME + 1] = {
	[MV_A_BASELINE_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* Ops table for migvisor */
const struct genl_ops migvisor_nl_ops[13] = {
	{
		.cmd		= MV_CMD_HOST_GET,
		.doit		= migvisor_nl_host_get_doit,
		.policy		= migvisor_host_get_nl_policy,
		.maxattr	= MV_A_HOST_PAD,
	},
	{
		.cmd		= MV_CMD_HOST_SET,
		.doit		= migvisor_nl_host_set_doit,
		.policy		= migvisor_host_set_nl_policy,
		.maxattr	= MV_A_HOST_MAINTENANCE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_NEW,
		.doit		= migvisor_nl_guest_new_doit,
		.policy		= migvisor_guest_new_nl_policy,
		.maxattr	= MV_A_GUEST_BASELINE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_DEL,
		.doit		= migvisor_nl_guest_del_doit,
		.policy		= migvisor_guest_del_nl_policy,
		.maxattr	= MV_A_GUEST_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_GET,
		.doit		= migvisor_nl_guest_get_doit,
		.dumpit		= migvisor_nl_guest_get_dumpit,
		.policy		= migvisor_guest_get_nl_policy,
		.maxattr	= MV_A_GUEST_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_START,
		.doit		= migvisor_nl_guest_start_doit,
		.policy		= migvisor_guest_start_nl_policy,
		.maxattr	= MV_A_GUEST_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_PAUSE,
		.doit		= migvisor_nl_guest_pause_doit,
		.policy		= migvisor_guest_pause_nl_policy,
		.maxattr	= MV_A_GUEST_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_RESUME,
		.doit		= migvisor_nl_guest_resume_doit,
		.policy		= migvisor_guest_resume_nl_policy,
		.maxattr	= MV_A_GUEST_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_GUEST_CONSOLE,
		.doit		= migvisor_nl_guest_console_doit,
		.policy		= migvisor_guest_console_nl_policy,
		.maxattr	= MV_A_GUEST_CONSOLE_OFFSET,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_BASELINE_NEW,
		.doit		= migvisor_nl_baseline_new_doit,
		.policy		= migvisor_baseline_new_nl_policy,
		.maxattr	= MV_A_BASELINE_TSC_KHZ,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_BASELINE_DEL,
		.doit		= migvisor_nl_baseline_del_doit,
		.policy		= migvisor_baseline_del_nl_policy,
		.maxattr	= MV_A_BASELINE_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MV_CMD_BASELINE_GET,
		.doit		= migvisor_nl_baseline_get_doit,
		.dumpit		= migvisor_nl_baseline_get_dumpit,
		.policy		= migvisor_baseline_get_nl_policy,
		.maxattr	= MV_A_BASELINE_NAME,
	},
	{
		.cmd		= MV_CMD_BASELINE_SET_DEFAULT,
		.doit		= migvisor_nl_baseline_set_default_doit,
		.policy		= migvisor_baseline_set_default_nl_policy,
		.maxattr	= MV_A_BASELINE_NAME,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group migvisor_nl_mcgrps[] = {
	[MIGVISOR_NLGRP_EVENTS] = { "events", },
};
