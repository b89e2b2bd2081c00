/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX root, per CPU, in one of two ways (docs/vmx-root.md):
 *
 * - owned: VMX was off and this kernel lets a module turn it on; migvisor
 *   executes VMXON while it has guests and VMXOFF when the last is gone.
 * - shared: another owner (kvm_intel, or the core on 7.1+) already has
 *   VMX on; migvisor never executes VMXON or VMXOFF there and runs its
 *   guests in run slices: with interrupts off it saves the current-VMCS
 *   pointer, loads its own VMCS, runs, VMCLEARs it and loads the saved
 *   pointer back. Nothing of migvisor's is active on the CPU between
 *   slices, so the owner may turn VMX off at any time outside them.
 *
 * The mode is decided at the start of every slice, from the CPU's state.
 */
#ifndef _MV_VMX_H
#define _MV_VMX_H

#include <linux/list.h>
#include <linux/types.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

struct netlink_ext_ack;

/**
 * struct mv_loaded_vmcs - a VMCS and the CPU it may be active on
 * @vmcs: the VMCS region (one page)
 * @cpu: CPU on which it is active (owned mode: cached between slices),
 *	or -1 (clear: launch next)
 * @host_cpu: CPU whose host state (TR, GDT, segment bases) it holds
 * @launched: VMLAUNCHed since the last VMCLEAR (then VMRESUME)
 * @epoch: the flush epoch of @host_cpu when it last flushed there
 * @eptp: the guest's EPT pointer, flushed on each CPU it comes to
 * @vpid: its VPID, or 0
 * @cpu_link: on that CPU's list, so that hotplug and emergencies can
 *	VMCLEAR it there
 *
 * Only the owning vCPU thread changes @cpu and @launched, in a run slice,
 * except what VMCLEARs it on @cpu with interrupts off there: the clear
 * IPI, CPU offline, reboot, the hand-over to kvm_intel and emergencies.
 */
struct mv_loaded_vmcs {
	void *vmcs;
	int cpu;
	int host_cpu;
	u32 epoch;
	bool launched;
	u64 eptp;
	u16 vpid;
	struct list_head cpu_link;
};

/* One run slice's record of what it borrowed from another owner. */
struct mv_vmx_slice {
	u64 prev_vmcs;			/* the owner's current VMCS, or ~0 */
	bool shared;
};

int mv_vmx_init(void);
void mv_vmx_uninit(void);

/*
 * Take or drop a reference on VMX root for a guest. The first checks
 * that every CPU can run guests (turning VMX on where migvisor may, or
 * loading kvm_intel where only it may) and pins kvm_intel while it holds
 * VMX; the last turns off what migvisor turned on and unpins it.
 */
int mv_vmx_get(struct netlink_ext_ack *extack);
void mv_vmx_put(void);
/* True once a reboot or kexec has turned VMX off for good. */
bool mv_vmx_dying(void);

int mv_loaded_vmcs_alloc(struct mv_loaded_vmcs *lv);
void mv_loaded_vmcs_free(struct mv_loaded_vmcs *lv);

/*
 * A run slice: mv_vmx_slice_prepare() with preemption disabled and
 * interrupts on (it may VMCLEAR @lv on the CPU it was cached on), then
 * begin and end with interrupts off, without enabling them in between.
 * Begin makes @lv current and returns 1 if its host state is another
 * CPU's (redo it), 0, or -errno with *@pause set to the enum
 * mv_pause_reason that tells why this CPU cannot run guests now
 * (-EAGAIN: retry soon; -ESHUTDOWN: the host is going down).
 */
void mv_vmx_slice_prepare(struct mv_loaded_vmcs *lv);
int mv_vmx_slice_begin(struct mv_loaded_vmcs *lv, struct mv_vmx_slice *s,
		       u32 *pause);
void mv_vmx_slice_end(struct mv_loaded_vmcs *lv, struct mv_vmx_slice *s);

/* VMCLEAR @lv wherever it is active. */
void mv_loaded_vmcs_clear(struct mv_loaded_vmcs *lv);

/* Flush cached EPT and VPID translations on every CPU. */
void mv_vmx_flush_all(u64 eptp, u16 vpid);

/* Per-CPU VMX root, for MV_CMD_HOST_GET. */
struct mv_vmx_cpu_report {
	u32 cpu;
	u32 mode;			/* enum mv_vmx_mode */
	const char *owner;		/* who has VMX on: "" when off */
	const char *why;
};

/* Fill @r for up to @max online CPUs, in CPU order; returns how many. */
unsigned int mv_vmx_report(struct mv_vmx_cpu_report *r, unsigned int max);

#endif /* _MV_VMX_H */
