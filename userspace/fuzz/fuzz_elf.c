// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a guest image as "mvctl guest load" checks it
 * (mv_elf_check()), at an odd address so that any read of a header in
 * place is misaligned (UBSan), then written out as the loader would
 * (mv_elf_write(), to /dev/null: ASan checks each range it reads). An
 * image it accepts must mean what the checks promise.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/elf_load.h"

#define MEM		(4ull << 20)
#define LOAD_MIN	0x10000

static int null_fd = -1;

static void check_accepted(const struct mv_elf *e, size_t len)
{
	unsigned int i, j;

	if (!e->nseg || e->nseg > MV_ELF_MAX_SEGS)
		__builtin_trap();
	for (i = 0; i < e->nseg; i++) {
		const struct mv_elf_seg *a = &e->seg[i];

		if (a->offset > len || a->filesz > len - a->offset ||
		    a->filesz > a->memsz || a->gpa < LOAD_MIN ||
		    a->gpa > MEM || a->memsz > MEM - a->gpa)
			__builtin_trap();
		for (j = i + 1; j < e->nseg; j++) {
			const struct mv_elf_seg *b = &e->seg[j];

			if (a->gpa < b->gpa + b->memsz && b->gpa < a->gpa + a->memsz)
				__builtin_trap();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size + 1);
	struct mv_elf e;
	const char *why = NULL;

	if (!buf)
		return 0;
	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	memcpy(buf + 1, data, size);
	if (!mv_elf_check(buf + 1, size, MEM, LOAD_MIN, &e, &why)) {
		check_accepted(&e, size);
		if (null_fd >= 0)
			mv_elf_write(null_fd, buf + 1, &e);
	} else if (!why) {
		__builtin_trap();	/* refused without a reason */
	}
	free(buf);
	return 0;
}
