/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * VMX capabilities by name: one table, shared by migvisor.ko (which fills
 * the MV_A_HOST_VMX_CAPS bitmap) and mvctl (which prints the names).
 *
 * Each row is MV_VMX_CAP(name, source, bit, flags). The row index is the
 * bit number in the netlink bitmap: append rows, never reorder them.
 *
 * Sources (SDM Vol. 3D, Appendix A):
 *   PIN, PROC, PROC2, EXIT, ENTRY  allowed-1 settings (high dword) of the
 *                                  control MSRs
 *   PROC3                          IA32_VMX_PROCBASED_CTLS3 (all 64 bits)
 *   EPT, VPID                      IA32_VMX_EPT_VPID_CAP low / high dword
 *   VMFUNC                         IA32_VMX_VMFUNC
 *   BASIC, MISC                    IA32_VMX_BASIC / IA32_VMX_MISC
 *   SYNTH                          derived, as Linux derives it
 *
 * Flags: MV_VCF_CPUINFO marks the capabilities that Linux prints under
 * "vmx flags" in /proc/cpuinfo, under the same name. The others are what
 * migvisor itself relies on or reports.
 *
 * No include guard: define MV_VMX_CAP, include, and it is undefined here.
 */

/* Linux's /proc/cpuinfo "vmx flags" */
MV_VMX_CAP(vnmi,		PIN,	5,	MV_VCF_CPUINFO)
MV_VMX_CAP(preemption_timer,	PIN,	6,	MV_VCF_CPUINFO)
MV_VMX_CAP(posted_intr,		PIN,	7,	MV_VCF_CPUINFO)
MV_VMX_CAP(invvpid,		VPID,	0,	MV_VCF_CPUINFO)
MV_VMX_CAP(ept_x_only,		EPT,	0,	MV_VCF_CPUINFO)
MV_VMX_CAP(ept_ad,		EPT,	21,	MV_VCF_CPUINFO)
MV_VMX_CAP(ept_1gb,		EPT,	17,	MV_VCF_CPUINFO)
MV_VMX_CAP(flexpriority,	SYNTH,	0,	MV_VCF_CPUINFO)
MV_VMX_CAP(apicv,		SYNTH,	1,	MV_VCF_CPUINFO)
/*
 * Linux 6.1 prints eptp_switching from the high dword of IA32_VMX_VMFUNC
 * (feat_ctl.c reads it into "funcs"), where the SDM puts no bit; the
 * allowed VM functions are in the low dword. We report the SDM's bit, so
 * this one is not compared with /proc/cpuinfo.
 */
MV_VMX_CAP(eptp_switching,	VMFUNC,	0,	0)
MV_VMX_CAP(tsc_offset,		PROC,	3,	MV_VCF_CPUINFO)
MV_VMX_CAP(vtpr,		PROC,	21,	MV_VCF_CPUINFO)
MV_VMX_CAP(mtf,			PROC,	27,	MV_VCF_CPUINFO)
MV_VMX_CAP(vapic,		PROC2,	0,	MV_VCF_CPUINFO)
MV_VMX_CAP(ept,			PROC2,	1,	MV_VCF_CPUINFO)
MV_VMX_CAP(vpid,		PROC2,	5,	MV_VCF_CPUINFO)
MV_VMX_CAP(unrestricted_guest,	PROC2,	7,	MV_VCF_CPUINFO)
MV_VMX_CAP(vapic_reg,		PROC2,	8,	MV_VCF_CPUINFO)
MV_VMX_CAP(vid,			PROC2,	9,	MV_VCF_CPUINFO)
MV_VMX_CAP(ple,			PROC2,	10,	MV_VCF_CPUINFO)
MV_VMX_CAP(shadow_vmcs,		PROC2,	14,	MV_VCF_CPUINFO)
MV_VMX_CAP(pml,			PROC2,	17,	MV_VCF_CPUINFO)
MV_VMX_CAP(ept_mode_based_exec,	PROC2,	22,	MV_VCF_CPUINFO)
MV_VMX_CAP(tsc_scaling,		PROC2,	25,	MV_VCF_CPUINFO)
MV_VMX_CAP(usr_wait_pause,	PROC2,	26,	MV_VCF_CPUINFO)
MV_VMX_CAP(notify_vm_exiting,	PROC2,	31,	MV_VCF_CPUINFO)
MV_VMX_CAP(ipi_virt,		PROC3,	4,	MV_VCF_CPUINFO)

/* What migvisor relies on, or may use to enforce a baseline */
MV_VMX_CAP(true_ctls,		BASIC,	55,	0)
MV_VMX_CAP(ins_outs_info,	BASIC,	54,	0)
MV_VMX_CAP(ext_intr_exiting,	PIN,	0,	0)
MV_VMX_CAP(nmi_exiting,		PIN,	3,	0)
MV_VMX_CAP(hlt_exiting,		PROC,	7,	0)
MV_VMX_CAP(rdtsc_exiting,	PROC,	12,	0)
MV_VMX_CAP(tertiary_ctls,	PROC,	17,	0)
MV_VMX_CAP(io_bitmaps,		PROC,	25,	0)
MV_VMX_CAP(msr_bitmaps,		PROC,	28,	0)
MV_VMX_CAP(secondary_ctls,	PROC,	31,	0)
MV_VMX_CAP(desc_exiting,	PROC2,	2,	0)
MV_VMX_CAP(rdtscp,		PROC2,	3,	0)
MV_VMX_CAP(x2apic_virt,		PROC2,	4,	0)
MV_VMX_CAP(wbinvd_exiting,	PROC2,	6,	0)
MV_VMX_CAP(rdrand_exiting,	PROC2,	11,	0)
MV_VMX_CAP(invpcid,		PROC2,	12,	0)
MV_VMX_CAP(vmfunc,		PROC2,	13,	0)
MV_VMX_CAP(rdseed_exiting,	PROC2,	16,	0)
/* in /proc/cpuinfo's vmx flags since Linux 6.10 */
MV_VMX_CAP(ept_violation_ve,	PROC2,	18,	MV_VCF_CPUINFO)
MV_VMX_CAP(xsaves,		PROC2,	20,	0)
MV_VMX_CAP(host_64bit,		EXIT,	9,	0)
MV_VMX_CAP(ack_intr_on_exit,	EXIT,	15,	0)
MV_VMX_CAP(exit_save_pat,	EXIT,	18,	0)
MV_VMX_CAP(exit_load_pat,	EXIT,	19,	0)
MV_VMX_CAP(exit_save_efer,	EXIT,	20,	0)
MV_VMX_CAP(exit_load_efer,	EXIT,	21,	0)
MV_VMX_CAP(exit_save_preempt,	EXIT,	22,	0)
MV_VMX_CAP(entry_ia32e,		ENTRY,	9,	0)
MV_VMX_CAP(entry_load_pat,	ENTRY,	14,	0)
MV_VMX_CAP(entry_load_efer,	ENTRY,	15,	0)
MV_VMX_CAP(ept_4level,		EPT,	6,	0)
MV_VMX_CAP(ept_5level,		EPT,	7,	0)
MV_VMX_CAP(ept_uc,		EPT,	8,	0)
MV_VMX_CAP(ept_wb,		EPT,	14,	0)
MV_VMX_CAP(ept_2mb,		EPT,	16,	0)
MV_VMX_CAP(invept,		EPT,	20,	0)
MV_VMX_CAP(invept_single,	EPT,	25,	0)
MV_VMX_CAP(invept_all,		EPT,	26,	0)
MV_VMX_CAP(invvpid_single,	VPID,	9,	0)
MV_VMX_CAP(invvpid_all,		VPID,	10,	0)
MV_VMX_CAP(activity_hlt,	MISC,	6,	0)
MV_VMX_CAP(vmwrite_any,		MISC,	29,	0)

#undef MV_VMX_CAP
