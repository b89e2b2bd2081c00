// SPDX-License-Identifier: GPL-2.0
/*
 * The policy algebra (common/policy.c) and its JSON and model front ends
 * (userspace/lib/policy_io.c): closure, meet, compare, models, the CPUID
 * a policy answers, and JSON input that must be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "../lib/json_print.h"
#include "../lib/policy_io.h"
#include "../../selftests/lib/mv_util.h"
#include "tool_util.h"

static struct mv_policy model(const char *name)
{
	struct mv_policy p;

	if (mv_model_policy(name, &p))
		abort();
	return p;
}

static bool has(const struct mv_policy *p, const char *feat)
{
	int f = mv_feature_lookup(feat);

	return f >= 0 && mv_policy_has(p, f);
}

TEST(closure_hiding_avx_hides_its_dependents)
{
	struct mv_policy p = model("icelake-server");
	char err[128];

	ASSERT_TRUE(has(&p, "avx512f"));
	ASSERT_EQ(0, mv_policy_edit(&p, "-avx", err, sizeof(err)));
	for (const char *const *f = (const char *const[]){ "avx", "avx2", "fma",
	     "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
	     "avx512_vpopcntdq", "vaes", "vpclmulqdq", NULL }; *f; f++) {
		EXPECT_FALSE(has(&p, *f)) {
			TH_LOG("%s survived hiding avx", *f);
		}
	}
	EXPECT_TRUE(has(&p, "aes"));
	EXPECT_TRUE(has(&p, "xsave"));
	EXPECT_EQ(MV_XFEATURE_FP | MV_XFEATURE_SSE | MV_XFEATURE_PKRU, p.xcr0);
}

TEST(closure_hiding_xsave_hides_what_needs_it)
{
	struct mv_policy p = model("sapphirerapids");
	char err[128];

	ASSERT_EQ(0, mv_policy_edit(&p, "-xsave", err, sizeof(err)));
	for (const char *const *f = (const char *const[]){ "avx", "xsaveopt",
	     "xsavec", "xgetbv1", "xsaves", "pku", "avx512_fp16", NULL }; *f; f++)
		EXPECT_FALSE(has(&p, *f));
	EXPECT_EQ(0, p.xcr0);
	EXPECT_TRUE(has(&p, "sse4_2"));
}

TEST(closure_refuses_adding_without_requirements)
{
	struct mv_policy p = model("nehalem");
	char err[128];

	EXPECT_NE(0, mv_policy_edit(&p, "+avx2", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "needs features"));
	EXPECT_NE(0, mv_policy_edit(&p, "+nosuch", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown feature"));
	/* QEMU spellings */
	EXPECT_EQ(0, mv_policy_edit(&p, "+pclmuldq", err, sizeof(err)));
	EXPECT_TRUE(has(&p, "pclmulqdq"));
	EXPECT_EQ(mv_feature_lookup("sse4_1"), mv_feature_lookup("sse4.1"));
	EXPECT_EQ(mv_feature_lookup("tsc_deadline_timer"),
		  mv_feature_lookup("tsc-deadline"));
}

TEST(models_are_closed_and_known_deltas_hold)
{
	struct mv_policy p, q;
	struct mv_policy_diff d;

	for (unsigned int i = 0; i < mv_model_count(); i++) {
		ASSERT_EQ(0, mv_model_policy(mv_model_name(i), &p));
		q = p;
		mv_policy_normalise(&q);
		EXPECT_EQ(0, memcmp(&p, &q, sizeof(p))) {
			TH_LOG("%s is not closed", mv_model_name(i));
		}
	}
	/* The chain is not monotone: Haswell drops Ivy Bridge's f16c. */
	p = model("ivybridge");
	q = model("haswell");
	mv_policy_diff(&p, &q, &d);
	EXPECT_TRUE(mv_diff_has(d.missing, mv_feature_lookup("f16c")));
	EXPECT_TRUE(mv_diff_has(d.extra, mv_feature_lookup("avx2")));
	p = model("nehalem");
	EXPECT_TRUE(has(&p, "sse4_2"));
	EXPECT_FALSE(has(&p, "aes"));
	EXPECT_EQ(0x106a3u, p.signature);
	p = model("x86-64-v3");
	EXPECT_TRUE(has(&p, "avx2") && has(&p, "movbe") && has(&p, "abm"));
	EXPECT_FALSE(has(&p, "avx512f"));
}

TEST(meet_of_skylake_and_nehalem)
{
	struct mv_policy a = model("skylake-server"), b = model("nehalem"), m;
	struct mv_policy_diff d;

	a.phys_bits = 46;
	mv_policy_meet(&m, &a, &b);
	EXPECT_TRUE(has(&m, "sse4_2"));
	EXPECT_FALSE(has(&m, "avx"));
	EXPECT_EQ(0, m.xcr0);
	EXPECT_EQ(36, m.phys_bits);
	/* Both satisfy the meet; the meet is the nehalem feature set. */
	mv_policy_diff(&m, &a, &d);
	EXPECT_EQ(0, d.xcr0_missing);
	for (int w = 0; w < MV_W_COUNT; w++)
		EXPECT_EQ(0, d.missing[w]);
	mv_policy_diff(&m, &b, &d);
	for (int w = 0; w < MV_W_COUNT; w++)
		EXPECT_EQ(0, d.missing[w] | d.extra[w]);
	/* meet is idempotent and commutative */
	mv_policy_meet(&a, &b, &m);
	EXPECT_EQ(mv_policy_hash(&m), mv_policy_hash(&a));
}

TEST(cpuid_answers)
{
	struct mv_policy p = model("skylake-server");
	struct mv_cpuid_dyn dyn = { .apic_id = 3, .cr4 = 0x620, .xcr0 = 3 };
	uint32_t r[4];

	mv_policy_cpuid(&p, 0, 0, &dyn, r);
	EXPECT_EQ(0xdu, r[0]);
	EXPECT_EQ(0x756e6547u, r[1]);
	mv_policy_cpuid(&p, 1, 0, &dyn, r);
	EXPECT_EQ(3u, r[1] >> 24);
	EXPECT_TRUE(r[2] >> 31);		/* hypervisor */
	EXPECT_FALSE((r[2] >> 27) & 1);		/* OSXSAVE: CR4 says no */
	EXPECT_FALSE((r[2] >> 5) & 1);		/* VMX never */
	dyn.cr4 |= 1 << 18;
	mv_policy_cpuid(&p, 1, 0, &dyn, r);
	EXPECT_TRUE((r[2] >> 27) & 1);
	/* XSAVE sizes from the baseline's XCR0, never a host's */
	mv_policy_cpuid(&p, 0xd, 0, &dyn, r);
	EXPECT_EQ(0xe7u, r[0]);
	EXPECT_EQ(576u, r[1]);
	EXPECT_EQ(2688u, r[2]);
	mv_policy_cpuid(&p, 0xd, 6, &dyn, r);
	EXPECT_EQ(512u, r[0]);
	EXPECT_EQ(1152u, r[1]);
	/* Beyond the range: the highest basic leaf (Intel) */
	mv_policy_cpuid(&p, 0x1f, 0, &dyn, r);
	uint32_t hi[4];

	mv_policy_cpuid(&p, 0xd, 0, &dyn, hi);
	EXPECT_EQ(0, memcmp(r, hi, sizeof(r)));
	mv_policy_cpuid(&p, 0x80000009, 0, &dyn, r);
	EXPECT_EQ(0, memcmp(r, hi, sizeof(r)));
	mv_policy_cpuid(&p, 0x40000000, 0, &dyn, r);
	EXPECT_EQ(0x7667696du, r[1]);
	mv_policy_cpuid(&p, 0x80000002, 0, &dyn, r);
	EXPECT_EQ(0, memcmp(r, "migvisor skylake", 16));
}

static int load_json(const char *text, struct mv_policy *p, char *err)
{
	struct json_object *o = json_tokener_parse(text);
	int ret;

	if (!o) {
		snprintf(err, 128, "parse error");
		return -1;
	}
	ret = mv_policy_from_json(p, o, err, 128);
	json_object_put(o);
	return ret;
}

TEST(json_round_trip_of_every_model)
{
	char path[] = "/tmp/mv-policy-XXXXXX", err[256];
	struct mv_policy p, q;
	FILE *f;
	int fd;

	for (unsigned int i = 0; i < mv_model_count(); i++) {
		ASSERT_EQ(0, mv_model_policy(mv_model_name(i), &p));
		fd = mkstemp(path);
		ASSERT_GE(fd, 0);
		f = fdopen(fd, "w");
		json_init(f, true, false);
		mv_policy_print(NULL, &p);
		json_finish();
		fclose(f);
		EXPECT_EQ(0, mv_policy_load_file(path, &q, err, sizeof(err))) {
			TH_LOG("%s: %s", mv_model_name(i), err);
		}
		EXPECT_EQ(mv_policy_hash(&p), mv_policy_hash(&q)) {
			TH_LOG("%s does not round-trip", mv_model_name(i));
		}
		unlink(path);
		strcpy(path, "/tmp/mv-policy-XXXXXX");
	}
}

TEST(json_bad_input_refused)
{
	static const struct { const char *json, *err; } bad[] = {
		{ "[]", "empty array" },
		{ "42", "not a JSON object" },
		{ "{\"xcr0\": 3}", "\"features\" must be an array" },
		{ "{\"features\": \"sse\"}", "\"features\" must be an array" },
		{ "{\"features\": [1]}", "features[0] is not a string" },
		{ "{\"features\": [\"sse\", \"warp-drive\"]}", "unknown feature \"warp-drive\"" },
		{ "{\"features\": [], \"colour\": 1}", "unknown key \"colour\"" },
		{ "{\"features\": [], \"phys_bits\": 99}", "bad value for \"phys_bits\"" },
		{ "{\"features\": [], \"max_leaf\": \"0xzz\"}", "bad value for \"max_leaf\"" },
		{ "{\"features\": [], \"xcr0\": -1}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"brand\": 7}", "\"brand\" must be a string" },
		/* What "policy" or "offer" holds is walked only if an object. */
		{ "{\"policy\":[]}", "\"policy\" must be an object" },
		{ "{\"policy\": 5}", "\"policy\" must be an object" },
		{ "{\"report_version\":1,\"offer\":null}", "\"offer\" must be an object" },
		{ "{\"report_version\":1,\"offer\":\"x\"}", "\"offer\" must be an object" },
		{ "{\"report_version\":1,\"offer\":{\"policy\":true}}",
		  "\"policy\" must be an object" },
		/* Number strings: digits only, all of them, in range. */
		{ "{\"features\": [], \"xcr0\": \" -1\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"-1\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"+3\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \" 3\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"3 \"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"0x\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"0x-1\"}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": \"18446744073709551616\"}",
		  "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"xcr0\": 1.5}", "bad value for \"xcr0\"" },
		{ "{\"features\": [], \"signature\": \"0x100000000\"}",
		  "bad value for \"signature\"" },
		{ "{\"features\": [], \"family\": \"6\", \"model\": [1]}",
		  "bad value for \"model\"" },
	};
	struct mv_policy p;
	char err[128];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		EXPECT_NE(0, load_json(bad[i].json, &p, err));
		EXPECT_NE(NULL, strstr(err, bad[i].err)) {
			TH_LOG("%s: got \"%s\"", bad[i].json, err);
		}
	}
	/* Decimal and hex strings, whole */
	ASSERT_EQ(0, load_json("{\"features\": [], \"signature\": \"0x906ea\", \"max_leaf\": \"13\", \"phys_bits\": \"039\"}",
			       &p, err)) TH_LOG("%s", err);
	EXPECT_EQ(0x906ea, p.signature);
	EXPECT_EQ(13, p.max_leaf);
	EXPECT_EQ(39, p.phys_bits);
	EXPECT_EQ(0, load_json("{\"features\": [\"fpu\", \"sse4.2\"]}", &p, err));
	/* closure: sse4_2 without its chain is dropped */
	EXPECT_FALSE(has(&p, "sse4_2"));
	EXPECT_NE(0, mv_policy_load_file("/nonexistent.json", &p, err, sizeof(err)));
}

/*
 * mvctl on such files: "baseline pool", "compare" and "add ... file" read
 * them without the module, and once ended on SIGSEGV (exit 139).
 */
TEST(mvctl_refuses_mistyped_files)
{
	static const char *const bad[] = {
		"{\"policy\":[]}", "{\"policy\": 5}",
		"{\"report_version\":1,\"offer\":null}",
	};
	char dir[] = "/tmp/mv-policy-XXXXXX", path[256], cmd[3 * PATH_MAX];
	char out[4096];
	size_t i;
	FILE *f;
	int rc;

	find_top();
	ASSERT_NE(NULL, mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(path, sizeof(path), "%s/b%zu.json", dir, i);
		f = fopen(path, "w");
		ASSERT_NE(NULL, f);
		fputs(bad[i], f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl baseline pool %s; echo rc=$?; %s/userspace/mvctl/mvctl baseline compare nehalem %s; echo rc=$?",
			 top, path, top, path);
		rc = mv_run(cmd, out, sizeof(out), true);
		EXPECT_EQ(0, rc);
		EXPECT_EQ(NULL, strstr(out, "rc=139")) TH_LOG("%s: %s", bad[i], out);
		EXPECT_NE(NULL, strstr(out, "must be an object")) TH_LOG("%s: %s", bad[i], out);
		EXPECT_NE(NULL, strstr(out, "rc=1\n")) TH_LOG("%s: %s", bad[i], out);
		unlink(path);
	}
	rmdir(dir);
}

TEST_HARNESS_MAIN
