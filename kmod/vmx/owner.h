/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The other owner of VMX root on this host: kvm_intel (and, from 7.1, the
 * core code that only KVM may call). migvisor finds it, pins it while its
 * guests run inside its VMX root, and loads it where only it may turn VMX
 * on.
 */
#ifndef _MV_VMX_OWNER_H
#define _MV_VMX_OWNER_H

#include <linux/types.h>

struct module;

void mv_owner_uninit(void);

/* kvm_intel is loaded now, or being loaded. */
bool mv_owner_kvm_loaded(void);

/*
 * Pin kvm_intel if it is loaded, so that it cannot be unloaded while our
 * guests run in its VMX root; at most one pin is held. True if pinned.
 */
bool mv_owner_pin(void);
void mv_owner_unpin(void);
/* Drop the pin if it is on @mod (a module going away). */
void mv_owner_unpin_if(struct module *mod);
bool mv_owner_pinned(void);

/* Load kvm_intel (modprobe); 0 if it is loaded afterwards. */
int mv_owner_request(void);

#endif /* _MV_VMX_OWNER_H */
