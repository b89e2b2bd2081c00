// SPDX-License-Identifier: GPL-2.0
/*
 * writer: the migration workload. It stamps every page of its region
 * with (generation, page number), one generation after another, and
 * before restamping a page checks that it still holds the previous
 * generation: a page written before a migration round and lost by it
 * fails that check. It prints its progress, the longest gap it saw in
 * its own TSC (the downtime as the guest sees it), and a digest of the
 * CPUID it sees, which must not change when it moves host.
 *
 * Parameters: a struct writer_params at WRITER_PARAMS_GPA, written by
 * the host before start; without one, WRITER_DEFAULT_PPS (0: as fast as
 * it can) and all of RAM, whose size the start-up stack pointer gives.
 */
#include "lib/mvguest.h"
#include "writer.h"

#define REGION_START		0x400000ull
#define STACK_RESERVE		0x10000ull
#ifndef WRITER_DEFAULT_PPS
#define WRITER_DEFAULT_PPS	0
#endif

static uint64_t fnv(uint64_t h, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t cpuid_digest(void)
{
	static const uint32_t leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 0xd, 0 }, { 0xd, 1 },
		{ 0x80000000, 0 }, { 0x80000001, 0 }, { 0x80000002, 0 },
		{ 0x80000003, 0 }, { 0x80000004, 0 }, { 0x80000008, 0 },
	};
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t r[4];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(leaves); i++) {
		mv_cpuid(leaves[i][0], leaves[i][1], r);
		for (j = 0; j < 4; j++)
			h = fnv(h, r[j]);
	}
	return h;
}

static void print_features(void)
{
	static const struct { uint8_t reg, bit; uint32_t leaf; const char *name; } f[] = {
		{ 3, 26, 1, "sse2" }, { 2, 0, 1, "sse3" }, { 2, 9, 1, "ssse3" },
		{ 2, 19, 1, "sse4_1" }, { 2, 20, 1, "sse4_2" }, { 2, 23, 1, "popcnt" },
		{ 2, 25, 1, "aes" }, { 2, 26, 1, "xsave" }, { 2, 28, 1, "avx" },
		{ 1, 5, 7, "avx2" }, { 1, 16, 7, "avx512f" }, { 2, 30, 1, "rdrand" },
	};
	char line[160];
	uint32_t r1[4], r7[4];
	unsigned int i, n;

	mv_cpuid(1, 0, r1);
	mv_cpuid(7, 0, r7);
	n = mv_snprintf(line, sizeof(line), "writer: CPU features:");
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		uint32_t *r = f[i].leaf == 1 ? r1 : r7;

		if (r[f[i].reg] >> f[i].bit & 1)
			n += mv_snprintf(line + n, sizeof(line) - n, " %s", f[i].name);
	}
	mv_printf("%s\n", line);
}

int main(void)
{
	/* The host reads and writes these while the guest runs: *_ONCE. */
	struct writer_params *prm = (void *)WRITER_PARAMS_GPA;
	struct writer_state *st = (void *)WRITER_STATE_GPA;
	uint64_t khz = mv_hypercall(MV_HC_TSC_KHZ, 0, 0, 0);
	/* migvisor starts the guest with RSP at the top of RAM. */
	uint64_t mem = ((uint64_t)__builtin_frame_address(0) + 0xfffff) & ~0xfffffull;
	uint64_t npages, per_page = 0, pps = WRITER_DEFAULT_PPS, i;
	uint64_t last, now, next_print, next_write, gap;
	uint64_t threshold;

	if (prm->magic == WRITER_MAGIC) {
		if (prm->mem_bytes)
			mem = prm->mem_bytes;
		pps = prm->pages_per_sec;
	}
	if (pps && khz)
		per_page = khz * 1000 / pps;
	if (mem < REGION_START + STACK_RESERVE + 4096) {
		mv_printf("writer: needs more than %llu KiB of RAM\n",
			  (REGION_START + STACK_RESERVE) >> 10);
		mv_exit(1);
	}
	npages = (mem - STACK_RESERVE - REGION_START) >> 12;
	if (prm->magic == WRITER_MAGIC && prm->region_pages &&
	    prm->region_pages < npages)
		npages = prm->region_pages;
	st->digest = cpuid_digest();
	st->tsc_khz = khz;
	/* A gap of more than 20 ms is worth a line: it is a pause. */
	threshold = khz ? khz * 20 : 50000000;
	mv_printf("writer: %llu pages from 0x%llx, %llu pages/s, cpuid %016llx\n",
		  (unsigned long long)npages, REGION_START,
		  (unsigned long long)pps,
		  (unsigned long long)st->digest);
	print_features();
	last = mv_rdtsc();
	next_print = last + (khz ? khz * 1000 : 1000000000);
	next_write = last;
	for (;;) {
		uint64_t gen = st->gen + 1;

		for (i = 0; i < npages; i++) {
			uint64_t *pg = (void *)(REGION_START + (i << 12));

			/* Generation 1 finds zero pages; later ones, the last stamp. */
			if (gen > 1 && (READ_ONCE(pg[0]) != gen - 1 ||
					READ_ONCE(pg[1]) != i ||
					READ_ONCE(pg[511]) != gen - 1)) {
				st->verify_failures++;
				mv_printf("writer: VERIFY FAIL page %llu: gen %llu/%llu, expected %llu\n",
					  (unsigned long long)i,
					  (unsigned long long)pg[0],
					  (unsigned long long)pg[511],
					  (unsigned long long)(gen - 1));
			}
			do {
				now = mv_rdtsc();
				gap = now - last;
				last = now;
				if (gap > st->max_gap_cycles)
					st->max_gap_cycles = gap;
				if (khz && gap > khz) {
					st->gap[st->gaps % 256].counter = st->counter;
					st->gap[st->gaps % 256].cycles = gap;
					st->gaps++;
				}
				if (gap > threshold) {
					uint64_t d = cpuid_digest();

					mv_printf("writer: resumed after a gap of %llu us at counter %llu, cpuid %016llx%s\n",
						  (unsigned long long)(khz ? gap * 1000 / khz : 0),
						  (unsigned long long)st->counter,
						  (unsigned long long)d,
						  d == st->digest ? " (unchanged)" : " (CHANGED)");
					if (d != st->digest)
						st->cpuid_changes++;
					print_features();
				}
			} while (per_page && now < next_write);
			next_write += per_page;
			if (per_page && now > next_write + khz * 100)
				next_write = now;	/* do not make up for a pause */
			WRITE_ONCE(pg[0], gen);
			WRITE_ONCE(pg[1], i);
			WRITE_ONCE(pg[511], gen);
			WRITE_ONCE(st->counter, st->counter + 1);
			if (now >= next_print) {
				mv_printf("writer: gen %llu counter %llu failures %llu cpuid %016llx\n",
					  (unsigned long long)gen,
					  (unsigned long long)st->counter,
					  (unsigned long long)st->verify_failures,
					  (unsigned long long)cpuid_digest());
				next_print = now + (khz ? khz * 1000 : 1000000000);
			}
		}
		st->gen = gen;
	}
}
