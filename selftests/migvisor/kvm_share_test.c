// SPDX-License-Identifier: GPL-2.0
/*
 * migvisor next to KVM on kernels where kvm_intel holds VMX root from its
 * load (6.12+): our guests run inside its VMX root (shared mode), KVM VMs
 * and our guests run at the same time on one CPU, either side can come
 * and go while the other runs, kvm_intel stays pinned while our guests
 * exist, and a VMX root that goes away under a guest is taken over where
 * the kernel allows it (6.12) or pauses the guest with a reason (7.1+).
 *
 * Before 6.12 the tests skip: there KVM holds VMX only while its VMs
 * exist, and guest_test's kvm_intel_both_orders checks the either/or rule.
 * Needs /rig/{irqbypass,kvm,kvm-intel}.ko of the running kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kvm.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_guest.h"

#define KVM_MEM		0x10000
#define KVM_CODE	0x1000
#define KVM_COUNTER	0x2000

/*
 * Real-mode loop: xor eax,eax; cpuid; inc dword [0x2000]; jmp back. Every
 * step is a CPUID exit that KVM handles in the kernel, so the VM enters
 * and leaves VMX non-root operation all the time, as ours do.
 */
static const unsigned char kvm_loop[] = {
	0x66, 0x31, 0xc0, 0x0f, 0xa2, 0x66, 0xff, 0x06, 0x00, 0x20, 0xeb, 0xf4,
};
/* hlt: one VM entry and an exit to user space. */
static const unsigned char kvm_hlt[] = { 0xf4 };

struct kvm_vm {
	int sys, vm, vcpu;
	struct kvm_run *run;
	size_t runsz;
	unsigned char *mem;
	pthread_t thread;
	int stop;			/* __atomic: set by the test, read by the thread */
	int fail;			/* an exit that is not ours to expect */
	unsigned int exit_reason;
};


static int kvm_vm_create(struct kvm_vm *k, const unsigned char *code,
			 size_t len)
{
	struct kvm_userspace_memory_region r = { .memory_size = KVM_MEM };
	struct kvm_sregs s;
	struct kvm_regs regs = { .rip = KVM_CODE, .rflags = 2 };

	memset(k, 0, sizeof(*k));
	k->sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->sys < 0)
		return -errno;
	k->vm = ioctl(k->sys, KVM_CREATE_VM, 0);
	if (k->vm < 0)
		return -errno;
	/* Where KVM emulates real mode (no unrestricted guest: Nehalem). */
	if (ioctl(k->vm, KVM_SET_TSS_ADDR, 0xfffbd000ul))
		return -errno;
	k->mem = mmap(NULL, KVM_MEM, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (k->mem == MAP_FAILED)
		return -errno;
	memcpy(k->mem + KVM_CODE, code, len);
	r.userspace_addr = (uintptr_t)k->mem;
	if (ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	k->runsz = ioctl(k->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (k->vcpu < 0 || (long)k->runsz <= 0)
		return -errno;
	k->run = mmap(NULL, k->runsz, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->vcpu, 0);
	if (k->run == MAP_FAILED)
		return -errno;
	if (ioctl(k->vcpu, KVM_GET_SREGS, &s))
		return -errno;
	s.cs.base = 0;
	s.cs.selector = 0;
	s.ds.base = 0;
	s.ds.selector = 0;
	if (ioctl(k->vcpu, KVM_SET_SREGS, &s) ||
	    ioctl(k->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

static void kvm_vm_destroy(struct kvm_vm *k)
{
	if (k->run && k->run != MAP_FAILED)
		munmap(k->run, k->runsz);
	if (k->mem && k->mem != MAP_FAILED)
		munmap(k->mem, KVM_MEM);
	if (k->vcpu > 0)
		close(k->vcpu);
	if (k->vm > 0)
		close(k->vm);
	if (k->sys > 0)
		close(k->sys);
}

/* One KVM_RUN; 0 on an expected exit (HLT, or a signal). */
static int kvm_run_once(struct kvm_vm *k)
{
	if (ioctl(k->vcpu, KVM_RUN, 0))
		return errno == EINTR ? 0 : -errno;
	k->exit_reason = k->run->exit_reason;
	return k->exit_reason == KVM_EXIT_HLT ? 0 : -EPROTO;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void *kvm_thread(void *arg)
{
	struct kvm_vm *k = arg;

	while (!__atomic_load_n(&k->stop, __ATOMIC_RELAXED)) {
		if (kvm_run_once(k)) {
			k->fail = 1;
			break;
		}
	}
	return NULL;
}

static uint32_t kvm_counter(struct kvm_vm *k)
{
	return __atomic_load_n((uint32_t *)(k->mem + KVM_COUNTER),
			       __ATOMIC_RELAXED);
}

static int kvm_start(struct kvm_vm *k)
{
	int ret = kvm_vm_create(k, kvm_loop, sizeof(kvm_loop));

	if (ret)
		return ret;
	return -pthread_create(&k->thread, NULL, kvm_thread, k);
}

/* A signal ends the KVM_RUN in progress: the loop never exits by itself. */
static void kvm_stop(struct kvm_vm *k)
{
	__atomic_store_n(&k->stop, 1, __ATOMIC_RELAXED);
	while (pthread_tryjoin_np(k->thread, NULL)) {
		pthread_kill(k->thread, SIGUSR1);
		usleep(10000);
	}
	kvm_vm_destroy(k);
}

static int load_kvm(const char *kvm_args)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "insmod /rig/irqbypass.ko 2>/dev/null; insmod /rig/kvm.ko %s && insmod /rig/kvm-intel.ko",
		 kvm_args);
	return mv_run(cmd, mv_out, sizeof(mv_out), true) ||
	       access("/dev/kvm", F_OK);
}

static void unload_kvm(void)
{
	mv_run("rmmod kvm_intel; rmmod kvm", mv_out, sizeof(mv_out), true);
}

/* "mvctl host show" says CPU 0 is in @mode. */
static bool cpu0_mode(const char *mode)
{
	char want[64];

	snprintf(want, sizeof(want), "cpu 0: %s", mode);
	return !mv_mvctl("host show") && strstr(mv_out, want);
}

/* The counter guest @name counts on: it ran in the last @secs. */
static bool guest_progresses(const char *name, double secs)
{
	uint64_t a = mv_read_counter(name);

	usleep(secs * 1e6);
	return mv_read_counter(name) > a;
}

FIXTURE(kvm) {};
FIXTURE_SETUP(kvm)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (!mv_kernel_at_least(6, 12))
		SKIP(return, "kvm_intel holds VMX from its load only since 6.12");
	/*
	 * It unloads kvm_intel, loads the rig's copies and points the
	 * kernel's modprobe at /lib/modules: not on a host with real VMs.
	 */
	if (!mv_in_rig())
		SKIP(return, "runs in the test rig only (MV_RIG): it replaces kvm_intel");
	if (!mv_module_loaded())
		ASSERT_EQ(0, mv_module_load());
	mv_delete_all_guests();
	sigaction(SIGUSR1, &sa, NULL);
	unload_kvm();
	if (load_kvm(""))
		SKIP(return, "kvm_intel not available: %.200s", mv_out);
}

/* As the host had it: kvm_intel at its defaults, as udev loads it. */
FIXTURE_TEARDOWN(kvm)
{
	mv_delete_all_guests();
	unload_kvm();
	load_kvm("");
}

/* kvm_intel at its defaults: VMX is on and ours run inside it. */
TEST_F_TIMEOUT(kvm, guests_run_in_kvm_vmx_root, 120)
{
	ASSERT_TRUE(cpu0_mode("shared (kvm_intel)")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_setup_guest("s1", "4M", "counter"));
	ASSERT_EQ(0, mv_mvctl("guest start s1")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_TRUE(guest_progresses("s1", 1));
	ASSERT_TRUE(cpu0_mode("shared (kvm_intel)"));
	EXPECT_NE(NULL, strstr(mv_out, "kvm_intel is pinned")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest show s1"));
	EXPECT_NE(NULL, strstr(mv_out, "state running")) {
		TH_LOG("%s", mv_out);
	}
}

/*
 * One KVM VM and two of our guests on one CPU for 30 emulated seconds
 * (on one CPU the emulated clock is the guests' time): each makes
 * progress in every 5 s window, and nothing fails a VM entry.
 */
TEST_F_TIMEOUT(kvm, concurrent_kvm, 300)
{
	uint64_t a[2], b[2];
	uint32_t ka, kb;
	struct kvm_vm k;
	int i, w;

	ASSERT_EQ(0, mv_setup_guest("c1", "4M", "counter"));
	ASSERT_EQ(0, mv_setup_guest("c2", "4M", "counter-cpuid"));
	ASSERT_EQ(0, kvm_start(&k));
	ASSERT_EQ(0, mv_mvctl("guest start c1")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest start c2")) {
		TH_LOG("%s", mv_out);
	}
	for (w = 0; w < 6; w++) {
		ka = kvm_counter(&k);
		for (i = 0; i < 2; i++)
			a[i] = mv_read_counter(i ? "c2" : "c1");
		sleep(5);
		kb = kvm_counter(&k);
		for (i = 0; i < 2; i++)
			b[i] = mv_read_counter(i ? "c2" : "c1");
		EXPECT_GT(kb, ka) TH_LOG("window %d: the KVM VM made no progress", w);
		EXPECT_GT(b[0], a[0]) TH_LOG("window %d: c1 made no progress", w);
		EXPECT_GT(b[1], a[1]) TH_LOG("window %d: c2 made no progress", w);
		TH_LOG("window %d: kvm +%u, c1 +%llu, c2 +%llu", w, kb - ka,
		       (unsigned long long)(b[0] - a[0]),
		       (unsigned long long)(b[1] - a[1]));
		ASSERT_FALSE(k.fail) TH_LOG("KVM exit reason %u", k.exit_reason);
	}
	kvm_stop(&k);
	EXPECT_FALSE(k.fail) TH_LOG("KVM exit reason %u", k.exit_reason);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, mv_mvctl("guest show %s", i ? "c2" : "c1"));
		EXPECT_NE(NULL, strstr(mv_out, "state running")) {
			TH_LOG("%s", mv_out);
		}
	}
}

/* 50 KVM VMs come and go, each entering its guest, while ours run. */
TEST_F_TIMEOUT(kvm, kvm_vm_churn_while_guests_run, 900)
{
	struct kvm_vm k;
	int i;

	ASSERT_EQ(0, mv_setup_guest("r1", "4M", "counter"));
	ASSERT_EQ(0, mv_setup_guest("r2", "4M", "counter-cpuid"));
	ASSERT_EQ(0, mv_mvctl("guest start r1"));
	ASSERT_EQ(0, mv_mvctl("guest start r2"));
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, kvm_vm_create(&k, kvm_hlt, sizeof(kvm_hlt)))
			TH_LOG("VM %d", i);
		ASSERT_EQ(0, kvm_run_once(&k))
			TH_LOG("VM %d: exit reason %u", i, k.exit_reason);
		ASSERT_EQ(KVM_EXIT_HLT, k.exit_reason);
		kvm_vm_destroy(&k);
	}
	EXPECT_TRUE(guest_progresses("r1", 1));
	EXPECT_TRUE(guest_progresses("r2", 1));
}

/* The reverse: 50 of ours come and go while a KVM VM runs. */
TEST_F_TIMEOUT(kvm, guest_churn_while_kvm_runs, 900)
{
	struct kvm_vm k;
	uint32_t before;
	int i;

	ASSERT_EQ(0, kvm_start(&k));
	before = kvm_counter(&k);
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, mv_setup_guest("h", "4M", "hello")) TH_LOG("%s", mv_out);
		ASSERT_EQ(0, mv_mvctl("guest start h")) TH_LOG("%d: %s", i, mv_out);
		ASSERT_TRUE(mv_wait_for("h", "state stopped", 30)) TH_LOG("%s", mv_out);
		EXPECT_NE(NULL, strstr(mv_out, "stopped: exit info 0x0"))
			TH_LOG("%d: %s", i, mv_out);
		ASSERT_EQ(0, mv_mvctl("guest del h"));
	}
	EXPECT_GT(kvm_counter(&k), before);
	ASSERT_FALSE(k.fail) TH_LOG("KVM exit reason %u", k.exit_reason);
	kvm_stop(&k);
	EXPECT_FALSE(k.fail) TH_LOG("KVM exit reason %u", k.exit_reason);
}

/* kvm_intel cannot be unloaded under our guests, and can be after. */
TEST_F_TIMEOUT(kvm, rmmod_kvm_intel_refused_while_guests_exist, 120)
{
	ASSERT_EQ(0, mv_setup_guest("p", "4M", "counter"));
	ASSERT_EQ(0, mv_mvctl("guest start p"));
	EXPECT_NE(0, mv_run("rmmod kvm_intel", mv_out, sizeof(mv_out), true));
	EXPECT_EQ(0, access("/sys/module/kvm_intel", F_OK));
	EXPECT_TRUE(guest_progresses("p", 1));
	ASSERT_EQ(0, mv_mvctl("guest del p"));
	EXPECT_EQ(0, mv_run("rmmod kvm_intel", mv_out, sizeof(mv_out), true)) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_NE(0, access("/sys/module/kvm_intel", F_OK));
}

/*
 * kvm_intel arrives while we own VMX (6.12): we hand VMX root over before
 * its init runs, our guest goes on inside its root, and KVM VMs work.
 * Where only KVM may turn VMX on (7.1+), our guest start loads kvm_intel.
 */
TEST_F_TIMEOUT(kvm, kvm_intel_arrives_while_guests_run, 180)
{
	struct kvm_vm k;

	unload_kvm();
	ASSERT_EQ(0, mv_run("mkdir -p /lib/modules/$(uname -r) && cp /rig/irqbypass.ko /rig/kvm.ko /rig/kvm-intel.ko /lib/modules/$(uname -r)/ && depmod && echo /bin/modprobe >/proc/sys/kernel/modprobe",
			    mv_out, sizeof(mv_out), true)) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_setup_guest("a", "4M", "counter"));
	ASSERT_EQ(0, mv_mvctl("guest start a")) {
		TH_LOG("%s", mv_out);
	}
	if (cpu0_mode("owned")) {
		EXPECT_TRUE(guest_progresses("a", 1));
		ASSERT_EQ(0, load_kvm("")) TH_LOG("%s", mv_out);
	} else {
		TH_LOG("this kernel lets only KVM turn VMX on: the start loaded kvm_intel");
		EXPECT_EQ(0, access("/sys/module/kvm_intel", F_OK));
	}
	ASSERT_TRUE(cpu0_mode("shared (kvm_intel)")) {
		TH_LOG("%s", mv_out);
	}
	EXPECT_TRUE(guest_progresses("a", 1));
	ASSERT_EQ(0, kvm_start(&k));
	sleep(1);
	EXPECT_GT(kvm_counter(&k), 0);
	kvm_stop(&k);
	EXPECT_FALSE(k.fail) TH_LOG("KVM exit reason %u", k.exit_reason);
	EXPECT_TRUE(guest_progresses("a", 1));
	mv_run("rm -rf /lib/modules", mv_out, sizeof(mv_out), true);
}

/*
 * kvm.enable_virt_at_load=0: VMX is on only while a KVM VM exists. When
 * the last one goes, VMX goes off under our running guest: we take it
 * over where the kernel lets us (6.12), or the guest pauses with the
 * reason and a resume works once VMX is back (7.1+).
 */
TEST_F_TIMEOUT(kvm, vmx_goes_off_under_a_guest, 180)
{
	struct kvm_vm k;

	unload_kvm();
	ASSERT_EQ(0, load_kvm("enable_virt_at_load=0")) TH_LOG("%s", mv_out);
	ASSERT_EQ(0, kvm_start(&k));
	ASSERT_TRUE(cpu0_mode("shared")) TH_LOG("%s", mv_out);
	ASSERT_EQ(0, mv_setup_guest("o", "4M", "counter"));
	ASSERT_EQ(0, mv_mvctl("guest start o")) TH_LOG("%s", mv_out);
	EXPECT_TRUE(guest_progresses("o", 1));
	kvm_stop(&k);
	usleep(500000);
	ASSERT_EQ(0, mv_mvctl("guest show o"));
	if (strstr(mv_out, "state running")) {
		/* Taken over: ours now, and it goes on. */
		EXPECT_TRUE(cpu0_mode("owned")) TH_LOG("%s", mv_out);
		EXPECT_TRUE(guest_progresses("o", 1));
		EXPECT_NE(0, kvm_vm_create(&k, kvm_hlt, sizeof(kvm_hlt)));
		kvm_vm_destroy(&k);
		return;
	}
	EXPECT_NE(NULL, strstr(mv_out, "state paused")) TH_LOG("%s", mv_out);
	EXPECT_NE(NULL, strstr(mv_out, "paused: vmx-off cpu 0")) TH_LOG("%s", mv_out);
	/* VMX back with a KVM VM, then a resume goes on. */
	ASSERT_EQ(0, kvm_start(&k));
	ASSERT_EQ(0, mv_mvctl("guest resume o")) TH_LOG("%s", mv_out);
	EXPECT_TRUE(guest_progresses("o", 1));
	kvm_stop(&k);
}

/* Where only KVM may turn VMX on and it keeps VMX off: a clear refusal. */
TEST_F_TIMEOUT(kvm, start_refused_when_kvm_keeps_vmx_off, 120)
{
	unload_kvm();
	ASSERT_EQ(0, load_kvm("enable_virt_at_load=0")) TH_LOG("%s", mv_out);
	ASSERT_EQ(0, mv_setup_guest("n", "4M", "counter"));
	if (cpu0_mode("off:")) {
		/* 6.12: VMX off and ours to turn on. */
		ASSERT_EQ(0, mv_mvctl("guest start n")) TH_LOG("%s", mv_out);
		EXPECT_TRUE(cpu0_mode("owned")) TH_LOG("%s", mv_out);
		return;
	}
	ASSERT_TRUE(cpu0_mode("off-kvm-only")) TH_LOG("%s", mv_out);
	EXPECT_EQ(1, mv_mvctl("guest start n"));
	EXPECT_NE(NULL, strstr(mv_out, "enable_virt_at_load=1")) {
		TH_LOG("%s", mv_out);
	}
	ASSERT_EQ(0, mv_mvctl("guest show n"));
	EXPECT_NE(NULL, strstr(mv_out, "state created")) TH_LOG("%s", mv_out);
}

MV_TEST_MAIN
