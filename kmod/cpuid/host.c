// SPDX-License-Identifier: GPL-2.0
/*
 * The host's raw CPUID: every leaf and subleaf the CPU enumerates, read on
 * one CPU so that the set is consistent.
 */
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <asm/processor.h>

#include "../compat.h"
#include "host.h"

/* Bounds against a CPU (or hypervisor) reporting absurd maxima. */
#define MAX_BASIC_LEAF		0x3f
#define MAX_EXT_LEAF		0x8000003f
#define MAX_SUBLEAF		63

struct walk {
	struct mv_cpuid_entry *e;
	unsigned int n, max;
};

static struct mv_cpuid_entry *add(struct walk *w, u32 leaf, u32 sub)
{
	struct mv_cpuid_entry *e;

	if (w->n >= w->max)
		return NULL;
	e = &w->e[w->n++];
	e->leaf = leaf;
	e->subleaf = sub;
	cpuid_count(leaf, sub, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

/*
 * Subleaf enumeration per leaf, from the SDM's CPUID description:
 * 4 ends at cache type 0; 0xb and 0x1f end at level type 0; 0xd lists
 * the components set in XCR0|XSS support; 7, 0x14, 0x17, 0x18, 0x1d and
 * 0x20 give their last subleaf in EAX of subleaf 0.
 */
static void add_leaf(struct walk *w, u32 leaf)
{
	struct mv_cpuid_entry *e;
	u64 mask;
	u32 sub, last;

	e = add(w, leaf, 0);
	if (!e)
		return;
	switch (leaf) {
	case 0x4:
		for (sub = 1; sub <= MAX_SUBLEAF && (e->eax & 0x1f); sub++)
			e = add(w, leaf, sub);
		break;
	case 0xb:
	case 0x1f:
		for (sub = 1; sub <= MAX_SUBLEAF && (e->ecx & 0xff00); sub++)
			e = add(w, leaf, sub);
		break;
	case 0xd:
		mask = e->eax | ((u64)e->edx << 32);
		e = add(w, leaf, 1);
		if (!e)
			return;
		mask |= e->ecx | ((u64)e->edx << 32);
		for (sub = 2; sub <= MAX_SUBLEAF; sub++)
			if (mask & BIT_ULL(sub))
				add(w, leaf, sub);
		break;
	case 0x7:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x20:
		last = min_t(u32, e->eax, MAX_SUBLEAF);
		for (sub = 1; sub <= last; sub++)
			add(w, leaf, sub);
		break;
	}
}

/**
 * mv_host_cpuid_read - read the host's raw CPUID
 * @e: array to fill
 * @max: its size
 *
 * Return: the number of entries filled.
 */
int mv_host_cpuid_read(struct mv_cpuid_entry *e, unsigned int max)
{
	struct walk w = { .e = e, .max = max };
	u32 leaf, top;

	preempt_disable();
	top = min_t(u32, cpuid_eax(0), MAX_BASIC_LEAF);
	for (leaf = 0; leaf <= top; leaf++)
		add_leaf(&w, leaf);
	top = cpuid_eax(0x80000000);
	if (top >= 0x80000000) {
		top = min_t(u32, top, MAX_EXT_LEAF);
		for (leaf = 0x80000000; leaf <= top; leaf++)
			add_leaf(&w, leaf);
	}
	preempt_enable();
	return w.n;
}
