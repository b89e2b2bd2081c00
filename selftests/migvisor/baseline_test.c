// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID baselines inside an emulated host, through the kernel API
 * (lib/mv_baseline.h, lib/mv_vm.h): the kernel's rules and their extack
 * messages, CPUID conformance of a running guest against the policy the
 * tools compute, the CPUID audit and violations GUEST_GET reports,
 * enforcement of hidden features, and the TSC rate. Baselines are made
 * from models by mvctl (the policy is the tools' computation) and read
 * back by BASELINE_GET; the mvctl_* tests check what mvctl prints.
 *
 * The cpuid-dump output of the "nehalem" guest is logged as an MV-DIGEST
 * line; scripts/check compares it between the two CPU models.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_baseline.h"
#include "../lib/mv_guest.h"
#include "../lib/mv_vm.h"

static char saved[65536];

/* Skylake-SP or newer (Linux may hide AVX-512 there: Bochs' XSAVE) */
static bool host_is_skylake(void)
{
	char model[16];

	return !mv_cpuinfo_field("model", model, sizeof(model)) &&
	       atoi(model) >= 85;
}

static bool host_has(const char *flag)
{
	char flags[4096];

	return !mv_cpuinfo_field("flags", flags, sizeof(flags)) &&
	       mv_word_in(flags, flag);
}

/*
 * A guest of guests/@image.elf on @baseline (NULL: the default), run to
 * its stop: 0 with its console in saved and GUEST_GET's view in @info.
 * The mv_vm is ready for mv_vm_destroy() either way.
 */
static int run_guest(struct mv_vm *vm, const char *name, const char *baseline,
		     const char *image, struct mv_vm_info *info)
{
	int ret = mv_vm_create(vm, name, 4 << 20, baseline);

	if (!ret)
		ret = mv_vm_load_image(vm, image);
	if (!ret)
		ret = mv_vm_start(vm);
	if (!ret)
		ret = mv_vm_wait_state(vm, MV_GUEST_STOPPED, 300, info);
	if (!ret && mv_vm_console(vm, saved, sizeof(saved)) < 0)
		ret = -EIO;
	return ret;
}

/* Why run_guest() failed: the kernel's reason or the image's */
#define LOG_WHY(vm) TH_LOG("%s: %s %s", (vm)->name, (vm)->res ? (vm)->res->msg : "", (vm)->why)

/* Only the "cpuid ..." lines of a dump */
static void cpuid_lines(const char *in, char *outbuf, size_t len)
{
	const char *p = in, *e;
	size_t n = 0;

	outbuf[0] = 0;
	while ((p = strstr(p, "cpuid "))) {
		if (p != in && p[-1] != '\n') {
			p++;
			continue;
		}
		e = strchr(p, '\n');
		if (!e)
			break;
		if (n + (e - p) + 2 < len) {
			memcpy(outbuf + n, p, e - p + 1);
			n += e - p + 1;
			outbuf[n] = 0;
		}
		p = e;
	}
}

static void first_difference(struct __test_metadata *_metadata,
			     const char *a, const char *b)
{
	while (*a && *a == *b) {
		const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');

		if (!na || !nb || na - a != nb - b || strncmp(a, b, na - a))
			break;
		a = na + 1;
		b = nb + 1;
	}
	TH_LOG("guest: %.60s", a);
	TH_LOG("tools: %.60s", b);
}

TEST(load)
{
	if (!mv_module_loaded())
		ASSERT_EQ(0, mv_module_load());
}

/* Every test starts and ends with no guests, no default, and none of its baselines. */
FIXTURE(b) {
	struct mv_nl nl;
	struct mv_nl_result *res;
	struct mv_bl_info bi;
};

FIXTURE_SETUP(b)
{
	ASSERT_EQ(0, mv_nl_open(&self->nl, MV_GENL_NAME));
	self->res = calloc(1, sizeof(*self->res));
	ASSERT_NE(NULL, self->res);
	mv_delete_all_guests();
	mv_bl_set_default(&self->nl, NULL, self->res);
	for (const char *const *n = (const char *const[]){ "nehalem", "sky",
	     "v2", "offer", "d", "c", "t", "n", "p", "w", NULL }; *n; n++)
		mv_bl_del(&self->nl, *n, self->res);
}

FIXTURE_TEARDOWN(b)
{
	mv_delete_all_guests();
	mv_bl_set_default(&self->nl, NULL, self->res);
	mv_nl_close(&self->nl);
	free(self->res);
}

/* BASELINE_GET's policy nest of @name, copied out of the reply into @buf */
static const struct nlattr *policy_of(struct mv_nl *nl, const char *name,
				      struct mv_nl_result *res,
				      unsigned char *buf, size_t len)
{
	struct mv_bl_info bi;
	const struct nlattr *p;

	if (mv_bl_get(nl, name, &bi, res))
		return NULL;
	p = mv_reply_attr(res, MV_A_BASELINE_POLICY);
	if (!p || p->nla_len > len)
		return NULL;
	memcpy(buf, p, p->nla_len);
	return (const void *)buf;
}

/* The kernel's rules for baselines, each refusal with its reason */
TEST_F(b, rules_and_messages)
{
	static unsigned char nehalem_pol[4096], penryn_pol[4096];
	struct mv_nl_result *res = self->res;
	const struct nlattr *pn, *pp;
	struct mv_vm g1, g2, g3, g4;
	struct mv_vm_info info;
	uint64_t penryn_hash;

	ASSERT_EQ(0, mv_bl_add("nehalem", "model nehalem"));
	ASSERT_EQ(0, mv_bl_add("p", "model penryn"));
	pn = policy_of(&self->nl, "nehalem", res, nehalem_pol, sizeof(nehalem_pol));
	ASSERT_NE(NULL, pn);
	pp = policy_of(&self->nl, "p", res, penryn_pol, sizeof(penryn_pol));
	ASSERT_NE(NULL, pp);
	ASSERT_EQ(0, mv_bl_get(&self->nl, "p", &self->bi, res));
	penryn_hash = self->bi.hash;
	EXPECT_STREQ("penryn", self->bi.model);

	/* GET's policy is NEW's: a copy has the same hash */
	ASSERT_EQ(0, mv_bl_new(&self->nl, "w", "", pp, 0, false, res)) {
		TH_LOG("%s", res->msg);
	}
	ASSERT_EQ(0, mv_bl_get(&self->nl, "w", &self->bi, res));
	EXPECT_EQ(penryn_hash, self->bi.hash);
	EXPECT_STREQ("", self->bi.model);

	EXPECT_EQ(-EEXIST, mv_bl_new(&self->nl, "nehalem", "penryn", pp, 0, false, res));
	EXPECT_NE(NULL, strstr(res->msg, "exists"));
	EXPECT_EQ(-EINVAL, mv_bl_new(&self->nl, "bad/name", "", pn, 0, false, res));
	EXPECT_NE(NULL, strstr(res->msg, "printable")) {
		TH_LOG("%s", res->msg);
	}
	EXPECT_GE(res->bad_off, 0);

	ASSERT_EQ(0, mv_vm_create(&g1, "g1", 1 << 20, "nehalem"));
	ASSERT_EQ(0, mv_vm_create(&g2, "g2", 1 << 20, "nehalem"));
	EXPECT_EQ(-EBUSY, mv_bl_del(&self->nl, "nehalem", res));
	EXPECT_NE(NULL, strstr(res->msg, "in use by 2 guest(s): g1, g2"));
	TH_LOG("%.120s", res->msg);
	EXPECT_EQ(-EBUSY, mv_bl_new(&self->nl, "nehalem", "penryn", pp, 0, true, res));
	EXPECT_NE(NULL, strstr(res->msg, "cannot be replaced")) {
		TH_LOG("%.200s", res->msg);
	}
	ASSERT_EQ(0, mv_bl_get(&self->nl, "nehalem", &self->bi, res));
	EXPECT_STREQ("nehalem", self->bi.model);
	ASSERT_EQ(2, self->bi.nusers);
	EXPECT_STREQ("g1", self->bi.users[0]);
	EXPECT_STREQ("g2", self->bi.users[1]);
	EXPECT_NE(penryn_hash, self->bi.hash);

	EXPECT_EQ(-ENOENT, mv_vm_create(&g3, "g3", 1 << 20, "nosuch"));
	EXPECT_NE(NULL, strstr(g3.res->msg, "no baseline with this name"));
	mv_vm_destroy(&g3);

	ASSERT_EQ(0, mv_vm_delete(&g1));
	ASSERT_EQ(0, mv_vm_delete(&g2));
	mv_vm_destroy(&g1);
	mv_vm_destroy(&g2);
	/* Unused now, it is replaced: same name, penryn's policy */
	EXPECT_EQ(0, mv_bl_new(&self->nl, "nehalem", "penryn", pp, 0, true, res)) {
		TH_LOG("%.200s", res->msg);
	}
	ASSERT_EQ(0, mv_bl_get(&self->nl, "nehalem", &self->bi, res));
	EXPECT_EQ(penryn_hash, self->bi.hash);
	EXPECT_EQ(0, self->bi.nusers);
	EXPECT_EQ(0, mv_bl_del(&self->nl, "nehalem", res));
	EXPECT_EQ(-ENOENT, mv_bl_del(&self->nl, "nehalem", res));
	EXPECT_NE(NULL, strstr(res->msg, "no baseline"));
	EXPECT_EQ(-ENOENT, mv_bl_get(&self->nl, "nehalem", &self->bi, res));

	/* The default applies to guests created without a baseline. */
	ASSERT_EQ(0, mv_bl_add("d", "model x86-64-v2"));
	ASSERT_EQ(0, mv_bl_set_default(&self->nl, "d", res));
	ASSERT_EQ(0, mv_bl_get(&self->nl, "d", &self->bi, res));
	EXPECT_TRUE(self->bi.is_default);
	ASSERT_EQ(0, mv_bl_get(&self->nl, "p", &self->bi, res));
	EXPECT_FALSE(self->bi.is_default);
	ASSERT_EQ(0, mv_vm_create(&g4, "g4", 1 << 20, NULL));
	ASSERT_EQ(0, mv_vm_info(&g4, &info));
	EXPECT_STREQ("d", info.baseline);
	EXPECT_EQ(-ENOENT, mv_bl_set_default(&self->nl, "nosuch", res));
	EXPECT_NE(NULL, strstr(res->msg, "no baseline named nosuch"));
	/* ... and the default is still d */
	ASSERT_EQ(0, mv_bl_get(&self->nl, "d", &self->bi, res));
	EXPECT_TRUE(self->bi.is_default);
	mv_vm_destroy(&g4);
	EXPECT_EQ(0, mv_bl_del(&self->nl, "w", res));
}

/* What mvctl itself prints for the same rules (its text and JSON) */
TEST_F(b, mvctl_rules_and_messages)
{
	ASSERT_EQ(0, mv_mvctl("baseline add nehalem model nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline add nehalem model penryn"));
	EXPECT_NE(NULL, strstr(mv_out, "exists"));

	ASSERT_EQ(0, mv_mvctl("guest add g1 memory 1M baseline nehalem"));
	ASSERT_EQ(0, mv_mvctl("guest add g2 memory 1M baseline nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "in use by 2 guest(s): g1, g2"));
	EXPECT_NE(0, mv_mvctl("baseline change nehalem model penryn"));
	EXPECT_NE(NULL, strstr(mv_out, "cannot be replaced")) {
		TH_LOG("%.200s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("-j baseline show nehalem"));
	EXPECT_EQ(0, mv_json_validate(mv_out));
	EXPECT_NE(NULL, strstr(mv_out, "\"users\":[\"g1\",\"g2\"]"));

	EXPECT_NE(0, mv_mvctl("guest add g3 memory 1M baseline nosuch"));
	EXPECT_NE(NULL, strstr(mv_out, "no baseline with this name"));

	ASSERT_EQ(0, mv_mvctl("guest del g1"));
	ASSERT_EQ(0, mv_mvctl("guest del g2"));
	EXPECT_EQ(0, mv_mvctl("baseline change nehalem model westmere")) {
		TH_LOG("%.200s", mv_out);
	}
	ASSERT_EQ(0, mv_bl_get(&self->nl, "nehalem", &self->bi, self->res));
	EXPECT_STREQ("westmere", self->bi.model);
	EXPECT_EQ(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "no baseline"));

	ASSERT_EQ(0, mv_mvctl("baseline add d model x86-64-v2"));
	ASSERT_EQ(0, mv_mvctl("baseline set-default d"));
	ASSERT_EQ(0, mv_mvctl("guest add g4 memory 1M"));
	ASSERT_EQ(0, mv_mvctl("guest show g4"));
	EXPECT_NE(NULL, strstr(mv_out, "baseline d"));
	EXPECT_NE(0, mv_mvctl("baseline set-default nosuch"));
	EXPECT_NE(NULL, strstr(mv_out, "no baseline named nosuch"));
	ASSERT_EQ(0, mv_mvctl("baseline set-default none"));
	ASSERT_EQ(0, mv_bl_get(&self->nl, "d", &self->bi, self->res));
	EXPECT_FALSE(self->bi.is_default);
}

/*
 * The baseline from inside, by guest code of this test (lib/mv_vm.h):
 * Nehalem hides AVX and AVX2 and shows SSE4.2 on any host, and the
 * signature and highest leaf the guest reads are the ones BASELINE_GET
 * gives for it.
 */
static GUEST_CODE void guest_cpuid_nehalem(void)
{
	uint32_t r[4];

	mv_guest_cpuid(0, 0, r);
	GUEST_REPORT(r[0]);
	mv_guest_cpuid(1, 0, r);
	GUEST_REPORT(r[0]);
	GUEST_ASSERT(r[2] & (1u << 20));	/* SSE4.2 */
	GUEST_ASSERT(!(r[2] & (1u << 28)));	/* AVX */
	GUEST_ASSERT(!(r[2] & (1u << 26)));	/* XSAVE */
	GUEST_ASSERT(r[2] & (1u << 31));	/* a hypervisor is present */
	mv_guest_cpuid(7, 0, r);
	GUEST_ASSERT(!(r[1] & (1u << 5)));	/* AVX2 */
	GUEST_DONE();
}

TEST_F(b, guest_code_sees_the_baseline)
{
	struct mv_vm_info info;
	struct mv_ucall uc;
	struct mv_vm vm;

	ASSERT_EQ(0, mv_bl_add("n", "model nehalem"));
	ASSERT_EQ(0, mv_vm_create(&vm, "gcn", 8 << 20, "n"));
	ASSERT_EQ(0, mv_vm_load(&vm, guest_cpuid_nehalem));
	ASSERT_EQ(0, mv_vm_start(&vm));
	ASSERT_EQ(0, mv_vm_wait(&vm, 60, &uc));
	EXPECT_EQ(MV_UCALL_DONE, uc.cmd) {
		TH_LOG("guest: %s:%llu: %s", mv_vm_str(&vm, uc.file),
		       (unsigned long long)uc.line, mv_vm_str(&vm, uc.expr));
	}
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_STREQ("n", info.baseline);
	EXPECT_EQ(2, uc.nvals);

	ASSERT_EQ(0, mv_bl_get(&self->nl, "n", &self->bi, self->res));
	EXPECT_EQ(info.policy_hash, self->bi.hash);
	EXPECT_EQ(self->bi.max_leaf, uc.vals[0]);
	EXPECT_EQ(self->bi.signature, uc.vals[1]);
	TH_LOG("max leaf 0x%llx, signature 0x%llx", (unsigned long long)uc.vals[0],
	       (unsigned long long)uc.vals[1]);
	mv_vm_destroy(&vm);
}

TEST_F(b, skylake_server_needs_a_skylake)
{
	struct mv_vm vm, again;
	int ret;

	ASSERT_EQ(0, mv_bl_add("sky", "model skylake-server"));
	ret = mv_vm_create(&vm, "s", 1 << 20, "sky");
	if (host_is_skylake()) {
		EXPECT_EQ(0, ret) {
			TH_LOG("%s", vm.res->msg);
		}
		/* The tools' own comparison of this host with the model agrees. */
		EXPECT_EQ(0, mv_mvctl("host check skylake-server"));
	} else {
		EXPECT_EQ(-EOPNOTSUPP, ret);
		TH_LOG("%.200s", vm.res->msg);
		EXPECT_NE(NULL, strstr(vm.res->msg, "this host cannot satisfy the baseline"));
		EXPECT_NE(NULL, strstr(vm.res->msg, "avx (1.0:ECX[28])"));
		EXPECT_NE(NULL, strstr(vm.res->msg, "avx512f (7.0:EBX[16])"));
		EXPECT_EQ(-ENOENT, mv_vm_open(&again, "s"));
		mv_vm_destroy(&again);
		EXPECT_EQ(1, mv_mvctl("host check skylake-server"));
		EXPECT_NE(NULL, strstr(mv_out, "missing avx (1.0:ECX[28])"));
	}
	mv_vm_destroy(&vm);
}

/* The tools check names and words before the kernel sees anything. */
TEST_F(b, bad_policies_refused)
{
	EXPECT_NE(0, mv_mvctl("baseline add x model nehalem +nosuchfeature"));
	EXPECT_NE(NULL, strstr(mv_out, "unknown feature \"nosuchfeature\""));
	EXPECT_NE(0, mv_mvctl("baseline add x model nosuchmodel"));
	EXPECT_NE(0, mv_mvctl("baseline add bad/name model nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "printable"));
	EXPECT_EQ(-ENOENT, mv_bl_get(&self->nl, "x", &self->bi, self->res));
	EXPECT_EQ(-ENOENT, mv_bl_get(&self->nl, "bad/name", &self->bi, self->res));
}

/* Raw netlink: words the kernel must refuse, with the attribute named */
TEST_F(b, bad_policy_words_refused)
{
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	unsigned char attrs[256], word[64];
	struct mv_nl nl;
	struct {
		uint32_t leaf, sub, reg, mask;
		int err;
		const char *msg;
	} cases[] = {
		{ 0x12345, 0, 0, 1, -EINVAL, "not a CPUID feature word" },
		{ 1, 0, 3, 1u << 10, -EINVAL,
		  "mask has bits the feature table does not name" },
		{ 1, 0, 4, 1, -ERANGE, "out of range" },
	};
	size_t i, off, woff, poff;

	ASSERT_NE(NULL, res);
	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	for (i = 0; i < 3; i++) {
		off = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, "w", 2);
		poff = off;
		off = mv_nla_put(attrs, off, MV_A_BASELINE_POLICY | (1 << 15), NULL, 0);
		woff = mv_nla_put(word, 0, MV_A_WORD_LEAF, &cases[i].leaf, 4);
		woff = mv_nla_put(word, woff, MV_A_WORD_SUBLEAF, &cases[i].sub, 4);
		woff = mv_nla_put(word, woff, MV_A_WORD_REG, &cases[i].reg, 4);
		woff = mv_nla_put(word, woff, MV_A_WORD_MASK, &cases[i].mask, 4);
		off = mv_nla_put(attrs, off, MV_A_POLICY_WORD | (1 << 15), word, woff);
		/* fix the POLICY nest's length */
		*(uint16_t *)(attrs + poff) = off - poff;
		ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_BASELINE_NEW, MV_GENL_VERSION,
					   attrs, off, res));
		EXPECT_EQ(cases[i].err, res->error);
		EXPECT_NE(NULL, strstr(res->msg, cases[i].msg));
		EXPECT_GE(res->bad_off, 0);
		TH_LOG("case %zu: %s (bad attribute at %d)", i, res->msg, res->bad_off);
	}
	EXPECT_EQ(-ENOENT, mv_bl_get(&nl, "w", &self->bi, res));
	mv_nl_close(&nl);
	free(res);
}

/*
 * The CPUID audit of a cpuid-dump run counts exactly what the guest
 * asked: each dumped (leaf, subleaf) once, each range's first leaf once
 * more, and leaf 1 a thousand times more (the exit-cost loop), first
 * asked first; beyond MV_CPUID_AUDIT_MAX pairs, in the unrecorded count.
 */
struct audit_want {
	unsigned int leaf, sub;
	unsigned long long n;
};

/* What the audit of a cpuid-dump run of @dump must hold, first asked first */
static unsigned int audit_wanted(struct __test_metadata *_metadata,
				 const char *dump, struct audit_want *want,
				 unsigned int max)
{
	unsigned int leaf, sub, i, nwant = 0;
	const char *p;

	for (p = dump; (p = strstr(p, "cpuid ")); p++) {
		if (sscanf(p, "cpuid %x.%u:", &leaf, &sub) != 2)
			continue;
		for (i = 0; i < nwant; i++)
			if (want[i].leaf == leaf && want[i].sub == sub)
				break;
		if (i == nwant) {
			if (nwant == max) {
				TH_LOG("more than %u pairs dumped", max);
				return 0;
			}
			want[nwant].leaf = leaf;
			want[nwant].sub = sub;
			want[nwant++].n = 0;
		}
		want[i].n += 1 + ((leaf == 0 || leaf == 0x40000000 ||
				   leaf == 0x80000000) && !sub) +
			     (leaf == 1 ? 1000 : 0);
	}
	return nwant;
}

static void check_audit(struct __test_metadata *_metadata,
			const struct mv_vm_info *info, const char *dump)
{
	static struct audit_want want[512];
	unsigned long long unrecorded = 0;
	unsigned int i, nwant;

	nwant = audit_wanted(_metadata, dump, want, ARRAY_SIZE(want));
	ASSERT_GT(nwant, 20);
	for (i = MV_CPUID_AUDIT_MAX; i < nwant; i++)
		unrecorded += want[i].n;
	EXPECT_EQ(nwant < MV_CPUID_AUDIT_MAX ? nwant : MV_CPUID_AUDIT_MAX,
		  info->nqueries);
	for (i = 0; i < info->nqueries && i < nwant; i++) {
		EXPECT_EQ(want[i].leaf, info->queries[i].leaf);
		EXPECT_EQ(want[i].sub, info->queries[i].subleaf);
		EXPECT_EQ(want[i].n, info->queries[i].count) {
			TH_LOG("cpuid 0x%x.%x", info->queries[i].leaf,
			       info->queries[i].subleaf);
		}
	}
	EXPECT_EQ(unrecorded, info->unrecorded);
}

/* The guest's CPUID equals what the tools compute for the same policy. */
static void conformance(struct __test_metadata *_metadata, const char *bl,
			const char *src)
{
	static char guest[32768], tools[32768];
	struct mv_vm_info info;
	struct mv_vm vm;
	char name[40];

	snprintf(name, sizeof(name), "c-%s", bl);
	ASSERT_EQ(0, mv_bl_add(bl, "%s", src));
	ASSERT_EQ(0, run_guest(&vm, name, bl, "cpuid-dump", &info)) {
		LOG_WHY(&vm);
	}
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_STREQ(bl, info.baseline);
	cpuid_lines(saved, guest, sizeof(guest));
	if (strstr(saved, "cpuid-exit:"))
		TH_LOG("%s: %.50s", bl, strstr(saved, "cpuid-exit:"));
	/* The tools' answer for the policy, computed in userspace */
	ASSERT_EQ(0, mv_mvctl("baseline cpuid %s", bl));
	cpuid_lines(mv_out, tools, sizeof(tools));
	EXPECT_GT(strlen(guest), 1000);
	if (strcmp(guest, tools))
		first_difference(_metadata, guest, tools);
	EXPECT_STREQ(guest, tools);
	check_audit(_metadata, &info, saved);
	TH_LOG("MV-DIGEST cpuid-dump/%s %016llx", bl,
	       (unsigned long long)mv_fnv1a(MV_FNV1A_INIT, guest, strlen(guest)));
	mv_vm_destroy(&vm);
}

TEST_F(b, conformance_nehalem)
{
	conformance(_metadata, "nehalem", "model nehalem");
}

TEST_F(b, conformance_x86_64_v2_edited)
{
	uint32_t ecx;

	/* -ssse3 also hides sse4_1 and sse4_2 (dependency closure) */
	conformance(_metadata, "v2", "model x86-64-v2 -ssse3");
	ASSERT_EQ(0, mv_bl_get(&self->nl, "v2", &self->bi, self->res));
	ecx = mv_bl_mask(&self->bi, 1, 0, MV_BL_ECX);
	EXPECT_NE(0, ecx & 1u << 0);		/* sse3 stays */
	EXPECT_EQ(0, ecx & 1u << 9);		/* ssse3 */
	EXPECT_EQ(0, ecx & 1u << 19);		/* sse4_1 */
	EXPECT_EQ(0, ecx & 1u << 20);		/* sse4_2 */
}

TEST_F(b, conformance_host_offer)
{
	/* The tools' file of this host's offer is a policy source. */
	ASSERT_EQ(0, mv_run("mvctl -j host show > /tmp/host.json", mv_out,
			    sizeof(mv_out), true));
	conformance(_metadata, "offer", "file /tmp/host.json");
}

/*
 * What mvctl prints of the same audit and of violations: "guest show -d"
 * and "-j guest show" say what GUEST_GET says, and the summary adds up.
 */
TEST_F(b, mvctl_show_audit_and_violations)
{
	static struct audit_want want[512];
	unsigned long long total = 0, n, more = 0;
	unsigned int leaf, sub, pairs, ngot = 0, i;
	struct mv_vm_info info;
	int fields;
	char key[64];
	struct mv_vm vm;
	const char *p;

	ASSERT_EQ(0, mv_bl_add("nehalem", "model nehalem"));
	ASSERT_EQ(0, run_guest(&vm, "c-nehalem", "nehalem", "cpuid-dump", &info)) {
		LOG_WHY(&vm);
	}
	ASSERT_GT(audit_wanted(_metadata, saved, want, ARRAY_SIZE(want)), 20);
	ASSERT_EQ(0, mv_mvctl("guest show c-nehalem -d"));
	for (p = mv_out; (p = strstr(p, "\n  cpuid 0x")); p++) {
		fields = sscanf(p, "\n  cpuid 0x%x.%x x %llu", &leaf, &sub, &n);
		ASSERT_EQ(3, fields);
		ASSERT_LT(ngot, info.nqueries);
		EXPECT_EQ(info.queries[ngot].leaf, leaf);
		EXPECT_EQ(info.queries[ngot].subleaf, sub);
		EXPECT_EQ(info.queries[ngot].count, n);
		total += n;
		ngot++;
	}
	EXPECT_EQ(info.nqueries, ngot);
	p = strstr(mv_out, "\n  cpuid: ");
	ASSERT_NE(NULL, p);
	fields = sscanf(p, "\n  cpuid: %llu queries of %u (leaf, subleaf) pairs, %llu more",
			&n, &pairs, &more);
	EXPECT_LE(2, fields);
	EXPECT_EQ(ngot, pairs);
	EXPECT_EQ(total, n);
	EXPECT_EQ(info.unrecorded, more) {
		TH_LOG("%s", mv_out);
	}
	/* JSON has the same list without -d */
	ASSERT_EQ(0, mv_mvctl("-j guest show c-nehalem"));
	EXPECT_EQ(0, mv_json_validate(mv_out));
	EXPECT_NE(NULL, strstr(mv_out, "\"cpuid\":[{\"leaf\":\"0x0\",\"subleaf\":\"0x0\",\"count\":")) {
		TH_LOG("%.300s", mv_out);
	}
	mv_vm_destroy(&vm);

	ASSERT_EQ(0, run_guest(&vm, "e", "nehalem", "enforce", &info)) {
		LOG_WHY(&vm);
	}
	ASSERT_LT(0, info.nviolations);
	ASSERT_EQ(0, mv_mvctl("-j guest show e"));
	EXPECT_EQ(0, mv_json_validate(mv_out));
	EXPECT_NE(NULL, strstr(mv_out, "\"violations\":{"));
	for (i = 0; i < info.nviolations; i++) {
		snprintf(key, sizeof(key), "\"%s\":%llu", info.violations[i].feature,
			 (unsigned long long)info.violations[i].count);
		EXPECT_NE(NULL, strstr(mv_out, key)) {
			TH_LOG("%s not in %.300s", key, strstr(mv_out, "\"violations\""));
		}
	}
	mv_vm_destroy(&vm);
}

/* Parse "probe NAME cpuid=C result=R" lines; every hidden one faulted. */
static void check_probes(struct __test_metadata *_metadata, const char *con,
			 int *hidden, int *shown)
{
	const char *p = con;
	char name[32], result[16];
	int cpuid;

	*hidden = *shown = 0;
	while ((p = strstr(p, "probe "))) {
		if (sscanf(p, "probe %31s cpuid=%d result=%15s", name, &cpuid,
			   result) != 3)
			break;
		if (!cpuid) {
			(*hidden)++;
			EXPECT_STRNE("ok", result) {
				TH_LOG("hidden %s did not fault", name);
			}
		} else {
			(*shown)++;
			if (strcmp(result, "skipped")) {
				EXPECT_STREQ("ok", result) {
					TH_LOG("shown %s faulted: %s", name, result);
				}
			}
		}
		p++;
	}
	EXPECT_NE(NULL, strstr(con, "enforce: done"));
}

TEST_F(b, enforcement_nehalem)
{
	struct mv_vm_info info;
	int hidden, shown;
	unsigned int i;
	struct mv_vm vm;

	ASSERT_EQ(0, mv_bl_add("nehalem", "model nehalem"));
	ASSERT_EQ(0, run_guest(&vm, "e", "nehalem", "enforce", &info)) {
		LOG_WHY(&vm);
	}
	check_probes(_metadata, saved, &hidden, &shown);
	TH_LOG("%d hidden features faulted, %d shown ones worked", hidden, shown);
	EXPECT_GE(hidden, 15);
	EXPECT_EQ(1, mv_vm_violation(&info, "fsgsbase"));
	EXPECT_EQ(1, mv_vm_violation(&info, "xsave"));
	EXPECT_EQ(1, mv_vm_violation(&info, "rdtscp"));
	EXPECT_EQ(1, mv_vm_violation(&info, "pcid"));
	if (host_has("rdrand"))
		EXPECT_EQ(1, mv_vm_violation(&info, "rdrand"));
	for (i = 0; i < info.nviolations; i++)
		TH_LOG("violation %s: %llu", info.violations[i].feature,
		       (unsigned long long)info.violations[i].count);
	mv_vm_destroy(&vm);
}

/* On the Skylake-X host the shown AVX/AVX-512 state must really work. */
TEST_F(b, enforcement_skylake_server)
{
	struct mv_vm_info info;
	int hidden, shown;
	struct mv_vm vm;

	if (!host_is_skylake())
		SKIP(return, "not a Skylake-SP host");
	ASSERT_EQ(0, mv_bl_add("sky", "model skylake-server"));
	ASSERT_EQ(0, run_guest(&vm, "e", "sky", "enforce", &info)) {
		LOG_WHY(&vm);
	}
	check_probes(_metadata, saved, &hidden, &shown);
	TH_LOG("%d hidden features faulted, %d shown ones worked", hidden, shown);
	EXPECT_NE(NULL, strstr(saved, "probe avx cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe avx512 cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe rdtscp cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe cr4.fsgsbase cpuid=1 result=ok"));
	mv_vm_destroy(&vm);
}

/*
 * guests/conform.c checks what the SDM says a CPU with the guest's CPUID
 * does: EFER and XCR0 at start, CPUID.(0xD,1):EBX, the architectural MSRs
 * the shown features promise, reserved XCR0 bits. @edits: "model X ...".
 * The guest's violations are left in @info.
 */
static void run_conform(struct __test_metadata *_metadata, const char *edits,
			bool xsave, struct mv_vm_info *info)
{
	int checks = -1, bad = -1, ret;
	const char *p, *q;
	unsigned int i;
	struct mv_vm vm;

	ASSERT_EQ(0, mv_bl_add("c", "%s", edits));
	ASSERT_EQ(0, run_guest(&vm, "c", "c", "conform", info)) {
		LOG_WHY(&vm);
	}
	mv_vm_destroy(&vm);
	p = strstr(saved, "conform: ");
	ASSERT_NE(NULL, p);
	ret = sscanf(p, "conform: %d checks, %d failed", &checks, &bad);
	ASSERT_EQ(2, ret);
	for (q = saved; (q = strstr(q, " FAIL ")); q++)
		TH_LOG("%.120s", q - 30 > saved ? q - 30 : saved);
	TH_LOG("%s: %d checks, %d failed", edits, checks, bad);
	EXPECT_GE(checks, 15);
	EXPECT_EQ(0, bad);
	for (i = 0; i < info->nviolations; i++)
		TH_LOG("violation %s: %llu", info->violations[i].feature,
		       (unsigned long long)info->violations[i].count);
	if (xsave) {
		/* Reserved XCR0 bits are not a use of xsave, which is shown. */
		EXPECT_EQ(2, mv_vm_violation(info, "xcr0-reserved"));
		EXPECT_EQ(0, mv_vm_violation(info, "xsave"));
	}
}

TEST_F(b, conform_sdm_nehalem)
{
	struct mv_vm_info info;

	run_conform(_metadata, "model nehalem", false, &info);
}

/* Hidden nx and syscall: EFER starts without them; SCE can be cleared. */
TEST_F(b, conform_sdm_nehalem_without_nx_syscall)
{
	struct mv_vm_info info;

	run_conform(_metadata, "model nehalem -nx -syscall", false, &info);
	/* Setting SCE once is a use of hidden syscall; clearing is not. */
	EXPECT_EQ(1, mv_vm_violation(&info, "syscall"));
	EXPECT_EQ(0, mv_vm_violation(&info, "nx"));
}

/* xsave and AVX without xsavec: CPUID.(0xD,1):EBX is 0. */
TEST_F(b, conform_sdm_sandybridge)
{
	struct mv_vm_info info;

	if (!host_is_skylake())
		SKIP(return, "sandybridge needs AVX: not on this host");
	run_conform(_metadata, "model sandybridge", true, &info);
}

/* xsavec and AVX-512: compacted sizes 576, 576, 832, 2432. */
TEST_F(b, conform_sdm_skylake_server)
{
	struct mv_vm_info info;

	if (!host_is_skylake())
		SKIP(return, "not a Skylake-SP host");
	run_conform(_metadata, "model skylake-server", true, &info);
}

/*
 * The last @n whole windows of tsc-clock's console (guests/tsc-clock.c),
 * summed: ticks and ns. 0 once it has printed one more than that: the
 * first may have begun before a save or a move (its clock runs on, its
 * TSC advances only by the measured pause), and a short pause is not
 * told from a window.
 */
static int tsc_windows(struct mv_vm *vm, int n, unsigned long long *ticks,
		       unsigned long long *ns, unsigned long long *hc_khz)
{
	unsigned long long t[64], d[64], w, a, b, hc;
	const char *p;
	int have = 0, i;

	if (mv_vm_console(vm, saved, sizeof(saved)) < 0)
		return -1;
	for (p = saved; (p = strstr(p, "tsc-clock: window ")); p++) {
		if (sscanf(p, "tsc-clock: window %llu ns %llu ticks %llu khz %*s hc_khz %llu",
			   &w, &a, &b, &hc) != 4)
			continue;
		d[have % 64] = a;
		t[have % 64] = b;
		*hc_khz = hc;
		have++;
	}
	if (have < n + 1 || n >= 64)
		return 1;
	*ticks = *ns = 0;
	for (i = have - n; i < have; i++) {
		*ns += d[i % 64];
		*ticks += t[i % 64];
	}
	return 0;
}

/* How far @got is from @want, as a fraction of it */
static double off(double got, double want)
{
	return (got > want ? got - want : want - got) / want;
}

/* Wait for @n windows; their rate in kHz, and the guest's MV_HC_TSC_KHZ */
static double tsc_rate(struct mv_vm *vm, int n, unsigned long long *hc_khz)
{
	unsigned long long ticks, ns;
	double t0 = mv_now();

	while (tsc_windows(vm, n, &ticks, &ns, hc_khz)) {
		if (mv_now() - t0 > 240)
			return -1;
		usleep(500000);
	}
	return ns ? ticks * 1e6 / ns : -1;
}

/*
 * A guest's TSC runs at its baseline's rate, measured against the host's
 * clock (MV_HC_CLOCK_NS) over 10 s: scaled where VMX can scale (Skylake-X
 * here), else refused unless within 250 ppm (Nehalem). Its rate stays
 * through a save and restore.
 */
TEST_F_TIMEOUT(b, tsc_rate, 600)
{
	struct mv_nl_result *res = self->res;
	uint32_t low = MV_TSC_KHZ_MIN - 1;
	unsigned long long hc_khz;
	struct mv_vm_info info;
	struct mv_vm tc, tc2;
	uint32_t host, want;
	char attrs[64], out[4096];
	bool scaling;
	double got;
	size_t len;
	int ret;

	ASSERT_EQ(0, mv_host_tsc(&self->nl, &host, &scaling, res)) {
		TH_LOG("%s", res->msg);
	}
	TH_LOG("host TSC %u kHz, scaling %s", host, scaling ? "yes" : "no");

	/* Out of range: the tools say so, and so does the kernel. */
	EXPECT_NE(0, mv_bl_add("t", "model nehalem tsc-khz 999"));
	EXPECT_NE(NULL, strstr(mv_out, "tsc-khz"));
	EXPECT_NE(0, mv_bl_add("t", "model nehalem tsc-khz 12ab"));
	len = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, "t", 2);
	len = mv_nla_put(attrs, len, MV_A_BASELINE_TSC_KHZ, &low, sizeof(low));
	ASSERT_EQ(0, mv_nl_request(&self->nl, MV_CMD_BASELINE_NEW, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-ERANGE, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "TSC rate out of range"));
	EXPECT_GE(res->bad_off, 0);
	TH_LOG("tsc-khz %u: \"%s\"", low, res->msg);
	EXPECT_EQ(-ENOENT, mv_bl_get(&self->nl, "t", &self->bi, res));

	/* The default is this host's rate. */
	ASSERT_EQ(0, mv_bl_add("d", "model nehalem"));
	ASSERT_EQ(0, mv_bl_get(&self->nl, "d", &self->bi, res));
	EXPECT_EQ(host, self->bi.tsc_khz);

	/* 20 % slower than this host: a Nehalem beside a Skylake */
	want = host / 5 * 4;
	ASSERT_EQ(0, mv_bl_add("t", "model nehalem tsc-khz %u", want));
	ASSERT_EQ(0, mv_bl_get(&self->nl, "t", &self->bi, res));
	EXPECT_EQ(want, self->bi.tsc_khz);
	ret = mv_vm_create(&tc, "tc", 4 << 20, "t");
	if (!scaling) {
		EXPECT_NE(0, ret);
		snprintf(out, sizeof(out), "%u kHz", want);
		EXPECT_NE(NULL, strstr(tc.res->msg, out)) {
			TH_LOG("%.300s", tc.res->msg);
		}
		snprintf(out, sizeof(out), "%u kHz", host);
		EXPECT_NE(NULL, strstr(tc.res->msg, out));
		EXPECT_NE(NULL, strstr(tc.res->msg, "250 ppm"));
		mv_vm_destroy(&tc);
		EXPECT_EQ(-ENOENT, mv_vm_open(&tc, "tc"));
		mv_vm_destroy(&tc);
		/* 100 ppm off: close enough to run unscaled */
		want = host + host / 10000;
		ASSERT_EQ(0, mv_bl_add("n", "model nehalem tsc-khz %u", want));
		ASSERT_EQ(0, mv_vm_create(&tc, "tc", 4 << 20, "n")) {
			TH_LOG("%.300s", tc.res->msg);
		}
	} else {
		ASSERT_EQ(0, ret) {
			TH_LOG("%.300s", tc.res->msg);
		}
	}
	ASSERT_EQ(0, mv_vm_info(&tc, &info));
	EXPECT_EQ(scaling, info.tsc_scaled);
	EXPECT_EQ(want, info.tsc_khz);
	ASSERT_EQ(0, mv_vm_load_image(&tc, "tsc-clock")) {
		TH_LOG("%s", tc.why);
	}
	ASSERT_EQ(0, mv_vm_start(&tc));
	got = tsc_rate(&tc, 5, &hc_khz);
	TH_LOG("guest TSC %.3f kHz over 10 s, wanted %u, told %llu", got, want, hc_khz);
	EXPECT_EQ(want, hc_khz);
	/* Unscaled, the guest's TSC is the host's: within the tolerance. */
	EXPECT_LT(off(got, want), scaling ? 0.001 : 0.00025 + 0.001);

	/* Saved and restored by mvmig, it keeps its rate; its TSC never went back. */
	unlink("/tmp/tsc.mvsnap");
	ASSERT_EQ(0, mv_run("mvmig save tc /tmp/tsc.mvsnap", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	ASSERT_EQ(0, mv_run("mvmig restore /tmp/tsc.mvsnap tc2", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	unlink("/tmp/tsc.mvsnap");
	ASSERT_EQ(0, mv_vm_open(&tc2, "tc2"));
	ASSERT_EQ(0, mv_vm_info(&tc2, &info));
	EXPECT_EQ(want, info.tsc_khz);
	EXPECT_EQ(scaling, info.tsc_scaled);
	got = tsc_rate(&tc2, 3, &hc_khz);
	TH_LOG("restored: %.3f kHz over 6 s, told %llu", got, hc_khz);
	EXPECT_EQ(want, hc_khz);
	EXPECT_LT(off(got, want), scaling ? 0.001 : 0.00025 + 0.001);
	EXPECT_EQ(NULL, strstr(saved, "WENT BACK"));
	mv_vm_destroy(&tc2);
	mv_vm_destroy(&tc);
}

MV_TEST_MAIN
