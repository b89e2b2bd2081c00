// SPDX-License-Identifier: GPL-2.0
/*
 * Guest images are static ELF64 x86-64 executables. Everything about
 * them is checked before the first byte is written: header, machine,
 * program headers inside the file, segments inside guest RAM, above the
 * boot structures, not overlapping, and the entry inside an executable
 * segment.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/migvisor.h>

#include "elf_load.h"

static int fail(const char **why, const char *msg, int err)
{
	*why = msg;
	return err;
}

/*
 * The headers are copied out, not read in place: nothing aligns a program
 * header table at an odd e_phoff, nor the image in a caller's buffer, and
 * a misaligned Elf64_* access is undefined behaviour.
 */
int mv_elf_check(const void *img, size_t len, uint64_t mem,
		 uint64_t load_min, struct mv_elf *out, const char **why)
{
	Elf64_Ehdr ehdr, *eh = &ehdr;
	Elf64_Phdr phdr, *ph = &phdr;
	bool entry_ok = false;
	unsigned int i, j;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*eh))
		return fail(why, "not an ELF file", -ENOEXEC);
	memcpy(eh, img, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(why, "not an ELF file", -ENOEXEC);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(why, "not a little-endian ELF64 file", -ENOEXEC);
	if (eh->e_machine != EM_X86_64)
		return fail(why, "wrong machine: not x86-64", -ENOEXEC);
	if (eh->e_type != ET_EXEC)
		return fail(why, "not a static executable (ET_EXEC)", -ENOEXEC);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return fail(why, "truncated: program headers outside the file",
			    -ENOEXEC);
	for (i = 0; i < eh->e_phnum; i++) {
		struct mv_elf_seg *s;

		memcpy(ph, (const char *)img + eh->e_phoff + i * sizeof(*ph),
		       sizeof(*ph));
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (out->nseg == MV_ELF_MAX_SEGS)
			return fail(why, "too many loadable segments", -E2BIG);
		if (ph->p_filesz > ph->p_memsz)
			return fail(why, "segment file size exceeds its memory size",
				    -ENOEXEC);
		if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
			return fail(why, "truncated: a segment extends past the end of the file",
				    -ENOEXEC);
		if (ph->p_paddr < load_min)
			return fail(why, "a segment overlaps the boot structures below 64 KiB",
				    -ERANGE);
		if (ph->p_paddr > mem || ph->p_memsz > mem - ph->p_paddr)
			return fail(why, "a segment lies outside guest RAM", -ERANGE);
		s = &out->seg[out->nseg++];
		s->gpa = ph->p_paddr;
		s->offset = ph->p_offset;
		s->filesz = ph->p_filesz;
		s->memsz = ph->p_memsz;
		if ((ph->p_flags & PF_X) && eh->e_entry >= s->gpa &&
		    eh->e_entry < s->gpa + s->memsz)
			entry_ok = true;
	}
	if (!out->nseg)
		return fail(why, "no loadable segment", -ENOEXEC);
	for (i = 0; i < out->nseg; i++)
		for (j = i + 1; j < out->nseg; j++) {
			const struct mv_elf_seg *a = &out->seg[i], *b = &out->seg[j];

			if (a->gpa < b->gpa + b->memsz && b->gpa < a->gpa + a->memsz)
				return fail(why, "segments overlap", -ERANGE);
		}
	if (!entry_ok)
		return fail(why, "entry point is not in an executable segment",
			    -ENOEXEC);
	out->entry = eh->e_entry;
	return 0;
}

int mv_elf_write(int fd, const void *img, const struct mv_elf *elf)
{
	static const char zero[4096];
	unsigned int i;

	for (i = 0; i < elf->nseg; i++) {
		const struct mv_elf_seg *s = &elf->seg[i];
		uint64_t off;

		if (s->filesz && pwrite(fd, (const char *)img + s->offset,
					s->filesz, s->gpa) != (ssize_t)s->filesz)
			return -errno;
		for (off = s->filesz; off < s->memsz;) {
			size_t n = s->memsz - off < sizeof(zero) ?
				   s->memsz - off : sizeof(zero);

			if (pwrite(fd, zero, n, s->gpa + off) != (ssize_t)n)
				return -errno;
			off += n;
		}
	}
	return 0;
}

int mv_elf_load(int fd, const void *img, const struct mv_elf *elf)
{
	struct mv_guest_entry e = { .rip = elf->entry };
	int ret = mv_elf_write(fd, img, elf);

	if (ret)
		return ret;
	return ioctl(fd, MV_IOC_SET_ENTRY, &e) ? -errno : 0;
}
