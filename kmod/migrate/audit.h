/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's CPUID audit and hidden-feature counts as an AUDIT record, so
 * that they follow it from host to host (uapi struct mv_rec_audit).
 */
#ifndef _MV_MIGRATE_AUDIT_H
#define _MV_MIGRATE_AUDIT_H

#include <linux/types.h>
#include <linux/migvisor_rec.h>

struct mv_guest;

/*
 * Fill @buf (mv_rec_audit_len_max() bytes) from a guest that cannot run
 * meanwhile (paused, under its lock); the payload's length.
 */
size_t mv_audit_rec_fill(struct mv_guest *g, void *buf);

/*
 * Set a guest that never ran from a payload that mv_rec_audit_check()
 * passed. The caller holds the guest's lock.
 */
void mv_audit_rec_apply(struct mv_guest *g, const void *payload);

#endif
