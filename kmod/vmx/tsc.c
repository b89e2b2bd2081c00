// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's TSC rate. A program reads the TSC rate once (CPUID, a
 * calibration, MV_HC_TSC_KHZ) and times everything by it from then on,
 * so a guest moved to a host of another rate must still see its own: a
 * Skylake guest at 3.5 GHz run on a 2.67 GHz Nehalem would find its
 * clock 24 % slow. With TSC scaling the VMCS multiplier (16.48 fixed
 * point, SDM Vol. 3C, 25.3) gives the exact rate. Without it only a host
 * within MV_TSC_TOLERANCE_PPM (KVM's, QEMU's and Firecracker's
 * tolerance: NTP slews by up to 500 ppm anyway) takes the guest.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <asm/tsc.h>

#include <linux/migvisor.h>
#include <linux/migvisor_para.h>
#include "capabilities.h"
#include "vcpu.h"
#include "tsc.h"

#define MV_TSC_SHIFT	48

bool mv_tsc_can_scale(void)
{
	return mv_vmx_has(MV_VCAP_tsc_scaling);
}

int mv_tsc_admit(u32 khz, u64 *mult, char why[MV_TSC_WHY_LEN])
{
	u64 apart = khz > tsc_khz ? khz - tsc_khz : tsc_khz - khz;

	*mult = 0;
	if (khz == tsc_khz)
		return 0;
	if (!tsc_khz) {
		scnprintf(why, MV_TSC_WHY_LEN,
			  "this host's TSC rate is unknown (no usable TSC): it cannot give a guest %u kHz",
			  khz);
		return -EOPNOTSUPP;
	}
	/* The multiplier's integer part has 16 bits. */
	if (mv_tsc_can_scale() && khz < (u64)tsc_khz << 16) {
		*mult = mul_u64_u32_div(1ULL << MV_TSC_SHIFT, khz, tsc_khz);
		return 0;
	}
	if (apart * 1000000 <= (u64)tsc_khz * MV_TSC_TOLERANCE_PPM)
		return 0;
	scnprintf(why, MV_TSC_WHY_LEN,
		  "the guest's TSC runs at %u kHz and this host's at %u kHz, %llu ppm apart: without VMX TSC scaling a host must be within %u ppm",
		  khz, tsc_khz, div_u64(apart * 1000000, tsc_khz),
		  MV_TSC_TOLERANCE_PPM);
	return -EOPNOTSUPP;
}

int mv_tsc_rate_set(struct mv_vcpu *v, u32 khz, char why[MV_TSC_WHY_LEN])
{
	u64 mult;
	int ret = mv_tsc_admit(khz, &mult, why);

	if (ret)
		return ret;
	v->tsc_khz = khz;
	v->tsc_mult = mult;
	return 0;
}

u64 mv_tsc_scaled(const struct mv_vcpu *v, u64 host_tsc)
{
	if (!v->tsc_mult)
		return host_tsc;
	return mul_u64_u64_shr(host_tsc, v->tsc_mult, MV_TSC_SHIFT);
}

u64 mv_tsc_guest(const struct mv_vcpu *v, u64 host_tsc)
{
	return mv_tsc_scaled(v, host_tsc) + v->tsc_offset;
}

u64 mv_tsc_ticks(const struct mv_vcpu *v, u64 ns)
{
	return mul_u64_u32_div(ns, v->tsc_khz, NSEC_PER_MSEC);
}
