/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Named CPU models, each a delta on its parent:
 *
 *   MV_CPU_MODEL(name, parent, family, model, stepping, max_leaf,
 *                phys_bits, "added features", "removed features")
 *
 * Feature lists are as public CPU model definitions give them (QEMU's
 * builtin_x86_defs as mirrored by libvirt's src/cpu_map/x86_*.xml, and
 * the x86-64 psABI for the levels); names are /proc/cpuinfo's. Where the
 * public definitions differ from this table, it is on purpose:
 *
 *  - The -noTSX variants are used (hle/rtm are off in current microcode).
 *  - Speculation-control enumeration (spec-ctrl, ssbd, arch-capabilities
 *    and its *-no bits) is host microcode state, not ISA; migvisor does
 *    not offer those MSRs to guests, so no model lists them.
 *  - mpx (removed from Linux 5.6 and from later Intel CPUs), intel-pt,
 *    and AMX (xfd, amx-*) are not offered by migvisor and are left out.
 *  - x2apic and tsc-deadline are left out: a guest has no local APIC
 *    beyond a read-only IA32_APIC_BASE, so their MSRs would #GP.
 *  - bus-lock-detect (a DEBUGCTL control) and tsx-ldtrk (TSX) are left
 *    out of sapphirerapids.
 *  - sapphirerapids' fsrs/fsrc/fzrm are not named by Linux 6.1's
 *    cpufeatures.h, which this project's feature table follows.
 *
 * The chain is not monotone: haswell loses ivybridge's f16c, rdrand and
 * vme (as QEMU's Haswell does), and skylake-server regains them. Use
 * "mvctl baseline compare ivybridge haswell" to see it.
 *
 * Include after defining MV_CPU_MODEL; the header undefines it.
 */

/* psABI levels: x86-64 architectural base, then the ABI's own lists */
MV_CPU_MODEL(x86-64-v1, "", 6, 15, 11, 0xa, 36,
	"fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm", "")
MV_CPU_MODEL(x86-64-v2, "x86-64-v1", 6, 26, 3, 0xb, 36,
	"cx16 lahf_lm popcnt pni ssse3 sse4_1 sse4_2", "")
MV_CPU_MODEL(x86-64-v3, "x86-64-v2", 6, 60, 3, 0xd, 36,
	"avx avx2 bmi1 bmi2 f16c fma abm movbe xsave", "")
MV_CPU_MODEL(x86-64-v4, "x86-64-v3", 6, 85, 4, 0xd, 36,
	"avx512f avx512bw avx512cd avx512dq avx512vl", "")

/* Intel generations (QEMU: Conroe is the Merom core) */
MV_CPU_MODEL(merom, "x86-64-v1", 6, 15, 11, 0xa, 36,
	"pni ssse3 lahf_lm", "")
MV_CPU_MODEL(penryn, "merom", 6, 23, 3, 0xa, 36,
	"cx16 sse4_1", "")
MV_CPU_MODEL(nehalem, "penryn", 6, 26, 3, 0xb, 36,
	"popcnt sse4_2", "")
MV_CPU_MODEL(westmere, "nehalem", 6, 44, 1, 0xb, 36,
	"aes", "")
MV_CPU_MODEL(sandybridge, "westmere", 6, 42, 1, 0xd, 36,
	"avx pclmulqdq rdtscp xsave", "")
MV_CPU_MODEL(ivybridge, "sandybridge", 6, 58, 9, 0xd, 36,
	"erms f16c fsgsbase rdrand smep vme", "")
MV_CPU_MODEL(haswell, "ivybridge", 6, 60, 4, 0xd, 36,
	"avx2 bmi1 bmi2 fma invpcid movbe pcid", "f16c rdrand vme")
MV_CPU_MODEL(broadwell, "haswell", 6, 61, 2, 0xd, 36,
	"3dnowprefetch adx rdseed smap", "")
MV_CPU_MODEL(skylake-server, "broadwell", 6, 85, 4, 0xd, 36,
	"abm arat avx512f avx512bw avx512cd avx512dq avx512vl clwb f16c pdpe1gb rdrand vme xgetbv1 xsavec xsaveopt", "")
MV_CPU_MODEL(cascadelake-server, "skylake-server", 6, 85, 6, 0xd, 36,
	"avx512_vnni clflushopt", "")
MV_CPU_MODEL(icelake-server, "cascadelake-server", 6, 106, 0, 0xd, 36,
	"avx512_vpopcntdq avx512_bitalg avx512vbmi avx512_vbmi2 gfni la57 pku umip vaes vpclmulqdq wbnoinvd", "")
MV_CPU_MODEL(sapphirerapids, "icelake-server", 6, 143, 4, 0xd, 36,
	"avx_vnni avx512_bf16 avx512_fp16 avx512ifma fsrm rdpid serialize sha_ni xsaves", "")

#undef MV_CPU_MODEL
