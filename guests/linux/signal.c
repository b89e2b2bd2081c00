// SPDX-License-Identifier: GPL-2.0
/*
 * Signals of one process: handlers are recorded, and a fault (or a
 * signal the program sends itself) is delivered on Linux's x86-64 frame,
 * so a handler can inspect the context and return through rt_sigreturn.
 * Without a handler the program ends, as under Linux, with status
 * 128 + the signal. A fault is always named on the console first: the
 * signal, RIP, the address and the instruction bytes, which is what one
 * needs to see that a hidden CPU feature was used.
 */
#include "lx.h"

#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTORER	0x04000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SIG_DFL		0
#define SIG_IGN		1
#define SI_KERNEL	0x80
#define SI_TKILL	-6
#define USER_FLAGS	0x254dd5ULL	/* what sigreturn may set (Linux's) */

struct lx_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct lx_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved1[8];
};

struct lx_ucontext {
	uint64_t flags, link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	struct lx_sigcontext mc;
	uint64_t sigmask;
};

struct lx_siginfo {
	int32_t signo, err, code, pad;
	union {
		uint64_t addr;
		struct { int32_t pid; uint32_t uid; } kill;
		uint8_t raw[112];
	};
};

struct lx_sigframe {
	uint64_t pretcode;
	struct lx_ucontext uc;
	struct lx_siginfo info;
};

_Static_assert(sizeof(struct lx_sigcontext) == 256, "struct sigcontext");
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo_t");
_Static_assert(__builtin_offsetof(struct lx_ucontext, mc) == 40, "ucontext");

static struct lx_sigaction actions[LX_NSIG + 1];
static uint64_t blocked;
static uint64_t alt_sp, alt_size;
static int alt_flags = SS_DISABLE;
/* Recovery for XRSTOR of a program-made frame: see lx_fault(). */
static uint64_t fixup_rip, fixup_to;

static const char *const names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[10] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [12] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [14] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[31] = "SIGSYS",
};

static const char *sig_name(int sig)
{
	return sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig] ?
	       names[sig] : "a signal";
}

/* Signals whose default is to be ignored: SIGCHLD, SIGURG, SIGWINCH. */
static bool default_ignored(int sig)
{
	return sig == 17 || sig == 23 || sig == 28;
}

static __noreturn void die(int sig)
{
	lx_log("program ended by %s", sig_name(sig));
	lx_exit(128 + sig);
}

static bool canonical(uint64_t va)
{
	return (int64_t)(va << 16) >> 16 == (int64_t)va;
}

static void save_fpu(uint64_t at)
{
	if (lx_xcr0)
		asm volatile("xsave64 (%0)" : : "r" (at), "a" ((uint32_t)lx_xcr0),
			     "d" ((uint32_t)(lx_xcr0 >> 32)) : "memory");
	else
		asm volatile("fxsave64 (%0)" : : "r" (at) : "memory");
}

/* Restore a frame's FPU state; false if the CPU refused it. */
static bool restore_fpu(uint64_t at)
{
	uint64_t ok = 0;

	asm volatile("lea 1f(%%rip), %%r11\n\t"
		     "mov %%r11, %[rip]\n\t"
		     "lea 2f(%%rip), %%r11\n\t"
		     "mov %%r11, %[to]\n\t"
		     "test %[x], %[x]\n\t"
		     "jz 3f\n"
		     "1: xrstor64 (%[at])\n\t"
		     "jmp 4f\n"
		     "3: lea 5f(%%rip), %%r11\n\t"
		     "mov %%r11, %[rip]\n"
		     "5: fxrstor64 (%[at])\n"
		     "4: mov $1, %[ok]\n"
		     "2:"
		     : [ok] "+r" (ok), [rip] "=m" (fixup_rip), [to] "=m" (fixup_to)
		     : [at] "r" (at), [x] "r" (lx_xcr0), "a" ((uint32_t)lx_xcr0),
		       "d" ((uint32_t)(lx_xcr0 >> 32))
		     : "r11", "memory");
	fixup_rip = 0;
	return ok;
}

static void deliver(struct lx_regs *r, int sig, int code, uint64_t addr)
{
	struct lx_sigaction *a = &actions[sig];
	uint64_t sp = r->rsp, fp, fsize = lx_xcr0 ? lx_xsave_size : 512;
	struct lx_sigframe f;
	bool on_alt = alt_flags != SS_DISABLE && sp - alt_sp <= alt_size;

	if ((a->flags & SA_ONSTACK) && alt_flags != SS_DISABLE && !on_alt)
		sp = alt_sp + alt_size;
	else
		sp -= 128;	/* the red zone */
	fp = (sp - fsize) & ~63ULL;
	sp = ((fp - sizeof(f)) & ~15ULL) - 8;
	if (!(a->flags & SA_RESTORER) || !lx_user_ok(sp, fp + fsize - sp, true)) {
		lx_log("cannot hand %s to its handler: %s", sig_name(sig),
		       a->flags & SA_RESTORER ? "its frame does not fit the stack" :
		       "the handler has no SA_RESTORER");
		die(sig == SIGSEGV ? SIGSEGV : sig);
	}
	memset(&f, 0, sizeof(f));
	f.pretcode = a->restorer;
	f.uc.ss_sp = alt_sp;
	f.uc.ss_size = alt_size;
	f.uc.ss_flags = alt_flags == SS_DISABLE ? SS_DISABLE : on_alt ? SS_ONSTACK : 0;
	f.uc.mc = (struct lx_sigcontext){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->rflags, .cs = LX_UCODE,
		.ss = LX_UDATA, .err = r->error,
		.trapno = r->vector < 32 ? r->vector : 0,
		.oldmask = blocked, .cr2 = addr, .fpstate = fp,
	};
	f.uc.sigmask = blocked;
	f.info.signo = sig;
	f.info.code = code;
	if (code == SI_TKILL)
		f.info.kill.pid = 1;
	else
		f.info.addr = addr;
	memcpy((void *)sp, &f, sizeof(f));
	memset((void *)fp, 0, 512 + 64);
	save_fpu(fp);
	r->rsp = sp;
	r->rip = a->handler;
	r->rdi = sig;
	r->rsi = sp + __builtin_offsetof(struct lx_sigframe, info);
	r->rdx = sp + __builtin_offsetof(struct lx_sigframe, uc);
	r->rax = 0;
	r->rflags &= ~0x40500ULL;	/* TF, DF, AC: as Linux clears them */
	blocked |= a->mask;
	if (!(a->flags & SA_NODEFER))
		blocked |= 1ULL << (sig - 1);
	if (a->flags & SA_RESETHAND)
		*a = (struct lx_sigaction){ 0 };
}

void lx_signal(struct lx_regs *r, int sig, int code, uint64_t addr)
{
	struct lx_sigaction *a = &actions[sig];
	bool fault = code != SI_TKILL;

	if (sig == SIGKILL || a->handler == SIG_DFL) {
		if (!fault && default_ignored(sig))
			return;
		die(sig);
	}
	if (a->handler == SIG_IGN) {
		/* A fault cannot be ignored: it would only recur. */
		if (fault)
			die(sig);
		return;
	}
	if ((blocked >> (sig - 1)) & 1) {
		if (fault)
			die(sig);
		return;		/* pending, never delivered: no queue kept */
	}
	deliver(r, sig, code, addr);
}

static void report(struct lx_regs *r, int sig, const char *what, uint64_t addr)
{
	char bytes[16 * 3 + 1];
	unsigned int i, n = 0;

	for (i = 0; i < 15; i++) {
		uint8_t b;

		if (!lx_user_ok(r->rip + i, 1, false))
			break;
		b = *(const uint8_t *)(r->rip + i);
		n += mv_snprintf(bytes + n, sizeof(bytes) - n, "%s%02x",
				 i ? " " : "", b);
	}
	if (!i)
		mv_snprintf(bytes, sizeof(bytes), "(unreadable)");
	lx_log("%s (%s) at rip 0x%lx, address 0x%lx, code: %s", sig_name(sig),
	       what, r->rip, addr, bytes);
}

void lx_fault(struct lx_regs *r)
{
	static const char *const what[] = {
		"divide error", "debug", "nmi", "breakpoint", "overflow",
		"bound range", "invalid opcode", "device not available",
		"double fault", "", "invalid TSS", "segment not present",
		"stack fault", "general protection", "page fault", "",
		"x87 floating-point error", "alignment check", "machine check",
		"SIMD floating-point exception", "virtualisation", "control protection",
	};
	uint64_t cr2 = 0, v = r->vector;
	int sig = SIGSEGV, code = SI_KERNEL, ret;

	if (v == 14)
		asm volatile("mov %%cr2, %0" : "=r" (cr2));
	if (!(r->cs & 3)) {
		if (fixup_rip && r->rip == fixup_rip) {
			r->rip = fixup_to;
			fixup_rip = 0;
			return;
		}
		lx_panic("kernel fault: vector %lu (%s), error 0x%lx, rip 0x%lx, cr2 0x%lx",
			 v, v < ARRAY_SIZE(what) ? what[v] : "?", r->error,
			 r->rip, cr2);
	}
	switch (v) {
	case 14:
		ret = lx_handle_fault(cr2, r->error);
		if (!ret)
			return;
		if (ret < 0) {
			lx_log("out of guest memory at address 0x%lx (rip 0x%lx): the guest needs more RAM",
			       cr2, r->rip);
			die(SIGKILL);
		}
		code = ret;
		report(r, SIGSEGV, ret == 1 ? (r->error & 2 ?
		       "page fault: write to an unmapped address" :
		       "page fault: read of an unmapped address") :
		       "page fault: access not allowed", cr2);
		lx_signal(r, SIGSEGV, code, cr2);
		return;
	case 0:
		sig = SIGFPE;
		code = 1;	/* FPE_INTDIV */
		break;
	case 1:
	case 3:
		sig = SIGTRAP;
		break;
	case 6:
		sig = SIGILL;
		code = 2;	/* ILL_ILLOPN */
		break;
	case 7:
	case 16:
	case 19:
		sig = SIGFPE;
		code = 0;
		break;
	case 12:
	case 17:
		sig = SIGBUS;
		code = v == 17 ? 1 : SI_KERNEL;	/* BUS_ADRALN */
		break;
	}
	report(r, sig, v < ARRAY_SIZE(what) ? what[v] : "exception", cr2);
	lx_signal(r, sig, code, v == 6 || v == 0 ? r->rip : 0);
}

static long sigreturn(struct lx_regs *r)
{
	struct lx_ucontext uc;
	struct lx_sigcontext *m = &uc.mc;

	if (lx_copy_from_user(&uc, r->rsp, sizeof(uc)) || !canonical(m->rip) ||
	    !canonical(m->rsp)) {
		lx_log("rt_sigreturn with a bad frame at 0x%lx", r->rsp);
		die(SIGSEGV);
	}
	if (m->fpstate) {
		uint64_t size = lx_xcr0 ? lx_xsave_size : 512;

		if ((m->fpstate & 63) || !lx_user_ok(m->fpstate, size, false) ||
		    !restore_fpu(m->fpstate)) {
			lx_log("rt_sigreturn with a bad FPU state at 0x%lx",
			       m->fpstate);
			die(SIGSEGV);
		}
	}
	r->r8 = m->r8;
	r->r9 = m->r9;
	r->r10 = m->r10;
	r->r11 = m->r11;
	r->r12 = m->r12;
	r->r13 = m->r13;
	r->r14 = m->r14;
	r->r15 = m->r15;
	r->rdi = m->rdi;
	r->rsi = m->rsi;
	r->rbp = m->rbp;
	r->rbx = m->rbx;
	r->rdx = m->rdx;
	r->rcx = m->rcx;
	r->rsp = m->rsp;
	r->rip = m->rip;
	r->rflags = (r->rflags & ~USER_FLAGS) | (m->eflags & USER_FLAGS) | 0x202;
	r->cs = LX_UCODE;
	r->ss = LX_UDATA;
	blocked = uc.sigmask & ~(1ULL << (SIGKILL - 1) | 1ULL << (18 - 1));
	return m->rax;
}

long lx_signal_syscall(struct lx_regs *r, bool *handled)
{
	uint64_t a0 = r->rdi, a1 = r->rsi, a2 = r->rdx, a3 = r->r10;

	*handled = true;
	switch (r->vector) {
	case 13: {	/* rt_sigaction */
		struct lx_sigaction na;

		if (a0 < 1 || a0 > LX_NSIG || a3 != 8)
			return -EINVAL;
		if (a2 && lx_copy_to_user(a2, &actions[a0], sizeof(na)))
			return -EFAULT;
		if (!a1)
			return 0;
		if (a0 == SIGKILL || a0 == 19)
			return -EINVAL;
		if (lx_copy_from_user(&na, a1, sizeof(na)))
			return -EFAULT;
		na.mask &= ~(1ULL << (SIGKILL - 1) | 1ULL << (19 - 1));
		actions[a0] = na;
		return 0;
	}
	case 14: {	/* rt_sigprocmask */
		uint64_t set;

		if (a3 != 8)
			return -EINVAL;
		if (a2 && lx_copy_to_user(a2, &blocked, 8))
			return -EFAULT;
		if (!a1)
			return 0;
		if (lx_copy_from_user(&set, a1, 8))
			return -EFAULT;
		set &= ~(1ULL << (SIGKILL - 1) | 1ULL << (19 - 1));
		if (a0 == 0)
			blocked |= set;
		else if (a0 == 1)
			blocked &= ~set;
		else if (a0 == 2)
			blocked = set;
		else
			return -EINVAL;
		return 0;
	}
	case 15:	/* rt_sigreturn */
		return sigreturn(r);
	case 131: {	/* sigaltstack */
		struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss, old = {
			alt_sp, alt_flags, 0, alt_size };

		if (a1 && lx_copy_to_user(a1, &old, sizeof(old)))
			return -EFAULT;
		if (!a0)
			return 0;
		if (lx_copy_from_user(&ss, a0, sizeof(ss)))
			return -EFAULT;
		if (ss.flags & ~SS_DISABLE)
			return -EINVAL;
		if (!(ss.flags & SS_DISABLE) && ss.size < 2048)
			return -ENOMEM;
		alt_flags = ss.flags & SS_DISABLE ? SS_DISABLE : 0;
		alt_sp = ss.sp;
		alt_size = ss.size;
		return 0;
	}
	case 62:	/* kill */
	case 200:	/* tkill */
	case 234: {	/* tgkill */
		uint64_t pid = r->vector == 234 ? a1 : a0;
		uint64_t sig = r->vector == 234 ? a2 : a1;

		if ((int64_t)pid != 1 && (int64_t)pid != 0 && (int64_t)pid != -1)
			return -ESRCH;
		if (sig > LX_NSIG)
			return -EINVAL;
		if (!sig)
			return 0;
		r->rax = 0;
		lx_signal(r, sig, SI_TKILL, 0);
		return r->rax;
	}
	}
	*handled = false;
	return -LX_NOSYS;
}
