/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the "migvisor" generic netlink family through libnl-genl-3,
 * with the kernel's extack message kept for the caller to print.
 */
#ifndef MV_MVNL_H
#define MV_MVNL_H

#include <stdint.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct mvnl {
	struct nl_sock *sk;
	int family;
	/* Set by a failed request: the kernel's extack message, if any. */
	char errmsg[1024];
	/* Offset of the offending attribute in the request, or -1. */
	int bad_attr_off;
	/* Type of the offending attribute, found from that offset, or -1. */
	int bad_attr_type;
	struct nl_msg *last_req;
};

/*
 * Called per reply message: @tb holds the last instance of each top-level
 * attribute, @head/@len all of them (for repeated, multi-attr ones).
 */
typedef int (*mvnl_reply_cb)(struct nlattr **tb, struct nlattr *head, int len,
			     void *arg);

int mvnl_open(struct mvnl *nl);
void mvnl_close(struct mvnl *nl);

/* Start a request for @cmd; the caller adds attributes to the result. */
struct nl_msg *mvnl_msg(struct mvnl *nl, uint8_t cmd, int nlflags);

/*
 * Send @msg (consumed), wait for the reply and the ack. @cb is called once
 * per reply message with its top-level attributes parsed. Returns 0 or a
 * negative errno; on error nl->errmsg holds the kernel's explanation.
 */
int mvnl_request(struct mvnl *nl, struct nl_msg *msg, mvnl_reply_cb cb,
		 void *arg);

/* Print "Error: ..." for a failed request, iproute2 style. */
void mvnl_perror(const struct mvnl *nl, int err, const char *what);
/* Print that @what's attributes do not fit in a message; -EMSGSIZE */
int mvnl_too_big(const char *what);

#endif
