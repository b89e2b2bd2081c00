// SPDX-License-Identifier: GPL-2.0
/*
 * Baselines and the host's TSC through netlink (mv_baseline.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mv_baseline.h"
#include "mv_guest.h"
#include "mv_vm.h"

int mv_bl_add(const char *name, const char *how, ...)
{
	char words[512];
	va_list ap;

	va_start(ap, how);
	vsnprintf(words, sizeof(words), how, ap);
	va_end(ap);
	return mv_mvctl("baseline add %s %s", name, words);
}

static int request(struct mv_nl *nl, uint8_t cmd, const char *name,
		   struct mv_nl_result *res)
{
	unsigned char attrs[64] = {};
	size_t len = 0;
	int ret;

	if (name)
		len = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, name, strlen(name) + 1);
	ret = mv_nl_request(nl, cmd, MV_GENL_VERSION, attrs, len, res);
	return ret ? ret : res->error;
}

static void copy_str(const struct nlattr *a, char *out, size_t len)
{
	out[0] = 0;
	if (a)
		snprintf(out, len, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
			 (const char *)a + NLA_HDRLEN);
}

/* The policy nest: its scalars and each word */
static void read_policy(struct mv_bl_info *bi, const struct nlattr *pol)
{
	const unsigned char *base = (const void *)pol;
	size_t off = NLA_HDRLEN;

	bi->max_leaf = mv_attr_uint(mv_nested_attr(pol, MV_A_POLICY_MAX_LEAF));
	bi->signature = mv_attr_uint(mv_nested_attr(pol, MV_A_POLICY_SIGNATURE));
	bi->xcr0 = mv_attr_uint(mv_nested_attr(pol, MV_A_POLICY_XCR0));
	while (off + NLA_HDRLEN <= pol->nla_len) {
		const struct nlattr *w = (const void *)(base + off);

		if (w->nla_len < NLA_HDRLEN || off + w->nla_len > pol->nla_len)
			break;
		if ((w->nla_type & NLA_TYPE_MASK) == MV_A_POLICY_WORD &&
		    bi->nwords < MV_BL_WORDS) {
			bi->words[bi->nwords].leaf =
				mv_attr_uint(mv_nested_attr(w, MV_A_WORD_LEAF));
			bi->words[bi->nwords].subleaf =
				mv_attr_uint(mv_nested_attr(w, MV_A_WORD_SUBLEAF));
			bi->words[bi->nwords].reg =
				mv_attr_uint(mv_nested_attr(w, MV_A_WORD_REG));
			bi->words[bi->nwords++].mask =
				mv_attr_uint(mv_nested_attr(w, MV_A_WORD_MASK));
		}
		off += NLA_ALIGN(w->nla_len);
	}
}

int mv_bl_get(struct mv_nl *nl, const char *name, struct mv_bl_info *bi,
	      struct mv_nl_result *res)
{
	const struct nlattr *a = NULL;
	int ret;

	memset(bi, 0, sizeof(*bi));
	ret = request(nl, MV_CMD_BASELINE_GET, name, res);
	if (ret)
		return ret;
	if (!mv_reply_attr(res, MV_A_BASELINE_HASH))
		return -EPROTO;
	copy_str(mv_reply_attr(res, MV_A_BASELINE_MODEL), bi->model, sizeof(bi->model));
	bi->hash = mv_attr_uint(mv_reply_attr(res, MV_A_BASELINE_HASH));
	bi->tsc_khz = mv_attr_uint(mv_reply_attr(res, MV_A_BASELINE_TSC_KHZ));
	bi->is_default = mv_reply_attr(res, MV_A_BASELINE_DEFAULT);
	while ((a = mv_reply_next(res, a))) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case MV_A_BASELINE_USER:
			if (bi->nusers < MV_BL_USERS)
				copy_str(a, bi->users[bi->nusers++], MV_GUEST_NAME_MAX);
			break;
		case MV_A_BASELINE_POLICY:
			read_policy(bi, a);
			break;
		}
	}
	return 0;
}

uint32_t mv_bl_mask(const struct mv_bl_info *bi, uint32_t leaf, uint32_t subleaf,
		    uint32_t reg)
{
	unsigned int i;

	for (i = 0; i < bi->nwords; i++)
		if (bi->words[i].leaf == leaf && bi->words[i].subleaf == subleaf &&
		    bi->words[i].reg == reg)
			return bi->words[i].mask;
	return 0;
}

int mv_bl_new(struct mv_nl *nl, const char *name, const char *model,
	      const struct nlattr *policy, uint32_t tsc_khz, bool replace,
	      struct mv_nl_result *res)
{
	unsigned char attrs[4096];
	size_t len;
	int ret;

	if (policy->nla_len > sizeof(attrs) - 256)
		return -E2BIG;
	len = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, name, strlen(name) + 1);
	if (*model)
		len = mv_nla_put(attrs, len, MV_A_BASELINE_MODEL, model, strlen(model) + 1);
	len = mv_nla_put(attrs, len, MV_A_BASELINE_POLICY | NLA_F_NESTED,
			 (const char *)policy + NLA_HDRLEN, policy->nla_len - NLA_HDRLEN);
	if (tsc_khz)
		len = mv_nla_put(attrs, len, MV_A_BASELINE_TSC_KHZ, &tsc_khz,
				 sizeof(tsc_khz));
	if (replace)
		len = mv_nla_put(attrs, len, MV_A_BASELINE_REPLACE, NULL, 0);
	ret = mv_nl_request(nl, MV_CMD_BASELINE_NEW, MV_GENL_VERSION, attrs, len, res);
	return ret ? ret : res->error;
}

int mv_bl_del(struct mv_nl *nl, const char *name, struct mv_nl_result *res)
{
	return request(nl, MV_CMD_BASELINE_DEL, name, res);
}

int mv_bl_set_default(struct mv_nl *nl, const char *name, struct mv_nl_result *res)
{
	return request(nl, MV_CMD_BASELINE_SET_DEFAULT, name, res);
}

int mv_host_tsc(struct mv_nl *nl, uint32_t *khz, bool *scaling,
		struct mv_nl_result *res)
{
	int ret = request(nl, MV_CMD_HOST_GET, NULL, res);

	if (ret)
		return ret;
	if (!mv_reply_attr(res, MV_A_HOST_TSC_KHZ))
		return -EPROTO;
	*khz = mv_attr_uint(mv_reply_attr(res, MV_A_HOST_TSC_KHZ));
	*scaling = mv_attr_uint(mv_reply_attr(res, MV_A_HOST_TSC_SCALING));
	return 0;
}
