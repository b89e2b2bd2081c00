/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exception vectors a guest's IDT covers, 0 to 21, each with whether
 * the CPU pushes an error code for it (SDM Vol. 3A, 6.15). For the .S
 * files: "MV_VECTORS m" runs gas macro m once per vector, as "m vec, err".
 */
#ifndef MV_GUEST_VECTORS_H
#define MV_GUEST_VECTORS_H

.macro MV_VECTORS m
	\m 0, 0
	\m 1, 0
	\m 2, 0
	\m 3, 0
	\m 4, 0
	\m 5, 0
	\m 6, 0
	\m 7, 0
	\m 8, 1
	\m 9, 0
	\m 10, 1
	\m 11, 1
	\m 12, 1
	\m 13, 1
	\m 14, 1
	\m 15, 0
	\m 16, 0
	\m 17, 1
	\m 18, 0
	\m 19, 0
	\m 20, 0
	\m 21, 1
.endm

#endif
