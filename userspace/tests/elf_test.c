// SPDX-License-Identifier: GPL-2.0
/*
 * Guest image checks, one failure cause per test, on images built here.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../lib/elf_load.h"

#define MB (1ULL << 20)

struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned char body[256];
};

static void seg(Elf64_Phdr *ph, uint32_t flags, uint64_t off, uint64_t gpa,
		uint64_t filesz, uint64_t memsz)
{
	ph->p_type = PT_LOAD;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_paddr = gpa;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
}

/* A valid image: code at 1 MiB (entry there), data at 1 MiB + 4 KiB. */
static void build(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_type = ET_EXEC;
	m->eh.e_machine = EM_X86_64;
	m->eh.e_entry = MB;
	m->eh.e_phoff = offsetof(struct img, ph);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 2;
	seg(&m->ph[0], PF_R | PF_X, offsetof(struct img, body), MB, 128, 128);
	seg(&m->ph[1], PF_R | PF_W, offsetof(struct img, body) + 128,
	    MB + 4096, 128, 8192);
}

static int check(struct img *m, size_t len, uint64_t mem, const char **why)
{
	struct mv_elf e;

	*why = "";
	return mv_elf_check(m, len, mem, 0x10000, &e, why);
}

TEST(valid_image)
{
	struct img m;
	struct mv_elf e;
	const char *why = "";

	build(&m);
	ASSERT_EQ(0, mv_elf_check(&m, sizeof(m), 4 * MB, 0x10000, &e, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(2, e.nseg);
	EXPECT_EQ(MB, e.entry);
	EXPECT_EQ(8192, e.seg[1].memsz);
}

/*
 * Nothing aligns the program headers: e_phoff may be odd, and so may the
 * image's place in a caller's buffer. (Under -fsanitize=alignment a read
 * in place fails this test.)
 */
TEST(misaligned_headers)
{
	static uint64_t buf[(sizeof(struct img) + 16) / 8];
	unsigned char *b = (unsigned char *)buf + 1;
	struct img m;
	struct mv_elf e;
	const char *why = "";
	size_t ph = sizeof(m.eh) + 3;

	build(&m);
	m.eh.e_phoff = ph;
	memcpy(b, &m.eh, sizeof(m.eh));
	memcpy(b + ph, m.ph, 2 * sizeof(m.ph[0]));
	memcpy(b + offsetof(struct img, body), m.body, sizeof(m.body));
	ASSERT_EQ(0, mv_elf_check(b, sizeof(m), 4 * MB, 0x10000, &e, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(2, e.nseg);
	EXPECT_EQ(MB, e.entry);
	EXPECT_EQ(MB + 4096, e.seg[1].gpa);
	EXPECT_EQ(8192, e.seg[1].memsz);
}

TEST(not_elf)
{
	struct img m;
	const char *why;

	build(&m);
	m.eh.e_ident[1] = 'X';
	EXPECT_EQ(-ENOEXEC, check(&m, sizeof(m), 4 * MB, &why));
	EXPECT_STREQ("not an ELF file", why);
}

TEST(wrong_machine)
{
	struct img m;
	const char *why;

	build(&m);
	m.eh.e_machine = EM_AARCH64;
	EXPECT_EQ(-ENOEXEC, check(&m, sizeof(m), 4 * MB, &why));
	EXPECT_NE(NULL, strstr(why, "wrong machine"));
}

TEST(truncated_headers)
{
	struct img m;
	const char *why;

	build(&m);
	EXPECT_EQ(-ENOEXEC, check(&m, sizeof(m.eh) + 10, 4 * MB, &why));
	EXPECT_NE(NULL, strstr(why, "truncated"));
}

TEST(truncated_segment)
{
	struct img m;
	const char *why;

	build(&m);
	EXPECT_EQ(-ENOEXEC, check(&m, offsetof(struct img, body) + 64, 4 * MB, &why));
	EXPECT_NE(NULL, strstr(why, "past the end"));
}

TEST(outside_ram)
{
	struct img m;
	const char *why;

	build(&m);
	EXPECT_EQ(-ERANGE, check(&m, sizeof(m), MB + 4096, &why));
	EXPECT_NE(NULL, strstr(why, "outside guest RAM"));
}

TEST(below_load_min)
{
	struct img m;
	const char *why;

	build(&m);
	m.ph[0].p_paddr = 0x1000;
	m.eh.e_entry = 0x1000;
	EXPECT_EQ(-ERANGE, check(&m, sizeof(m), 4 * MB, &why));
	EXPECT_NE(NULL, strstr(why, "boot structures"));
}

TEST(overlap)
{
	struct img m;
	const char *why;

	build(&m);
	m.ph[1].p_paddr = MB + 64;
	EXPECT_EQ(-ERANGE, check(&m, sizeof(m), 4 * MB, &why));
	EXPECT_STREQ("segments overlap", why);
}

TEST(entry_not_executable)
{
	struct img m;
	const char *why;

	build(&m);
	m.eh.e_entry = MB + 4096;
	EXPECT_EQ(-ENOEXEC, check(&m, sizeof(m), 4 * MB, &why));
	EXPECT_NE(NULL, strstr(why, "entry point"));
}

TEST(filesz_over_memsz)
{
	struct img m;
	const char *why;

	build(&m);
	m.ph[0].p_filesz = 200;
	EXPECT_EQ(-ENOEXEC, check(&m, sizeof(m), 4 * MB, &why));
}

TEST_HARNESS_MAIN
