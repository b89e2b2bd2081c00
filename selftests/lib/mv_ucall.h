/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code inside a test binary, as KVM's selftests write it: a
 * function of the test, run in a guest (mv_vm.h loads the binary), that
 * reports to the test through a ucall (the record below, then the exit
 * hypercall) instead of console text.
 *
 * Guest code runs in 64-bit mode on the identity map of the guest's
 * first GiB, with no libc, no TLS and no relocations: it may call only
 * GUEST_CODE functions, use globals of the test directly (RIP-relative)
 * and string literals, and never a table of pointers (those would need
 * the dynamic linker).
 */
#ifndef MV_SELFTEST_UCALL_H
#define MV_SELFTEST_UCALL_H

#include <stdint.h>

#include <linux/migvisor_para.h>

#include "compiler.h"

enum mv_ucall_cmd {
	MV_UCALL_NONE,
	MV_UCALL_DONE,		/* the guest finished; vals hold its report */
	MV_UCALL_ASSERT,	/* GUEST_ASSERT failed at file:line */
};

#define MV_UCALL_VALS	8

/**
 * struct mv_ucall - what guest code tells the test
 * @cmd: enum mv_ucall_cmd
 * @line: the GUEST_ASSERT's line
 * @file, @expr: guest addresses of its file name and expression text
 *	(mv_vm_str() reads them)
 * @nvals: values the guest reported (GUEST_REPORT), or an assertion's two
 * @vals: the values
 */
struct mv_ucall {
	uint64_t cmd;
	uint64_t line;
	uint64_t file;
	uint64_t expr;
	uint64_t nvals;
	uint64_t vals[MV_UCALL_VALS];
};

/* The guest's one ucall record, in the test binary's .bss. */
extern struct mv_ucall mv_ucall_area;

#define GUEST_CODE	__mv_guest_code

static __always_inline __noreturn void mv_guest_exit(uint64_t status)
{
	asm volatile("vmcall" : : "a" ((uint64_t)MV_HC_EXIT), "D" (status) : "memory");
	__builtin_unreachable();
}

static __always_inline uint64_t mv_guest_hypercall(uint64_t nr, uint64_t a)
{
	uint64_t ret;

	asm volatile("vmcall" : "=a" (ret) : "a" (nr), "D" (a) : "memory");
	return ret;
}

static __always_inline void mv_guest_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
		     : "a" (leaf), "c" (sub));
}

/* A value for the test, at most MV_UCALL_VALS (later ones are dropped). */
#define GUEST_REPORT(v)							\
	do {								\
		if (mv_ucall_area.nvals < MV_UCALL_VALS)		\
			mv_ucall_area.vals[mv_ucall_area.nvals] = (v);	\
		mv_ucall_area.nvals++;					\
	} while (0)

#define GUEST_DONE()							\
	do {								\
		mv_ucall_area.cmd = MV_UCALL_DONE;			\
		mv_guest_exit(0);					\
	} while (0)

#define __GUEST_ASSERT(cond, text, a, b)				\
	do {								\
		if (!(cond)) {						\
			mv_ucall_area.cmd = MV_UCALL_ASSERT;		\
			mv_ucall_area.line = __LINE__;			\
			mv_ucall_area.file = (uint64_t)__FILE__;	\
			mv_ucall_area.expr = (uint64_t)(text);		\
			mv_ucall_area.nvals = 2;			\
			mv_ucall_area.vals[0] = (uint64_t)(a);		\
			mv_ucall_area.vals[1] = (uint64_t)(b);		\
			mv_guest_exit(1);				\
		}							\
	} while (0)

#define GUEST_ASSERT(cond)	__GUEST_ASSERT(cond, #cond, 0, 0)
#define GUEST_ASSERT_EQ(a, b)						\
	do {								\
		uint64_t __a = (a), __b = (b);				\
		__GUEST_ASSERT(__a == __b, #a " == " #b, __a, __b);	\
	} while (0)

#endif
