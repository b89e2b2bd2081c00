// SPDX-License-Identifier: GPL-2.0
/*
 * The system call table: memory, files, time and signals in their own
 * files, the process calls here. A number not served answers -ENOSYS,
 * as Linux does for a call it was built without, and is named on the
 * console the first time, so a run shows what a program wanted.
 */
#include "lx.h"

#define LX_MAX_NR	512

static uint8_t reported[LX_MAX_NR / 8];
static uint64_t tid_address;
static uint64_t fs_base;

static const char *const nr_names[] = {
	[7] = "poll", [23] = "select", [41] = "socket", [42] = "connect",
	[56] = "clone", [57] = "fork", [58] = "vfork", [59] = "execve",
	[61] = "wait4", [101] = "ptrace", [165] = "mount", [202] = "futex",
	[232] = "epoll_wait", [270] = "pselect6", [271] = "ppoll",
	[273] = "set_robust_list", [281] = "epoll_pwait", [290] = "eventfd2",
	[291] = "epoll_create1", [302] = "prlimit64", [309] = "getcpu",
	[319] = "memfd_create", [322] = "execveat", [334] = "rseq",
	[435] = "clone3", [157] = "prctl", [283] = "timerfd_create",
	[38] = "setitimer", [37] = "alarm",
};

const char *lx_syscall_name(uint64_t nr)
{
	return nr < ARRAY_SIZE(nr_names) && nr_names[nr] ? nr_names[nr] : NULL;
}

static long unknown(uint64_t nr)
{
	if (nr < LX_MAX_NR && !(reported[nr / 8] & (1 << (nr % 8)))) {
		const char *name = lx_syscall_name(nr);

		reported[nr / 8] |= 1 << (nr % 8);
		if (name)
			lx_log("syscall %lu (%s) is not supported: -ENOSYS", nr, name);
		else
			lx_log("syscall %lu is not supported: -ENOSYS", nr);
	} else if (nr >= LX_MAX_NR) {
		/* A storm of random numbers must not flood the console. */
		static uint64_t seen[8];
		static unsigned int nseen;
		unsigned int i;

		for (i = 0; i < nseen && seen[i] != nr; i++)
			;
		if (i == nseen && nseen < ARRAY_SIZE(seen)) {
			seen[nseen++] = nr;
			lx_log("syscall %lu (out of range) is not supported: -ENOSYS", nr);
		}
	}
	return -LX_NOSYS;
}

struct utsname {
	char f[6][65];
};

static long do_uname(uint64_t u)
{
	static const char *const v[6] = {
		"Linux", "migvisor", "6.1.0-mvlinux", "#1 SMP migvisor",
		"x86_64", "(none)",
	};
	struct utsname un;
	int i;

	memset(&un, 0, sizeof(un));
	for (i = 0; i < 6; i++)
		strcpy(un.f[i], v[i]);
	return lx_copy_to_user(u, &un, sizeof(un));
}

struct rlimit {
	uint64_t cur, max;
};

static int rlimit_of(uint64_t res, struct rlimit *rl)
{
	const uint64_t inf = ~0ULL;

	switch (res) {
	case 3:		/* RLIMIT_STACK */
		*rl = (struct rlimit){ MV_LX_STACK_SIZE, inf };
		return 0;
	case 7:		/* RLIMIT_NOFILE */
		*rl = (struct rlimit){ 256, 256 };
		return 0;
	case 6:		/* RLIMIT_NPROC */
		*rl = (struct rlimit){ 1, 1 };
		return 0;
	}
	if (res >= 16)
		return -EINVAL;
	*rl = (struct rlimit){ inf, inf };
	return 0;
}

static long do_prlimit(uint64_t pid, uint64_t res, uint64_t nu, uint64_t ou)
{
	struct rlimit rl;
	int ret;

	if (pid && pid != 1)
		return -ESRCH;
	ret = rlimit_of(res, &rl);
	if (ret)
		return ret;
	if (ou && lx_copy_to_user(ou, &rl, sizeof(rl)))
		return -EFAULT;
	/* New limits are accepted and not enforced: there is one process. */
	if (nu && lx_copy_from_user(&rl, nu, sizeof(rl)))
		return -EFAULT;
	return 0;
}

struct sysinfo {
	int64_t uptime;
	uint64_t loads[3], totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char f[4];
};

static long do_sysinfo(uint64_t u)
{
	struct sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = lx_mono_ns() / 1000000000;
	si.totalram = lx_pages_free() * PAGE_SIZE;
	si.freeram = lx_pages_free() * PAGE_SIZE;
	si.procs = 1;
	si.mem_unit = 1;
	return lx_copy_to_user(u, &si, sizeof(si));
}

static long do_random(uint64_t u, uint64_t len, uint64_t flags)
{
	uint64_t done = 0;

	if (flags & ~7ULL)
		return -EINVAL;
	if (len > 33554431)
		len = 33554431;
	if (!lx_user_ok(u, len, true))
		return -EFAULT;
	while (done < len) {
		static uint64_t state;
		uint64_t x, n;

		/* xorshift* over the TSC: not for keys, for hash seeds. */
		if (!state)
			state = mv_rdtsc() | 1;
		state ^= state >> 12;
		state ^= state << 25;
		state ^= state >> 27;
		x = state * 0x2545f4914f6cdd1dULL ^ mv_rdtsc();
		n = len - done < 8 ? len - done : 8;
		memcpy((void *)(u + done), &x, n);
		done += n;
	}
	return len;
}

static long do_arch_prctl(uint64_t code, uint64_t addr)
{
	switch (code) {
	case 0x1002:	/* ARCH_SET_FS */
		if (addr >= MV_LX_USER_END)
			return -EPERM;
		fs_base = addr;
		asm volatile("wrmsr" : : "c" (0xc0000100), "a" ((uint32_t)addr),
			     "d" ((uint32_t)(addr >> 32)));
		return 0;
	case 0x1003:	/* ARCH_GET_FS */
		return lx_copy_to_user(addr, &fs_base, 8);
	case 0x1001:	/* ARCH_SET_GS */
	case 0x1004:	/* ARCH_GET_GS */
		return -EINVAL;
	}
	return -EINVAL;
}

static long do_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t uts)
{
	uint32_t cur;
	int64_t ts[2];

	switch (op & 0x7f) {	/* without FUTEX_PRIVATE_FLAG, CLOCK_RT */
	case 0:		/* FUTEX_WAIT */
	case 9:		/* FUTEX_WAIT_BITSET */
		if (lx_copy_from_user(&cur, uaddr, 4))
			return -EFAULT;
		if (cur != (uint32_t)val)
			return -EAGAIN;
		/* Nobody else could ever wake it: there is one thread. */
		if (!uts) {
			lx_log("futex wait at 0x%lx that no other thread can end: the program would hang",
			       uaddr);
			lx_exit(128 + SIGKILL);
		}
		if (lx_copy_from_user(ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -EINVAL;
		if ((op & 0x7f) == 0)	/* relative; BITSET's is absolute */
			lx_delay_ns(ts[0] * 1000000000ULL + ts[1]);
		return -ETIMEDOUT;
	case 1:		/* FUTEX_WAKE */
	case 10:	/* FUTEX_WAKE_BITSET */
		return 0;
	}
	return -LX_NOSYS;
}

static long do_affinity(uint64_t pid, uint64_t len, uint64_t u)
{
	uint64_t mask = 1;

	if (pid && pid != 1)
		return -ESRCH;
	if (len < 8 || (len & 7))
		return -EINVAL;
	if (!lx_user_ok(u, len, true))
		return -EFAULT;
	memset((void *)u, 0, len);
	memcpy((void *)u, &mask, 8);
	return 8;
}

static long process_syscall(struct lx_regs *r, bool *handled)
{
	uint64_t a0 = r->rdi, a1 = r->rsi, a2 = r->rdx, a3 = r->r10;

	*handled = true;
	switch (r->vector) {
	case 60:	/* exit */
	case 231:	/* exit_group */
		lx_exit(a0);
	case 39:	/* getpid */
	case 186:	/* gettid */
	case 111:	/* getpgrp */
	case 124:	/* getsid */
		return 1;
	case 121:	/* getpgid */
		return 1;
	case 110:	/* getppid */
		return 0;
	case 102: case 104: case 107: case 108:	/* get[e]uid, get[e]gid */
		return 0;
	case 118:	/* getresuid */
	case 120: {	/* getresgid */
		uint32_t z = 0;

		if (lx_copy_to_user(a0, &z, 4) || lx_copy_to_user(a1, &z, 4) ||
		    lx_copy_to_user(a2, &z, 4))
			return -EFAULT;
		return 0;
	}
	case 115:	/* getgroups */
		return 0;
	case 218:	/* set_tid_address */
		tid_address = a0;
		return 1;
	case 273:	/* set_robust_list */
		return a1 == 24 ? 0 : -EINVAL;
	case 24:	/* sched_yield */
		return 0;
	case 63:	/* uname */
		return do_uname(a0);
	case 97: {	/* getrlimit */
		struct rlimit rl;
		int ret = rlimit_of(a0, &rl);

		return ret ?: lx_copy_to_user(a1, &rl, sizeof(rl));
	}
	case 160:	/* setrlimit */
		return a0 < 16 ? 0 : -EINVAL;
	case 302:	/* prlimit64 */
		return do_prlimit(a0, a1, a2, a3);
	case 99:	/* sysinfo */
		return do_sysinfo(a0);
	case 318:	/* getrandom */
		return do_random(a0, a1, a2);
	case 158:	/* arch_prctl */
		return do_arch_prctl(a0, a1);
	case 202:	/* futex */
		return do_futex(a0, a1, a2, a3);
	case 204:	/* sched_getaffinity */
		return do_affinity(a0, a1, a2);
	case 203:	/* sched_setaffinity */
		return 0;
	case 12:	/* brk */
		return sys_brk(a0);
	case 9:		/* mmap */
		return sys_mmap(a0, a1, a2, a3, r->r8, r->r9);
	case 11:	/* munmap */
		return sys_munmap(a0, a1);
	case 10:	/* mprotect */
		return sys_mprotect(a0, a1, a2);
	case 25:	/* mremap */
		return sys_mremap(a0, a1, a2, a3, r->r8);
	case 28:	/* madvise */
		return sys_madvise(a0, a1, a2);
	case 149:	/* mlock */
	case 150:	/* munlock */
	case 26:	/* msync */
		return 0;
	case 334:	/* rseq: as a kernel without CONFIG_RSEQ */
		return -LX_NOSYS;
	case 56:	/* clone */
	case 57:	/* fork */
	case 58:	/* vfork */
	case 435: {	/* clone3 */
		static bool said;

		if (!said)
			lx_log("%s: threads and processes are not supported: -ENOSYS",
			       lx_syscall_name(r->vector) ?: "clone");
		said = true;
		reported[r->vector / 8] |= 1 << (r->vector % 8);
		return -LX_NOSYS;
	}
	}
	*handled = false;
	return -LX_NOSYS;
}

void lx_syscall(struct lx_regs *r)
{
	static long (*const tables[])(struct lx_regs *, bool *) = {
		process_syscall, lx_fs_syscall, lx_time_syscall,
		lx_signal_syscall,
	};
	bool handled = false;
	unsigned int i;
	long ret = -LX_NOSYS;

	for (i = 0; i < ARRAY_SIZE(tables) && !handled; i++)
		ret = tables[i](r, &handled);
	if (!handled)
		ret = unknown(r->vector);
	r->rax = ret;
}
