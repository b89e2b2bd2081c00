/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_MVCTL_H
#define MV_MVCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/mvnl.h"

struct mvctl {
	int argc;
	char **argv;
	bool json, pretty, details;
};

/* Consume the next argument if it equals @word. */
bool argv_match(struct mvctl *ctl, const char *word);
const char *argv_next(struct mvctl *ctl);

/* A command of an object: "mvctl guest start ..." is guest's "start". */
struct mvctl_cmd {
	const char *name;
	int (*fn)(struct mvctl *ctl);
};

/*
 * Run the command that the next argument names, from @cmds (NULL-ended);
 * with no argument, @cmds[0]. "help" prints @usage. An unknown command
 * is an error that names @object.
 */
int mvctl_dispatch(struct mvctl *ctl, const char *object,
		   const struct mvctl_cmd *cmds, void (*usage)(FILE *f));

int cmd_host(struct mvctl *ctl);
int cmd_guest(struct mvctl *ctl);
int cmd_baseline(struct mvctl *ctl);
int cmd_monitor(struct mvctl *ctl);

struct mv_policy;
struct mv_named_policy;

/*
 * A request for @cmd on the process's netlink handle (lib/mvnl.h), or
 * NULL after saying why (no module, no socket); @quiet: say nothing.
 */
struct nl_msg *mvctl_msg(uint8_t cmd, int nlflags, bool quiet);
/*
 * Send @msg (consumed) and wait for its replies, each to @cb. On failure
 * "Error: @what: the kernel's reason" is printed, unless @what is NULL.
 */
int mvctl_send(struct nl_msg *msg, mvnl_reply_cb cb, void *arg,
	       const char *what);
/* The message mvctl_send() would have printed for the last request */
void mvctl_perror(int err, const char *what);
/* A file, a baseline in the module, or a named model */
int mv_baseline_resolve(const char *what, struct mv_policy *p);
/* Every baseline the module holds, into *@out (to free) */
int mv_baseline_dump(struct mv_named_policy **out, unsigned int *n);

#endif
