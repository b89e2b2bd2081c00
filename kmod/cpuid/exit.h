/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_CPUID_EXIT_H
#define _MV_CPUID_EXIT_H

struct mv_vcpu;
struct mv_exit;

/* Answer the guest's CPUID in RAX/RBX/RCX/RDX (interrupts off). */
void mv_exit_cpuid(struct mv_vcpu *v, struct mv_exit *e);

#endif
