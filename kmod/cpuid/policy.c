// SPDX-License-Identifier: GPL-2.0
/*
 * The policy algebra shared with the tools (common/policy.c), built into
 * the module from its one source.
 */
#include "../../common/policy.c"
