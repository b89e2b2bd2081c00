/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-style helpers for freestanding guest code. */
#ifndef MV_GUEST_COMPILER_H
#define MV_GUEST_COMPILER_H

#define __packed		__attribute__((packed))
#define __aligned(n)		__attribute__((aligned(n)))
#define __noreturn		__attribute__((noreturn))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __maybe_unused		__attribute__((unused))
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#endif
