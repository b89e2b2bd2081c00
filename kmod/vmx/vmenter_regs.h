/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vmenter.S knows of C: the offsets of struct mv_vcpu_regs' fields
 * (vcpu.h: RAX..R15, 8 bytes each) and the VMCS encoding of HOST_RSP
 * (SDM Vol. 3D, B.4.4), as plain numbers, because asm/vmx.h is C-only.
 * vcpu.c pins both with static_assert against the C definitions.
 */
#ifndef MV_VMENTER_REGS_H
#define MV_VMENTER_REGS_H

#define MV_HOST_RSP	0x00006c14

#define R_RAX	0
#define R_RCX	8
#define R_RDX	16
#define R_RBX	24
#define R_RSP	32
#define R_RBP	40
#define R_RSI	48
#define R_RDI	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120
#define R_SIZE	128

#endif
