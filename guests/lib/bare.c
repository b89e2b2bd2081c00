// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls outside migvisor (the QEMU reference guest): the console is
 * COM1, the TSC rate and the writer's parameters come from the multiboot
 * command line ("pps=N tsc_khz=N"), and exit halts.
 */
#include "mvguest.h"
#include "../writer.h"

#define COM1		0x3f8

static uint64_t tsc_khz;

static uint64_t value(const char *cmd, const char *key)
{
	const char *p = cmd;
	uint64_t v = 0;
	int i;

	for (; *p; p++) {
		for (i = 0; key[i] && p[i] == key[i]; i++)
			;
		if (key[i] || (p != cmd && p[-1] != ' '))
			continue;
		for (p += i; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		return v;
	}
	return 0;
}

void mv_bare_setup(const uint32_t *mbi, uint64_t mem);
void mv_bare_setup(const uint32_t *mbi, uint64_t mem)
{
	struct writer_params *prm = (void *)WRITER_PARAMS_GPA;
	const char *cmd = mbi[0] & 4 ? (const char *)(uint64_t)mbi[4] : "";

	tsc_khz = value(cmd, "tsc_khz=");
	prm->magic = WRITER_MAGIC;
	prm->pages_per_sec = value(cmd, "pps=");
	prm->region_pages = 0;
	prm->mem_bytes = mem;
}

uint64_t mv_bare_hypercall(uint64_t nr, uint64_t a, uint64_t b, uint64_t c)
{
	const char *s = (const char *)a;
	uint64_t i;

	switch (nr) {
	case MV_HC_CONSOLE_WRITE:
		for (i = 0; i < b; i++) {
			while (!(mv_inb(COM1 + 5) & 0x20))
				;
			mv_outb(COM1, s[i]);
		}
		return 0;
	case MV_HC_TSC_KHZ:
		return tsc_khz;
	case MV_HC_EXIT:
		for (;;)
			asm volatile("cli; hlt");
	}
	return -1;
}
