// SPDX-License-Identifier: GPL-2.0
/*
 * Lightweight guests end to end, through the kernel API (lib/mv_vm.h:
 * netlink and the guest fd): the life cycle, guest code of this test
 * reporting by ucall, two guests at once, the console, a guest that never
 * halts, bad requests, hostile guests, kvm_intel side by side, and unload
 * rules. The mvctl_* tests check what the tool itself prints for the same
 * (its text, JSON, events and refusals). Guest images come from guests/
 * (MV_GUESTS, default /rig/bin in the rig, else beside the test or in the
 * source tree: mv_guests_dir()).
 *
 * Runs after module_test, with the module loaded by the "load" test here.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/genetlink.h>
#include <linux/kvm.h>
#include <linux/netlink.h>
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

/* Log the kernel's reason for the last request of @vm. */
#define LOG_WHY(vm) TH_LOG("%s: %s", (vm)->name, (vm)->res ? (vm)->res->msg : "")

static char con[MV_CONSOLE_SIZE + 1];

/* A guest of guests/@image with @mem bytes, created and loaded */
static int setup_image(struct mv_vm *vm, const char *name, uint64_t mem,
		       const char *baseline, const char *image)
{
	int ret = mv_vm_create(vm, name, mem, baseline);

	return ret ? ret : mv_vm_load_image(vm, image);
}

/* Run @vm to its stop (up to @secs): 0 with @info and its console in con */
static int run_to_stop(struct mv_vm *vm, double secs, struct mv_vm_info *info)
{
	int ret = mv_vm_start(vm);

	if (!ret)
		ret = mv_vm_wait_state(vm, MV_GUEST_STOPPED, secs, info);
	if (!ret && mv_vm_console(vm, con, sizeof(con)) < 0)
		ret = -EIO;
	return ret;
}

TEST_F(g, lifecycle_hello)
{
	struct mv_vm_info info;
	struct mv_nl_result *res;
	struct mv_vm vm;

	ASSERT_EQ(0, setup_image(&vm, "hello", 4 << 20, NULL, "hello")) {
		TH_LOG("%s %s", vm.res->msg, vm.why);
	}
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_EQ(MV_GUEST_CREATED, info.state);
	ASSERT_EQ(0, run_to_stop(&vm, 30, &info)) {
		LOG_WHY(&vm);
	}
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_EQ(0, info.stop_info);
	EXPECT_LT(0, info.exits[MV_VM_EXIT_VMCALL]);
	EXPECT_EQ(strlen(con), info.console_size);
	EXPECT_NE(NULL, strstr(con, "hello from a migvisor guest (hypercall ABI 1)")) {
		TH_LOG("%s", con);
	}
	EXPECT_NE(NULL, strstr(con, "hello via port 0xe9"));
	ASSERT_EQ(0, mv_vm_delete(&vm));
	res = vm.res;
	EXPECT_EQ(-ENOENT, mv_nl_guest_cmd(&vm.nl, MV_CMD_GUEST_GET, "hello", res));
	EXPECT_STREQ("no guest with this name", res->msg);
	mv_vm_destroy(&vm);
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
	struct mv_vm spin, dump;
	struct mv_vm_info info;
	uint64_t a, b, c;

	ASSERT_EQ(0, setup_image(&spin, "spin", 4 << 20, NULL, "counter"));
	ASSERT_EQ(0, setup_image(&dump, "dump", 4 << 20, NULL, "cpuid-dump"));
	ASSERT_EQ(0, mv_vm_start(&spin));
	ASSERT_EQ(0, run_to_stop(&dump, 60, &info)) {
		LOG_WHY(&dump);
	}
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_EQ(0, info.stop_info);
	EXPECT_NE(NULL, strstr(con, "cpuid 40000000.0: 40000001 7667696d 726f7369 00000000"));
	if (strstr(con, "cpuid-exit:"))
		TH_LOG("%.60s", strstr(con, "cpuid-exit:"));

	/* The spinner never halts but progresses, pauses and resumes. */
	a = mv_vm_read_u64(&spin, MV_COUNTER_GPA);
	usleep(200000);
	b = mv_vm_read_u64(&spin, MV_COUNTER_GPA);
	EXPECT_GT(b, a);
	ASSERT_EQ(0, mv_vm_pause(&spin)) {
		LOG_WHY(&spin);
	}
	ASSERT_EQ(0, mv_vm_wait_state(&spin, MV_GUEST_PAUSED, 5, &info));
	EXPECT_EQ(MV_PAUSE_USER, info.pause_reason);
	a = mv_vm_read_u64(&spin, MV_COUNTER_GPA);
	usleep(200000);
	b = mv_vm_read_u64(&spin, MV_COUNTER_GPA);
	EXPECT_EQ(a, b);
	ASSERT_EQ(0, mv_vm_resume(&spin));
	usleep(200000);
	c = mv_vm_read_u64(&spin, MV_COUNTER_GPA);
	EXPECT_GT(c, b);
	ASSERT_EQ(0, mv_vm_info(&spin, &info));
	EXPECT_EQ(MV_GUEST_RUNNING, info.state);
	/* It was forced out by host interrupts or the preemption timer. */
	EXPECT_LT(0, info.exits[MV_VM_EXIT_INTR] + info.exits[MV_VM_EXIT_PREEMPT]) {
		TH_LOG("interrupt exits %llu, preemption timer %llu",
		       (unsigned long long)info.exits[MV_VM_EXIT_INTR],
		       (unsigned long long)info.exits[MV_VM_EXIT_PREEMPT]);
	}
	/* The host stays responsive: this test is running. Delete it running. */
	ASSERT_EQ(0, mv_vm_delete(&spin)) {
		LOG_WHY(&spin);
	}
	ASSERT_EQ(0, mv_vm_delete(&dump));
	mv_vm_destroy(&spin);
	mv_vm_destroy(&dump);
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
	struct mv_vm_info info;
	uint64_t a, b, c, exits;
	struct mv_vm vm;

	ASSERT_EQ(0, setup_image(&vm, "cs", 4 << 20, NULL, "counter-cpuid"));
	ASSERT_EQ(0, mv_vm_start(&vm));
	usleep(200000);
	a = mv_vm_read_u64(&vm, MV_COUNTER_GPA);
	usleep(200000);
	b = mv_vm_read_u64(&vm, MV_COUNTER_GPA);
	EXPECT_GT(b, a);
	ASSERT_EQ(0, mv_vm_pause(&vm));
	ASSERT_EQ(0, mv_vm_wait_state(&vm, MV_GUEST_PAUSED, 5, &info));
	a = mv_vm_read_u64(&vm, MV_COUNTER_GPA);
	exits = info.exits[MV_VM_EXIT_CPUID];
	TH_LOG("counter %llu, cpuid exits %llu", (unsigned long long)a,
	       (unsigned long long)exits);
	/* The step's CPUID follows its increment: one may be outstanding. */
	EXPECT_LE(a - 1, exits);
	EXPECT_GE(a + 8, exits);
	usleep(200000);
	EXPECT_EQ(a, mv_vm_read_u64(&vm, MV_COUNTER_GPA));
	ASSERT_EQ(0, mv_vm_resume(&vm));
	usleep(200000);
	c = mv_vm_read_u64(&vm, MV_COUNTER_GPA);
	EXPECT_GT(c, a);
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
}

/* GUEST_NEW of @name with @mem: the kernel's answer, its reason in @vm */
static int try_new(struct mv_vm *vm, const char *name, uint64_t mem)
{
	int ret = mv_vm_create(vm, name, mem, NULL);

	mv_vm_destroy(vm);
	return ret;
}

/* The kernel's refusals, each with its reason; the ELF checks are the tools' */
TEST_F(g, bad_requests)
{
	static char img[1 << 20];
	struct mv_vm dup, tiny, other;
	char path[PATH_MAX + 32];
	struct mv_vm_info info;
	ssize_t len;
	FILE *f;
	int ret;

	ASSERT_EQ(0, mv_vm_create(&dup, "dup", 2 << 20, NULL));
	EXPECT_EQ(-EEXIST, mv_vm_create(&other, "dup", 2 << 20, NULL));
	EXPECT_NE(NULL, strstr(other.res->msg, "exists")) {
		LOG_WHY(&other);
	}
	mv_vm_destroy(&other);
	/* The original is still there */
	ASSERT_EQ(0, mv_vm_info(&dup, &info));

	ret = mv_vm_create(&other, "small", 512 << 10, NULL);
	EXPECT_GT(0, ret);
	EXPECT_NE(NULL, strstr(other.res->msg, "memory")) {
		LOG_WHY(&other);
	}
	TH_LOG("512 KiB: %d, %s", ret, other.res->msg);
	mv_vm_destroy(&other);
	EXPECT_GT(0, try_new(&other, "huge", 4ULL << 30));
	EXPECT_GT(0, try_new(&other, "odd", 1048577));
	EXPECT_GT(0, try_new(&other, "a-name-that-is-longer-than-thirty-one-bytes",
			     2 << 20));

	EXPECT_EQ(-ENOEXEC, mv_vm_start(&dup));
	EXPECT_NE(NULL, strstr(dup.res->msg, "no image")) {
		LOG_WHY(&dup);
	}
	/* 1 MiB of RAM cannot hold an image linked at 1 MiB. */
	ASSERT_EQ(0, mv_vm_create(&tiny, "tiny", 1 << 20, NULL));
	EXPECT_GT(0, mv_vm_load_image(&tiny, "hello"));
	EXPECT_NE(NULL, strstr(tiny.why, "outside guest RAM")) {
		TH_LOG("%s", tiny.why);
	}
	snprintf(path, sizeof(path), "%s/hello.elf", mv_guests_dir());
	len = mv_slurp(path, img, sizeof(img));
	ASSERT_LT(100, len);
	f = fopen("/tmp/trunc.elf", "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(100, fwrite(img, 1, 100, f));
	fclose(f);
	EXPECT_GT(0, mv_vm_load_elf(&dup, "/tmp/trunc.elf"));
	EXPECT_NE(NULL, strstr(dup.why, "truncated")) {
		TH_LOG("%s", dup.why);
	}
	img[18] = 0x28;		/* e_machine: ARM */
	f = fopen("/tmp/arm.elf", "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(len, fwrite(img, 1, len, f));
	fclose(f);
	EXPECT_GT(0, mv_vm_load_elf(&dup, "/tmp/arm.elf"));
	EXPECT_NE(NULL, strstr(dup.why, "wrong machine")) {
		TH_LOG("%s", dup.why);
	}
	/* Loading after start is refused by the kernel, with its reason. */
	ASSERT_EQ(0, mv_vm_load_image(&dup, "hello"));
	ASSERT_EQ(0, mv_vm_start(&dup));
	EXPECT_EQ(-EBUSY, mv_vm_load_image(&dup, "hello"));
	EXPECT_NE(NULL, strstr(dup.why, "was started")) {
		TH_LOG("%s", dup.why);
	}
	EXPECT_GT(0, mv_vm_start(&dup));
	TH_LOG("second start: %s", dup.res->msg);
	EXPECT_EQ(-ENOENT, mv_nl_guest_cmd(&dup.nl, MV_CMD_GUEST_DEL, "nosuch", dup.res));
	EXPECT_NE(NULL, strstr(dup.res->msg, "no guest"));
	ASSERT_EQ(0, mv_vm_delete(&dup));
	ASSERT_EQ(0, mv_vm_delete(&tiny));
	mv_vm_destroy(&dup);
	mv_vm_destroy(&tiny);
}

struct hostile {
	const char *name;
	uint32_t stop_reason;	/* and info, once stopped */
	uint64_t stop_info;
	const char *console;	/* in the console */
};

static const struct hostile hostile[] = {
	{ "triple", MV_STOP_TRIPLE_FAULT, 0, "triple fault next" },
	{ "vmx", MV_STOP_EXIT, 0, "vmx done, 0 failures" },
	{ "vmcall", MV_STOP_EXIT, 0, "vmcall done" },
	{ "io", MV_STOP_EXIT, 0, "of 65536 reads were 0xff" },
	{ "msr", MV_STOP_EXIT, 0, "0 failures" },
	{ "cr", MV_STOP_EXIT, 0, "cr done, 0 failures" },
	{ "beyond", MV_STOP_EPT_VIOLATION, 0x20000000, "reading at 512 MiB" },
	{ "hltcli", MV_STOP_HALT, 0, "cli; hlt" },
	{ "nx", MV_STOP_EXIT, 0, "nx done, 0 failures" },
	{ "xrstor", MV_STOP_EXIT, 0, "hostile: xrstor" },
	{ "seg", MV_STOP_EXIT, 0, "seg done, 0 failures" },
};

TEST_F(g, hostile_guests)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		const struct hostile *h = &hostile[i];
		struct mv_vm_info info;
		struct mv_vm vm;
		char elf[64];

		snprintf(elf, sizeof(elf), "hostile-%s", h->name);
		ASSERT_EQ(0, setup_image(&vm, h->name, 4 << 20, NULL, elf)) {
			TH_LOG("%s: %s %s", h->name, vm.res->msg, vm.why);
		}
		EXPECT_EQ(0, run_to_stop(&vm, 120, &info)) {
			TH_LOG("%s: state %u", h->name, info.state);
		}
		EXPECT_EQ(h->stop_reason, info.stop_reason) {
			TH_LOG("%s: info 0x%llx", h->name, (unsigned long long)info.stop_info);
		}
		EXPECT_EQ(h->stop_info, info.stop_info) {
			TH_LOG("%s", h->name);
		}
		EXPECT_NE(NULL, strstr(con, h->console)) {
			TH_LOG("%s: console: %s", h->name, con);
		}
		ASSERT_EQ(0, mv_vm_delete(&vm));
		mv_vm_destroy(&vm);
	}
}

/* A guest that loops on exceptions keeps running, exits, and obeys pause */
static void exception_loop(struct __test_metadata *_metadata, const char *name,
			   const char *image, useconds_t settle, const char *says)
{
	struct mv_vm_info info;
	struct mv_vm vm;

	ASSERT_EQ(0, setup_image(&vm, name, 4 << 20, NULL, image));
	ASSERT_EQ(0, mv_vm_start(&vm));
	usleep(settle);
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_EQ(MV_GUEST_RUNNING, info.state) {
		TH_LOG("stop reason %u info 0x%llx", info.stop_reason,
		       (unsigned long long)info.stop_info);
	}
	EXPECT_LT(0, info.exits[MV_VM_EXIT_NMI]);
	ASSERT_LE(0, mv_vm_console(&vm, con, sizeof(con)));
	EXPECT_EQ(NULL, strstr(con, "guest: exception")) {
		TH_LOG("%s", con);
	}
	EXPECT_NE(NULL, strstr(con, says)) {
		TH_LOG("%s", con);
	}
	ASSERT_EQ(0, mv_vm_pause(&vm)) {
		LOG_WHY(&vm);
	}
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
}

TEST_F(g, hostile_debug_loop_is_contained)
{
	exception_loop(_metadata, "dbloop", "hostile-dbloop", 300000,
		       "single-stepping forever");
}

/*
 * #AC at CPL 3 whose handler returns to the faulting access: an exit per
 * fault, forever (the reliability notes' G3 class). The host stays
 * responsive; the guest pauses and is deleted like any other.
 */
TEST_F(g, hostile_ac_loop_is_contained)
{
	exception_loop(_metadata, "acloop", "hostile-acloop", 500000,
		       "#AC at CPL 3 forever");
}

/*
 * 10^6 random (leaf, subleaf) pairs under one baseline: no warning on the
 * host, and a digest that scripts/check compares between the CPU models
 * (MV-DIGEST), which only deterministic answers can make equal. The
 * baseline comes from the tools, which turn a model into policy words.
 */
TEST_F_TIMEOUT(g, hostile_cpuid_sweep, 1800)
{
	struct mv_vm_info info;
	struct mv_vm vm;
	const char *d;

	mv_mvctl("baseline del sweep");
	ASSERT_EQ(0, mv_mvctl("baseline add sweep model nehalem"));
	ASSERT_EQ(0, setup_image(&vm, "cs", 4 << 20, "sweep", "hostile-cpuid"));
	EXPECT_EQ(0, run_to_stop(&vm, 1700, &info));
	EXPECT_EQ(MV_STOP_EXIT, info.stop_reason);
	EXPECT_EQ(0, info.stop_info);
	EXPECT_STREQ("sweep", info.baseline);
	d = strstr(con, "digest ");
	ASSERT_NE(NULL, d) {
		TH_LOG("%s", con);
	}
	EXPECT_NE(NULL, strstr(con, "1000000 pairs"));
	TH_LOG("MV-DIGEST cpuid-sweep/nehalem %.16s", d + 7);
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
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
	struct mv_vm vm;
	int kvm;

	if (mv_kernel_at_least(6, 12))
		SKIP(return, "from 6.12 on, VMX root is shared with KVM (kvm_share_test)");

	if (mv_run(load_kvm, mv_out, sizeof(mv_out), true) || access("/dev/kvm", F_OK))
		SKIP(return, "kvm_intel not available: %.200s", mv_out);

	/* KVM first: our guest cannot start, and says why. */
	kvm = kvm_vm();
	ASSERT_GE(kvm, 0);
	ASSERT_EQ(0, setup_image(&vm, "k1", 4 << 20, NULL, "counter"));
	EXPECT_EQ(-EBUSY, mv_vm_start(&vm));
	EXPECT_NE(NULL, strstr(vm.res->msg, "VMX is in use by another hypervisor")) {
		LOG_WHY(&vm);
	}
	close(kvm);

	/* Then ours: KVM cannot create a VM while our guest runs. */
	usleep(100000);
	ASSERT_EQ(0, mv_vm_start(&vm)) {
		LOG_WHY(&vm);
	}
	kvm = kvm_vm();
	EXPECT_EQ(-EBUSY, kvm);
	if (kvm >= 0)
		close(kvm);
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);

	/* And KVM works again once we are idle. */
	kvm = kvm_vm();
	EXPECT_GE(kvm, 0);
	if (kvm >= 0)
		close(kvm);
	mv_run("rmmod kvm_intel kvm irqbypass", mv_out, sizeof(mv_out), true);
}

/* As nobody (no capabilities): the kernel's answers to @cmd on @name */
static int unprivileged_cmd(uint8_t cmd, const char *name, char *msg, size_t len)
{
	int p[2], st;
	pid_t pid;
	struct {
		int ret;
		char msg[256];
	} r = { -EIO, "" };

	if (pipe(p))
		return -errno;
	pid = fork();
	if (!pid) {
		struct mv_nl_result *res = calloc(1, sizeof(*res));
		struct mv_nl nl;

		close(p[0]);
		if (!res || setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) || mv_nl_open(&nl, MV_GENL_NAME))
			_exit(99);
		r.ret = mv_nl_guest_cmd(&nl, cmd, name, res);
		snprintf(r.msg, sizeof(r.msg), "%.*s", (int)sizeof(r.msg) - 1, res->msg);
		_exit(write(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 98);
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r.ret = -EIO;
	close(p[0]);
	waitpid(pid, &st, 0);
	snprintf(msg, len, "%s", r.msg);
	return r.ret;
}

TEST_F(g, unprivileged_requests_refused)
{
	struct mv_vm_info info;
	struct mv_vm vm;
	char msg[256];

	ASSERT_EQ(0, mv_vm_create(&vm, "priv", 2 << 20, NULL));
	/* Without CAP_NET_ADMIN nothing changes and nothing is revealed. */
	EXPECT_EQ(-EPERM, unprivileged_cmd(MV_CMD_GUEST_DEL, "priv", msg, sizeof(msg)));
	EXPECT_EQ(-EPERM, unprivileged_cmd(MV_CMD_GUEST_GET, "priv", msg, sizeof(msg)));
	EXPECT_EQ(-EPERM, unprivileged_cmd(MV_CMD_GUEST_CONSOLE, "priv", msg, sizeof(msg)));
	EXPECT_EQ(-EPERM, unprivileged_cmd(MV_CMD_GUEST_START, "priv", msg, sizeof(msg)));
	ASSERT_EQ(0, mv_vm_info(&vm, &info));
	EXPECT_EQ(MV_GUEST_CREATED, info.state);
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
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
	struct mv_vm vm;
	char meminfo[64];

	ASSERT_EQ(0, mv_run("awk '/^MemTotal/ { print $2 }' /proc/meminfo", meminfo,
			    sizeof(meminfo), false));
	if (atol(meminfo) > 900 * 1024)
		SKIP(return, "this host has more than 900 MiB: a 1 GiB guest may fit");
	EXPECT_EQ(-ENOMEM, mv_vm_create(&vm, "huge", 1 << 30, NULL));
	EXPECT_NE(NULL, strstr(vm.res->msg, "MiB available")) {
		LOG_WHY(&vm);
	}
	EXPECT_EQ(-ENOENT, mv_nl_guest_cmd(&vm.nl, MV_CMD_GUEST_GET, "huge", vm.res));
	mv_vm_destroy(&vm);
	EXPECT_EQ(ooms, vmstat_value("oom_kill"));
	/* The host still gives what it has: a small guest works. */
	ASSERT_EQ(0, mv_vm_create(&vm, "small", 2 << 20, NULL));
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
}

/* What mvctl prints through a guest's life */
TEST_F(g, mvctl_lifecycle)
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

/* mvctl's own words for refused requests, its ELF checks' and the kernel's */
TEST_F(g, mvctl_bad_requests)
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

TEST_F(g, mvctl_monitor_sees_events)
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

/* Fills its CPUID audit (MV_CPUID_AUDIT_MAX pairs and more): a large GUEST_GET */
static GUEST_CODE void guest_fill_audit(void)
{
	uint32_t r[4], i;

	for (i = 0; i < MV_CPUID_AUDIT_MAX + 32; i++)
		mv_guest_cpuid(4, i, r);
	GUEST_DONE();
}

#define DUMP_GUESTS	10

/* DUMP_GUESTS guests "d0".. that ran guest_fill_audit(): 0 or -errno */
static int big_guests(struct __test_metadata *_metadata, struct mv_vm *vms)
{
	struct mv_vm_info info;
	struct mv_ucall uc;
	char name[8];
	int i, ret;

	for (i = 0; i < DUMP_GUESTS; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		ret = mv_vm_create(&vms[i], name, 8 << 20, NULL);
		if (!ret)
			ret = mv_vm_load(&vms[i], guest_fill_audit);
		if (!ret)
			ret = mv_vm_start(&vms[i]);
		if (!ret)
			ret = mv_vm_wait(&vms[i], 60, &uc);
		if (!ret && uc.cmd != MV_UCALL_DONE)
			ret = -EIO;
		if (!ret)
			ret = mv_vm_info(&vms[i], &info);
		if (ret) {
			TH_LOG("%s: %d %s %s", name, ret, vms[i].res->msg, vms[i].why);
			return ret;
		}
		EXPECT_EQ(MV_CPUID_AUDIT_MAX, info.nqueries);
		EXPECT_EQ(32, info.unrecorded);
	}
	return 0;
}

/*
 * A dump read across a change is flagged: GUEST_GET's dump of many large
 * guests comes in parts, one per read; a guest created after the first
 * read is a change the third part reports with NLM_F_DUMP_INTR (the second
 * was made before it, as the first read ended).
 */
TEST_F(g, dump_across_a_change_is_flagged)
{
	struct mv_vm vms[DUMP_GUESTS], late;
	static unsigned char buf[65536];
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {};
	int i, parts = 0, msgs = 0, intr = -1;
	bool done = false;
	struct mv_nl nl;

	ASSERT_EQ(0, big_guests(_metadata, vms));
	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = nl.family;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = ++nl.seq;
	req.g.cmd = MV_CMD_GUEST_GET;
	req.g.version = MV_GENL_VERSION;
	ASSERT_EQ(sizeof(req), send(nl.fd, &req, sizeof(req), 0));
	while (!done) {
		ssize_t n = recv(nl.fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		ASSERT_LT(0, n);
		parts++;
		for (h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_flags & NLM_F_DUMP_INTR && intr < 0)
				intr = parts;
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			ASSERT_EQ(nl.family, h->nlmsg_type);
			msgs++;
		}
		if (parts == 1)
			ASSERT_EQ(0, mv_vm_create(&late, "late", 1 << 20, NULL));
	}
	TH_LOG("%d guests in %d parts, flagged from part %d", msgs, parts, intr);
	ASSERT_LE(3, parts);
	EXPECT_EQ(3, intr);
	/* The cursor is an id: the late guest came last, none twice */
	EXPECT_EQ(DUMP_GUESTS + 1, msgs);
	mv_nl_close(&nl);
	mv_vm_destroy(&late);
	for (i = 0; i < DUMP_GUESTS; i++)
		mv_vm_destroy(&vms[i]);
}

/*
 * mvctl reads a flagged dump again. In bursts (300 ms of changes as fast
 * as they go, 700 ms without), d0 is deleted and made anew, which puts it
 * after the dump's cursor: a reader that shows a flagged dump lists it
 * twice now and then. Every "guest show" of many large guests succeeds
 * and lists d0 at most once and the others once; mvctl retries for 635 ms
 * (MVNL_DUMP_TRIES), longer than a burst.
 */
TEST_F_TIMEOUT(g, mvctl_dumps_while_guests_change, 600)
{
	struct mv_vm vms[DUMP_GUESTS];
	char key[32];
	const char *p;
	int i, j, n;
	pid_t pid;

	ASSERT_EQ(0, big_guests(_metadata, vms));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mv_nl_result *res = calloc(1, sizeof(*res));
		struct mv_nl nl;
		struct mv_vm c;

		if (!res || mv_nl_open(&nl, MV_GENL_NAME))
			_exit(1);
		for (;;) {
			double t0 = mv_now();

			while (mv_now() - t0 < 0.3) {
				mv_nl_guest_cmd(&nl, MV_CMD_GUEST_DEL, "d0", res);
				if (!mv_vm_create(&c, "d0", 1 << 20, NULL))
					c.created = false;	/* it stays */
				mv_vm_destroy(&c);
			}
			usleep(700000);
		}
	}
	for (i = 0; i < 30; i++) {
		EXPECT_EQ(0, mv_mvctl("-j guest show")) {
			TH_LOG("run %d: %.300s", i, mv_out);
		}
		EXPECT_EQ(0, mv_json_validate(mv_out));
		for (j = 0; j < DUMP_GUESTS; j++) {
			snprintf(key, sizeof(key), "\"name\":\"d%d\"", j);
			for (n = 0, p = mv_out; (p = strstr(p, key)); p++)
				n++;
			/* d0 may be between its deletion and its return */
			EXPECT_GE(1, n) {
				TH_LOG("run %d: d%d listed %d times", i, j, n);
			}
			if (j)
				EXPECT_EQ(1, n);
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < DUMP_GUESTS; i++)
		mv_vm_destroy(&vms[i]);
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

TEST_F(g, mvctl_unprivileged_refused)
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

TEST_F(g, unload_refused_then_allowed)
{
	struct mv_guest_open o = { .name = "keep" };
	struct mv_vm vm;
	int fd, gfd;

	ASSERT_EQ(0, mv_vm_create(&vm, "keep", 2 << 20, NULL));
	/* The mv_vm's own guest fd is closed: only the guest holds the module. */
	close(vm.fd);
	vm.fd = -1;
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	gfd = ioctl(fd, MV_IOC_GUEST_OPEN, &o);
	ASSERT_GE(gfd, 0);
	ASSERT_EQ(0, mv_vm_delete(&vm));
	mv_vm_destroy(&vm);
	/* The guest fd still holds the module. */
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	close(gfd);
	EXPECT_EQ(-EWOULDBLOCK, mv_module_unload());
	close(fd);
	ASSERT_EQ(0, mv_module_unload());
	EXPECT_FALSE(mv_module_loaded());
}

MV_TEST_MAIN
