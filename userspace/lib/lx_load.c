// SPDX-License-Identifier: GPL-2.0
/*
 * Everything about a Linux program is checked before a byte is written
 * to the guest: the ELF header and its segments, the packed paths, the
 * strings' count and size, and that the whole fits the guest's RAM.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lx_load.h"

#define PG		4096ULL
#define PG_UP(x)	(((x) + PG - 1) & ~(PG - 1))
#define PG_DOWN(x)	((x) & ~(PG - 1))

static int fail(const char **why, const char *msg, int err)
{
	*why = msg;
	return err;
}

static bool read_ehdr(const void *img, size_t len, Elf64_Ehdr *eh)
{
	if (len < sizeof(*eh))
		return false;
	memcpy(eh, img, sizeof(*eh));
	return !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	       eh->e_ident[EI_DATA] == ELFDATA2LSB;
}

static bool phdrs_in_file(const Elf64_Ehdr *eh, size_t len)
{
	return eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum &&
	       eh->e_phoff <= len &&
	       (len - eh->e_phoff) / sizeof(Elf64_Phdr) >= eh->e_phnum;
}

static void phdr(const void *img, const Elf64_Ehdr *eh, unsigned int i,
		 Elf64_Phdr *ph)
{
	memcpy(ph, (const char *)img + eh->e_phoff + i * sizeof(*ph), sizeof(*ph));
}

bool mv_elf_is_native(const void *img, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;

	if (!read_ehdr(img, len, &eh) || !phdrs_in_file(&eh, len))
		return false;
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t off;

		phdr(img, &eh, i, &ph);
		if (ph.p_type != PT_NOTE || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			continue;
		/* Each note: namesz, descsz, type, name (4-aligned), desc. */
		for (off = 0; off + 12 <= ph.p_filesz;) {
			const char *n = (const char *)img + ph.p_offset + off;
			uint32_t nsz, dsz;

			memcpy(&nsz, n, 4);
			memcpy(&dsz, n + 4, 4);
			if (nsz > ph.p_filesz || dsz > ph.p_filesz)
				break;
			if (nsz == 9 && off + 12 + 9 <= ph.p_filesz &&
			    !memcmp(n + 12, "migvisor", 9))
				return true;
			off += 12 + ((nsz + 3ULL) & ~3ULL) + ((dsz + 3ULL) & ~3ULL);
		}
	}
	return false;
}

int mv_lx_check(const void *img, size_t len, struct mv_lx_prog *out,
		const char **why)
{
	uint64_t span[MV_LX_MAX_SEGS][2], lo = ~0ULL, hi = 0, bias = 0;
	bool entry_ok = false;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i, j;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(eh) || memcmp(img, ELFMAG, SELFMAG))
		return fail(why, "not an ELF file", -ENOEXEC);
	if (!read_ehdr(img, len, &eh))
		return fail(why, "not a little-endian ELF64 file", -ENOEXEC);
	if (eh.e_machine != EM_X86_64)
		return fail(why, "wrong machine: not x86-64", -ENOEXEC);
	if (eh.e_ident[EI_OSABI] != ELFOSABI_SYSV &&
	    eh.e_ident[EI_OSABI] != ELFOSABI_GNU)
		return fail(why, "not a Linux program: its OS ABI is neither SYSV nor GNU",
			    -ENOEXEC);
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return fail(why, "not an executable (neither ET_EXEC nor ET_DYN)",
			    -ENOEXEC);
	if (!phdrs_in_file(&eh, len))
		return fail(why, "truncated: program headers outside the file",
			    -ENOEXEC);
	for (i = 0; i < eh.e_phnum; i++) {
		phdr(img, &eh, i, &ph);
		if (ph.p_type == PT_INTERP)
			return fail(why, "needs an interpreter (PT_INTERP): a dynamically linked program; link it with -static",
				    -ENOEXEC);
		if (ph.p_type == PT_DYNAMIC && eh.e_type == ET_EXEC)
			return fail(why, "has a dynamic section: not a static executable",
				    -ENOEXEC);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (out->nseg == MV_LX_MAX_SEGS)
			return fail(why, "too many loadable segments", -E2BIG);
		if (ph.p_filesz > ph.p_memsz)
			return fail(why, "segment file size exceeds its memory size",
				    -ENOEXEC);
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			return fail(why, "truncated: a segment extends past the end of the file",
				    -ENOEXEC);
		if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr ||
		    ph.p_vaddr + ph.p_memsz > MV_LX_USER_END)
			return fail(why, "a segment lies outside the user address range",
				    -ERANGE);
		span[out->nseg][0] = PG_DOWN(ph.p_vaddr);
		span[out->nseg][1] = PG_UP(ph.p_vaddr + ph.p_memsz);
		out->seg_bytes += span[out->nseg][1] - span[out->nseg][0];
		if (span[out->nseg][0] < lo)
			lo = span[out->nseg][0];
		if (span[out->nseg][1] > hi)
			hi = span[out->nseg][1];
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry - ph.p_vaddr < ph.p_memsz)
			entry_ok = true;
		out->nseg++;
	}
	if (!out->nseg)
		return fail(why, "no loadable segment", -ENOEXEC);
	for (i = 0; i < out->nseg; i++)
		for (j = i + 1; j < out->nseg; j++)
			if (span[i][0] < span[j][1] && span[j][0] < span[i][1])
				return fail(why, "segments overlap (or share a page)",
					    -ERANGE);
	if (!entry_ok)
		return fail(why, "entry point is not in an executable segment",
			    -ENOEXEC);
	out->pie = eh.e_type == ET_DYN;
	if (out->pie)
		bias = MV_LX_PIE_BASE - lo;
	else if (lo < MV_LX_KERNEL_END)
		return fail(why, "a segment lies below 4 MiB, where the in-guest kernel is",
			    -ERANGE);
	if (hi + bias > MV_LX_USER_END - MV_LX_STACK_SIZE)
		return fail(why, "a segment lies where the stack goes, at the top of the user address range",
			    -ERANGE);
	out->lo = lo + bias;
	out->hi = hi + bias;
	out->entry = eh.e_entry + bias;
	return 0;
}

const char *mv_lx_path_problem(const char *path)
{
	static const char *const own[] = { "/tmp", "/dev", "/dev/null",
					   "/dev/stdin", "/proc", "/bin" };
	size_t n = strlen(path), i;
	const char *c;

	if (path[0] != '/')
		return "a guest path must be absolute";
	if (n >= MV_LX_PATH_MAX)
		return "a guest path must be shorter than 256 bytes";
	if (n == 1 || path[n - 1] == '/')
		return "a guest path must name a file, not end in /";
	for (c = path; *c; c++) {
		if (c[0] == '/' && (c[1] == '/' ||
				    (c[1] == '.' && (c[2] == '/' || !c[2])) ||
				    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))))
			return "a guest path must not contain //, /./ or /../";
	}
	for (i = 0; i < ARRAY_SIZE(own); i++)
		if (!strcmp(path, own[i]))
			return "that guest path is the in-guest kernel's own";
	if (!strncmp(path, "/proc/", 6))
		return "/proc is the in-guest kernel's own";
	return NULL;
}

/* Is one path the other's directory ("/a" and "/a/b")? */
static int __printf(4, 5)
failf(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

static bool nests(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && b[n] == '/';
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

int mv_lx_pack(const void *prog, size_t prog_len, const struct mv_lx_prog *p,
	       const char *name, char *const argv[], int argc,
	       char *const envp[], int envc,
	       const struct mv_lx_file_in *files, int nfiles, uint64_t mem,
	       struct mv_lx_image *out, char *why, size_t why_len)
{
	char self[MV_LX_PATH_MAX];
	size_t files_len, str_len = 0, off;
	uint64_t need;
	int i, j, stdins = 0;
	uint8_t *b;

	memset(out, 0, sizeof(*out));
	if (strchr(name, '/') || !*name ||
	    snprintf(self, sizeof(self), "/bin/%s", name) >= (int)sizeof(self))
		return failf(why, why_len, -EINVAL, "the program's name \"%s\" cannot be a file name", name);
	if (argc < 1 || argc + envc > MV_LX_MAX_ARGS)
		return failf(why, why_len, -E2BIG, "%d arguments and %d environment strings: at most %d in all",
		     argc, envc, MV_LX_MAX_ARGS);
	for (i = 0; i < argc; i++)
		str_len += strlen(argv[i]) + 1;
	for (i = 0; i < envc; i++) {
		if (!strchr(envp[i], '='))
			return failf(why, why_len, -EINVAL, "environment string \"%s\" has no =", envp[i]);
		str_len += strlen(envp[i]) + 1;
	}
	if (str_len > MV_LX_MAX_STRINGS)
		return failf(why, why_len, -E2BIG, "the arguments and environment take %zu bytes: at most %d",
		     str_len, MV_LX_MAX_STRINGS);
	if (nfiles + 1 > MV_LX_MAX_FILES)
		return failf(why, why_len, -E2BIG, "%d files: at most %d", nfiles, MV_LX_MAX_FILES - 1);
	files_len = sizeof(struct mv_lx_file) + pad8(strlen(self)) + pad8(prog_len);
	for (i = 0; i < nfiles; i++) {
		const char *problem = files[i].flags & MV_LX_FILE_STDIN ? NULL :
				      mv_lx_path_problem(files[i].path);

		if (problem)
			return failf(why, why_len, -EINVAL, "%s: %s", files[i].path, problem);
		if (files[i].flags & MV_LX_FILE_STDIN)
			stdins++;
		else if (!strcmp(files[i].path, self) || nests(files[i].path, self) ||
			 nests(self, files[i].path))
			return failf(why, why_len, -EEXIST, "%s: the program itself is %s in the guest",
			     files[i].path, self);
		for (j = 0; j < i && !(files[i].flags & MV_LX_FILE_STDIN); j++) {
			if (files[j].flags & MV_LX_FILE_STDIN)
				continue;
			if (!strcmp(files[i].path, files[j].path))
				return failf(why, why_len, -EEXIST, "%s is named twice", files[i].path);
			if (nests(files[i].path, files[j].path) ||
			    nests(files[j].path, files[i].path))
				return failf(why, why_len, -EEXIST, "%s and %s: one would be the other's directory",
				     files[i].path, files[j].path);
		}
		files_len += sizeof(struct mv_lx_file) + pad8(strlen(files[i].path)) +
			     pad8(files[i].size);
	}
	if (stdins > 1)
		return failf(why, why_len, -EINVAL, "stdin is named twice");
	need = MV_LX_KERNEL_END + PG_UP(files_len) + PG_UP(str_len) +
	       p->seg_bytes + MV_LX_MEM_SLACK;
	if (need > mem)
		return failf(why, why_len, -ENOMEM, "the program and its files need %llu KiB of guest memory; the guest has %llu KiB",
		     (unsigned long long)(need >> 10), (unsigned long long)(mem >> 10));
	out->blob_len = PG_UP(files_len) + str_len;
	b = calloc(1, out->blob_len);
	if (!b)
		return failf(why, why_len, -ENOMEM, "out of memory");
	off = 0;
	for (i = -1; i < nfiles; i++) {
		struct mv_lx_file f = {
			.size = i < 0 ? prog_len : files[i].size,
			.mode = i < 0 ? 0755 : files[i].mode & 07777,
			.flags = i < 0 ? 0 : files[i].flags,
		};
		const char *path = i < 0 ? self : files[i].flags & MV_LX_FILE_STDIN ?
				   "/dev/stdin" : files[i].path;

		f.path_len = strlen(path);
		memcpy(b + off, &f, sizeof(f));
		off += sizeof(f);
		memcpy(b + off, path, f.path_len);
		off += pad8(f.path_len);
		if (f.size)
			memcpy(b + off, i < 0 ? prog : files[i].data, f.size);
		if (i < 0)
			out->boot.prog_gpa = MV_LX_KERNEL_END + off;
		off += pad8(f.size);
	}
	off = PG_UP(files_len);
	out->boot.strings_gpa = MV_LX_KERNEL_END + off;
	for (i = 0; i < argc; i++)
		off += stpcpy((char *)b + off, argv[i]) - (char *)b - off + 1;
	for (i = 0; i < envc; i++)
		off += stpcpy((char *)b + off, envp[i]) - (char *)b - off + 1;
	out->blob = b;
	out->boot.magic = MV_LX_MAGIC;
	out->boot.version = MV_LX_VERSION;
	out->boot.size = sizeof(out->boot);
	out->boot.mem = mem;
	out->boot.prog_len = prog_len;
	out->boot.strings_len = str_len;
	out->boot.argc = argc;
	out->boot.envc = envc;
	out->boot.files_gpa = MV_LX_KERNEL_END;
	out->boot.files_len = files_len;
	out->boot.nfiles = nfiles + 1;
	out->boot.free_gpa = PG_UP(MV_LX_KERNEL_END + out->blob_len);
	return 0;
}
