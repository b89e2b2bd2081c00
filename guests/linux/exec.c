// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the program as Linux's execve leaves it: its segments at their
 * addresses (a static PIE at Linux's base), a heap after them, and a stack
 * holding argc, argv, envp and the auxiliary vector that static glibc and
 * musl read before main (AT_PHDR for their TLS and IRELATIVE relocations,
 * AT_RANDOM for the stack guard, AT_HWCAP, AT_MINSIGSTKSZ, ...).
 */
#include <elf.h>

#include "lx.h"

#define AUX(t, v) do { aux[naux++] = (t); aux[naux++] = (v); } while (0)

static __noreturn void ehdr_check_fail(const char *why)
{
	lx_panic("the program image in guest RAM is not what mvctl checked: %s", why);
}

static uint32_t elf_prot(uint32_t f)
{
	return (f & PF_R ? PROT_READ : 0) | (f & PF_W ? PROT_WRITE : 0) |
	       (f & PF_X ? PROT_EXEC : 0);
}

static void load_segment(const uint8_t *img, const Elf64_Phdr *ph, uint64_t bias)
{
	uint64_t va = ph->p_vaddr + bias, start = va & PAGE_MASK;
	uint64_t end = PAGE_UP(va + ph->p_memsz);
	uint32_t prot = elf_prot(ph->p_flags);

	/*
	 * Filled now, not on demand (the image may be overwritten later):
	 * writable while it is filled, then the segment's own rights.
	 */
	if (lx_map_range(start, end, PROT_READ | PROT_WRITE, 0))
		lx_panic("no room for the program's segment at 0x%lx", start);
	if (!lx_user_ok(start, end - start, true))
		lx_panic("out of guest memory loading the program");
	if (ph->p_filesz)
		memcpy((void *)va, img + ph->p_offset, ph->p_filesz);
	lx_protect_range(start, end, prot);
}

static void random_bytes(uint8_t out[16])
{
	uint64_t v[2];
	unsigned int i;

	if (lx_cpu_has(1, 2, 30)) {	/* RDRAND, shown by the baseline */
		for (i = 0; i < 2; i++) {
			unsigned char ok = 0;
			int tries = 10;

			while (!ok && tries--)
				asm volatile("rdrand %0; setc %1" : "=r" (v[i]), "=qm" (ok));
			if (!ok)
				v[i] = mv_rdtsc() * 0x9e3779b97f4a7c15ULL;
		}
	} else {
		v[0] = mv_rdtsc() * 0x9e3779b97f4a7c15ULL;
		v[1] = mv_hypercall(MV_HC_CLOCK_NS, 0, 0, 0) ^ (mv_rdtsc() << 17);
	}
	memcpy(out, v, 16);
}

static uint64_t push(uint64_t *sp, const void *p, uint64_t n)
{
	*sp -= n;
	if (lx_copy_to_user(*sp, p, n))
		lx_panic("out of guest memory building the stack");
	return *sp;
}

void lx_exec(const struct mv_lx_boot *b, struct lx_regs *r)
{
	const uint8_t *img = __va(b->prog_gpa);
	const char *strings = __va(b->strings_gpa);
	uint64_t bias = 0, lo = ~0ULL, hi = 0, phdr = 0, sp, platform, rnd;
	uint64_t ptrs[MV_LX_MAX_ARGS], aux[64], zero = 0, argc = b->argc;
	bool exec_stack = false;
	unsigned int i, n = b->argc + b->envc, naux = 0;
	Elf64_Ehdr eh;
	uint8_t rbytes[16];
	uint32_t cpu[4];
	const char *s;

	if (b->prog_len < sizeof(eh))
		ehdr_check_fail("shorter than an ELF header");
	memcpy(&eh, img, sizeof(eh));
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > b->prog_len ||
	    (b->prog_len - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
		ehdr_check_fail("program headers outside the file");
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_memsz) {
			if (ph.p_vaddr < lo)
				lo = ph.p_vaddr;
			if (ph.p_vaddr + ph.p_memsz > hi)
				hi = ph.p_vaddr + ph.p_memsz;
			if (ph.p_offset > b->prog_len ||
			    ph.p_filesz > b->prog_len - ph.p_offset ||
			    ph.p_filesz > ph.p_memsz)
				ehdr_check_fail("a segment outside the file");
		}
	}
	if (eh.e_type == ET_DYN)
		bias = MV_LX_PIE_BASE - (lo & PAGE_MASK);
	if ((lo & PAGE_MASK) + bias < MV_LX_KERNEL_END || hi + bias < hi ||
	    hi + bias > MV_LX_USER_END - MV_LX_STACK_SIZE)
		ehdr_check_fail("segments outside the user address range");
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_memsz) {
			load_segment(img, &ph, bias);
			if (!phdr && ph.p_offset <= eh.e_phoff &&
			    eh.e_phoff - ph.p_offset < ph.p_filesz)
				phdr = ph.p_vaddr + bias + eh.e_phoff - ph.p_offset;
		} else if (ph.p_type == PT_PHDR) {
			phdr = ph.p_vaddr + bias;
		} else if (ph.p_type == PT_GNU_STACK) {
			exec_stack = ph.p_flags & PF_X;
		}
	}
	lx_brk_start = lx_brk = PAGE_UP(hi + bias);
	if (lx_map_range(MV_LX_USER_END - MV_LX_STACK_SIZE, MV_LX_USER_END,
			 PROT_READ | PROT_WRITE | (exec_stack ? PROT_EXEC : 0),
			 LX_VMA_STACK))
		lx_panic("no room for the stack");

	/* Strings at the top, as Linux puts them, then the pointers. */
	sp = MV_LX_USER_END - 8;
	for (i = 0, s = strings; i < n; i++, s += strlen(s) + 1)
		ptrs[i] = push(&sp, s, strlen(s) + 1);
	platform = push(&sp, "x86_64", 7);
	random_bytes(rbytes);
	sp &= ~15ULL;
	rnd = push(&sp, rbytes, 16);

	mv_cpuid(1, 0, cpu);
	/* No AT_SYSINFO_EHDR: without a vDSO, glibc makes real syscalls. */
	AUX(AT_HWCAP, cpu[3]);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, eh.e_phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, eh.e_entry + bias);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, rnd);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, ptrs[0]);	/* argv[0] is the program's path */
	AUX(AT_PLATFORM, platform);
	/* Linux's sigframe size: the XSAVE area, its magic, the frame. */
	AUX(AT_MINSIGSTKSZ, (lx_xsave_size + 4 + 440 + 64 + 15) & ~15U);
	AUX(AT_NULL, 0);

	/* argc, argv..., NULL, envp..., NULL, auxv: 16-byte aligned at argc */
	if (((naux + n + 3) * 8) & 15)
		sp -= 8;
	push(&sp, aux, naux * 8);
	push(&sp, &zero, 8);
	push(&sp, &ptrs[b->argc], b->envc * 8);
	push(&sp, &zero, 8);
	push(&sp, ptrs, b->argc * 8);
	push(&sp, &argc, 8);
	memset(r, 0, sizeof(*r));
	r->rip = eh.e_entry + bias;
	r->rsp = sp;
	r->cs = LX_UCODE;
	r->ss = LX_UDATA;
	r->rflags = 0x202;
}
