// SPDX-License-Identifier: GPL-2.0
/*
 * The AUDIT record. Features travel as their CPUID position, not as this
 * module's table index, which another version may order differently.
 */
#include <linux/lockdep.h>
#include <linux/string.h>
#include <linux/migvisor_rec.h>

#include "../guest.h"
#include "../../common/record.h"
#include "audit.h"

size_t mv_audit_rec_fill(struct mv_guest *g, void *buf)
{
	const struct mv_cpuid_audit *a = &g->vcpu.audit;
	struct mv_rec_audit *h = buf;
	struct mv_rec_audit_query *q = (void *)(h + 1);
	struct mv_rec_audit_feature *f;
	u32 i;

	lockdep_assert_held(&g->lock);
	memset(h, 0, sizeof(*h));
	h->queries = mv_audit_used(a);
	h->unrecorded = a->unrecorded;
	h->xcr0_reserved = g->vcpu.xcr0_reserved_violations;
	for (i = 0; i < h->queries; i++) {
		q[i].leaf = a->q[i].leaf;
		q[i].subleaf = a->q[i].subleaf;
		q[i].count = a->q[i].count;
	}
	f = (void *)(q + h->queries);
	for (i = 0; i < MV_F_COUNT; i++) {
		if (!g->vcpu.violations[i])
			continue;
		f->leaf = mv_cpuid_features[i].leaf;
		f->subleaf = mv_cpuid_features[i].subleaf;
		f->reg = mv_cpuid_features[i].reg;
		f->bit = mv_cpuid_features[i].bit;
		f->count = g->vcpu.violations[i];
		f++;
		h->features++;
	}
	return mv_rec_audit_len(h->queries, h->features);
}

void mv_audit_rec_apply(struct mv_guest *g, const void *payload)
{
	const struct mv_rec_audit *h = payload;
	const struct mv_rec_audit_query *q = (const void *)(h + 1);
	const struct mv_rec_audit_feature *f = (const void *)(q + h->queries);
	struct mv_cpuid_audit *a = &g->vcpu.audit;
	u32 i;

	lockdep_assert_held(&g->lock);
	for (i = 0; i < h->queries; i++) {
		a->q[i].leaf = q[i].leaf;
		a->q[i].subleaf = q[i].subleaf;
		a->q[i].count = q[i].count;
	}
	WRITE_ONCE(a->unrecorded, h->unrecorded);
	WRITE_ONCE(g->vcpu.xcr0_reserved_violations, h->xcr0_reserved);
	for (i = 0; i < h->features; i++)
		WRITE_ONCE(g->vcpu.violations[mv_feature_at(f[i].leaf, f[i].subleaf,
						       f[i].reg, f[i].bit)],
			   f[i].count);
	/* Pairs with mv_audit_used(): entries before their count */
	smp_store_release(&a->used, h->queries);
}
