// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink and device calls mvmig makes: create, start, pause, resume
 * and delete guests, read and create baselines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "../lib/mvnl.h"
#include "../lib/policy_io.h"
#include "mvmig.h"

/* A request on the process's one netlink handle (mvnl_shared()). */
struct req {
	struct mvnl *nl;
	struct nl_msg *msg;
};

/* A request with @name in it, or -errno with the reason in @err */
static int req_start(struct req *r, int cmd, const char *name, int name_attr,
		     char *err, size_t errlen)
{
	int ret = -ENOMEM;

	r->nl = mvnl_shared(&ret);
	if (!r->nl) {
		if (err)
			snprintf(err, errlen, "%s", mvnl_open_error(ret));
		return ret;
	}
	r->msg = mvnl_msg(r->nl, cmd, 0);
	if (!r->msg) {
		ret = -ENOMEM;
		goto out;
	}
	if (name && nla_put_string(r->msg, name_attr, name)) {
		nlmsg_free(r->msg);
		ret = -EMSGSIZE;
		goto out;
	}
	return 0;

out:
	if (err)
		snprintf(err, errlen, "%s", ret == -EMSGSIZE ?
			 "the name does not fit in a netlink message" :
			 strerror(-ret));
	return ret;
}

static int req_run(struct req *r, mvnl_reply_cb cb, void *arg, char *err,
		   size_t errlen)
{
	int ret = mvnl_request(r->nl, r->msg, cb, arg);

	if (ret && err)
		snprintf(err, errlen, "%s", r->nl->errmsg[0] ? r->nl->errmsg :
			 strerror(-ret));
	return ret;
}

struct state_arg {
	int state;
	uint64_t mem;
};

static int on_guest(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	struct state_arg *s = arg;

	if (tb[MV_A_GUEST_STATE])
		s->state = nla_get_u32(tb[MV_A_GUEST_STATE]);
	if (tb[MV_A_GUEST_MEMORY])
		s->mem = nla_get_u64(tb[MV_A_GUEST_MEMORY]);
	return 0;
}

int mvmig_guest_state(const char *name, int *state, uint64_t *mem,
		      char *err, size_t errlen)
{
	struct state_arg s = { 0 };
	struct req r;
	int ret = req_start(&r, MV_CMD_GUEST_GET, name, MV_A_GUEST_NAME, err,
			    errlen);

	if (ret)
		return ret;
	ret = req_run(&r, on_guest, &s, err, errlen);
	if (!ret) {
		*state = s.state;
		*mem = s.mem;
	}
	return ret;
}

int mvmig_guest_cmd(int cmd, const char *name, char *err, size_t errlen)
{
	struct req r;
	int ret = req_start(&r, cmd, name, MV_A_GUEST_NAME, err, errlen);

	return ret ? ret : req_run(&r, NULL, NULL, err, errlen);
}

static int on_baseline(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg)
{
	if (!tb[MV_A_BASELINE_POLICY])
		return -EPROTO;
	return mv_policy_from_nlattr(arg, tb[MV_A_BASELINE_POLICY]);
}

int mvmig_baseline_get(const char *name, struct mv_policy *p, char *err,
		       size_t errlen)
{
	struct req r;
	int ret = req_start(&r, MV_CMD_BASELINE_GET, name, MV_A_BASELINE_NAME,
			    err, errlen);

	if (ret)
		return ret;
	ret = req_run(&r, on_baseline, p, err, errlen);
	if (ret == -ENOENT)
		return 0;
	return ret ? ret : 1;
}

int mvmig_baseline_new(const char *name, const struct mv_policy *p,
		       char *err, size_t errlen)
{
	struct req r;
	int ret = req_start(&r, MV_CMD_BASELINE_NEW, name, MV_A_BASELINE_NAME,
			    err, errlen);

	if (ret)
		return ret;
	if (nla_put_string(r.msg, MV_A_BASELINE_MODEL, "migrated") ||
	    mv_policy_put_nl(r.msg, MV_A_BASELINE_POLICY, p)) {
		nlmsg_free(r.msg);
		snprintf(err, errlen, "the request does not fit in a netlink message");
		return -EMSGSIZE;
	}
	return req_run(&r, NULL, NULL, err, errlen);
}

int mvmig_baseline_del(const char *name)
{
	struct req r;
	int ret = req_start(&r, MV_CMD_BASELINE_DEL, name, MV_A_BASELINE_NAME,
			    NULL, 0);

	return ret ? ret : req_run(&r, NULL, NULL, NULL, 0);
}

static int on_host(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	char *buf = arg;

	if (tb[MV_A_HOST_MODEL_NAME])
		snprintf(buf, 64, "%s", nla_get_string(tb[MV_A_HOST_MODEL_NAME]));
	return 0;
}

void mvmig_host_name(char *buf, size_t len)
{
	char name[64] = "unknown host";
	char host[64] = "";
	struct req r;

	if (!req_start(&r, MV_CMD_HOST_GET, NULL, 0, NULL, 0))
		req_run(&r, on_host, name, NULL, 0);
	gethostname(host, sizeof(host) - 1);
	snprintf(buf, len, "%s (%s)", host, name);
}

static int on_offer(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	if (!tb[MV_A_HOST_OFFER])
		return -EPROTO;
	return mv_policy_from_nlattr(arg, tb[MV_A_HOST_OFFER]);
}

int mvmig_host_offer(struct mv_policy *p, char *err, size_t errlen)
{
	struct req r;
	int ret = req_start(&r, MV_CMD_HOST_GET, NULL, 0, err, errlen);

	return ret ? ret : req_run(&r, on_offer, p, err, errlen);
}

int mvmig_guest_fd(const char *name, char *err, size_t errlen)
{
	struct mv_guest_open o = { 0 };
	int dev, fd;

	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		snprintf(err, errlen, "cannot open /dev/%s: %s (is migvisor.ko loaded? root?)",
			 MV_DEVICE_NAME, strerror(errno));
		return -errno;
	}
	snprintf(o.name, sizeof(o.name), "%s", name);
	fd = ioctl(dev, MV_IOC_GUEST_OPEN, &o);
	if (fd < 0)
		snprintf(err, errlen, "cannot open guest %s: %s", name,
			 strerror(errno));
	close(dev);
	return fd < 0 ? -errno : fd;
}

void mvmig_sess_error(int sfd, int ret, char *err, size_t errlen)
{
	struct mv_sess_error e = { 0 };

	if (!ioctl(sfd, MV_SESS_IOC_ERROR, &e) && e.msg[0])
		snprintf(err, errlen, "%s", e.msg);
	else
		snprintf(err, errlen, "%s", strerror(-ret));
}

struct list_arg {
	struct mvmig_guest *v;
	unsigned int n;
};

static int on_list(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	struct list_arg *l = arg;
	struct mvmig_guest *v;

	if (!tb[MV_A_GUEST_NAME])
		return 0;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	snprintf(v[l->n].name, sizeof(v[l->n].name), "%s",
		 nla_get_string(tb[MV_A_GUEST_NAME]));
	v[l->n++].state = tb[MV_A_GUEST_STATE] ?
			  nla_get_u32(tb[MV_A_GUEST_STATE]) : 0;
	return 0;
}

int mvmig_guest_list(struct mvmig_guest **out, unsigned int *n, char *err,
		     size_t errlen)
{
	struct list_arg l = { 0 };
	struct req r;
	int ret = req_start(&r, MV_CMD_GUEST_GET, NULL, 0, err, errlen);

	if (ret)
		return ret;
	nlmsg_hdr(r.msg)->nlmsg_flags |= NLM_F_DUMP;
	ret = req_run(&r, on_list, &l, err, errlen);
	if (ret) {
		free(l.v);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return ret;
}

int mvmig_maintenance(bool on, char *err, size_t errlen)
{
	struct req r;
	int ret = req_start(&r, MV_CMD_HOST_SET, NULL, 0, err, errlen);

	if (ret)
		return ret;
	if (nla_put_u8(r.msg, MV_A_HOST_MAINTENANCE, on)) {
		nlmsg_free(r.msg);
		snprintf(err, errlen, "the request does not fit in a netlink message");
		return -EMSGSIZE;
	}
	return req_run(&r, NULL, NULL, err, errlen);
}
