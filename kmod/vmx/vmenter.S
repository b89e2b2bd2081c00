/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "vmenter_regs.h"

.section .text, "ax"

/**
 * __mv_vmx_vcpu_run - enter the guest and come back at its next VM exit
 * @regs:	struct mv_vcpu_regs * (%rdi), guest GPRs in and out; RSP is in
 *		the VMCS and its slot is ignored
 * @launched:	%esi, VMRESUME if non-zero, else VMLAUNCH
 *
 * Interrupts must be disabled. HOST_RIP must point at mv_vmx_vmexit;
 * HOST_RSP is written here.
 *
 * Returns: 0 after a VM exit, 1 on VM-Fail (no entry happened).
 */
SYM_FUNC_START(__mv_vmx_vcpu_run)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* The regs pointer is found at HOST_RSP after the exit. */
	push %rdi

	mov $MV_HOST_RSP, %rax
	vmwrite %rsp, %rax
	jna .Lvmfail_early

	mov %esi, %ebx
	mov R_RAX(%rdi), %rax
	mov R_RCX(%rdi), %rcx
	mov R_RDX(%rdi), %rdx
	mov R_RBP(%rdi), %rbp
	mov R_RSI(%rdi), %rsi
	mov R_R8(%rdi),  %r8
	mov R_R9(%rdi),  %r9
	mov R_R10(%rdi), %r10
	mov R_R11(%rdi), %r11
	mov R_R12(%rdi), %r12
	mov R_R13(%rdi), %r13
	mov R_R14(%rdi), %r14
	mov R_R15(%rdi), %r15
	/*
	 * IMPORTANT: RBX and RDI go last; RBX held @launched, and only a
	 * flag test may sit between this and the VMLAUNCH/VMRESUME.
	 */
	test %ebx, %ebx
	mov R_RBX(%rdi), %rbx
	mov R_RDI(%rdi), %rdi
	/* For objtool: the exit path resumes with this stack state. */
	UNWIND_HINT_SAVE
	jnz .Lresume
.Llaunch:
	vmlaunch
	jmp .Lvmfail
.Lresume:
	vmresume
	jmp .Lvmfail
	/* A fault (VMX turned off under us) counts as VM-Fail. */
	_ASM_EXTABLE(.Llaunch, .Lvmfail)
	_ASM_EXTABLE(.Lresume, .Lvmfail)

SYM_INNER_LABEL(mv_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* RSP = HOST_RSP: the regs pointer is on top. */
	push %rdi
	mov 8(%rsp), %rdi
	mov %rax, R_RAX(%rdi)
	mov %rcx, R_RCX(%rdi)
	mov %rdx, R_RDX(%rdi)
	mov %rbx, R_RBX(%rdi)
	mov %rbp, R_RBP(%rdi)
	mov %rsi, R_RSI(%rdi)
	mov %r8,  R_R8(%rdi)
	mov %r9,  R_R9(%rdi)
	mov %r10, R_R10(%rdi)
	mov %r11, R_R11(%rdi)
	mov %r12, R_R12(%rdi)
	mov %r13, R_R13(%rdi)
	mov %r14, R_R14(%rdi)
	mov %r15, R_R15(%rdi)
	pop R_RDI(%rdi)
	xor %eax, %eax
	jmp .Lout

.Lvmfail:
	/* Registers hold guest values: restore the host's from the stack. */
.Lvmfail_early:
	mov $1, %eax
.Lout:
	/* Do not leave guest values in registers the host may spill. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	add $8, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET
SYM_FUNC_END(__mv_vmx_vcpu_run)
