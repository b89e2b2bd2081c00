/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercalls (VMCALL) and port I/O. */
#ifndef _MV_EXIT_HC_H
#define _MV_EXIT_HC_H

#include <linux/types.h>

struct mv_exit;
struct mv_policy;
struct mv_vcpu;

void mv_exit_vmcall(struct mv_vcpu *v, struct mv_exit *e);
void mv_exit_io(struct mv_vcpu *v, struct mv_exit *e);

#endif
