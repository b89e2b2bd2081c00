// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Record-stream helpers shared by migvisor.ko and mvmig (see record.h).
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

#include <linux/migvisor_rec.h>

#include "abi_layout.h"
#include "record.h"

__u32 mv_rec_crc(const struct mv_rec *h, __u32 payload)
{
	struct mv_rec z = *h;

	z.crc = 0;
	return ~mv_crc32c(payload, &z, sizeof(z));
}

void mv_rec_baseline_put(void *payload, const struct mv_policy *p,
			 const char *name)
{
	struct mv_rec_baseline *b = payload;
	struct mv_rec_word *w = (struct mv_rec_word *)(b + 1);
	unsigned int i;

	memset(payload, 0, mv_rec_baseline_len());
	b->hash = mv_policy_hash(p);
	b->xcr0 = p->xcr0;
	/* Zeroed above: the name stays NUL-terminated and padded. */
	memcpy(b->name, name, strnlen(name, sizeof(b->name) - 1));
	memcpy(b->brand, p->brand, sizeof(b->brand));
	b->brand[sizeof(b->brand) - 1] = 0;
	b->max_leaf = p->max_leaf;
	b->max_ext_leaf = p->max_ext_leaf;
	b->signature = p->signature;
	b->phys_bits = p->phys_bits;
	b->virt_bits = p->virt_bits;
	b->nwords = MV_W_COUNT;
	for (i = 0; i < MV_W_COUNT; i++) {
		w[i].leaf = mv_cpuid_words[i].leaf;
		w[i].subleaf = mv_cpuid_words[i].subleaf;
		w[i].reg = mv_cpuid_words[i].reg;
		w[i].mask = p->word[i];
	}
}


int mv_rec_baseline_get(const void *payload, size_t len,
			struct mv_policy *p, char *name, const char **why)
{
	const struct mv_rec_baseline *b = payload;
	const struct mv_rec_word *w = (const struct mv_rec_word *)(b + 1);
	struct mv_policy known, canon;
	unsigned int i, seen = 0;

	*why = "BASELINE record is too short";
	if (len < sizeof(*b))
		return -1;
	*why = "BASELINE record length does not match its word count";
	if (len != sizeof(*b) + (size_t)b->nwords * sizeof(*w))
		return -1;
	*why = "baseline name or brand is not NUL-terminated";
	if (!memchr(b->name, 0, sizeof(b->name)) ||
	    !memchr(b->brand, 0, sizeof(b->brand)))
		return -1;
	memset(p, 0, sizeof(*p));
	mv_policy_known(&known);
	for (i = 0; i < b->nwords; i++) {
		int k = mv_cpuid_word_index(w[i].leaf, w[i].subleaf, w[i].reg);

		*why = "BASELINE record has a CPUID word this version does not know";
		if (k < 0)
			return -1;
		*why = "BASELINE record repeats a CPUID word";
		if (seen & (1u << k))
			return -1;
		*why = "BASELINE record has a feature bit this version does not know";
		if (w[i].mask & ~known.word[k])
			return -1;
		seen |= 1u << k;
		p->word[k] = w[i].mask;
	}
	p->xcr0 = b->xcr0;
	p->max_leaf = b->max_leaf;
	p->max_ext_leaf = b->max_ext_leaf;
	p->signature = b->signature;
	p->phys_bits = b->phys_bits;
	p->virt_bits = b->virt_bits;
	memcpy(p->brand, b->brand, sizeof(p->brand));
	canon = *p;
	mv_policy_normalise(&canon);
	*why = "BASELINE record policy is not canonical";
	if (memcmp(canon.word, p->word, sizeof(p->word)) ||
	    canon.xcr0 != p->xcr0 || canon.max_leaf != p->max_leaf ||
	    canon.max_ext_leaf != p->max_ext_leaf ||
	    canon.phys_bits != p->phys_bits || canon.virt_bits != p->virt_bits)
		return -1;
	*why = "BASELINE record hash does not match its policy";
	if (mv_policy_hash(p) != b->hash)
		return -1;
	if (name)
		memcpy(name, b->name, sizeof(b->name));
	return 0;
}

/* Entries are copied out: a stream's payload need not be aligned. */
int mv_rec_audit_check(const void *payload, size_t len, const char **why)
{
	const unsigned char *q = (const unsigned char *)payload +
				 sizeof(struct mv_rec_audit);
	const unsigned char *f;
	struct mv_rec_audit a;
	struct mv_rec_audit_query qi, qj;
	struct mv_rec_audit_feature fi, fj;
	__u32 i, j;

	*why = "AUDIT record is too short";
	if (len < sizeof(a))
		return -1;
	memcpy(&a, payload, sizeof(a));
	*why = "AUDIT record has more entries than this version keeps";
	if (a.queries > MV_CPUID_AUDIT_MAX || a.features > MV_F_COUNT)
		return -1;
	*why = "AUDIT record length does not match its entry counts";
	if (len != mv_rec_audit_len(a.queries, a.features))
		return -1;
	*why = "AUDIT record's reserved field is not zero (a newer writer?)";
	if (a.reserved)
		return -1;
	for (i = 0; i < a.queries; i++) {
		memcpy(&qi, q + i * sizeof(qi), sizeof(qi));
		*why = "AUDIT record has a CPUID query counted zero times";
		if (!qi.count)
			return -1;
		*why = "AUDIT record has a subleaf for a leaf without subleaves";
		if (qi.subleaf && !mv_cpuid_leaf_indexed(qi.leaf))
			return -1;
		*why = "AUDIT record repeats a CPUID query";
		for (j = 0; j < i; j++) {
			memcpy(&qj, q + j * sizeof(qj), sizeof(qj));
			if (qj.leaf == qi.leaf && qj.subleaf == qi.subleaf)
				return -1;
		}
	}
	f = q + a.queries * sizeof(qi);
	for (i = 0; i < a.features; i++) {
		memcpy(&fi, f + i * sizeof(fi), sizeof(fi));
		*why = "AUDIT record has a feature used zero times";
		if (!fi.count)
			return -1;
		*why = "AUDIT record names a feature this version does not know";
		if (mv_feature_at(fi.leaf, fi.subleaf, fi.reg, fi.bit) < 0)
			return -1;
		*why = "AUDIT record repeats a feature";
		for (j = 0; j < i; j++) {
			memcpy(&fj, f + j * sizeof(fj), sizeof(fj));
			if (fj.leaf == fi.leaf && fj.subleaf == fi.subleaf &&
			    fj.reg == fi.reg && fj.bit == fi.bit)
				return -1;
		}
	}
	return 0;
}

const char *mv_rec_type_name(__u32 type)
{
	static const char *const names[] = {
		[MV_REC_HEADER] = "HEADER", [MV_REC_BASELINE] = "BASELINE",
		[MV_REC_CONFIG] = "CONFIG", [MV_REC_PAGES] = "PAGES",
		[MV_REC_VCPU] = "VCPU", [MV_REC_END] = "END",
		[MV_REC_AUDIT] = "AUDIT",
	};

	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}
