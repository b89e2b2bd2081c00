/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX root on demand: VMXON on every online CPU while at least one guest
 * exists, VMXOFF when the last one is gone.
 */
#ifndef _MV_VMX_H
#define _MV_VMX_H

#include <linux/list.h>
#include <linux/types.h>

struct netlink_ext_ack;

/**
 * struct mv_loaded_vmcs - a VMCS and the CPU it may be loaded on
 * @vmcs: the VMCS region (one page)
 * @cpu: CPU whose VMCS cache may hold it, or -1 (clear: launch next)
 * @launched: VMLAUNCHed since the last VMCLEAR (then VMRESUME)
 * @cpu_link: on that CPU's list, so that hotplug and emergencies can
 *	VMCLEAR it there
 *
 * Only the owning vCPU thread changes @cpu and @launched, with preemption
 * disabled, except mv_loaded_vmcs_clear() which runs on @cpu by IPI.
 */
struct mv_loaded_vmcs {
	void *vmcs;
	int cpu;
	bool launched;
	struct list_head cpu_link;
};

int mv_vmx_init(void);
void mv_vmx_uninit(void);

/* Take or drop a reference on VMX root; the first takes it on all CPUs. */
int mv_vmx_get(struct netlink_ext_ack *extack);
void mv_vmx_put(void);
/* True once a reboot or kexec has turned VMX off for good. */
bool mv_vmx_dying(void);

int mv_loaded_vmcs_alloc(struct mv_loaded_vmcs *lv);
void mv_loaded_vmcs_free(struct mv_loaded_vmcs *lv);
/* Make @lv current on this CPU (preemption disabled). Returns 0, or
 * 1 if it was moved here from another CPU (host state must be redone),
 * or -errno.
 */
int mv_loaded_vmcs_load(struct mv_loaded_vmcs *lv);
/* VMCLEAR @lv wherever it is loaded. */
void mv_loaded_vmcs_clear(struct mv_loaded_vmcs *lv);

/* Flush cached EPT and VPID translations on every CPU. */
void mv_vmx_flush_all(u64 eptp, u16 vpid);

#endif /* _MV_VMX_H */
