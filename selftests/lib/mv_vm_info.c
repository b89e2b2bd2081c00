// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel says of a guest (mv_vm.h): GUEST_GET's reply read into
 * a struct, repeated attributes included, and the console drained.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mv_vm.h"

/* The first attribute at or after @off within [start, end), or NULL */
static const struct nlattr *attr_at(const unsigned char *start, size_t off,
				    size_t end)
{
	const struct nlattr *a = (const void *)(start + off);

	if (off + NLA_HDRLEN > end || a->nla_len < NLA_HDRLEN ||
	    off + a->nla_len > end)
		return NULL;
	return a;
}

static size_t reply_end(const struct mv_nl_result *res)
{
	const struct nlmsghdr *h = (const void *)res->reply;

	if (res->reply_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    h->nlmsg_len > res->reply_len)
		return 0;
	return h->nlmsg_len;
}

const struct nlattr *mv_reply_next(const struct mv_nl_result *res,
				   const struct nlattr *prev)
{
	size_t off = prev ? (size_t)((const unsigned char *)prev - res->reply) +
			    NLA_ALIGN(prev->nla_len) :
			    NLMSG_HDRLEN + GENL_HDRLEN;

	return attr_at(res->reply, off, reply_end(res));
}

const struct nlattr *mv_reply_attr(const struct mv_nl_result *res, uint16_t type)
{
	const struct nlattr *a = NULL;

	while ((a = mv_reply_next(res, a)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

const struct nlattr *mv_nested_attr(const struct nlattr *nest, uint16_t type)
{
	const unsigned char *base = (const void *)nest;
	size_t off = NLA_HDRLEN;
	const struct nlattr *a;

	while (nest && (a = attr_at(base, off, nest->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

uint64_t mv_attr_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN,
		       a->nla_len - NLA_HDRLEN < 8 ? a->nla_len - NLA_HDRLEN : 8);
	return v;
}

static void attr_str(const struct nlattr *a, char *out, size_t len)
{
	out[0] = 0;
	if (a)
		snprintf(out, len, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
			 (const char *)a + NLA_HDRLEN);
}

/* One repeated nest of GUEST_GET's reply into @info */
static void add_nest(struct mv_vm_info *info, const struct nlattr *a)
{
	uint64_t r;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case MV_A_GUEST_EXITS:
		r = mv_attr_uint(mv_nested_attr(a, MV_A_EXIT_REASON));
		if (r < MV_VM_EXIT_REASONS)
			info->exits[r] = mv_attr_uint(mv_nested_attr(a, MV_A_EXIT_COUNT));
		break;
	case MV_A_GUEST_VIOLATION:
		if (info->nviolations == MV_VM_VIOLATIONS)
			break;
		attr_str(mv_nested_attr(a, MV_A_VIOLATION_FEATURE),
			 info->violations[info->nviolations].feature,
			 sizeof(info->violations[0].feature));
		info->violations[info->nviolations++].count =
			mv_attr_uint(mv_nested_attr(a, MV_A_VIOLATION_COUNT));
		break;
	case MV_A_GUEST_CPUID_QUERY:
		if (info->nqueries == MV_CPUID_AUDIT_MAX)
			break;
		info->queries[info->nqueries].leaf =
			mv_attr_uint(mv_nested_attr(a, MV_A_QUERY_LEAF));
		info->queries[info->nqueries].subleaf =
			mv_attr_uint(mv_nested_attr(a, MV_A_QUERY_SUBLEAF));
		info->queries[info->nqueries++].count =
			mv_attr_uint(mv_nested_attr(a, MV_A_QUERY_COUNT));
		break;
	}
}

int mv_vm_info(struct mv_vm *vm, struct mv_vm_info *info)
{
	const struct mv_nl_result *res = vm->res;
	const struct nlattr *a = NULL;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = mv_nl_guest_cmd(&vm->nl, MV_CMD_GUEST_GET, vm->name, vm->res);
	if (ret)
		return ret;
	if (!mv_reply_attr(res, MV_A_GUEST_STATE))
		return -EPROTO;
	info->state = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_STATE));
	info->stop_reason = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_STOP_REASON));
	info->stop_info = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_STOP_INFO));
	info->pause_reason = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_PAUSE_REASON));
	info->tsc_khz = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_TSC_KHZ));
	info->tsc_scaled = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_TSC_SCALED));
	info->policy_hash = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_POLICY_HASH));
	info->console_size = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_CONSOLE_SIZE));
	info->unrecorded = mv_attr_uint(mv_reply_attr(res, MV_A_GUEST_CPUID_UNRECORDED));
	attr_str(mv_reply_attr(res, MV_A_GUEST_BASELINE), info->baseline,
		 sizeof(info->baseline));
	while ((a = mv_reply_next(res, a)))
		add_nest(info, a);
	return 0;
}

uint64_t mv_vm_violation(const struct mv_vm_info *info, const char *feature)
{
	unsigned int i;

	for (i = 0; i < info->nviolations; i++)
		if (!strcmp(info->violations[i].feature, feature))
			return info->violations[i].count;
	return 0;
}

/*
 * GUEST_CONSOLE from offset 0 until a reply brings nothing: a ring that
 * wrapped answers from its oldest byte, which its offset says.
 */
ssize_t mv_vm_console(struct mv_vm *vm, char *buf, size_t len)
{
	uint64_t next = 0;
	size_t got = 0;
	uint8_t attrs[96];
	int ret;

	buf[0] = 0;
	for (;;) {
		const struct nlattr *d, *o;
		size_t alen, n;

		alen = mv_nla_put(attrs, 0, MV_A_GUEST_NAME, vm->name, strlen(vm->name) + 1);
		alen = mv_nla_put(attrs, alen, MV_A_GUEST_CONSOLE_OFFSET, &next, sizeof(next));
		ret = mv_nl_request(&vm->nl, MV_CMD_GUEST_CONSOLE, MV_GENL_VERSION,
				    attrs, alen, vm->res);
		if (ret || vm->res->error)
			return ret ? ret : vm->res->error;
		d = mv_reply_attr(vm->res, MV_A_GUEST_CONSOLE_DATA);
		o = mv_reply_attr(vm->res, MV_A_GUEST_CONSOLE_OFFSET);
		if (!o)
			return -EPROTO;
		n = d ? d->nla_len - NLA_HDRLEN : 0;
		if (!n)
			break;
		if (got + n >= len)
			return -ENOSPC;
		memcpy(buf + got, (const char *)d + NLA_HDRLEN, n);
		got += n;
		buf[got] = 0;
		next = mv_attr_uint(o) + n;
	}
	return got;
}
