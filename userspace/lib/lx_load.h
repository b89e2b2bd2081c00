/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an unmodified static Linux program into a guest: the checks on
 * its ELF file and the packing of its strings and files for the Linux
 * personality (guests/linux, common/lx_boot.h). Pure functions, tested
 * natively; mvctl writes what they produce.
 */
#ifndef MV_LX_LOAD_H
#define MV_LX_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/lx_boot.h"

#define MV_LX_MAX_SEGS	32

struct mv_lx_prog {
	bool pie;		/* ET_DYN without PT_INTERP */
	unsigned int nseg;
	uint64_t lo, hi;	/* page-rounded span of its segments, biased */
	uint64_t seg_bytes;	/* the RAM its segments take, page-rounded */
	uint64_t entry;		/* biased */
};

/* A file for the program's tree: @data of @size bytes at @path. */
struct mv_lx_file_in {
	const char *path;
	const void *data;
	uint64_t size;
	uint16_t mode;
	uint16_t flags;		/* MV_LX_FILE_STDIN */
};

/* What to write: @boot at MV_LX_BOOT_GPA, @blob at boot.files_gpa. */
struct mv_lx_image {
	struct mv_lx_boot boot;
	uint8_t *blob;		/* malloc'd: files, then strings */
	size_t blob_len;
};

/*
 * True for a migvisor guest image (it carries the "migvisor" ELF note
 * that guests/lib/start.S emits); anything else is taken for a Linux
 * program.
 */
bool mv_elf_is_native(const void *img, size_t len);

/*
 * Check a static x86-64 Linux program (@len bytes): 0, or -errno with
 * @why set to a sentence naming the problem.
 */
int mv_lx_check(const void *img, size_t len, struct mv_lx_prog *out,
		const char **why);

/*
 * Is @path a guest path a packed file may have: absolute, normalised,
 * short enough, not one of the personality's own? NULL, or why not.
 */
const char *mv_lx_path_problem(const char *path);

/*
 * Pack program @prog (checked into @p) as /bin/@name, @argv (@argc >= 1,
 * argv[0] included), @envp and @files for a guest of @mem bytes into
 * @out. 0, or -errno with @why set (and nothing allocated).
 */
int mv_lx_pack(const void *prog, size_t prog_len, const struct mv_lx_prog *p,
	       const char *name, char *const argv[], int argc,
	       char *const envp[], int envc,
	       const struct mv_lx_file_in *files, int nfiles, uint64_t mem,
	       struct mv_lx_image *out, char *why, size_t why_len);

#endif
