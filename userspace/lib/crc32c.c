// SPDX-License-Identifier: GPL-2.0
/*
 * CRC32C (Castagnoli), raw update as common/record.h wants it. SSE4.2's
 * CRC32 instruction when the CPU has it (8 bytes per step), else a table.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

#include "../../common/record.h"

static uint32_t table[256];

static void table_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
		table[i] = c;
	}
}

static uint32_t crc_table(uint32_t crc, const uint8_t *p, size_t len)
{
	if (!table[1])
		table_init();
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

__attribute__((target("sse4.2")))
static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc, v;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	crc = c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

__u32 mv_crc32c(__u32 crc, const void *p, size_t len)
{
	static int hw = -1;

	if (hw < 0)
		hw = __builtin_cpu_supports("sse4.2");
	return hw ? crc_hw(crc, p, len) : crc_table(crc, p, len);
}
