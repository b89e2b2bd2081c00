// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl's one way to the module: requests on the process's netlink
 * handle (mvnl_shared()), and errors printed iproute2 style, with the
 * kernel's extack text.
 */
#include <errno.h>
#include <stdio.h>

#include "mvctl.h"

struct nl_msg *mvctl_msg(uint8_t cmd, int nlflags, bool quiet)
{
	struct nl_msg *msg;
	struct mvnl *nl;
	int err = -ENOMEM;

	nl = mvnl_shared(&err);
	msg = nl ? mvnl_msg(nl, cmd, nlflags) : NULL;
	if (!msg && !quiet)
		fprintf(stderr, "Error: %s.\n", mvnl_open_error(nl ? -ENOMEM : err));
	return msg;
}

int mvctl_send(struct nl_msg *msg, mvnl_reply_cb cb, void *arg,
	       const char *what)
{
	int err = -ENOMEM, ret;
	struct mvnl *nl = mvnl_shared(&err);

	/* mvctl_msg() opened it: only a stale handle can fail here. */
	if (!nl) {
		nlmsg_free(msg);
		if (what)
			fprintf(stderr, "Error: %s: %s.\n", what, mvnl_open_error(err));
		return err;
	}
	ret = mvnl_request(nl, msg, cb, arg);
	if (ret && what)
		mvnl_perror(nl, ret, what);
	return ret;
}

void mvctl_perror(int err, const char *what)
{
	mvnl_perror(mvnl_shared_last(), err, what);
}
