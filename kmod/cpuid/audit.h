/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CPUID_AUDIT_H
#define _MV_CPUID_AUDIT_H

#include <linux/types.h>
#include <asm/barrier.h>
#include <linux/migvisor.h>

struct mv_cpuid_query {
	u32 leaf;
	u32 subleaf;
	u64 count;
};

/*
 * Which (leaf, subleaf) pairs a guest asked CPUID for, and how often.
 * Written by the guest's vCPU thread alone (or, before it ever runs, by a
 * restore under the guest's lock); netlink reads it at any time, so each
 * entry is complete before @used counts it (release/acquire) and counts
 * are single-copy atomic.
 */
struct mv_cpuid_audit {
	struct mv_cpuid_query q[MV_CPUID_AUDIT_MAX];
	u32 used;
	u64 unrecorded;		/* queries of new pairs once @q was full */
};

/* Count one CPUID of the guest (its EAX and ECX). */
void mv_audit_cpuid(struct mv_cpuid_audit *a, u32 leaf, u32 sub);

/* The number of entries a reader may look at. */
static inline u32 mv_audit_used(const struct mv_cpuid_audit *a)
{
	/* Pairs with the stores that publish entries (audit.c, migrate/) */
	return smp_load_acquire(&a->used);
}

#endif
