/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The CPUID registers that hold feature flags, as policy words:
 * MV_CPUID_WORD(id, leaf, subleaf, register). The order is the order of
 * enum mv_cpuid_word, of netlink policies and of the JSON output; append
 * only. Include after defining MV_CPUID_WORD; the header undefines it.
 */
MV_CPUID_WORD(1_EDX, 0x00000001, 0, MV_EDX)
MV_CPUID_WORD(1_ECX, 0x00000001, 0, MV_ECX)
MV_CPUID_WORD(6_EAX, 0x00000006, 0, MV_EAX)
MV_CPUID_WORD(7_0_EBX, 0x00000007, 0, MV_EBX)
MV_CPUID_WORD(7_0_ECX, 0x00000007, 0, MV_ECX)
MV_CPUID_WORD(7_0_EDX, 0x00000007, 0, MV_EDX)
MV_CPUID_WORD(7_1_EAX, 0x00000007, 1, MV_EAX)
MV_CPUID_WORD(D_1_EAX, 0x0000000d, 1, MV_EAX)
MV_CPUID_WORD(81_ECX, 0x80000001, 0, MV_ECX)
MV_CPUID_WORD(81_EDX, 0x80000001, 0, MV_EDX)
MV_CPUID_WORD(88_EBX, 0x80000008, 0, MV_EBX)

#undef MV_CPUID_WORD
