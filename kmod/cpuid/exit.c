// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID exit: the host's values, with the hypervisor bit set, VMX and
 * OSXSAVE as the guest's own state says, the vCPU's APIC ID, and the
 * migvisor leaves at 0x40000000. (Baselines replace the host's values.)
 */
#include <linux/kernel.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include <linux/migvisor.h>

#include "../vmx/exit.h"
#include "../vmx/vcpu.h"
#include "../vmx/vmx_ops.h"
#include "exit.h"

/* "migvisor" and 4 NULs in EBX, ECX, EDX, as KVM's "KVMKVMKVM\0\0\0". */
#define MV_SIG_EBX	0x7667696d	/* "migv" */
#define MV_SIG_ECX	0x726f7369	/* "isor" */
#define MV_SIG_EDX	0
#define MV_CPUID_MAX_HV	0x40000001

void mv_exit_cpuid(struct mv_vcpu *v, struct mv_exit *e)
{
	u32 leaf = v->regs.rax, sub = v->regs.rcx;
	u32 a, b, c, d;

	if (leaf >= 0x40000000 && leaf <= 0x400000ff) {
		a = b = c = d = 0;
		if (leaf == 0x40000000) {
			a = MV_CPUID_MAX_HV;
			b = MV_SIG_EBX;
			c = MV_SIG_ECX;
			d = MV_SIG_EDX;
		} else if (leaf == 0x40000001) {
			a = MV_HC_ABI_VERSION;
		}
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		if (leaf == 1) {
			c |= BIT(31);			/* hypervisor */
			c &= ~BIT(5);			/* VMX: not for guests */
			c &= ~BIT(27);			/* OSXSAVE: guest CR4's */
			if (mv_vmread(CR4_READ_SHADOW) & X86_CR4_OSXSAVE)
				c |= BIT(27);
			b = (b & 0x00ffffff) | (v->id << 24);
		}
	}
	v->regs.rax = a;
	v->regs.rbx = b;
	v->regs.rcx = c;
	v->regs.rdx = d;
}
