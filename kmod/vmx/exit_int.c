// SPDX-License-Identifier: GPL-2.0
/*
 * What every exit handler needs: past the instruction, an exception into
 * the guest, its general registers. Interrupts off, the VMCS current.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include "exit_int.h"
#include "vmx_ops.h"

void mv_exit_skip(struct mv_exit *e)
{
	mv_vmwrite(GUEST_RIP, e->rip + e->insn_len);
	/* Clear STI/MOV-SS blocking, as executing the instruction would. */
	mv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
		   mv_vmread(GUEST_INTERRUPTIBILITY_INFO) & ~3ul);
}

void mv_inject(unsigned int vector, bool has_code, u32 code)
{
	u32 info = vector | INTR_TYPE_HW_EXC | INTR_VALID;

	if (has_code) {
		info |= INTR_DELIVER_CODE;
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, info);
}

static u64 *gpr(struct mv_vcpu *v, unsigned int n)
{
	/* SDM encoding: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	return &((u64 *)&v->regs)[n & 15];
}

/* RSP lives in the VMCS, not in regs. */
u64 mv_get_gpr(struct mv_vcpu *v, unsigned int n)
{
	return (n & 15) == 4 ? mv_vmread(GUEST_RSP) : *gpr(v, n);
}

void mv_set_gpr(struct mv_vcpu *v, unsigned int n, u64 val)
{
	if ((n & 15) == 4)
		mv_vmwrite(GUEST_RSP, val);
	else
		*gpr(v, n) = val;
}
