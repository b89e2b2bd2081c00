/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instruction wrappers. Each reports VM-Fail (CF or ZF set) as an
 * error code instead of trapping; a fault (#UD/#GP, e.g. VMX turned off
 * under us) is caught by the exception table and reported as -EFAULT.
 * None of them ever BUG()s.
 */
#ifndef _MV_VMX_OPS_H
#define _MV_VMX_OPS_H

#include <linux/bug.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

/* Each returns 0, -EIO on VM-Fail, or -EFAULT on a fault. */
static __always_inline int mv_vmxon(u64 phys)
{
	asm goto("1: vmxon %0\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (phys) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

static __always_inline int mv_vmclear(u64 phys)
{
	asm goto("1: vmclear %0\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (phys) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

static __always_inline int mv_vmptrld(u64 phys)
{
	asm goto("1: vmptrld %0\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (phys) : "cc", "memory" : fail, fault);
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/*
 * The current-VMCS pointer, ~0 if none. Faults outside VMX operation:
 * CR4.VMXE alone does not prove that another owner executed VMXON.
 */
static __always_inline int mv_vmptrst(u64 *phys)
{
	asm goto("1: vmptrst %0\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : "m" (*phys) : "memory" : fault);
	return 0;
fault:
	return -EFAULT;
}

static __always_inline int mv_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
	return 0;
fault:
	return -EFAULT;
}

struct mv_invept_desc {
	u64 eptp;
	u64 reserved;
};

static __always_inline int mv_invept(unsigned long type, u64 eptp)
{
	struct mv_invept_desc d = { .eptp = eptp };

	asm goto("1: invept %0, %1\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : "m" (d), "r" (type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

struct mv_invvpid_desc {
	u64 vpid;
	u64 gva;
};

static __always_inline int mv_invvpid(unsigned long type, u16 vpid)
{
	struct mv_invvpid_desc d = { .vpid = vpid };

	asm goto("1: invvpid %0, %1\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : "m" (d), "r" (type) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

void mv_vmread_error(unsigned long field);
void mv_vmwrite_error(unsigned long field, unsigned long value);

/*
 * VMREAD/VMWRITE of the current VMCS. A failure means a bug in migvisor
 * (wrong field for this CPU, or no current VMCS): it is reported once,
 * rate-limited, and the read returns 0. A fault (outside VMX operation)
 * skips the rest of the sequence and reports the same way.
 */
static __always_inline unsigned long mv_vmread(unsigned long field)
{
	unsigned long value = 0;
	bool fail = true;

	asm volatile("1: vmread %2, %1\n\t"
		     "setna %0\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+qm" (fail), "+rm" (value)
		     : "r" (field)
		     : "cc");
	if (unlikely(fail)) {
		mv_vmread_error(field);
		return 0;
	}
	return value;
}

static __always_inline void mv_vmwrite(unsigned long field,
				       unsigned long value)
{
	bool fail = true;

	asm volatile("1: vmwrite %2, %1\n\t"
		     "setna %0\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+qm" (fail)
		     : "r" (field), "rm" (value)
		     : "cc");
	if (unlikely(fail))
		mv_vmwrite_error(field, value);
}

#endif /* _MV_VMX_OPS_H */
