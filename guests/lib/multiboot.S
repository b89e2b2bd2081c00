/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A multiboot (v1) entry for guest images outside migvisor: the QEMU
 * reference guest of make bench. It builds the machine migvisor gives its
 * guests (uapi MV_GPA_*: identity page tables for the first 1 GiB, 64-bit
 * mode, RSP at the top of RAM), lets mv_bare_setup() read the command
 * line, and enters the image at _start.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00010002	/* memory info; addresses in this header */

	.section .multiboot, "ax"
	.code32
	.align 4
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long mb_header, mb_header, _edata, _end, mb_entry

	.globl mb_entry
mb_entry:
	cli
	mov %ebx, %esi			/* multiboot info */
	mov $0x1000, %edi		/* page tables: 0x1000-0x3fff */
	xor %eax, %eax
	mov $(0x3000 / 4), %ecx
	rep stosl
	movl $0x2003, 0x1000
	movl $0x3003, 0x2000
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, 0x3000(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b
	lgdt mb_gdt_ptr
	mov %cr4, %eax
	or $0x620, %eax			/* PAE OSFXSR OSXMMEXCPT */
	mov %eax, %cr4
	mov $0x1000, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER: SCE LME NXE */
	rdmsr
	or $0x901, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010023, %eax		/* PG WP NE MP PE */
	mov %eax, %cr0
	ljmp $0x08, $mb_long

	.code64
mb_long:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	mov %esi, %edi
	mov 8(%rdi), %eax		/* mem_upper: KiB above 1 MiB */
	add $1024, %eax
	shl $10, %rax
	mov %rax, %rsp
	mov %rax, %rsi
	call mv_bare_setup
	jmp _start

	.align 8
mb_gdt:
	.quad 0, 0x00af9a000000ffff, 0x00cf92000000ffff
mb_gdt_ptr:
	.word 23
	.long mb_gdt
