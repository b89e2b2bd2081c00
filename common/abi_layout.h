/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The size of every struct in uapi/linux/migvisor*.h, pinned. The ioctls
 * encode their struct's size, and snapshot files and the wire keep the
 * record structs for as long as MV_STREAM_VERSION says: a size that
 * changes by accident (a field added, a hole, a type widened) is an ABI
 * break, and breaks the build of the module and of the tools alike.
 * Growing a struct on purpose means a new version or a new ioctl number,
 * and a new line here.
 */
#ifndef MV_ABI_LAYOUT_H
#define MV_ABI_LAYOUT_H

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#define MV_ABI_SIZE(s, n)						\
	_Static_assert(sizeof(struct s) == (n),			\
		       "struct " #s " must stay " #n " bytes: an ABI change")

MV_ABI_SIZE(mv_version, 32);
MV_ABI_SIZE(mv_guest_open, 40);
MV_ABI_SIZE(mv_guest_entry, 32);
MV_ABI_SIZE(mv_rec, 16);
MV_ABI_SIZE(mv_rec_header, 32);
MV_ABI_SIZE(mv_rec_word, 16);
MV_ABI_SIZE(mv_rec_baseline, 112);
MV_ABI_SIZE(mv_rec_config, 64);
MV_ABI_SIZE(mv_rec_pages, 8);
MV_ABI_SIZE(mv_snap_throttle, 32);
MV_ABI_SIZE(mv_rec_seg, 24);
MV_ABI_SIZE(mv_rec_vcpu, 616);
MV_ABI_SIZE(mv_rec_end, 32);
MV_ABI_SIZE(mv_rec_audit, 32);
MV_ABI_SIZE(mv_rec_audit_query, 16);
MV_ABI_SIZE(mv_rec_audit_feature, 24);
MV_ABI_SIZE(mv_snap_round, 48);
MV_ABI_SIZE(mv_sess_error, 256);
MV_ABI_SIZE(mv_restore_new, 80);

#endif
