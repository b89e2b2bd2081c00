// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks from the TSC alone, with no exit per reading: the guest's TSC
 * runs at its baseline's rate on every host and keeps counting across a
 * migration (the pause included), so CLOCK_MONOTONIC stays monotonic and
 * CLOCK_REALTIME, read from the host once at start, stays right.
 */
#include "lx.h"

static uint64_t mult;		/* ns per tick, 32.32 fixed point */
static uint64_t tsc_khz;
static int64_t real_off;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */

static uint64_t ticks_to_ns(uint64_t t)
{
	return (__uint128_t)t * mult >> 32;
}

uint64_t lx_mono_ns(void)
{
	return ticks_to_ns(mv_rdtsc());
}

uint64_t lx_real_ns(void)
{
	return lx_mono_ns() + real_off;
}

void lx_time_init(void)
{
	uint64_t real;

	tsc_khz = mv_hypercall(MV_HC_TSC_KHZ, 0, 0, 0);
	if (!tsc_khz || (int64_t)tsc_khz < 0)
		lx_panic("no TSC rate from migvisor");
	mult = (1000000ULL << 32) / tsc_khz;
	real = mv_hypercall(MV_HC_REALTIME_NS, 0, 0, 0);
	/* A module without it: the epoch, as a machine without an RTC. */
	if ((int64_t)real < 0)
		real = 0;
	real_off = real - lx_mono_ns();
}

/* No timer interrupt: waiting is spinning, politely. */
void lx_delay_ns(uint64_t ns)
{
	uint64_t end = lx_mono_ns() + ns;

	while (lx_mono_ns() < end)
		asm volatile("pause");
}

struct ts {
	int64_t sec, nsec;
};

static long get_clock(uint64_t id, uint64_t *ns)
{
	switch (id) {
	case 0:		/* CLOCK_REALTIME */
	case 5:		/* CLOCK_REALTIME_COARSE */
	case 11:	/* CLOCK_TAI (no leap seconds kept) */
		*ns = lx_real_ns();
		return 0;
	case 1:		/* CLOCK_MONOTONIC */
	case 2:		/* CLOCK_PROCESS_CPUTIME_ID: one process, never idle */
	case 3:		/* CLOCK_THREAD_CPUTIME_ID */
	case 4:		/* CLOCK_MONOTONIC_RAW */
	case 6:		/* CLOCK_MONOTONIC_COARSE */
	case 7:		/* CLOCK_BOOTTIME */
		*ns = lx_mono_ns();
		return 0;
	}
	return -EINVAL;
}

static long put_ts(uint64_t u, uint64_t ns)
{
	struct ts t = { ns / 1000000000, ns % 1000000000 };

	return lx_copy_to_user(u, &t, sizeof(t));
}

static long sleep_ts(uint64_t id, uint64_t flags, uint64_t ureq)
{
	struct ts t;
	uint64_t now, want;
	long ret;

	if (lx_copy_from_user(&t, ureq, sizeof(t)))
		return -EFAULT;
	if (t.sec < 0 || t.nsec < 0 || t.nsec >= 1000000000)
		return -EINVAL;
	ret = get_clock(id, &now);
	if (ret || id == 2 || id == 3)
		return -EINVAL;
	want = (uint64_t)t.sec * 1000000000 + t.nsec;
	if (flags & 1) {	/* TIMER_ABSTIME */
		if (want > now)
			lx_delay_ns(want - now);
	} else {
		lx_delay_ns(want);
	}
	return 0;
}

long lx_time_syscall(struct lx_regs *r, bool *handled)
{
	uint64_t ns;
	long ret;

	*handled = true;
	switch (r->vector) {
	case 228:	/* clock_gettime */
		ret = get_clock(r->rdi, &ns);
		return ret ?: put_ts(r->rsi, ns);
	case 229:	/* clock_getres */
		ret = get_clock(r->rdi, &ns);
		return ret ?: (r->rsi ? put_ts(r->rsi, 1) : 0);
	case 96: {	/* gettimeofday */
		ns = lx_real_ns();
		struct ts tv = { ns / 1000000000, ns % 1000000000 / 1000 };

		if (r->rdi && lx_copy_to_user(r->rdi, &tv, sizeof(tv)))
			return -EFAULT;
		if (r->rsi) {
			uint32_t tz[2] = { 0, 0 };

			if (lx_copy_to_user(r->rsi, tz, sizeof(tz)))
				return -EFAULT;
		}
		return 0;
	}
	case 201: {	/* time */
		int64_t t = lx_real_ns() / 1000000000;

		if (r->rdi && lx_copy_to_user(r->rdi, &t, sizeof(t)))
			return -EFAULT;
		return t;
	}
	case 35:	/* nanosleep */
		/* Never interrupted: the remainder is not written. */
		return sleep_ts(1, 0, r->rdi);
	case 230:	/* clock_nanosleep: returns the error, not -1 */
		return sleep_ts(r->rdi, r->rsi, r->rdx);
	}
	*handled = false;
	return -LX_NOSYS;
}
