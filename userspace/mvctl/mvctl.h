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

struct mvnl;
struct mv_policy;
struct mv_named_policy;

/* mvnl_open(), or an error that says why (no module, no permission) */
int mv_nl_open_or_explain(struct mvnl *nl);
/* A file, a baseline in the module, or a named model */
int mv_baseline_resolve(const char *what, struct mv_policy *p);
/* Every baseline the module holds, into *@out (to free) */
int mv_baseline_dump(struct mv_named_policy **out, unsigned int *n);

#endif
