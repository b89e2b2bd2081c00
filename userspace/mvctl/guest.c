// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl guest { add | load | start | pause | resume | del | show | console }
 * mvctl monitor
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <netlink/genl/ctrl.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "mvctl.h"
#include "../lib/elf_load.h"
#include "../lib/lx_copy.h"
#include "../lib/lx_load.h"
#include "../lib/mapfile.h"
#include "../lib/json_print.h"
#include "../lib/mvnl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mvctl guest add NAME memory SIZE [ baseline BASELINE ]\n"
		"       mvctl guest load NAME FILE.elf\n"
		"       mvctl guest load NAME [ file HOST[:GUEST] | stdin FILE | env NAME=VALUE ]...\n"
		"                        PROGRAM [ ARGS... ]   (a static Linux program)\n"
		"       mvctl guest { start | pause | resume | del } NAME\n"
		"       mvctl [ -d ] guest show [ NAME ] [ -d ]   (-d: the CPUID audit)\n"
		"       mvctl guest console NAME [ -f ]\n"
		"       mvctl guest files NAME\n"
		"       mvctl guest copy NAME GUEST_PATH { HOST_PATH | - }\n"
		"       mvctl monitor\n"
		"SIZE := NUMBER[K|M|G]   (1M to 1G, a multiple of 64K)\n");
}

static const char *const state_names[] = {
	[MV_GUEST_CREATED] = "created",
	[MV_GUEST_RUNNING] = "running",
	[MV_GUEST_PAUSED] = "paused",
	[MV_GUEST_STOPPED] = "stopped",
};

static const char *const stop_names[] = {
	[MV_STOP_NONE] = "deleted",
	[MV_STOP_EXIT] = "exit",
	[MV_STOP_HALT] = "halt",
	[MV_STOP_TRIPLE_FAULT] = "triple-fault",
	[MV_STOP_INVALID_STATE] = "invalid-guest-state",
	[MV_STOP_EPT_VIOLATION] = "ept-violation",
	[MV_STOP_EPT_MISCONFIG] = "ept-misconfig",
	[MV_STOP_VMFAIL] = "vm-entry-failed",
	[MV_STOP_UNHANDLED] = "unhandled-exit",
	[MV_STOP_HOST] = "host",
};

static const char *const pause_names[] = {
	[MV_PAUSE_NONE] = "none",
	[MV_PAUSE_USER] = "user",
	[MV_PAUSE_VMX_OFF] = "vmx-off",
	[MV_PAUSE_VMX_FOREIGN] = "vmx-foreign",
	[MV_PAUSE_VMX_FAILED] = "vmx-failed",
};

/* What a user should know about a host pause, and what to do. */
static const char *pause_why(uint32_t r)
{
	switch (r) {
	case MV_PAUSE_VMX_OFF:
		return "VMX was turned off on this CPU, and this kernel lets only KVM turn it on; load kvm_intel with kvm.enable_virt_at_load=1 (the default), then resume";
	case MV_PAUSE_VMX_FOREIGN:
		return "another hypervisor holds VMX on this CPU, and this kernel cannot share it; resume when it is released";
	case MV_PAUSE_VMX_FAILED:
		return "entering VMX root or loading the guest's VMCS failed on this CPU; see the kernel log, then resume";
	default:
		return NULL;
	}
}

static const char *const event_names[] = {
	[MV_EVENT_CREATED] = "created",
	[MV_EVENT_STARTED] = "started",
	[MV_EVENT_PAUSED] = "paused",
	[MV_EVENT_RESUMED] = "resumed",
	[MV_EVENT_STOPPED] = "stopped",
	[MV_EVENT_CRASHED] = "crashed",
	[MV_EVENT_DELETED] = "deleted",
};

static const struct {
	uint32_t reason;
	const char *name;
} exit_names[] = {
#define MV_EXIT_REASON(nr, nm) { .reason = nr, .name = #nm },
#include "../../common/exit_reasons.h"
};

static const char *exit_name(uint32_t r)
{
	for (size_t i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].reason == r)
			return exit_names[i].name;
	return NULL;
}

static const char *name_of(const char *const *tab, size_t n, uint32_t i)
{
	return i < n && tab[i] ? tab[i] : "unknown";
}

#define NAME_OF(tab, i) name_of(tab, ARRAY_SIZE(tab), i)

/* "64M" -> bytes; -1 on a malformed size. */
static long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'm': case 'M':
		v <<= 20;
		end++;
		break;
	case 'g': case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	return *end ? -1 : (long long)v;
}

/*
 * One request about guest @name (with @mem bytes if non-zero); @cb gets
 * the reply. Errors are printed as "Error: @what: ...".
 */
static int guest_request_bl(uint8_t cmd, const char *name, const char *what,
			    uint64_t mem, const char *baseline,
			    mvnl_reply_cb cb, void *arg)
{
	struct nl_msg *msg = mvctl_msg(cmd, 0, false);

	if (!msg)
		return -ENOENT;
	if (nla_put_string(msg, MV_A_GUEST_NAME, name) ||
	    (mem && nla_put_u64(msg, MV_A_GUEST_MEMORY, mem)) ||
	    (baseline && nla_put_string(msg, MV_A_GUEST_BASELINE, baseline))) {
		nlmsg_free(msg);
		return mvnl_too_big(what);
	}
	return mvctl_send(msg, cb, arg, what);
}

static int guest_request(uint8_t cmd, const char *name, const char *what,
			 uint64_t mem, mvnl_reply_cb cb, void *arg)
{
	return guest_request_bl(cmd, name, what, mem, NULL, cb, arg);
}

static int guest_add(struct mvctl *ctl)
{
	const char *name = argv_next(ctl), *size = NULL, *bl = NULL;
	long long mem;

	if (name && argv_match(ctl, "memory"))
		size = argv_next(ctl);
	if (size && argv_match(ctl, "baseline")) {
		bl = argv_next(ctl);
		if (!bl)
			size = NULL;
	}
	if (!size) {
		fprintf(stderr, "Error: usage: mvctl guest add NAME memory SIZE [ baseline BASELINE ]\n");
		return -EINVAL;
	}
	if (ctl->argc) {
		fprintf(stderr, "Error: unexpected argument \"%s\".\n", ctl->argv[0]);
		return -EINVAL;
	}
	mem = parse_size(size);
	if (mem <= 0) {
		fprintf(stderr, "Error: \"%s\" is not a size (e.g. 16M).\n", size);
		return -EINVAL;
	}
	return guest_request_bl(MV_CMD_GUEST_NEW, name, "guest add", mem, bl,
				NULL, NULL);
}

struct shown {
	char name[MV_GUEST_NAME_MAX];
	uint64_t mem;
	uint32_t state;
};

static int on_guest_found(struct nlattr **tb, struct nlattr *head, int len,
			  void *arg)
{
	struct shown *s = arg;

	if (!tb[MV_A_GUEST_NAME])
		return -EPROTO;
	snprintf(s->name, sizeof(s->name), "%s", nla_get_string(tb[MV_A_GUEST_NAME]));
	s->mem = tb[MV_A_GUEST_MEMORY] ? nla_get_u64(tb[MV_A_GUEST_MEMORY]) : 0;
	s->state = tb[MV_A_GUEST_STATE] ? nla_get_u32(tb[MV_A_GUEST_STATE]) : 0;
	return 0;
}

/* What a CPUID leaf tells (Intel SDM 2A, CPUID), for the audit's table. */
static const char *leaf_name(uint32_t leaf)
{
	static const struct { uint32_t leaf; const char *what; } names[] = {
		{ 0x0, "vendor, highest leaf" }, { 0x1, "signature, features" },
		{ 0x2, "cache descriptors" }, { 0x3, "serial number" },
		{ 0x4, "cache parameters" }, { 0x5, "monitor/mwait" },
		{ 0x6, "power management" }, { 0x7, "extended features" },
		{ 0x9, "direct cache access" }, { 0xa, "performance monitoring" },
		{ 0xb, "topology" }, { 0xd, "xsave components" },
		{ 0xf, "RDT monitoring" }, { 0x10, "RDT allocation" },
		{ 0x12, "SGX" }, { 0x14, "processor trace" },
		{ 0x15, "TSC/crystal ratio" }, { 0x16, "frequencies" },
		{ 0x17, "SoC vendor" }, { 0x18, "TLB parameters" },
		{ 0x19, "key locker" }, { 0x1a, "hybrid core type" },
		{ 0x1d, "AMX palette" }, { 0x1e, "AMX TMUL" },
		{ 0x1f, "v2 topology" }, { 0x24, "AVX10" },
		{ 0x40000000, "hypervisor" }, { 0x40000010, "hypervisor timing" },
		{ 0x80000000, "highest extended leaf" },
		{ 0x80000001, "extended features" }, { 0x80000002, "brand string" },
		{ 0x80000003, "brand string" }, { 0x80000004, "brand string" },
		{ 0x80000006, "L2 cache" }, { 0x80000007, "invariant TSC" },
		{ 0x80000008, "address sizes" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].leaf == leaf)
			return names[i].what;
	return NULL;
}

/*
 * The CPUID audit: a count of pairs, and with -d one line per pair. JSON
 * always has the list: scripts compare workloads by it.
 */
static void print_audit(struct nlattr **tb, struct nlattr *head, int len,
			bool details)
{
	unsigned long long total = 0, n = 0;
	struct nlattr *a;
	int rem;

	open_json_array("cpuid");
	nla_for_each_attr(a, head, len, rem) {
		struct nlattr *e[MV_A_QUERY_MAX + 1];
		uint32_t leaf, sub;
		uint64_t count;

		if (nla_type(a) != MV_A_GUEST_CPUID_QUERY ||
		    nla_parse_nested(e, MV_A_QUERY_MAX, a, NULL) < 0 ||
		    !e[MV_A_QUERY_LEAF] || !e[MV_A_QUERY_SUBLEAF] ||
		    !e[MV_A_QUERY_COUNT])
			continue;
		leaf = nla_get_u32(e[MV_A_QUERY_LEAF]);
		sub = nla_get_u32(e[MV_A_QUERY_SUBLEAF]);
		count = nla_get_u64(e[MV_A_QUERY_COUNT]);
		n++;
		total += count;
		open_json_object(NULL);
		print_hex(details ? PRINT_ANY : PRINT_JSON, "leaf",
			  "  cpuid 0x%llx", leaf);
		print_hex(details ? PRINT_ANY : PRINT_JSON, "subleaf", ".%llx", sub);
		print_uint(details ? PRINT_ANY : PRINT_JSON, "count", " x %llu", count);
		if (details && leaf_name(leaf))
			print_text(" (%s)", leaf_name(leaf));
		if (details)
			print_text("\n");
		close_json_object();
	}
	close_json_array();
	if (tb[MV_A_GUEST_CPUID_UNRECORDED])
		print_uint(PRINT_JSON, "cpuid_unrecorded", NULL,
			   nla_get_u64(tb[MV_A_GUEST_CPUID_UNRECORDED]));
	if (!n)
		return;
	print_text("  cpuid: %llu queries of %llu (leaf, subleaf) pairs", total, n);
	if (tb[MV_A_GUEST_CPUID_UNRECORDED])
		print_text(", %llu more of pairs beyond the audit's %d",
			   (unsigned long long)nla_get_u64(tb[MV_A_GUEST_CPUID_UNRECORDED]),
			   MV_CPUID_AUDIT_MAX);
	print_text("%s\n", details ? "" : " (-d lists them)");
}

static int on_guest(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	const bool *details = arg;
	struct nlattr *a;
	uint32_t state = tb[MV_A_GUEST_STATE] ? nla_get_u32(tb[MV_A_GUEST_STATE]) : 0;
	int rem;

	if (!tb[MV_A_GUEST_NAME])
		return -EPROTO;
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "guest %s", nla_get_string(tb[MV_A_GUEST_NAME]));
	print_string(PRINT_ANY, "state", " state %s", NAME_OF(state_names, state));
	if (tb[MV_A_GUEST_MEMORY])
		print_uint(PRINT_ANY, "memory", " memory %llu",
			   nla_get_u64(tb[MV_A_GUEST_MEMORY]));
	if (tb[MV_A_GUEST_ENTRY])
		print_hex(PRINT_ANY, "entry", " entry 0x%llx",
			  nla_get_u64(tb[MV_A_GUEST_ENTRY]));
	if (tb[MV_A_GUEST_CONSOLE_SIZE])
		print_uint(PRINT_ANY, "console_bytes", " console %llu",
			   nla_get_u64(tb[MV_A_GUEST_CONSOLE_SIZE]));
	print_string(PRINT_ANY, "baseline", " baseline %s",
		     tb[MV_A_GUEST_BASELINE] ?
		     nla_get_string(tb[MV_A_GUEST_BASELINE]) : "(host)");
	if (tb[MV_A_GUEST_POLICY_HASH])
		print_hex(PRINT_ANY, "policy_hash", " policy 0x%016llx",
			  nla_get_u64(tb[MV_A_GUEST_POLICY_HASH]));
	print_text("\n");
	/* An older module sends no rate: no line rather than a rate of 0. */
	if (tb[MV_A_GUEST_TSC_KHZ]) {
		print_uint(PRINT_ANY, "tsc_khz", "  tsc %llu kHz",
			   nla_get_u32(tb[MV_A_GUEST_TSC_KHZ]));
		if (tb[MV_A_GUEST_TSC_SCALED]) {
			bool scaled = nla_get_u8(tb[MV_A_GUEST_TSC_SCALED]);

			print_bool(PRINT_JSON, "tsc_scaled", NULL, scaled);
			print_string(PRINT_FP, NULL, " (%s)",
				     scaled ? "scaled" : "native");
		}
		print_text("\n");
	}
	open_json_object("violations");
	nla_for_each_attr(a, head, len, rem) {
		struct nlattr *e[MV_A_VIOLATION_MAX + 1];

		if (nla_type(a) != MV_A_GUEST_VIOLATION ||
		    nla_parse_nested(e, MV_A_VIOLATION_MAX, a, NULL) < 0 ||
		    !e[MV_A_VIOLATION_FEATURE] || !e[MV_A_VIOLATION_COUNT])
			continue;
		print_text("  hidden feature used:");
		print_uint(PRINT_ANY, nla_get_string(e[MV_A_VIOLATION_FEATURE]),
			   " %llu", nla_get_u64(e[MV_A_VIOLATION_COUNT]));
		print_text(" (%s)\n", nla_get_string(e[MV_A_VIOLATION_FEATURE]));
	}
	close_json_object();
	if (tb[MV_A_GUEST_STOP_REASON]) {
		uint32_t r = nla_get_u32(tb[MV_A_GUEST_STOP_REASON]);

		open_json_object("stop");
		print_string(PRINT_ANY, "reason", "  stopped: %s",
			     NAME_OF(stop_names, r));
		if (tb[MV_A_GUEST_STOP_INFO])
			print_hex(PRINT_ANY, "info", " info 0x%llx",
				  nla_get_u64(tb[MV_A_GUEST_STOP_INFO]));
		if (tb[MV_A_GUEST_STOP_RIP])
			print_hex(PRINT_ANY, "rip", " rip 0x%llx",
				  nla_get_u64(tb[MV_A_GUEST_STOP_RIP]));
		print_text("\n");
		close_json_object();
	}
	if (tb[MV_A_GUEST_PAUSE_REASON]) {
		uint32_t r = nla_get_u32(tb[MV_A_GUEST_PAUSE_REASON]);

		open_json_object("pause");
		print_string(PRINT_ANY, "reason", "  paused: %s",
			     NAME_OF(pause_names, r));
		if (tb[MV_A_GUEST_PAUSE_CPU] && pause_why(r)) {
			print_uint(PRINT_ANY, "cpu", " cpu %llu",
				   nla_get_u32(tb[MV_A_GUEST_PAUSE_CPU]));
			print_string(PRINT_ANY, "why", ": %s", pause_why(r));
		}
		print_text("\n");
		close_json_object();
	}
	open_json_object("exits");
	print_text("  exits:");
	nla_for_each_attr(a, head, len, rem) {
		struct nlattr *e[MV_A_EXIT_MAX + 1];
		const char *n;
		char buf[32];
		uint32_t r;

		if (nla_type(a) != MV_A_GUEST_EXITS ||
		    nla_parse_nested(e, MV_A_EXIT_MAX, a, NULL) < 0 ||
		    !e[MV_A_EXIT_REASON] || !e[MV_A_EXIT_COUNT])
			continue;
		r = nla_get_u32(e[MV_A_EXIT_REASON]);
		n = exit_name(r);
		if (!n) {
			snprintf(buf, sizeof(buf), "reason_%u", r);
			n = buf;
		}
		print_text(" %s", n);
		print_uint(PRINT_ANY, n, " %llu", nla_get_u64(e[MV_A_EXIT_COUNT]));
	}
	print_text("\n");
	close_json_object();
	print_audit(tb, head, len, *details);
	close_json_object();
	return 0;
}

static int guest_show(struct mvctl *ctl)
{
	const char *name = NULL, *w;
	struct nl_msg *msg;
	int ret;

	/* -d goes before the object in iproute2; after the name reads as well */
	while ((w = argv_next(ctl))) {
		if (!strcmp(w, "-d") || !strcmp(w, "--details") ||
		    !strcmp(w, "details")) {
			ctl->details = true;
		} else if (!name) {
			name = w;
		} else {
			fprintf(stderr, "Error: unexpected argument \"%s\".\n", w);
			return -EINVAL;
		}
	}

	msg = mvctl_msg(MV_CMD_GUEST_GET, name ? 0 : NLM_F_DUMP, false);
	if (!msg)
		return -ENOENT;
	if (name && nla_put_string(msg, MV_A_GUEST_NAME, name)) {
		nlmsg_free(msg);
		return mvnl_too_big("guest show");
	}
	open_json_array(NULL);
	ret = mvctl_send(msg, on_guest, &ctl->details, "guest show");
	close_json_array();
	return ret;
}

static int open_guest_fd(const char *name)
{
	struct mv_guest_open o = {};
	int fd, gfd;

	fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "Error: /dev/%s: %s.\n", MV_DEVICE_NAME, strerror(errno));
		return -errno;
	}
	snprintf(o.name, sizeof(o.name), "%s", name);
	gfd = ioctl(fd, MV_IOC_GUEST_OPEN, &o);
	if (gfd < 0) {
		gfd = -errno;
		fprintf(stderr, "Error: cannot open guest %s: %s.\n", name, strerror(errno));
	}
	close(fd);
	return gfd;
}

/* A stopped Linux guest's fd and its exit table, or -errno (said). */
static int open_table(const char *name, struct mv_lx_table *t, const char *what)
{
	struct shown s = {};
	char err[256];
	int ret, gfd;

	ret = guest_request(MV_CMD_GUEST_GET, name, what, 0, on_guest_found, &s);
	if (ret)
		return ret;
	if (s.state != MV_GUEST_STOPPED) {
		fprintf(stderr, "Error: guest %s is %s: a program's files can be copied once it ended and the guest stopped.\n",
			name, NAME_OF(state_names, s.state));
		return -EBUSY;
	}
	gfd = open_guest_fd(name);
	if (gfd < 0)
		return gfd;
	ret = mv_lx_table_read(gfd, s.mem, t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "Error: guest %s: %s.\n", name, err);
		close(gfd);
		return ret;
	}
	return gfd;
}

/* "guest files NAME": what a Linux program left, given and written */
static int guest_files(struct mvctl *ctl)
{
	const char *name = argv_next(ctl);
	struct mv_lx_table t;
	uint32_t i;
	int gfd;

	if (!name || ctl->argc) {
		fprintf(stderr, "Error: usage: mvctl guest files NAME\n");
		return -EINVAL;
	}
	gfd = open_table(name, &t, "guest files");
	if (gfd < 0)
		return gfd;
	open_json_array(NULL);
	for (i = 0; i < t.nfiles; i++) {
		struct mv_lx_out_entry e;

		mv_lx_table_entry(&t, i, &e);
		open_json_object(NULL);
		print_string(PRINT_ANY, "path", "%s", e.path);
		print_uint(PRINT_ANY, "size", " size %llu", e.size);
		print_uint(PRINT_JSON, "mode", NULL, e.mode);
		print_text(" mode 0%o", e.mode);
		print_uint(PRINT_JSON, "mtime_ns", NULL, e.mtime_ns);
		print_text("\n");
		close_json_object();
	}
	close_json_array();
	mv_lx_table_free(&t);
	close(gfd);
	return 0;
}

/*
 * "guest copy NAME GUEST_PATH HOST_PATH|-": the file as the program left
 * it. The copy appears whole under its name or not at all.
 */
static int guest_copy(struct mvctl *ctl)
{
	const char *name = argv_next(ctl), *gpath = argv_next(ctl);
	const char *hpath = argv_next(ctl);
	struct mv_lx_table t;
	char err[256], tmp[4096];
	int gfd, out, ret;

	if (!name || !gpath || !hpath || ctl->argc) {
		fprintf(stderr, "Error: usage: mvctl guest copy NAME GUEST_PATH HOST_PATH (- for stdout)\n");
		return -EINVAL;
	}
	gfd = open_table(name, &t, "guest copy");
	if (gfd < 0)
		return gfd;
	if (!strcmp(hpath, "-")) {
		out = STDOUT_FILENO;
	} else {
		snprintf(tmp, sizeof(tmp), "%s.mvctl-XXXXXX", hpath);
		mode_t mask = umask(0);

		umask(mask);
		out = mkstemp(tmp);
		if (out < 0) {
			ret = -errno;
			fprintf(stderr, "Error: cannot create %s: %s.\n", tmp, strerror(errno));
			goto out;
		}
		/* As a file the user made, not mkstemp's 0600 */
		fchmod(out, 0666 & ~mask);
	}
	ret = mv_lx_copy_file(gfd, &t, gpath, out, err, sizeof(err));
	if (ret)
		fprintf(stderr, "Error: guest %s: %s.\n", name, err);
	if (out != STDOUT_FILENO) {
		if (!ret && (fsync(out) || rename(tmp, hpath))) {
			ret = -errno;
			fprintf(stderr, "Error: cannot write %s: %s.\n", hpath, strerror(errno));
		}
		close(out);
		if (ret)
			unlink(tmp);
	}
out:
	mv_lx_table_free(&t);
	close(gfd);
	return ret;
}

static void load_error(const char *file, const char *name, int ret)
{
	fprintf(stderr, "Error: loading %s into %s: %s%s.\n", file, name,
		strerror(-ret), ret == -EBUSY ? " (the guest was started already)" : "");
}

/* The Linux personality, built into mvctl (lx_image.S). */
extern const unsigned char mv_lx_image[], mv_lx_image_end[];

struct lx_args {
	struct mv_lx_file_in files[MV_LX_MAX_FILES];
	size_t map_len[MV_LX_MAX_FILES];
	void *map[MV_LX_MAX_FILES];
	char *paths[MV_LX_MAX_FILES];
	int nfiles;
	char *env[MV_LX_MAX_ARGS];
	int nenv;
};

static int add_file(struct lx_args *a, const char *spec, bool is_stdin)
{
	struct mv_lx_file_in *f = &a->files[a->nfiles];
	char *host = strdup(spec), *colon, *base;
	struct stat st;

	if (!host)
		return -ENOMEM;
	if (a->nfiles == MV_LX_MAX_FILES - 1) {
		fprintf(stderr, "Error: at most %d files.\n", MV_LX_MAX_FILES - 1);
		free(host);
		return -E2BIG;
	}
	colon = is_stdin ? NULL : strchr(host, ':');
	if (colon)
		*colon++ = 0;
	if (stat(host, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "Error: %s: %s.\n", host,
			errno && !S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		free(host);
		return -EINVAL;
	}
	a->map[a->nfiles] = st.st_size ? mv_map_file(host, &a->map_len[a->nfiles]) : NULL;
	if (st.st_size && !a->map[a->nfiles]) {
		fprintf(stderr, "Error: cannot read %s: %s.\n", host, strerror(errno));
		free(host);
		return -EINVAL;
	}
	base = strrchr(host, '/');
	if (colon)
		a->paths[a->nfiles] = strdup(colon);
	else if (asprintf(&a->paths[a->nfiles], "/%s", base ? base + 1 : host) < 0)
		a->paths[a->nfiles] = NULL;
	free(host);
	if (!a->paths[a->nfiles])
		return -ENOMEM;
	f->path = a->paths[a->nfiles];
	f->data = a->map[a->nfiles];
	f->size = st.st_size;
	f->mode = st.st_mode & 07777;
	f->flags = is_stdin ? MV_LX_FILE_STDIN : 0;
	a->nfiles++;
	return 0;
}

static void free_args(struct lx_args *a)
{
	int i;

	for (i = 0; i < a->nfiles; i++) {
		if (a->map[i])
			munmap(a->map[i], a->map_len[i]);
		free(a->paths[i]);
	}
}

/*
 * A static Linux program: the personality at 1 MiB, then the hand-over
 * block and the packed program, strings and files, all checked first.
 */
static int load_linux(const char *name, const char *file, const void *img,
		      size_t len, uint64_t mem, struct lx_args *a, int argc,
		      char **argv)
{
	static char *const default_env[] = { "PATH=/bin:/usr/bin", "HOME=/" };
	char why[256], *args[MV_LX_MAX_ARGS], self[MV_LX_PATH_MAX];
	const char *base = strrchr(file, '/'), *kwhy = "";
	struct mv_guest_entry e = {};
	struct mv_lx_image im;
	struct mv_lx_prog p;
	struct mv_elf kel;
	int ret, gfd, i;

	base = base ? base + 1 : file;
	ret = mv_lx_check(img, len, &p, &kwhy);
	if (ret) {
		fprintf(stderr, "Error: %s: %s.\n", file, kwhy);
		return ret;
	}
	if (argc + 1 > MV_LX_MAX_ARGS) {
		fprintf(stderr, "Error: too many arguments: at most %d.\n", MV_LX_MAX_ARGS - 1);
		return -E2BIG;
	}
	snprintf(self, sizeof(self), "/bin/%s", base);
	args[0] = self;
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	ret = mv_lx_pack(img, len, &p, base, args, argc + 1,
			 a->nenv ? a->env : default_env, a->nenv ? a->nenv : 2,
			 a->files, a->nfiles, mem, &im, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "Error: %s into %s: %s.\n", file, name, why);
		return ret;
	}
	ret = mv_elf_check(mv_lx_image, mv_lx_image_end - mv_lx_image, mem,
			   MV_GPA_LOAD_MIN, &kel, &kwhy);
	if (ret) {
		fprintf(stderr, "Error: the built-in Linux personality: %s.\n", kwhy);
		goto out;
	}
	gfd = open_guest_fd(name);
	if (gfd < 0) {
		ret = gfd;
		goto out;
	}
	ret = mv_elf_write(gfd, mv_lx_image, &kel);
	if (!ret && pwrite(gfd, &im.boot, sizeof(im.boot), MV_LX_BOOT_GPA) !=
		    (ssize_t)sizeof(im.boot))
		ret = -errno;
	if (!ret && pwrite(gfd, im.blob, im.blob_len, im.boot.files_gpa) !=
		    (ssize_t)im.blob_len)
		ret = -errno;
	e.rip = kel.entry;
	if (!ret && ioctl(gfd, MV_IOC_SET_ENTRY, &e))
		ret = -errno;
	close(gfd);
	if (ret)
		load_error(file, name, ret);
	else
		print_text("loaded %s into %s as a Linux program: %u segment(s)%s, %d file(s), entry 0x%llx\n",
			   file, name, p.nseg, p.pie ? " (static PIE)" : "",
			   a->nfiles, (unsigned long long)p.entry);
out:
	free(im.blob);
	return ret;
}

static int guest_load(struct mvctl *ctl)
{
	const char *name = argv_next(ctl), *file, *why = "";
	struct lx_args *a = calloc(1, sizeof(*a));
	bool extra = false;
	struct mv_elf elf;
	struct shown s;
	size_t len;
	void *img;
	int gfd, ret;

	if (!a)
		return -ENOMEM;
	while (name && ctl->argc) {
		bool is_stdin = argv_match(ctl, "stdin");
		const char *v;

		if (!is_stdin && !argv_match(ctl, "file")) {
			if (argv_match(ctl, "env")) {
				v = argv_next(ctl);
				if (!v || !strchr(v, '=') || a->nenv == MV_LX_MAX_ARGS) {
					fprintf(stderr, "Error: env takes NAME=VALUE.\n");
					ret = -EINVAL;
					goto out_args;
				}
				a->env[a->nenv++] = (char *)v;
				extra = true;
				continue;
			}
			argv_match(ctl, "--");
			break;
		}
		v = argv_next(ctl);
		if (!v) {
			fprintf(stderr, "Error: %s takes a file.\n", is_stdin ? "stdin" : "file");
			ret = -EINVAL;
			goto out_args;
		}
		ret = add_file(a, v, is_stdin);
		if (ret)
			goto out_args;
		extra = true;
	}
	file = argv_next(ctl);
	if (!name || !file) {
		fprintf(stderr, "Error: usage: mvctl guest load NAME [ file HOST[:GUEST] | stdin FILE | env NAME=VALUE ]... PROGRAM [ ARGS... ]\n");
		ret = -EINVAL;
		goto out_args;
	}
	ret = guest_request(MV_CMD_GUEST_GET, name, "guest load", 0, on_guest_found, &s);
	if (ret)
		goto out_args;
	img = mv_map_file(file, &len);
	if (!img) {
		fprintf(stderr, "Error: cannot read %s: %s.\n", file,
			errno == ENODATA ? "empty file" : strerror(errno));
		ret = -EINVAL;
		goto out_args;
	}
	if (!mv_elf_is_native(img, len)) {
		ret = load_linux(name, file, img, len, s.mem, a, ctl->argc, ctl->argv);
		goto out_unmap;
	}
	if (extra || ctl->argc) {
		fprintf(stderr, "Error: %s is a migvisor guest image: it takes no arguments, files or environment.\n",
			file);
		ret = -EINVAL;
		goto out_unmap;
	}
	ret = mv_elf_check(img, len, s.mem, MV_GPA_LOAD_MIN, &elf, &why);
	if (ret) {
		fprintf(stderr, "Error: %s: %s.\n", file, why);
		goto out_unmap;
	}
	gfd = open_guest_fd(name);
	if (gfd < 0) {
		ret = gfd;
		goto out_unmap;
	}
	ret = mv_elf_load(gfd, img, &elf);
	close(gfd);
	if (ret)
		load_error(file, name, ret);
	else
		print_text("loaded %s into %s: %u segment(s), entry 0x%llx\n", file,
			   name, elf.nseg, (unsigned long long)elf.entry);
out_unmap:
	munmap(img, len);
out_args:
	free_args(a);
	free(a);
	return ret;
}

struct con {
	uint64_t next;
	uint32_t state;
	size_t got;
};

static int on_console(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	struct con *c = arg;
	struct nlattr *d = tb[MV_A_GUEST_CONSOLE_DATA];

	if (!tb[MV_A_GUEST_CONSOLE_OFFSET])
		return -EPROTO;
	c->got = d ? nla_len(d) : 0;
	if (c->got)
		fwrite(nla_data(d), 1, c->got, stdout);
	c->next = nla_get_u64(tb[MV_A_GUEST_CONSOLE_OFFSET]) + c->got;
	c->state = tb[MV_A_GUEST_STATE] ? nla_get_u32(tb[MV_A_GUEST_STATE]) : 0;
	return 0;
}

static int guest_console(struct mvctl *ctl)
{
	const char *name = argv_next(ctl);
	bool follow = argv_match(ctl, "-f");
	struct con c = {};
	int ret;

	if (!name || ctl->argc) {
		fprintf(stderr, "Error: usage: mvctl guest console NAME [ -f ]\n");
		return -EINVAL;
	}
	for (;;) {
		struct nl_msg *msg = mvctl_msg(MV_CMD_GUEST_CONSOLE, 0, false);

		if (!msg) {
			ret = -ENOENT;
			break;
		}
		if (nla_put_string(msg, MV_A_GUEST_NAME, name) ||
		    nla_put_u64(msg, MV_A_GUEST_CONSOLE_OFFSET, c.next)) {
			nlmsg_free(msg);
			ret = mvnl_too_big("guest console");
			break;
		}
		ret = mvctl_send(msg, on_console, &c, "guest console");
		if (ret)
			break;
		fflush(stdout);
		if (c.got)
			continue;
		/* Drained: stop, or wait for more while the guest can write. */
		if (!follow || c.state == MV_GUEST_STOPPED)
			break;
		usleep(100 * 1000);
	}
	return ret;
}

/* An event is a line of text, or a JSON object on a line of its own. */
static int event_end(void)
{
	close_json_object();
	print_text("\n");
	if (is_json())
		printf("\n");
	fflush(stdout);
	return NL_OK;
}

static int on_event(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[MVNL_ATTR_MAX + 1];
	uint32_t ev;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, MVNL_ATTR_MAX, NULL) < 0)
		return NL_OK;
	if (genlmsg_hdr(nlmsg_hdr(m))->cmd == MV_CMD_HOST_EVENT &&
	    tb[MV_A_HOST_MAINTENANCE]) {
		bool on = nla_get_u8(tb[MV_A_HOST_MAINTENANCE]);

		open_json_object(NULL);
		print_string(PRINT_ANY, "event", "%s", "maintenance");
		print_bool(PRINT_JSON, "maintenance", NULL, on);
		print_string(PRINT_FP, NULL, " %s", on ? "on" : "off");
		return event_end();
	}
	if (!tb[MV_A_GUEST_EVENT] || !tb[MV_A_GUEST_NAME])
		return NL_OK;
	ev = nla_get_u32(tb[MV_A_GUEST_EVENT]);
	open_json_object(NULL);
	print_string(PRINT_ANY, "event", "%s", NAME_OF(event_names, ev));
	print_string(PRINT_ANY, "guest", " guest %s", nla_get_string(tb[MV_A_GUEST_NAME]));
	if (tb[MV_A_GUEST_STOP_REASON])
		print_string(PRINT_ANY, "reason", " reason %s",
			     NAME_OF(stop_names, nla_get_u32(tb[MV_A_GUEST_STOP_REASON])));
	if (tb[MV_A_GUEST_STOP_INFO])
		print_hex(PRINT_ANY, "info", " info 0x%llx",
			  nla_get_u64(tb[MV_A_GUEST_STOP_INFO]));
	if (ev == MV_EVENT_PAUSED && tb[MV_A_GUEST_PAUSE_REASON]) {
		uint32_t r = nla_get_u32(tb[MV_A_GUEST_PAUSE_REASON]);

		print_string(PRINT_ANY, "pause_reason", " reason %s",
			     NAME_OF(pause_names, r));
		if (pause_why(r))
			print_string(PRINT_ANY, "why", " (%s)", pause_why(r));
	}
	return event_end();
}

int cmd_monitor(struct mvctl *ctl)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp, ret;

	/* Its own socket: events arrive on it, in no request's reply. */
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "Error: %s.\n", mvnl_open_error(-ECONNREFUSED));
		return -ECONNREFUSED;
	}
	grp = genl_ctrl_resolve_grp(sk, MV_GENL_NAME, MV_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "Error: %s.\n", mvnl_open_error(-ENOENT));
		nl_socket_free(sk);
		return -ENOENT;
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, NULL);
	ret = nl_socket_add_membership(sk, grp);
	if (ret < 0) {
		fprintf(stderr, "Error: cannot join the events group.\n");
		nl_socket_free(sk);
		return -EPERM;
	}
	/* Events are separate JSON objects, one per line, with -j. */
	for (;;) {
		ret = nl_recvmsgs_default(sk);
		if (ret < 0 && ret != -NLE_INTR)
			break;
	}
	nl_socket_free(sk);
	return 0;
}

/* "guest start|pause|resume|del NAME": the name and nothing else */
static int by_name(struct mvctl *ctl, uint8_t cmd, const char *verb)
{
	const char *name = argv_next(ctl);
	char what[32];

	if (!name || ctl->argc) {
		fprintf(stderr, "Error: usage: mvctl guest %s NAME\n", verb);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "guest %s", verb);
	return guest_request(cmd, name, what, 0, NULL, NULL);
}

static int guest_start(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_GUEST_START, "start");
}

static int guest_pause(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_GUEST_PAUSE, "pause");
}

static int guest_resume(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_GUEST_RESUME, "resume");
}

static int guest_del(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_GUEST_DEL, "del");
}

int cmd_guest(struct mvctl *ctl)
{
	static const struct mvctl_cmd cmds[] = {
		{ "show", guest_show },
		{ "add", guest_add },
		{ "load", guest_load },
		{ "console", guest_console },
		{ "files", guest_files },
		{ "copy", guest_copy },
		{ "start", guest_start },
		{ "pause", guest_pause },
		{ "resume", guest_resume },
		{ "del", guest_del },
		{}
	};

	return mvctl_dispatch(ctl, "guest", cmds, usage);
}
