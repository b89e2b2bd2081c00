// SPDX-License-Identifier: GPL-2.0
/* The policy algebra the module also runs, built from its one source. */
#include "../../common/policy.c"
