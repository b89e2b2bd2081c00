// SPDX-License-Identifier: GPL-2.0
/*
 * Host reports: decode MV_CMD_HOST_GET replies and print them by name.
 */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>
#include <netlink/attr.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

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
	h->has_maintenance = tb[MV_A_HOST_MAINTENANCE];
	h->maintenance = h->has_maintenance && nla_get_u8(tb[MV_A_HOST_MAINTENANCE]);
	h->tsc_khz = get_u32(tb[MV_A_HOST_TSC_KHZ]);
	h->has_tsc_scaling = tb[MV_A_HOST_TSC_SCALING];
	h->tsc_scaling = h->has_tsc_scaling && nla_get_u8(tb[MV_A_HOST_TSC_SCALING]);
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
	if (h->has_maintenance) {
		print_bool(PRINT_JSON, "maintenance", NULL, h->maintenance);
		print_string(PRINT_FP, NULL, "maintenance %s\n",
			     h->maintenance ? "on" : "off");
	}
	/* Whether guests of another rate can run here without drift */
	if (h->tsc_khz) {
		print_uint(PRINT_ANY, "tsc_khz", "tsc %llu kHz", h->tsc_khz);
		if (h->has_tsc_scaling) {
			print_bool(PRINT_JSON, "tsc_scaling", NULL, h->tsc_scaling);
			print_string(PRINT_FP, NULL, ", scaling %s",
				     h->tsc_scaling ? "yes" : "no");
		}
		print_text("\n");
	}

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

static int json_field(struct json_object *o, const char *key, bool needed,
		      uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		if (needed)
			snprintf(err, errlen, "no \"%s\" in it", key);
		return needed ? -EINVAL : 0;
	}
	if (mv_json_u64(v, out) || *out > max) {
		snprintf(err, errlen, "bad value for \"%s\": not a number up to %llu",
			 key, (unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

static int json_str(struct json_object *o, const char *key, char *dst,
		    size_t len, char *err, size_t errlen)
{
	struct json_object *v;

	dst[0] = 0;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "\"%s\" must be a string", key);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", json_object_get_string(v));
	return 0;
}

/* The array under @key, or NULL (with @err set) if it is something else */
static struct json_object *json_array(struct json_object *o, const char *key,
				      bool *bad, char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (!json_object_is_type(v, json_type_array)) {
		snprintf(err, errlen, "\"%s\" must be an array", key);
		*bad = true;
		return NULL;
	}
	return v;
}

static int json_vmx(struct mv_host *h, struct json_object *vmx, char *err,
		    size_t errlen)
{
	static const char *const lists[] = { "flags", "caps" };
	struct json_object *a, *e;
	uint64_t idx, val, n;
	bool bad = false;
	size_t i, k;
	int c;

	if (!json_object_is_type(vmx, json_type_object)) {
		snprintf(err, errlen, "\"vmx\" must be an object");
		return -EINVAL;
	}
	if (json_field(vmx, "feature_control", false, UINT64_MAX, &n, err, errlen))
		return -EINVAL;
	h->feat_ctl = json_object_object_get_ex(vmx, "feature_control", NULL) ? n : 0;
	for (k = 0; k < ARRAY_SIZE(lists); k++) {
		a = json_array(vmx, lists[k], &bad, err, errlen);
		for (i = 0; a && i < json_object_array_length(a); i++) {
			e = json_object_array_get_idx(a, i);
			if (!json_object_is_type(e, json_type_string)) {
				snprintf(err, errlen, "vmx %s[%zu] is not a string",
					 lists[k], i);
				return -EINVAL;
			}
			for (c = 0; c < MV_VCAP_COUNT; c++)
				if (!strcmp(mv_vmx_caps[c].name, json_object_get_string(e)))
					break;
			if (c < MV_VCAP_COUNT)
				h->vmx_caps[c / 64] |= 1ull << (c % 64);
		}
		if (bad)
			return -EINVAL;
	}
	a = json_array(vmx, "msrs", &bad, err, errlen);
	for (i = 0; a && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (h->n_msr >= MV_HOST_MAX_MSR) {
			snprintf(err, errlen, "more than %d VMX MSRs", MV_HOST_MAX_MSR);
			return -E2BIG;
		}
		if (!json_object_is_type(e, json_type_object) ||
		    json_field(e, "index", true, UINT32_MAX, &idx, err, errlen) ||
		    json_field(e, "value", true, UINT64_MAX, &val, err, errlen)) {
			snprintf(err, errlen, "vmx msrs[%zu] is not {\"index\", \"value\"}", i);
			return -EINVAL;
		}
		h->msr[h->n_msr].index = idx;
		h->msr[h->n_msr++].value = val;
	}
	return bad ? -EINVAL : 0;
}

static int json_root(struct mv_host *h, struct json_object *a, char *err,
		     size_t errlen)
{
	char mode[16];
	uint64_t cpu;
	size_t i;
	uint32_t m;

	for (i = 0; i < json_object_array_length(a) && h->n_root < MV_HOST_MAX_CPUS; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_object) ||
		    json_field(e, "cpu", true, UINT32_MAX, &cpu, err, errlen) ||
		    json_str(e, "mode", mode, sizeof(mode), err, errlen) ||
		    json_str(e, "owner", h->root[h->n_root].owner,
			     sizeof(h->root[0].owner), err, errlen) ||
		    json_str(e, "why", h->root[h->n_root].why,
			     sizeof(h->root[0].why), err, errlen)) {
			snprintf(err, errlen, "vmx_root[%zu] is not {\"cpu\", \"mode\", ...}", i);
			return -EINVAL;
		}
		/* A mode this build has no name for stays unknown, not "off". */
		for (m = 0; m <= MV_VMX_MODE_FOREIGN; m++)
			if (!strcmp(mv_vmx_mode_name(m), mode))
				break;
		h->root[h->n_root].cpu = cpu;
		h->root[h->n_root++].mode = m <= MV_VMX_MODE_FOREIGN ? m : UINT32_MAX;
	}
	return 0;
}

static int json_cpuid(struct mv_host *h, struct json_object *a, char *err,
		      size_t errlen)
{
	static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
	struct mv_cpuid_leaf *l;
	uint64_t n;
	size_t i;
	int r;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (h->n_cpuid >= MV_HOST_MAX_CPUID) {
			snprintf(err, errlen, "more than %d CPUID leaves", MV_HOST_MAX_CPUID);
			return -E2BIG;
		}
		l = &h->cpuid[h->n_cpuid++];
		if (!json_object_is_type(e, json_type_object))
			goto bad;
		if (json_field(e, "leaf", true, UINT32_MAX, &n, err, errlen))
			goto bad;
		l->leaf = n;
		if (json_field(e, "subleaf", true, UINT32_MAX, &n, err, errlen))
			goto bad;
		l->subleaf = n;
		for (r = 0; r < 4; r++) {
			if (json_field(e, regs[r], true, UINT32_MAX, &n, err, errlen))
				goto bad;
			l->reg[r] = n;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "cpuid[%zu] is not {\"leaf\", \"subleaf\", \"eax\", ...}", i);
	return -EINVAL;
}

int mv_host_from_json(struct mv_host *h, struct json_object *o, char *err,
		      size_t errlen)
{
	struct json_object *v;
	bool bad = false;
	uint64_t n;

	memset(h, 0, sizeof(*h));
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "report_version", NULL)) {
		snprintf(err, errlen, "not a host report (no \"report_version\")");
		return -EINVAL;
	}
	if (json_str(o, "vendor", h->vendor, sizeof(h->vendor), err, errlen) ||
	    json_str(o, "model_name", h->model_name, sizeof(h->model_name), err, errlen))
		return -EINVAL;
	if (json_field(o, "family", false, UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	h->family = json_object_object_get_ex(o, "family", NULL) ? n : 0;
	if (json_field(o, "model", false, UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	h->model = json_object_object_get_ex(o, "model", NULL) ? n : 0;
	if (json_field(o, "stepping", false, UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	h->stepping = json_object_object_get_ex(o, "stepping", NULL) ? n : 0;
	/* Drift and the fingerprint are about these: they must be there. */
	if (json_field(o, "microcode", true, UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	h->microcode = n;
	/*
	 * Optional (reports from before TSC rates were in them), and not in
	 * the fingerprint or the drift: a host's calibrated rate can move
	 * by a few kHz from one boot to the next.
	 */
	if (json_field(o, "tsc_khz", false, UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	h->tsc_khz = json_object_object_get_ex(o, "tsc_khz", NULL) ? n : 0;
	if (json_object_object_get_ex(o, "tsc_scaling", &v)) {
		if (!json_object_is_type(v, json_type_boolean)) {
			snprintf(err, errlen, "\"tsc_scaling\" must be true or false");
			return -EINVAL;
		}
		h->has_tsc_scaling = true;
		h->tsc_scaling = json_object_get_boolean(v);
	}
	if (!json_object_object_get_ex(o, "vmx", &v)) {
		snprintf(err, errlen, "no \"vmx\" in it");
		return -EINVAL;
	}
	if (json_vmx(h, v, err, errlen))
		return -EINVAL;
	v = json_array(o, "vmx_root", &bad, err, errlen);
	if (bad || (v && json_root(h, v, err, errlen)))
		return -EINVAL;
	v = json_array(o, "cpuid", &bad, err, errlen);
	if (bad || (v && json_cpuid(h, v, err, errlen)))
		return -EINVAL;
	if (!json_object_object_get_ex(o, "offer", NULL)) {
		snprintf(err, errlen, "no \"offer\" in it");
		return -EINVAL;
	}
	return mv_policy_from_json(&h->offer, o, err, errlen);
}

int mv_host_load_file(const char *path, struct mv_host *h, char *err,
		      size_t errlen)
{
	struct json_object *o;
	char e[200] = "";
	int ret;

	o = mv_json_load_file(path, err, errlen);
	if (!o)
		return -EINVAL;
	ret = mv_host_from_json(h, o, e, sizeof(e));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, e);
	json_object_put(o);
	return ret;
}
