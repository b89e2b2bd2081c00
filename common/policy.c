// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * CPUID policy algebra and the CPUID answers of a policy. Built into
 * migvisor.ko (kmod/Kbuild) and into the tools, from this one file, so that a
 * pool computed by mvctl and a check done by the module cannot disagree.
 */
#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define hweight32(x)	__builtin_popcount(x)
#define hweight64(x)	__builtin_popcountll(x)
#endif

#include <linux/migvisor.h>
#include <linux/migvisor_para.h>

#include "policy.h"

const struct mv_cpuid_word_desc mv_cpuid_words[MV_W_COUNT] = {
#define MV_CPUID_WORD(id, l, s, r) { .leaf = l, .subleaf = s, .reg = r },
#include "cpuid_words.h"
};

static const struct { unsigned short f, needs; } deps[] = {
#define MV_CPUID_DEP(f, n) { MV_F_##f, MV_F_##n },
#include "cpuid_deps.h"
};

/*
 * Never in a guest's CPUID whatever the baseline says: the module has no
 * way to give them (VMX, SMX, MONITOR/MWAIT and PMU/debug-store MSRs
 * fault; AMX, PT, SGX, TSX-control and speculation MSRs are not
 * virtualised), or they describe the host's power management.
 */
static const unsigned short not_offered[] = {
	MV_F_vmx, MV_F_smx, MV_F_monitor, MV_F_dtes64, MV_F_ds_cpl, MV_F_dts,
	MV_F_est, MV_F_tm, MV_F_tm2, MV_F_acpi, MV_F_pbe, MV_F_xtpr,
	MV_F_pdcm, MV_F_pn, MV_F_ia64, MV_F_cid, MV_F_sdbg, MV_F_dca,
	MV_F_ht, MV_F_ss,
	MV_F_osxsave, MV_F_ospke, MV_F_hypervisor,	/* computed */
	MV_F_sgx, MV_F_sgx_lc, MV_F_intel_pt, MV_F_mpx, MV_F_xfd,
	MV_F_amx_tile, MV_F_amx_bf16, MV_F_amx_int8, MV_F_waitpkg,
	MV_F_pconfig, MV_F_arch_lbr, MV_F_ibt, MV_F_tme, MV_F_hle, MV_F_rtm,
	MV_F_rtm_always_abort, MV_F_tsx_force_abort, MV_F_tsxldtrk,
	MV_F_bus_lock_detect, MV_F_hybrid_cpu, MV_F_tsc_adjust, MV_F_cqm,
	MV_F_rdt_a, MV_F_enqcmd, MV_F_cldemote,
	MV_F_spec_ctrl, MV_F_intel_stibp, MV_F_flush_l1d, MV_F_srbds_ctrl,
	MV_F_md_clear, MV_F_arch_capabilities, MV_F_core_capabilities,
	MV_F_spec_ctrl_ssbd,
	MV_F_dtherm, MV_F_ida, MV_F_pln, MV_F_pts, MV_F_hwp, MV_F_hwp_notify,
	MV_F_hwp_act_window, MV_F_hwp_epp, MV_F_hwp_pkg_req, MV_F_hfi,
	/* No local APIC timer or x2APIC MSRs are emulated. */
	MV_F_tsc_deadline_timer, MV_F_x2apic,
};

/* QEMU/libvirt spellings that do not reduce to the cpuinfo name */
static const struct { const char *alias; unsigned short f; } aliases[] = {
	{ "sse3", MV_F_pni },
	{ "pclmuldq", MV_F_pclmulqdq },
	{ "tsc-deadline", MV_F_tsc_deadline_timer },
	{ "lzcnt", MV_F_abm },
	{ "avx512vnni", MV_F_avx512_vnni },
	{ "avx512bitalg", MV_F_avx512_bitalg },
	{ "avx512vbmi2", MV_F_avx512_vbmi2 },
	{ "avx512-4vnniw", MV_F_avx512_4vnniw },
	{ "avx512-4fmaps", MV_F_avx512_4fmaps },
	{ "tsx-ldtrk", MV_F_tsxldtrk },
	{ "ds", MV_F_dts },
	{ "pku", MV_F_pku },
};

int mv_cpuid_word_index(__u32 leaf, __u32 subleaf, __u32 reg)
{
	int w;

	for (w = 0; w < MV_W_COUNT; w++)
		if (mv_cpuid_words[w].leaf == leaf &&
		    mv_cpuid_words[w].subleaf == subleaf &&
		    mv_cpuid_words[w].reg == reg)
			return w;
	return -1;
}

int mv_feature_at(__u32 leaf, __u32 subleaf, __u32 reg, __u32 bit)
{
	int f;

	for (f = 0; f < MV_F_COUNT; f++)
		if (mv_cpuid_features[f].leaf == leaf &&
		    mv_cpuid_features[f].subleaf == subleaf &&
		    mv_cpuid_features[f].reg == reg &&
		    mv_cpuid_features[f].bit == bit)
			return f;
	return -1;
}

bool mv_cpuid_leaf_indexed(__u32 leaf)
{
	/*
	 * Every leaf whose answer the SDM defines per ECX, including those
	 * no baseline shows: the audit is of what the guest asked, and a
	 * program probing leaf 0x14 or 0x1d for its subleaves is telling.
	 */
	switch (leaf) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1b: case 0x1d:
	case 0x1e: case 0x1f: case 0x20: case 0x23: case 0x24:
	case 0x8000001d: case 0x80000020: case 0x80000026:
		return true;
	}
	return false;
}

int mv_feature_word(unsigned int f)
{
	const struct mv_cpuid_feature_desc *d = &mv_cpuid_features[f];

	return mv_cpuid_word_index(d->leaf, d->subleaf, d->reg);
}

bool mv_diff_has(const __u32 *words, unsigned int f)
{
	int w = mv_feature_word(f);

	return w >= 0 && (words[w] >> mv_cpuid_features[f].bit) & 1;
}

bool mv_policy_has(const struct mv_policy *p, unsigned int f)
{
	return mv_diff_has(p->word, f);
}

void mv_policy_set(struct mv_policy *p, unsigned int f, bool on)
{
	int w = mv_feature_word(f);

	if (w < 0)
		return;
	if (on)
		p->word[w] |= 1u << mv_cpuid_features[f].bit;
	else
		p->word[w] &= ~(1u << mv_cpuid_features[f].bit);
}

bool mv_feature_offered(unsigned int f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(not_offered); i++)
		if (not_offered[i] == f)
			return false;
	return true;
}

/* Exact cpuinfo name, a listed alias, or the name with '-' and '.' as '_'. */
int mv_feature_lookup(const char *name)
{
	char norm[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i].alias))
			return aliases[i].f;
	for (i = 0; name[i] && i < sizeof(norm) - 1; i++)
		norm[i] = (name[i] == '-' || name[i] == '.') ? '_' : name[i];
	if (name[i])
		return -1;
	norm[i] = 0;
	for (i = 0; i < MV_F_COUNT; i++)
		if (!strcmp(norm, mv_cpuid_features[i].name))
			return i;
	return -1;
}

/* Every bit the feature table names, in @k's words; nothing else. */
void mv_policy_known(struct mv_policy *k)
{
	unsigned int f;

	memset(k, 0, sizeof(*k));
	for (f = 0; f < MV_F_COUNT; f++)
		mv_policy_set(k, f, true);
}

/* XCR0 components a feature set can use (SDM Vol. 1, 13.2-13.3) */
static __u64 xcr0_usable(const struct mv_policy *p)
{
	__u64 x = 0;

	if (!mv_policy_has(p, MV_F_xsave))
		return 0;
	x = MV_XFEATURE_FP | MV_XFEATURE_SSE;
	if (mv_policy_has(p, MV_F_avx))
		x |= MV_XFEATURE_YMM;
	if (mv_policy_has(p, MV_F_avx512f))
		x |= MV_XFEATURE_AVX512;
	if (mv_policy_has(p, MV_F_pku))
		x |= MV_XFEATURE_PKRU;
	return x & MV_XFEATURE_OFFERED;
}

/*
 * The canonical form of a policy, so that equal meanings compare and hash
 * equal: dependency closure, features whose state XCR0 cannot hold
 * dropped, XCR0 limited to what the features use, the computed bits
 * (OSXSAVE, OSPKE, hypervisor) clear, and the leaf ranges and linear
 * address width implied by the features.
 */
void mv_policy_normalise(struct mv_policy *p)
{
	struct mv_policy known;
	bool changed;
	unsigned int i;
	__u64 x;

	mv_policy_set(p, MV_F_osxsave, false);
	mv_policy_set(p, MV_F_ospke, false);
	mv_policy_set(p, MV_F_hypervisor, false);
	/* Bits the feature table does not name are never set. */
	mv_policy_known(&known);
	for (i = 0; i < MV_W_COUNT; i++)
		p->word[i] &= known.word[i];
	do {
		changed = false;
		for (i = 0; i < ARRAY_SIZE(deps); i++) {
			if (mv_policy_has(p, deps[i].f) &&
			    !mv_policy_has(p, deps[i].needs)) {
				mv_policy_set(p, deps[i].f, false);
				changed = true;
			}
		}
		x = p->xcr0 & xcr0_usable(p);
		if (mv_policy_has(p, MV_F_xsave))
			x |= MV_XFEATURE_FP | MV_XFEATURE_SSE;
		p->xcr0 = x;
		if (mv_policy_has(p, MV_F_avx) && !(x & MV_XFEATURE_YMM)) {
			mv_policy_set(p, MV_F_avx, false);
			changed = true;
		}
		if (mv_policy_has(p, MV_F_avx512f) &&
		    (x & MV_XFEATURE_AVX512) != MV_XFEATURE_AVX512) {
			mv_policy_set(p, MV_F_avx512f, false);
			changed = true;
		}
		if (mv_policy_has(p, MV_F_pku) && !(x & MV_XFEATURE_PKRU)) {
			mv_policy_set(p, MV_F_pku, false);
			changed = true;
		}
	} while (changed);

	if (p->word[MV_W_7_1_EAX] || p->word[MV_W_7_0_EBX] ||
	    p->word[MV_W_7_0_ECX] || p->word[MV_W_7_0_EDX])
		p->max_leaf = p->max_leaf < 7 ? 7 : p->max_leaf;
	if (mv_policy_has(p, MV_F_xsave) && p->max_leaf < 0xd)
		p->max_leaf = 0xd;
	if (p->max_leaf < 1)
		p->max_leaf = 1;
	if (p->max_leaf > 0x1f)
		p->max_leaf = 0x1f;
	p->max_ext_leaf = MV_MAX_EXT_LEAF;
	p->virt_bits = mv_policy_has(p, MV_F_la57) ? 57 : 48;
	if (p->phys_bits < 32)
		p->phys_bits = 32;
	if (p->phys_bits > 52)
		p->phys_bits = 52;
	p->brand[MV_BRAND_LEN - 1] = 0;
	for (i = strlen(p->brand); i < MV_BRAND_LEN; i++)
		p->brand[i] = 0;
}

/* The richest policy both a and b satisfy. */
void mv_policy_meet(struct mv_policy *out, const struct mv_policy *a,
		    const struct mv_policy *b)
{
	struct mv_policy m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < MV_W_COUNT; i++)
		m.word[i] = a->word[i] & b->word[i];
	m.xcr0 = a->xcr0 & b->xcr0;
	m.max_leaf = a->max_leaf < b->max_leaf ? a->max_leaf : b->max_leaf;
	m.phys_bits = a->phys_bits < b->phys_bits ? a->phys_bits : b->phys_bits;
	/* Identity survives only where both agree; pools name a model. */
	if (a->signature == b->signature) {
		m.signature = a->signature;
		if (!strcmp(a->brand, b->brand))
			memcpy(m.brand, a->brand, sizeof(m.brand));
	}
	mv_policy_normalise(&m);
	*out = m;
}

/* What a has that b lacks (missing) and the reverse (extra). */
void mv_policy_diff(const struct mv_policy *a, const struct mv_policy *b,
		    struct mv_policy_diff *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < MV_W_COUNT; i++) {
		d->missing[i] = a->word[i] & ~b->word[i];
		d->extra[i] = b->word[i] & ~a->word[i];
		d->missing_count += hweight32(d->missing[i]);
		d->count += hweight32(d->extra[i]);
	}
	d->xcr0_missing = a->xcr0 & ~b->xcr0;
	d->xcr0_extra = b->xcr0 & ~a->xcr0;
	d->phys_bits_short = b->phys_bits < a->phys_bits;
	d->missing_count += hweight64(d->xcr0_missing) + d->phys_bits_short;
	d->count += hweight64(d->xcr0_extra) + d->missing_count;
}

/* FNV-1a over the canonical little-endian encoding. */
static __u64 fnv(__u64 h, __u64 v, unsigned int bytes)
{
	while (bytes--) {
		h ^= v & 0xff;
		h *= 0x100000001b3ull;
		v >>= 8;
	}
	return h;
}

__u64 mv_policy_hash(const struct mv_policy *p)
{
	__u64 h = 0xcbf29ce484222325ull;
	unsigned int i;

	for (i = 0; i < MV_W_COUNT; i++)
		h = fnv(h, p->word[i], 4);
	h = fnv(h, p->xcr0, 8);
	h = fnv(h, p->max_leaf, 4);
	h = fnv(h, p->max_ext_leaf, 4);
	h = fnv(h, p->signature, 4);
	h = fnv(h, p->phys_bits, 1);
	h = fnv(h, p->virt_bits, 1);
	for (i = 0; i < MV_BRAND_LEN; i++)
		h = fnv(h, (__u8)p->brand[i], 1);
	return h;
}

/* Standard-format offsets and sizes, the same on every Intel CPU. */
bool mv_xfeature_layout(unsigned int i, __u32 *size, __u32 *offset)
{
	static const struct { __u16 size, offset; } l[] = {
		[2] = { 256, 576 }, [3] = { 64, 960 }, [4] = { 64, 1024 },
		[5] = { 64, 1088 }, [6] = { 512, 1152 }, [7] = { 1024, 1664 },
		[9] = { 8, 2688 },
	};

	if (i >= ARRAY_SIZE(l) || !l[i].size)
		return false;
	*size = l[i].size;
	*offset = l[i].offset;
	return true;
}

unsigned int mv_xsave_size(__u64 xcr0, bool compacted)
{
	unsigned int i, end = MV_XSAVE_LEGACY_SIZE;
	__u32 size, offset;
	__u64 m;

	/* Set bits only: this runs on every CPUID exit for leaf 0xd. */
	for (m = xcr0 & ~3ull; m; m &= m - 1) {
		i = __builtin_ctzll(m);
		if (!mv_xfeature_layout(i, &size, &offset))
			continue;
		if (compacted)
			end += size;
		else if (offset + size > end)
			end = offset + size;
	}
	return end;
}

/*
 * Normalised caches (leaf 4 and 0x80000006): the same on every host, as
 * the guest's view of its one vCPU must be. Type, level, ways, sets.
 */
static const struct { __u8 type, level, ways; __u16 sets; } caches[] = {
	{ 1, 1, 8, 64 },	/* L1d 32 KiB */
	{ 2, 1, 8, 64 },	/* L1i 32 KiB */
	{ 3, 2, 8, 512 },	/* L2 256 KiB */
	{ 3, 3, 16, 8192 },	/* L3 8 MiB */
};
#define MV_CACHE_LINE		64
#define MV_L2_LEAF_ECX		((256u << 16) | (6u << 12) | MV_CACHE_LINE)

/* "migvisor" in EBX, ECX, EDX with the NULs, as KVM's "KVMKVMKVM\0\0\0" */
#define MV_SIG_EBX		0x7667696d	/* "migv" */
#define MV_SIG_ECX		0x726f7369	/* "isor" */
#define MV_SIG_EDX		0
#define MV_CPUID_MAX_HV		0x40000001

#define CR4_PKE			(1ull << 22)
#define CR4_OSXSAVE		(1ull << 18)

static void hv_leaf(const struct mv_policy *p, __u32 leaf, __u32 r[4])
{
	__u64 h;

	if (leaf == 0x40000000) {
		r[0] = MV_CPUID_MAX_HV;
		r[1] = MV_SIG_EBX;
		r[2] = MV_SIG_ECX;
		r[3] = MV_SIG_EDX;
	} else if (leaf == 0x40000001) {
		/* Interface: hypercall ABI, and the baseline's hash. */
		h = mv_policy_hash(p);
		r[0] = MV_HC_ABI_VERSION;
		r[1] = (__u32)h;
		r[2] = (__u32)(h >> 32);
	}
}

static void xsave_leaf(const struct mv_policy *p, __u32 sub,
		       const struct mv_cpuid_dyn *dyn, __u32 r[4])
{
	__u32 size, offset;

	if (!mv_policy_has(p, MV_F_xsave))
		return;
	if (sub == 0) {
		r[0] = (__u32)p->xcr0;
		r[1] = mv_xsave_size(dyn->xcr0 & p->xcr0, false);
		r[2] = mv_xsave_size(p->xcr0, false);
		r[3] = (__u32)(p->xcr0 >> 32);
	} else if (sub == 1) {
		/*
		 * EBX: the compacted size for XCR0 | IA32_XSS (XSS is always
		 * 0 here), which XSAVEC users size their buffers by.
		 */
		r[0] = p->word[MV_W_D_1_EAX];
		if (mv_policy_has(p, MV_F_xsavec) || mv_policy_has(p, MV_F_xsaves))
			r[1] = mv_xsave_size(dyn->xcr0 & p->xcr0, true);
	} else if (sub < 63 && (p->xcr0 & (1ull << sub)) &&
		   mv_xfeature_layout(sub, &size, &offset)) {
		r[0] = size;
		r[1] = offset;
	}
}

/*
 * The guest's CPUID for (leaf, subleaf). Everything comes from the
 * policy, or is a constant, or is the guest's own state (dyn): never the
 * host's, so the answer is the same on every host that satisfies it.
 */
void mv_policy_cpuid(const struct mv_policy *p, __u32 leaf, __u32 sub,
		     const struct mv_cpuid_dyn *dyn, __u32 r[4])
{
	unsigned int c;

	r[0] = r[1] = r[2] = r[3] = 0;
	if (leaf >= 0x40000000 && leaf <= 0x400000ff) {
		hv_leaf(p, leaf, r);
		return;
	}
	/* Intel: beyond the range, the highest basic leaf answers (SDM 2A). */
	if (leaf < 0x80000000 ? leaf > p->max_leaf : leaf > p->max_ext_leaf)
		leaf = p->max_leaf;

	switch (leaf) {
	case 0:
		r[0] = p->max_leaf;
		r[1] = 0x756e6547;	/* "GenuineIntel" */
		r[2] = 0x6c65746e;
		r[3] = 0x49656e69;
		break;
	case 1:
		r[0] = p->signature;
		r[1] = (dyn->apic_id << 24) | (1u << 16);
		if (mv_policy_has(p, MV_F_clflush))
			r[1] |= (MV_CACHE_LINE / 8) << 8;
		r[2] = p->word[MV_W_1_ECX] | (1u << 31);	/* hypervisor */
		if ((dyn->cr4 & CR4_OSXSAVE) && mv_policy_has(p, MV_F_xsave))
			r[2] |= 1u << 27;
		r[3] = p->word[MV_W_1_EDX];
		break;
	case 2:
		r[0] = 0x0000ff01;	/* one round; 0xff: see leaf 4 */
		break;
	case 4:
		if (sub >= ARRAY_SIZE(caches))
			break;
		c = sub;
		r[0] = caches[c].type | (caches[c].level << 5) | (1u << 8);
		r[1] = (MV_CACHE_LINE - 1) | ((__u32)(caches[c].ways - 1) << 22);
		r[2] = caches[c].sets - 1;
		break;
	case 6:
		r[0] = p->word[MV_W_6_EAX];
		break;
	case 7:
		if (sub == 0) {
			r[0] = p->word[MV_W_7_1_EAX] ? 1 : 0;
			r[1] = p->word[MV_W_7_0_EBX];
			r[2] = p->word[MV_W_7_0_ECX];
			if ((dyn->cr4 & CR4_PKE) && mv_policy_has(p, MV_F_pku))
				r[2] |= 1u << 4;	/* OSPKE */
			r[3] = p->word[MV_W_7_0_EDX];
		} else if (sub == 1) {
			r[0] = p->word[MV_W_7_1_EAX];
		}
		break;
	case 0xb:
		/* One vCPU: an SMT level and a core level of one each. */
		r[2] = sub & 0xff;
		if (sub < 2) {
			r[1] = 1;
			r[2] |= (sub + 1) << 8;
		}
		r[3] = dyn->apic_id;
		break;
	case 0xd:
		xsave_leaf(p, sub, dyn, r);
		break;
	case 0x80000000:
		r[0] = p->max_ext_leaf;
		break;
	case 0x80000001:
		r[2] = p->word[MV_W_81_ECX];
		r[3] = p->word[MV_W_81_EDX];
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
		memcpy(r, p->brand + (leaf - 0x80000002) * 16, 16);
		break;
	case 0x80000006:
		r[2] = MV_L2_LEAF_ECX;
		break;
	case 0x80000008:
		r[0] = p->phys_bits | (p->virt_bits << 8);
		r[1] = p->word[MV_W_88_EBX];
		break;
	}
}
