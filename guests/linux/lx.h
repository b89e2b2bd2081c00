/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux personality: a one-process, one-thread kernel inside a
 * migvisor guest. The program runs in ring 3 on 4 KiB pages; SYSCALL
 * enters ring 0 here with no VM exit, and only the console, the exit and
 * the clocks leave the guest (hypercalls).
 */
#ifndef MV_LX_H
#define MV_LX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/migvisor.h>

#include "../lib/mvguest.h"
#include "../../common/lx_boot.h"

/* Selectors: STAR makes SYSRET's SS 0x1b and CS 0x23 from base 0x10. */
#define LX_KCODE	0x08
#define LX_KDATA	0x10
#define LX_UDATA	0x1b
#define LX_UCODE	0x23
#define LX_TSS		0x28

#define PAGE_SIZE	4096ULL
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_UP(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* All guest RAM, mapped for the kernel only (PML4 slot 256). */
#define LX_DMAP		0xffff800000000000ULL
#define __va(pa)	((void *)((uint64_t)(pa) + lx_dmap))
#define __pa(va)	((uint64_t)(va) - lx_dmap)
extern uint64_t lx_dmap;

/* Errno values (asm-generic/errno-base.h, errno.h) */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EEXIST 17
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
/* ENOSYS by its number: this kernel has no such call */
#define LX_NOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENODATA 61
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ETIMEDOUT 110
#define ENFILE 23

/*
 * What entry.S saves: the general registers, then the vector (or the
 * syscall number) and an error code, then an IRET frame. A SYSCALL
 * builds the same frame, so every return to ring 3 is one IRETQ.
 */
struct lx_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* lib.c */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *d, const char *s);
void lx_console(const void *p, size_t n);
void lx_log(const char *fmt, ...) __printf(1, 2);
__noreturn void lx_exit(int status);
__noreturn void lx_panic(const char *fmt, ...) __printf(1, 2);

/* cpu.c */
extern uint64_t lx_xcr0;
extern uint32_t lx_xsave_size;
void lx_cpu_init(void);
bool lx_cpu_has(uint32_t leaf, int reg, int bit);

/* mm.c: physical pages, page tables, the address space */
#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4
#define LX_VMA_STACK	0x100	/* grows no further than its VMA */
#define LX_VMA_HEAP	0x200

struct lx_vma {
	uint64_t start, end;
	uint32_t prot;
	uint32_t flags;
};

extern uint64_t lx_brk_start, lx_brk;
void lx_mm_init(const struct mv_lx_boot *b);
uint64_t lx_page_alloc(void);		/* a zeroed page's PA, or 0 */
void lx_page_free(uint64_t pa);
uint64_t lx_pages_free(void);
/*
 * Guest RAM the personality manages (all of it above the loaded images
 * and the packed files, which lie @below), the most of it ever in use,
 * and the page tables among that, in bytes: the exit report.
 */
struct lx_mm_stats {
	uint64_t managed, peak, page_tables, below;
};
void lx_mm_stats(struct lx_mm_stats *st);
/* The guest-physical address of a mapped byte, or ~0 */
uint64_t lx_virt_to_phys(const void *p);
int lx_map_range(uint64_t start, uint64_t end, uint32_t prot, uint32_t flags);
int lx_unmap_range(uint64_t start, uint64_t end);
int lx_protect_range(uint64_t start, uint64_t end, uint32_t prot);
struct lx_vma *lx_vma_find(uint64_t va);
uint64_t lx_find_free(uint64_t len);
/* Make [va, va+len) present with @write access, demand-faulting it in. */
bool lx_user_ok(uint64_t va, uint64_t len, bool write);
int lx_copy_from_user(void *dst, uint64_t src, uint64_t len);
int lx_copy_to_user(uint64_t dst, const void *src, uint64_t len);
long lx_strncpy_from_user(char *dst, uint64_t src, long max);
/* A user page fault: 0 if resolved, else the signal's si_code. */
int lx_handle_fault(uint64_t addr, uint64_t error);
long sys_brk(uint64_t addr);
long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
	      uint64_t fd, uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len,
		uint64_t flags, uint64_t new_addr);
long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice);

/* kmem: kernel memory that outlives a call (file data, grown by doubling) */
void *lx_kalloc(uint64_t bytes);
void lx_kfree(void *p, uint64_t bytes);

/* fs.c */
void lx_fs_init(const struct mv_lx_boot *b);
/* At exit: the table of files for mvctl guest copy (lx_boot.h) */
void lx_fs_export(void);
/* The file at @path, whole, for mmap and exec: NULL or its data and size. */
const void *lx_fs_data(int fd, uint64_t *size);
long lx_fs_syscall(struct lx_regs *r, bool *handled);

/* exec.c */
void lx_exec(const struct mv_lx_boot *b, struct lx_regs *r);

/* time.c */
void lx_time_init(void);
uint64_t lx_mono_ns(void);
uint64_t lx_real_ns(void);
void lx_delay_ns(uint64_t ns);
long lx_time_syscall(struct lx_regs *r, bool *handled);

/* signal.c */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGPIPE 13
#define SIGTERM 15
#define LX_NSIG 64
void lx_fault(struct lx_regs *r);
/* Raise @sig for the program: deliver it to its handler or end it. */
void lx_signal(struct lx_regs *r, int sig, int code, uint64_t addr);
long lx_signal_syscall(struct lx_regs *r, bool *handled);

/* sys.c */
void lx_syscall(struct lx_regs *r);
const char *lx_syscall_name(uint64_t nr);

/* entry.S */
__noreturn void lx_enter_user(struct lx_regs *r);
extern uint8_t lx_kstack_top[];
extern uint8_t lx_dfstack_top[];
extern const uint64_t lx_stubs[22];
void lx_syscall_entry(void);

#endif
