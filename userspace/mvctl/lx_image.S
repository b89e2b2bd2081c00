/* SPDX-License-Identifier: GPL-2.0 */
/* The Linux personality (guests/linux/mvlinux.elf), inside mvctl. */
	.section .rodata
	.balign 16
	.globl mv_lx_image, mv_lx_image_end
mv_lx_image:
	.incbin "mvlinux.elf"
mv_lx_image_end:
	.section .note.GNU-stack, "", @progbits
