// SPDX-License-Identifier: GPL-2.0
/*
 * The checks and the packing of static Linux programs (lib/lx_load.c):
 * what mvctl refuses before it writes a byte, and what it hands the
 * Linux personality.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../lib/lx_load.h"

#define MB (1ULL << 20)

struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned char body[256];
};

static void seg(Elf64_Phdr *ph, uint32_t type, uint32_t flags, uint64_t off,
		uint64_t va, uint64_t filesz, uint64_t memsz)
{
	ph->p_type = type;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = va;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
}

/* A static program: code at 4 MiB (the entry), data a page above. */
static void build(struct img *m, uint16_t type, uint64_t base)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, ELFMAG, SELFMAG);
	m->eh.e_ident[EI_CLASS] = ELFCLASS64;
	m->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh.e_ident[EI_OSABI] = ELFOSABI_GNU;
	m->eh.e_type = type;
	m->eh.e_machine = EM_X86_64;
	m->eh.e_entry = base + 16;
	m->eh.e_phoff = offsetof(struct img, ph);
	m->eh.e_phentsize = sizeof(Elf64_Phdr);
	m->eh.e_phnum = 2;
	seg(&m->ph[0], PT_LOAD, PF_R | PF_X, offsetof(struct img, body), base, 128, 128);
	seg(&m->ph[1], PT_LOAD, PF_R | PF_W, offsetof(struct img, body) + 128,
	    base + 4096, 128, 8192);
}

static int check(struct img *m, struct mv_lx_prog *p, const char **why)
{
	*why = "";
	return mv_lx_check(m, sizeof(*m), p, why);
}

TEST(static_exec)
{
	struct mv_lx_prog p;
	const char *why;
	struct img m;

	build(&m, ET_EXEC, 4 * MB);
	ASSERT_EQ(0, check(&m, &p, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(2, p.nseg);
	EXPECT_FALSE(p.pie);
	EXPECT_EQ(4 * MB + 16, p.entry);
	EXPECT_EQ(3 * 4096, p.seg_bytes);
	EXPECT_FALSE(mv_elf_is_native(&m, sizeof(m)));
}

TEST(static_pie_placed_at_linux_base)
{
	struct mv_lx_prog p;
	const char *why;
	struct img m;

	build(&m, ET_DYN, 0);
	ASSERT_EQ(0, check(&m, &p, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_TRUE(p.pie);
	EXPECT_EQ(MV_LX_PIE_BASE + 16, p.entry);
	EXPECT_EQ(MV_LX_PIE_BASE, p.lo);
}

TEST(refusals_name_the_reason)
{
	static const struct {
		int what;
		int err;
		const char *why;
	} cases[] = {
		{ 0, -ENOEXEC, "interpreter" },
		{ 1, -ERANGE, "below 4 MiB" },
		{ 2, -ENOEXEC, "OS ABI" },
		{ 3, -ERANGE, "share a page" },
		{ 4, -ENOEXEC, "wrong machine" },
		{ 5, -ENOEXEC, "not an ELF" },
		{ 6, -ENOEXEC, "truncated" },
		{ 7, -ENOEXEC, "entry point" },
		{ 8, -ERANGE, "stack" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mv_lx_prog p;
		const char *why;
		struct img m;

		build(&m, ET_EXEC, 4 * MB);
		switch (cases[i].what) {
		case 0:
			seg(&m.ph[2], PT_INTERP, PF_R, 0, 0, 1, 1);
			m.eh.e_phnum = 3;
			break;
		case 1:
			build(&m, ET_EXEC, MB);
			break;
		case 2:
			m.eh.e_ident[EI_OSABI] = ELFOSABI_FREEBSD;
			break;
		case 3:
			m.ph[1].p_vaddr = 4 * MB + 2048;
			break;
		case 4:
			m.eh.e_machine = EM_AARCH64;
			break;
		case 5:
			m.eh.e_ident[1] = 'X';
			break;
		case 6:
			m.ph[0].p_filesz = m.ph[0].p_memsz = 4096;
			break;
		case 7:
			m.eh.e_entry = 4 * MB + 4096;
			break;
		case 8:
			m.ph[1].p_vaddr = MV_LX_USER_END - MV_LX_STACK_SIZE;
			break;
		}
		EXPECT_EQ(cases[i].err, check(&m, &p, &why)) {
			TH_LOG("case %u: %s", i, why);
		}
		EXPECT_NE(NULL, strstr(why, cases[i].why)) {
			TH_LOG("case %u: \"%s\" lacks \"%s\"", i, why, cases[i].why);
		}
	}
}

/* guests/lib/start.S's note marks a migvisor image; nothing else does. */
TEST(native_note)
{
	struct {
		struct img m;
		uint32_t note[3];
		char name[12];
		uint32_t desc;
	} n;

	build(&n.m, ET_EXEC, 4 * MB);
	n.note[0] = 9;
	n.note[1] = 4;
	n.note[2] = 1;
	memcpy(n.name, "migvisor\0\0\0", 12);
	n.desc = 1;
	seg(&n.m.ph[2], PT_NOTE, PF_R, offsetof(typeof(n), note), 0, 28, 28);
	n.m.eh.e_phnum = 3;
	EXPECT_TRUE(mv_elf_is_native(&n, sizeof(n)));
	memcpy(n.name, "GNU\0", 4);
	n.note[0] = 4;
	EXPECT_FALSE(mv_elf_is_native(&n, sizeof(n)));
	/* A note that claims more than its segment holds is not read past. */
	n.note[0] = 0x7fffffff;
	EXPECT_FALSE(mv_elf_is_native(&n, sizeof(n)));
}

TEST(pack_layout)
{
	char *const argv[] = { "/bin/prog", "one", "two" };
	char *const envp[] = { "A=1" };
	struct mv_lx_file_in f[2] = {
		{ "/data/in.txt", "hello", 5, 0644, 0 },
		{ "in", "xyz", 3, 0644, MV_LX_FILE_STDIN },
	};
	struct mv_lx_image im;
	struct mv_lx_prog p;
	struct mv_lx_file h;
	const char *why;
	struct img m;
	char err[256];
	const char *s;

	build(&m, ET_EXEC, 4 * MB);
	ASSERT_EQ(0, check(&m, &p, &why));
	ASSERT_EQ(0, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 3, envp, 1, f, 2,
				64 * MB, &im, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	EXPECT_EQ(MV_LX_MAGIC, im.boot.magic);
	EXPECT_EQ(3, im.boot.nfiles);
	EXPECT_EQ(3, im.boot.argc);
	EXPECT_EQ(1, im.boot.envc);
	EXPECT_EQ(MV_LX_KERNEL_END, im.boot.files_gpa);
	/* The program is the first file, /bin/prog, and prog_gpa is its data. */
	memcpy(&h, im.blob, sizeof(h));
	EXPECT_EQ(sizeof(m), h.size);
	EXPECT_EQ(0, memcmp(im.blob + sizeof(h), "/bin/prog", 9));
	EXPECT_EQ(0, memcmp(im.blob + (im.boot.prog_gpa - MV_LX_KERNEL_END), &m,
			    sizeof(m)));
	s = (char *)im.blob + (im.boot.strings_gpa - MV_LX_KERNEL_END);
	EXPECT_STREQ("/bin/prog", s);
	s += strlen(s) + 1;
	EXPECT_STREQ("one", s);
	s += strlen(s) + 1;
	s += strlen(s) + 1;
	EXPECT_STREQ("A=1", s);
	EXPECT_EQ(im.boot.strings_gpa + im.boot.strings_len,
		  MV_LX_KERNEL_END + im.blob_len);
	EXPECT_EQ(0, im.boot.free_gpa % 4096);
	EXPECT_LE(MV_LX_KERNEL_END + im.blob_len, im.boot.free_gpa);
	free(im.blob);
}

TEST(pack_refusals)
{
	char *const argv[] = { "/bin/prog" };
	char *const envp[] = { "NOEQUALS" };
	struct mv_lx_file_in f[2] = {
		{ "/a", "x", 1, 0644, 0 },
		{ "/a/b", "y", 1, 0644, 0 },
	};
	struct mv_lx_image im;
	struct mv_lx_prog p;
	const char *why;
	struct img m;
	char err[256];

	build(&m, ET_EXEC, 4 * MB);
	ASSERT_EQ(0, check(&m, &p, &why));
	EXPECT_EQ(-ENOMEM, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      NULL, 0, 4 * MB, &im, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "KiB of guest memory"));
	EXPECT_EQ(NULL, im.blob);
	EXPECT_EQ(-EEXIST, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      f, 2, 64 * MB, &im, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "directory"));
	f[1].path = "/a";
	EXPECT_EQ(-EEXIST, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      f, 2, 64 * MB, &im, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "twice"));
	f[1].path = "/x/../etc";
	EXPECT_EQ(-EINVAL, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      f, 2, 64 * MB, &im, err, sizeof(err)));
	f[1].path = "/tmp";
	EXPECT_EQ(-EINVAL, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      f, 2, 64 * MB, &im, err, sizeof(err)));
	f[1].path = "/bin/prog";
	EXPECT_EQ(-EEXIST, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, NULL, 0,
				      f, 2, 64 * MB, &im, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, mv_lx_pack(&m, sizeof(m), &p, "prog", argv, 1, envp, 1,
				      NULL, 0, 64 * MB, &im, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "has no ="));
	EXPECT_EQ(NULL, im.blob);
}

TEST_HARNESS_MAIN
