/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel idioms the tools use, for userspace. */
#ifndef MV_COMPILER_H
#define MV_COMPILER_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#ifndef __stringify
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#endif
#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif

#endif
