/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MV_KMOD_RECORD_H
#define _MV_KMOD_RECORD_H

#include "../../common/record.h"

#endif
