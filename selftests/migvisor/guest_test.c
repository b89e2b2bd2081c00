// SPDX-License-Identifier: GPL-2.0
/*
 * Lightweight guests end to end, through mvctl and /dev/migvisor: the
 * life cycle, two guests at once, the console, a guest that never halts,
 * bad requests, hostile guests, kvm_intel side by side, and unload rules.
 * The guest images come from guests/ (MV_GUESTS, default /rig/bin in the
 * rig, else beside the test or in the source tree: mv_guests_dir()).
 *
 * Runs after module_test, with the module loaded by the "load" test here.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <linux/kvm.h>
#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_guest.h"
#include "../lib/mv_vm.h"

TEST(load)
{
	if (!mv_module_loaded())
		ASSERT_EQ(0, mv_module_load());
}

/* Every guest test starts and ends with no guests. */
FIXTURE(g) {};
FIXTURE_SETUP(g)
{
	mv_delete_all_guests();
}

FIXTURE_TEARDOWN(g)
{
	mv_delete_all_guests();
}

TEST_F(g, lifecycle_hello)
{
	ASSERT_EQ(0, mv_setup_guest("hello", "4M", "hello")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest show hello"));
	EXPECT_NE(NULL, strstr(mv_out, "state created"));
	ASSERT_EQ(0, mv_mvctl("guest start hello")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_TRUE(mv_wait_for("hello", "state stopped", 30)) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "vmcall")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest console hello"));
	EXPECT_NE(NULL, strstr(mv_out, "hello from a migvisor guest (hypercall ABI 1)"));
	EXPECT_NE(NULL, strstr(mv_out, "hello via port 0xe9"));
	ASSERT_EQ(0, mv_mvctl("-j guest show hello"));
	EXPECT_EQ(0, mv_json_validate(mv_out)) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest del hello"));
	EXPECT_EQ(1, mv_mvctl("guest show hello"));
	EXPECT_NE(NULL, strstr(mv_out, "no guest with this name"));
}

/*
 * Guest code of this test itself (lib/mv_vm.h), reporting by ucall: what
 * the hypercalls answer, checked against what netlink says of the guest.
 */
static GUEST_CODE void guest_abi(void)
{
	GUEST_ASSERT_EQ(mv_guest_hypercall(MV_HC_ABI, 0), MV_HC_ABI_VERSION);
	GUEST_ASSERT_EQ(mv_guest_hypercall(0x7fff, 0), (uint64_t)-MV_HC_ENOSYS);
	GUEST_REPORT(mv_guest_hypercall(MV_HC_TSC_KHZ, 0));
	GUEST_DONE();
}

TEST_F(g, guest_code_reports_done)
{
	struct mv_vm_info info;
	struct mv_ucall uc;
	struct mv_vm vm;

	ASSERT_EQ(0, mv_vm_create(&vm, "gc", 8 << 20, NULL));
	ASSERT_EQ(0, mv_vm_load(&vm, guest_abi));
	ASSERT_EQ(0, mv_vm_start(&vm));
	ASSERT_EQ(0, mv_vm_wait(&vm, 60, &uc));
	EXPECT_EQ(MV_UCALL_DONE, uc.cmd) {
		if (uc.cmd == MV_UCALL_ASSERT)
			TH_LOG("guest: %s:%llu: %s (%llu, %llu)", mv_vm_str(&vm, uc.file),
			       (unsigned long long)uc.line, mv_vm_str(&vm, uc.expr),
			       (unsigned long long)uc.vals[0], (unsigned long long)uc.vals[1]);
	}
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_EQ(MV_GUEST_STOPPED, info.state);
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_EQ(0, info.stop_info);
	EXPECT_EQ(1, uc.nvals);
	EXPECT_EQ(info.tsc_khz, uc.vals[0]);
	mv_vm_destroy(&vm);
}

/* Set by the test in the guest's copy before it starts */
static uint64_t guest_arg = 1;
static const int guest_assert_line = __LINE__ + 4;

static GUEST_CODE void guest_asserts(void)
{
	GUEST_ASSERT_EQ(guest_arg, 7);
	GUEST_DONE();
}

TEST_F(g, guest_code_assert_names_file_line_and_values)
{
	struct mv_vm_info info;
	struct mv_ucall uc;
	struct mv_vm vm;
	const char *file;

	ASSERT_EQ(0, mv_vm_create(&vm, "ga", 8 << 20, NULL));
	ASSERT_EQ(0, mv_vm_load(&vm, guest_asserts));
	guest_arg = 5;
	ASSERT_EQ(0, mv_vm_sync_global(&vm, guest_arg));
	ASSERT_EQ(0, mv_vm_start(&vm));
	ASSERT_EQ(0, mv_vm_wait(&vm, 60, &uc));
	ASSERT_EQ(MV_UCALL_ASSERT, uc.cmd);
	file = mv_vm_str(&vm, uc.file);
	TH_LOG("guest: %s:%llu: %s (%llu, %llu)", file, (unsigned long long)uc.line,
	       mv_vm_str(&vm, uc.expr), (unsigned long long)uc.vals[0],
	       (unsigned long long)uc.vals[1]);
	EXPECT_EQ(guest_assert_line, uc.line);
	EXPECT_NE(NULL, strstr(file, "guest_test.c"));
	EXPECT_STREQ("guest_arg == 7", mv_vm_str(&vm, uc.expr));
	EXPECT_EQ(5, uc.vals[0]);
	EXPECT_EQ(7, uc.vals[1]);
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_EQ(1, info.stop_info);
	mv_vm_destroy(&vm);
}

TEST_F(g, two_guests_and_a_spinner)
{
	uint64_t a, b, c;

	ASSERT_EQ(0, mv_setup_guest("spin", "4M", "counter"));
	ASSERT_EQ(0, mv_setup_guest("dump", "4M", "cpuid-dump"));
	ASSERT_EQ(0, mv_mvctl("guest start spin"));
	ASSERT_EQ(0, mv_mvctl("guest start dump"));
	ASSERT_TRUE(mv_wait_for("dump", "state stopped", 60));
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0"));
	ASSERT_EQ(0, mv_mvctl("guest console dump"));
	EXPECT_NE(NULL, strstr(mv_out, "cpuid 40000000.0: 40000001 7667696d 726f7369 00000000"));
	if (strstr(mv_out, "cpuid-exit:"))
		TH_LOG("%.60s", strstr(mv_out, "cpuid-exit:"));

	/* The spinner never halts but progresses, pauses and resumes. */
	a = mv_read_counter("spin");
	usleep(200000);
	b = mv_read_counter("spin");
	EXPECT_GT(b, a);
	ASSERT_EQ(0, mv_mvctl("guest pause spin")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_TRUE(mv_wait_for("spin", "state paused", 5));
	a = mv_read_counter("spin");
	usleep(200000);
	b = mv_read_counter("spin");
	EXPECT_EQ(a, b);
	ASSERT_EQ(0, mv_mvctl("guest resume spin"));
	usleep(200000);
	c = mv_read_counter("spin");
	EXPECT_GT(c, b);
	ASSERT_EQ(0, mv_mvctl("guest show spin"));
	/* It was forced mv_out by host interrupts or the preemption timer. */
	EXPECT_TRUE(strstr(mv_out, "external_interrupt") ||
		    strstr(mv_out, "preemption_timer")) {
		TH_LOG("%s", mv_out);
	}
	/* The host stays responsive: this test is running. Delete it running. */
	ASSERT_EQ(0, mv_mvctl("guest del spin"));
	ASSERT_EQ(0, mv_mvctl("guest del dump"));
}

/* The number after "@key " in mv_out, or -1. */
static long long out_num(const char *key)
{
	const char *p = strstr(mv_out, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/*
 * A guest that runs CPUID at every step stays in the fast exit path, with
 * its FPU and MSRs loaded across exits. It must still be paused, resumed
 * and deleted at once, and have each CPUID answered exactly once: one
 * exit per step of its counter. (Host interrupts reach the host between
 * runs of fast exits; Bochs lets them wait for the run's cap rather than
 * exit the guest, so the test does not count interrupt exits.)
 */
TEST_F(g, cpuid_spinner_pauses_and_yields)
{
	uint64_t a, b, c;
	long long exits;

	ASSERT_EQ(0, mv_setup_guest("cs", "4M", "counter-cpuid"));
	ASSERT_EQ(0, mv_mvctl("guest start cs"));
	usleep(200000);
	a = mv_read_counter("cs");
	usleep(200000);
	b = mv_read_counter("cs");
	EXPECT_GT(b, a);
	ASSERT_EQ(0, mv_mvctl("guest pause cs"));
	ASSERT_TRUE(mv_wait_for("cs", "state paused", 5));
	a = mv_read_counter("cs");
	ASSERT_EQ(0, mv_mvctl("guest show cs"));
	exits = out_num(" cpuid ");
	TH_LOG("counter %llu, cpuid exits %lld", (unsigned long long)a, exits);
	/* The step's CPUID follows its increment: one may be outstanding. */
	EXPECT_LE((long long)a - 1, exits);
	EXPECT_GE((long long)a + 8, exits);
	usleep(200000);
	EXPECT_EQ(a, mv_read_counter("cs"));
	ASSERT_EQ(0, mv_mvctl("guest resume cs"));
	usleep(200000);
	c = mv_read_counter("cs");
	EXPECT_GT(c, a);
	ASSERT_EQ(0, mv_mvctl("guest del cs"));
}

TEST_F(g, bad_requests)
{
	char cmd[PATH_MAX + 160];

	ASSERT_EQ(0, mv_mvctl("guest add dup memory 2M"));
	EXPECT_EQ(1, mv_mvctl("guest add dup memory 2M"));
	EXPECT_NE(NULL, strstr(mv_out, "exists")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_EQ(1, mv_mvctl("guest add small memory 512K"));
	EXPECT_NE(NULL, strstr(mv_out, "Error")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_EQ(1, mv_mvctl("guest add huge memory 4G"));
	EXPECT_EQ(1, mv_mvctl("guest add odd memory 1048577"));
	EXPECT_EQ(1, mv_mvctl("guest add %s memory 2M",
			   "a-name-that-is-longer-than-thirty-one-bytes"));
	EXPECT_EQ(1, mv_mvctl("guest start dup"));
	EXPECT_NE(NULL, strstr(mv_out, "no image")) {
		TH_LOG("%s", mv_out);
	}
	/* 2 MiB of RAM cannot hold an image linked at 1 MiB... it can; 1M cannot. */
	ASSERT_EQ(0, mv_mvctl("guest add tiny memory 1M"));
	EXPECT_EQ(1, mv_mvctl("guest load tiny %s/hello.elf", mv_guests_dir()));
	EXPECT_NE(NULL, strstr(mv_out, "outside guest RAM")) {
		TH_LOG("%s", mv_out);
	}
	snprintf(cmd, sizeof(cmd), "head -c 100 %s/hello.elf > /tmp/trunc.elf",
		 mv_guests_dir());
	ASSERT_EQ(0, mv_run(cmd, mv_out, sizeof(mv_out), true));
	EXPECT_EQ(1, mv_mvctl("guest load dup /tmp/trunc.elf"));
	EXPECT_NE(NULL, strstr(mv_out, "truncated")) {
		TH_LOG("%s", mv_out);
	}
	snprintf(cmd, sizeof(cmd), "cp %s/hello.elf /tmp/arm.elf && printf '\\050' | dd of=/tmp/arm.elf bs=1 seek=18 conv=notrunc 2>/dev/null",
		 mv_guests_dir());
	ASSERT_EQ(0, mv_run(cmd, mv_out, sizeof(mv_out), true));
	EXPECT_EQ(1, mv_mvctl("guest load dup /tmp/arm.elf"));
	EXPECT_NE(NULL, strstr(mv_out, "wrong machine")) {
		TH_LOG("%s", mv_out);
	}
	/* Loading after start is refused. */
	ASSERT_EQ(0, mv_mvctl("guest load dup %s/hello.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start dup"));
	EXPECT_EQ(1, mv_mvctl("guest load dup %s/hello.elf", mv_guests_dir()));
	EXPECT_EQ(1, mv_mvctl("guest start dup"));
	EXPECT_EQ(1, mv_mvctl("guest del nosuch"));
	EXPECT_NE(NULL, strstr(mv_out, "no guest")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest del dup"));
	ASSERT_EQ(0, mv_mvctl("guest del tiny"));
}

struct hostile {
	const char *name;
	const char *expect;	/* in "guest show" once stopped */
	const char *console;	/* in the console */
};

static const struct hostile hostile[] = {
	{ "triple", "stopped: triple-fault", "triple fault next" },
	{ "vmx", "stopped: exit info 0x0", "vmx done, 0 failures" },
	{ "vmcall", "stopped: exit info 0x0", "vmcall done" },
	{ "io", "stopped: exit info 0x0", "of 65536 reads were 0xff" },
	{ "msr", "stopped: exit info 0x0", "0 failures" },
	{ "cr", "stopped: exit info 0x0", "cr done, 0 failures" },
	{ "beyond", "stopped: ept-violation info 0x20000000", "reading at 512 MiB" },
	{ "hltcli", "stopped: halt info 0x0", "cli; hlt" },
	{ "nx", "stopped: exit info 0x0", "nx done, 0 failures" },
	{ "xrstor", "stopped: exit info 0x0", "hostile: xrstor" },
	{ "seg", "stopped: exit info 0x0", "seg done, 0 failures" },
};

TEST_F(g, hostile_guests)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		const struct hostile *h = &hostile[i];
		char elf[64];

		snprintf(elf, sizeof(elf), "hostile-%s", h->name);
		ASSERT_EQ(0, mv_setup_guest(h->name, "4M", elf)) {
			TH_LOG("%s: %s", h->name, mv_out);
		}
		ASSERT_EQ(0, mv_mvctl("guest start %s", h->name));
		EXPECT_TRUE(mv_wait_for(h->name, "state stopped", 120)) {
			TH_LOG("%s: %s", h->name, mv_out);
		}
		EXPECT_NE(NULL, strstr(mv_out, h->expect)) {
			TH_LOG("%s: %s", h->name, mv_out);
		}
		mv_mvctl("guest console %s", h->name);
		EXPECT_NE(NULL, strstr(mv_out, h->console)) {
			TH_LOG("%s: console: %s", h->name, mv_out);
		}
		ASSERT_EQ(0, mv_mvctl("guest del %s", h->name));
	}
}

TEST_F(g, hostile_debug_loop_is_contained)
{
	ASSERT_EQ(0, mv_setup_guest("dbloop", "4M", "hostile-dbloop"));
	ASSERT_EQ(0, mv_mvctl("guest start dbloop"));
	usleep(300000);
	ASSERT_EQ(0, mv_mvctl("guest show dbloop"));
	EXPECT_NE(NULL, strstr(mv_out, "state running")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "exception_nmi")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest pause dbloop")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest del dbloop"));
}

/*
 * #AC at CPL 3 whose handler returns to the faulting access: an exit per
 * fault, forever (the reliability notes' G3 class). The host stays
 * responsive; the guest pauses and is deleted like any other.
 */
TEST_F(g, hostile_ac_loop_is_contained)
{
	ASSERT_EQ(0, mv_setup_guest("acloop", "4M", "hostile-acloop"));
	ASSERT_EQ(0, mv_mvctl("guest start acloop"));
	usleep(500000);
	ASSERT_EQ(0, mv_mvctl("-j guest show acloop"));
	EXPECT_NE(NULL, strstr(mv_out, "\"state\":\"running\"")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "exception_nmi")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest console acloop"));
	EXPECT_NE(NULL, strstr(mv_out, "#AC at CPL 3 forever"));
	EXPECT_EQ(NULL, strstr(mv_out, "guest: exception")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest pause acloop"));
	ASSERT_EQ(0, mv_mvctl("guest del acloop"));
}

/*
 * 10^6 random (leaf, subleaf) pairs under one baseline: no warning on the
 * host, and a digest that scripts/check compares between the CPU models
 * (MV-DIGEST), which only deterministic answers can make equal.
 */
TEST_F_TIMEOUT(g, hostile_cpuid_sweep, 1800)
{
	const char *d;

	mv_mvctl("baseline del sweep");
	ASSERT_EQ(0, mv_mvctl("baseline add sweep model nehalem"));
	ASSERT_EQ(0, mv_mvctl("guest add cs memory 4M baseline sweep"));
	ASSERT_EQ(0, mv_mvctl("guest load cs %s/hostile-cpuid.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start cs"));
	EXPECT_TRUE(mv_wait_for("cs", "state stopped", 1700)) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0"));
	ASSERT_EQ(0, mv_mvctl("guest console cs"));
	d = strstr(mv_out, "digest ");
	ASSERT_NE(NULL, d) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "1000000 pairs"));
	TH_LOG("MV-DIGEST cpuid-sweep/nehalem %.16s", d + 7);
	ASSERT_EQ(0, mv_mvctl("guest del cs"));
	ASSERT_EQ(0, mv_mvctl("baseline del sweep"));
}

/* A KVM VM holds VMX on every CPU while it exists. */
static int kvm_vm(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;

	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	vm = vm < 0 ? -errno : vm;
	close(kvm);
	return vm;
}

/*
 * Before 6.12 KVM holds VMX only while its VMs exist, and the two take
 * turns. From 6.12 on kvm_intel holds it from its load and our guests run
 * inside its VMX root: kvm_share_test covers that.
 */
TEST_F(g, kvm_intel_both_orders)
{
	/* Loaded already, or by modprobe on a server, or from the rig's files. */
	static const char load_kvm[] =
		"grep -q '^kvm_intel ' /proc/modules || modprobe kvm_intel 2>/dev/null || { insmod /rig/irqbypass.ko; insmod /rig/kvm.ko; insmod /rig/kvm-intel.ko; }";
	int vm;

	if (mv_kernel_at_least(6, 12))
		SKIP(return, "from 6.12 on, VMX root is shared with KVM (kvm_share_test)");

	if (mv_run(load_kvm, mv_out, sizeof(mv_out), true) || access("/dev/kvm", F_OK))
		SKIP(return, "kvm_intel not available: %.200s", mv_out);

	/* KVM first: our guest cannot start, and says why. */
	vm = kvm_vm();
	ASSERT_GE(vm, 0);
	ASSERT_EQ(0, mv_setup_guest("k1", "4M", "counter"));
	EXPECT_EQ(1, mv_mvctl("guest start k1"));
	EXPECT_NE(NULL, strstr(mv_out, "VMX is in use by another hypervisor")) {
		TH_LOG("%s", mv_out);
	}
	close(vm);

	/* Then ours: KVM cannot create a VM while our guest runs. */
	usleep(100000);
	ASSERT_EQ(0, mv_mvctl("guest start k1")) {
		TH_LOG("%s", mv_out);
	}
	vm = kvm_vm();
	EXPECT_EQ(-EBUSY, vm);
	if (vm >= 0)
		close(vm);
	ASSERT_EQ(0, mv_mvctl("guest del k1"));

	/* And KVM works again once we are idle. */
	vm = kvm_vm();
	EXPECT_GE(vm, 0);
	if (vm >= 0)
		close(vm);
	mv_run("rmmod kvm_intel kvm irqbypass", mv_out, sizeof(mv_out), true);
}

TEST_F(g, monitor_sees_events)
{
	ASSERT_EQ(0, mv_run("(mvctl monitor > /tmp/events 2>&1 &) ; sleep 1", mv_out,
			    sizeof(mv_out), true));
	ASSERT_EQ(0, mv_setup_guest("ev", "2M", "hello"));
	ASSERT_EQ(0, mv_mvctl("guest start ev"));
	ASSERT_TRUE(mv_wait_for("ev", "state stopped", 30));
	ASSERT_EQ(0, mv_mvctl("guest del ev"));
	usleep(300000);
	mv_run("killall mvctl; cat /tmp/events", mv_out, sizeof(mv_out), true);
	EXPECT_NE(NULL, strstr(mv_out, "created guest ev")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(NULL, strstr(mv_out, "started guest ev"));
	EXPECT_NE(NULL, strstr(mv_out, "stopped guest ev reason exit"));
	EXPECT_NE(NULL, strstr(mv_out, "deleted guest ev"));
}

/* Run @cmd as nobody (no capabilities); output in mv_out, exit status back. */
static int run_unprivileged(const char *cmd)
{
	int p[2], st;
	ssize_t n, len = 0;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(98);
	}
	close(p[1]);
	while ((n = read(p[0], mv_out + len, sizeof(mv_out) - 1 - len)) > 0)
		len += n;
	mv_out[len] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST_F(g, unprivileged_requests_refused)
{
	ASSERT_EQ(0, mv_mvctl("guest add priv memory 2M"));
	/* Without CAP_NET_ADMIN nothing changes and nothing is revealed. */
	EXPECT_EQ(1, run_unprivileged("mvctl guest del priv"));
	EXPECT_NE(NULL, strstr(mv_out, "Operation not permitted")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_EQ(1, run_unprivileged("mvctl guest show priv"));
	/* Host facts are not secret. */
	EXPECT_EQ(0, run_unprivileged("mvctl host show")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest show priv"));
	ASSERT_EQ(0, mv_mvctl("guest del priv"));
}

static long vmstat_value(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ' ')
			v = atol(line + strlen(key) + 1);
	if (f)
		fclose(f);
	return v;
}

/*
 * A guest bigger than the host can give fails with a reason, before any
 * page is taken: no OOM kill, nothing left allocated.
 */
TEST_F(g, guest_larger_than_host_memory)
{
	long ooms = vmstat_value("oom_kill");
	char meminfo[64];

	ASSERT_EQ(0, mv_run("awk '/^MemTotal/ { print $2 }' /proc/meminfo", meminfo,
			    sizeof(meminfo), false));
	if (atol(meminfo) > 900 * 1024)
		SKIP(return, "this host has more than 900 MiB: a 1 GiB guest may fit");
	EXPECT_EQ(1, mv_mvctl("guest add huge memory 1G"));
	EXPECT_NE(NULL, strstr(mv_out, "MiB available")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(0, mv_mvctl("guest show huge"));
	EXPECT_EQ(ooms, vmstat_value("oom_kill"));
	/* The host still gives what it has: a small guest works. */
	ASSERT_EQ(0, mv_mvctl("guest add small memory 2M"));
	ASSERT_EQ(0, mv_mvctl("guest del small"));
}

TEST_F(g, unload_refused_then_allowed)
{
	struct mv_guest_open o = { .name = "keep" };
	int fd, gfd;

	ASSERT_EQ(0, mv_mvctl("guest add keep memory 2M"));
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	gfd = ioctl(fd, MV_IOC_GUEST_OPEN, &o);
	ASSERT_GE(gfd, 0);
	ASSERT_EQ(0, mv_mvctl("guest del keep"));
	/* The guest fd still holds the module. */
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	close(gfd);
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	close(fd);
	ASSERT_EQ(0, mv_module_unload());
	EXPECT_FALSE(mv_module_loaded());
}

MV_TEST_MAIN
