// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl guest copy's reading of the Linux personality's exit table, over
 * a file that stands for guest RAM: a good table lists and copies, and a
 * table the guest damaged in any of the ways checked is refused whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/lx_copy.h"

#define MEM	(1 << 20)
#define DIR_GPA	0x20000
#define TAB_GPA	0x21000

static uint8_t ram[MEM];

struct table {
	struct mv_lx_out h;
	struct mv_lx_out_file f;
	char path[16];			/* "/tmp/out.txt", padded to 16 */
	struct mv_lx_extent x[2];
} __packed;

/* RAM with one file of 5000 bytes in two extents, and its table */
static void build(struct table *t, struct mv_lx_out_dir *d, struct mv_lx_boot *b)
{
	unsigned int i;

	memset(ram, 0, sizeof(ram));
	memset(b, 0, sizeof(*b));
	b->magic = MV_LX_MAGIC;
	b->version = MV_LX_VERSION;
	b->out_gpa = DIR_GPA;
	memset(d, 0, sizeof(*d));
	d->magic = MV_LX_OUT_MAGIC;
	d->npages = 1;
	d->len = sizeof(*t);
	d->gpa[0] = TAB_GPA;
	memset(t, 0, sizeof(*t));
	t->h.magic = MV_LX_OUT_MAGIC;
	t->h.nfiles = 1;
	t->f.size = 5000;
	t->f.path_len = strlen("/tmp/out.txt");
	t->f.mode = 0644;
	t->f.nextents = 2;
	strcpy(t->path, "/tmp/out.txt");
	t->x[0].gpa = 0x30000 + 100;	/* not page-aligned, as packed data is */
	t->x[0].len = 3000;
	t->x[1].gpa = 0x40000;
	t->x[1].len = 2000;
	for (i = 0; i < 3000; i++)
		ram[0x30000 + 100 + i] = 'a' + i % 26;
	for (i = 0; i < 2000; i++)
		ram[0x40000 + i] = 'A' + i % 26;
}

static int image(const struct table *t, const struct mv_lx_out_dir *d,
		 const struct mv_lx_boot *b)
{
	char path[] = "/tmp/lx-copy-ram-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	memcpy(ram + MV_LX_BOOT_GPA, b, sizeof(*b));
	memcpy(ram + DIR_GPA, d, sizeof(*d));
	memcpy(ram + TAB_GPA, t, sizeof(*t));
	if (write(fd, ram, sizeof(ram)) != sizeof(ram)) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST(good_table_lists_and_copies)
{
	struct table t;
	struct mv_lx_out_dir d;
	struct mv_lx_boot b;
	struct mv_lx_table tab;
	struct mv_lx_out_entry e;
	static uint8_t got[8192];
	char err[256], out[] = "/tmp/lx-copy-out-XXXXXX";
	int fd, ofd;
	ssize_t n;

	build(&t, &d, &b);
	fd = image(&t, &d, &b);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, mv_lx_table_read(fd, MEM, &tab, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_EQ(1, tab.nfiles);
	mv_lx_table_entry(&tab, 0, &e);
	EXPECT_STREQ("/tmp/out.txt", e.path);
	EXPECT_EQ(5000, e.size);
	EXPECT_EQ(0644, e.mode);
	ofd = mkstemp(out);
	ASSERT_GE(ofd, 0);
	EXPECT_EQ(0, mv_lx_copy_file(fd, &tab, "/tmp/out.txt", ofd, err, sizeof(err)));
	EXPECT_EQ(-ENOENT, mv_lx_copy_file(fd, &tab, "/tmp/other", ofd, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no file /tmp/other"));
	n = pread(ofd, got, sizeof(got), 0);
	EXPECT_EQ(5000, n);
	EXPECT_EQ(0, memcmp(got, ram + 0x30000 + 100, 3000));
	EXPECT_EQ(0, memcmp(got + 3000, ram + 0x40000, 2000));
	close(ofd);
	unlink(out);
	mv_lx_table_free(&tab);
	close(fd);
}

static void damage(int what, struct table *t, struct mv_lx_out_dir *d,
		   struct mv_lx_boot *b)
{
	__u64 *fields[] = {
		&b->out_gpa, &b->magic, &b->out_gpa, NULL, &d->len, &d->gpa[0],
		&t->h.magic, NULL, &t->x[1].gpa, &t->x[1].len, &t->f.nextents,
		&d->len, NULL,
	};
	const __u64 values[] = {
		0, MV_LX_MAGIC + 1, MEM, 0, 2 * 4096, MEM - 2048,
		MV_LX_OUT_MAGIC + 1, 0, MEM - 1000, 1000, 3, sizeof(*t) + 8, 0,
	};

	if (fields[what])
		*fields[what] = values[what];
	else if (what == 3)
		d->npages = MV_LX_OUT_DIR_PAGES + 1;
	else if (what == 7)
		t->path[0] = 't';
	else
		t->f.path_len = 0;
}

/* Each damage, and the words that say what it was */
TEST(damaged_tables_refused)
{
	static const struct { int what, err; const char *msg; } cases[] = {
		{ 0, -ENOENT, "has not ended" },
		{ 1, -ENOENT, "does not run a Linux program" },
		{ 2, -EPROTO, "outside its RAM" },
		{ 3, -EPROTO, "its page list" },
		{ 4, -EPROTO, "its page list" },
		{ 5, -EPROTO, "outside its RAM" },
		{ 6, -EPROTO, "its header" },
		{ 7, -EPROTO, "bad path" },
		{ 8, -EPROTO, "outside its RAM or beyond its size" },
		{ 9, -EPROTO, "less data than its size" },
		{ 10, -EPROTO, "cut short" },
		{ 11, -EPROTO, "bytes after its last entry" },
		{ 12, -EPROTO, "bad entry" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct table t;
		struct mv_lx_out_dir d;
		struct mv_lx_boot b;
		struct mv_lx_table tab;
		char err[256] = "";
		int fd, ret;

		build(&t, &d, &b);
		damage(cases[i].what, &t, &d, &b);
		fd = image(&t, &d, &b);
		ASSERT_GE(fd, 0);
		ret = mv_lx_table_read(fd, MEM, &tab, err, sizeof(err));
		EXPECT_EQ(cases[i].err, ret) {
			TH_LOG("case %u: %s", i, err);
		}
		EXPECT_NE(NULL, strstr(err, cases[i].msg)) {
			TH_LOG("case %u: %s", i, err);
		}
		EXPECT_EQ(NULL, tab.buf);
		close(fd);
	}
}

TEST_HARNESS_MAIN
