// SPDX-License-Identifier: GPL-2.0
/*
 * tsc-clock: the guest's TSC rate as measured against the host's clock
 * (MV_HC_CLOCK_NS), to check that a guest keeps its baseline's rate on
 * every host, scaled or native. Forever, in windows of 2 s of that clock,
 * numbered from 1, it prints
 *
 *   tsc-clock: window N ns NS ticks TICKS khz K.KKK hc_khz HC
 *
 * K.KKK being TICKS per ms of NS and HC what MV_HC_TSC_KHZ answers at the
 * window's end; K.KKK and HC agree within the host's error where the rate
 * is kept. It spins (no HLT), so that the window is all guest time.
 *
 * A window in which the clock went backwards, or that took more than
 * 4 s of it, had the guest paused or moved to another host, whose clock
 * has nothing to do with the first one's: it is reported as
 *
 *   tsc-clock: window N spans a pause, not measured
 *
 * and the next window starts afresh. The TSC itself must never go back,
 * across a pause or a move least of all; if it does, that is said:
 *
 *   tsc-clock: TSC WENT BACK from A to B
 */
#include "lib/mvguest.h"

#define WINDOW_NS	2000000000ull
#define WINDOW_MAX_NS	4000000000ull

/*
 * TICKS * 10^9 / NS (kHz to a thousandth) in 64-bit arithmetic: the
 * product overflows for TICKS above 18 * 10^9, 2 s at 9 GHz. The
 * remainder is below NS (at most 4 s), so its product fits.
 */
static uint64_t milli_khz(uint64_t ticks, uint64_t ns)
{
	return ticks / ns * 1000000000ull + ticks % ns * 1000000000ull / ns;
}

int main(void)
{
	uint64_t n, t0, t1, t, prev, c0, c1, ns, ticks, m, khz, last = 0;
	int back;

	t = mv_clock_ns();
	if ((int64_t)t == -MV_HC_ENOSYS) {
		mv_printf("tsc-clock: no MV_HC_CLOCK_NS on this host\n");
		mv_exit(1);
	}
	mv_printf("tsc-clock: windows of %llu ns, TSC %llu kHz by MV_HC_TSC_KHZ\n",
		  WINDOW_NS, (unsigned long long)mv_tsc_khz());
	for (n = 1;; n++) {
		t0 = mv_clock_ns();
		c0 = mv_rdtsc();
		prev = t0;
		back = 0;
		/* Every reading against the last: a move may land anywhere */
		do {
			t = mv_clock_ns();
			back |= t < prev;
			prev = t;
		} while (!back && t - t0 < WINDOW_NS);
		c1 = mv_rdtsc();
		t1 = mv_clock_ns();
		back |= t1 < prev;
		if (c0 < last || c1 < c0)
			mv_printf("tsc-clock: TSC WENT BACK from %llu to %llu\n",
				  (unsigned long long)(c0 < last ? last : c0),
				  (unsigned long long)(c0 < last ? c0 : c1));
		last = c1;
		if (back || t1 - t0 > WINDOW_MAX_NS) {
			mv_printf("tsc-clock: window %llu spans a pause, not measured\n",
				  (unsigned long long)n);
			continue;
		}
		khz = mv_tsc_khz();
		ns = t1 - t0;
		ticks = c1 - c0;
		m = milli_khz(ticks, ns);
		mv_printf("tsc-clock: window %llu ns %llu ticks %llu khz %llu.%03llu hc_khz %llu\n",
			  (unsigned long long)n, (unsigned long long)ns,
			  (unsigned long long)ticks, (unsigned long long)(m / 1000),
			  (unsigned long long)(m % 1000), (unsigned long long)khz);
	}
}
