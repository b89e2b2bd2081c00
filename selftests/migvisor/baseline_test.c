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
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
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
	     "v2", "offer", "d", "c", "t", "n", NULL }; *n; n++)
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
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	const struct nlattr *pol;
	struct mv_vm_info info;
	unsigned char attrs[64];
	struct mv_ucall uc;
	struct mv_vm vm;
	struct mv_nl nl;
	size_t len;

	ASSERT_NE(NULL, res);
	ASSERT_EQ(0, mv_mvctl("baseline add n model nehalem"));
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

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	len = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, "n", 2);
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_BASELINE_GET, MV_GENL_VERSION,
				   attrs, len, res));
	ASSERT_EQ(0, res->error);
	EXPECT_EQ(info.policy_hash, mv_attr_uint(mv_reply_attr(res, MV_A_BASELINE_HASH)));
	pol = mv_reply_attr(res, MV_A_BASELINE_POLICY);
	ASSERT_NE(NULL, pol);
	EXPECT_EQ(mv_attr_uint(mv_nested_attr(pol, MV_A_POLICY_MAX_LEAF)), uc.vals[0]);
	EXPECT_EQ(mv_attr_uint(mv_nested_attr(pol, MV_A_POLICY_SIGNATURE)), uc.vals[1]);
	TH_LOG("max leaf 0x%llx, signature 0x%llx", (unsigned long long)uc.vals[0],
	       (unsigned long long)uc.vals[1]);
	mv_nl_close(&nl);
	mv_vm_destroy(&vm);
	free(res);
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

/*
 * The CPUID audit of a cpuid-dump run counts exactly what the guest
 * asked: each dumped (leaf, subleaf) once, each range's first leaf once
 * more, and leaf 1 a thousand times more (the exit-cost loop), first
 * asked first; beyond MV_CPUID_AUDIT_MAX pairs, in the unrecorded count.
 */
static void check_audit(struct __test_metadata *_metadata, const char *name,
			const char *dump)
{
	static struct { unsigned int leaf, sub; unsigned long long n; } want[512];
	unsigned long long unrecorded = 0, got_unrec = 0, n;
	unsigned int leaf, sub, i, nwant = 0, ngot = 0;
	const char *p;
	int fields;

	for (p = dump; (p = strstr(p, "cpuid ")); p++) {
		if (sscanf(p, "cpuid %x.%u:", &leaf, &sub) != 2)
			continue;
		for (i = 0; i < nwant; i++)
			if (want[i].leaf == leaf && want[i].sub == sub)
				break;
		if (i == nwant) {
			ASSERT_LT(nwant, ARRAY_SIZE(want));
			want[nwant].leaf = leaf;
			want[nwant].sub = sub;
			want[nwant++].n = 0;
		}
		want[i].n += 1 + ((leaf == 0 || leaf == 0x40000000 ||
				   leaf == 0x80000000) && !sub) +
			     (leaf == 1 ? 1000 : 0);
	}
	ASSERT_GT(nwant, 20);
	for (i = MV_CPUID_AUDIT_MAX; i < nwant; i++)
		unrecorded += want[i].n;

	ASSERT_EQ(0, mv_mvctl("guest show %s -d", name));
	for (p = mv_out; (p = strstr(p, "\n  cpuid 0x")); p++) {
		int got = sscanf(p, "\n  cpuid 0x%x.%x x %llu", &leaf, &sub, &n);

		ASSERT_EQ(3, got);
		ASSERT_LT(ngot, nwant);
		EXPECT_EQ(want[ngot].leaf, leaf);
		EXPECT_EQ(want[ngot].sub, sub);
		EXPECT_EQ(want[ngot].n, n) {
			TH_LOG("cpuid 0x%x.%x", leaf, sub);
		}
		ngot++;
	}
	EXPECT_EQ(nwant < MV_CPUID_AUDIT_MAX ? nwant : MV_CPUID_AUDIT_MAX, ngot);
	/* The summary: queries and pairs recorded, then any beyond */
	p = strstr(mv_out, "\n  cpuid: ");
	ASSERT_NE(NULL, p);
	fields = sscanf(p, "\n  cpuid: %llu queries of %u (leaf, subleaf) pairs, %llu more",
			&n, &i, &got_unrec);
	EXPECT_LE(2, fields);
	EXPECT_EQ(ngot, i);
	for (i = 0; i < ngot; i++)
		n -= want[i].n;
	EXPECT_EQ(0, n);
	EXPECT_EQ(unrecorded, got_unrec) {
		TH_LOG("%s", mv_out);
	}
	/* JSON has the same list without -d */
	ASSERT_EQ(0, mv_mvctl("-j guest show %s", name));
	EXPECT_EQ(0, mv_json_validate(mv_out));
	EXPECT_NE(NULL, strstr(mv_out, "\"cpuid\":[{\"leaf\":\"0x0\",\"subleaf\":\"0x0\",\"count\":")) {
		TH_LOG("%.300s", mv_out);
	}
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
	check_audit(_metadata, name, saved);
	TH_LOG("MV-DIGEST cpuid-dump/%s %016llx", bl,
	       (unsigned long long)mv_fnv1a(MV_FNV1A_INIT, guest, strlen(guest)));
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

/* This host's TSC rate and whether VMX scales it, from "host show -j" */
static int host_tsc(unsigned long *khz, bool *scaling)
{
	const char *p;

	if (mv_mvctl("-j host show"))
		return -1;
	p = strstr(mv_out, "\"tsc_khz\":");
	if (!p)
		return -1;
	*khz = strtoul(p + 10, NULL, 10);
	*scaling = strstr(mv_out, "\"tsc_scaling\":true");
	return *khz ? 0 : -1;
}

/*
 * The last @n whole windows of tsc-clock's console (guests/tsc-clock.c),
 * summed: ticks and ns. 0 once it has printed one more than that: the
 * first may have begun before a save or a move (its clock runs on, its
 * TSC advances only by the measured pause), and a short pause is not
 * told from a window.
 */
static int tsc_windows(const char *name, int n, unsigned long long *ticks,
		       unsigned long long *ns, unsigned long long *hc_khz)
{
	unsigned long long t[64], d[64], w, a, b, hc;
	const char *p;
	int have = 0, i;

	if (mv_mvctl("guest console %s", name))
		return -1;
	for (p = mv_out; (p = strstr(p, "tsc-clock: window ")); p++) {
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
static double tsc_rate(const char *name, int n, unsigned long long *hc_khz)
{
	unsigned long long ticks, ns;
	double t0 = mv_now();

	while (tsc_windows(name, n, &ticks, &ns, hc_khz)) {
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
	unsigned long host, want, hc = 0;
	unsigned long long hc_khz;
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	uint32_t low = MV_TSC_KHZ_MIN - 1;
	char attrs[64], out[4096];
	struct mv_nl nl;
	bool scaling;
	double got;
	size_t len;
	int ret;

	ASSERT_NE(NULL, res);
	ASSERT_EQ(0, host_tsc(&host, &scaling)) {
		TH_LOG("%.300s", mv_out);
	}
	TH_LOG("host TSC %lu kHz, scaling %s", host, scaling ? "yes" : "no");

	/* Out of range: the tools say so, and so does the kernel. */
	EXPECT_NE(0, mv_mvctl("baseline add t model nehalem tsc-khz 999"));
	EXPECT_NE(NULL, strstr(mv_out, "tsc-khz"));
	EXPECT_NE(0, mv_mvctl("baseline add t model nehalem tsc-khz 12ab"));
	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	len = mv_nla_put(attrs, 0, MV_A_BASELINE_NAME, "t", 2);
	len = mv_nla_put(attrs, len, MV_A_BASELINE_TSC_KHZ, &low, sizeof(low));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_BASELINE_NEW, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-ERANGE, res->error);
	TH_LOG("tsc-khz %u: \"%s\"", low, res->msg);
	mv_nl_close(&nl);
	free(res);
	EXPECT_NE(0, mv_mvctl("baseline show t"));

	/* The default is this host's rate. */
	ASSERT_EQ(0, mv_mvctl("baseline add d model nehalem"));
	ASSERT_EQ(0, mv_mvctl("-j baseline show d"));
	snprintf(out, sizeof(out), "\"tsc_khz\":%lu", host);
	EXPECT_NE(NULL, strstr(mv_out, out));

	/* 20 % slower than this host: a Nehalem beside a Skylake */
	want = host / 5 * 4;
	ASSERT_EQ(0, mv_mvctl("baseline add t model nehalem tsc-khz %lu", want));
	ret = mv_mvctl("guest add tc memory 4M baseline t");
	if (!scaling) {
		EXPECT_NE(0, ret);
		snprintf(out, sizeof(out), "%lu kHz", want);
		EXPECT_NE(NULL, strstr(mv_out, out)) {
			TH_LOG("%.300s", mv_out);
		}
		snprintf(out, sizeof(out), "%lu kHz", host);
		EXPECT_NE(NULL, strstr(mv_out, out));
		EXPECT_NE(NULL, strstr(mv_out, "250 ppm"));
		EXPECT_NE(0, mv_mvctl("guest show tc"));
		/* 100 ppm off: close enough to run unscaled */
		want = host + host / 10000;
		ASSERT_EQ(0, mv_mvctl("baseline add n model nehalem tsc-khz %lu", want));
		ASSERT_EQ(0, mv_mvctl("guest add tc memory 4M baseline n")) {
			TH_LOG("%.300s", mv_out);
		}
	} else {
		ASSERT_EQ(0, ret) {
			TH_LOG("%.300s", mv_out);
		}
	}
	ASSERT_EQ(0, mv_mvctl("guest show tc"));
	EXPECT_NE(NULL, strstr(mv_out, scaling ? "(scaled)" : "(native)")) {
		TH_LOG("%.300s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest load tc %s/tsc-clock.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start tc"));
	got = tsc_rate("tc", 5, &hc_khz);
	hc = hc_khz;
	TH_LOG("guest TSC %.3f kHz over 10 s, wanted %lu, told %lu", got, want, hc);
	EXPECT_EQ(want, hc);
	/* Unscaled, the guest's TSC is the host's: within the tolerance. */
	EXPECT_LT(off(got, want), scaling ? 0.001 : 0.00025 + 0.001);

	/* Saved and restored, it keeps its rate; its TSC never went back. */
	unlink("/tmp/tsc.mvsnap");
	ASSERT_EQ(0, mv_run("mvmig save tc /tmp/tsc.mvsnap", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	ASSERT_EQ(0, mv_run("mvmig restore /tmp/tsc.mvsnap tc2", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	unlink("/tmp/tsc.mvsnap");
	ASSERT_EQ(0, mv_mvctl("guest show tc2"));
	snprintf(out, sizeof(out), "tsc %lu kHz", want);
	EXPECT_NE(NULL, strstr(mv_out, out)) {
		TH_LOG("%.300s", mv_out);
	}
	got = tsc_rate("tc2", 3, &hc_khz);
	TH_LOG("restored: %.3f kHz over 6 s, told %llu", got, hc_khz);
	EXPECT_EQ(want, hc_khz);
	EXPECT_LT(off(got, want), scaling ? 0.001 : 0.00025 + 0.001);
	EXPECT_EQ(NULL, strstr(mv_out, "WENT BACK"));
}

MV_TEST_MAIN
