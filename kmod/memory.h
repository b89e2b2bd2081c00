/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM: kernel pages mapped at guest-physical 0..size by a 4-level
 * EPT with 4 KiB write-back mappings.
 */
#ifndef _MV_MEMORY_H
#define _MV_MEMORY_H

#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/migvisor_para.h>

struct page;

/*
 * Allocations whose size a request chooses (guest RAM, session buffers):
 * they fail with -ENOMEM rather than wake the OOM killer, which would
 * kill whoever is nearest, often the caller, and they do not warn.
 */
#define MV_GFP_BIG	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)

struct mv_mem {
	u64 size;
	unsigned long npages;
	struct page **pages;
	/* EPT paging structures, [0] is the PML4 */
	unsigned long n_ept;
	struct page **ept;
	/* The last-level tables, in guest-physical order: 512 pages each */
	unsigned long n_pt;
	struct page **pt;
	u64 eptp;
};

int mv_mem_alloc(struct mv_mem *m, u64 size);
/* Bytes a new guest of @size would take from the host, tables included. */
u64 mv_mem_cost(u64 size);
/* Bytes the host can give without reclaiming its working set, about. */
u64 mv_mem_available(void);
void mv_mem_free(struct mv_mem *m);
bool mv_mem_range_ok(const struct mv_mem *m, u64 gpa, u64 len);
/* Copy between guest RAM and a kernel or user buffer; 0 or -errno. */
int mv_mem_write(struct mv_mem *m, u64 gpa, const void *src, size_t len,
		 bool user);
int mv_mem_read(struct mv_mem *m, u64 gpa, void *dst, size_t len, bool user);
/* The EPT leaf entry that maps @gfn (< npages). */
u64 *mv_mem_leaf(struct mv_mem *m, unsigned long gfn);
/* Identity page tables, GDT and TSS at the uapi's MV_GPA_* addresses. */
int mv_mem_setup_boot(struct mv_mem *m);

#endif /* _MV_MEMORY_H */
