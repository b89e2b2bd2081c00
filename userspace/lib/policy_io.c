// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID policies in the tools. The algebra itself is common/policy.c,
 * the same code the module runs; this file moves policies in and out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "json_print.h"
#include "policy_io.h"

static const char *const reg_names[] = { "EAX", "EBX", "ECX", "EDX" };

int mv_policy_put_nl(struct nl_msg *msg, int type, const struct mv_policy *p)
{
	struct nlattr *nest, *w;
	int i;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MV_W_COUNT; i++) {
		w = nla_nest_start(msg, MV_A_POLICY_WORD | NLA_F_NESTED);
		if (!w ||
		    nla_put_u32(msg, MV_A_WORD_LEAF, mv_cpuid_words[i].leaf) ||
		    nla_put_u32(msg, MV_A_WORD_SUBLEAF, mv_cpuid_words[i].subleaf) ||
		    nla_put_u32(msg, MV_A_WORD_REG, mv_cpuid_words[i].reg) ||
		    nla_put_u32(msg, MV_A_WORD_MASK, p->word[i]))
			return -EMSGSIZE;
		nla_nest_end(msg, w);
	}
	if (nla_put_u64(msg, MV_A_POLICY_XCR0, p->xcr0) ||
	    nla_put_u32(msg, MV_A_POLICY_MAX_LEAF, p->max_leaf) ||
	    nla_put_u32(msg, MV_A_POLICY_SIGNATURE, p->signature) ||
	    nla_put_u8(msg, MV_A_POLICY_PHYS_BITS, p->phys_bits) ||
	    nla_put_string(msg, MV_A_POLICY_BRAND, p->brand))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int mv_policy_from_nlattr(struct mv_policy *p, struct nlattr *nest)
{
	struct nlattr *a, *tb[MV_A_WORD_MAX + 1];
	int rem, i;

	memset(p, 0, sizeof(*p));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case MV_A_POLICY_WORD:
			if (nla_parse_nested(tb, MV_A_WORD_MAX, a, NULL) < 0 ||
			    !tb[MV_A_WORD_LEAF] || !tb[MV_A_WORD_SUBLEAF] ||
			    !tb[MV_A_WORD_REG] || !tb[MV_A_WORD_MASK])
				return -EPROTO;
			i = mv_cpuid_word_index(nla_get_u32(tb[MV_A_WORD_LEAF]),
						nla_get_u32(tb[MV_A_WORD_SUBLEAF]),
						nla_get_u32(tb[MV_A_WORD_REG]));
			if (i >= 0)
				p->word[i] = nla_get_u32(tb[MV_A_WORD_MASK]);
			break;
		case MV_A_POLICY_XCR0:
			p->xcr0 = nla_get_u64(a);
			break;
		case MV_A_POLICY_MAX_LEAF:
			p->max_leaf = nla_get_u32(a);
			break;
		case MV_A_POLICY_SIGNATURE:
			p->signature = nla_get_u32(a);
			break;
		case MV_A_POLICY_PHYS_BITS:
			p->phys_bits = nla_get_u8(a);
			break;
		case MV_A_POLICY_BRAND:
			snprintf(p->brand, sizeof(p->brand), "%.*s", nla_len(a),
				 (const char *)nla_data(a));
			break;
		}
	}
	mv_policy_normalise(p);
	return 0;
}

static unsigned int sig_family(uint32_t s)
{
	unsigned int f = (s >> 8) & 0xf;

	return f == 0xf ? f + ((s >> 20) & 0xff) : f;
}

static unsigned int sig_model(uint32_t s)
{
	unsigned int f = (s >> 8) & 0xf, m = (s >> 4) & 0xf;

	return (f == 6 || f == 0xf) ? m | (((s >> 16) & 0xf) << 4) : m;
}

static uint32_t make_sig(unsigned int family, unsigned int model,
			 unsigned int stepping)
{
	uint32_t s = (stepping & 0xf) | ((model & 0xf) << 4) |
		     ((model >> 4 & 0xf) << 16);

	if (family >= 0xf)
		s |= (0xfu << 8) | (((family - 0xf) & 0xff) << 20);
	else
		s |= (family & 0xf) << 8;
	return s;
}

void mv_policy_print(const char *key, const struct mv_policy *p)
{
	unsigned int f;

	open_json_object(key);
	print_hex(PRINT_ANY, "hash", "  hash 0x%016llx\n",
		  (unsigned long long)mv_policy_hash(p));
	print_string(PRINT_ANY, "brand", "  brand \"%s\"\n", p->brand);
	print_uint(PRINT_ANY, "family", "  family %llu", sig_family(p->signature));
	print_uint(PRINT_ANY, "model", " model %llu", sig_model(p->signature));
	print_uint(PRINT_ANY, "stepping", " stepping %llu", p->signature & 0xf);
	print_hex(PRINT_ANY, "signature", " (signature 0x%llx)\n", p->signature);
	print_hex(PRINT_ANY, "max_leaf", "  max leaf 0x%llx", p->max_leaf);
	print_hex(PRINT_ANY, "max_ext_leaf", " max extended leaf 0x%llx\n",
		  p->max_ext_leaf);
	print_hex(PRINT_ANY, "xcr0", "  xcr0 0x%llx", p->xcr0);
	print_uint(PRINT_ANY, "phys_bits", " address bits: physical %llu",
		   p->phys_bits);
	print_uint(PRINT_ANY, "virt_bits", " linear %llu\n", p->virt_bits);
	open_json_array("features");
	print_text("  features:");
	for (f = 0; f < MV_F_COUNT; f++)
		if (mv_policy_has(p, f))
			print_string(PRINT_ANY, NULL, " %s",
				     mv_cpuid_features[f].name);
	close_json_array();
	print_text("\n");
	close_json_object();
}

/*
 * Numbers in reports are JSON numbers or strings of decimal or "0x" hex
 * digits, nothing else: strtoull() alone would take leading blanks and a
 * sign (" -1" is 2^64 - 1), octal, and an empty string of hex digits.
 */
int mv_json_u64(struct json_object *v, uint64_t *out)
{
	const char *s, *d;
	char *end;
	int base = 10;

	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return -EINVAL;
		*out = json_object_get_uint64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = d = json_object_get_string(v);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		d += 2;
	}
	if (!(base == 16 ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d)))
		return -EINVAL;
	errno = 0;
	*out = strtoull(d, &end, base);
	return !*end && !errno ? 0 : -EINVAL;
}

/* Optional numeric @key into @dst (left alone if absent); 0 or -EINVAL */
static int json_num(struct json_object *o, const char *key, uint64_t max,
		    uint64_t *dst, char *err, size_t errlen)
{
	struct json_object *v;
	uint64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (mv_json_u64(v, &n)) {
		snprintf(err, errlen, "bad value for \"%s\": not a number, nor a string of decimal or 0x hex digits",
			 key);
		return -EINVAL;
	}
	if (n > max) {
		snprintf(err, errlen, "bad value for \"%s\": more than %llu", key,
			 (unsigned long long)max);
		return -EINVAL;
	}
	*dst = n;
	return 0;
}

/* The object under @key of @o, if there is one: 1, 0, or -EINVAL if not an object. */
static int json_sub(struct json_object **o, const char *key, char *err,
		    size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(*o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_object)) {
		snprintf(err, errlen, "\"%s\" must be an object", key);
		return -EINVAL;
	}
	*o = v;
	return 1;
}

static const char *const policy_keys[] = {
	"features", "xcr0", "max_leaf", "max_ext_leaf", "signature", "family",
	"model", "stepping", "phys_bits", "virt_bits", "brand", "hash",
	"name", "source", "default", "users",
};

int mv_policy_from_json(struct mv_policy *p, struct json_object *o,
			char *err, size_t errlen)
{
	struct json_object *v, *feats;
	uint64_t n = 0, fam = 0, mod = 0, step = 0;
	bool have_fms = false;
	size_t i, k;
	int f;

	if (json_object_is_type(o, json_type_array)) {
		if (json_object_array_length(o) < 1) {
			snprintf(err, errlen, "empty array: no baseline in it");
			return -EINVAL;
		}
		o = json_object_array_get_idx(o, 0);
	}
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		return -EINVAL;
	}
	/*
	 * A host report: its offer is the policy. Whatever a file holds under
	 * these keys is checked to be an object before it is walked as one.
	 */
	if (json_object_object_get_ex(o, "report_version", NULL) &&
	    json_sub(&o, "offer", err, errlen) < 0)
		return -EINVAL;
	if (json_sub(&o, "policy", err, errlen) < 0)
		return -EINVAL;
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (k = 0; k < ARRAY_SIZE(policy_keys); k++)
			if (!strcmp(key, policy_keys[k]))
				break;
		if (k == ARRAY_SIZE(policy_keys)) {
			snprintf(err, errlen, "unknown key \"%s\"", key);
			return -EINVAL;
		}
	}
	if (!json_object_object_get_ex(o, "features", &feats) ||
	    !json_object_is_type(feats, json_type_array)) {
		snprintf(err, errlen, "\"features\" must be an array of feature names");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	for (i = 0; i < json_object_array_length(feats); i++) {
		v = json_object_array_get_idx(feats, i);
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "features[%zu] is not a string", i);
			return -EINVAL;
		}
		f = mv_feature_lookup(json_object_get_string(v));
		if (f < 0) {
			snprintf(err, errlen, "unknown feature \"%s\"",
				 json_object_get_string(v));
			return -ENOENT;
		}
		mv_policy_set(p, f, true);
	}
	p->xcr0 = MV_XFEATURE_OFFERED;
	p->phys_bits = 36;
	p->max_leaf = 0xd;
	n = p->xcr0;
	if (json_num(o, "xcr0", UINT64_MAX, &n, err, errlen))
		return -EINVAL;
	p->xcr0 = n;
	if (json_num(o, "max_leaf", 0x1f, &n, err, errlen))
		return -EINVAL;
	if (json_object_object_get_ex(o, "max_leaf", NULL))
		p->max_leaf = n;
	if (json_num(o, "signature", UINT32_MAX, &n, err, errlen))
		return -EINVAL;
	if (json_object_object_get_ex(o, "signature", NULL))
		p->signature = n;
	n = p->phys_bits;
	if (json_num(o, "phys_bits", 52, &n, err, errlen))
		return -EINVAL;
	p->phys_bits = n;
	if (json_object_object_get_ex(o, "family", &v) &&
	    !json_object_object_get_ex(o, "signature", NULL)) {
		have_fms = true;
		if (json_num(o, "family", 0xff + 0xf, &fam, err, errlen) ||
		    json_num(o, "model", 0xff, &mod, err, errlen) ||
		    json_num(o, "stepping", 0xf, &step, err, errlen))
			return -EINVAL;
	}
	if (have_fms)
		p->signature = make_sig(fam, mod, step);
	if (json_object_object_get_ex(o, "brand", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) >= MV_BRAND_LEN) {
			snprintf(err, errlen, "\"brand\" must be a string of at most %d bytes",
				 MV_BRAND_LEN - 1);
			return -EINVAL;
		}
		snprintf(p->brand, sizeof(p->brand), "%s", json_object_get_string(v));
	}
	mv_policy_normalise(p);
	return 0;
}

struct json_object *mv_json_load_file(const char *path, char *err,
				      size_t errlen)
{
	struct json_object *o = json_object_from_file(path);

	if (!o)
		snprintf(err, errlen, "%s: cannot read it as JSON (%s)", path,
			 json_util_get_last_err() ? json_util_get_last_err() : "?");
	return o;
}

int mv_policy_load_file(const char *path, struct mv_policy *p, char *err,
			size_t errlen)
{
	struct json_object *o;
	char e[200];
	int ret;

	o = mv_json_load_file(path, err, errlen);
	if (!o)
		return -EINVAL;
	ret = mv_policy_from_json(p, o, e, sizeof(e));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, e);
	json_object_put(o);
	return ret;
}

struct model {
	const char *name, *parent;
	unsigned int family, model, stepping, max_leaf, phys_bits;
	const char *add, *del;
};

static const struct model models[] = {
#define MV_CPU_MODEL(n, par, fa, mo, st, ml, pb, ad, de) \
	{ #n, par, fa, mo, st, ml, pb, ad, de },
#include "../../common/cpu_models.h"
};

unsigned int mv_model_count(void)
{
	return ARRAY_SIZE(models);
}

const char *mv_model_name(unsigned int i)
{
	return i < ARRAY_SIZE(models) ? models[i].name : NULL;
}

static int apply_list(struct mv_policy *p, const char *list, bool on)
{
	char buf[512], *tok, *save;
	int f;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		f = mv_feature_lookup(tok);
		if (f < 0)
			return -ENOENT;
		mv_policy_set(p, f, on);
	}
	return 0;
}

static int model_features(const char *name, struct mv_policy *p, int depth)
{
	unsigned int i;

	if (depth > 32)
		return -ELOOP;
	for (i = 0; i < ARRAY_SIZE(models); i++) {
		const struct model *m = &models[i];

		if (strcmp(m->name, name))
			continue;
		if (*m->parent && model_features(m->parent, p, depth + 1))
			return -ENOENT;
		if (apply_list(p, m->add, true) || apply_list(p, m->del, false))
			return -ENOENT;
		p->signature = make_sig(m->family, m->model, m->stepping);
		p->max_leaf = m->max_leaf;
		p->phys_bits = m->phys_bits;
		snprintf(p->brand, sizeof(p->brand), "migvisor %s baseline", m->name);
		return 0;
	}
	return -ENOENT;
}

int mv_model_policy(const char *name, struct mv_policy *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = model_features(name, p, 0);
	if (ret)
		return ret;
	p->xcr0 = MV_XFEATURE_OFFERED;
	mv_policy_normalise(p);
	return 0;
}

int mv_policy_edit(struct mv_policy *p, const char *tok, char *err,
		   size_t errlen)
{
	bool on = *tok != '-';
	int f;

	if (*tok == '+' || *tok == '-')
		tok++;
	f = mv_feature_lookup(tok);
	if (f < 0) {
		snprintf(err, errlen, "unknown feature \"%s\"", tok);
		return -ENOENT;
	}
	mv_policy_set(p, f, on);
	/* A feature added brings its XCR0 state; closure removes the rest. */
	if (on)
		p->xcr0 |= MV_XFEATURE_OFFERED;
	mv_policy_normalise(p);
	if (on && !mv_policy_has(p, f)) {
		snprintf(err, errlen, "feature \"%s\" needs features the baseline lacks",
			 tok);
		return -EINVAL;
	}
	return 0;
}

const char *mv_feature_where(unsigned int f, char *buf, size_t len)
{
	const struct mv_cpuid_feature_desc *d = &mv_cpuid_features[f];

	snprintf(buf, len, "%s (%x.%u:%s[%u])", d->name, d->leaf, d->subleaf,
		 reg_names[d->reg], d->bit);
	return buf;
}

static void print_items(const char *key, const char *label, const __u32 *w,
			uint64_t xcr0)
{
	char buf[96];
	unsigned int f, i;

	open_json_array(key);
	for (f = 0; f < MV_F_COUNT; f++) {
		const struct mv_cpuid_feature_desc *d = &mv_cpuid_features[f];

		if (!mv_diff_has(w, f))
			continue;
		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, d->name);
		print_hex(PRINT_JSON, "leaf", NULL, d->leaf);
		print_uint(PRINT_JSON, "subleaf", NULL, d->subleaf);
		print_string(PRINT_JSON, "reg", NULL, reg_names[d->reg]);
		print_uint(PRINT_JSON, "bit", NULL, d->bit);
		close_json_object();
		print_text("  %s %s\n", label, mv_feature_where(f, buf, sizeof(buf)));
	}
	for (i = 0; i < 64; i++) {
		if (!(xcr0 >> i & 1))
			continue;
		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, "xcr0");
		print_uint(PRINT_JSON, "bit", NULL, i);
		close_json_object();
		print_text("  %s XCR0 component %u (d.0:EAX)\n", label, i);
	}
	close_json_array();
}

unsigned int mv_policy_diff_print(const struct mv_policy *a,
				  const struct mv_policy *b, bool show_extra)
{
	struct mv_policy_diff d;

	mv_policy_diff(a, b, &d);
	print_items("missing", "missing", d.missing, d.xcr0_missing);
	if (show_extra)
		print_items("extra", "extra  ", d.extra, d.xcr0_extra);
	if (d.phys_bits_short)
		print_text("  missing physical address bits: %u needed, %u available\n",
			   a->phys_bits, b->phys_bits);
	print_bool(PRINT_JSON, "phys_bits_short", NULL, d.phys_bits_short);
	return d.missing_count;
}

void mv_policy_nearest(const struct mv_policy *p, int *richest, int *closest,
		       unsigned int *closest_dist)
{
	struct mv_policy m;
	struct mv_policy_diff d;
	unsigned int i, best_size = 0, w, size;

	*richest = *closest = -1;
	*closest_dist = ~0u;
	for (i = 0; i < ARRAY_SIZE(models); i++) {
		if (mv_model_policy(models[i].name, &m))
			continue;
		mv_policy_diff(&m, p, &d);
		if (d.count < *closest_dist) {
			*closest_dist = d.count;
			*closest = i;
		}
		if (d.missing_count)
			continue;
		for (w = 0, size = 0; w < MV_W_COUNT; w++)
			size += __builtin_popcount(m.word[w]);
		if (size > best_size) {
			best_size = size;
			*richest = i;
		}
	}
}

/* Same ranges and subleaf counts as guests/cpuid-dump.c */
void mv_policy_dump_cpuid(FILE *f, const struct mv_policy *p,
			  const struct mv_cpuid_dyn *dyn)
{
	static const uint32_t bases[] = { 0, 0x40000000, 0x80000000 };
	uint32_t r[4], max, leaf, sub, nsub;
	unsigned int b;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		mv_policy_cpuid(p, bases[b], 0, dyn, r);
		max = r[0];
		if (max < bases[b] || max > bases[b] + 0x40)
			max = bases[b];
		for (leaf = bases[b]; leaf <= max; leaf++) {
			nsub = 1;
			if (leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd ||
			    leaf == 0x1f)
				nsub = leaf == 0xd ? 64 : 8;
			for (sub = 0; sub < nsub; sub++) {
				mv_policy_cpuid(p, leaf, sub, dyn, r);
				fprintf(f, "cpuid %08x.%u: %08x %08x %08x %08x\n",
					leaf, sub, r[0], r[1], r[2], r[3]);
			}
		}
	}
}
