// SPDX-License-Identifier: GPL-2.0
/*
 * Host reports: a MV_CMD_HOST_GET reply, built here as the kernel builds
 * it, decodes into the right fields and prints the right names; malformed
 * replies are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/host.h"
#include "../lib/json_print.h"
#include "../lib/policy_io.h"
#include "../../selftests/lib/mv_util.h"

static void put_leaf(struct nl_msg *m, uint32_t leaf, uint32_t sub,
		     uint32_t a, uint32_t b, uint32_t c, uint32_t d, bool full)
{
	struct nlattr *n = nla_nest_start(m, MV_A_HOST_CPUID);

	nla_put_u32(m, MV_A_CPUID_LEAF, leaf);
	if (full)
		nla_put_u32(m, MV_A_CPUID_SUBLEAF, sub);
	nla_put_u32(m, MV_A_CPUID_EAX, a);
	nla_put_u32(m, MV_A_CPUID_EBX, b);
	nla_put_u32(m, MV_A_CPUID_ECX, c);
	nla_put_u32(m, MV_A_CPUID_EDX, d);
	nla_nest_end(m, n);
}

/* A Nehalem-like host: fpu, sse4_2, lm; EPT and VPID; one MSR. */
static struct nl_msg *reply(bool with_vendor, bool good_leaf, int extra)
{
	struct nl_msg *m = nlmsg_alloc_size(1 << 20);
	struct nlattr *n;
	uint64_t caps0 = (1ULL << MV_VCAP_ept) | (1ULL << MV_VCAP_vpid) |
			 (1ULL << MV_VCAP_true_ctls);

	genlmsg_put(m, 0, 0, 0x20, 0, 0, MV_CMD_HOST_GET, MV_GENL_VERSION);
	if (with_vendor)
		nla_put_string(m, MV_A_HOST_VENDOR, "GenuineIntel");
	nla_put_string(m, MV_A_HOST_MODEL_NAME, "Intel(R) Core(TM) i5 CPU 750");
	nla_put_u32(m, MV_A_HOST_FAMILY, 6);
	nla_put_u32(m, MV_A_HOST_MODEL, 30);
	nla_put_u32(m, MV_A_HOST_STEPPING, 5);
	nla_put_u32(m, MV_A_HOST_MICROCODE, 0x7);
	nla_put_u64(m, MV_A_HOST_VMX_FEAT_CTL, 5);
	n = nla_nest_start(m, MV_A_HOST_VMX_CAPS);
	nla_put_u64(m, MV_A_CAPS_WORD, caps0);
	nla_put_u64(m, MV_A_CAPS_WORD, 0);
	nla_nest_end(m, n);
	n = nla_nest_start(m, MV_A_HOST_VMX_MSR);
	nla_put_u32(m, MV_A_MSR_INDEX, 0x480);
	nla_put_u64(m, MV_A_MSR_VALUE, 0xda04000000000eULL);
	nla_nest_end(m, n);
	put_leaf(m, 0, 0, 0xb, 0x756e6547, 0x6c65746e, 0x49656e69, true);
	put_leaf(m, 1, 0, 0x106e5, 0, 1u << 20 | 1u << 27, 1u << 0, good_leaf);
	put_leaf(m, 0x80000001, 0, 0, 0, 0, 1u << 29, true);
	for (int i = 0; i < extra; i++)
		put_leaf(m, 0x40, i, 0, 0, 0, 0, true);
	return m;
}

static int decode(struct nl_msg *m, struct mv_host *h)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct nlattr *tb[MV_A_HOST_MAX + 1];
	int ret = genlmsg_parse(nlh, 0, tb, MV_A_HOST_MAX, NULL);

	if (ret < 0)
		return ret;
	return mv_host_from_nl(h, tb, genlmsg_attrdata(nlmsg_data(nlh), 0),
			       genlmsg_attrlen(nlmsg_data(nlh), 0));
}

static char *print(const struct mv_host *h, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_init(f, json, false);
	mv_host_print(h, true);
	json_finish();
	fclose(f);
	return buf;
}

TEST(decode_fields)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(true, true, 0);

	ASSERT_EQ(0, decode(m, h));
	EXPECT_STREQ("GenuineIntel", h->vendor);
	EXPECT_EQ(6, h->family);
	EXPECT_EQ(30, h->model);
	EXPECT_EQ(5, h->stepping);
	EXPECT_EQ(7, h->microcode);
	EXPECT_EQ(5, h->feat_ctl);
	EXPECT_EQ(3, h->n_cpuid);
	EXPECT_EQ(1, h->n_msr);
	EXPECT_EQ(0x480, h->msr[0].index);
	EXPECT_TRUE(mv_host_has_feature(h, MV_F_sse4_2));
	EXPECT_TRUE(mv_host_has_feature(h, MV_F_fpu));
	EXPECT_TRUE(mv_host_has_feature(h, MV_F_lm));
	EXPECT_TRUE(mv_host_has_feature(h, MV_F_osxsave));
	EXPECT_FALSE(mv_host_has_feature(h, MV_F_avx));
	EXPECT_FALSE(mv_host_has_feature(h, MV_F_avx2)); /* leaf 7 absent */
	EXPECT_TRUE(mv_host_has_vmx_cap(h, MV_VCAP_ept));
	EXPECT_FALSE(mv_host_has_vmx_cap(h, MV_VCAP_unrestricted_guest));
	nlmsg_free(m);
	free(h);
}

TEST(print_text_names)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(true, true, 0);
	char *s;

	ASSERT_EQ(0, decode(m, h));
	s = print(h, false);
	EXPECT_NE(NULL, strstr(s, "vendor GenuineIntel family 6 model 30 stepping 5 microcode 0x7\n"));
	EXPECT_NE(NULL, strstr(s, "\nflags: fpu lm sse4_2\n"));
	EXPECT_NE(NULL, strstr(s, "\nflags not in /proc/cpuinfo: osxsave\n"));
	EXPECT_NE(NULL, strstr(s, "\nvmx flags: ept vpid\n"));
	EXPECT_NE(NULL, strstr(s, "\nvmx caps: true_ctls\n"));
	EXPECT_NE(NULL, strstr(s, "0x00000001.0: eax=0x000106e5"));
	free(s);
	nlmsg_free(m);
	free(h);
}

TEST(print_json_report)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(true, true, 0);
	char *s;

	ASSERT_EQ(0, decode(m, h));
	s = print(h, true);
	EXPECT_EQ(0, mv_json_validate(s)) {
		TH_LOG("%s", s);
	}
	EXPECT_NE(NULL, strstr(s, "\"flags\":[\"fpu\",\"lm\",\"sse4_2\"]"));
	EXPECT_NE(NULL, strstr(s, "\"vmx\":{\"feature_control\":\"0x5\",\"locked\":true,"));
	EXPECT_NE(NULL, strstr(s, "{\"leaf\":\"0x80000001\",\"subleaf\":\"0x0\","));
	free(s);
	nlmsg_free(m);
	free(h);
}

/* What "host check --since" and "host labels --from" read back */
static int reread(const char *s, struct mv_host *h, char *err, size_t len)
{
	struct json_object *o = json_tokener_parse(s);
	int ret;

	if (!o)
		return -EBADMSG;
	ret = mv_host_from_json(h, o, err, len);
	json_object_put(o);
	return ret;
}

/*
 * The TSC rate and scaling, as a module that reports them sends them,
 * printed and read back; a report without them (an older module's, or
 * an older report file) still reads, as rate 0.
 */
TEST(tsc_rate_and_scaling)
{
	struct mv_host *h = calloc(1, sizeof(*h)), *r = calloc(1, sizeof(*r));
	struct nl_msg *m = reply(true, true, 0);
	char err[256] = "", *s, *t, *p;

	ASSERT_EQ(0, decode(m, h));
	EXPECT_EQ(0, h->tsc_khz);
	EXPECT_FALSE(h->has_tsc_scaling);
	s = print(h, false);
	EXPECT_EQ(NULL, strstr(s, "tsc ")) TH_LOG("%s", s);
	free(s);
	s = print(h, true);
	EXPECT_EQ(NULL, strstr(s, "tsc_"));
	EXPECT_EQ(0, reread(s, r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, r->tsc_khz);
	EXPECT_FALSE(r->has_tsc_scaling);
	free(s);
	nlmsg_free(m);

	m = reply(true, true, 0);
	nla_put_u32(m, MV_A_HOST_TSC_KHZ, 120000);
	nla_put_u8(m, MV_A_HOST_TSC_SCALING, 1);
	ASSERT_EQ(0, decode(m, h));
	EXPECT_EQ(120000, h->tsc_khz);
	EXPECT_TRUE(h->has_tsc_scaling && h->tsc_scaling);
	s = print(h, false);
	EXPECT_NE(NULL, strstr(s, "\ntsc 120000 kHz, scaling yes\n")) TH_LOG("%s", s);
	free(s);
	s = print(h, true);
	EXPECT_NE(NULL, strstr(s, "\"tsc_khz\":120000,\"tsc_scaling\":true"));
	EXPECT_EQ(0, reread(s, r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(120000, r->tsc_khz);
	EXPECT_TRUE(r->has_tsc_scaling && r->tsc_scaling);

	/* A key of the wrong type is named, not taken as 0 or false */
	t = calloc(1, strlen(s) + 16);
	ASSERT_NE(NULL, t);
	p = strstr(s, "\"tsc_scaling\":true");
	ASSERT_NE(NULL, p);
	sprintf(t, "%.*s\"tsc_scaling\":\"yes\"%s", (int)(p - s), s,
		p + strlen("\"tsc_scaling\":true"));
	EXPECT_EQ(-EINVAL, reread(t, r, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "tsc_scaling")) TH_LOG("%s", err);
	p = strstr(s, "\"tsc_khz\":120000");
	ASSERT_NE(NULL, p);
	sprintf(t, "%.*s\"tsc_khz\":-1%s", (int)(p - s), s,
		p + strlen("\"tsc_khz\":120000"));
	EXPECT_EQ(-EINVAL, reread(t, r, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "tsc_khz")) TH_LOG("%s", err);
	free(t);
	free(s);
	nlmsg_free(m);

	m = reply(true, true, 0);
	nla_put_u32(m, MV_A_HOST_TSC_KHZ, 2100000);
	nla_put_u8(m, MV_A_HOST_TSC_SCALING, 0);
	ASSERT_EQ(0, decode(m, h));
	s = print(h, false);
	EXPECT_NE(NULL, strstr(s, "\ntsc 2100000 kHz, scaling no\n")) TH_LOG("%s", s);
	free(s);
	s = print(h, true);
	EXPECT_NE(NULL, strstr(s, "\"tsc_khz\":2100000,\"tsc_scaling\":false"));
	free(s);
	nlmsg_free(m);
	free(r);
	free(h);
}

TEST(refuse_missing_vendor)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(false, true, 0);

	EXPECT_EQ(-EPROTO, decode(m, h));
	nlmsg_free(m);
	free(h);
}

TEST(refuse_leaf_without_subleaf)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(true, false, 0);

	EXPECT_EQ(-EPROTO, decode(m, h));
	nlmsg_free(m);
	free(h);
}

TEST(refuse_too_many_leaves)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	struct nl_msg *m = reply(true, true, MV_HOST_MAX_CPUID);

	EXPECT_EQ(-E2BIG, decode(m, h));
	nlmsg_free(m);
	free(h);
}

TEST_HARNESS_MAIN
