// SPDX-License-Identifier: GPL-2.0
/* The record helpers shared with the module, from their one source. */
#include "../../common/record.c"
