/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit: scripts/ynl-gen writes it from */
/* (ARRAY_SIZE: the tools' compiler.h, which every build forces in) */
/*	Documentation/netlink/specs/migvisor.yaml */
#ifndef MV_NL_NAMES_H
#define MV_NL_NAMES_H

#include <stddef.h>
#include <linux/migvisor_nl.h>

static const char *const mv_nl_host_attr_names[] = {
	[MV_A_HOST_VENDOR] = "vendor",
	[MV_A_HOST_MODEL_NAME] = "model-name",
	[MV_A_HOST_FAMILY] = "family",
	[MV_A_HOST_MODEL] = "model",
	[MV_A_HOST_STEPPING] = "stepping",
	[MV_A_HOST_MICROCODE] = "microcode",
	[MV_A_HOST_VMX_FEAT_CTL] = "vmx-feat-ctl",
	[MV_A_HOST_VMX_CAPS] = "vmx-caps",
	[MV_A_HOST_VMX_MSR] = "vmx-msr",
	[MV_A_HOST_CPUID] = "cpuid",
	[MV_A_HOST_OFFER] = "offer",
	[MV_A_HOST_VMX_ROOT] = "vmx-root",
	[MV_A_HOST_MAINTENANCE] = "maintenance",
	[MV_A_HOST_TSC_KHZ] = "tsc-khz",
	[MV_A_HOST_TSC_SCALING] = "tsc-scaling",
	[MV_A_HOST_PAD] = "pad",
};

static const char *const mv_nl_guest_attr_names[] = {
	[MV_A_GUEST_NAME] = "name",
	[MV_A_GUEST_MEMORY] = "memory",
	[MV_A_GUEST_BASELINE] = "baseline",
	[MV_A_GUEST_STATE] = "state",
	[MV_A_GUEST_ENTRY] = "entry",
	[MV_A_GUEST_STOP_REASON] = "stop-reason",
	[MV_A_GUEST_STOP_INFO] = "stop-info",
	[MV_A_GUEST_STOP_RIP] = "stop-rip",
	[MV_A_GUEST_PAUSE_REASON] = "pause-reason",
	[MV_A_GUEST_PAUSE_CPU] = "pause-cpu",
	[MV_A_GUEST_VCPU_CPU] = "vcpu-cpu",
	[MV_A_GUEST_EXITS] = "exits",
	[MV_A_GUEST_CONSOLE_SIZE] = "console-size",
	[MV_A_GUEST_CONSOLE_OFFSET] = "console-offset",
	[MV_A_GUEST_CONSOLE_DATA] = "console-data",
	[MV_A_GUEST_EVENT] = "event",
	[MV_A_GUEST_VIOLATION] = "violation",
	[MV_A_GUEST_POLICY_HASH] = "policy-hash",
	[MV_A_GUEST_TSC_KHZ] = "tsc-khz",
	[MV_A_GUEST_TSC_SCALED] = "tsc-scaled",
	[MV_A_GUEST_CPUID_QUERY] = "cpuid-query",
	[MV_A_GUEST_CPUID_UNRECORDED] = "cpuid-unrecorded",
	[MV_A_GUEST_PAD] = "pad",
};

static const char *const mv_nl_baseline_attr_names[] = {
	[MV_A_BASELINE_NAME] = "name",
	[MV_A_BASELINE_MODEL] = "model",
	[MV_A_BASELINE_POLICY] = "policy",
	[MV_A_BASELINE_HASH] = "hash",
	[MV_A_BASELINE_DEFAULT] = "default",
	[MV_A_BASELINE_USER] = "user",
	[MV_A_BASELINE_REPLACE] = "replace",
	[MV_A_BASELINE_TSC_KHZ] = "tsc-khz",
	[MV_A_BASELINE_PAD] = "pad",
};

/* A command's name, and the attribute set its requests carry. */
static const struct mv_nl_cmd_name {
	const char *name;
	const char *const *attrs;
	size_t n_attrs;
} mv_nl_cmd_names[] = {
	[MV_CMD_HOST_GET] = { "host-get", mv_nl_host_attr_names,
		ARRAY_SIZE(mv_nl_host_attr_names) },
	[MV_CMD_HOST_SET] = { "host-set", mv_nl_host_attr_names,
		ARRAY_SIZE(mv_nl_host_attr_names) },
	[MV_CMD_HOST_EVENT] = { "host-event", mv_nl_host_attr_names,
		ARRAY_SIZE(mv_nl_host_attr_names) },
	[MV_CMD_GUEST_NEW] = { "guest-new", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_DEL] = { "guest-del", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_GET] = { "guest-get", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_START] = { "guest-start", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_PAUSE] = { "guest-pause", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_RESUME] = { "guest-resume", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_CONSOLE] = { "guest-console", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_GUEST_EVENT] = { "guest-event", mv_nl_guest_attr_names,
		ARRAY_SIZE(mv_nl_guest_attr_names) },
	[MV_CMD_BASELINE_NEW] = { "baseline-new", mv_nl_baseline_attr_names,
		ARRAY_SIZE(mv_nl_baseline_attr_names) },
	[MV_CMD_BASELINE_DEL] = { "baseline-del", mv_nl_baseline_attr_names,
		ARRAY_SIZE(mv_nl_baseline_attr_names) },
	[MV_CMD_BASELINE_GET] = { "baseline-get", mv_nl_baseline_attr_names,
		ARRAY_SIZE(mv_nl_baseline_attr_names) },
	[MV_CMD_BASELINE_SET_DEFAULT] = { "baseline-set-default", mv_nl_baseline_attr_names,
		ARRAY_SIZE(mv_nl_baseline_attr_names) },
};

/* The name of attribute @type of a @cmd request, or NULL. */
static inline const char *mv_nl_attr_name(unsigned int cmd, unsigned int type)
{
	const struct mv_nl_cmd_name *c;

	if (cmd >= ARRAY_SIZE(mv_nl_cmd_names))
		return NULL;
	c = &mv_nl_cmd_names[cmd];
	return c->attrs && type < c->n_attrs ? c->attrs[type] : NULL;
}

#endif
