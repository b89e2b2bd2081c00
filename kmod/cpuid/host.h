/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CPUID_HOST_H
#define _MV_CPUID_HOST_H

#include <linux/types.h>

struct mv_cpuid_entry {
	u32 leaf;
	u32 subleaf;
	u32 eax, ebx, ecx, edx;
};

/* Enough for every leaf and subleaf a current Intel CPU enumerates. */
#define MV_CPUID_MAX_ENTRIES	256

int mv_host_cpuid_read(struct mv_cpuid_entry *e, unsigned int max);

#endif /* _MV_CPUID_HOST_H */
