// SPDX-License-Identifier: GPL-2.0
/*
 * Host reports: decode MV_CMD_HOST_GET replies and print them by name.
 */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>

#include <linux/migvisor.h>

#include "host.h"
#include "json_print.h"
#include "policy_io.h"

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	if (!a) {
		dst[0] = 0;
		return;
	}
	snprintf(dst, len, "%.*s", nla_len(a), (const char *)nla_data(a));
	dst[strnlen(dst, len)] = 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32((struct nlattr *)a) : 0;
}

static int parse_cpuid(struct mv_host *h, struct nlattr *nest)
{
	struct nlattr *tb[MV_A_CPUID_MAX + 1];
	struct mv_cpuid_leaf *l;

	if (h->n_cpuid >= MV_HOST_MAX_CPUID)
		return -E2BIG;
	if (nla_parse_nested(tb, MV_A_CPUID_MAX, nest, NULL) < 0 ||
	    !tb[MV_A_CPUID_LEAF] || !tb[MV_A_CPUID_SUBLEAF])
		return -EPROTO;
	l = &h->cpuid[h->n_cpuid++];
	l->leaf = get_u32(tb[MV_A_CPUID_LEAF]);
	l->subleaf = get_u32(tb[MV_A_CPUID_SUBLEAF]);
	l->reg[MV_EAX] = get_u32(tb[MV_A_CPUID_EAX]);
	l->reg[MV_EBX] = get_u32(tb[MV_A_CPUID_EBX]);
	l->reg[MV_ECX] = get_u32(tb[MV_A_CPUID_ECX]);
	l->reg[MV_EDX] = get_u32(tb[MV_A_CPUID_EDX]);
	return 0;
}

static int parse_msr(struct mv_host *h, struct nlattr *nest)
{
	struct nlattr *tb[MV_A_MSR_MAX + 1];

	if (h->n_msr >= MV_HOST_MAX_MSR)
		return -E2BIG;
	if (nla_parse_nested(tb, MV_A_MSR_MAX, nest, NULL) < 0 ||
	    !tb[MV_A_MSR_INDEX] || !tb[MV_A_MSR_VALUE])
		return -EPROTO;
	h->msr[h->n_msr].index = nla_get_u32(tb[MV_A_MSR_INDEX]);
	h->msr[h->n_msr].value = nla_get_u64(tb[MV_A_MSR_VALUE]);
	h->n_msr++;
	return 0;
}

static int parse_root(struct mv_host *h, struct nlattr *nest)
{
	struct nlattr *tb[MV_A_VMXROOT_MAX + 1];
	unsigned int i = h->n_root;

	/* More CPUs than a report holds: the rest are left out. */
	if (i >= MV_HOST_MAX_CPUS)
		return 0;
	if (nla_parse_nested(tb, MV_A_VMXROOT_MAX, nest, NULL) < 0 ||
	    !tb[MV_A_VMXROOT_CPU] || !tb[MV_A_VMXROOT_MODE])
		return -EPROTO;
	h->root[i].cpu = get_u32(tb[MV_A_VMXROOT_CPU]);
	h->root[i].mode = get_u32(tb[MV_A_VMXROOT_MODE]);
	copy_str(h->root[i].owner, sizeof(h->root[i].owner),
		 tb[MV_A_VMXROOT_OWNER]);
	copy_str(h->root[i].why, sizeof(h->root[i].why), tb[MV_A_VMXROOT_WHY]);
	h->n_root++;
	return 0;
}

const char *mv_vmx_mode_name(uint32_t mode)
{
	static const char *const names[] = {
		[MV_VMX_MODE_OFF] = "off",
		[MV_VMX_MODE_KVM_ONLY] = "off-kvm-only",
		[MV_VMX_MODE_OWNED] = "owned",
		[MV_VMX_MODE_SHARED] = "shared",
		[MV_VMX_MODE_FOREIGN] = "foreign",
	};

	return mode < ARRAY_SIZE(names) && names[mode] ? names[mode] : "unknown";
}

int mv_host_from_nl(struct mv_host *h, struct nlattr **tb,
		    struct nlattr *head, int len)
{
	struct nlattr *a;
	int rem, ret, w = 0;

	memset(h, 0, sizeof(*h));
	if (!tb[MV_A_HOST_VENDOR] || !tb[MV_A_HOST_VMX_CAPS])
		return -EPROTO;
	copy_str(h->vendor, sizeof(h->vendor), tb[MV_A_HOST_VENDOR]);
	copy_str(h->model_name, sizeof(h->model_name), tb[MV_A_HOST_MODEL_NAME]);
	h->family = get_u32(tb[MV_A_HOST_FAMILY]);
	h->model = get_u32(tb[MV_A_HOST_MODEL]);
	h->stepping = get_u32(tb[MV_A_HOST_STEPPING]);
	h->microcode = get_u32(tb[MV_A_HOST_MICROCODE]);
	if (tb[MV_A_HOST_VMX_FEAT_CTL])
		h->feat_ctl = nla_get_u64(tb[MV_A_HOST_VMX_FEAT_CTL]);
	if (tb[MV_A_HOST_OFFER] &&
	    mv_policy_from_nlattr(&h->offer, tb[MV_A_HOST_OFFER]))
		return -EPROTO;
	nla_for_each_nested(a, tb[MV_A_HOST_VMX_CAPS], rem) {
		if (nla_type(a) == MV_A_CAPS_WORD && w < MV_VMX_CAP_WORDS)
			h->vmx_caps[w++] = nla_get_u64(a);
	}
	nla_for_each_attr(a, head, len, rem) {
		ret = 0;
		if (nla_type(a) == MV_A_HOST_CPUID)
			ret = parse_cpuid(h, a);
		else if (nla_type(a) == MV_A_HOST_VMX_MSR)
			ret = parse_msr(h, a);
		else if (nla_type(a) == MV_A_HOST_VMX_ROOT)
			ret = parse_root(h, a);
		if (ret)
			return ret;
	}
	return 0;
}

const struct mv_cpuid_leaf *mv_host_leaf(const struct mv_host *h,
					 uint32_t leaf, uint32_t subleaf)
{
	for (unsigned int i = 0; i < h->n_cpuid; i++)
		if (h->cpuid[i].leaf == leaf && h->cpuid[i].subleaf == subleaf)
			return &h->cpuid[i];
	return NULL;
}

bool mv_host_has_feature(const struct mv_host *h, enum mv_cpuid_feature_id f)
{
	const struct mv_cpuid_feature_desc *d = &mv_cpuid_features[f];
	const struct mv_cpuid_leaf *l = mv_host_leaf(h, d->leaf, d->subleaf);

	return l && (l->reg[d->reg] >> d->bit) & 1;
}

bool mv_host_has_vmx_cap(const struct mv_host *h, enum mv_vmx_cap_id c)
{
	return (h->vmx_caps[c / 64] >> (c % 64)) & 1;
}

/* Print names of set VMX capabilities whose CPUINFO flag equals @cpuinfo. */
static void print_vmx_names(const struct mv_host *h, const char *key,
			    const char *label, bool cpuinfo)
{
	open_json_array(key);
	print_text("%s:", label);
	for (int i = 0; i < MV_VCAP_COUNT; i++) {
		bool ci = mv_vmx_caps[i].flags & MV_VCF_CPUINFO;

		if (ci != cpuinfo || !mv_host_has_vmx_cap(h, i))
			continue;
		print_string(PRINT_ANY, NULL, " %s", mv_vmx_caps[i].name);
	}
	print_text("\n");
	close_json_array();
}

static void print_feature_names(const struct mv_host *h, const char *key,
				const char *label, bool hidden)
{
	open_json_array(key);
	print_text("%s:", label);
	for (int i = 0; i < MV_F_COUNT; i++) {
		bool hid = mv_cpuid_features[i].flags & MV_FF_HIDDEN;

		if (hid != hidden || !mv_host_has_feature(h, i))
			continue;
		print_string(PRINT_ANY, NULL, " %s", mv_cpuid_features[i].name);
	}
	print_text("\n");
	close_json_array();
}

void mv_host_print(const struct mv_host *h, bool details)
{
	open_json_object(NULL);
	print_uint(PRINT_JSON, "report_version", NULL, 1);
	print_string(PRINT_ANY, "vendor", "vendor %s", h->vendor);
	print_uint(PRINT_ANY, "family", " family %llu", h->family);
	print_uint(PRINT_ANY, "model", " model %llu", h->model);
	print_uint(PRINT_ANY, "stepping", " stepping %llu", h->stepping);
	print_hex(PRINT_ANY, "microcode", " microcode 0x%llx\n", h->microcode);
	print_string(PRINT_ANY, "model_name", "model name: %s\n", h->model_name);

	open_json_object("vmx");
	print_hex(PRINT_ANY, "feature_control",
		  "vmx feature control: 0x%llx", h->feat_ctl);
	print_bool(PRINT_ANY, "locked", " locked %s", h->feat_ctl & 1);
	print_bool(PRINT_ANY, "vmxon_outside_smx", " vmxon-outside-smx %s\n",
		   h->feat_ctl & 4);
	print_vmx_names(h, "flags", "vmx flags", true);
	print_vmx_names(h, "caps", "vmx caps", false);
	open_json_array("msrs");
	if (details)
		print_text("vmx msrs:\n");
	for (unsigned int i = 0; i < h->n_msr; i++) {
		open_json_object(NULL);
		print_hex(PRINT_JSON, "index", NULL, h->msr[i].index);
		print_hex(PRINT_JSON, "value", NULL, h->msr[i].value);
		close_json_object();
		if (details)
			print_text("  0x%03x 0x%016llx\n", h->msr[i].index,
				   (unsigned long long)h->msr[i].value);
	}
	close_json_array();
	close_json_object();

	open_json_array("vmx_root");
	print_text("vmx root:\n");
	for (unsigned int i = 0; i < h->n_root; i++) {
		open_json_object(NULL);
		print_uint(PRINT_ANY, "cpu", "  cpu %llu", h->root[i].cpu);
		print_string(PRINT_ANY, "mode", ": %s",
			     mv_vmx_mode_name(h->root[i].mode));
		if (h->root[i].owner[0])
			print_string(PRINT_ANY, "owner", " (%s)", h->root[i].owner);
		else
			print_string(PRINT_JSON, "owner", NULL, "");
		print_string(PRINT_ANY, "why", ": %s\n", h->root[i].why);
		close_json_object();
	}
	close_json_array();

	print_feature_names(h, "flags", "flags", false);
	print_feature_names(h, "flags_hidden", "flags not in /proc/cpuinfo", true);
	print_text("offer (the richest baseline this host satisfies):\n");
	mv_policy_print("offer", &h->offer);

	open_json_array("cpuid");
	if (details)
		print_text("cpuid:\n");
	for (unsigned int i = 0; i < h->n_cpuid; i++) {
		const struct mv_cpuid_leaf *l = &h->cpuid[i];

		open_json_object(NULL);
		print_hex(PRINT_JSON, "leaf", NULL, l->leaf);
		print_hex(PRINT_JSON, "subleaf", NULL, l->subleaf);
		print_hex(PRINT_JSON, "eax", NULL, l->reg[MV_EAX]);
		print_hex(PRINT_JSON, "ebx", NULL, l->reg[MV_EBX]);
		print_hex(PRINT_JSON, "ecx", NULL, l->reg[MV_ECX]);
		print_hex(PRINT_JSON, "edx", NULL, l->reg[MV_EDX]);
		close_json_object();
		if (details)
			print_text("  0x%08x.%u: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
				   l->leaf, l->subleaf, l->reg[MV_EAX],
				   l->reg[MV_EBX], l->reg[MV_ECX],
				   l->reg[MV_EDX]);
	}
	close_json_array();
	close_json_object();
}
