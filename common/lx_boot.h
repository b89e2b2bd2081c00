/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The hand-over between `mvctl guest load` and the Linux personality
 * (guests/linux), the small in-guest kernel that runs an unmodified static
 * Linux program in ring 3. mvctl writes the personality's image at 1 MiB,
 * this block at MV_LX_BOOT_GPA, and the program, its strings and its file
 * tree above MV_LX_KERNEL_END; the personality checks the block again
 * before it trusts a byte of it, since guest RAM is writable by anyone
 * holding the guest's fd until start.
 */
#ifndef MV_LX_BOOT_H
#define MV_LX_BOOT_H

#include <linux/types.h>

#define MV_LX_BOOT_GPA		0x10000ULL
#define MV_LX_MAGIC		0x78756e696c766dULL	/* "mvlinux" */
#define MV_LX_VERSION		1

/*
 * The personality's image, boot stack and early page tables live below
 * this guest-physical address, and it keeps the same virtual range for
 * itself: a program's segments must lie above it (ET_EXEC programs start
 * at 4 MiB by the x86-64 psABI's convention, so this costs nothing).
 */
#define MV_LX_KERNEL_END	0x400000ULL
/* User addresses end here; the stack sits below it (Linux's TASK_SIZE). */
#define MV_LX_USER_END		0x7ffffffff000ULL
/* Where a static PIE (ET_DYN without PT_INTERP) is placed: Linux's base. */
#define MV_LX_PIE_BASE		0x555555554000ULL
/* The main thread's stack (RLIMIT_STACK), demand-paged below USER_END. */
#define MV_LX_STACK_SIZE	(8ULL << 20)
/* RAM the personality needs beside the program: page tables, stack, heap. */
#define MV_LX_MEM_SLACK		(2ULL << 20)

#define MV_LX_MAX_ARGS		256	/* argv + envp entries */
#define MV_LX_MAX_STRINGS	(64 * 1024)	/* their bytes, NULs included */
#define MV_LX_MAX_FILES		256
#define MV_LX_PATH_MAX		256	/* a guest path, NUL included */

/* mv_lx_file.flags */
#define MV_LX_FILE_STDIN	1	/* fd 0 reads this file */

/*
 * One packed file: this header, the absolute guest path (path_len bytes,
 * no NUL), padding to 8, the data (size bytes), padding to 8.
 */
struct mv_lx_file {
	__u64 size;
	__u32 path_len;
	__u16 mode;		/* permission bits; the file is regular */
	__u16 flags;
};

struct mv_lx_boot {
	__u64 magic;
	__u32 version;
	__u32 size;		/* sizeof(struct mv_lx_boot) */
	__u64 mem;		/* guest RAM, bytes */
	__u64 prog_gpa;		/* the program's ELF file, as it was read */
	__u64 prog_len;
	__u64 strings_gpa;	/* argc + envc NUL-terminated strings */
	__u64 strings_len;
	__u32 argc;
	__u32 envc;
	__u64 files_gpa;	/* nfiles packed mv_lx_file records */
	__u64 files_len;
	__u32 nfiles;
	__u32 reserved0;
	__u64 free_gpa;		/* the first page nothing above uses */
	__u64 out_gpa;		/* 0 from mvctl; the exit table (below) */
	__u64 reserved[3];
};

/*
 * The exit table: when the program ends, the personality lists its
 * regular files, those it was given and those it wrote, for `mvctl guest
 * copy`. boot.out_gpa names one page, a struct mv_lx_out_dir, that lists
 * the pages of the table in order; the table is a struct mv_lx_out, then
 * @nfiles entries, each a struct mv_lx_out_file, the path (path_len
 * bytes, no NUL, padded to 8) and @nextents struct mv_lx_extent that
 * hold the data in order. Written by the guest: mvctl checks every field.
 */
#define MV_LX_OUT_MAGIC		0x74756f786c766dULL	/* "mvlxout" */
#define MV_LX_OUT_DIR_PAGES	500
#define MV_LX_OUT_MAX		(MV_LX_OUT_DIR_PAGES * 4096ULL)

struct mv_lx_out_dir {
	__u64 magic;
	__u32 npages;		/* pages of the table, 1..MV_LX_OUT_DIR_PAGES */
	__u32 reserved;
	__u64 len;		/* bytes of the table */
	__u64 gpa[MV_LX_OUT_DIR_PAGES];
};

struct mv_lx_out {
	__u64 magic;
	__u32 nfiles;
	__u32 reserved;
};

struct mv_lx_out_file {
	__u64 size;
	__u32 path_len;
	__u16 mode;		/* permission bits */
	__u16 reserved;
	__u64 mtime_ns;		/* CLOCK_REALTIME of the last change */
	__u64 nextents;
};

struct mv_lx_extent {
	__u64 gpa;
	__u64 len;
};

#endif
