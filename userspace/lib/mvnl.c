// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-genl-3 glue: resolve the family, send a request, collect replies,
 * and keep the extack TLVs (message and offending attribute) of an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mvnl.h"
#include "nl_names.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int mvnl_open(struct mvnl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->bad_attr_off = nl->bad_attr_type = -1;
	nl->bad_attr_name = NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = -ECONNREFUSED;
		goto out_free;
	}
	/* Ask for extack messages, and for acks without the whole request. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_enable_msg_peek(nl->sk);
	nl->family = genl_ctrl_resolve(nl->sk, MV_GENL_NAME);
	if (nl->family < 0) {
		ret = -ENOENT;
		goto out_free;
	}
	return 0;

out_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

void mvnl_close(struct mvnl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static struct mvnl shared;

struct mvnl *mvnl_shared(int *err)
{
	static int registered;
	int ret;

	if (shared.sk && !shared.stale)
		return &shared;
	mvnl_close(&shared);
	ret = mvnl_open(&shared);
	if (ret) {
		*err = ret;
		return NULL;
	}
	if (!registered++)
		atexit(mvnl_shared_drop);
	return &shared;
}

void mvnl_shared_drop(void)
{
	mvnl_close(&shared);
}

const struct mvnl *mvnl_shared_last(void)
{
	return &shared;
}

const char *mvnl_open_error(int err)
{
	if (err == -ENOENT)
		return "the migvisor module is not loaded (no generic netlink family \"" MV_GENL_NAME "\")";
	if (err == -ENOMEM)
		return "out of memory";
	return "cannot open a generic netlink socket";
}

struct nl_msg *mvnl_msg(struct mvnl *nl, uint8_t cmd, int nlflags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 nlflags, cmd, MV_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A reply of a dump, held until the dump is known to be whole */
struct held {
	struct held *next;
	struct nlmsghdr h[];
};

struct req_ctx {
	struct mvnl *nl;
	mvnl_reply_cb cb;
	void *arg;
	int err;
	int done;
	int dump;		/* NLM_F_DUMP: replies are held, not delivered */
	int intr;		/* the kernel said the list changed under the dump */
	struct held *held, **tail;
};

static int deliver(struct req_ctx *c, struct nlmsghdr *h)
{
	struct nlattr *tb[MVNL_ATTR_MAX + 1];
	int ret;

	ret = genlmsg_parse(h, 0, tb, MVNL_ATTR_MAX, NULL);
	if (ret < 0) {
		snprintf(c->nl->errmsg, sizeof(c->nl->errmsg),
			 "malformed reply from the kernel");
		return -EPROTO;
	}
	if (!c->cb)
		return 0;
	ret = c->cb(tb, genlmsg_attrdata(nlmsg_data(h), 0),
		    genlmsg_attrlen(nlmsg_data(h), 0), c->arg);
	return ret < 0 ? ret : 0;
}

static void drop_held(struct req_ctx *c)
{
	while (c->held) {
		struct held *n = c->held->next;

		free(c->held);
		c->held = n;
	}
	c->tail = &c->held;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct held *k;

	if (c->dump) {
		k = malloc(sizeof(*k) + h->nlmsg_len);
		if (!k) {
			c->err = -ENOMEM;
			return NL_STOP;
		}
		memcpy(k->h, h, h->nlmsg_len);
		k->next = NULL;
		*c->tail = k;
		c->tail = &k->next;
		return NL_OK;
	}
	c->err = deliver(c, h);
	return c->err ? NL_STOP : NL_OK;
}

/*
 * The kernel's dumps carry a generation (genl_dump_check_consistent()):
 * a list that changed between two parts of a dump flags them, and the
 * dump is read again rather than shown with objects skipped or repeated.
 */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->intr = 1;
	return NL_OK;
}

/* Which top-level attribute of the request starts at byte offset @off? */
static int attr_at(struct nl_msg *req, int off)
{
	struct nlmsghdr *h = nlmsg_hdr(req);
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(h), 0),
			  genlmsg_attrlen(nlmsg_data(h), 0), rem) {
		int start = (char *)a - (char *)h;

		if (off >= start && off < start + (int)NLA_ALIGN(a->nla_len))
			return nla_type(a);
	}
	return -1;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req_ctx *c = arg;
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *a;
	int off, len, rem;

	(void)who;
	c->err = e->error;
	c->done = 1;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)h->nlmsg_len - NLMSG_HDRLEN - off;
	if (len <= 0)
		return NL_STOP;
	nla_for_each_attr(a, (struct nlattr *)((char *)e + off), len, rem) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(c->nl->errmsg, sizeof(c->nl->errmsg), "%.*s",
				 nla_len(a), (char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			c->nl->bad_attr_off = nla_get_u32(a);
			break;
		}
	}
	if (c->nl->bad_attr_off >= 0 && c->nl->last_req) {
		c->nl->bad_attr_type = attr_at(c->nl->last_req,
					       c->nl->bad_attr_off);
		/* By the spec's name, as the kernel's own client says it. */
		if (c->nl->bad_attr_type >= 0)
			c->nl->bad_attr_name =
				mv_nl_attr_name(genlmsg_hdr(nlmsg_hdr(c->nl->last_req))->cmd,
						c->nl->bad_attr_type);
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->done = 1;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->done = 1;
	return NL_STOP;
}

/* One send and its replies, to the ack or the dump's end: c->err */
static void send_once(struct mvnl *nl, struct nl_msg *msg, struct nl_cb *ncb,
		      struct req_ctx *c)
{
	int ret;

	c->done = c->intr = c->err = 0;
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		c->err = -EIO;
		nl->stale = 1;
		return;
	}
	while (!c->done) {
		ret = nl_recvmsgs(nl->sk, ncb);
		if (ret < 0 && !c->done) {
			if (!c->err)
				c->err = -EIO;
			break;
		}
		if (c->err && !c->done)
			break;
	}
	nl->stale = !c->done;
}

int mvnl_request(struct mvnl *nl, struct nl_msg *msg, mvnl_reply_cb cb,
		 void *arg)
{
	struct req_ctx c = { .nl = nl, .cb = cb, .arg = arg };
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nl_cb *ncb;
	struct held *k;
	int tries;

	nl->errmsg[0] = 0;
	nl->bad_attr_off = nl->bad_attr_type = -1;
	nl->bad_attr_name = NULL;
	c.tail = &c.held;
	c.dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	ncb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!ncb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	nl_cb_set(ncb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &c);
	nl_cb_set(ncb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &c);
	nl_cb_set(ncb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &c);
	nl_cb_err(ncb, NL_CB_CUSTOM, on_error, &c);

	h->nlmsg_flags |= NLM_F_ACK;
	nl->last_req = msg;
	for (tries = 1;; tries++) {
		send_once(nl, msg, ncb, &c);
		if (c.err || !c.intr || tries == MVNL_DUMP_TRIES || nl->stale)
			break;
		/*
		 * Again, as a new request (libnl numbers it afresh), after a
		 * pause that doubles: a burst of changes (guests created by a
		 * script) gets over half a second to end before the last read.
		 */
		drop_held(&c);
		h->nlmsg_seq = NL_AUTO_SEQ;
		usleep(MVNL_DUMP_PAUSE_US << (tries - 1));
	}
	if (!c.err && c.intr) {
		c.err = -EAGAIN;
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "the list changed during each of %d dumps; try again",
			 MVNL_DUMP_TRIES);
	}
	for (k = c.held; k && !c.err; k = k->next)
		c.err = deliver(&c, k->h);
	drop_held(&c);
	nl->last_req = NULL;
	nlmsg_free(msg);
	nl_cb_put(ncb);
	return c.err;
}

int mvnl_too_big(const char *what)
{
	fprintf(stderr, "Error: %s: the request does not fit in a netlink message (a name too long?).\n",
		what);
	return -EMSGSIZE;
}

void mvnl_perror(const struct mvnl *nl, int err, const char *what)
{
	if (nl->errmsg[0])
		fprintf(stderr, "Error: %s: %s", what, nl->errmsg);
	else
		fprintf(stderr, "Error: %s: %s", what, strerror(-err));
	if (nl->bad_attr_type >= 0 && nl->bad_attr_name)
		fprintf(stderr, " (attribute %s)", nl->bad_attr_name);
	else if (nl->bad_attr_type >= 0)
		fprintf(stderr, " (attribute %d)", nl->bad_attr_type);
	fprintf(stderr, ".\n");
}
