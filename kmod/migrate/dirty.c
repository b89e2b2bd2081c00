// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page tracking: PML or EPT write protection (see dirty.h).
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <asm/io.h>
#include <asm/vmx.h>

#include "../memory.h"
#include "../vmx/capabilities.h"
#include "../vmx/vcpu.h"
#include "../vmx/vmx_ops.h"
#include "dirty.h"

#define PML_ENTRIES	512

static void mark(struct mv_dirty *d, unsigned long gfn)
{
	if (!__test_and_set_bit(gfn, d->bitmap))
		d->total++;
}

/* Make the next write to a page visible: clear its dirty flag, or its write permission. */
static void rearm(struct mv_vcpu *v, unsigned long gfn)
{
	*mv_mem_leaf(v->mem, gfn) &= v->dirty->pml ? ~VMX_EPT_DIRTY_BIT :
						     ~(u64)VMX_EPT_WRITABLE_MASK;
}

/*
 * Where the CPU starts the log (it counts down to 0, then exits). While
 * a dirty limit holds (auto-converge, below), the log is made short,
 * 10 ms of the limit's pages, so that the guest exits, and is held, after
 * that many, not after 512 at once: a guest that pauses itself after each
 * burst would otherwise go unseen for a second and more.
 */
static u16 pml_top(struct mv_dirty *d)
{
	u64 limit = READ_ONCE(d->limit), n = div_u64(limit, 100);

	if (!limit || n >= PML_ENTRIES)
		return PML_ENTRIES - 1;
	return n ? n - 1 : 0;
}

/* Copy the PML log into the bitmap and rewind it; VMCS current. */
static void pml_drain(struct mv_vcpu *v)
{
	struct mv_dirty *d = v->dirty;
	unsigned long npages = v->mem->npages;
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
	d->pml_top = pml_top(d);
	mv_vmwrite(GUEST_PML_INDEX, d->pml_top);
}

/*
 * At the end of each slice, with the VMCS current: while a dirty limit is
 * in force, drain the log now, so that the limit (below) counts the
 * pages of this slice, and the log's length follows the limit.
 */
void mv_dirty_slice_end(struct mv_vcpu *v)
{
	struct mv_dirty *d = v->dirty;

	if (d->on && d->pml &&
	    (READ_ONCE(d->limit) || d->pml_top != PML_ENTRIES - 1))
		pml_drain(v);
}

static int start_on_vcpu(struct mv_vcpu *v, void *arg)
{
	struct mv_dirty *d = v->dirty;
	unsigned long i;

	for (i = 0; i < v->mem->npages; i++)
		rearm(v, i);
	if (d->pml) {
		mv_vmwrite(PML_ADDRESS, virt_to_phys(d->log));
		d->pml_top = PML_ENTRIES - 1;
		mv_vmwrite(GUEST_PML_INDEX, d->pml_top);
		mv_vmwrite(EPT_POINTER, v->mem->eptp | VMX_EPTP_AD_ENABLE_BIT);
		mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
			   mv_vmread(SECONDARY_VM_EXEC_CONTROL) |
			   SECONDARY_EXEC_ENABLE_PML);
	}
	d->on = true;
	return 0;
}

int mv_dirty_start(struct mv_vcpu *v, bool force_wp)
{
	struct mv_dirty *d = v->dirty;
	int ret;

	lockdep_assert_held(v->lock);
	if (d->on)
		return -EBUSY;
	d->pml = mv_cpu_has_pml() && !force_wp;
	d->total = 0;
	d->bitmap = bitmap_zalloc(v->mem->npages, MV_GFP_BIG);
	if (d->pml)
		d->log = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!d->bitmap || (d->pml && !d->log)) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mv_vcpu_call(v, start_on_vcpu, NULL, true);
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
	struct mv_dirty *d = v->dirty;
	struct harvest *h = arg;
	unsigned long gfn;

	if (d->pml)
		pml_drain(v);
	for_each_set_bit(gfn, d->bitmap, v->mem->npages) {
		/* Before the caller copies: a later write shows up. */
		rearm(v, gfn);
		__set_bit(gfn, h->out);
	}
	bitmap_zero(d->bitmap, v->mem->npages);
	h->total = d->total;
	return 0;
}

int mv_dirty_harvest(struct mv_vcpu *v, unsigned long *out, u64 *total)
{
	struct harvest h = { .out = out };
	int ret;

	lockdep_assert_held(v->lock);
	if (!v->dirty->on)
		return -EINVAL;
	ret = mv_vcpu_call(v, harvest_on_vcpu, &h, true);
	if (!ret)
		*total = h.total;
	return ret;
}

static void restore_leaves(struct mv_mem *m)
{
	unsigned long i;

	for (i = 0; i < m->npages; i++)
		*mv_mem_leaf(m, i) |= VMX_EPT_WRITABLE_MASK;
}

static int stop_on_vcpu(struct mv_vcpu *v, void *arg)
{
	if (v->dirty->pml) {
		mv_vmwrite(SECONDARY_VM_EXEC_CONTROL,
			   mv_vmread(SECONDARY_VM_EXEC_CONTROL) &
			   ~SECONDARY_EXEC_ENABLE_PML);
		mv_vmwrite(EPT_POINTER, v->mem->eptp);
	} else {
		restore_leaves(v->mem);
	}
	v->dirty->on = false;
	return 0;
}

void mv_dirty_stop(struct mv_vcpu *v)
{
	struct mv_dirty *d = v->dirty;

	lockdep_assert_held(v->lock);
	if (!d->on)
		return;
	/*
	 * The vCPU could not take the call: the guest stopped (it never runs
	 * again), or its CPU cannot run it now (a host pause) and it may run
	 * later. Undo here what can be undone without its VMCS, and leave it
	 * the PML page it may still log into, to switch PML off and free at
	 * its next slice.
	 */
	if (mv_vcpu_call(v, stop_on_vcpu, NULL, true)) {
		if (d->pml) {
			mv_vcpu_orphan_pml(v, d->log);
			d->log = NULL;
		} else {
			restore_leaves(v->mem);
			mv_vmx_flush_all(v->mem->eptp, 0);
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
	struct mv_dirty *d = v->dirty;
	unsigned long gfn = gpa >> PAGE_SHIFT;
	u64 *e;

	if (!d->on || d->pml || !(qual & EPT_VIOLATION_ACC_WRITE) ||
	    gfn >= v->mem->npages)
		return false;
	e = mv_mem_leaf(v->mem, gfn);
	if (*e & VMX_EPT_WRITABLE_MASK)
		return false;
	/* The violation itself dropped the stale translation (SDM 29.4.3.1). */
	*e |= VMX_EPT_WRITABLE_MASK;
	mark(d, gfn);
	return true;
}

void mv_dirty_pml_full(struct mv_vcpu *v)
{
	if (v->dirty->on && v->dirty->pml)
		pml_drain(v);
}

/*
 * Auto-converge (migrate/snapshot.c): hold the guest to the dirty rate
 * asked for. When it has newly dirtied more pages since the limit was set
 * than the limit allows for the time passed, the vCPU gives the CPU away
 * until it is back within it. The count grows as the CPU logs (PML: the
 * log is drained at each slice's end and made short while a limit holds,
 * above) or as write faults come (write protection).
 * A guest that paces itself by its clock and catches up after a stall
 * loses only what it cannot catch up, so it is the dirty rate that is
 * limited, not a share of the CPU: a guest that reads and computes is not
 * slowed at all. The TSC runs on while it waits. A pause, a call or a
 * stop ends the wait at once (the owner wakes the thread).
 */
#define MV_THROTTLE_CREDIT_NS	(100 * NSEC_PER_MSEC)

void mv_dirty_throttle(struct mv_vcpu *v)
{
	struct mv_dirty *d = v->dirty;
	u64 limit = READ_ONCE(d->limit), total, now, due, start, n;

	if (!limit || !READ_ONCE(d->on)) {
		v->limit_set = 0;
		return;
	}
	now = ktime_get_ns();
	total = READ_ONCE(d->total);
	if (limit != v->limit_set || total < v->limit_n0) {
		v->limit_set = limit;
		v->limit_t0 = now;
		v->limit_n0 = total;
		return;
	}
	n = total - v->limit_n0;
	due = v->limit_t0 + mul_u64_u64_div_u64(n, NSEC_PER_SEC, limit);
	/*
	 * Credit saved while under the limit (or paused) buys 100 ms of
	 * burst at most: the window starts again behind it.
	 */
	if (due + MV_THROTTLE_CREDIT_NS < now) {
		v->limit_t0 = now - MV_THROTTLE_CREDIT_NS;
		v->limit_n0 = total;
		return;
	}
	start = now;
	/* Not a slice of the guest before it is due: a slice may dirty more. */
	while (now < due && !READ_ONCE(v->pause_req) && !READ_ONCE(v->call) &&
	       !kthread_should_stop() && !fatal_signal_pending(current) &&
	       READ_ONCE(d->limit) == limit) {
		wait_event_interruptible_hrtimeout(v->wq, READ_ONCE(v->pause_req) ||
						   READ_ONCE(v->call) ||
						   kthread_should_stop(),
						   ns_to_ktime(min_t(u64, due - now,
								     NSEC_PER_SEC)));
		now = ktime_get_ns();
	}
	WRITE_ONCE(v->throttled_ns, v->throttled_ns + now - start);
}
