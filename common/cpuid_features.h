/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * CPUID feature flags: one table, shared by migvisor.ko and the tools.
 *
 * Each row is MV_CPUID_FEATURE(name, leaf, subleaf, reg, bit, flags).
 * The name is the one /proc/cpuinfo prints. Flags:
 *   MV_FF_HIDDEN  Linux knows the bit but does not print it in
 *                 /proc/cpuinfo (name is the kernel's macro name).
 *
 * Facts (leaf, register, bit, name) follow the Intel SDM Vol. 2A, CPUID,
 * and Linux's arch/x86/include/asm/cpufeatures.h. Scattered and synthetic
 * Linux flags (word 3, 7, 8, 11) are not CPUID bits and are not here.
 *
 * Include after defining MV_CPUID_FEATURE; the header undefines it.
 * There is deliberately no include guard.
 */


/* CPUID.00000001H:EDX */
MV_CPUID_FEATURE(fpu, 0x00000001, 0, EDX, 0, 0) /* Onboard FPU */
MV_CPUID_FEATURE(vme, 0x00000001, 0, EDX, 1, 0) /* Virtual Mode Extensions */
MV_CPUID_FEATURE(de, 0x00000001, 0, EDX, 2, 0) /* Debugging Extensions */
MV_CPUID_FEATURE(pse, 0x00000001, 0, EDX, 3, 0) /* Page Size Extensions */
MV_CPUID_FEATURE(tsc, 0x00000001, 0, EDX, 4, 0) /* Time Stamp Counter */
MV_CPUID_FEATURE(msr, 0x00000001, 0, EDX, 5, 0) /* Model-Specific Registers */
MV_CPUID_FEATURE(pae, 0x00000001, 0, EDX, 6, 0) /* Physical Address Extensions */
MV_CPUID_FEATURE(mce, 0x00000001, 0, EDX, 7, 0) /* Machine Check Exception */
MV_CPUID_FEATURE(cx8, 0x00000001, 0, EDX, 8, 0) /* CMPXCHG8 instruction */
MV_CPUID_FEATURE(apic, 0x00000001, 0, EDX, 9, 0) /* Onboard APIC */
MV_CPUID_FEATURE(sep, 0x00000001, 0, EDX, 11, 0) /* SYSENTER/SYSEXIT */
MV_CPUID_FEATURE(mtrr, 0x00000001, 0, EDX, 12, 0) /* Memory Type Range Registers */
MV_CPUID_FEATURE(pge, 0x00000001, 0, EDX, 13, 0) /* Page Global Enable */
MV_CPUID_FEATURE(mca, 0x00000001, 0, EDX, 14, 0) /* Machine Check Architecture */
MV_CPUID_FEATURE(cmov, 0x00000001, 0, EDX, 15, 0)
MV_CPUID_FEATURE(pat, 0x00000001, 0, EDX, 16, 0) /* Page Attribute Table */
MV_CPUID_FEATURE(pse36, 0x00000001, 0, EDX, 17, 0) /* 36-bit PSEs */
MV_CPUID_FEATURE(pn, 0x00000001, 0, EDX, 18, 0) /* Processor serial number */
MV_CPUID_FEATURE(clflush, 0x00000001, 0, EDX, 19, 0) /* CLFLUSH instruction */
MV_CPUID_FEATURE(dts, 0x00000001, 0, EDX, 21, 0) /* Debug Store */
MV_CPUID_FEATURE(acpi, 0x00000001, 0, EDX, 22, 0) /* ACPI via MSR */
MV_CPUID_FEATURE(mmx, 0x00000001, 0, EDX, 23, 0) /* Multimedia Extensions */
MV_CPUID_FEATURE(fxsr, 0x00000001, 0, EDX, 24, 0) /* FXSAVE/FXRSTOR, CR4.OSFXSR */
MV_CPUID_FEATURE(sse, 0x00000001, 0, EDX, 25, 0)
MV_CPUID_FEATURE(sse2, 0x00000001, 0, EDX, 26, 0)
MV_CPUID_FEATURE(ss, 0x00000001, 0, EDX, 27, 0) /* CPU self snoop */
MV_CPUID_FEATURE(ht, 0x00000001, 0, EDX, 28, 0) /* Hyper-Threading */
MV_CPUID_FEATURE(tm, 0x00000001, 0, EDX, 29, 0) /* Automatic clock control */
MV_CPUID_FEATURE(ia64, 0x00000001, 0, EDX, 30, 0) /* IA-64 processor */
MV_CPUID_FEATURE(pbe, 0x00000001, 0, EDX, 31, 0) /* Pending Break Enable */

/* CPUID.80000001H:EDX */
MV_CPUID_FEATURE(syscall, 0x80000001, 0, EDX, 11, 0) /* SYSCALL/SYSRET */
MV_CPUID_FEATURE(mp, 0x80000001, 0, EDX, 19, 0) /* MP Capable */
MV_CPUID_FEATURE(nx, 0x80000001, 0, EDX, 20, 0) /* Execute Disable */
MV_CPUID_FEATURE(mmxext, 0x80000001, 0, EDX, 22, 0) /* AMD MMX extensions */
MV_CPUID_FEATURE(fxsr_opt, 0x80000001, 0, EDX, 25, 0) /* FXSAVE/FXRSTOR optimizations */
MV_CPUID_FEATURE(pdpe1gb, 0x80000001, 0, EDX, 26, 0) /* GB pages */
MV_CPUID_FEATURE(rdtscp, 0x80000001, 0, EDX, 27, 0) /* RDTSCP */
MV_CPUID_FEATURE(lm, 0x80000001, 0, EDX, 29, 0) /* Long Mode (x86-64, 64-bit support) */
MV_CPUID_FEATURE(3dnowext, 0x80000001, 0, EDX, 30, 0) /* AMD 3DNow extensions */
MV_CPUID_FEATURE(3dnow, 0x80000001, 0, EDX, 31, 0) /* 3DNow */

/* CPUID.00000001H:ECX */
MV_CPUID_FEATURE(pni, 0x00000001, 0, ECX, 0, 0) /* SSE-3 */
MV_CPUID_FEATURE(pclmulqdq, 0x00000001, 0, ECX, 1, 0) /* PCLMULQDQ instruction */
MV_CPUID_FEATURE(dtes64, 0x00000001, 0, ECX, 2, 0) /* 64-bit Debug Store */
MV_CPUID_FEATURE(monitor, 0x00000001, 0, ECX, 3, 0) /* MONITOR/MWAIT support */
MV_CPUID_FEATURE(ds_cpl, 0x00000001, 0, ECX, 4, 0) /* CPL-qualified (filtered) Debug Store */
MV_CPUID_FEATURE(vmx, 0x00000001, 0, ECX, 5, 0) /* Hardware virtualization */
MV_CPUID_FEATURE(smx, 0x00000001, 0, ECX, 6, 0) /* Safer Mode eXtensions */
MV_CPUID_FEATURE(est, 0x00000001, 0, ECX, 7, 0) /* Enhanced SpeedStep */
MV_CPUID_FEATURE(tm2, 0x00000001, 0, ECX, 8, 0) /* Thermal Monitor 2 */
MV_CPUID_FEATURE(ssse3, 0x00000001, 0, ECX, 9, 0) /* Supplemental SSE-3 */
MV_CPUID_FEATURE(cid, 0x00000001, 0, ECX, 10, 0) /* Context ID */
MV_CPUID_FEATURE(sdbg, 0x00000001, 0, ECX, 11, 0) /* Silicon Debug */
MV_CPUID_FEATURE(fma, 0x00000001, 0, ECX, 12, 0) /* Fused multiply-add */
MV_CPUID_FEATURE(cx16, 0x00000001, 0, ECX, 13, 0) /* CMPXCHG16B instruction */
MV_CPUID_FEATURE(xtpr, 0x00000001, 0, ECX, 14, 0) /* Send Task Priority Messages */
MV_CPUID_FEATURE(pdcm, 0x00000001, 0, ECX, 15, 0) /* Perf/Debug Capabilities MSR */
MV_CPUID_FEATURE(pcid, 0x00000001, 0, ECX, 17, 0) /* Process Context Identifiers */
MV_CPUID_FEATURE(dca, 0x00000001, 0, ECX, 18, 0) /* Direct Cache Access */
MV_CPUID_FEATURE(sse4_1, 0x00000001, 0, ECX, 19, 0) /* SSE-4.1 */
MV_CPUID_FEATURE(sse4_2, 0x00000001, 0, ECX, 20, 0) /* SSE-4.2 */
MV_CPUID_FEATURE(x2apic, 0x00000001, 0, ECX, 21, 0) /* X2APIC */
MV_CPUID_FEATURE(movbe, 0x00000001, 0, ECX, 22, 0) /* MOVBE instruction */
MV_CPUID_FEATURE(popcnt, 0x00000001, 0, ECX, 23, 0) /* POPCNT instruction */
MV_CPUID_FEATURE(tsc_deadline_timer, 0x00000001, 0, ECX, 24, 0) /* TSC deadline timer */
MV_CPUID_FEATURE(aes, 0x00000001, 0, ECX, 25, 0) /* AES instructions */
MV_CPUID_FEATURE(xsave, 0x00000001, 0, ECX, 26, 0) /* XSAVE/XRSTOR/XSETBV/XGETBV instructions */
MV_CPUID_FEATURE(osxsave, 0x00000001, 0, ECX, 27, MV_FF_HIDDEN)
MV_CPUID_FEATURE(avx, 0x00000001, 0, ECX, 28, 0) /* Advanced Vector Extensions */
MV_CPUID_FEATURE(f16c, 0x00000001, 0, ECX, 29, 0) /* 16-bit FP conversions */
MV_CPUID_FEATURE(rdrand, 0x00000001, 0, ECX, 30, 0) /* RDRAND instruction */
MV_CPUID_FEATURE(hypervisor, 0x00000001, 0, ECX, 31, 0) /* Running on a hypervisor */

/* CPUID.80000001H:ECX */
MV_CPUID_FEATURE(lahf_lm, 0x80000001, 0, ECX, 0, 0) /* LAHF/SAHF in long mode */
MV_CPUID_FEATURE(cmp_legacy, 0x80000001, 0, ECX, 1, 0) /* If yes HyperThreading not valid */
MV_CPUID_FEATURE(svm, 0x80000001, 0, ECX, 2, 0) /* Secure Virtual Machine */
MV_CPUID_FEATURE(extapic, 0x80000001, 0, ECX, 3, 0) /* Extended APIC space */
MV_CPUID_FEATURE(cr8_legacy, 0x80000001, 0, ECX, 4, 0) /* CR8 in 32-bit mode */
MV_CPUID_FEATURE(abm, 0x80000001, 0, ECX, 5, 0) /* Advanced bit manipulation */
MV_CPUID_FEATURE(sse4a, 0x80000001, 0, ECX, 6, 0) /* SSE-4A */
MV_CPUID_FEATURE(misalignsse, 0x80000001, 0, ECX, 7, 0) /* Misaligned SSE mode */
MV_CPUID_FEATURE(3dnowprefetch, 0x80000001, 0, ECX, 8, 0) /* 3DNow prefetch instructions */
MV_CPUID_FEATURE(osvw, 0x80000001, 0, ECX, 9, 0) /* OS Visible Workaround */
MV_CPUID_FEATURE(ibs, 0x80000001, 0, ECX, 10, 0) /* Instruction Based Sampling */
MV_CPUID_FEATURE(xop, 0x80000001, 0, ECX, 11, 0) /* extended AVX instructions */
MV_CPUID_FEATURE(skinit, 0x80000001, 0, ECX, 12, 0) /* SKINIT/STGI instructions */
MV_CPUID_FEATURE(wdt, 0x80000001, 0, ECX, 13, 0) /* Watchdog timer */
MV_CPUID_FEATURE(lwp, 0x80000001, 0, ECX, 15, 0) /* Light Weight Profiling */
MV_CPUID_FEATURE(fma4, 0x80000001, 0, ECX, 16, 0) /* 4 operands MAC instructions */
MV_CPUID_FEATURE(tce, 0x80000001, 0, ECX, 17, 0) /* Translation Cache Extension */
MV_CPUID_FEATURE(nodeid_msr, 0x80000001, 0, ECX, 19, 0) /* NodeId MSR */
MV_CPUID_FEATURE(tbm, 0x80000001, 0, ECX, 21, 0) /* Trailing Bit Manipulations */
MV_CPUID_FEATURE(topoext, 0x80000001, 0, ECX, 22, 0) /* Topology extensions CPUID leafs */
MV_CPUID_FEATURE(perfctr_core, 0x80000001, 0, ECX, 23, 0) /* Core performance counter extensions */
MV_CPUID_FEATURE(perfctr_nb, 0x80000001, 0, ECX, 24, 0) /* NB performance counter extensions */
MV_CPUID_FEATURE(bpext, 0x80000001, 0, ECX, 26, 0) /* Data breakpoint extension */
MV_CPUID_FEATURE(ptsc, 0x80000001, 0, ECX, 27, 0) /* Performance time-stamp counter */
MV_CPUID_FEATURE(perfctr_llc, 0x80000001, 0, ECX, 28, 0)
MV_CPUID_FEATURE(mwaitx, 0x80000001, 0, ECX, 29, 0)

/* CPUID.00000007H.0:EBX */
MV_CPUID_FEATURE(fsgsbase, 0x00000007, 0, EBX, 0, 0)
MV_CPUID_FEATURE(tsc_adjust, 0x00000007, 0, EBX, 1, 0) /* TSC adjustment MSR 0x3B */
MV_CPUID_FEATURE(sgx, 0x00000007, 0, EBX, 2, 0) /* Software Guard Extensions */
MV_CPUID_FEATURE(bmi1, 0x00000007, 0, EBX, 3, 0) /* 1st group bit manipulation extensions */
MV_CPUID_FEATURE(hle, 0x00000007, 0, EBX, 4, 0) /* Hardware Lock Elision */
MV_CPUID_FEATURE(avx2, 0x00000007, 0, EBX, 5, 0) /* AVX2 instructions */
MV_CPUID_FEATURE(fdp_excptn_only, 0x00000007, 0, EBX, 6, MV_FF_HIDDEN)
MV_CPUID_FEATURE(smep, 0x00000007, 0, EBX, 7, 0) /* Supervisor Mode Execution Protection */
MV_CPUID_FEATURE(bmi2, 0x00000007, 0, EBX, 8, 0) /* 2nd group bit manipulation extensions */
MV_CPUID_FEATURE(erms, 0x00000007, 0, EBX, 9, 0) /* Enhanced REP MOVSB/STOSB instructions */
MV_CPUID_FEATURE(invpcid, 0x00000007, 0, EBX, 10, 0) /* Invalidate Processor Context ID */
MV_CPUID_FEATURE(rtm, 0x00000007, 0, EBX, 11, 0) /* Restricted Transactional Memory */
MV_CPUID_FEATURE(cqm, 0x00000007, 0, EBX, 12, 0) /* Cache QoS Monitoring */
MV_CPUID_FEATURE(zero_fcs_fds, 0x00000007, 0, EBX, 13, MV_FF_HIDDEN)
MV_CPUID_FEATURE(mpx, 0x00000007, 0, EBX, 14, 0) /* Memory Protection Extension */
MV_CPUID_FEATURE(rdt_a, 0x00000007, 0, EBX, 15, 0) /* Resource Director Technology Allocation */
MV_CPUID_FEATURE(avx512f, 0x00000007, 0, EBX, 16, 0) /* AVX-512 Foundation */
MV_CPUID_FEATURE(avx512dq, 0x00000007, 0, EBX, 17, 0)
MV_CPUID_FEATURE(rdseed, 0x00000007, 0, EBX, 18, 0) /* RDSEED instruction */
MV_CPUID_FEATURE(adx, 0x00000007, 0, EBX, 19, 0) /* ADCX and ADOX instructions */
MV_CPUID_FEATURE(smap, 0x00000007, 0, EBX, 20, 0) /* Supervisor Mode Access Prevention */
MV_CPUID_FEATURE(avx512ifma, 0x00000007, 0, EBX, 21, 0)
MV_CPUID_FEATURE(clflushopt, 0x00000007, 0, EBX, 23, 0) /* CLFLUSHOPT instruction */
MV_CPUID_FEATURE(clwb, 0x00000007, 0, EBX, 24, 0) /* CLWB instruction */
MV_CPUID_FEATURE(intel_pt, 0x00000007, 0, EBX, 25, 0) /* Intel Processor Trace */
MV_CPUID_FEATURE(avx512pf, 0x00000007, 0, EBX, 26, 0) /* AVX-512 Prefetch */
MV_CPUID_FEATURE(avx512er, 0x00000007, 0, EBX, 27, 0) /* AVX-512 Exponential and Reciprocal */
MV_CPUID_FEATURE(avx512cd, 0x00000007, 0, EBX, 28, 0) /* AVX-512 Conflict Detection */
MV_CPUID_FEATURE(sha_ni, 0x00000007, 0, EBX, 29, 0) /* SHA1/SHA256 Instruction Extensions */
MV_CPUID_FEATURE(avx512bw, 0x00000007, 0, EBX, 30, 0)
MV_CPUID_FEATURE(avx512vl, 0x00000007, 0, EBX, 31, 0)

/* CPUID.0000000dH.1:EAX */
MV_CPUID_FEATURE(xsaveopt, 0x0000000d, 1, EAX, 0, 0) /* XSAVEOPT instruction */
MV_CPUID_FEATURE(xsavec, 0x0000000d, 1, EAX, 1, 0) /* XSAVEC instruction */
MV_CPUID_FEATURE(xgetbv1, 0x0000000d, 1, EAX, 2, 0) /* XGETBV with ECX = 1 instruction */
MV_CPUID_FEATURE(xsaves, 0x0000000d, 1, EAX, 3, 0) /* XSAVES/XRSTORS instructions */
MV_CPUID_FEATURE(xfd, 0x0000000d, 1, EAX, 4, MV_FF_HIDDEN) /* eXtended Feature Disabling */

/* CPUID.00000007H.1:EAX */
MV_CPUID_FEATURE(avx_vnni, 0x00000007, 1, EAX, 4, 0) /* AVX VNNI instructions */
MV_CPUID_FEATURE(avx512_bf16, 0x00000007, 1, EAX, 5, 0) /* AVX512 BFLOAT16 instructions */

/* CPUID.80000008H:EBX */
MV_CPUID_FEATURE(clzero, 0x80000008, 0, EBX, 0, 0) /* CLZERO instruction */
MV_CPUID_FEATURE(irperf, 0x80000008, 0, EBX, 1, 0) /* Instructions Retired Count */
MV_CPUID_FEATURE(xsaveerptr, 0x80000008, 0, EBX, 2, 0) /* Always save/restore FP error pointers */
MV_CPUID_FEATURE(rdpru, 0x80000008, 0, EBX, 4, 0) /* Read processor register at user level */
MV_CPUID_FEATURE(wbnoinvd, 0x80000008, 0, EBX, 9, 0) /* WBNOINVD instruction */
MV_CPUID_FEATURE(amd_ibpb, 0x80000008, 0, EBX, 12, MV_FF_HIDDEN)
MV_CPUID_FEATURE(amd_ibrs, 0x80000008, 0, EBX, 14, MV_FF_HIDDEN)
MV_CPUID_FEATURE(amd_stibp, 0x80000008, 0, EBX, 15, MV_FF_HIDDEN)
MV_CPUID_FEATURE(amd_stibp_always_on, 0x80000008, 0, EBX, 17, MV_FF_HIDDEN)
MV_CPUID_FEATURE(amd_ppin, 0x80000008, 0, EBX, 23, 0) /* Protected Processor Inventory Number */
MV_CPUID_FEATURE(amd_ssbd, 0x80000008, 0, EBX, 24, MV_FF_HIDDEN)
MV_CPUID_FEATURE(virt_ssbd, 0x80000008, 0, EBX, 25, 0)
MV_CPUID_FEATURE(amd_ssb_no, 0x80000008, 0, EBX, 26, MV_FF_HIDDEN)
MV_CPUID_FEATURE(cppc, 0x80000008, 0, EBX, 27, 0) /* Collaborative Processor Performance Control */
MV_CPUID_FEATURE(btc_no, 0x80000008, 0, EBX, 29, MV_FF_HIDDEN)
MV_CPUID_FEATURE(amd_ibpb_ret, 0x80000008, 0, EBX, 30, MV_FF_HIDDEN)
MV_CPUID_FEATURE(brs, 0x80000008, 0, EBX, 31, 0) /* Branch Sampling available */

/* CPUID.00000006H:EAX */
MV_CPUID_FEATURE(dtherm, 0x00000006, 0, EAX, 0, 0) /* Digital Thermal Sensor */
MV_CPUID_FEATURE(ida, 0x00000006, 0, EAX, 1, 0) /* Intel Dynamic Acceleration */
MV_CPUID_FEATURE(arat, 0x00000006, 0, EAX, 2, 0) /* Always Running APIC Timer */
MV_CPUID_FEATURE(pln, 0x00000006, 0, EAX, 4, 0) /* Intel Power Limit Notification */
MV_CPUID_FEATURE(pts, 0x00000006, 0, EAX, 6, 0) /* Intel Package Thermal Status */
MV_CPUID_FEATURE(hwp, 0x00000006, 0, EAX, 7, 0) /* Intel Hardware P-states */
MV_CPUID_FEATURE(hwp_notify, 0x00000006, 0, EAX, 8, 0) /* HWP Notification */
MV_CPUID_FEATURE(hwp_act_window, 0x00000006, 0, EAX, 9, 0) /* HWP Activity Window */
MV_CPUID_FEATURE(hwp_epp, 0x00000006, 0, EAX, 10, 0) /* HWP Energy Perf. Preference */
MV_CPUID_FEATURE(hwp_pkg_req, 0x00000006, 0, EAX, 11, 0) /* HWP Package Level Request */
MV_CPUID_FEATURE(hfi, 0x00000006, 0, EAX, 19, 0) /* Hardware Feedback Interface */

/* CPUID.00000007H.0:ECX */
MV_CPUID_FEATURE(avx512vbmi, 0x00000007, 0, ECX, 1, 0)
MV_CPUID_FEATURE(umip, 0x00000007, 0, ECX, 2, 0) /* User Mode Instruction Protection */
MV_CPUID_FEATURE(pku, 0x00000007, 0, ECX, 3, 0) /* Protection Keys for Userspace */
MV_CPUID_FEATURE(ospke, 0x00000007, 0, ECX, 4, 0) /* OS Protection Keys Enable */
MV_CPUID_FEATURE(waitpkg, 0x00000007, 0, ECX, 5, 0) /* UMONITOR/UMWAIT/TPAUSE Instructions */
MV_CPUID_FEATURE(avx512_vbmi2, 0x00000007, 0, ECX, 6, 0)
MV_CPUID_FEATURE(gfni, 0x00000007, 0, ECX, 8, 0) /* Galois Field New Instructions */
MV_CPUID_FEATURE(vaes, 0x00000007, 0, ECX, 9, 0) /* Vector AES */
MV_CPUID_FEATURE(vpclmulqdq, 0x00000007, 0, ECX, 10, 0)
MV_CPUID_FEATURE(avx512_vnni, 0x00000007, 0, ECX, 11, 0) /* Vector Neural Network Instructions */
MV_CPUID_FEATURE(avx512_bitalg, 0x00000007, 0, ECX, 12, 0)
MV_CPUID_FEATURE(tme, 0x00000007, 0, ECX, 13, 0) /* Intel Total Memory Encryption */
MV_CPUID_FEATURE(avx512_vpopcntdq, 0x00000007, 0, ECX, 14, 0) /* POPCNT for vectors of DW/QW */
MV_CPUID_FEATURE(la57, 0x00000007, 0, ECX, 16, 0) /* 5-level page tables */
MV_CPUID_FEATURE(rdpid, 0x00000007, 0, ECX, 22, 0) /* RDPID instruction */
MV_CPUID_FEATURE(bus_lock_detect, 0x00000007, 0, ECX, 24, 0) /* Bus Lock detect */
MV_CPUID_FEATURE(cldemote, 0x00000007, 0, ECX, 25, 0) /* CLDEMOTE instruction */
MV_CPUID_FEATURE(movdiri, 0x00000007, 0, ECX, 27, 0) /* MOVDIRI instruction */
MV_CPUID_FEATURE(movdir64b, 0x00000007, 0, ECX, 28, 0) /* MOVDIR64B instruction */
MV_CPUID_FEATURE(enqcmd, 0x00000007, 0, ECX, 29, 0) /* ENQCMD and ENQCMDS instructions */
MV_CPUID_FEATURE(sgx_lc, 0x00000007, 0, ECX, 30, 0) /* Software Guard Extensions Launch Control */

/* CPUID.00000007H.0:EDX */
MV_CPUID_FEATURE(avx512_4vnniw, 0x00000007, 0, EDX, 2, 0) /* AVX-512 Neural Network Instructions */
MV_CPUID_FEATURE(avx512_4fmaps, 0x00000007, 0, EDX, 3, 0)
MV_CPUID_FEATURE(fsrm, 0x00000007, 0, EDX, 4, 0) /* Fast Short Rep Mov */
MV_CPUID_FEATURE(avx512_vp2intersect, 0x00000007, 0, EDX, 8, 0) /* AVX-512 Intersect for D/Q */
MV_CPUID_FEATURE(srbds_ctrl, 0x00000007, 0, EDX, 9, MV_FF_HIDDEN)
MV_CPUID_FEATURE(md_clear, 0x00000007, 0, EDX, 10, 0) /* VERW clears CPU buffers */
MV_CPUID_FEATURE(rtm_always_abort, 0x00000007, 0, EDX, 11, MV_FF_HIDDEN)
MV_CPUID_FEATURE(tsx_force_abort, 0x00000007, 0, EDX, 13, MV_FF_HIDDEN) /* TSX_FORCE_ABORT */
MV_CPUID_FEATURE(serialize, 0x00000007, 0, EDX, 14, 0) /* SERIALIZE instruction */
MV_CPUID_FEATURE(hybrid_cpu, 0x00000007, 0, EDX, 15, MV_FF_HIDDEN)
MV_CPUID_FEATURE(tsxldtrk, 0x00000007, 0, EDX, 16, 0) /* TSX Suspend Load Address Tracking */
MV_CPUID_FEATURE(pconfig, 0x00000007, 0, EDX, 18, 0) /* Intel PCONFIG */
MV_CPUID_FEATURE(arch_lbr, 0x00000007, 0, EDX, 19, 0) /* Intel ARCH LBR */
MV_CPUID_FEATURE(ibt, 0x00000007, 0, EDX, 20, 0) /* Indirect Branch Tracking */
MV_CPUID_FEATURE(amx_bf16, 0x00000007, 0, EDX, 22, 0) /* AMX bf16 Support */
MV_CPUID_FEATURE(avx512_fp16, 0x00000007, 0, EDX, 23, 0) /* AVX512 FP16 */
MV_CPUID_FEATURE(amx_tile, 0x00000007, 0, EDX, 24, 0) /* AMX tile Support */
MV_CPUID_FEATURE(amx_int8, 0x00000007, 0, EDX, 25, 0) /* AMX int8 Support */
MV_CPUID_FEATURE(spec_ctrl, 0x00000007, 0, EDX, 26, MV_FF_HIDDEN)
MV_CPUID_FEATURE(intel_stibp, 0x00000007, 0, EDX, 27, MV_FF_HIDDEN)
MV_CPUID_FEATURE(flush_l1d, 0x00000007, 0, EDX, 28, 0) /* Flush L1D cache */
MV_CPUID_FEATURE(arch_capabilities, 0x00000007, 0, EDX, 29, 0)
MV_CPUID_FEATURE(core_capabilities, 0x00000007, 0, EDX, 30, MV_FF_HIDDEN)
MV_CPUID_FEATURE(spec_ctrl_ssbd, 0x00000007, 0, EDX, 31, MV_FF_HIDDEN)

#undef MV_CPUID_FEATURE
