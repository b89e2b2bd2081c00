// SPDX-License-Identifier: GPL-2.0
/*
 * mkimage: a snapshot-format file (what "mvmig save" writes) of a made-up
 * guest, for the stream benchmark: SIZE bytes of RAM, a share of them
 * zero pages, the rest pseudo-random so that nothing compresses or
 * dedups by accident. The records carry real CRCs and counts, so the
 * receiver checks them as it would a real stream.
 *
 *   mkimage FILE SIZE_MIB [ZERO_PERCENT]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "../../common/record.h"
#include "../../userspace/lib/policy_io.h"
#include "../../userspace/lib/stream.h"

static uint8_t rec[sizeof(struct mv_rec) + MV_REC_MAX_LEN];
static uint32_t seq;
static FILE *out;

static void put(uint32_t type, const void *p, size_t len)
{
	struct mv_rec *h = (void *)rec;

	h->type = type;
	h->len = len;
	h->seq = seq++;
	h->crc = 0;
	if (p != rec + sizeof(*h))
		memcpy(rec + sizeof(*h), p, len);
	h->crc = mv_rec_crc_of(h, rec + sizeof(*h));
	if (fwrite(rec, sizeof(*h) + len, 1, out) != 1) {
		perror("mkimage: write");
		exit(1);
	}
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	struct mv_rec_header hdr = { .magic = MV_REC_MAGIC,
				     .version = MV_REC_VERSION, .page_size = 4096 };
	struct mv_rec_config cfg = { .vcpus = 1 };
	struct mv_rec_end end = { 0 };
	struct mv_rec_vcpu vcpu = { 0 };
	struct mv_policy pol;
	uint64_t npages, pfn, s = 0x9e3779b97f4a7c15ull, pages = 0, zero_pct;
	uint8_t *bl;
	size_t o;
	unsigned int n, i;

	if (argc < 3 || !atoi(argv[2])) {
		fprintf(stderr, "usage: mkimage FILE SIZE_MIB [ZERO_PERCENT]\n");
		return 2;
	}
	npages = strtoull(argv[2], NULL, 0) << 8;
	zero_pct = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	out = fopen(argv[1], "wx");
	if (!out) {
		fprintf(stderr, "mkimage: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 4 << 20);
	if (mv_model_policy("nehalem", &pol))
		return 1;
	bl = malloc(mv_rec_baseline_len());
	mv_rec_baseline_put(bl, &pol, "nehalem");
	snprintf(cfg.name, sizeof(cfg.name), "bench");
	cfg.memory = npages << 12;
	put(MV_REC_HEADER, &hdr, sizeof(hdr));
	put(MV_REC_BASELINE, bl, mv_rec_baseline_len());
	put(MV_REC_CONFIG, &cfg, sizeof(cfg));
	for (pfn = 0; pfn < npages; ) {
		struct mv_rec_pages ph = { 0 };
		uint8_t *p = rec + sizeof(struct mv_rec);

		o = sizeof(ph);
		for (n = 0; n < MV_REC_MAX_PAGES && pfn < npages; n++, pfn++) {
			uint64_t e = pfn << 12;
			uint64_t *d;

			if (rnd(&s) % 100 < zero_pct) {
				e |= MV_PAGE_ZERO;
				memcpy(p + o, &e, 8);
				o += 8;
				continue;
			}
			memcpy(p + o, &e, 8);
			o += 8;
			d = (uint64_t *)(p + o);
			for (i = 0; i < 512; i++)
				d[i] = rnd(&s);
			o += 4096;
		}
		ph.count = n;
		memcpy(p, &ph, sizeof(ph));
		put(MV_REC_PAGES, p, o);
		pages += n;
	}
	put(MV_REC_VCPU, &vcpu, sizeof(vcpu));
	end.records = seq;
	end.pages = pages;
	put(MV_REC_END, &end, sizeof(end));
	if (fclose(out)) {
		perror("mkimage");
		return 1;
	}
	return 0;
}
