// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID exit: the answer comes from the guest's policy alone
 * (common/policy.c), plus the guest's own CR4, XCR0 and APIC ID, so that
 * it is the same on every host that satisfies the baseline.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include "../vmx/vcpu.h"
#include "../vmx/vmx_ops.h"
#include "audit.h"
#include "exit.h"

void mv_exit_cpuid(struct mv_vcpu *v, struct mv_exit *e)
{
	struct mv_cpuid_dyn dyn = {
		.apic_id = v->id,
		.cr4 = mv_vmread(CR4_READ_SHADOW),
		.xcr0 = v->xcr0,
	};
	u32 r[4];

	mv_audit_cpuid(&v->audit, v->regs.rax, v->regs.rcx);
	mv_policy_cpuid(v->policy, v->regs.rax, v->regs.rcx, &dyn, r);
	v->regs.rax = r[0];
	v->regs.rbx = r[1];
	v->regs.rcx = r[2];
	v->regs.rdx = r[3];
}
