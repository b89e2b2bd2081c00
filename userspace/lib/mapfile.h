/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_MAPFILE_H
#define MV_MAPFILE_H

#include <stddef.h>

/*
 * A whole file mapped read-only (guest images, snapshot files): its
 * address and @len, or NULL with errno set (ENODATA: the file is empty).
 * munmap() it when done.
 */
void *mv_map_file(const char *path, size_t *len);

#endif
