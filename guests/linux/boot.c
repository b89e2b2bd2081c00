// SPDX-License-Identifier: GPL-2.0
/*
 * From migvisor's start state (long mode, ring 0, identity-mapped) to the
 * program's first instruction in ring 3. The hand-over block is checked
 * again here: guest RAM could have been written after mvctl's checks.
 */
#include "lx.h"

static struct mv_lx_boot boot;

static bool blob_ok(uint64_t gpa, uint64_t len)
{
	return gpa >= MV_LX_KERNEL_END && len <= boot.free_gpa &&
	       gpa <= boot.free_gpa - len;
}

static void check_boot(void)
{
	const char *s;
	uint64_t left;
	unsigned int i;

	memcpy(&boot, (const void *)MV_LX_BOOT_GPA, sizeof(boot));
	if (boot.magic != MV_LX_MAGIC || boot.version != MV_LX_VERSION ||
	    boot.size != sizeof(boot))
		lx_panic("no hand-over block from mvctl at 0x%llx: load the program with mvctl guest load",
			 MV_LX_BOOT_GPA);
	if (boot.free_gpa > boot.mem || boot.mem > MV_GUEST_MEM_MAX ||
	    !blob_ok(boot.prog_gpa, boot.prog_len) ||
	    !blob_ok(boot.strings_gpa, boot.strings_len) ||
	    !blob_ok(boot.files_gpa, boot.files_len) || boot.argc < 1 ||
	    boot.argc + boot.envc > MV_LX_MAX_ARGS ||
	    boot.strings_len > MV_LX_MAX_STRINGS ||
	    boot.nfiles > MV_LX_MAX_FILES)
		lx_panic("the hand-over block is inconsistent");
	/* Still identity-mapped: the strings can be counted in place. */
	s = (const char *)boot.strings_gpa;
	left = boot.strings_len;
	for (i = 0; i < boot.argc + boot.envc; i++) {
		uint64_t n = strnlen(s, left);

		if (n == left)
			lx_panic("the program's strings are not terminated");
		s += n + 1;
		left -= n + 1;
	}
}

void lx_main(void)
{
	struct lx_regs r;

	check_boot();
	lx_cpu_init();
	lx_mm_init(&boot);
	lx_time_init();
	lx_fs_init(&boot);
	lx_exec(&boot, &r);
	lx_enter_user(&r);
}
