/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking and loading a guest ELF image: the checks are pure functions
 * (unit-tested natively); loading writes the checked segments through a
 * guest file descriptor of /dev/migvisor.
 */
#ifndef MV_ELF_LOAD_H
#define MV_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define MV_ELF_MAX_SEGS 16

struct mv_elf_seg {
	uint64_t gpa;		/* where it goes (p_paddr) */
	uint64_t offset;	/* in the file */
	uint64_t filesz;
	uint64_t memsz;		/* the rest up to memsz is zeroed */
};

struct mv_elf {
	uint64_t entry;
	unsigned int nseg;
	struct mv_elf_seg seg[MV_ELF_MAX_SEGS];
};

/*
 * Check @img (@len bytes) for a guest with @mem bytes of RAM whose images
 * load at or above @load_min. Returns 0, or -errno with @why set to a
 * sentence naming the problem.
 */
int mv_elf_check(const void *img, size_t len, uint64_t mem,
		 uint64_t load_min, struct mv_elf *out, const char **why);

/*
 * Write the segments of a checked image at their guest-physical offsets in
 * @fd (pwrite): guest RAM as a file.
 */
int mv_elf_write(int fd, const void *img, const struct mv_elf *elf);
/* Write them through guest fd @fd and set the guest's entry point. */
int mv_elf_load(int fd, const void *img, const struct mv_elf *elf);

#endif
