/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baselines and the host through the kernel API (mv_vm.h's companion):
 * BASELINE_GET read into a struct, the name-only baseline commands, and
 * HOST_GET's TSC facts. Making a baseline from a model stays the tools'
 * work (their model tables and edits compute the policy): mv_bl_add()
 * runs mvctl for that, and tests read back what the kernel holds.
 */
#ifndef MV_SELFTEST_BASELINE_H
#define MV_SELFTEST_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/migvisor.h>

#include "compiler.h"
#include "mv_util.h"

#define MV_BL_USERS	16
#define MV_BL_WORDS	64

/* Register numbers of a policy word (MV_A_WORD_REG) */
enum { MV_BL_EAX, MV_BL_EBX, MV_BL_ECX, MV_BL_EDX };

/* What BASELINE_GET says of a baseline. */
struct mv_bl_info {
	char model[32];
	uint64_t hash;
	uint32_t tsc_khz;
	bool is_default;
	unsigned int nusers;	/* guests on it, in registry order */
	char users[MV_BL_USERS][MV_GUEST_NAME_MAX];
	uint32_t max_leaf, signature;
	uint64_t xcr0;
	unsigned int nwords;
	struct {
		uint32_t leaf, subleaf, reg, mask;
	} words[MV_BL_WORDS];
};

/* "mvctl baseline add @name @how" (how: "model X [edits]", "file F"): its status. */
__printf(2, 3) int mv_bl_add(const char *name, const char *how, ...);
/* BASELINE_GET: 0 with @bi, or -errno with the kernel's reason in @res. */
int mv_bl_get(struct mv_nl *nl, const char *name, struct mv_bl_info *bi,
	      struct mv_nl_result *res);
/* The policy's shown bits of (leaf, subleaf, reg); 0 for a word it lacks. */
uint32_t mv_bl_mask(const struct mv_bl_info *bi, uint32_t leaf, uint32_t subleaf,
		    uint32_t reg);
/*
 * BASELINE_NEW of @policy (a BASELINE_POLICY nest, as BASELINE_GET gives
 * it; copied before sending, so it may point into @res), @model ("" for
 * none), @tsc_khz (0: the host's), and REPLACE if @replace: 0 or -errno.
 */
struct nlattr;
int mv_bl_new(struct mv_nl *nl, const char *name, const char *model,
	      const struct nlattr *policy, uint32_t tsc_khz, bool replace,
	      struct mv_nl_result *res);
/* BASELINE_DEL, and BASELINE_SET_DEFAULT (@name NULL: none): 0 or -errno. */
int mv_bl_del(struct mv_nl *nl, const char *name, struct mv_nl_result *res);
int mv_bl_set_default(struct mv_nl *nl, const char *name, struct mv_nl_result *res);
/* HOST_GET's TSC rate and whether VMX scales it: 0 or -errno. */
int mv_host_tsc(struct mv_nl *nl, uint32_t *khz, bool *scaling,
		struct mv_nl_result *res);

#endif
