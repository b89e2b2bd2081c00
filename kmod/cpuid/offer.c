// SPDX-License-Identifier: GPL-2.0
/*
 * The host's offer: its CPUID feature words, minus what migvisor cannot
 * give a guest, minus what needs a VMX control this CPU lacks. Baselines
 * are checked against it, and it is the policy of a guest created
 * without one.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "../compat.h"
#include "../vmx/capabilities.h"
#include "offer.h"

struct mv_policy mv_host_offer __ro_after_init;

/*
 * An XSAVE component is offered only where this CPU lays it out in the
 * standard format at the architectural place: the guest's XSAVE image
 * must mean the same on every host of a pool.
 */
static u64 xcr0_offered(void)
{
	u32 a, b, c, d, size, offset;
	u64 x;
	int i;

	cpuid_count(0xd, 0, &a, &b, &c, &d);
	x = (a | ((u64)d << 32)) & MV_XFEATURE_OFFERED;
	for (i = 2; i < 64; i++) {
		if (!(x & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		if (!mv_xfeature_layout(i, &size, &offset) || a != size ||
		    b != offset) {
			pr_info("XSAVE component %d not offered: size %u at %u\n",
				i, a, b);
			x &= ~BIT_ULL(i);
		}
	}
	return x;
}

void __init mv_offer_init(void)
{
	struct mv_policy *p = &mv_host_offer;
	u32 r[4], max_ext;
	int w, f;

	memset(p, 0, sizeof(*p));
	for (w = 0; w < MV_W_COUNT; w++) {
		const struct mv_cpuid_word_desc *d = &mv_cpuid_words[w];
		u32 max = cpuid_eax(d->leaf & 0x80000000);

		if (d->leaf > max)
			continue;
		cpuid_count(d->leaf, d->subleaf, &r[0], &r[1], &r[2], &r[3]);
		p->word[w] = r[d->reg];
	}
	for (f = 0; f < MV_F_COUNT; f++)
		if (!mv_feature_offered(f))
			mv_policy_set(p, f, false);
	/* Hidden unless the VMX control that lets the guest use it exists. */
	if (!mv_vmx_has(MV_VCAP_rdtscp)) {
		mv_policy_set(p, MV_F_rdtscp, false);
		mv_policy_set(p, MV_F_rdpid, false);
	}
	if (!mv_vmx_has(MV_VCAP_invpcid))
		mv_policy_set(p, MV_F_invpcid, false);
	if (!mv_vmx_has(MV_VCAP_xsaves))
		mv_policy_set(p, MV_F_xsaves, false);
	if (mv_policy_has(p, MV_F_xsave))
		p->xcr0 = xcr0_offered();

	p->max_leaf = cpuid_eax(0);
	p->signature = cpuid_eax(1);
	max_ext = cpuid_eax(0x80000000);
	p->phys_bits = max_ext >= 0x80000008 ? cpuid_eax(0x80000008) & 0xff : 36;
	if (max_ext >= 0x80000004) {
		cpuid(0x80000002, (u32 *)&p->brand[0], (u32 *)&p->brand[4],
		      (u32 *)&p->brand[8], (u32 *)&p->brand[12]);
		cpuid(0x80000003, (u32 *)&p->brand[16], (u32 *)&p->brand[20],
		      (u32 *)&p->brand[24], (u32 *)&p->brand[28]);
		cpuid(0x80000004, (u32 *)&p->brand[32], (u32 *)&p->brand[36],
		      (u32 *)&p->brand[40], (u32 *)&p->brand[44]);
	}
	mv_policy_normalise(p);
}
