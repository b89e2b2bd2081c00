/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * CR4 bits that exist only with a CPUID feature (SDM Vol. 3A, 2.5), as
 * MV_CR4_FEATURE(bit number, feature). The module lets a guest set them
 * only when its baseline shows the feature; mvmig clears them from a
 * vCPU moved by --unsafe-skip-cpu-check to a host without it.
 */
MV_CR4_FEATURE(0, vme)		/* VME */
MV_CR4_FEATURE(1, vme)		/* PVI */
MV_CR4_FEATURE(16, fsgsbase)
MV_CR4_FEATURE(17, pcid)
MV_CR4_FEATURE(18, xsave)	/* OSXSAVE */
MV_CR4_FEATURE(20, smep)
MV_CR4_FEATURE(21, smap)
MV_CR4_FEATURE(11, umip)
MV_CR4_FEATURE(22, pku)
MV_CR4_FEATURE(12, la57)
MV_CR4_FEATURE(13, vmx)
MV_CR4_FEATURE(14, smx)
