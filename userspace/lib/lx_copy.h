/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files out of a Linux guest that ended: the Linux personality's exit
 * table (common/lx_boot.h), read through a guest fd (or any file that
 * holds guest RAM at its guest-physical offsets, as the tests use).
 * Every byte comes from the guest and is checked before it is used.
 */
#ifndef MV_LX_COPY_H
#define MV_LX_COPY_H

#include <stdint.h>

#include "../../common/lx_boot.h"

struct mv_lx_out_entry {
	char path[MV_LX_PATH_MAX];
	uint64_t size;
	uint16_t mode;
	uint64_t mtime_ns;
};

struct mv_lx_table {
	uint8_t *buf;		/* the table, malloc'd */
	uint64_t len;
	uint32_t nfiles;
	uint64_t mem;		/* guest RAM, for the extents' bounds */
};

/*
 * Read and check the table of the guest behind @fd, which has @mem bytes
 * of RAM: 0, or -errno with the reason in @err (-ENOENT: the program has
 * not ended, or the guest is no Linux program).
 */
int mv_lx_table_read(int fd, uint64_t mem, struct mv_lx_table *t,
		     char *err, size_t errlen);
void mv_lx_table_free(struct mv_lx_table *t);

/* Entry @i (0..nfiles-1) of a table that mv_lx_table_read() checked. */
void mv_lx_table_entry(const struct mv_lx_table *t, uint32_t i,
		       struct mv_lx_out_entry *e);

/*
 * Write file @path of the table to @out_fd: 0, or -errno with the reason
 * in @err (-ENOENT: no such file in the guest).
 */
int mv_lx_copy_file(int fd, const struct mv_lx_table *t, const char *path,
		    int out_fd, char *err, size_t errlen);

#endif
