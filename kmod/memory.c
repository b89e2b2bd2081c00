// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM and its EPT. Pages are ordinary kernel pages, zeroed at
 * allocation and charged to the creating task's memory cgroup.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/mtrr.h>
#include <asm/vmx.h>

#include <linux/migvisor.h>
#include <linux/migvisor_para.h>

#include "memory.h"

#define EPT_RWX		(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK | \
			 VMX_EPT_EXECUTABLE_MASK)
/* Leaf: write-back, ignore guest PAT (no device memory in guests). */
#define EPT_LEAF	(EPT_RWX | (MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT) | \
			 VMX_EPT_IPAT_BIT)

static u64 *table(struct page *p)
{
	return page_address(p);
}

static struct page *new_table(struct mv_mem *m)
{
	struct page *p = alloc_page(MV_GFP_BIG | __GFP_ZERO);

	if (p)
		m->ept[m->n_ept++] = p;
	return p;
}

/* Build PML4 -> PDPT -> PD -> PT for every guest page. */
static int build_ept(struct mv_mem *m)
{
	unsigned long n_pt = DIV_ROUND_UP(m->npages, 512);
	unsigned long n_pd = DIV_ROUND_UP(n_pt, 512);
	struct page *pml4, *pdpt, *pd = NULL, *pt = NULL;
	unsigned long i;

	/* Guest RAM is at most 1 GiB, so one PDPT entry covers it. */
	m->ept = kvcalloc(2 + n_pd + n_pt, sizeof(*m->ept), MV_GFP_BIG);
	m->pt = kvcalloc(n_pt, sizeof(*m->pt), MV_GFP_BIG);
	if (!m->ept || !m->pt)
		return -ENOMEM;
	pml4 = new_table(m);
	pdpt = new_table(m);
	if (!pml4 || !pdpt)
		return -ENOMEM;
	table(pml4)[0] = page_to_phys(pdpt) | EPT_RWX;
	for (i = 0; i < m->npages; i++) {
		if (i % (512 * 512) == 0) {
			pd = new_table(m);
			if (!pd)
				return -ENOMEM;
			table(pdpt)[i / (512 * 512)] = page_to_phys(pd) | EPT_RWX;
		}
		if (i % 512 == 0) {
			pt = new_table(m);
			if (!pt)
				return -ENOMEM;
			table(pd)[(i / 512) % 512] = page_to_phys(pt) | EPT_RWX;
			m->pt[m->n_pt++] = pt;
		}
		table(pt)[i % 512] = page_to_phys(m->pages[i]) | EPT_LEAF;
	}
	/* 4-level walk (length - 1 = 3), write-back paging structures. */
	m->eptp = page_to_phys(pml4) | (3 << 3) | VMX_EPTP_MT_WB;
	return 0;
}

u64 mv_mem_cost(u64 size)
{
	u64 pages = size >> PAGE_SHIFT, pts = DIV_ROUND_UP(pages, 512);

	/* RAM, EPT tables, and the page arrays */
	return (pages + pts + DIV_ROUND_UP(pts, 512) + 2) * PAGE_SIZE +
	       (pages + pts) * sizeof(struct page *);
}

u64 mv_mem_available(void)
{
	long avail = si_mem_available();

	return avail > 0 ? (u64)avail << PAGE_SHIFT : 0;
}

int mv_mem_alloc(struct mv_mem *m, u64 size)
{
	unsigned long i;
	int ret;

	memset(m, 0, sizeof(*m));
	m->size = size;
	m->npages = size >> PAGE_SHIFT;
	m->pages = kvcalloc(m->npages, sizeof(*m->pages), MV_GFP_BIG);
	if (!m->pages)
		return -ENOMEM;
	for (i = 0; i < m->npages; i++) {
		m->pages[i] = alloc_page(MV_GFP_BIG | __GFP_ZERO);
		/* A fatal signal (the OOM killer's, say) ends the wait too. */
		if (m->pages[i] && fatal_signal_pending(current)) {
			ret = -EINTR;
			i++;
			goto out_free;
		}
		if (!m->pages[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
		cond_resched();
	}
	ret = build_ept(m);
	if (ret)
		goto out_free;
	return 0;

out_free:
	mv_mem_free(m);
	return ret;
}

void mv_mem_free(struct mv_mem *m)
{
	unsigned long i;

	if (m->ept) {
		for (i = 0; i < m->n_ept; i++)
			__free_page(m->ept[i]);
		kvfree(m->ept);
	}
	kvfree(m->pt);
	if (m->pages) {
		for (i = 0; i < m->npages && m->pages[i]; i++)
			__free_page(m->pages[i]);
		kvfree(m->pages);
	}
	memset(m, 0, sizeof(*m));
}

u64 *mv_mem_leaf(struct mv_mem *m, unsigned long gfn)
{
	return table(m->pt[gfn / 512]) + gfn % 512;
}

bool mv_mem_range_ok(const struct mv_mem *m, u64 gpa, u64 len)
{
	return gpa <= m->size && len <= m->size - gpa;
}

static int copy(struct mv_mem *m, u64 gpa, void *buf, size_t len, bool user,
		bool to_guest)
{
	if (!mv_mem_range_ok(m, gpa, len))
		return -EFAULT;
	while (len) {
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *va = kmap_local_page(m->pages[gpa >> PAGE_SHIFT]) + off;
		unsigned long left = 0;

		if (!user && to_guest)
			memcpy(va, buf, n);
		else if (!user)
			memcpy(buf, va, n);
		else if (to_guest)
			left = copy_from_user(va, (void __user *)buf, n);
		else
			left = copy_to_user((void __user *)buf, va, n);
		kunmap_local(va);
		if (left)
			return -EFAULT;
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int mv_mem_write(struct mv_mem *m, u64 gpa, const void *src, size_t len,
		 bool user)
{
	return copy(m, gpa, (void *)src, len, user, true);
}

int mv_mem_read(struct mv_mem *m, u64 gpa, void *dst, size_t len, bool user)
{
	return copy(m, gpa, dst, len, user, false);
}

static int put_u64(struct mv_mem *m, u64 gpa, u64 v)
{
	return mv_mem_write(m, gpa, &v, sizeof(v), false);
}

int mv_mem_setup_boot(struct mv_mem *m)
{
	/* Flat 64-bit code, flat data, and a 64-bit TSS (two slots). */
	static const u64 gdt[] = {
		0,
		0x00af9b000000ffffULL,	/* 0x08: code, L=1, DPL 0 */
		0x00cf93000000ffffULL,	/* 0x10: data, DPL 0 */
	};
	u64 tss = MV_GPA_TSS, tss_lo, i;
	int ret = 0;

	/* Identity map of the first 1 GiB with 2 MiB pages, RW, supervisor. */
	ret |= put_u64(m, MV_GPA_PML4, MV_GPA_PDPT | 0x3);
	ret |= put_u64(m, MV_GPA_PDPT, MV_GPA_PD | 0x3);
	for (i = 0; i < 512; i++)
		ret |= put_u64(m, MV_GPA_PD + i * 8, (i << 21) | 0x83);
	ret |= mv_mem_write(m, MV_GPA_GDT, gdt, sizeof(gdt), false);
	/* 64-bit available TSS at MV_GPA_TSS, limit 0x67. */
	tss_lo = 0x67 | ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
		 ((tss >> 24 & 0xff) << 56);
	ret |= put_u64(m, MV_GPA_GDT + MV_GDT_TSS, tss_lo);
	ret |= put_u64(m, MV_GPA_GDT + MV_GDT_TSS + 8, tss >> 32);
	return ret ? -EFAULT : 0;
}
