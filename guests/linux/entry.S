/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring 0 entry points of the Linux personality: the start from migvisor,
 * SYSCALL, the exception vectors, and the one way back to ring 3 (IRETQ,
 * which, unlike SYSRET, cannot fault in ring 0 on a non-canonical RIP).
 */
#include "../lib/vectors.h"
#define LX_UDATA	0x1b
#define LX_UCODE	0x23

/* The general registers, in struct lx_regs order (lx.h), last first. */
.macro SAVE_REGS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

	.section .text.start, "ax"
	.globl _start
_start:
	lea lx_kstack_top(%rip), %rsp
	call lx_main
1:	hlt
	jmp 1b

	.text
/*
 * SYSCALL: RCX = user RIP, R11 = user RFLAGS, and SFMASK has cleared IF,
 * TF, DF and AC. One CPU and no interrupts, so a scratch word holds the
 * user RSP until the frame has it.
 */
	.globl lx_syscall_entry
lx_syscall_entry:
	movq %rsp, lx_user_rsp(%rip)
	lea lx_kstack_top(%rip), %rsp
	pushq $LX_UDATA
	pushq lx_user_rsp(%rip)
	pushq %r11
	pushq $LX_UCODE
	pushq %rcx
	pushq $0		/* error */
	pushq %rax		/* vector slot: the syscall number */
	SAVE_REGS
	movq %rsp, %rdi
	call lx_syscall
	jmp lx_return

.macro STUB vec, has_err
lx_stub_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp lx_exception_common
.endm
MV_VECTORS STUB

lx_exception_common:
	SAVE_REGS
	cld
	movq %rsp, %rdi
	call lx_fault
	/* fall through */

	.globl lx_return
lx_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	addq $16, %rsp
	iretq

/* Start the program: @rdi is a frame built on the kernel stack's top. */
	.globl lx_enter_user
lx_enter_user:
	movq %rdi, %rsp
	jmp lx_return

	.section .rodata
	.globl lx_stubs
lx_stubs:
.macro STUB_ADDR vec, has_err
	.quad lx_stub_\vec
.endm
	MV_VECTORS STUB_ADDR

	.bss
	.balign 16
lx_user_rsp:
	.quad 0
	.balign 4096
	.globl lx_kstack, lx_kstack_top, lx_dfstack_top
lx_kstack:
	.skip 65536
lx_kstack_top:
	.skip 8192
lx_dfstack_top:
	.section .note.GNU-stack, "", @progbits
