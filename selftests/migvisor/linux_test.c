// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified static Linux programs as guests, under the Linux personality
 * that mvctl loads with them (guests/linux): a gcc -static and a musl-gcc
 * -static program (guests/programs/lxinfo.c) and Debian's busybox-static,
 * whose applets must print byte for byte what they print when the host's
 * Linux runs them. Also what a fault, an unknown system call and a program
 * mvctl must refuse do. Runs after module_test, on every CPU model.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/migvisor.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_guest.h"

#define DATA "/tmp/lx-data.txt"

/* What the guest console held when the program stopped, and its status. */
static char console[MV_CONSOLE_SIZE];
static size_t console_len;

static uint64_t fnv1a_file(const char *path, long *size)
{
	uint64_t h = MV_FNV1A_INIT;
	unsigned char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*size = 0;
	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		h = mv_fnv1a(h, buf, n);
		*size += n;
	}
	close(fd);
	return h;
}

/* A few hundred lines of text that sort, awk and gzip have work on. */
static int make_data(void)
{
	FILE *f = fopen(DATA, "w");
	unsigned int x = 12345;

	if (!f)
		return -1;
	for (int i = 0; i < 600; i++) {
		x = x * 1103515245 + 12345;
		fprintf(f, "item%03u region%u %u.%02u\n", (x >> 8) % 997,
			(x >> 4) % 7, (x >> 12) % 500, (x >> 3) % 100);
	}
	if (fclose(f))
		return -1;
	return system("gzip -9 -c " DATA " > " DATA ".gz");
}

/*
 * guest add NAME memory 64M [baseline B], load "LOAD", start, wait until
 * it stops; the console lands in console[] (binary: through a file) and
 * the stop line in mv_out. 0, or -1 with the reason in mv_out.
 */
static int run_program(const char *name, const char *baseline, const char *load)
{
	char cmd[1024];
	char path[64];
	ssize_t n;

	if (mv_mvctl("guest add %s memory 64M%s%s", name,
		     baseline ? " baseline " : "", baseline ?: ""))
		return -1;
	if (mv_mvctl("guest load %s %s", name, load))
		return -1;
	if (mv_mvctl("guest start %s", name))
		return -1;
	if (!mv_wait_for(name, "state stopped", 120))
		return -1;
	snprintf(path, sizeof(path), "/tmp/lx-console-%s", name);
	snprintf(cmd, sizeof(cmd), "mvctl guest console %s > %s", name, path);
	if (system(cmd))
		return -1;
	n = mv_slurp(path, console, sizeof(console));
	unlink(path);
	if (n < 0)
		return -1;
	console_len = n;
	return mv_mvctl("guest show %s", name);
}

/*
 * Run @exe natively, as the host's Linux runs it, in a root laid out as
 * the guest's tree (/bin/NAME, /data/sales.txt, /data/sales.txt.gz), so
 * that every path it prints is the same; its stdout lands in @out.
 */
static int run_native(const char *exe, const char *args, bool data_on_stdin,
		      char *out, size_t len, size_t *got)
{
	const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	char cmd[1024];
	ssize_t n;

	if (system("rm -rf /tmp/lxroot && mkdir -p /tmp/lxroot/data /tmp/lxroot/bin /tmp/lxroot/tmp"))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp %s /tmp/lxroot/data/sales.txt && cp %s.gz /tmp/lxroot/data/sales.txt.gz",
		 DATA, DATA);
	if (system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp %s /tmp/lxroot/bin/ && cd /tmp/lxroot && chroot . /bin/%s %s %s > /tmp/lx-native",
		 exe, base, args, data_on_stdin ? "< data/sales.txt" : "");
	if (system(cmd))
		return -1;
	n = mv_slurp("/tmp/lx-native", out, len);
	if (n < 0)
		return -1;
	*got = n;
	return system("rm -rf /tmp/lxroot /tmp/lx-native");
}

/* The console without the personality's own "mvlinux: " lines. */
static size_t program_output(char *dst, size_t len)
{
	const char *p = console, *end = console + console_len, *q;
	size_t n = 0;

	/*
	 * The personality's exit report is the console's last line, and it
	 * follows the program's last byte, which need not end a line (gzip).
	 */
	for (q = console; (q = memmem(q, end - q, "mvlinux: exit ", 14)); q++) {
		if (memchr(q, '\n', end - q) == end - 1) {
			end = q;
			break;
		}
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (!(l >= 9 && !memcmp(p, "mvlinux: ", 9)) && n + l <= len) {
			memcpy(dst + n, p, l);
			n += l;
		}
		p += l;
	}
	return n;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Built only where its toolchain is: missing is a failure in the rig only */
static bool program_built(const char *elf)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.elf", mv_guests_dir(), elf);
	return !access(path, R_OK) || mv_in_rig();
}

/*
 * Every fixture starts and ends with no guests and without the baseline
 * it defines (@baseline, or NULL); @data also writes DATA and DATA.gz for
 * the program to read. 0, or -1 with the reason on stderr.
 */
static int lx_begin(const char *baseline, bool data)
{
	if (!mv_module_loaded() && mv_module_load()) {
		fprintf(stderr, "# migvisor did not load (tried %s)\n", mv_module_tried());
		return -1;
	}
	mv_delete_all_guests();
	if (baseline)
		mv_mvctl("baseline del %s", baseline);
	if (data && make_data()) {
		fprintf(stderr, "# cannot write %s and %s.gz\n", DATA, DATA);
		return -1;
	}
	return 0;
}

static void lx_end(const char *baseline)
{
	mv_delete_all_guests();
	if (baseline)
		mv_mvctl("baseline del %s", baseline);
	unlink(DATA);
	unlink(DATA ".gz");
}

FIXTURE(lx) {};

FIXTURE_VARIANT(lx) {
	const char *elf;
};

FIXTURE_SETUP(lx)
{
	if (!program_built(variant->elf))
		SKIP(return, "%s.elf was not built: apt install musl-tools", variant->elf);
	ASSERT_EQ(0, lx_begin(NULL, true));
}

FIXTURE_TEARDOWN(lx)
{
	lx_end(NULL);
}

FIXTURE_VARIANT_ADD(lx, static_glibc) { .elf = "lxinfo-glibc" };
FIXTURE_VARIANT_ADD(lx, static_musl) { .elf = "lxinfo-musl" };

/* argv, the environment, the auxiliary vector, a packed file, a new file */
/*
 * What the program left, out through mvctl guest files and copy: the file
 * it wrote (and renamed) and the one it was given, byte for byte; a path
 * it never had is refused and leaves nothing behind.
 */
static void check_copy_out(struct __test_metadata *_metadata, const char *name,
			   uint64_t data_fnv, long data_size)
{
	char want[128];
	long size;

	ASSERT_EQ(0, mv_mvctl("guest files %s", name)) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "/tmp/new.txt size 21 mode 0644\n")) {
		TH_LOG("%s", mv_out);
	}
	snprintf(want, sizeof(want), "/data/sales.txt size %ld ", data_size);
	EXPECT_NE(NULL, strstr(mv_out, want));
	EXPECT_EQ(NULL, strstr(mv_out, "/tmp/out.txt"));
	unlink("/tmp/lx-copied");
	ASSERT_EQ(0, mv_mvctl("guest copy %s /tmp/new.txt /tmp/lx-copied", name)) {
		TH_LOG("%s", mv_out);
	}
	mv_slurp("/tmp/lx-copied", want, sizeof(want));
	EXPECT_STREQ("written in the guest\n", want);
	ASSERT_EQ(0, mv_mvctl("guest copy %s /data/sales.txt /tmp/lx-copied", name));
	EXPECT_EQ(data_fnv, fnv1a_file("/tmp/lx-copied", &size));
	EXPECT_EQ(data_size, size);
	unlink("/tmp/lx-copied");
	EXPECT_NE(0, mv_mvctl("guest copy %s /tmp/nope /tmp/lx-copied", name));
	EXPECT_NE(NULL, strstr(mv_out, "the guest has no file /tmp/nope")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(0, access("/tmp/lx-copied", F_OK));
	ASSERT_EQ(0, mv_mvctl("-j guest files %s", name));
	EXPECT_EQ(0, mv_json_validate(mv_out));
}

/* The highest basic leaf of the host's offer: what a guest without a baseline sees */
static unsigned long offer_max_leaf(void)
{
	const char *p;

	if (mv_mvctl("-j host show"))
		return 0;
	p = strstr(mv_out, "\"offer\":");
	p = p ? strstr(p, "\"max_leaf\":\"") : NULL;
	return p ? strtoul(p + strlen("\"max_leaf\":\""), NULL, 16) : 0;
}

TEST_F(lx, info)
{
	unsigned long max_leaf;
	char load[512], want[256];
	uint64_t h;
	long size;

	h = fnv1a_file(DATA, &size);
	ASSERT_GT(size, 0);
	snprintf(load, sizeof(load),
		 "file %s:/data/sales.txt env LANG=C env MV_TEST=linux %s/%s.elf info /data/sales.txt",
		 DATA, mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxi", NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0")) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	snprintf(want, sizeof(want), "argv[0] /bin/%s.elf\nargv[1] info\nargv[2] /data/sales.txt\n",
		 variant->elf);
	EXPECT_NE(NULL, strstr(console, want)) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "env LANG=C\nenv MV_TEST=linux\nauxv"));
	EXPECT_NE(NULL, strstr(console, "auxv pagesz 4096 clktck 100 secure 0 uid 0 gid 0\n"));
	snprintf(want, sizeof(want), "platform x86_64 execfn /bin/%s.elf\n", variant->elf);
	EXPECT_NE(NULL, strstr(console, want));
	EXPECT_NE(NULL, strstr(console, "auxv minsigstksz ok random ok\n"));
	EXPECT_NE(NULL, strstr(console, "uname Linux x86_64\n"));
	EXPECT_NE(NULL, strstr(console, "cwd /\n"));
	snprintf(want, sizeof(want), "file /data/sales.txt size %ld read %ld fnv %016llx\n",
		 size, size, (unsigned long long)h);
	EXPECT_NE(NULL, strstr(console, want)) {
		TH_LOG("want %s in %s", want, console);
	}
	EXPECT_NE(NULL, strstr(console, "write-back ok\n"));
	check_copy_out(_metadata, "lxi", h, size);
	/* Nothing the program did needed a call the personality lacks. */
	EXPECT_EQ(NULL, strstr(console, "is not supported")) {
		TH_LOG("%s", console);
	}
	/*
	 * The CPUID audit tells the two C libraries apart: glibc reads the
	 * leaves its string functions and cache tuning are chosen by (7.1,
	 * 0xd.1 where the offer reaches leaf 0xd, the leaf-2 descriptors),
	 * musl reads none. The personality itself asks for none of those.
	 */
	max_leaf = offer_max_leaf();
	ASSERT_GE(max_leaf, 7);
	ASSERT_EQ(0, mv_mvctl("guest show lxi -d"));
	if (strstr(variant->elf, "glibc")) {
		EXPECT_NE(NULL, strstr(mv_out, "\n  cpuid 0x7.1 x ")) {
			TH_LOG("%s", mv_out);
		}
		EXPECT_EQ(max_leaf >= 0xd, !!strstr(mv_out, "\n  cpuid 0xd.1 x ")) {
			TH_LOG("the host's offer reaches leaf 0x%lx", max_leaf);
		}
		EXPECT_NE(NULL, strstr(mv_out, "\n  cpuid 0x2.0 x "));
	} else {
		EXPECT_EQ(NULL, strstr(mv_out, "\n  cpuid 0x7.1 x ")) {
			TH_LOG("%s", mv_out);
		}
		EXPECT_EQ(NULL, strstr(mv_out, "\n  cpuid 0xd.1 x "));
		EXPECT_EQ(NULL, strstr(mv_out, "\n  cpuid 0x2.0 x "));
	}
	TH_LOG("%s", strstr(mv_out, "\n  cpuid 0x") ?: mv_out);
}

TEST_F(lx, clocks)
{
	char load[256];

	snprintf(load, sizeof(load), "%s/%s.elf time", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxt", NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0"));
	EXPECT_NE(NULL, strstr(console, "slept ok")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "realtime ok\n"));
	EXPECT_NE(NULL, strstr(console, "resolution ok\n"));
}

/* A handler the program set gets the fault; without one the program ends. */
TEST_F(lx, faults)
{
	char load[256];

	snprintf(load, sizeof(load), "%s/%s.elf segv-handled", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxf1", NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(console, "handler: SIGSEGV at the bad address\n")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "mvlinux: SIGSEGV")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "address 0x10, code: ")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x2a")) {
		TH_LOG("%s", mv_out);
	}

	snprintf(load, sizeof(load), "%s/%s.elf segv", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxf2", NULL, load));
	EXPECT_NE(NULL, strstr(console, "address 0x10, code: ")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "mvlinux: program ended by SIGSEGV")) {
		TH_LOG("%s", console);
	}
	/* 128 + SIGSEGV, as a shell reports it */
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x8b")) {
		TH_LOG("%s", mv_out);
	}

	snprintf(load, sizeof(load), "%s/%s.elf ud", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxf3", NULL, load));
	/* the instruction's bytes: ud2 */
	EXPECT_NE(NULL, strstr(console, "mvlinux: SIGILL")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "code: 0f 0b")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x84")) {
		TH_LOG("%s", mv_out);
	}

	snprintf(load, sizeof(load), "%s/%s.elf exit 7", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxf4", NULL, load));
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x7")) {
		TH_LOG("%s", mv_out);
	}
}

/* Unknown calls answer ENOSYS, and the console names each one once. */
TEST_F(lx, unknown_syscalls)
{
	char load[256];

	snprintf(load, sizeof(load), "%s/%s.elf nosys", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_program("lxn", NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0"));
	EXPECT_NE(NULL, strstr(console, "syscall 999: -1 Function not implemented\n")) {
		TH_LOG("%s", console);
	}
	EXPECT_EQ(1, count(console, "mvlinux: syscall 999 ")) {
		TH_LOG("%s", console);
	}
	EXPECT_NE(NULL, strstr(console, "fork: -1 Function not implemented\n")) {
		TH_LOG("%s", console);
	}
	EXPECT_EQ(1, count(console, "threads and processes are not supported")) {
		TH_LOG("%s", console);
	}
}

FIXTURE(bb) {};
FIXTURE_SETUP(bb)
{
	/* The rig has it; a server may not */
	if (access("/bin/busybox", X_OK) && !mv_in_rig())
		SKIP(return, "no /bin/busybox: apt install busybox-static");
	ASSERT_EQ(0, lx_begin(NULL, true));
}

FIXTURE_TEARDOWN(bb)
{
	lx_end(NULL);
}

FIXTURE_VARIANT(bb) {
	const char *applet;	/* the command line, after "busybox" */
	bool data_on_stdin;
};

FIXTURE_VARIANT_ADD(bb, sha256sum) { .applet = "sha256sum /data/sales.txt" };
FIXTURE_VARIANT_ADD(bb, md5sum_stdin) { .applet = "md5sum", .data_on_stdin = true };
FIXTURE_VARIANT_ADD(bb, wc) { .applet = "wc /data/sales.txt" };
FIXTURE_VARIANT_ADD(bb, sort) { .applet = "sort -k3,3n -k1,1 /data/sales.txt" };
FIXTURE_VARIANT_ADD(bb, awk) {
	.applet = "awk '{ n[$2]++; s[$2] += $3 } END { for (r in n) printf \"%s %d %.2f\\n\", r, n[r], s[r] }' /data/sales.txt"
};
FIXTURE_VARIANT_ADD(bb, gzip) { .applet = "gzip -9 -c /data/sales.txt" };
FIXTURE_VARIANT_ADD(bb, gunzip) { .applet = "gunzip -c /data/sales.txt.gz" };
FIXTURE_VARIANT_ADD(bb, sed_tr) { .applet = "sed -n s/region/R/p /data/sales.txt" };

/* The applet's output in the guest equals, byte for byte, the host's. */
TEST_F(bb, busybox)
{
	static char native[MV_CONSOLE_SIZE], guest[MV_CONSOLE_SIZE];
	char load[1024];
	size_t nn, gn;

	ASSERT_EQ(0, run_native("/bin/busybox", variant->applet, variant->data_on_stdin,
				native, sizeof(native), &nn));
	ASSERT_GT(nn, 0);

	snprintf(load, sizeof(load),
		 "file %s:/data/sales.txt file %s.gz:/data/sales.txt.gz %s/bin/busybox %s",
		 DATA, DATA, variant->data_on_stdin ? "stdin " DATA " " : "",
		 variant->applet);
	ASSERT_EQ(0, run_program("bb", NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0")) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	gn = program_output(guest, sizeof(guest));
	EXPECT_EQ(nn, gn) {
		TH_LOG("native %zu bytes, guest %zu: %.400s", nn, gn, console);
	}
	EXPECT_EQ(0, memcmp(native, guest, nn < gn ? nn : gn));
}

/*
 * Programs over Debian's static libraries: SQLite's reporting workload
 * (its database a file in the guest's tree) and a zstd round trip, whose
 * decoder dispatches on BMI2. Under the host's full offer and under
 * nehalem, both print what the host's Linux makes them print.
 */
FIXTURE(prog) {};

FIXTURE_VARIANT(prog) {
	const char *elf, *args, *model;
};

FIXTURE_SETUP(prog)
{
	if (!program_built(variant->elf))
		SKIP(return, "%s.elf was not built: apt install libsqlite3-dev libzstd-dev",
		     variant->elf);
	ASSERT_EQ(0, lx_begin("lxp", true));
}

FIXTURE_TEARDOWN(prog)
{
	lx_end("lxp");
}

FIXTURE_VARIANT_ADD(prog, sqlite_host) {
	.elf = "sqlreport", .args = "/tmp/sales.db 3000 4"
};
FIXTURE_VARIANT_ADD(prog, sqlite_nehalem) {
	.elf = "sqlreport", .args = "/tmp/sales.db 3000 4", .model = "nehalem"
};
FIXTURE_VARIANT_ADD(prog, zstd_host) { .elf = "zround", .args = "/data/sales.txt" };
FIXTURE_VARIANT_ADD(prog, zstd_nehalem) {
	.elf = "zround", .args = "/data/sales.txt", .model = "nehalem"
};

TEST_F(prog, same_as_native)
{
	static char native[MV_CONSOLE_SIZE], guest[MV_CONSOLE_SIZE];
	char exe[256], load[1024];
	size_t nn, gn;

	snprintf(exe, sizeof(exe), "%s/%s.elf", mv_guests_dir(), variant->elf);
	ASSERT_EQ(0, run_native(exe, variant->args, false, native, sizeof(native), &nn));
	ASSERT_GT(nn, 0);
	if (variant->model)
		ASSERT_EQ(0, mv_mvctl("baseline add lxp model %s", variant->model));
	snprintf(load, sizeof(load), "file %s:/data/sales.txt %s %s", DATA, exe, variant->args);
	ASSERT_EQ(0, run_program("lxp", variant->model ? "lxp" : NULL, load)) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0")) {
		TH_LOG("%s\n%.3000s", mv_out, console);
	}
	gn = program_output(guest, sizeof(guest));
	EXPECT_EQ(nn, gn);
	EXPECT_EQ(0, memcmp(native, guest, nn < gn ? nn : gn)) {
		TH_LOG("native:\n%.1500s\nguest:\n%.1500s", native, console);
	}
	EXPECT_EQ(NULL, strstr(console, "is not supported")) {
		TH_LOG("%s", console);
	}
	/* What the test programs needed, for the record */
	if (strstr(console, "mvlinux: "))
		TH_LOG("%.1000s", strstr(console, "mvlinux: "));
}

/*
 * glibc's own view of the CPU: Debian's dynamic loader run as a program
 * (ld.so --list-diagnostics). Under each baseline glibc must see the
 * baseline's CPUID words, mark active only what they offer, and pick the
 * baseline's ISA level; its whole output is logged as an MV-DIGEST, which
 * scripts/check compares between the CPU models.
 */
FIXTURE(ld) {};
FIXTURE_SETUP(ld)
{
	ASSERT_EQ(0, lx_begin("lxb", false));
}

FIXTURE_TEARDOWN(ld)
{
	lx_end("lxb");
}

FIXTURE_VARIANT(ld) {
	const char *model;
	unsigned int isa_1;	/* x86-64 baseline, v2, v3, v4: bits 0-3 */
	/* a feature it needs beyond Nehalem's: its name, its 7.0:EBX bit */
	const char *needs;
	unsigned int needs_bit;
};

FIXTURE_VARIANT_ADD(ld, nehalem) { .model = "nehalem", .isa_1 = 0x3 };
FIXTURE_VARIANT_ADD(ld, x86_64_v2) { .model = "x86-64-v2", .isa_1 = 0x3 };
FIXTURE_VARIANT_ADD(ld, x86_64_v3) {
	.model = "x86-64-v3", .isa_1 = 0x7, .needs = "avx2", .needs_bit = 5
};
FIXTURE_VARIANT_ADD(ld, skylake_server) {
	.model = "skylake-server", .isa_1 = 0xf, .needs = "avx512f", .needs_bit = 16
};

/*
 * The CPU's own CPUID, not /proc/cpuinfo: a host kernel that leaves
 * XSAVE off hides AVX there, though migvisor can still offer it.
 */
static bool host_has(unsigned int bit)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> bit & 1);
}

/* glibc's cpu_features index: which CPUID (leaf, subleaf) each word holds */
static const struct { uint32_t leaf, sub, mask[4]; } glibc_words[] = {
	/* leaf 1: the APIC ID and CR4.OSXSAVE's bit are the vCPU's own */
	{ 1, 0, { ~0u, 0x00ffffff, ~(1u << 27), ~0u } },
	{ 7, 0, { ~0u, ~0u, ~(1u << 4), ~0u } },	/* OSPKE: CR4 */
	{ 0x80000001, 0, { ~0u, ~0u, ~0u, ~0u } },
	{ 0xd, 1, { ~0u, 0, ~0u, ~0u } },		/* EBX: XCR0's size */
	{ 0x80000007, 0, { ~0u, ~0u, ~0u, ~0u } },
	{ 0x80000008, 0, { ~0u, ~0u, ~0u, ~0u } },
	{ 7, 1, { ~0u, ~0u, ~0u, ~0u } },
	{ 0x19, 0, { ~0u, ~0u, ~0u, ~0u } },
	{ 0x14, 0, { ~0u, ~0u, ~0u, ~0u } },
};

/* The baseline's answer for (leaf, sub), from "mvctl baseline cpuid". */
static bool baseline_leaf(const char *dump, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "cpuid %08x.%x: ", leaf, sub);
	p = strstr(dump, key);
	return p && sscanf(p + strlen(key), "%x %x %x %x", &r[0], &r[1], &r[2], &r[3]) == 4;
}

static bool diag_value(const char *out, const char *key, unsigned long long *v)
{
	char k[96];
	const char *p;

	snprintf(k, sizeof(k), "\n%s=", key);
	p = strstr(out, k);
	return p && sscanf(p + strlen(k), "%llx", v) == 1;
}

TEST_F(ld, list_diagnostics)
{
	static char out[MV_CONSOLE_SIZE], dump[sizeof(mv_out)];
	uint32_t max_basic, max_ext, b[4], r0[4];
	unsigned long long v, cpuid, active;
	size_t n;

	ASSERT_EQ(0, mv_mvctl("baseline add lxb model %s", variant->model));
	if (variant->needs && !host_has(variant->needs_bit)) {
		/* Too new for this host: refused at admission, by name */
		EXPECT_NE(0, mv_mvctl("guest add lxd memory 64M baseline lxb"));
		EXPECT_NE(NULL, strstr(mv_out, "this host cannot satisfy the baseline")) {
			TH_LOG("%s", mv_out);
		}
		EXPECT_NE(NULL, strstr(mv_out, variant->needs));
		TH_LOG("%s: refused here, as it must be", variant->model);
		return;
	}
	ASSERT_EQ(0, mv_mvctl("baseline cpuid lxb"));
	snprintf(dump, sizeof(dump), "%s", mv_out);
	ASSERT_TRUE(baseline_leaf(dump, 0, 0, r0));
	max_basic = r0[0];
	ASSERT_TRUE(baseline_leaf(dump, 0x80000000, 0, r0));
	max_ext = r0[0];

	ASSERT_EQ(0, run_program("lxd", "lxb", "/lib64/ld-linux-x86-64.so.2 --list-diagnostics")) {
		TH_LOG("%s\n%s", mv_out, console);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0")) {
		TH_LOG("%s\n%.2000s", mv_out, console);
	}
	out[0] = '\n';
	n = program_output(out + 1, sizeof(out) - 2);
	out[n + 1] = 0;

	ASSERT_TRUE(diag_value(out, "x86.cpu_features.isa_1", &v)) {
		TH_LOG("%.2000s", console);
	}
	EXPECT_EQ(variant->isa_1, v);
	TH_LOG("%s: glibc's isa_1 %#llx", variant->model, v);
	for (size_t i = 0; i < ARRAY_SIZE(glibc_words); i++) {
		uint32_t leaf = glibc_words[i].leaf;
		bool in_range = leaf >= 0x80000000 ? leaf <= max_ext : leaf <= max_basic;

		if (!in_range || !baseline_leaf(dump, leaf, glibc_words[i].sub, b))
			memset(b, 0, sizeof(b));
		for (int reg = 0; reg < 4; reg++) {
			char key[96];

			/* glibc prints 0 as 0x0, which %#x would not */
			snprintf(key, sizeof(key), "x86.cpu_features.features[0x%zx].cpuid[0x%x]",
				 i, reg);
			ASSERT_TRUE(diag_value(out, key, &cpuid)) {
				TH_LOG("no %s", key);
			}
			snprintf(key, sizeof(key), "x86.cpu_features.features[0x%zx].active[0x%x]",
				 i, reg);
			ASSERT_TRUE(diag_value(out, key, &active)) {
				TH_LOG("no %s", key);
			}
			/* glibc saw the baseline's word... */
			EXPECT_EQ(b[reg] & glibc_words[i].mask[reg],
				  cpuid & glibc_words[i].mask[reg]) {
				TH_LOG("%s: leaf %#x.%u reg %d: glibc %#llx, baseline %#x",
				       variant->model, leaf, glibc_words[i].sub, reg, cpuid, b[reg]);
			}
			/*
			 * ...and uses nothing it does not offer. glibc sets
			 * RTM_ALWAYS_ABORT (7.0:EDX[11]) itself on the
			 * Skylake-SP steppings whose TSX it turns off.
			 */
			if (leaf == 7 && glibc_words[i].sub == 0 && reg == 3)
				active &= ~(1ull << 11);
			EXPECT_EQ(0, active & ~cpuid) {
				TH_LOG("%s: leaf %#x.%u reg %d: active %#llx beyond %#llx",
				       variant->model, leaf, glibc_words[i].sub, reg, active, cpuid);
			}
		}
	}
	EXPECT_EQ(NULL, strstr(console, "is not supported")) {
		TH_LOG("%s", console);
	}
	TH_LOG("MV-DIGEST list-diagnostics/%s %016llx", variant->model,
	       (unsigned long long)mv_fnv1a(MV_FNV1A_INIT, out + 1, n));
}

/* mvctl refuses, with the reason, what it cannot run; the guest is unchanged. */
TEST(refused)
{
	ASSERT_EQ(0, lx_begin(NULL, false));
	ASSERT_EQ(0, mv_mvctl("guest add lxr memory 64M"));

	/* Nothing to copy out of a guest that never ran a program */
	EXPECT_NE(0, mv_mvctl("guest copy lxr /tmp/x /tmp/lx-copied"));
	EXPECT_NE(NULL, strstr(mv_out, "can be copied once it ended")) {
		TH_LOG("%s", mv_out);
	}
	/* This test is linked dynamically */
	EXPECT_NE(0, mv_mvctl("guest load lxr %s/linux_test", mv_self_dir()));
	EXPECT_NE(NULL, strstr(mv_out, "needs an interpreter (PT_INTERP)")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, system("head -c 3000 /lib64/ld-linux-x86-64.so.2 > /tmp/lx-trunc"));
	EXPECT_NE(0, mv_mvctl("guest load lxr /tmp/lx-trunc"));
	EXPECT_NE(NULL, strstr(mv_out, "truncated")) {
		TH_LOG("%s", mv_out);
	}
	unlink("/tmp/lx-trunc");
	EXPECT_NE(0, mv_mvctl("guest load lxr file %s/hello.elf:relative %s/lxinfo-glibc.elf",
			      mv_guests_dir(), mv_guests_dir()));
	EXPECT_NE(NULL, strstr(mv_out, "relative")) {
		TH_LOG("%s", mv_out);
	}
	/* Too big for its RAM */
	ASSERT_EQ(0, mv_mvctl("guest add lxs memory 4M"));
	EXPECT_NE(0, mv_mvctl("guest load lxs %s/lxinfo-glibc.elf", mv_guests_dir()));
	EXPECT_NE(NULL, strstr(mv_out, "of guest memory; the guest has 4096 KiB")) {
		TH_LOG("%s", mv_out);
	}
	/* Nothing was loaded: it still loads and runs. */
	ASSERT_EQ(0, mv_mvctl("guest load lxr %s/lxinfo-glibc.elf exit 0", mv_guests_dir())) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest start lxr"));
	EXPECT_TRUE(mv_wait_for("lxr", "stopped: exit info 0x0", 60)) {
		TH_LOG("%s", mv_out);
	}
	mv_delete_all_guests();
}

MV_TEST_MAIN
