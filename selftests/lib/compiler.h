/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's attribute names, for the tests and their guest code. */
#ifndef MV_SELFTEST_COMPILER_H
#define MV_SELFTEST_COMPILER_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif
/*
 * Guest code (mv_ucall.h): kept whole and apart, and without a stack
 * canary, which it has no TLS to read from.
 */
#define __mv_guest_code __attribute__((__noinline__, __no_stack_protector__, __used__))

#endif
