// SPDX-License-Identifier: GPL-2.0
/*
 * The exit table's checks: magic numbers, page and byte counts, each
 * entry inside the table, paths absolute and terminated where the table
 * says, extents page-bounded inside guest RAM and adding up to the size.
 * A table that fails any of them is refused whole, with what failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx_copy.h"

#define PAGE	4096ULL

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__printf(4, 5);

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static int read_at(int fd, void *buf, uint64_t len, uint64_t gpa)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, gpa);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
		gpa += n;
	}
	return 0;
}

/* @len bytes at @gpa lie inside guest RAM */
static bool in_ram(uint64_t gpa, uint64_t len, uint64_t mem)
{
	return gpa < mem && len <= mem - gpa;
}

/* Walk entry at @off: its header, path and extents within the table */
static int entry_at(const struct mv_lx_table *t, uint64_t off,
		    struct mv_lx_out_file *f, uint64_t *ext_off, uint64_t *next,
		    char *err, size_t errlen)
{
	uint64_t path_end;

	if (t->len - off < sizeof(*f))
		return fail(err, errlen, -EPROTO, "the guest's file table is cut short");
	memcpy(f, t->buf + off, sizeof(*f));
	if (!f->path_len || f->path_len >= MV_LX_PATH_MAX || f->reserved)
		return fail(err, errlen, -EPROTO, "the guest's file table has a bad entry");
	path_end = off + sizeof(*f) + ((f->path_len + 7ULL) & ~7ULL);
	if (path_end > t->len || t->buf[off + sizeof(*f)] != '/' ||
	    memchr(t->buf + off + sizeof(*f), 0, f->path_len))
		return fail(err, errlen, -EPROTO, "the guest's file table has a bad path");
	if (f->nextents > (t->len - path_end) / sizeof(struct mv_lx_extent))
		return fail(err, errlen, -EPROTO, "the guest's file table is cut short");
	*ext_off = path_end;
	*next = path_end + f->nextents * sizeof(struct mv_lx_extent);
	return 0;
}

static int check_extents(const struct mv_lx_table *t,
			 const struct mv_lx_out_file *f, uint64_t ext_off,
			 char *err, size_t errlen)
{
	uint64_t i, total = 0;

	for (i = 0; i < f->nextents; i++) {
		struct mv_lx_extent x;

		memcpy(&x, t->buf + ext_off + i * sizeof(x), sizeof(x));
		if (!x.len || !in_ram(x.gpa, x.len, t->mem) ||
		    x.len > f->size - total)
			return fail(err, errlen, -EPROTO,
				    "the guest's file table puts file data outside its RAM or beyond its size");
		total += x.len;
	}
	if (total != f->size)
		return fail(err, errlen, -EPROTO,
			    "the guest's file table gives a file less data than its size");
	return 0;
}

int mv_lx_table_read(int fd, uint64_t mem, struct mv_lx_table *t,
		     char *err, size_t errlen)
{
	struct mv_lx_boot boot;
	struct mv_lx_out_dir *dir;
	struct mv_lx_out h;
	uint64_t off, next, ext;
	uint32_t i;
	int ret;

	memset(t, 0, sizeof(*t));
	t->mem = mem;
	ret = read_at(fd, &boot, sizeof(boot), MV_LX_BOOT_GPA);
	if (ret)
		return fail(err, errlen, ret, "cannot read the guest's memory: %s", strerror(-ret));
	if (boot.magic != MV_LX_MAGIC || boot.version != MV_LX_VERSION)
		return fail(err, errlen, -ENOENT, "the guest does not run a Linux program");
	if (!boot.out_gpa)
		return fail(err, errlen, -ENOENT,
			    "the program has not ended: its files can be copied once the guest stopped");
	if ((boot.out_gpa & (PAGE - 1)) || !in_ram(boot.out_gpa, sizeof(*dir), mem))
		return fail(err, errlen, -EPROTO, "the guest's file table is outside its RAM");
	dir = malloc(sizeof(*dir));
	if (!dir)
		return fail(err, errlen, -ENOMEM, "out of memory");
	ret = read_at(fd, dir, sizeof(*dir), boot.out_gpa);
	if (ret) {
		free(dir);
		return fail(err, errlen, ret, "cannot read the guest's memory: %s", strerror(-ret));
	}
	if (dir->magic != MV_LX_OUT_MAGIC || !dir->npages ||
	    dir->npages > MV_LX_OUT_DIR_PAGES || dir->reserved ||
	    dir->len < sizeof(h) || dir->len > (uint64_t)dir->npages * PAGE ||
	    dir->len <= (uint64_t)(dir->npages - 1) * PAGE) {
		free(dir);
		return fail(err, errlen, -EPROTO, "the guest's file table is damaged (its page list)");
	}
	t->len = dir->len;
	t->buf = malloc(dir->npages * PAGE);
	if (!t->buf) {
		free(dir);
		return fail(err, errlen, -ENOMEM, "out of memory");
	}
	for (i = 0; i < dir->npages && !ret; i++) {
		if ((dir->gpa[i] & (PAGE - 1)) || !in_ram(dir->gpa[i], PAGE, mem))
			ret = fail(err, errlen, -EPROTO, "the guest's file table is outside its RAM");
		else if (read_at(fd, t->buf + i * PAGE, PAGE, dir->gpa[i]))
			ret = fail(err, errlen, -EIO, "cannot read the guest's memory");
	}
	free(dir);
	if (ret)
		goto bad;
	memcpy(&h, t->buf, sizeof(h));
	if (h.magic != MV_LX_OUT_MAGIC || h.reserved || h.nfiles > MV_LX_MAX_FILES + 256) {
		ret = fail(err, errlen, -EPROTO, "the guest's file table is damaged (its header)");
		goto bad;
	}
	for (i = 0, off = sizeof(h); i < h.nfiles; i++, off = next) {
		struct mv_lx_out_file f;

		ret = entry_at(t, off, &f, &ext, &next, err, errlen);
		if (!ret)
			ret = check_extents(t, &f, ext, err, errlen);
		if (ret)
			goto bad;
	}
	if (off != t->len) {
		ret = fail(err, errlen, -EPROTO, "the guest's file table has bytes after its last entry");
		goto bad;
	}
	t->nfiles = h.nfiles;
	return 0;
bad:
	mv_lx_table_free(t);
	return ret;
}

void mv_lx_table_free(struct mv_lx_table *t)
{
	free(t->buf);
	t->buf = NULL;
	t->nfiles = 0;
}

/* Offset of entry @i; the table was checked, so the walk cannot fail. */
static uint64_t offset_of(const struct mv_lx_table *t, uint32_t i,
			  struct mv_lx_out_file *f, uint64_t *ext)
{
	uint64_t off = sizeof(struct mv_lx_out), next = 0;
	char err[8];

	for (;;) {
		entry_at(t, off, f, ext, &next, err, sizeof(err));
		if (!i--)
			return off;
		off = next;
	}
}

void mv_lx_table_entry(const struct mv_lx_table *t, uint32_t i,
		       struct mv_lx_out_entry *e)
{
	struct mv_lx_out_file f;
	uint64_t ext, off = offset_of(t, i, &f, &ext);

	memcpy(e->path, t->buf + off + sizeof(f), f.path_len);
	e->path[f.path_len] = 0;
	e->size = f.size;
	e->mode = f.mode;
	e->mtime_ns = f.mtime_ns;
}

int mv_lx_copy_file(int fd, const struct mv_lx_table *t, const char *path,
		    int out_fd, char *err, size_t errlen)
{
	static uint8_t buf[1 << 16];
	uint64_t off = sizeof(struct mv_lx_out), ext, next, k;
	size_t plen = strlen(path);
	struct mv_lx_out_file f;
	uint32_t i;

	/* One walk: the table was checked, so no entry fails it. */
	for (i = 0; i < t->nfiles; i++, off = next) {
		entry_at(t, off, &f, &ext, &next, err, errlen);
		if (f.path_len != plen || memcmp(t->buf + off + sizeof(f), path, plen))
			continue;
		for (k = 0; k < f.nextents; k++) {
			struct mv_lx_extent x;
			uint64_t done = 0;

			memcpy(&x, t->buf + ext + k * sizeof(x), sizeof(x));
			while (done < x.len) {
				uint64_t n = x.len - done < sizeof(buf) ? x.len - done : sizeof(buf);
				int ret = read_at(fd, buf, n, x.gpa + done);

				if (ret)
					return fail(err, errlen, ret, "cannot read the guest's memory: %s",
						    strerror(-ret));
				if (write(out_fd, buf, n) != (ssize_t)n)
					return fail(err, errlen, -errno ? -errno : -EIO,
						    "cannot write the copy: %s", strerror(errno));
				done += n;
			}
		}
		return 0;
	}
	return fail(err, errlen, -ENOENT, "the guest has no file %s", path);
}
