// SPDX-License-Identifier: GPL-2.0
/*
 * The per-guest CPUID audit: the answer to "which CPU features does this
 * workload ask about". Counted in the CPUID exit, which every guest CPUID
 * takes, so nothing is sampled or missed.
 */
#include <linux/compiler.h>
#include <asm/barrier.h>

#include "../../common/policy.h"
#include "audit.h"

void mv_audit_cpuid(struct mv_cpuid_audit *a, u32 leaf, u32 sub)
{
	u32 i, n = a->used;

	/* ECX is noise for a leaf without subleaves: one entry per leaf. */
	if (!mv_cpuid_leaf_indexed(leaf))
		sub = 0;
	for (i = 0; i < n; i++) {
		if (a->q[i].leaf == leaf && a->q[i].subleaf == sub) {
			WRITE_ONCE(a->q[i].count, a->q[i].count + 1);
			return;
		}
	}
	if (n == MV_CPUID_AUDIT_MAX) {
		WRITE_ONCE(a->unrecorded, a->unrecorded + 1);
		return;
	}
	a->q[n].leaf = leaf;
	a->q[n].subleaf = sub;
	a->q[n].count = 1;
	/* Pairs with mv_audit_used(): an entry is whole before it counts */
	smp_store_release(&a->used, n + 1);
}
