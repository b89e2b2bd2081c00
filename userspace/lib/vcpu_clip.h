/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvmig recv with --unsafe-skip-cpu-check from the sender: a guest whose
 * baseline this host cannot satisfy is taken under the meet of its
 * baseline and this host's offer, and its vCPU state is cut to what that
 * meet allows, so that the module's checks (which still guard the host)
 * pass. What the guest's programs bound to the features they saw stays
 * bound: on this host they fault. That is the failure EVC prevents.
 */
#ifndef MV_VCPU_CLIP_H
#define MV_VCPU_CLIP_H

#include <stddef.h>
#include <stdint.h>

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "../../common/policy.h"

/*
 * A VCPU payload (@p, @len bytes, checked for its size) for policy @to:
 * XCR0 and XSTATE_BV within @to's XCR0 (x87 and SSE kept), the XSAVE area
 * cut to @to's size (512 bytes without xsave), CR4 without the bits of
 * features @to lacks, TSC_AUX 0 without rdtscp and rdpid. A malloc'd
 * payload in @out, its length in @out_len: 0, or -errno with @why.
 * @lost gets the state that was dropped (XCR0 bits, CR4 bits) for the
 * warning.
 */
int mv_vcpu_clip(const struct mv_policy *to, const uint8_t *p, size_t len,
		 uint8_t **out, size_t *out_len, uint64_t *lost_xcr0,
		 uint64_t *lost_cr4, const char **why);

#endif
