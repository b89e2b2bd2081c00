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

#include <linux/migvisor_nl.h>

/*
 * Replies and events are parsed before it is known which object's
 * attribute set they carry: the table is as long as the longest set.
 */
#define MVNL_MAX3(a, b, c)	((a) > (b) ? ((a) > (c) ? (a) : (c)) : ((b) > (c) ? (b) : (c)))
#define MVNL_ATTR_MAX		MVNL_MAX3(MV_A_HOST_MAX, MV_A_GUEST_MAX, MV_A_BASELINE_MAX)

struct mvnl {
	struct nl_sock *sk;
	int family;
	/* Set by a failed request: the kernel's extack message, if any. */
	char errmsg[1024];
	/* Offset of the offending attribute in the request, or -1. */
	int bad_attr_off;
	/* Type of the offending attribute, found from that offset, or -1. */
	int bad_attr_type;
	const char *bad_attr_name;	/* the spec's, when it names it */
	struct nl_msg *last_req;
	/* A request ended before its last reply: replies may be queued. */
	int stale;
};

/*
 * Called per reply message: @tb holds the last instance of each top-level
 * attribute, @head/@len all of them (for repeated, multi-attr ones).
 */
typedef int (*mvnl_reply_cb)(struct nlattr **tb, struct nlattr *head, int len,
			     void *arg);

int mvnl_open(struct mvnl *nl);
void mvnl_close(struct mvnl *nl);

/*
 * The process's one handle, opened at its first use and kept, so that a
 * command of many requests (a dump, a console that follows) opens one
 * socket and resolves the family once. A handle that a request left with
 * replies queued is opened afresh. NULL on failure, with -errno in *@err.
 */
struct mvnl *mvnl_shared(int *err);
/* A child process drops its parent's handle: the next use opens its own. */
void mvnl_shared_drop(void);
/* The shared handle as the last request left it: its error, for printing */
const struct mvnl *mvnl_shared_last(void);
/* Why mvnl_open() failed, in words */
const char *mvnl_open_error(int err);

/* Start a request for @cmd; the caller adds attributes to the result. */
struct nl_msg *mvnl_msg(struct mvnl *nl, uint8_t cmd, int nlflags);

/*
 * How many times a dump the kernel flags NLM_F_DUMP_INTR is read, and the
 * first pause between two reads (doubling: 635 ms over all of them).
 */
#define MVNL_DUMP_TRIES		8
#define MVNL_DUMP_PAUSE_US	5000

/*
 * Send @msg (consumed), wait for the reply and the ack. @cb is called once
 * per reply message with its top-level attributes parsed; a dump's replies
 * only once the whole dump was read consistent (else it is read again, up
 * to MVNL_DUMP_TRIES times, then -EAGAIN with its reason). Returns 0 or a negative errno;
 * on error nl->errmsg holds the kernel's explanation.
 */
int mvnl_request(struct mvnl *nl, struct nl_msg *msg, mvnl_reply_cb cb,
		 void *arg);

/* Print "Error: ..." for a failed request, iproute2 style. */
void mvnl_perror(const struct mvnl *nl, int err, const char *what);
/* Print that @what's attributes do not fit in a message; -EMSGSIZE */
int mvnl_too_big(const char *what);

#endif
