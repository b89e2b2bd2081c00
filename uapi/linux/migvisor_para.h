/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * migvisor: the guest's side of migvisor.ko, as KVM keeps asm/kvm_para.h
 * apart from linux/kvm.h: what a guest finds when it starts, and the
 * hypercalls it may make. Guest code includes only this.
 */
#ifndef _UAPI_LINUX_MIGVISOR_PARA_H
#define _UAPI_LINUX_MIGVISOR_PARA_H

/*
 * Guest start-up, all guest-physical: migvisor writes identity page tables
 * for the first 1 GiB (2 MiB pages) at MV_GPA_PML4.., a GDT at MV_GPA_GDT
 * (code 0x08, data 0x10, TSS MV_GDT_TSS) and a TSS at MV_GPA_TSS, then
 * starts the vCPU in 64-bit mode at the entry point with RSP at the top of
 * RAM, RFLAGS 0x2, CR4.PAE|OSFXSR|OSXMMEXCPT, EFER.LME|LMA|NXE and an
 * empty IDT. Images load at or above MV_GPA_LOAD_MIN.
 */
#define MV_GPA_PML4		0x1000
#define MV_GPA_PDPT		0x2000
#define MV_GPA_PD		0x3000
#define MV_GPA_GDT		0x4000
#define MV_GPA_TSS		0x5000
#define MV_GPA_LOAD_MIN		0x10000
#define MV_GDT_CODE		0x08
#define MV_GDT_DATA		0x10
#define MV_GDT_TSS		0x18

/*
 * Hypercalls: VMCALL with the number in RAX and arguments in RDI, RSI,
 * RDX; the result comes back in RAX (negative errno on failure). Unknown
 * numbers return -MV_HC_ENOSYS. The debug console is also reachable with
 * "out %al, $MV_CONSOLE_PORT".
 */
#define MV_HC_ABI_VERSION	1
#define MV_HC_ENOSYS		38	/* returned negated for unknown numbers */
#define MV_CONSOLE_PORT		0xe9

enum mv_hypercall {
	MV_HC_EXIT = 0,			/* RDI: status; does not return */
	MV_HC_CONSOLE_WRITE = 1,	/* RDI: GPA, RSI: length; -> length */
	MV_HC_ABI = 2,			/* -> MV_HC_ABI_VERSION */
	MV_HC_TSC_KHZ = 3,		/* -> the guest's TSC frequency, kHz */
	MV_HC_CLOCK_NS = 4,		/* -> this host's CLOCK_MONOTONIC, ns */
	MV_HC_REALTIME_NS = 5,		/* -> this host's CLOCK_REALTIME, ns */
};

#endif /* _UAPI_LINUX_MIGVISOR_PARA_H */
