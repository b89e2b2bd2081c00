/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_EXIT_H
#define _MV_EXIT_H

#include <linux/types.h>

#include "vcpu.h"

/*
 * The exit dispatch, by exit reason (struct mv_vcpu_ops' exit_handle and
 * exit_fast). Handle an exit read by the vCPU; sets e->stop to end the guest.
 */
void mv_exit_handle(struct mv_vcpu *v, struct mv_exit *e);
/* Handle it if it can be without leaving the entry window; false if not. */
bool mv_exit_fast(struct mv_vcpu *v, struct mv_exit *e);

#endif
