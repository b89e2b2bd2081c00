/* SPDX-License-Identifier: GPL-2.0 */
/* Guest entry: load the IDT, call main(), exit with its return value. */
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
	.quad mv_stub_0, mv_stub_1, mv_stub_2, mv_stub_3, mv_stub_4
	.quad mv_stub_5, mv_stub_6, mv_stub_7, mv_stub_8, mv_stub_9
	.quad mv_stub_10, mv_stub_11, mv_stub_12, mv_stub_13, mv_stub_14
	.quad mv_stub_15, mv_stub_16, mv_stub_17, mv_stub_18, mv_stub_19
	.quad mv_stub_20, mv_stub_21

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
