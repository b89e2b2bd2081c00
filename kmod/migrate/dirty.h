/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty-page tracking of guest RAM, for pre-copy migration.
 *
 * Two mechanisms, one contract: every page the guest writes after a
 * harvest is in a later harvest.
 *  - PML (with EPT A/D bits): the CPU logs the guest-physical address of
 *    each page whose EPT dirty flag it sets; a harvest drains the log and
 *    clears the dirty flags it reports.
 *  - Write protection: leaf EPT entries lose their write permission; the
 *    first write to a page is an EPT violation that records it and gives
 *    the permission back. Works on every EPT CPU (Nehalem has no A/D).
 * Everything that changes the EPT or reads the log runs on the vCPU
 * thread (mv_vcpu_call()), so the tables have one writer; the TLBs of
 * every CPU are flushed before the caller looks at the harvest.
 */
#ifndef _MV_DIRTY_H
#define _MV_DIRTY_H

#include <linux/types.h>

struct mv_vcpu;

struct mv_dirty {
	bool on;
	bool pml;
	unsigned long *bitmap;		/* written since the last harvest */
	void *log;			/* the PML page, 512 GPAs */
	u16 pml_top;			/* the log's first slot: 511, or less */
	u64 total;			/* pages marked since tracking began */
	u64 limit;			/* pages/s it may dirty (auto-converge), 0: any */
};

/*
 * The guest RAM of vCPU @v, tracked through its v->dirty. With the
 * vCPU's owner lock held (v->lock, the guest's): turn tracking on (PML if
 * the CPU has it and !force_wp); move the pages dirtied since the last
 * call into @out (OR); turn it off and give write access back (cannot fail).
 */
int mv_dirty_start(struct mv_vcpu *v, bool force_wp);
int mv_dirty_harvest(struct mv_vcpu *v, unsigned long *out, u64 *total);
void mv_dirty_stop(struct mv_vcpu *v);

/* Exit handlers, vCPU thread: true if the exit was ours. */
bool mv_dirty_ept_violation(struct mv_vcpu *v, u64 gpa, u64 qual);
void mv_dirty_pml_full(struct mv_vcpu *v);
/* vCPU thread, VMCS current, at the end of a slice */
void mv_dirty_slice_end(struct mv_vcpu *v);
/* vCPU thread, after a slice: hold it to d->limit (auto-converge). */
void mv_dirty_throttle(struct mv_vcpu *v);

#endif /* _MV_DIRTY_H */
