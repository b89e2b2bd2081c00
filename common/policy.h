/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * CPUID policies: a baseline, a host's offer, or a pool's meet. One
 * implementation (common/policy.c) serves the module, which answers guest
 * CPUID from it and checks baselines against the host, and the tools,
 * which compute pools and comparisons. Needs only <linux/types.h>.
 */
#ifndef _MV_POLICY_H
#define _MV_POLICY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <linux/types.h>
#endif

#include "mv_tables.h"

/* The CPUID registers that hold feature flags (common/cpuid_words.h) */
enum mv_cpuid_word {
#define MV_CPUID_WORD(id, l, s, r) MV_W_##id,
#include "cpuid_words.h"
	MV_W_COUNT
};

struct mv_cpuid_word_desc {
	__u32 leaf;
	__u32 subleaf;
	__u8 reg;
};

extern const struct mv_cpuid_word_desc mv_cpuid_words[MV_W_COUNT];

#define MV_BRAND_LEN		48	/* CPUID 0x80000002-4, NUL included */
#define MV_MAX_EXT_LEAF		0x80000008

/* XCR0 components migvisor can give a guest (SDM Vol. 1, 13.1) */
#define MV_XFEATURE_FP		(1ull << 0)
#define MV_XFEATURE_SSE		(1ull << 1)
#define MV_XFEATURE_YMM		(1ull << 2)
#define MV_XFEATURE_BNDREGS	(1ull << 3)
#define MV_XFEATURE_BNDCSR	(1ull << 4)
#define MV_XFEATURE_OPMASK	(1ull << 5)
#define MV_XFEATURE_ZMM_HI256	(1ull << 6)
#define MV_XFEATURE_HI16_ZMM	(1ull << 7)
#define MV_XFEATURE_PKRU	(1ull << 9)
#define MV_XFEATURE_AVX512	(MV_XFEATURE_OPMASK | MV_XFEATURE_ZMM_HI256 | \
				 MV_XFEATURE_HI16_ZMM)
#define MV_XFEATURE_MPX		(MV_XFEATURE_BNDREGS | MV_XFEATURE_BNDCSR)
#define MV_XFEATURE_OFFERED	(MV_XFEATURE_FP | MV_XFEATURE_SSE | \
				 MV_XFEATURE_YMM | MV_XFEATURE_AVX512 | \
				 MV_XFEATURE_PKRU)
#define MV_XSAVE_LEGACY_SIZE	576	/* legacy area + XSAVE header */

/**
 * struct mv_policy - what a guest's CPUID says
 * @word: feature flags, by enum mv_cpuid_word
 * @xcr0: XCR0 bits the guest may set (0 without xsave)
 * @max_leaf: highest basic leaf (CPUID.0:EAX)
 * @max_ext_leaf: highest extended leaf (CPUID.80000000H:EAX)
 * @signature: CPUID.1:EAX (family, model, stepping); 0 = none chosen
 * @phys_bits: MAXPHYADDR (CPUID.80000008H:EAX[7:0])
 * @virt_bits: linear address width (CPUID.80000008H:EAX[15:8])
 * @brand: CPUID 0x80000002-4, NUL-terminated
 */
struct mv_policy {
	__u32 word[MV_W_COUNT];
	__u64 xcr0;
	__u32 max_leaf;
	__u32 max_ext_leaf;
	__u32 signature;
	__u8 phys_bits;
	__u8 virt_bits;
	char brand[MV_BRAND_LEN];
};

/* Guest state some CPUID outputs depend on */
struct mv_cpuid_dyn {
	__u32 apic_id;
	__u64 cr4;
	__u64 xcr0;
};

/* Differences between two policies a and b: "missing" is in a, not b. */
struct mv_policy_diff {
	__u32 missing[MV_W_COUNT];
	__u32 extra[MV_W_COUNT];
	__u64 xcr0_missing;
	__u64 xcr0_extra;
	bool phys_bits_short;		/* b has fewer address bits than a */
	unsigned int missing_count;	/* missing items, all kinds: 0 = b satisfies a */
	unsigned int count;		/* missing + extra items, all kinds */
};

/* The index of the feature word at (leaf, subleaf, register), or -1 */
int mv_cpuid_word_index(__u32 leaf, __u32 subleaf, __u32 reg);
int mv_feature_word(unsigned int f);
bool mv_policy_has(const struct mv_policy *p, unsigned int f);
void mv_policy_set(struct mv_policy *p, unsigned int f, bool on);
int mv_feature_lookup(const char *name);
/* The feature at (leaf, subleaf, register, bit), or -1 */
int mv_feature_at(__u32 leaf, __u32 subleaf, __u32 reg, __u32 bit);
/* Does CPUID @leaf answer by subleaf (ECX)? Intel SDM 2A, CPUID. */
bool mv_cpuid_leaf_indexed(__u32 leaf);
bool mv_feature_offered(unsigned int f);
void mv_policy_known(struct mv_policy *k);
void mv_policy_normalise(struct mv_policy *p);
void mv_policy_meet(struct mv_policy *out, const struct mv_policy *a,
		    const struct mv_policy *b);
void mv_policy_diff(const struct mv_policy *a, const struct mv_policy *b,
		    struct mv_policy_diff *d);
bool mv_diff_has(const __u32 *words, unsigned int f);
__u64 mv_policy_hash(const struct mv_policy *p);
unsigned int mv_xsave_size(__u64 xcr0, bool compacted);
bool mv_xfeature_layout(unsigned int i, __u32 *size, __u32 *offset);
void mv_policy_cpuid(const struct mv_policy *p, __u32 leaf, __u32 sub,
		     const struct mv_cpuid_dyn *dyn, __u32 r[4]);

#endif /* _MV_POLICY_H */
