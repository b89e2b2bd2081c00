// SPDX-License-Identifier: GPL-2.0
/*
 * Node labels (userspace/lib/labels.c) against NFD's rules for feature
 * files, the host fingerprint, the atomic write, and drift between two
 * host reports (tests/data/, in the format "mvctl -j host show" prints).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/json_print.h"
#include "../lib/labels.h"
#include "../lib/policy_io.h"
#include "../../selftests/lib/mv_util.h"
#include "tool_util.h"

#define REPORT		"userspace/tests/data/host-cascadelake.json"
#define REPORT_TSX_OFF	"userspace/tests/data/host-cascadelake-tsx-off.json"

static struct mv_host *load(const char *rel)
{
	struct mv_host *h = calloc(1, sizeof(*h));
	char path[PATH_MAX + 64], err[512];

	find_top();
	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if (!h || mv_host_load_file(path, h, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return h;
}

static bool has_line(const char *buf, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = buf; *s; s = strchr(s, '\n') + 1)
		if (!strncmp(s, line, n) && s[n] == '\n')
			return true;
	return false;
}

/* Every line a comment or "name=value" NFD takes, and the whole < 64 KiB */
static bool nfd_valid(const char *buf, char *why, size_t len)
{
	char line[512];
	char *eq;

	if (strlen(buf) >= 64 * 1024) {
		snprintf(why, len, "%zu bytes", strlen(buf));
		return false;
	}
	for (const char *s = buf; *s; s = strchr(s, '\n') + 1) {
		if (!strchr(s, '\n')) {
			snprintf(why, len, "no newline at the end");
			return false;
		}
		snprintf(line, sizeof(line), "%.*s", (int)(strchr(s, '\n') - s), s);
		if (line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			snprintf(why, len, "\"%s\": no =", line);
			return false;
		}
		*eq = 0;
		if (!mv_label_name_valid(line) || !mv_label_value_valid(eq + 1)) {
			snprintf(why, len, "\"%s\"=\"%s\"", line, eq + 1);
			return false;
		}
	}
	return true;
}

/* The whole of a small file as a string: 0, or -1 */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	return 0;
}

TEST(label_names_and_values_follow_nfd)
{
	static const char *const good[] = {
		"migvisor.io/baseline.nehalem", "migvisor.io/a", "a/b_c-d.e",
		"x-1.y/Z9",
		"migvisor.io/a23456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad[] = {
		"baseline.nehalem", "/name", "Migvisor.io/a", "migvisor.io/-a",
		"migvisor.io/a-", "migvisor.io/a b", "migvisor.io/a/b",
		"migvisor.io/a=b", "migvisor.io/", "-migvisor.io/a",
		"migvisor..io/a", "migvisor_io/a",
		"migvisor.io/a234567890123456789012345678901234567890123456789012345678901234",
	};
	char label[400];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		EXPECT_TRUE(mv_label_name_valid(good[i])) TH_LOG("%s", good[i] ?: "");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_FALSE(mv_label_name_valid(bad[i])) TH_LOG("%s", bad[i] ?: "");

	/* A prefix of 253 characters is a DNS subdomain; 254 is not */
	memset(label, 0, sizeof(label));
	for (i = 0; i < 253; i++)
		label[i] = i % 64 == 63 ? '.' : 'a';
	strcat(label, "/n");
	EXPECT_TRUE(mv_label_name_valid(label));
	memmove(label + 1, label, strlen(label) + 1);
	label[0] = 'a';
	EXPECT_FALSE(mv_label_name_valid(label));

	EXPECT_TRUE(mv_label_value_valid(""));
	EXPECT_TRUE(mv_label_value_valid("true"));
	EXPECT_TRUE(mv_label_value_valid("0123456789abcdef"));
	EXPECT_TRUE(mv_label_value_valid("off-kvm-only"));
	EXPECT_FALSE(mv_label_value_valid("a b"));
	EXPECT_FALSE(mv_label_value_valid("-a"));
	EXPECT_FALSE(mv_label_value_valid("a."));
	EXPECT_FALSE(mv_label_value_valid("0x1/2"));
	EXPECT_FALSE(mv_label_value_valid(
		"a234567890123456789012345678901234567890123456789012345678901234"));
}

TEST(every_model_makes_a_valid_label)
{
	struct mv_host *h = load(REPORT);
	struct mv_labels *l = calloc(1, sizeof(*l));
	char label[128], why[256];
	unsigned int i;

	ASSERT_NE(NULL, l);
	/* An offer with every feature satisfies every model */
	mv_policy_known(&h->offer);
	h->offer.xcr0 = MV_XFEATURE_OFFERED;
	h->offer.phys_bits = 52;
	h->offer.max_leaf = 0x1f;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 1700000000, stderr));
	EXPECT_TRUE(nfd_valid(l->buf, why, sizeof(why))) TH_LOG("%s", why);
	for (i = 0; i < mv_model_count(); i++) {
		snprintf(label, sizeof(label), "migvisor.io/baseline.%s=true",
			 mv_model_name(i));
		EXPECT_TRUE(has_line(l->buf, label)) TH_LOG("%s not in:\n%s", label, l->buf);
	}
	free(l);
	free(h);
}

TEST(labels_of_the_report)
{
	struct mv_host *h = load(REPORT);
	struct mv_labels *l = calloc(1, sizeof(*l));
	char why[256], fp[64];

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 1700000000, stderr));
	EXPECT_TRUE(nfd_valid(l->buf, why, sizeof(why))) TH_LOG("%s", why);
	/* NFD reads the directive only as the file's own line */
	EXPECT_EQ(0, strncmp(l->buf, "# +expiry-time=2023-11-14T22:13:20Z\n", 36));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/baseline.cascadelake-server=true"));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/baseline.nehalem=true"));
	EXPECT_EQ(NULL, strstr(l->buf, "icelake-server")) TH_LOG("%s", l->buf);
	EXPECT_EQ(NULL, strstr(l->buf, "sapphirerapids"));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/kernel-mode=owned"));
	snprintf(fp, sizeof(fp), "migvisor.io/host-fingerprint=%016llx",
		 (unsigned long long)mv_host_fingerprint(h));
	EXPECT_TRUE(has_line(l->buf, fp)) TH_LOG("%s", l->buf);

	/* No expiry asked for: no directive, so NFD keeps them */
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_EQ(NULL, strstr(l->buf, "expiry"));

	/* An old report without VMX root: no kernel-mode label */
	h->n_root = 0;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_EQ(NULL, strstr(l->buf, "kernel-mode"));
	/* VMX off everywhere: a start turns it on itself */
	h->n_root = 2;
	h->root[0].mode = h->root[1].mode = MV_VMX_MODE_OFF;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/kernel-mode=owned"));
	/* One CPU inside kvm_intel's VMX root makes the host shared */
	h->root[1].mode = MV_VMX_MODE_SHARED;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/kernel-mode=shared"));
	EXPECT_EQ(NULL, strstr(l->buf, "mixed"));
	h->root[0].mode = MV_VMX_MODE_SHARED;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/kernel-mode=shared"));
	/* Only KVM may turn VMX on: a start loads kvm_intel and shares */
	h->root[0].mode = h->root[1].mode = MV_VMX_MODE_KVM_ONLY;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/kernel-mode=shared"));
	/* Another hypervisor's, not shareable (< 6.12): a start is refused */
	h->root[1].mode = MV_VMX_MODE_FOREIGN;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_EQ(NULL, strstr(l->buf, "kernel-mode"));
	h->root[0].mode = h->root[1].mode = UINT32_MAX;
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, stderr));
	EXPECT_EQ(NULL, strstr(l->buf, "kernel-mode"));
	free(l);
	free(h);
}

TEST(expiry_line_is_rfc3339_utc)
{
	struct mv_labels *l = calloc(1, sizeof(*l));

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, mv_labels_expiry(l, 0));
	EXPECT_STREQ("# +expiry-time=1970-01-01T00:00:00Z\n", l->buf);
	l->len = 0;
	ASSERT_EQ(0, mv_labels_expiry(l, 951825599));
	EXPECT_STREQ("# +expiry-time=2000-02-29T11:59:59Z\n", l->buf);
	free(l);
}

TEST(baseline_names_nfd_refuses_are_left_out)
{
	struct mv_host *h = load(REPORT);
	struct mv_labels *l = calloc(1, sizeof(*l));
	struct mv_named_policy extra[6];
	char *warn = NULL, *first, why[256];
	size_t wlen = 0;
	FILE *w = open_memstream(&warn, &wlen);
	static const char *const names[] = {
		"pool a", "pool-", "pool_b",
		"p23456789012345678901234567890123456789012345678901234",
		"p234567890123456789012345678901234567890123456789012345", "nehalem",
	};

	ASSERT_NE(NULL, l);
	ASSERT_NE(NULL, w);
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		snprintf(extra[i].name, sizeof(extra[i].name), "%s", names[i]);
		ASSERT_EQ(0, mv_model_policy("nehalem", &extra[i].p));
	}
	/* "baseline." + 54 characters is 63: the longest that is allowed */
	EXPECT_EQ(3, mv_labels_for_host(l, h, extra, 5, 0, w));
	fclose(w);
	EXPECT_TRUE(nfd_valid(l->buf, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/baseline.pool_b=true"));
	EXPECT_NE(NULL, strstr(warn, "\"pool a\" left out"));
	EXPECT_TRUE(has_line(l->buf, "migvisor.io/baseline.p23456789012345678901234567890123456789012345678901234=true"));
	EXPECT_NE(NULL, strstr(warn, "\"pool-\" left out"));
	EXPECT_NE(NULL, strstr(warn, "\"p234567890123456789012345678901234567890123456789012345\" left out"))
		TH_LOG("%s", warn);

	/* A module baseline named like a model is one label */
	ASSERT_EQ(0, mv_labels_for_host(l, h, extra + 5, 1, 0, NULL));
	first = strstr(l->buf, "baseline.nehalem=");
	ASSERT_NE(NULL, first);
	EXPECT_EQ(NULL, strstr(first + 1, "baseline.nehalem="));
	/* One it does not satisfy makes no label */
	ASSERT_EQ(0, mv_model_policy("sapphirerapids", &extra[2].p));
	ASSERT_EQ(0, mv_labels_for_host(l, h, extra + 2, 1, 0, NULL));
	EXPECT_EQ(NULL, strstr(l->buf, "pool_b"));
	free(warn);
	free(l);
	free(h);
}

TEST(fingerprint_is_stable_and_follows_what_it_covers)
{
	struct mv_host *a = load(REPORT), *b = load(REPORT);
	uint64_t fp = mv_host_fingerprint(a), v;
	char *json = NULL, err[256];
	size_t len = 0;
	struct json_object *o;
	FILE *f;

	EXPECT_EQ(fp, mv_host_fingerprint(b));

	/* What it leaves out: names, VMX root, raw leaves, MSR order */
	snprintf(b->model_name, sizeof(b->model_name), "another");
	b->root[0].mode = MV_VMX_MODE_SHARED;
	b->cpuid[1].reg[MV_EBX] ^= 0x01000000;	/* the APIC ID */
	v = b->msr[0].value;
	b->msr[0] = b->msr[b->n_msr - 1];
	b->msr[b->n_msr - 1].index = 0x480;
	b->msr[b->n_msr - 1].value = v;
	EXPECT_EQ(fp, mv_host_fingerprint(b));

	/* Printed and read back: the same */
	f = open_memstream(&json, &len);
	ASSERT_NE(NULL, f);
	json_init(f, true, false);
	mv_host_print(a, true);
	ASSERT_EQ(0, json_finish());
	fclose(f);
	o = json_tokener_parse(json);
	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, mv_host_from_json(b, o, err, sizeof(err))) TH_LOG("%s", err);
	json_object_put(o);
	free(json);
	EXPECT_EQ(fp, mv_host_fingerprint(b));
	EXPECT_EQ(a->n_msr, b->n_msr);
	EXPECT_EQ(a->n_cpuid, b->n_cpuid);
	EXPECT_EQ(0, memcmp(a->vmx_caps, b->vmx_caps, sizeof(a->vmx_caps)));

	/* What it covers: each change moves it */
	b->microcode++;
	EXPECT_NE(fp, mv_host_fingerprint(b));
	b->microcode--;
	mv_policy_set(&b->offer, mv_feature_lookup("rtm"), false);
	EXPECT_NE(fp, mv_host_fingerprint(b));
	mv_policy_set(&b->offer, mv_feature_lookup("rtm"), true);
	EXPECT_EQ(fp, mv_host_fingerprint(b));
	b->msr[3].value ^= 1ull << 40;
	EXPECT_NE(fp, mv_host_fingerprint(b));
	b->msr[3].value ^= 1ull << 40;
	b->vmx_caps[0] ^= 1;
	EXPECT_NE(fp, mv_host_fingerprint(b));
	b->vmx_caps[0] ^= 1;
	b->n_msr--;
	EXPECT_NE(fp, mv_host_fingerprint(b));
	free(a);
	free(b);
}

TEST(reports_that_are_not_reports_are_refused)
{
	static const struct { const char *json, *err; } bad[] = {
		{ "[]", "not a host report" },
		{ "{\"features\": []}", "not a host report" },
		{ "{\"report_version\":1,\"vmx\":{},\"offer\":{\"features\":[]}}",
		  "no \"microcode\"" },
		{ "{\"report_version\":1,\"microcode\":\"0x1\",\"offer\":{\"features\":[]}}",
		  "no \"vmx\"" },
		{ "{\"report_version\":1,\"microcode\":\"0x1\",\"vmx\":{}}", "no \"offer\"" },
		{ "{\"report_version\":1,\"microcode\":\"-1\",\"vmx\":{},\"offer\":{\"features\":[]}}",
		  "bad value for \"microcode\"" },
		{ "{\"report_version\":1,\"microcode\":1,\"vmx\":{\"msrs\":[{\"index\":1}]},\"offer\":{\"features\":[]}}",
		  "vmx msrs[0]" },
		{ "{\"report_version\":1,\"microcode\":1,\"vmx\":{\"caps\":5},\"offer\":{\"features\":[]}}",
		  "\"caps\" must be an array" },
		{ "{\"report_version\":1,\"microcode\":1,\"vmx\":{},\"cpuid\":[{\"leaf\":1}],\"offer\":{\"features\":[]}}",
		  "cpuid[0]" },
		{ "{\"report_version\":1,\"microcode\":1,\"vmx\":{},\"offer\":{\"features\":[\"nope\"]}}",
		  "unknown feature" },
	};
	struct mv_host *h = calloc(1, sizeof(*h));
	struct json_object *o;
	char err[256];

	ASSERT_NE(NULL, h);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		o = json_tokener_parse(bad[i].json);
		ASSERT_NE(NULL, o);
		err[0] = 0;
		EXPECT_NE(0, mv_host_from_json(h, o, err, sizeof(err)));
		EXPECT_NE(NULL, strstr(err, bad[i].err)) TH_LOG("%s: \"%s\"", bad[i].json, err);
		json_object_put(o);
	}
	free(h);
}

/* "migvisor.io/zz...=aa...\n", @len bytes in all (15 to 140) */
static int add_line_of(struct mv_labels *l, size_t len)
{
	char name[16 + 64] = "migvisor.io/", value[64] = "";
	size_t v = len - 15 > 63 ? 63 : len - 15;
	size_t n = len - 14 - v;

	memset(name + 12, 'z', n);
	name[12 + n] = 0;
	memset(value, 'a', v);
	value[v] = 0;
	return mv_labels_add(l, name, value);
}

/* NFD reads at most 64 KiB: the buffer takes up to a byte less, exactly */
TEST(labels_stop_at_nfd_size_limit)
{
	struct mv_labels *l = calloc(1, sizeof(*l));
	char why[256];
	size_t left, len;

	ASSERT_NE(NULL, l);
	while (MV_LABELS_SIZE_MAX - l->len >= 2 * 140)
		ASSERT_EQ(0, add_line_of(l, 140));
	left = MV_LABELS_SIZE_MAX - l->len;
	/* Two lines that end the buffer on its last byte */
	ASSERT_EQ(0, add_line_of(l, left - 100));
	left = MV_LABELS_SIZE_MAX - l->len;
	ASSERT_EQ(100, left);

	/* One byte too many: refused, and nothing of it kept */
	len = l->len;
	EXPECT_EQ(-E2BIG, add_line_of(l, left + 1));
	EXPECT_EQ(len, l->len);
	EXPECT_EQ(len, strlen(l->buf));
	EXPECT_EQ(0, add_line_of(l, left));
	EXPECT_EQ(MV_LABELS_SIZE_MAX, l->len);
	EXPECT_EQ(64 * 1024 - 1, strlen(l->buf));
	EXPECT_TRUE(nfd_valid(l->buf, why, sizeof(why))) TH_LOG("%s", why);

	/* Full: even the shortest line, or the directive, is refused */
	EXPECT_EQ(-E2BIG, add_line_of(l, 15));
	EXPECT_EQ(-E2BIG, mv_labels_expiry(l, 0));
	EXPECT_EQ(MV_LABELS_SIZE_MAX, strlen(l->buf));
	free(l);
}

static unsigned int dot_files(const char *dir)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)))
		n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

TEST(write_is_whole_or_nothing)
{
	struct mv_host *h = load(REPORT);
	struct mv_labels *l = calloc(1, sizeof(*l));
	char dir[] = "/tmp/mv-labels-XXXXXX", path[PATH_MAX], err[PATH_MAX + 128];
	char buf[64 * 1024], old[64 * 1024];
	const char *ro;
	struct stat st;
	int ret;

	ASSERT_NE(NULL, l);
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 1700000000, NULL));
	ASSERT_EQ(0, mv_labels_write(dir, "migvisor", l, err, sizeof(err))) TH_LOG("%s", err);
	snprintf(path, sizeof(path), "%s/migvisor", dir);
	ASSERT_EQ(0, read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ(l->buf, buf);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0644, st.st_mode & 07777);
	EXPECT_EQ(0, dot_files(dir));

	/* Again, over the old one */
	ASSERT_EQ(0, mv_labels_for_host(l, h, NULL, 0, 0, NULL));
	ASSERT_EQ(0, mv_labels_write(dir, "migvisor", l, err, sizeof(err)));
	ASSERT_EQ(0, read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ(l->buf, buf);

	/* A directory that is not there */
	snprintf(path, sizeof(path), "%s/missing", dir);
	EXPECT_EQ(-ENOENT, mv_labels_write(path, "migvisor", l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, path)) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, strerror(ENOENT))) TH_LOG("%s", err);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(0, dot_files(dir));

	/*
	 * One that cannot be written to, with the old file in it: that file
	 * stays whole and no dot-file is left. Root writes through mode
	 * bits, so as root sysfs stands in: it cannot create files at all.
	 */
	snprintf(path, sizeof(path), "%s/ro", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, mv_labels_write(path, "migvisor", l, err, sizeof(err)));
	ASSERT_EQ(0, chmod(path, 0555));
	ro = geteuid() ? path : "/sys";
	ASSERT_EQ(0, mv_labels_add(l, "migvisor.io/extra", "true"));
	ret = mv_labels_write(ro, "migvisor", l, err, sizeof(err));
	EXPECT_TRUE(ret == -EACCES || ret == -EROFS) TH_LOG("%d: %s", ret, err);
	EXPECT_NE(NULL, strstr(err, ro)) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, strerror(-ret))) TH_LOG("%s", err);
	EXPECT_EQ(0, dot_files(path));
	EXPECT_EQ(0, dot_files(ro));
	snprintf(old, sizeof(old), "%s/migvisor", path);
	ASSERT_EQ(0, read_text(old, old, sizeof(old)));
	EXPECT_STREQ(buf, old);
	chmod(path, 0755);
	snprintf(err, sizeof(err), "%s/migvisor", path);
	unlink(err);
	rmdir(path);

	/* A regular file where the directory should be */
	snprintf(path, sizeof(path), "%s/migvisor", dir);
	EXPECT_EQ(-ENOTDIR, mv_labels_write(path, "migvisor", l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, strerror(ENOTDIR))) TH_LOG("%s", err);

	/* The rename fails after the file is written: it goes too */
	snprintf(path, sizeof(path), "%s/busy", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/busy/x", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	EXPECT_NE(0, mv_labels_write(dir, "busy", l, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cannot rename")) TH_LOG("%s", err);
	EXPECT_EQ(0, dot_files(dir));
	rmdir(path);
	snprintf(path, sizeof(path), "%s/busy", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/migvisor", dir);
	unlink(path);
	EXPECT_EQ(0, rmdir(dir));
	free(l);
	free(h);
}

static char *drift_with(const struct mv_host *a, const struct mv_host *b,
			const struct mv_named_policy *extra, unsigned int n_extra,
			bool json, unsigned int *changes, unsigned int *lost)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	json_init(f, json, false);
	if (json)
		open_json_object(NULL);
	*changes = mv_host_drift_print(a, b, extra, n_extra, lost);
	if (json)
		close_json_object();
	json_finish();
	fclose(f);
	return out;
}

static char *drift(const struct mv_host *a, const struct mv_host *b,
		   unsigned int *changes, unsigned int *lost)
{
	return drift_with(a, b, NULL, 0, false, changes, lost);
}

TEST(drift_names_every_change)
{
	struct mv_host *a = load(REPORT), *b = load(REPORT_TSX_OFF);
	unsigned int changes, lost;
	char *out;

	out = drift(a, a, &changes, &lost);
	EXPECT_EQ(0, changes);
	EXPECT_EQ(0, lost);
	EXPECT_NE(NULL, strstr(out, "no change"));
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server: still satisfiable"));
	EXPECT_NE(NULL, strstr(out, "baseline icelake-server: not satisfiable"));
	free(out);

	/* A microcode update that turns TSX off: no model uses it */
	out = drift(a, b, &changes, &lost);
	EXPECT_EQ(5, changes) TH_LOG("%s", out);
	EXPECT_EQ(0, lost);
	EXPECT_NE(NULL, strstr(out, "  microcode 0x5003604 -> 0x5003707\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "  cpuid 7.0:EBX[11] rtm: present -> absent\n"));
	EXPECT_NE(NULL, strstr(out, "  cpuid 7.0:EBX[4] hle: present -> absent\n"));
	EXPECT_NE(NULL, strstr(out, "  vmx cap pml: present -> absent\n"));
	EXPECT_NE(NULL, strstr(out, "  vmx IA32_VMX_PROCBASED_CTLS2 (0x48b): 0x1ffcff00000000 -> 0x1dfcff00000000\n"));
	EXPECT_NE(mv_host_fingerprint(a), mv_host_fingerprint(b));
	free(out);

	/* Back: the same changes, the other way */
	out = drift(b, a, &changes, &lost);
	EXPECT_EQ(5, changes);
	EXPECT_NE(NULL, strstr(out, "  cpuid 7.0:EBX[11] rtm: absent -> present\n"));
	free(out);

	/* One that takes a model's feature: that model is lost */
	mv_policy_set(&b->offer, mv_feature_lookup("avx512_vnni"), false);
	b->offer.phys_bits = 39;
	b->n_msr--;
	b->root[0].mode = MV_VMX_MODE_SHARED;
	out = drift(a, b, &changes, &lost);
	EXPECT_EQ(1, lost);
	EXPECT_EQ(9, changes) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "  physical address bits 46 -> 39\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server: NO LONGER SATISFIABLE"));
	EXPECT_NE(NULL, strstr(out, "baseline skylake-server: still satisfiable"));
	EXPECT_NE(NULL, strstr(out, "  vmx IA32_VMX_VMFUNC (0x491): 0x1 -> absent\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "  kernel mode: owned -> shared\n"));
	free(out);

	/* ...and found again the other way */
	out = drift(b, a, &changes, &lost);
	EXPECT_EQ(0, lost);
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server: newly satisfiable"));
	EXPECT_NE(NULL, strstr(out, "  vmx IA32_VMX_VMFUNC (0x491): absent -> 0x1\n")) TH_LOG("%s", out);
	free(out);
	free(a);
	free(b);
}

/* A live host's check also weighs the module's baselines */
TEST(drift_counts_module_baselines)
{
	struct mv_host *a = load(REPORT), *b = load(REPORT);
	struct mv_named_policy extra[2] = {
		{ .name = "db-tier" }, { .name = "cascadelake-server" },
	};
	unsigned int changes, lost;
	char *out;

	ASSERT_EQ(0, mv_model_policy("cascadelake-server", &extra[0].p));
	ASSERT_EQ(0, mv_model_policy("nehalem", &extra[1].p));

	out = drift_with(a, b, extra, 2, false, &changes, &lost);
	EXPECT_EQ(0, lost);
	EXPECT_NE(NULL, strstr(out, "baseline db-tier (module): still satisfiable\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server (module): still satisfiable\n"));
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server: still satisfiable\n"));
	free(out);

	/* Lost by the module's db-tier and by the model it was made from */
	mv_policy_set(&b->offer, mv_feature_lookup("avx512_vnni"), false);
	out = drift_with(a, b, extra, 2, false, &changes, &lost);
	EXPECT_EQ(2, lost) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "baseline db-tier (module): NO LONGER SATISFIABLE\n"));
	/* The module's cascadelake-server is its own (nehalem's) policy */
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server (module): still satisfiable\n"));
	EXPECT_NE(NULL, strstr(out, "baseline cascadelake-server: NO LONGER SATISFIABLE\n"));
	free(out);

	/* A lost module baseline alone is enough for the exit-1 count */
	out = drift_with(a, b, extra, 1, false, &changes, &lost);
	EXPECT_EQ(2, lost);
	free(out);
	ASSERT_EQ(0, mv_model_policy("nehalem", &extra[0].p));
	out = drift_with(a, b, extra, 1, false, &changes, &lost);
	EXPECT_EQ(1, lost);
	free(out);

	out = drift_with(a, b, extra, 2, true, &changes, &lost);
	EXPECT_EQ(0, mv_json_validate(out)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "{\"name\":\"db-tier\",\"module\":true,\"before\":true,\"after\":true}"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "{\"name\":\"nehalem\",\"before\":true,"));
	free(out);
	free(a);
	free(b);
}

/* The commands, as a cluster's node agent would run them */
TEST(mvctl_labels_and_drift_from_reports)
{
	char dir[] = "/tmp/mv-labels-XXXXXX", cmd[4 * PATH_MAX], out[16384];
	char lost[PATH_MAX];
	FILE *f;

	find_top();
	ASSERT_NE(NULL, mkdtemp(dir));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host labels --from %s/" REPORT
		 " --expiry 60; echo rc=$?", top, top);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "# +expiry-time=")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nmigvisor.io/baseline.cascadelake-server=true\n"));
	EXPECT_NE(NULL, strstr(out, "rc=0\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl -j host labels --from %s/" REPORT
		 " --expiry 0; echo rc=$?", top, top);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "{\"labels\":{\"migvisor.io/baseline.x86-64-v1\":\"true\","))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, ",\"migvisor.io/kernel-mode\":\"owned\"}}\nrc=0\n"))
		TH_LOG("%s", out);

	/* --write DIR: the file, and nothing on stdout */
	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host labels --from %s/" REPORT
		 " --write %s; echo rc=$?; cat %s/migvisor", top, top, dir, dir);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_EQ(0, strncmp(out, "rc=0\n# +expiry-time=", 20)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nmigvisor.io/kernel-mode=owned\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host labels --from %s/" REPORT
		 " --write %s/missing; echo rc=$?", top, top, dir);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "Error: cannot create a file in ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/missing: No such file or directory")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "rc=1\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host labels --from %s/" REPORT
		 " --expiry -5; echo rc=$?", top, top);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "Error: --expiry \"-5\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "rc=1\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host check --since %s/" REPORT
		 " --from %s/" REPORT_TSX_OFF "; echo rc=$?", top, top, top);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "  cpuid 7.0:EBX[11] rtm: present -> absent\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "rc=0\n"));

	/* A report without avx512_vnni: cascadelake-server is lost, exit 1 */
	snprintf(lost, sizeof(lost), "%s/lost.json", dir);
	snprintf(cmd, sizeof(cmd), "sed 's/\"avx512_vnni\",//' %s/" REPORT " > %s", top, lost);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl -j host check --since %s/" REPORT
		 " --from %s; echo rc=$?", top, top, lost);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "{\"name\":\"cascadelake-server\",\"before\":true,\"after\":false}"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"lost\":1}")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "rc=1\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host check --since %s/nope.json --from %s; echo rc=$?",
		 top, dir, lost);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "Error: ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "nope.json")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "rc=1\n"));

	snprintf(cmd, sizeof(cmd), "exec 2>&1; %s/userspace/mvctl/mvctl host check --since; echo rc=$?", top);
	ASSERT_EQ(0, mv_run(cmd, out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "Error: --since needs an argument")) TH_LOG("%s", out);

	f = fopen(lost, "r");
	ASSERT_NE(NULL, f);
	fclose(f);
	unlink(lost);
	snprintf(cmd, sizeof(cmd), "%s/migvisor", dir);
	unlink(cmd);
	EXPECT_EQ(0, rmdir(dir));
}

TEST_HARNESS_MAIN
