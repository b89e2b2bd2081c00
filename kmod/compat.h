/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels migvisor builds on (Debian 12's 6.1,
 * Debian 13's 6.12, sid's 7.2), in one place. Renames are bridged towards
 * the newest name. What a kernel exports to any module is not a version
 * fact (distributions backport export restrictions), so Kbuild reads it
 * from the kernel's Module.symvers and defines:
 *
 *   MV_HAVE_CR4_UPDATE       cr4_update_irqsoff() and cr4_read_shadow()
 *                            are plain exports (before the KVM-only
 *                            exports of late 2025)
 *   MV_HAVE_PT_HANDLE_VMX    intel_pt_handle_vmx() is exported
 *   MV_HAVE_EMERGENCY_VIRT   cpu_emergency_register_virt_callback() is
 *                            exported (gone in 7.1: the core does VMXOFF)
 */
#ifndef _MV_COMPAT_H
#define _MV_COMPAT_H

#include <linux/version.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

/* 6.15 moved the cpuid*() helpers out of <asm/processor.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/* 6.16 renamed the 64-bit MSR accessors. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#define rdmsrq_safe(msr, p)	rdmsrl_safe(msr, p)
#endif

/* Newer kernels name the XSAVES control like the other enables. */
#ifndef SECONDARY_EXEC_ENABLE_XSAVES
#define SECONDARY_EXEC_ENABLE_XSAVES	SECONDARY_EXEC_XSAVES
#endif

/*
 * VMXON by a module needs the kernel's CR4 shadow to know about VMXE
 * (KVM checks it before its own VMXON) and the emergency slot (VMX blocks
 * INIT: a crash must turn it off). Without both exports only KVM may turn
 * VMX on. Intel PT is decided at run time (vmx.c, vmxon_refusal()).
 */
#if defined(MV_HAVE_CR4_UPDATE) && defined(MV_HAVE_EMERGENCY_VIRT)
#define MV_CAN_VMXON	1
#else
#define MV_CAN_VMXON	0
#endif

/*
 * 6.12 made kvm_intel hold VMX on from its load; 7.1 moved VMX enabling
 * into the core. From 6.12 on another owner's VMX root is long-lived, and
 * migvisor runs its guests inside it. Before, KVM holds VMX only while its
 * VMs exist, and the two take turns (the either/or rule).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define MV_CAN_SHARE	1
#else
#define MV_CAN_SHARE	0
#endif

/*
 * CR4 as the CPU has it. Read from the register, not the kernel's shadow
 * (a KVM-only export since late 2025); interrupts are off wherever it
 * matters, so the two agree.
 */
static __always_inline unsigned long mv_read_cr4(void)
{
	return native_read_cr4();
}

/*
 * Set and clear CR4 bits for an interrupts-off window. Where the kernel
 * lets modules update its shadow, it is kept in step. Elsewhere the
 * register alone is written, and the caller restores it before
 * interrupts are enabled again: only NMI handlers can run in between,
 * and none of them writes CR4 from the shadow.
 */
static __always_inline void mv_cr4_update_irqsoff(unsigned long set,
						  unsigned long clear)
{
#ifdef MV_HAVE_CR4_UPDATE
	cr4_update_irqsoff(set, clear);
#else
	unsigned long cr4 = (native_read_cr4() | set) & ~clear;

	asm volatile("mov %0, %%cr4" : : "r" (cr4) : "memory");
#endif
}

/* 6.15 replaced __crc32c_le() with crc32c() in <linux/crc32.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define mv_kernel_crc32c(crc, p, len)	crc32c(crc, p, len)
#else
#define mv_kernel_crc32c(crc, p, len)	__crc32c_le(crc, p, len)
#endif

#endif /* _MV_COMPAT_H */
