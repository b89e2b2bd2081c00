/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Which CPUID features need which: MV_CPUID_DEP(feature, needs) means
 * "feature" is unusable without "needs", so hiding "needs" hides
 * "feature" too. Closure (common/policy.c) follows chains, so each row
 * names only the direct requirement.
 *
 * Facts: the Intel SDM (Vol. 1 ch. 13-15 for the XSAVE-managed states,
 * Vol. 2 for each instruction's CPUID requirement) and the x86-64 psABI.
 * Include after defining MV_CPUID_DEP; the header undefines it.
 */

/* SSE family: each level extends the one below */
MV_CPUID_DEP(sse, fxsr)
MV_CPUID_DEP(sse2, sse)
MV_CPUID_DEP(pni, sse2)
MV_CPUID_DEP(ssse3, pni)
MV_CPUID_DEP(sse4_1, ssse3)
MV_CPUID_DEP(sse4_2, sse4_1)
MV_CPUID_DEP(aes, sse2)
MV_CPUID_DEP(pclmulqdq, sse2)
MV_CPUID_DEP(sha_ni, sse2)
MV_CPUID_DEP(gfni, sse2)

/* XSAVE and the states it manages (XCR0 bits need XSETBV) */
MV_CPUID_DEP(xsave, fxsr)
MV_CPUID_DEP(xsaveopt, xsave)
MV_CPUID_DEP(xsavec, xsave)
MV_CPUID_DEP(xgetbv1, xsave)
MV_CPUID_DEP(xsaves, xsave)
MV_CPUID_DEP(xfd, xsave)
MV_CPUID_DEP(mpx, xsave)
MV_CPUID_DEP(pku, xsave)
MV_CPUID_DEP(amx_tile, xfd)
MV_CPUID_DEP(amx_bf16, amx_tile)
MV_CPUID_DEP(amx_int8, amx_tile)

/* AVX: VEX encodings need the YMM state enabled in XCR0 */
MV_CPUID_DEP(avx, xsave)
MV_CPUID_DEP(avx, sse4_2)
MV_CPUID_DEP(fma, avx)
MV_CPUID_DEP(f16c, avx)
MV_CPUID_DEP(avx2, avx)
MV_CPUID_DEP(vaes, avx)
MV_CPUID_DEP(vaes, aes)
MV_CPUID_DEP(vpclmulqdq, avx)
MV_CPUID_DEP(vpclmulqdq, pclmulqdq)
MV_CPUID_DEP(avx_vnni, avx2)

/* AVX-512: EVEX encodings need opmask and ZMM states in XCR0 */
MV_CPUID_DEP(avx512f, avx2)
MV_CPUID_DEP(avx512f, fma)
MV_CPUID_DEP(avx512f, f16c)
MV_CPUID_DEP(avx512dq, avx512f)
MV_CPUID_DEP(avx512cd, avx512f)
MV_CPUID_DEP(avx512bw, avx512f)
MV_CPUID_DEP(avx512vl, avx512f)
MV_CPUID_DEP(avx512ifma, avx512f)
MV_CPUID_DEP(avx512pf, avx512f)
MV_CPUID_DEP(avx512er, avx512f)
MV_CPUID_DEP(avx512vbmi, avx512bw)
MV_CPUID_DEP(avx512_vbmi2, avx512bw)
MV_CPUID_DEP(avx512_vnni, avx512f)
MV_CPUID_DEP(avx512_bitalg, avx512bw)
MV_CPUID_DEP(avx512_vpopcntdq, avx512f)
MV_CPUID_DEP(avx512_4vnniw, avx512f)
MV_CPUID_DEP(avx512_4fmaps, avx512f)
MV_CPUID_DEP(avx512_vp2intersect, avx512vl)
MV_CPUID_DEP(avx512_bf16, avx512bw)
MV_CPUID_DEP(avx512_fp16, avx512bw)

/* Platform */
MV_CPUID_DEP(x2apic, apic)
MV_CPUID_DEP(tsc_deadline_timer, apic)
MV_CPUID_DEP(invpcid, pcid)
MV_CPUID_DEP(cx16, cx8)
MV_CPUID_DEP(pdpe1gb, lm)
MV_CPUID_DEP(lahf_lm, lm)
MV_CPUID_DEP(sgx_lc, sgx)
MV_CPUID_DEP(intel_stibp, spec_ctrl)
MV_CPUID_DEP(spec_ctrl_ssbd, spec_ctrl)

#undef MV_CPUID_DEP
