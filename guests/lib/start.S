/* SPDX-License-Identifier: GPL-2.0 */
/* Guest entry: load the IDT, call main(), exit with its return value. */
#include "vectors.h"
	.section .text.start, "ax"
	.globl _start
_start:
	and $-16, %rsp
	call mv_runtime_init
	call main
	mov %rax, %rdi
	call mv_exit

/* Exception stubs: push a dummy error code where the CPU does not. */
	.text
.macro STUB vec, has_err
	.globl mv_stub_\vec
mv_stub_\vec:
	.if \has_err == 0
	push $0
	.endif
	push $\vec
	jmp mv_stub_common
.endm
MV_VECTORS STUB

mv_stub_common:
	push %rbx
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	lea 80(%rsp), %rdi	/* struct mv_frame: vector, error, iret frame */
	mov %rsp, %rbx
	and $-16, %rsp
	call mv_exception
	mov %rbx, %rsp
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	pop %rbx
	add $16, %rsp
	iretq

	.section .rodata
	.globl mv_stubs
mv_stubs:
.macro STUB_ADDR vec, has_err
	.quad mv_stub_\vec
.endm
	MV_VECTORS STUB_ADDR

/*
 * The mark of a migvisor guest image: mvctl loads an ELF file without it
 * as a Linux program, under the Linux personality (guests/linux).
 */
	.section .note.migvisor, "a", @note
	.balign 4
	.long 9, 4, 1		/* namesz, descsz, type */
	.asciz "migvisor"
	.balign 4
	.long 1			/* MV_HC_ABI_VERSION */
	.balign 4
