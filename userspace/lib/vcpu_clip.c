// SPDX-License-Identifier: GPL-2.0
/*
 * See vcpu_clip.h. The XSAVE area is in the standard (non-compacted)
 * format, where each component sits at a fixed offset: cutting it to a
 * smaller XCR0 keeps the legacy region and the header and drops what lies
 * beyond the smaller size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/migvisor_rec.h>

#include "vcpu_clip.h"

static uint32_t xsave_size_for(const struct mv_policy *p)
{
	return p->xcr0 ? mv_xsave_size(p->xcr0, false) : 512;
}

int mv_vcpu_clip(const struct mv_policy *to, const uint8_t *p, size_t len,
		 uint8_t **out, size_t *out_len, uint64_t *lost_xcr0,
		 uint64_t *lost_cr4, const char **why)
{
	static const struct { uint8_t bit; uint16_t feature; } cr4[] = {
#define MV_CR4_FEATURE(b, f) { b, MV_F_##f },
#include "../../common/cr4_features.h"
#undef MV_CR4_FEATURE
	};
	struct mv_rec_vcpu v;
	uint32_t size = xsave_size_for(to);
	uint64_t keep;
	unsigned int i;
	uint8_t *o;

	if (len < sizeof(v)) {
		*why = "the VCPU record is too short";
		return -EPROTO;
	}
	memcpy(&v, p, sizeof(v));
	if (v.xsave_size != len - sizeof(v) || v.xsave_size < 512) {
		*why = "the VCPU record's XSAVE size does not match its length";
		return -EPROTO;
	}
	*lost_cr4 = 0;
	keep = to->xcr0 ? to->xcr0 : (MV_XFEATURE_FP | MV_XFEATURE_SSE);
	*lost_xcr0 = v.xcr0 & ~keep;
	v.xcr0 = (v.xcr0 & keep) | MV_XFEATURE_FP | MV_XFEATURE_SSE;
	for (i = 0; i < ARRAY_SIZE(cr4); i++) {
		if ((v.cr4 >> cr4[i].bit & 1) && !mv_policy_has(to, cr4[i].feature)) {
			*lost_cr4 |= 1ULL << cr4[i].bit;
			v.cr4 &= ~(1ULL << cr4[i].bit);
		}
	}
	if (!mv_policy_has(to, MV_F_rdtscp) && !mv_policy_has(to, MV_F_rdpid))
		v.msr_tsc_aux = 0;
	o = calloc(1, sizeof(v) + size);
	if (!o) {
		*why = "out of memory";
		return -ENOMEM;
	}
	memcpy(o + sizeof(v), p + sizeof(v), size < v.xsave_size ? size : v.xsave_size);
	if (size > 512) {
		uint64_t bv;

		/* XSTATE_BV, the header's first word: only what XCR0 still has */
		memcpy(&bv, o + sizeof(v) + 512, sizeof(bv));
		bv &= v.xcr0;
		memcpy(o + sizeof(v) + 512, &bv, sizeof(bv));
	}
	v.xsave_size = size;
	memcpy(o, &v, sizeof(v));
	*out = o;
	*out_len = sizeof(v) + size;
	return 0;
}
