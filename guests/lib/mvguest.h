/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migvisor guest runtime: entry, console, hypercalls, and an IDT that
 * reports exceptions (or lets a test catch an expected one).
 */
#ifndef MV_GUEST_RUNTIME_H
#define MV_GUEST_RUNTIME_H

#include <stdarg.h>
#include <stdint.h>

#include <linux/migvisor.h>
#include <linux/migvisor_para.h>

#include "compiler.h"

/* Where the counter guest keeps its progress counter (guest-physical). */
#define MV_COUNTER_GPA	0x200000

#ifdef MV_GUEST_BARE
/* Outside migvisor: the QEMU reference guest of make bench (lib/bare.c) */
uint64_t mv_bare_hypercall(uint64_t nr, uint64_t a, uint64_t b, uint64_t c);
#define mv_hypercall mv_bare_hypercall
#else
static inline uint64_t mv_hypercall(uint64_t nr, uint64_t a, uint64_t b,
				    uint64_t c)
{
	uint64_t ret;

	asm volatile("vmcall" : "=a" (ret) : "a" (nr), "D" (a), "S" (b), "d" (c)
		     : "memory");
	return ret;
}
#endif

/* The guest's TSC rate, kHz: its baseline's, on every host */
static inline uint64_t mv_tsc_khz(void)
{
	return mv_hypercall(MV_HC_TSC_KHZ, 0, 0, 0);
}

/*
 * The current host's CLOCK_MONOTONIC, ns (-MV_HC_ENOSYS from a module
 * without it). Two readings compare only on one host: after a migration
 * the clock is another host's, which may be anywhere.
 */
static inline uint64_t mv_clock_ns(void)
{
	return mv_hypercall(MV_HC_CLOCK_NS, 0, 0, 0);
}

static inline void mv_outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a" (v), "Nd" (port));
}

static inline uint8_t mv_inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a" (v) : "Nd" (port));
	return v;
}

static inline void mv_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
		     : "a" (leaf), "c" (sub));
}

/* One register of a CPUID leaf, and one bit of it */
static inline uint32_t mv_cpuid_reg(uint32_t leaf, uint32_t sub, int reg)
{
	uint32_t r[4];

	mv_cpuid(leaf, sub, r);
	return r[reg];
}

static inline int mv_cpuid_bit(uint32_t leaf, uint32_t sub, int reg, int bit)
{
	return (mv_cpuid_reg(leaf, sub, reg) >> bit) & 1;
}

static inline uint64_t mv_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (uint64_t)hi << 32 | lo;
}

__noreturn void mv_exit(uint64_t status);
void mv_puts(const char *s);
int mv_printf(const char *fmt, ...) __printf(1, 2);
int mv_vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap);
int mv_snprintf(char *buf, unsigned long size, const char *fmt, ...)
	__printf(3, 4);

/*
 * Catching expected exceptions: mv_fault holds the last caught vector plus
 * 1 (0: none). The MV_SAFE_* helpers run one instruction with a recovery
 * point; any exception there resumes after it.
 */
extern uint64_t mv_fixup_rip;
extern uint32_t mv_fault;

/*
 * Run @insn with a recovery point: an exception there resumes after it,
 * and the value is the vector plus 1 (0: none). R11 is used.
 */
#define MV_SAFE(insn, ...)						\
({									\
	WRITE_ONCE(mv_fault, 0);					\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, mv_fixup_rip(%%rip)\n\t"		\
		     insn "\n\t"					\
		     "1: movq $0, mv_fixup_rip(%%rip)"			\
		     __VA_ARGS__);					\
	(int)READ_ONCE(mv_fault);					\
})

int mv_rdmsr_safe(uint32_t msr, uint64_t *val);
int mv_wrmsr_safe(uint32_t msr, uint64_t val);
int mv_write_cr0_safe(uint64_t v);
int mv_write_cr4_safe(uint64_t v);
int mv_vmxon_safe(void);
int mv_vmread_safe(void);
int mv_invept_safe(void);
int mv_xsetbv_safe(uint32_t xcr, uint64_t v);

enum mv_probe {
	MV_PROBE_RDTSCP, MV_PROBE_RDPID, MV_PROBE_INVPCID, MV_PROBE_RDRAND,
	MV_PROBE_RDSEED, MV_PROBE_XSAVES, MV_PROBE_AVX, MV_PROBE_AVX512,
};
int mv_probe_safe(enum mv_probe p);

/* Optional per-vector handler; returning resumes the guest. */
struct mv_frame {
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
typedef void (*mv_handler_t)(struct mv_frame *f);
void mv_set_handler(unsigned int vector, mv_handler_t h);

int main(void);

/* Internal to the runtime (start.S and runtime.c). */
extern const uint64_t mv_stubs[22];
void mv_runtime_init(void);
void mv_exception(struct mv_frame *f);

#endif
