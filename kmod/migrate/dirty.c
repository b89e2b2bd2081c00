// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page tracking: PML or EPT write protection (see dirty.h).
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <asm/io.h>
#include <asm/vmx.h>

#include "../guest.h"
#include "../vmx/capabilities.h"
#include "../vmx/vmx_ops.h"
#include "dirty.h"

#define PML_ENTRIES	512

static void mark(struct mv_dirty *d, unsigned long gfn)
{
	if (!__test_and_set_bit(gfn, d->bitmap))
		d->total++;
}

/* Make the next write to a page visible: clear its dirty flag, or its write permission. */
static void rearm(struct mv_guest *g, unsigned long gfn)
{
	*mv_mem_leaf(&g->mem, gfn) &= g->dirty.pml ? ~VMX_EPT_DIRTY_BIT :
						     ~(u64)VMX_EPT_WRITABLE_MASK;
}

/*
 * Where the CPU starts the log (it counts down to 0, then exits). While
 * a dirty limit holds (auto-converge, vmx/vcpu.c), the log is made short,
 * 10 ms of the limit's pages, so that the guest exits, and is held, after
 * that many, not after 512 at once: a guest that pauses itself after each
 * burst would otherwise go unseen for a second and more.
 */
static u16 pml_top(struct mv_guest *g)
{
	u64 limit = READ_ONCE(g->dirty_limit), n = div_u64(limit, 100);

	if (!limit || n >= PML_ENTRIES)
		return PML_ENTRIES - 1;
	return n ? n - 1 : 0;
}

/* Copy the PML log into the bitmap and rewind it; VMCS current. */
static void pml_drain(struct mv_vcpu *v)
{
	struct mv_dirty *d = &v->guest->dirty;
	unsigned long npages = v->guest->mem.npages;
	u64 *log = d->log;
	u16 idx = mv_vmread(GUEST_PML_INDEX);
	unsigned int i;

	/* The index is the next free slot, counting down; 0xffff: full. */
	i = idx >= PML_ENTRIES ? 0 : idx + 1;
	for (; i <= d->pml_top; i++) {
		unsigned long gfn = log[i] >> PAGE_SHIFT;

		if (gfn < npages)
			mark(d, gfn);
	}
	d->pml_top = pml_top(v->guest);
	mv_vmwrite(GUEST_PML_INDEX, d->pml_top);
}

/*
 * At the end of each slice, with the VMCS current: while a dirty limit is
 * in force, drain the log now, so that the limit (vmx/vcpu.c) counts the
 * pages of this slice, and the log's length follows the limit.
 */
void mv_dirty_slice_end(struct mv_vcpu *v)
{
	struct mv_guest *g = v->guest;
	struct mv_dirty *d = &g->dirty;

	if (d->on && d->pml &&
	    (READ_ONCE(g->dirty_limit) || d->pml_top != PML_ENTRIES - 1))
		pml_drain(v);
}

static int start_on_vcpu(struct mv_vcpu *v, void *arg)
{
	struct mv_guest *g = v->guest;
	struct mv_dirty *d = &g->dirty;
	unsigned long i;

	for (i = 0; i < g->mem.npages; i++)
		rearm(g, i);
	if (d->pml) {
		mv_vmwrite(PML_ADDRESS, virt_to_phys(d->log));
		d->pml_top = PML_ENTRIES - 1;
		mv_vmwrite(GUEST_PML_INDEX, d->pml_top);
		mv_vmwrite(EPT_POINTER, g->mem.eptp | VMX_EPTP_AD_ENABLE_BIT);
		mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
			   mv_vmread(SECONDARY_VM_EXEC_CONTROL) |
			   SECONDARY_EXEC_ENABLE_PML);
	}
	d->on = true;
	return 0;
}

int mv_dirty_start(struct mv_guest *g, bool force_wp)
{
	struct mv_dirty *d = &g->dirty;
	int ret;

	lockdep_assert_held(&g->lock);
	if (d->on)
		return -EBUSY;
	d->pml = mv_cpu_has_pml() && !force_wp;
	d->total = 0;
	d->bitmap = bitmap_zalloc(g->mem.npages, MV_GFP_BIG);
	if (d->pml)
		d->log = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!d->bitmap || (d->pml && !d->log)) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mv_guest_call(g, start_on_vcpu, NULL, true);
	if (ret)
		goto err_free;
	return 0;

err_free:
	bitmap_free(d->bitmap);
	free_page((unsigned long)d->log);
	d->bitmap = NULL;
	d->log = NULL;
	return ret;
}

struct harvest {
	unsigned long *out;
	u64 total;
};

static int harvest_on_vcpu(struct mv_vcpu *v, void *arg)
{
	struct mv_guest *g = v->guest;
	struct mv_dirty *d = &g->dirty;
	struct harvest *h = arg;
	unsigned long gfn;

	if (d->pml)
		pml_drain(v);
	for_each_set_bit(gfn, d->bitmap, g->mem.npages) {
		/* Before the caller copies: a later write shows up. */
		rearm(g, gfn);
		__set_bit(gfn, h->out);
	}
	bitmap_zero(d->bitmap, g->mem.npages);
	h->total = d->total;
	return 0;
}

int mv_dirty_harvest(struct mv_guest *g, unsigned long *out, u64 *total)
{
	struct harvest h = { .out = out };
	int ret;

	lockdep_assert_held(&g->lock);
	if (!g->dirty.on)
		return -EINVAL;
	ret = mv_guest_call(g, harvest_on_vcpu, &h, true);
	if (!ret)
		*total = h.total;
	return ret;
}

static void restore_leaves(struct mv_guest *g)
{
	unsigned long i;

	for (i = 0; i < g->mem.npages; i++)
		*mv_mem_leaf(&g->mem, i) |= VMX_EPT_WRITABLE_MASK;
}

static int stop_on_vcpu(struct mv_vcpu *v, void *arg)
{
	struct mv_guest *g = v->guest;

	if (g->dirty.pml) {
		mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
			   mv_vmread(SECONDARY_VM_EXEC_CONTROL) &
			   ~SECONDARY_EXEC_ENABLE_PML);
		mv_vmwrite(EPT_POINTER, g->mem.eptp);
	} else {
		restore_leaves(g);
	}
	g->dirty.on = false;
	return 0;
}

void mv_dirty_stop(struct mv_guest *g)
{
	struct mv_dirty *d = &g->dirty;

	lockdep_assert_held(&g->lock);
	if (!d->on)
		return;
	/*
	 * The vCPU could not take the call: the guest stopped (it never runs
	 * again), or its CPU cannot run it now (a host pause) and it may run
	 * later. Undo here what can be undone without its VMCS, and leave it
	 * the PML page it may still log into, to switch PML off and free at
	 * its next slice.
	 */
	if (mv_guest_call(g, stop_on_vcpu, NULL, true)) {
		if (d->pml) {
			mv_vcpu_orphan_pml(&g->vcpu, d->log);
			d->log = NULL;
		} else {
			restore_leaves(g);
			mv_vmx_flush_all(g->mem.eptp, 0);
		}
		d->on = false;
	}
	bitmap_free(d->bitmap);
	free_page((unsigned long)d->log);
	d->bitmap = NULL;
	d->log = NULL;
}

bool mv_dirty_ept_violation(struct mv_vcpu *v, u64 gpa, u64 qual)
{
	struct mv_guest *g = v->guest;
	struct mv_dirty *d = &g->dirty;
	unsigned long gfn = gpa >> PAGE_SHIFT;
	u64 *e;

	if (!d->on || d->pml || !(qual & EPT_VIOLATION_ACC_WRITE) ||
	    gfn >= g->mem.npages)
		return false;
	e = mv_mem_leaf(&g->mem, gfn);
	if (*e & VMX_EPT_WRITABLE_MASK)
		return false;
	/* The violation itself dropped the stale translation (SDM 29.4.3.1). */
	*e |= VMX_EPT_WRITABLE_MASK;
	mark(d, gfn);
	return true;
}

void mv_dirty_pml_full(struct mv_vcpu *v)
{
	if (v->guest->dirty.on && v->guest->dirty.pml)
		pml_drain(v);
}
