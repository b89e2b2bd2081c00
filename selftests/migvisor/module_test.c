// SPDX-License-Identifier: GPL-2.0
/*
 * migvisor.ko on a host with VMX: it loads, registers /dev/migvisor and the
 * "migvisor" netlink family, describes the host as /proc/cpuinfo does,
 * rejects bad requests with an extack message, and unloads.
 *
 * The tests run in order and share the loaded module: "load" first,
 * "unload" last.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../lib/mv_guest.h"
#include "../lib/mv_util.h"
#include "../../common/mv_tables.h"

static char out[65536];

TEST(load)
{
	if (!mv_in_rig() && access(mv_module_path(), R_OK))
		SKIP(return, "no module at any of %s (set MV_MODULE)",
		     mv_module_tried());
	if (mv_module_loaded())
		ASSERT_EQ(0, mv_module_unload());
	ASSERT_EQ(0, mv_module_load());
	ASSERT_TRUE(mv_module_loaded());
}

TEST(load_twice_is_eexist)
{
	ASSERT_EQ(-EEXIST, mv_module_load());
}

TEST(chardev_exists_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/" MV_DEVICE_NAME, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST(chardev_version_ioctl)
{
	struct mv_version v = {};
	int fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, MV_IOC_GET_VERSION, &v));
	EXPECT_EQ(MV_API_VERSION, v.api);
	EXPECT_EQ(MV_GENL_VERSION, v.genl);
	EXPECT_EQ(MV_REC_VERSION, v.rec);
	/* What every host has, and no bit this header does not name. */
	EXPECT_EQ(MV_CAP_HANDOVER | MV_CAP_RESTORE_NEW | MV_CAP_ERROR |
		  MV_CAP_THROTTLE | MV_CAP_AUDIT_RECORD | MV_CAP_TSC_RATE,
		  v.caps & ~(MV_CAP_PML | MV_CAP_TSC_SCALING));
	TH_LOG("caps 0x%llx (PML %d, TSC scaling %d)", (unsigned long long)v.caps,
	       !!(v.caps & MV_CAP_PML), !!(v.caps & MV_CAP_TSC_SCALING));

	/* Non-zero input, in any field, is rejected, not ignored. */
	for (int i = 0; i < 5; i++) {
		memset(&v, 0, sizeof(v));
		if (i == 0)
			v.reserved[0] = 1;
		else if (i == 1)
			v.reserved32 = 1;
		else if (i == 2)
			v.caps = MV_CAP_PML;
		else if (i == 3)
			v.rec = 1;
		else
			v.api = MV_API_VERSION;
		EXPECT_EQ(-1, ioctl(fd, MV_IOC_GET_VERSION, &v));
		EXPECT_EQ(EINVAL, errno);
	}

	EXPECT_EQ(-1, ioctl(fd, _IO(MV_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(family_registered)
{
	struct mv_nl nl;

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	EXPECT_NE(0, nl.family);
	mv_nl_close(&nl);
}

/* The words after "@label:" on a line of mvctl's text output. */
static int mvctl_words(const char *text, const char *label, char *dst,
		       size_t len)
{
	char key[64];
	const char *p = text;
	size_t kl;

	kl = snprintf(key, sizeof(key), "%s:", label);
	while (p && *p) {
		if (!strncmp(p, key, kl)) {
			size_t n = strcspn(p + kl, "\n");

			snprintf(dst, len, "%.*s", (int)n, p + kl);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

/*
 * Bits the CPU reports but Linux does not print, each for a documented
 * reason; anything else missing from /proc/cpuinfo is a bug in our table.
 */
/* vmx flags /proc/cpuinfo names only from Linux 6.10 on */
static const char *const newer_vmx_names[] = { "ept_violation_ve" };


static const char *const kernel_cleared[] = {
	/* "TSC_DEADLINE disabled due to Errata" on Bochs' microcode 0 */
	"tsc_deadline_timer",
	/* cleared when IA32_MISC_ENABLE.FAST_STRING is off, which Bochs
	 * leaves off ("Disabled fast string operations" at boot)
	 */
	"erms",
	/* Linux's self-snoop errata list covers Nehalem (Lynnfield) */
	"ss",
};

/*
 * Bochs' CPUID.0xD sizes disagree with its XSAVE, so Linux 6.1 disables
 * XSAVE ("XSAVE consistency problem") and with it every feature that
 * depends on it (arch/x86/kernel/cpu/cpuid-deps.c).
 */
static const char *const xsave_dependents[] = {
	"xsave", "xsaveopt", "xsavec", "xgetbv1", "xsaves", "avx", "avx2",
	"fma", "avx512f", "avx512dq", "avx512ifma", "avx512pf", "avx512er",
	"avx512cd", "avx512bw", "avx512vl", "avx512vbmi", "avx512_vbmi2",
	"avx512_vnni", "avx512_bitalg", "avx512_vpopcntdq", "avx512_bf16",
	"avx512_fp16", "avx512_vp2intersect", "avx512_4vnniw",
	"avx512_4fmaps", "vaes", "vpclmulqdq", "gfni", "avx_vnni", "pku",
	"ospke", "amx_tile", "amx_bf16", "amx_int8", "xfd", "cldemote",
	"xtile", "mpx", "f16c",
};

static bool in_list(const char *const *l, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], w))
			return true;
	return false;
}

/* Copy the next space-separated word of *@p into @w; false at the end. */
static bool next_word(const char **p, char *w, size_t len)
{
	size_t n;

	while (**p == ' ')
		(*p)++;
	n = strcspn(*p, " ");
	if (!n || n >= len)
		return false;
	memcpy(w, *p, n);
	w[n] = 0;
	*p += n;
	return true;
}

static bool table_name(const char *w)
{
	for (int i = 0; i < MV_F_COUNT; i++)
		if (!(mv_cpuid_features[i].flags & MV_FF_HIDDEN) &&
		    !strcmp(mv_cpuid_features[i].name, w))
			return true;
	return false;
}

TEST(host_show_matches_cpuinfo)
{
	static char ours[8192], cpuinfo[8192], vmx_ours[2048], vmx_cpu[2048];
	const char *p;
	bool xsave_off;
	char w[64];

	ASSERT_EQ(0, mv_run("mvctl host show", out, sizeof(out), true)) {
		TH_LOG("mvctl failed: %s", out);
	}
	ASSERT_NE(NULL, strstr(out, "vendor GenuineIntel"));
	ASSERT_EQ(0, mvctl_words(out, "flags", ours, sizeof(ours)));
	ASSERT_EQ(0, mvctl_words(out, "vmx flags", vmx_ours, sizeof(vmx_ours)));
	ASSERT_EQ(0, mv_cpuinfo_field("flags", cpuinfo, sizeof(cpuinfo)));
	ASSERT_EQ(0, mv_cpuinfo_field("vmx flags", vmx_cpu, sizeof(vmx_cpu)));

	/* Every CPUID bit Linux prints, mvctl prints (synthetic ones aside). */
	/* (Braces: EXPECT_*() with a log block is two statements.) */
	for (p = cpuinfo; next_word(&p, w, sizeof(w));) {
		if (!table_name(w))
			continue;
		EXPECT_TRUE(mv_word_in(ours, w)) {
			TH_LOG("cpuinfo flag \"%s\" missing from mvctl", w);
		}
	}

	/*
	 * Every bit mvctl prints is in /proc/cpuinfo, unless Linux cleared it
	 * for one of the documented reasons above.
	 */
	xsave_off = !mv_word_in(cpuinfo, "xsave") && mv_word_in(ours, "xsave");
	for (p = ours; next_word(&p, w, sizeof(w));) {
		bool why = mv_word_in(cpuinfo, w) ||
			in_list(kernel_cleared, ARRAY_SIZE(kernel_cleared), w) ||
			(xsave_off && in_list(xsave_dependents,
					      ARRAY_SIZE(xsave_dependents), w));

		EXPECT_TRUE(why) {
			TH_LOG("mvctl shows \"%s\" but /proc/cpuinfo does not", w);
		}
	}

	/*
	 * vmx flags: the same set, both ways, but for names that older
	 * kernels do not print.
	 */
	for (p = vmx_ours; next_word(&p, w, sizeof(w));) {
		if (!mv_kernel_at_least(6, 10) &&
		    in_list(newer_vmx_names, ARRAY_SIZE(newer_vmx_names), w))
			continue;
		EXPECT_TRUE(mv_word_in(vmx_cpu, w)) {
			TH_LOG("vmx flag \"%s\" not in /proc/cpuinfo", w);
		}
	}
	for (p = vmx_cpu; next_word(&p, w, sizeof(w));) {
		EXPECT_TRUE(mv_word_in(vmx_ours, w)) {
			TH_LOG("cpuinfo vmx flag \"%s\" missing from mvctl", w);
		}
	}
}

TEST(host_show_json_is_valid)
{
	ASSERT_EQ(0, mv_run("mvctl -j host show", out, sizeof(out), false));
	EXPECT_EQ(0, mv_json_validate(out)) {
		TH_LOG("invalid JSON: %.200s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\"vmx\":{\"feature_control\":"));
	EXPECT_NE(NULL, strstr(out, "\"cpuid\":[{\"leaf\":\"0x0\""));
	ASSERT_EQ(0, mv_run("mvctl -j -p host show", out, sizeof(out), false));
	EXPECT_EQ(0, mv_json_validate(out));
}

/*
 * The scheduler labels and the drift check on the live module: the labels
 * name the kernel mode and a fingerprint equal to that of this host's
 * saved report, a write leaves the one file and no temporary, and a
 * check against the report just saved finds no change.
 */
TEST(nfd_labels_and_drift_live)
{
	char fp[128], *p;

	ASSERT_EQ(0, mv_run("mvctl -j -p host show > /tmp/mv-host.json", out, sizeof(out), false));
	ASSERT_EQ(0, mv_run("mvctl host labels", out, sizeof(out), true)) {
		TH_LOG("%.300s", out);
	}
	EXPECT_NE(NULL, strstr(out, "# +expiry-time="));
	EXPECT_NE(NULL, strstr(out, "migvisor.io/baseline.x86-64-v1=true\n"));
	EXPECT_NE(NULL, strstr(out, "migvisor.io/kernel-mode="));
	p = strstr(out, "migvisor.io/host-fingerprint=");
	ASSERT_NE(NULL, p) {
		TH_LOG("%.300s", out);
	}
	snprintf(fp, sizeof(fp), "%.*s", (int)strcspn(p, "\n"), p);
	ASSERT_EQ(0, mv_run("mvctl host labels --from /tmp/mv-host.json", out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, fp)) {
		TH_LOG("live %s, from the report: %.300s", fp, out);
	}
	ASSERT_EQ(0, mv_run("rm -rf /tmp/mv-nfd && mkdir /tmp/mv-nfd && mvctl host labels --write /tmp/mv-nfd && ls -a /tmp/mv-nfd",
			    out, sizeof(out), true));
	EXPECT_STREQ(".\n..\nmigvisor\n", out);
	EXPECT_EQ(0, mv_run("mvctl host check --since /tmp/mv-host.json", out, sizeof(out), true)) {
		TH_LOG("%.300s", out);
	}
	EXPECT_NE(NULL, strstr(out, "no change")) {
		TH_LOG("%.300s", out);
	}
}

TEST(unknown_command_has_extack)
{
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	struct mv_nl nl;

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	ASSERT_EQ(0, mv_nl_request(&nl, 42, MV_GENL_VERSION, NULL, 0, res));
	EXPECT_EQ(-EOPNOTSUPP, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "unknown migvisor command")) {
		TH_LOG("extack: \"%s\"", res->msg);
	}
	mv_nl_close(&nl);
	free(res);
}

TEST(unexpected_attribute_has_extack)
{
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	unsigned char attrs[64];
	uint32_t v = 7;
	struct mv_nl nl;
	size_t len;

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));

	/* An attribute the family knows, but HOST_GET does not take. */
	len = mv_nla_put(attrs, 0, MV_A_HOST_FAMILY, &v, sizeof(v));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_GET, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-EINVAL, res->error);
	EXPECT_NE(0, res->msg[0]);
	EXPECT_EQ((int)mv_nl_attr_offset(), res->bad_off);
	TH_LOG("extack: \"%s\" at offset %d", res->msg, res->bad_off);

	/* An attribute number past the family's last one. */
	len = mv_nla_put(attrs, 0, MV_A_HOST_MAX + 10, &v, sizeof(v));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_GET, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-EINVAL, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "Unknown attribute type")) {
		TH_LOG("extack: \"%s\"", res->msg);
	}
	EXPECT_EQ((int)mv_nl_attr_offset(), res->bad_off);
	mv_nl_close(&nl);
	free(res);
}

TEST(newer_version_refused_with_extack)
{
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	struct mv_nl nl;

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_GET, MV_GENL_VERSION + 1,
				   NULL, 0, res));
	EXPECT_EQ(-EOPNOTSUPP, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "newer")) {
		TH_LOG("extack: \"%s\"", res->msg);
	}
	/* The same request at our version works. */
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_GET, MV_GENL_VERSION,
				   NULL, 0, res));
	EXPECT_EQ(0, res->error);
	EXPECT_NE(0, res->reply_len);
	mv_nl_close(&nl);
	free(res);
}

TEST(mvctl_reports_errors)
{
	EXPECT_EQ(1, mv_run("mvctl host frobnicate", out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "unknown command"));
	EXPECT_EQ(1, mv_run("mvctl frobnicate", out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "unknown object"));
	EXPECT_EQ(1, mv_run("mvctl --frobnicate host", out, sizeof(out), true));
	/* The attribute the module points at, by the spec's name */
	EXPECT_NE(0, mv_run("mvctl guest add ne memory 2M baseline no-such-baseline",
			    out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "(attribute baseline)")) {
		TH_LOG("%s", out);
	}
}

/* Names that would be paths or options are refused with the rule. */
TEST(bad_names_refused_with_reason)
{
	static const char *const bad[] = { ".", "..", "-x", "--", "a/b", "a b" };
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	unsigned char attrs[128];
	uint64_t mem = 2 << 20;
	struct mv_nl nl;
	unsigned int i;
	size_t len;

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		len = mv_nla_put(attrs, 0, MV_A_GUEST_NAME, bad[i], strlen(bad[i]) + 1);
		len = mv_nla_put(attrs, len, MV_A_GUEST_MEMORY, &mem, sizeof(mem));
		ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_GUEST_NEW, MV_GENL_VERSION,
					   attrs, len, res));
		EXPECT_EQ(-EINVAL, res->error) {
			TH_LOG("name \"%s\" accepted", bad[i]);
		}
		EXPECT_NE(NULL, strstr(res->msg, "names are printable")) {
			TH_LOG("\"%s\": \"%s\"", bad[i], res->msg);
		}
	}
	/* A missing attribute is named in words, not only by number. */
	len = mv_nla_put(attrs, 0, MV_A_GUEST_MEMORY, &mem, sizeof(mem));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_GUEST_NEW, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-EINVAL, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "missing attribute MV_A_GUEST_NAME")) {
		TH_LOG("extack: \"%s\"", res->msg);
	}
	mv_nl_close(&nl);
	free(res);
}

/* Every refusal of the character device can be asked about (MV_IOC_ERROR). */
TEST(chardev_refusals_have_reasons)
{
	int fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	struct mv_restore_new rn = { .memory = 2 << 20 };
	struct mv_guest_open go = { 0 };
	struct mv_sess_error e;

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, ioctl(fd, _IO(MV_IOC_MAGIC, 0x7e)));
	EXPECT_EQ(ENOTTY, errno);
	ASSERT_EQ(0, ioctl(fd, MV_IOC_ERROR, &e));
	EXPECT_EQ(-ENOTTY, e.err);
	EXPECT_NE(NULL, strstr(e.msg, "not an ioctl"));

	strcpy(go.name, "nosuch");
	EXPECT_EQ(-1, ioctl(fd, MV_IOC_GUEST_OPEN, &go));
	ASSERT_EQ(0, ioctl(fd, MV_IOC_ERROR, &e));
	EXPECT_NE(NULL, strstr(e.msg, "no guest")) {
		TH_LOG("%s", e.msg);
	}

	/* MV_IOC_RESTORE_NEW: the netlink rules, with their reasons. */
	strcpy(rn.name, "..");
	EXPECT_EQ(-1, ioctl(fd, MV_IOC_RESTORE_NEW, &rn));
	ASSERT_EQ(0, ioctl(fd, MV_IOC_ERROR, &e));
	EXPECT_NE(NULL, strstr(e.msg, "names are printable")) {
		TH_LOG("%s", e.msg);
	}
	strcpy(rn.name, "rn");
	strcpy(rn.baseline, "nosuch");
	EXPECT_EQ(-1, ioctl(fd, MV_IOC_RESTORE_NEW, &rn));
	ASSERT_EQ(0, ioctl(fd, MV_IOC_ERROR, &e));
	EXPECT_NE(NULL, strstr(e.msg, "no baseline")) {
		TH_LOG("%s", e.msg);
	}
	rn.baseline[0] = 0;
	rn.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, MV_IOC_RESTORE_NEW, &rn));
	EXPECT_EQ(EINVAL, errno);
	rn.reserved = 0;
	rn.memory = 3 << 20 | 4096;
	EXPECT_EQ(-1, ioctl(fd, MV_IOC_RESTORE_NEW, &rn));
	ASSERT_EQ(0, ioctl(fd, MV_IOC_ERROR, &e));
	EXPECT_NE(NULL, strstr(e.msg, "64 KiB")) {
		TH_LOG("%s", e.msg);
	}

	/* A good one: the guest lives as long as the session fd. */
	rn.memory = 2 << 20;
	{
		int sfd = ioctl(fd, MV_IOC_RESTORE_NEW, &rn);
		char out[256];

		ASSERT_LE(0, sfd);
		EXPECT_EQ(0, mv_run("mvctl guest show rn", out, sizeof(out), true));
		/* It has a session: nothing else may load or restore it. */
		strcpy(go.name, "rn");
		{
			int gfd = ioctl(fd, MV_IOC_GUEST_OPEN, &go);

			ASSERT_LE(0, gfd);
			EXPECT_EQ(-1, ioctl(gfd, MV_IOC_RESTORE, 0));
			ASSERT_EQ(0, ioctl(gfd, MV_IOC_ERROR, &e));
			EXPECT_NE(NULL, strstr(e.msg, "session")) {
				TH_LOG("%s", e.msg);
			}
			close(gfd);
		}
		close(sfd);
		EXPECT_NE(0, mv_run("mvctl guest show rn", out, sizeof(out), true));
	}
	close(fd);
}

/* How many lines of @path contain @what */
static int lines_with(const char *path, const char *what)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, what);
	fclose(f);
	return n;
}

/*
 * Maintenance mode: no new guest and no restore gets in, the guests the
 * host has go on running, the switch is announced once per change, and
 * a bad request is refused with its attribute named.
 */
TEST(maintenance_mode)
{
	struct mv_nl_result *res = calloc(1, sizeof(*res));
	const char *mon_log = "/tmp/maintenance-monitor.log";
	unsigned char attrs[64];
	uint64_t before;
	struct mv_nl nl;
	uint8_t bad = 2;
	size_t len;
	pid_t mon;

	ASSERT_NE(NULL, res);
	mv_delete_all_guests();
	/* A baseline, or the snapshot would only restore on this host. */
	mv_mvctl("baseline add mmb model nehalem");
	ASSERT_EQ(0, mv_mvctl("guest add mm1 memory 4M baseline mmb")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest load mm1 %s/counter.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start mm1"));
	unlink("/tmp/maintenance.mvsnap");
	ASSERT_EQ(0, mv_run("mvmig save mm1 /tmp/maintenance.mvsnap --keep-source",
			    out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	ASSERT_EQ(0, mv_mvctl("guest resume mm1"));
	mon = mv_spawn(mon_log, "mvctl monitor");
	ASSERT_LT(0, mon);
	sleep(1);	/* subscribed before the first switch */

	ASSERT_EQ(0, mv_mvctl("host set maintenance on")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("host show"));
	EXPECT_NE(NULL, strstr(mv_out, "maintenance on"));
	ASSERT_EQ(0, mv_mvctl("-j host show"));
	EXPECT_NE(NULL, strstr(mv_out, "\"maintenance\":true"));
	EXPECT_EQ(1, mv_mvctl("guest add mm2 memory 4M"));
	EXPECT_NE(NULL, strstr(mv_out, "maintenance mode")) {
		TH_LOG("guest add said: %s", mv_out);
	}
	EXPECT_NE(0, mv_run("mvmig restore /tmp/maintenance.mvsnap mm3",
			    out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "maintenance mode")) {
		TH_LOG("mvmig restore said: %s", out);
	}
	EXPECT_NE(0, mv_mvctl("guest show mm3"));
	/* The guest it had runs on. */
	before = mv_read_counter("mm1");
	sleep(1);
	EXPECT_LT(before, mv_read_counter("mm1"));
	/* The same setting again changes nothing and announces nothing. */
	ASSERT_EQ(0, mv_mvctl("host set maintenance on"));

	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	len = mv_nla_put(attrs, 0, MV_A_HOST_MAINTENANCE, &bad, sizeof(bad));
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_SET, MV_GENL_VERSION,
				   attrs, len, res));
	EXPECT_EQ(-ERANGE, res->error);
	EXPECT_NE(0, res->msg[0]);
	EXPECT_EQ((int)mv_nl_attr_offset(), res->bad_off);
	TH_LOG("maintenance 2: \"%s\"", res->msg);
	ASSERT_EQ(0, mv_nl_request(&nl, MV_CMD_HOST_SET, MV_GENL_VERSION,
				   NULL, 0, res));
	EXPECT_EQ(-EINVAL, res->error);
	EXPECT_NE(NULL, strstr(res->msg, "missing attribute MV_A_HOST_MAINTENANCE")) {
		TH_LOG("extack: \"%s\"", res->msg);
	}
	mv_nl_close(&nl);
	EXPECT_EQ(1, mv_mvctl("host set maintenance maybe"));

	ASSERT_EQ(0, mv_mvctl("host set maintenance off"));
	ASSERT_EQ(0, mv_mvctl("host show"));
	EXPECT_NE(NULL, strstr(mv_out, "maintenance off"));
	EXPECT_EQ(0, mv_run("mvmig restore /tmp/maintenance.mvsnap mm3",
			    out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	EXPECT_TRUE(mv_wait_for("mm3", "state running", 10));
	sleep(1);
	kill(mon, SIGTERM);
	mv_reap(mon, 10);
	EXPECT_EQ(1, lines_with(mon_log, "maintenance on"));
	EXPECT_EQ(1, lines_with(mon_log, "maintenance off"));
	mv_delete_all_guests();
	mv_mvctl("baseline del mmb");
	free(res);
}

TEST(unload)
{
	struct mv_nl nl;

	ASSERT_EQ(0, mv_module_unload());
	EXPECT_FALSE(mv_module_loaded());
	EXPECT_NE(0, access("/dev/" MV_DEVICE_NAME, F_OK));
	EXPECT_EQ(-ENOENT, mv_nl_open(&nl, MV_GENL_NAME));
	EXPECT_EQ(1, mv_run("mvctl host show", out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "not loaded"));

	/* A second cycle: nothing was left behind by the first. */
	ASSERT_EQ(0, mv_module_load());
	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	mv_nl_close(&nl);
	ASSERT_EQ(0, mv_module_unload());
	EXPECT_FALSE(mv_module_loaded());
}

MV_TEST_MAIN
