/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_MVCTL_H
#define MV_MVCTL_H

#include <stdbool.h>

struct mvctl {
	int argc;
	char **argv;
	bool json, pretty, details;
};

/* Consume the next argument if it equals @word. */
bool argv_match(struct mvctl *ctl, const char *word);
const char *argv_next(struct mvctl *ctl);

int cmd_host(struct mvctl *ctl);
int cmd_guest(struct mvctl *ctl);
int cmd_baseline(struct mvctl *ctl);
int cmd_monitor(struct mvctl *ctl);

#endif
