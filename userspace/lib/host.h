/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host report: what MV_CMD_HOST_GET returns, as plain data. The same
 * model is printed by "mvctl host show" and (later) read back from its
 * JSON to compute pools.
 */
#ifndef MV_HOST_H
#define MV_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/migvisor_nl.h>

#include "../../common/mv_tables.h"
#include "../../common/policy.h"

#define MV_HOST_MAX_CPUID	256
#define MV_HOST_MAX_MSR		32
#define MV_HOST_MAX_CPUS	256

struct mv_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t reg[4];		/* enum mv_cpuid_reg order */
};

struct mv_host {
	char vendor[16];
	char model_name[64];
	uint32_t family, model, stepping, microcode;
	/* Maintenance mode, from the module (not in a report's fingerprint) */
	bool has_maintenance, maintenance;
	/* TSC rate, kHz (0: not reported), and VMX TSC scaling */
	uint32_t tsc_khz;
	bool has_tsc_scaling, tsc_scaling;
	uint64_t feat_ctl;
	uint64_t vmx_caps[MV_VMX_CAP_WORDS];
	unsigned int n_msr;
	struct { uint32_t index; uint64_t value; } msr[MV_HOST_MAX_MSR];
	unsigned int n_cpuid;
	struct mv_cpuid_leaf cpuid[MV_HOST_MAX_CPUID];
	struct mv_policy offer;		/* what this host can give guests */
	unsigned int n_root;		/* VMX root per CPU */
	struct {
		uint32_t cpu, mode;	/* enum mv_vmx_mode */
		char owner[16];
		char why[256];
	} root[MV_HOST_MAX_CPUS];
};

/* "owned", "shared", ... for enum mv_vmx_mode. */
const char *mv_vmx_mode_name(uint32_t mode);

struct nlattr;

int mv_host_from_nl(struct mv_host *h, struct nlattr **tb,
		    struct nlattr *head, int len);
const struct mv_cpuid_leaf *mv_host_leaf(const struct mv_host *h,
					 uint32_t leaf, uint32_t subleaf);
bool mv_host_has_feature(const struct mv_host *h, enum mv_cpuid_feature_id f);
bool mv_host_has_vmx_cap(const struct mv_host *h, enum mv_vmx_cap_id c);
void mv_host_print(const struct mv_host *h, bool details);

/*
 * A host report back from what "mvctl -j host show" printed. Names of VMX
 * capabilities this build does not know (a newer report's) are left out:
 * the raw MSRs still carry them. Errors name the key in @err.
 */
struct json_object;
int mv_host_from_json(struct mv_host *h, struct json_object *o, char *err,
		      size_t errlen);
int mv_host_load_file(const char *path, struct mv_host *h, char *err,
		      size_t errlen);

#endif
