// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID baselines inside an emulated host: the kernel's rules and their
 * extack messages, CPUID conformance of a running guest against the
 * policy the tools compute, and enforcement of hidden features.
 *
 * The cpuid-dump output of the "nehalem" guest is logged as an MV-DIGEST
 * line; scripts/check compares it between the two CPU models.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/migvisor.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_guest.h"

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

/* Run guest ELF with @baseline (NULL: none) to its end; console in saved */
static int run_guest(const char *name, const char *baseline, const char *elf)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "guest add %s memory 4M%s%s", name,
		 baseline ? " baseline " : "", baseline ? baseline : "");
	if (mv_mvctl("%s", cmd))
		return -1;
	if (mv_mvctl("guest load %s %s/%s.elf", name, mv_guests_dir(), elf) ||
	    mv_mvctl("guest start %s", name) ||
	    !mv_wait_for(name, "state stopped", 300))
		return -2;
	if (mv_mvctl("guest console %s", name))
		return -3;
	snprintf(saved, sizeof(saved), "%s", mv_out);
	return 0;
}

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

static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
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

FIXTURE(b) {};
FIXTURE_SETUP(b)
{
	mv_delete_all_guests();
	mv_mvctl("baseline set-default none");
	for (const char *const *n = (const char *const[]){ "nehalem", "sky",
	     "v2", "offer", "d", "c", NULL }; *n; n++)
		mv_mvctl("baseline del %s", *n);
}

FIXTURE_TEARDOWN(b)
{
	mv_delete_all_guests();
	mv_mvctl("baseline set-default none");
}

TEST_F(b, rules_and_messages)
{
	ASSERT_EQ(0, mv_mvctl("baseline add nehalem model nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline add nehalem model penryn"));
	EXPECT_NE(NULL, strstr(mv_out, "exists"));

	ASSERT_EQ(0, mv_mvctl("guest add g1 memory 1M baseline nehalem"));
	ASSERT_EQ(0, mv_mvctl("guest add g2 memory 1M baseline nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "in use by 2 guest(s): g1, g2"));
	TH_LOG("%.120s", mv_out);
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
	EXPECT_EQ(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(0, mv_mvctl("baseline del nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "no baseline"));

	/* The default applies to guests created without a baseline. */
	ASSERT_EQ(0, mv_mvctl("baseline add d model x86-64-v2"));
	ASSERT_EQ(0, mv_mvctl("baseline set-default d"));
	ASSERT_EQ(0, mv_mvctl("guest add g4 memory 1M"));
	ASSERT_EQ(0, mv_mvctl("guest show g4"));
	EXPECT_NE(NULL, strstr(mv_out, "baseline d"));
	EXPECT_NE(0, mv_mvctl("baseline set-default nosuch"));
	EXPECT_NE(NULL, strstr(mv_out, "no baseline named nosuch"));
}

TEST_F(b, skylake_server_needs_a_skylake)
{
	int ret;

	ASSERT_EQ(0, mv_mvctl("baseline add sky model skylake-server"));
	ret = mv_mvctl("guest add s memory 1M baseline sky");
	if (host_is_skylake()) {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0, mv_mvctl("host check skylake-server"));
	} else {
		EXPECT_NE(0, ret);
		TH_LOG("%.200s", mv_out);
		EXPECT_NE(NULL, strstr(mv_out, "this host cannot satisfy the baseline"));
		EXPECT_NE(NULL, strstr(mv_out, "avx (1.0:ECX[28])"));
		EXPECT_NE(NULL, strstr(mv_out, "avx512f (7.0:EBX[16])"));
		EXPECT_NE(0, mv_mvctl("guest show s"));
		EXPECT_EQ(1, mv_mvctl("host check skylake-server"));
		EXPECT_NE(NULL, strstr(mv_out, "missing avx (1.0:ECX[28])"));
	}
}

TEST_F(b, bad_policies_refused)
{
	/* The tools check names before the kernel sees anything. */
	EXPECT_NE(0, mv_mvctl("baseline add x model nehalem +nosuchfeature"));
	EXPECT_NE(NULL, strstr(mv_out, "unknown feature \"nosuchfeature\""));
	EXPECT_NE(0, mv_mvctl("baseline add x model nosuchmodel"));
	EXPECT_NE(0, mv_mvctl("baseline add bad/name model nehalem"));
	EXPECT_NE(NULL, strstr(mv_out, "printable"));
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
	EXPECT_NE(0, mv_mvctl("baseline show w"));
	mv_nl_close(&nl);
	free(res);
}

/* The guest's CPUID equals what the tools compute for the same policy. */
static void conformance(struct __test_metadata *_metadata, const char *bl,
			const char *src)
{
	static char guest[32768], tools[32768];
	char name[40];

	snprintf(name, sizeof(name), "c-%s", bl);
	ASSERT_EQ(0, mv_mvctl("baseline add %s %s", bl, src));
	ASSERT_EQ(0, run_guest(name, bl, "cpuid-dump"));
	cpuid_lines(saved, guest, sizeof(guest));
	if (strstr(saved, "cpuid-exit:"))
		TH_LOG("%s: %.50s", bl, strstr(saved, "cpuid-exit:"));
	ASSERT_EQ(0, mv_mvctl("baseline cpuid %s", bl));
	cpuid_lines(mv_out, tools, sizeof(tools));
	EXPECT_GT(strlen(guest), 1000);
	if (strcmp(guest, tools))
		first_difference(_metadata, guest, tools);
	EXPECT_STREQ(guest, tools);
	TH_LOG("MV-DIGEST cpuid-dump/%s %016llx", bl,
	       (unsigned long long)fnv(guest));
}

TEST_F(b, conformance_nehalem)
{
	conformance(_metadata, "nehalem", "model nehalem");
}

TEST_F(b, conformance_x86_64_v2_edited)
{
	/* -ssse3 also hides sse4_1 and sse4_2 (dependency closure) */
	conformance(_metadata, "v2", "model x86-64-v2 -ssse3");
	EXPECT_EQ(0, mv_mvctl("baseline show v2"));
	EXPECT_EQ(NULL, strstr(mv_out, "sse4_2"));
}

TEST_F(b, conformance_host_offer)
{
	ASSERT_EQ(0, mv_run("mvctl -j host show > /tmp/host.json", mv_out,
			    sizeof(mv_out), true));
	conformance(_metadata, "offer", "file /tmp/host.json");
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
	int hidden, shown;

	ASSERT_EQ(0, mv_mvctl("baseline add nehalem model nehalem"));
	ASSERT_EQ(0, run_guest("e", "nehalem", "enforce"));
	check_probes(_metadata, saved, &hidden, &shown);
	TH_LOG("%d hidden features faulted, %d shown ones worked", hidden, shown);
	EXPECT_GE(hidden, 15);
	ASSERT_EQ(0, mv_mvctl("-j guest show e"));
	EXPECT_EQ(0, mv_json_validate(mv_out));
	EXPECT_NE(NULL, strstr(mv_out, "\"violations\":{"));
	EXPECT_NE(NULL, strstr(mv_out, "\"fsgsbase\":1"));
	EXPECT_NE(NULL, strstr(mv_out, "\"xsave\":1"));
	EXPECT_NE(NULL, strstr(mv_out, "\"rdtscp\":1"));
	EXPECT_NE(NULL, strstr(mv_out, "\"pcid\":1"));
	if (host_has("rdrand"))
		EXPECT_NE(NULL, strstr(mv_out, "\"rdrand\":1"));
	TH_LOG("%.300s", strstr(mv_out, "\"violations\""));
}

/* On the Skylake-X host the shown AVX/AVX-512 state must really work. */
TEST_F(b, enforcement_skylake_server)
{
	int hidden, shown;

	if (!host_is_skylake())
		SKIP(return, "not a Skylake-SP host");
	ASSERT_EQ(0, mv_mvctl("baseline add sky model skylake-server"));
	ASSERT_EQ(0, run_guest("e", "sky", "enforce"));
	check_probes(_metadata, saved, &hidden, &shown);
	TH_LOG("%d hidden features faulted, %d shown ones worked", hidden, shown);
	EXPECT_NE(NULL, strstr(saved, "probe avx cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe avx512 cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe rdtscp cpuid=1 result=ok"));
	EXPECT_NE(NULL, strstr(saved, "probe cr4.fsgsbase cpuid=1 result=ok"));
}

/*
 * guests/conform.c checks what the SDM says a CPU with the guest's CPUID
 * does: EFER and XCR0 at start, CPUID.(0xD,1):EBX, the architectural MSRs
 * the shown features promise, reserved XCR0 bits. @edits: "model X ...".
 */
/* The "violations" object of guest show -j */
static void violations_of(const char *json, char *out, size_t len)
{
	const char *p = strstr(json, "\"violations\":{"), *e;

	out[0] = 0;
	if (!p)
		return;
	e = strchr(p, '}');
	snprintf(out, len, "%.*s", e ? (int)(e - p + 1) : 0, p);
}

static void run_conform(struct __test_metadata *_metadata, const char *edits,
			bool xsave)
{
	int checks = -1, bad = -1, ret;
	char viol[512];
	const char *p, *q;

	ASSERT_EQ(0, mv_mvctl("baseline add c %s", edits));
	ASSERT_EQ(0, run_guest("c", "c", "conform"));
	p = strstr(saved, "conform: ");
	ASSERT_NE(NULL, p);
	ret = sscanf(p, "conform: %d checks, %d failed", &checks, &bad);
	ASSERT_EQ(2, ret);
	for (q = saved; (q = strstr(q, " FAIL ")); q++)
		TH_LOG("%.120s", q - 30 > saved ? q - 30 : saved);
	TH_LOG("%s: %d checks, %d failed", edits, checks, bad);
	EXPECT_GE(checks, 15);
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, mv_mvctl("-j guest show c"));
	violations_of(mv_out, viol, sizeof(viol));
	TH_LOG("violations: %s", viol);
	if (xsave) {
		/* Reserved XCR0 bits are not a use of xsave, which is shown. */
		EXPECT_NE(NULL, strstr(viol, "\"xcr0-reserved\":2"));
		EXPECT_EQ(NULL, strstr(viol, "\"xsave\":"));
	}
}

TEST_F(b, conform_sdm_nehalem)
{
	run_conform(_metadata, "model nehalem", false);
}

/* Hidden nx and syscall: EFER starts without them; SCE can be cleared. */
TEST_F(b, conform_sdm_nehalem_without_nx_syscall)
{
	char viol[512];

	run_conform(_metadata, "model nehalem -nx -syscall", false);
	ASSERT_EQ(0, mv_mvctl("-j guest show c"));
	violations_of(mv_out, viol, sizeof(viol));
	/* Setting SCE once is a use of hidden syscall; clearing is not. */
	EXPECT_NE(NULL, strstr(viol, "\"syscall\":1"));
	EXPECT_EQ(NULL, strstr(viol, "\"nx\":"));
}

/* xsave and AVX without xsavec: CPUID.(0xD,1):EBX is 0. */
TEST_F(b, conform_sdm_sandybridge)
{
	if (!host_is_skylake())
		SKIP(return, "sandybridge needs AVX: not on this host");
	run_conform(_metadata, "model sandybridge", true);
}

/* xsavec and AVX-512: compacted sizes 576, 576, 832, 2432. */
TEST_F(b, conform_sdm_skylake_server)
{
	if (!host_is_skylake())
		SKIP(return, "not a Skylake-SP host");
	run_conform(_metadata, "model skylake-server", true);
}

MV_TEST_MAIN
