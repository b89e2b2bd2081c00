// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM as the program sees it: a page allocator over what the load
 * left free, 4-level page tables with 4 KiB user pages, and a sorted list
 * of areas (VMAs) whose pages are filled in on first touch, as Linux's
 * anonymous memory is. The personality keeps 0..4 MiB (its image) and a
 * map of all RAM above the user half; ring 3 can reach neither.
 */
#include "lx.h"

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_KEPT	(1ULL << 9)	/* not present, but the page is ours */
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL
#define USER_TOP	0x800000000000ULL
#define LX_KHEAP	0xffffc00000000000ULL
#define LX_MAX_VMAS	512
/* Where top-down mmap starts: below the stack and a guard gap. */
#define MMAP_TOP	(MV_LX_USER_END - MV_LX_STACK_SIZE - (64ULL << 20))

uint64_t lx_dmap;
uint64_t lx_brk_start, lx_brk;
static uint64_t *pml4;
static uint64_t next_pa, end_pa, free_list, nfree;
/* Pages handed out now and at most, and how many hold page tables. */
static uint64_t first_pa, in_use, peak_use, pt_pages;
static uint64_t nx_bit;
static uint64_t kheap_next = LX_KHEAP;
static struct lx_vma vmas[LX_MAX_VMAS];
static unsigned int nvmas;

uint64_t lx_page_alloc(void)
{
	uint64_t pa;

	if (free_list) {
		pa = free_list;
		free_list = *(uint64_t *)__va(pa);
		nfree--;
	} else if (next_pa < end_pa) {
		pa = next_pa;
		next_pa += PAGE_SIZE;
	} else {
		return 0;
	}
	memset(__va(pa), 0, PAGE_SIZE);
	if (++in_use > peak_use)
		peak_use = in_use;
	return pa;
}

void lx_page_free(uint64_t pa)
{
	*(uint64_t *)__va(pa) = free_list;
	free_list = pa;
	nfree++;
	in_use--;
}

void lx_mm_stats(struct lx_mm_stats *st)
{
	st->managed = end_pa - first_pa;
	st->peak = peak_use * PAGE_SIZE;
	st->page_tables = pt_pages * PAGE_SIZE;
	st->below = first_pa;
}

/* A page for a page table: counted apart, for the exit report. */
static uint64_t pt_alloc(void)
{
	uint64_t pa = lx_page_alloc();

	if (pa)
		pt_pages++;
	return pa;
}

uint64_t lx_pages_free(void)
{
	return nfree + (end_pa - next_pa) / PAGE_SIZE;
}

static void flush_page(uint64_t va)
{
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
}

/* The PTE of @va, with the tables above it made if @alloc; NULL if not. */
static uint64_t *walk(uint64_t va, bool alloc)
{
	uint64_t *t = pml4, us = va < USER_TOP ? PTE_US : 0;
	int shift;

	for (shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!alloc)
				return NULL;
			pa = pt_alloc();
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_RW | us;
		}
		if (*e & PTE_PS)
			return NULL;
		t = __va(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

uint64_t lx_virt_to_phys(const void *p)
{
	uint64_t va = (uint64_t)p, *pte;

	/* The direct map of all RAM; the kernel heap lies above it. */
	if (va >= LX_DMAP && va - LX_DMAP < end_pa)
		return va - LX_DMAP;
	pte = walk(va, false);
	if (!pte || !(*pte & PTE_P))
		return ~0ULL;
	return (*pte & PTE_ADDR) | (va & ~PAGE_MASK);
}

static uint64_t prot_bits(uint32_t prot)
{
	uint64_t b = PTE_US;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return PTE_KEPT;
	b |= PTE_P;
	if (prot & PROT_WRITE)
		b |= PTE_RW;
	if (!(prot & PROT_EXEC))
		b |= nx_bit;
	return b;
}

void lx_mm_init(const struct mv_lx_boot *b)
{
	uint64_t *pdpt, *pd, pa, cr3;
	unsigned int i;

	next_pa = PAGE_UP(b->free_gpa);
	first_pa = next_pa;
	end_pa = b->mem & PAGE_MASK;
	if (lx_cpu_has(0x80000001, 3, 20)) {
		uint32_t lo, hi;

		asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (0xc0000080));
		if (lo & (1 << 11))	/* EFER.NXE, as migvisor set it */
			nx_bit = PTE_NX;
	}
	/* Still on migvisor's identity map: __va() is the identity. */
	pml4 = __va(pt_alloc());
	pdpt = __va(pt_alloc());
	pd = __va(pt_alloc());
	pml4[0] = __pa(pdpt) | PTE_P | PTE_RW | PTE_US;
	pdpt[0] = __pa(pd) | PTE_P | PTE_RW | PTE_US;
	for (i = 0; i < MV_LX_KERNEL_END >> 21; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	pdpt = __va(pt_alloc());
	pml4[256] = __pa(pdpt) | PTE_P | PTE_RW;
	for (pa = 0; pa < b->mem; pa += 1ULL << 21) {
		if (!(pa & ((1ULL << 30) - 1))) {
			pd = __va(pt_alloc());
			pdpt[pa >> 30] = __pa(pd) | PTE_P | PTE_RW;
		}
		pd[(pa >> 21) & 511] = pa | PTE_P | PTE_RW | PTE_PS | nx_bit;
	}
	cr3 = __pa(pml4);
	pml4 = (uint64_t *)(LX_DMAP + cr3);
	asm volatile("mov %0, %%cr3" : : "r" (cr3) : "memory");
	lx_dmap = LX_DMAP;
}

void *lx_kalloc(uint64_t bytes)
{
	uint64_t va = kheap_next, off;

	bytes = PAGE_UP(bytes);
	if (!bytes || bytes / PAGE_SIZE > lx_pages_free())
		return NULL;
	for (off = 0; off < bytes; off += PAGE_SIZE) {
		uint64_t *pte = walk(va + off, true);
		uint64_t pa = pte ? lx_page_alloc() : 0;

		if (!pa) {
			lx_kfree((void *)va, off);
			return NULL;
		}
		*pte = pa | PTE_P | PTE_RW | nx_bit;
	}
	/* A page of nothing after each: an overrun faults, it does not spread. */
	kheap_next += bytes + PAGE_SIZE;
	return (void *)va;
}

void lx_kfree(void *p, uint64_t bytes)
{
	uint64_t va = (uint64_t)p, off;

	for (off = 0; off < PAGE_UP(bytes); off += PAGE_SIZE) {
		uint64_t *pte = walk(va + off, false);

		if (pte && (*pte & PTE_P)) {
			lx_page_free(*pte & PTE_ADDR);
			*pte = 0;
			flush_page(va + off);
		}
	}
}

struct lx_vma *lx_vma_find(uint64_t va)
{
	unsigned int i;

	for (i = 0; i < nvmas && vmas[i].start <= va; i++)
		if (va < vmas[i].end)
			return &vmas[i];
	return NULL;
}

/* Drop [start, end) from the area list, splitting areas at its edges. */
static int vma_cut(uint64_t start, uint64_t end)
{
	unsigned int i = 0;

	while (i < nvmas) {
		struct lx_vma *v = &vmas[i];

		if (v->end <= start || v->start >= end) {
			i++;
			continue;
		}
		if (v->start < start && v->end > end) {
			if (nvmas == LX_MAX_VMAS)
				return -ENOMEM;
			memmove(v + 1, v, (nvmas - i) * sizeof(*v));
			nvmas++;
			v->end = start;
			v[1].start = end;
			return 0;
		}
		if (v->start < start) {
			v->end = start;
			i++;
		} else if (v->end > end) {
			v->start = end;
			i++;
		} else {
			memmove(v, v + 1, (nvmas - i - 1) * sizeof(*v));
			nvmas--;
		}
	}
	return 0;
}

/* Add [start, end), which is free, merging with same-kind neighbours. */
static int vma_add(uint64_t start, uint64_t end, uint32_t prot,
		   uint32_t flags)
{
	unsigned int i = 0;

	while (i < nvmas && vmas[i].start < start)
		i++;
	if (i && vmas[i - 1].end == start && vmas[i - 1].prot == prot &&
	    vmas[i - 1].flags == flags) {
		vmas[i - 1].end = end;
		if (i < nvmas && vmas[i].start == end && vmas[i].prot == prot &&
		    vmas[i].flags == flags) {
			vmas[i - 1].end = vmas[i].end;
			memmove(&vmas[i], &vmas[i + 1],
				(nvmas - i - 1) * sizeof(vmas[0]));
			nvmas--;
		}
		return 0;
	}
	if (i < nvmas && vmas[i].start == end && vmas[i].prot == prot &&
	    vmas[i].flags == flags) {
		vmas[i].start = start;
		return 0;
	}
	if (nvmas == LX_MAX_VMAS)
		return -ENOMEM;
	memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof(vmas[0]));
	nvmas++;
	vmas[i] = (struct lx_vma){ start, end, prot, flags };
	return 0;
}

static bool range_free(uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < nvmas; i++)
		if (vmas[i].start < end && start < vmas[i].end)
			return false;
	return true;
}

static bool user_range(uint64_t start, uint64_t len)
{
	return start >= MV_LX_KERNEL_END && len <= MV_LX_USER_END &&
	       start <= MV_LX_USER_END - len;
}

/* Free the pages of [start, end), skipping the tables that are absent. */
static void zap(uint64_t start, uint64_t end)
{
	uint64_t va = start;

	while (va < end) {
		uint64_t *pte = walk(va, false);

		if (!pte) {
			va = (va + (1ULL << 21)) & ~((1ULL << 21) - 1);
			continue;
		}
		if (*pte & (PTE_P | PTE_KEPT)) {
			lx_page_free(*pte & PTE_ADDR);
			*pte = 0;
			flush_page(va);
		}
		va += PAGE_SIZE;
	}
}

int lx_unmap_range(uint64_t start, uint64_t end)
{
	int ret = vma_cut(start, end);

	if (ret)
		return ret;
	zap(start, end);
	return 0;
}

int lx_map_range(uint64_t start, uint64_t end, uint32_t prot, uint32_t flags)
{
	int ret = lx_unmap_range(start, end);

	return ret ? ret : vma_add(start, end, prot, flags);
}

int lx_protect_range(uint64_t start, uint64_t end, uint32_t prot)
{
	uint64_t va = start, bits = prot_bits(prot);
	int ret;

	/* Linux: ENOMEM when any page of the range is not mapped. */
	while (va < end) {
		struct lx_vma *v = lx_vma_find(va);

		if (!v)
			return -ENOMEM;
		va = v->end;
	}
	for (va = start; va < end;) {
		struct lx_vma v = *lx_vma_find(va);
		uint64_t s = v.start > start ? v.start : start;
		uint64_t e = v.end < end ? v.end : end;

		ret = vma_cut(s, e);
		if (!ret)
			ret = vma_add(s, e, prot, v.flags);
		if (ret)
			return ret;
		va = e;
	}
	for (va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = walk(va, false);

		if (pte && (*pte & (PTE_P | PTE_KEPT))) {
			*pte = (*pte & PTE_ADDR) | bits;
			flush_page(va);
		}
	}
	return 0;
}

/* Top-down first fit below MMAP_TOP, above the heap. */
uint64_t lx_find_free(uint64_t len)
{
	uint64_t top = MMAP_TOP, floor = PAGE_UP(lx_brk) + (64ULL << 20);
	int i;

	for (i = nvmas - 1; i >= -1; i--) {
		uint64_t lo = i >= 0 ? vmas[i].end : floor;

		if (i >= 0 && vmas[i].start >= top)
			continue;
		if (lo < floor)
			lo = floor;
		if (top > lo && top - lo >= len)
			return top - len;
		if (i >= 0 && vmas[i].start < top)
			top = vmas[i].start;
		if (top <= floor)
			break;
	}
	return 0;
}

int lx_handle_fault(uint64_t addr, uint64_t error)
{
	struct lx_vma *v = lx_vma_find(addr);
	uint64_t *pte, pa;

	if (!v)
		return 1;		/* SEGV_MAPERR */
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    ((error & 2) && !(v->prot & PROT_WRITE)) ||
	    ((error & 16) && !(v->prot & PROT_EXEC) && nx_bit))
		return 2;		/* SEGV_ACCERR */
	pte = walk(addr, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_P)
		return 2;
	pa = lx_page_alloc();
	if (!pa)
		return -ENOMEM;
	*pte = pa | prot_bits(v->prot);
	return 0;
}

bool lx_user_ok(uint64_t va, uint64_t len, bool write)
{
	uint64_t p, end;

	if (!len)
		return true;
	if (va + len < va || va + len > MV_LX_USER_END || va < PAGE_SIZE)
		return false;
	end = va + len;
	for (p = va & PAGE_MASK; p < end; p += PAGE_SIZE) {
		uint64_t *pte = walk(p, false);

		if (pte && (*pte & PTE_P) && (!write || (*pte & PTE_RW)))
			continue;
		if (lx_handle_fault(p, write ? 6 : 4))
			return false;
	}
	return true;
}

int lx_copy_from_user(void *dst, uint64_t src, uint64_t len)
{
	if (!lx_user_ok(src, len, false))
		return -EFAULT;
	memcpy(dst, (const void *)src, len);
	return 0;
}

int lx_copy_to_user(uint64_t dst, const void *src, uint64_t len)
{
	if (!lx_user_ok(dst, len, true))
		return -EFAULT;
	memcpy((void *)dst, src, len);
	return 0;
}

/* Copy a NUL-terminated string: its length, -EFAULT, or -ENAMETOOLONG. */
long lx_strncpy_from_user(char *dst, uint64_t src, long max)
{
	long n;

	for (n = 0; n < max; n++) {
		if ((n == 0 || !((src + n) & (PAGE_SIZE - 1))) &&
		    !lx_user_ok(src + n, 1, false))
			return -EFAULT;
		dst[n] = *(const char *)(src + n);
		if (!dst[n])
			return n;
	}
	return -ENAMETOOLONG;
}

long sys_brk(uint64_t addr)
{
	uint64_t old_end = PAGE_UP(lx_brk), new_end = PAGE_UP(addr);

	if (addr < lx_brk_start)
		return lx_brk;
	if (new_end > old_end) {
		if (new_end > MMAP_TOP || !range_free(old_end, new_end) ||
		    (new_end - old_end) / PAGE_SIZE > lx_pages_free() ||
		    vma_add(old_end, new_end, PROT_READ | PROT_WRITE,
			    LX_VMA_HEAP))
			return lx_brk;
	} else if (new_end < old_end) {
		lx_unmap_range(new_end, old_end);
	}
	lx_brk = addr;
	return lx_brk;
}

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_FIXED_NOREPLACE	0x100000
#define LX_VMA_FILE		0x400

/* A private copy of a file's bytes: read-only files make it exact. */
static int fill_from_file(uint64_t addr, uint64_t len, const uint8_t *data,
			  uint64_t size, uint64_t off, uint32_t prot)
{
	uint64_t p;

	for (p = 0; p < len; p += PAGE_SIZE) {
		uint64_t *pte = walk(addr + p, true);
		uint64_t pa = pte ? lx_page_alloc() : 0;

		if (!pa)
			return -ENOMEM;
		if (off + p < size) {
			uint64_t n = size - off - p;

			memcpy(__va(pa), data + off + p, n < PAGE_SIZE ? n : PAGE_SIZE);
		}
		*pte = pa | prot_bits(prot);
	}
	return 0;
}

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
	      uint64_t fd, uint64_t off)
{
	uint32_t vflags = 0;
	const uint8_t *data = NULL;
	uint64_t size = 0;
	int ret;

	if (!len || (off & (PAGE_SIZE - 1)) || (prot & ~7ULL))
		return -EINVAL;
	if ((flags & MAP_SHARED_VALIDATE) == 0)
		return -EINVAL;
	len = PAGE_UP(len);
	if (!len || len > MV_LX_USER_END)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		data = lx_fs_data((int)fd, &size);
		if (!data)
			return -EBADF;
		/* Shared and writable would need writing back: not kept. */
		if ((flags & MAP_SHARED_VALIDATE) != MAP_PRIVATE &&
		    (prot & PROT_WRITE))
			return -EACCES;
		vflags = LX_VMA_FILE;
	} else if (len / PAGE_SIZE > lx_pages_free() && prot) {
		return -ENOMEM;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & (PAGE_SIZE - 1)) || !user_range(addr, len))
			return -EINVAL;
		if ((flags & MAP_FIXED_NOREPLACE) && !range_free(addr, addr + len))
			return -EEXIST;
	} else if (!addr || (addr & (PAGE_SIZE - 1)) || !user_range(addr, len) ||
		   !range_free(addr, addr + len)) {
		addr = lx_find_free(len);
		if (!addr)
			return -ENOMEM;
	}
	ret = lx_map_range(addr, addr + len, prot, vflags);
	if (!ret && data)
		ret = fill_from_file(addr, len, data, size, off, prot);
	if (ret) {
		lx_unmap_range(addr, addr + len);
		return ret;
	}
	return addr;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len)
		return -EINVAL;
	len = PAGE_UP(len);
	if (!user_range(addr, len))
		return -EINVAL;
	return lx_unmap_range(addr, addr + len);
}

long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot)
{
	if ((addr & (PAGE_SIZE - 1)) || (prot & ~7ULL))
		return -EINVAL;
	len = PAGE_UP(len);
	if (!len)
		return 0;
	if (!user_range(addr, len))
		return -ENOMEM;
	return lx_protect_range(addr, addr + len, prot);
}

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2

/* Move the pages of [old, old+len) to @to, which is mapped and empty. */
static int move_pages(uint64_t old, uint64_t to, uint64_t len)
{
	uint64_t p;

	for (p = 0; p < len; p += PAGE_SIZE) {
		uint64_t *src = walk(old + p, false), *dst, e;

		if (!src || !(*src & (PTE_P | PTE_KEPT)))
			continue;
		e = *src;
		dst = walk(to + p, true);
		if (!dst)
			return -ENOMEM;
		*src = 0;
		flush_page(old + p);
		*dst = e;
	}
	return 0;
}

long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len,
		uint64_t flags, uint64_t new_addr)
{
	struct lx_vma *v;
	uint64_t to;
	int ret;

	if ((old & (PAGE_SIZE - 1)) || (flags & ~3ULL) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = PAGE_UP(old_len);
	new_len = PAGE_UP(new_len);
	if (!new_len || !old_len || !user_range(old, old_len))
		return -EINVAL;
	v = lx_vma_find(old);
	if (!v || v->end < old + old_len)
		return -EFAULT;
	if (!(flags & MREMAP_FIXED)) {
		if (new_len <= old_len) {
			lx_unmap_range(old + new_len, old + old_len);
			return old;
		}
		if (user_range(old, new_len) &&
		    range_free(old + old_len, old + new_len)) {
			ret = vma_add(old + old_len, old + new_len, v->prot,
				      v->flags);
			return ret ? ret : (long)old;
		}
		if (!(flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		to = lx_find_free(new_len);
		if (!to)
			return -ENOMEM;
	} else {
		to = new_addr;
		if ((to & (PAGE_SIZE - 1)) || !user_range(to, new_len) ||
		    (to < old + old_len && old < to + new_len))
			return -EINVAL;
	}
	{
		uint32_t prot = v->prot, vf = v->flags;
		uint64_t keep = old_len < new_len ? old_len : new_len;

		ret = lx_map_range(to, to + new_len, prot, vf);
		if (!ret)
			ret = move_pages(old, to, keep);
		if (ret) {
			lx_unmap_range(to, to + new_len);
			return ret;
		}
		lx_unmap_range(old, old + old_len);
	}
	return to;
}

#define MADV_DONTNEED	4
#define MADV_FREE	8

long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice)
{
	uint64_t va, end;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	len = PAGE_UP(len);
	if (len && !user_range(addr, len))
		return -EINVAL;
	if (advice != MADV_DONTNEED && advice != MADV_FREE)
		return 0;
	/* Anonymous pages read back as zeroes; a file copy is kept. */
	for (va = addr, end = addr + len; va < end;) {
		struct lx_vma *v = lx_vma_find(va);
		uint64_t e;

		if (!v)
			return -ENOMEM;
		e = v->end < end ? v->end : end;
		if (!(v->flags & LX_VMA_FILE))
			zap(va, e);
		va = e;
	}
	return 0;
}
