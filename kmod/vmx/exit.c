// SPDX-License-Identifier: GPL-2.0
/*
 * VM exits, dispatched by reason to the handlers of each kind (exit_*.c,
 * cpuid/exit.c, migrate/dirty.c). Every exit reason has a defined outcome: emulated, reflected
 * into the guest as an exception, or the guest is stopped with a reason.
 * Nothing a guest does reaches the host except through these handlers.
 * All of this runs with interrupts disabled and the VMCS current.
 */
#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/trapnr.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/vmx.h>
#include <linux/migvisor_nl.h>

#include "../compat.h"
#include "../cpuid/exit.h"
#include "../migrate/dirty.h"
#include "exit.h"
#include "exit_cr.h"
#include "exit_hc.h"
#include "exit_int.h"
#include "exit_msr.h"
#include "vmx_ops.h"

#define MV_EXIT_REASON_GETSEC	11	/* not in 6.1's asm/vmx.h */

/* RDRAND/RDSEED exit only when the policy hides them (vcpu.c). */
static void exit_rdrand(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_violation(v, MV_F_rdrand);
	mv_inject_ud();
}

static void exit_rdseed(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_violation(v, MV_F_rdseed);
	mv_inject_ud();
}

/* --- exceptions and events --- */

static void handle_exception(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int vector = e->intr_info & 0xff;
	unsigned int type = (e->intr_info >> 8) & 7;

	if (type == 2) {	/* NMI: handled before interrupts came back on */
		return;
	}
	switch (vector) {
	case X86_TRAP_MC:
		/* A machine check belongs to the host's handler. */
		asm volatile("int $18");
		return;
	case X86_TRAP_DB:
		/* DR6 as the exit qualification reports it (SDM 27.2.1). */
		v->dr[6] = (v->dr[6] & ~0xf) | (e->qual & 0x400f) | MV_DR6_FIXED;
		break;
	}
	/*
	 * Reflect the exception as it came: same vector, type and error
	 * code; software ones (INT1, INT3, INTO) with their length so that
	 * delivery pushes the address after the instruction.
	 */
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, e->intr_info & 0x80000fffu);
	if (e->intr_info & INTR_DELIVER_CODE)
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   mv_vmread(VM_EXIT_INTR_ERROR_CODE));
	if (type >= 4 && type <= 6)
		mv_vmwrite(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
}

/* An event the exit interrupted must still be delivered (SDM 27.2.4). */
static void redeliver(struct mv_exit *e)
{
	u32 type = e->vectoring & VECTORING_INFO_TYPE_MASK;

	/* Bits 30:12 are reserved in the entry field. */
	mv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, e->vectoring & 0x80000fffu);
	if (e->vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
		mv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, e->vectoring_err);
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		mv_vmwrite(VM_ENTRY_INSTRUCTION_LEN, e->insn_len);
}

/* The answer from the baseline, and past the instruction: both paths. */
static void handle_cpuid(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_exit_cpuid(v, e);
	mv_exit_skip(e);
}

/*
 * An exit answered inside the entry window, with the guest's FPU, XCR0
 * and MSRs still loaded: CPUID reads only the policy and the VMCS, and
 * never stops the guest. Anything that delivers an event, or may need the
 * host's state or interrupts, takes the full path.
 */
bool mv_exit_fast(struct mv_vcpu *v, struct mv_exit *e)
{
	if (e->reason != EXIT_REASON_CPUID ||
	    (e->vectoring & VECTORING_INFO_VALID_MASK))
		return false;
	v->exits[EXIT_REASON_CPUID]++;
	handle_cpuid(v, e);
	return true;
}

/* VMX, SMX, MONITOR/MWAIT and SGX instructions: none exist for a guest. */
static void exit_ud(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_inject_ud();
}

/* RDPMC: no counters are offered. */
static void exit_gp(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_inject_gp();
}

/* INVD, WBINVD: guest RAM is write-back and coherent, nothing to flush. */
static void exit_skip(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_exit_skip(e);
}

/* External interrupts and the preemption timer: the host takes them. */
static void exit_none(struct mv_vcpu *v, struct mv_exit *e)
{
}

static void exit_triple_fault(struct mv_vcpu *v, struct mv_exit *e)
{
	e->stop = MV_STOP_TRIPLE_FAULT;
}

static void exit_hlt(struct mv_vcpu *v, struct mv_exit *e)
{
	e->stop = MV_STOP_HALT;
	e->stop_info = !!(mv_vmread(GUEST_RFLAGS) & X86_EFLAGS_IF);
}

static void exit_ept_violation(struct mv_vcpu *v, struct mv_exit *e)
{
	if (mv_dirty_ept_violation(v, e->gpa, e->qual)) {
		/* A write during event delivery: deliver it again. */
		if (e->vectoring & VECTORING_INFO_VALID_MASK)
			redeliver(e);
		return;
	}
	e->stop = MV_STOP_EPT_VIOLATION;
	e->stop_info = e->gpa;
}

static void exit_pml_full(struct mv_vcpu *v, struct mv_exit *e)
{
	mv_dirty_pml_full(v);
}

static void exit_ept_misconfig(struct mv_vcpu *v, struct mv_exit *e)
{
	e->stop = MV_STOP_EPT_MISCONFIG;
	e->stop_info = e->gpa;
}

typedef void (*mv_exit_fn)(struct mv_vcpu *v, struct mv_exit *e);

/* Every basic exit reason the controls can produce; the rest stop the guest. */
static const mv_exit_fn exit_handlers[MV_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= exit_none,
	[EXIT_REASON_PREEMPTION_TIMER]		= exit_none,
	[EXIT_REASON_TRIPLE_FAULT]		= exit_triple_fault,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_HLT]			= exit_hlt,
	[EXIT_REASON_VMCALL]			= mv_exit_vmcall,
	[EXIT_REASON_VMCLEAR]			= exit_ud,
	[EXIT_REASON_VMLAUNCH]			= exit_ud,
	[EXIT_REASON_VMPTRLD]			= exit_ud,
	[EXIT_REASON_VMPTRST]			= exit_ud,
	[EXIT_REASON_VMREAD]			= exit_ud,
	[EXIT_REASON_VMRESUME]			= exit_ud,
	[EXIT_REASON_VMWRITE]			= exit_ud,
	[EXIT_REASON_VMOFF]			= exit_ud,
	[EXIT_REASON_VMON]			= exit_ud,
	[EXIT_REASON_INVEPT]			= exit_ud,
	[EXIT_REASON_INVVPID]			= exit_ud,
	[EXIT_REASON_VMFUNC]			= exit_ud,
	[MV_EXIT_REASON_GETSEC]			= exit_ud,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= exit_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= exit_ud,
	[EXIT_REASON_ENCLS]			= exit_ud,
	[EXIT_REASON_RDPMC]			= exit_gp,
	[EXIT_REASON_CR_ACCESS]			= mv_exit_cr,
	[EXIT_REASON_DR_ACCESS]			= mv_exit_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= mv_exit_io,
	[EXIT_REASON_MSR_READ]			= mv_exit_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= mv_exit_wrmsr,
	[EXIT_REASON_XSETBV]			= mv_exit_xsetbv,
	[EXIT_REASON_RDRAND]			= exit_rdrand,
	[EXIT_REASON_RDSEED]			= exit_rdseed,
	[EXIT_REASON_INVD]			= exit_skip,
	[EXIT_REASON_WBINVD]			= exit_skip,
	[EXIT_REASON_EPT_VIOLATION]		= exit_ept_violation,
	[EXIT_REASON_PML_FULL]			= exit_pml_full,
	[EXIT_REASON_EPT_MISCONFIG]		= exit_ept_misconfig,
};

void mv_exit_handle(struct mv_vcpu *v, struct mv_exit *e)
{
	u16 basic = e->reason;

	if (e->reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		e->stop = MV_STOP_INVALID_STATE;
		e->stop_info = basic;
		return;
	}
	if (basic < MV_EXIT_REASONS)
		v->exits[basic]++;
	if (basic >= MV_EXIT_REASONS || !exit_handlers[basic]) {
		e->stop = MV_STOP_UNHANDLED;
		e->stop_info = basic;
		return;
	}

	/* The host's NMI handler runs now, with interrupts still off. */
	if (basic == EXIT_REASON_EXCEPTION_NMI &&
	    ((e->intr_info >> 8) & 7) == 2) {
		asm volatile("int $2");
	}
	if ((e->vectoring & VECTORING_INFO_VALID_MASK) &&
	    basic != EXIT_REASON_EXCEPTION_NMI &&
	    basic != EXIT_REASON_EPT_VIOLATION)
		redeliver(e);
	exit_handlers[basic](v, e);
}
