// SPDX-License-Identifier: GPL-2.0
/* Read-only mappings of whole files (mapfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mapfile.h"

void *mv_map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		err = errno;
	} else if (!st.st_size) {
		err = ENODATA;
	} else {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			err = errno;
			p = NULL;
		}
	}
	close(fd);
	if (!p)
		errno = err;
	else
		*len = st.st_size;
	return p;
}
