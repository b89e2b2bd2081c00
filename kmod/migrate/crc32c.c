// SPDX-License-Identifier: GPL-2.0
/*
 * The record helpers of common/record.c (built into the module from their
 * one source, which mvmig builds too) checksum with the kernel's CRC32C.
 */
#include <linux/crc32.h>

#include "../compat.h"
#include "../../common/record.h"

__u32 mv_crc32c(__u32 crc, const void *p, size_t len)
{
	return mv_kernel_crc32c(crc, p, len);
}
