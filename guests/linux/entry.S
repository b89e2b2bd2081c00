/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring 0 entry points of the Linux personality: the start from migvisor,
 * SYSCALL, the exception vectors, and the one way back to ring 3 (IRETQ,
 * which, unlike SYSRET, cannot fault in ring 0 on a non-canonical RIP).
 */
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

STUB 0,0
STUB 1,0
STUB 2,0
STUB 3,0
STUB 4,0
STUB 5,0
STUB 6,0
STUB 7,0
STUB 8,1
STUB 9,0
STUB 10,1
STUB 11,1
STUB 12,1
STUB 13,1
STUB 14,1
STUB 15,0
STUB 16,0
STUB 17,1
STUB 18,0
STUB 19,0
STUB 20,0
STUB 21,1

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
	.quad lx_stub_0, lx_stub_1, lx_stub_2, lx_stub_3, lx_stub_4
	.quad lx_stub_5, lx_stub_6, lx_stub_7, lx_stub_8, lx_stub_9
	.quad lx_stub_10, lx_stub_11, lx_stub_12, lx_stub_13, lx_stub_14
	.quad lx_stub_15, lx_stub_16, lx_stub_17, lx_stub_18, lx_stub_19
	.quad lx_stub_20, lx_stub_21

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
