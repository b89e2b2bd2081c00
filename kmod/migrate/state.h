/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPU state as a MV_REC_VCPU record: captured from a paused guest, and
 * checked against the VMX guest-state rules before a restore applies it.
 */
#ifndef _MV_STATE_H
#define _MV_STATE_H

#include <linux/types.h>
#include <linux/migvisor_rec.h>

struct mv_policy;
struct mv_vcpu;
struct mv_rec_vcpu;

/* Bytes of x87/SSE/XSAVE state a guest of this policy carries. */
u32 mv_state_xsave_size(const struct mv_policy *p);
/* Capture a paused vCPU; its owner's lock (v->lock) held. */
int mv_state_capture(struct mv_vcpu *v, struct mv_rec_vcpu *r, void *xsave);
/* 0, or -EINVAL with the broken rule in @why. */
int mv_state_check(struct mv_vcpu *v, const struct mv_rec_vcpu *r,
		   const void *xsave, const char **why);
/* Make a checked state the one the vCPU starts from; never fails. */
void mv_state_apply(struct mv_vcpu *v, struct mv_rec_vcpu *r,
		    const void *xsave);
/* struct mv_vcpu_ops' restore, at the first entry: the VMCS half. */
void mv_state_to_vmcs(struct mv_vcpu *v, const struct mv_rec_vcpu *r);

#endif /* _MV_STATE_H */
