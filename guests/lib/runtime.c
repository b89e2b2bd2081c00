// SPDX-License-Identifier: GPL-2.0
/* The guest runtime: console, formatted output, IDT, exception reports. */
#include "mvguest.h"

struct idt_gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

static struct idt_gate idt[32] __aligned(16);
static mv_handler_t handlers[32];
/* Written by the exception handler behind the compiler's back: *_ONCE. */
uint64_t mv_fixup_rip;
uint32_t mv_fault;

void mv_runtime_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (int i = 0; i < 22; i++) {
		idt[i].off0 = mv_stubs[i];
		idt[i].sel = MV_GDT_CODE;
		idt[i].type = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
		idt[i].off1 = mv_stubs[i] >> 16;
		idt[i].off2 = mv_stubs[i] >> 32;
	}
	asm volatile("lidt %0" : : "m" (idtr));
}

void mv_set_handler(unsigned int vector, mv_handler_t h)
{
	if (vector < 32)
		handlers[vector] = h;
}

void mv_exception(struct mv_frame *f)
{
	if (READ_ONCE(mv_fixup_rip)) {
		WRITE_ONCE(mv_fault, f->vector + 1);
		f->rip = READ_ONCE(mv_fixup_rip);
		WRITE_ONCE(mv_fixup_rip, 0);
		return;
	}
	if (f->vector < 32 && handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	mv_printf("guest: exception %llu (error 0x%llx) at rip 0x%llx\n",
		  (unsigned long long)f->vector, (unsigned long long)f->error,
		  (unsigned long long)f->rip);
	mv_exit(0xe000 | f->vector);
}

void mv_exit(uint64_t status)
{
	for (;;)
		mv_hypercall(MV_HC_EXIT, status, 0, 0);
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

void mv_puts(const char *s)
{
	mv_hypercall(MV_HC_CONSOLE_WRITE, (uint64_t)s, slen(s), 0);
}

int mv_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mv_puts(buf);
	return n;
}

/* One instruction with a recovery point right after it. */
#define SAFE MV_SAFE

int mv_rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int f = SAFE("rdmsr", : "=a" (lo), "=d" (hi) : "c" (msr) : "r11", "memory");

	*val = (uint64_t)hi << 32 | lo;
	return f;
}

int mv_wrmsr_safe(uint32_t msr, uint64_t val)
{
	return SAFE("wrmsr", : : "c" (msr), "a" ((uint32_t)val),
		    "d" ((uint32_t)(val >> 32)) : "r11", "memory");
}

int mv_write_cr0_safe(uint64_t v)
{
	return SAFE("mov %0, %%cr0", : : "r" (v) : "r11", "memory");
}

int mv_write_cr4_safe(uint64_t v)
{
	return SAFE("mov %0, %%cr4", : : "r" (v) : "r11", "memory");
}

static uint64_t vmx_region[512] __aligned(4096);

int mv_vmxon_safe(void)
{
	uint64_t pa = (uint64_t)vmx_region;

	return SAFE("vmxon %0", : : "m" (pa) : "r11", "memory", "cc");
}

int mv_vmread_safe(void)
{
	uint64_t field = 0x681e, v;

	return SAFE("vmread %1, %0", : "=r" (v) : "r" (field) : "r11", "memory", "cc");
}

int mv_invept_safe(void)
{
	struct { uint64_t a, b; } d = { 0, 0 };
	uint64_t type = 2;

	return SAFE("invept %0, %1", : : "m" (d), "r" (type) : "r11", "memory", "cc");
}

int mv_xsetbv_safe(uint32_t xcr, uint64_t v)
{
	return SAFE("xsetbv", : : "c" (xcr), "a" ((uint32_t)v),
		    "d" ((uint32_t)(v >> 32)) : "r11", "memory");
}

/* Probes of instructions a baseline may hide (guests/enforce.c) */
int mv_probe_safe(enum mv_probe p)
{
	static uint8_t area[4096] __aligned(64);
	struct { uint64_t pcid, addr; } desc = { 0, 0 };
	uint64_t v = 0, type = 2;

	switch (p) {
	case MV_PROBE_RDTSCP:
		return SAFE("rdtscp", : : : "rax", "rcx", "rdx", "r11", "memory");
	case MV_PROBE_RDPID:
		return SAFE("rdpid %0", : "=r" (v) : : "r11", "memory");
	case MV_PROBE_INVPCID:
		return SAFE("invpcid %0, %1", : : "m" (desc), "r" (type) : "r11", "memory");
	case MV_PROBE_RDRAND:
		return SAFE("rdrand %0", : "=r" (v) : : "r11", "memory", "cc");
	case MV_PROBE_RDSEED:
		return SAFE("rdseed %0", : "=r" (v) : : "r11", "memory", "cc");
	case MV_PROBE_XSAVES:
		return SAFE("xsaves64 %0", : "+m" (area) : "a" (3), "d" (0) : "r11", "memory");
	case MV_PROBE_AVX:
		return SAFE("vxorps %%ymm0, %%ymm0, %%ymm0", : : : "r11", "memory");
	case MV_PROBE_AVX512:
		return SAFE("vpxord %%zmm0, %%zmm0, %%zmm0", : : : "r11", "memory");
	}
	return -1;
}
