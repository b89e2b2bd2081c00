// SPDX-License-Identifier: GPL-2.0
/*
 * The record codec (common/codec.c) that the module's restore and
 * "mvmig recv --to" share, fed the hostile streams of the module's own
 * restore test (selftests/migvisor/migrate_test.c, m.hostile_streams)
 * where they break the stream rather than the vCPU state, plus the order
 * rules: every case must be refused with the reason the module gives,
 * and a refused record must change nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../lib/policy_io.h"
#include "../lib/stream.h"
#include "../../common/codec.h"
#include "../../common/record.h"

#define GUEST_PAGES	256		/* 1 MiB */
#define DATA_PAGES	3

static uint8_t img[1 << 20];
static size_t img_len;
static uint32_t img_seq;

static size_t put(uint32_t type, const void *p, size_t len)
{
	struct mv_rec h = { .type = type, .len = len, .seq = img_seq++ };
	size_t at = img_len;

	h.crc = mv_rec_crc_of(&h, p);
	memcpy(img + img_len, &h, sizeof(h));
	memcpy(img + img_len + sizeof(h), p, len);
	img_len += sizeof(h) + len;
	return at;
}

/* A whole, valid stream, as a snapshot session writes it. */
static void build(void)
{
	static uint8_t pages[8 + DATA_PAGES * (8 + 4096) + 8];
	struct mv_rec_header hd = { .magic = MV_REC_MAGIC,
				    .version = MV_REC_VERSION, .page_size = 4096 };
	struct mv_rec_config cfg = { .vcpus = 1, .memory = GUEST_PAGES * 4096,
				     .tsc_khz = 2000000 };
	struct mv_rec_pages ph = { .count = DATA_PAGES + 1 };
	struct mv_rec_vcpu v = { 0 };
	struct mv_rec_audit a = { 0 };
	struct mv_rec_end end = { 0 };
	struct mv_policy pol;
	uint8_t *bl = malloc(mv_rec_baseline_len());
	size_t o = sizeof(ph);
	uint64_t e;

	img_len = 0;
	img_seq = 0;
	if (!bl || mv_model_policy("nehalem", &pol))
		abort();
	mv_rec_baseline_put(bl, &pol, "nehalem");
	strcpy(cfg.name, "g");
	put(MV_REC_HEADER, &hd, sizeof(hd));
	put(MV_REC_BASELINE, bl, mv_rec_baseline_len());
	put(MV_REC_CONFIG, &cfg, sizeof(cfg));
	memcpy(pages, &ph, sizeof(ph));
	for (unsigned int i = 0; i < DATA_PAGES; i++) {
		e = (uint64_t)(i + 16) << 12;
		memcpy(pages + o, &e, 8);
		memset(pages + o + 8, 0xa0 + i, 4096);
		o += 8 + 4096;
	}
	e = 1ull << 12 | MV_PAGE_ZERO;
	memcpy(pages + o, &e, 8);
	o += 8;
	put(MV_REC_PAGES, pages, o);
	put(MV_REC_VCPU, &v, sizeof(v));
	put(MV_REC_AUDIT, &a, sizeof(a));
	end.records = img_seq;
	end.pages = DATA_PAGES + 1;
	put(MV_REC_END, &end, sizeof(end));
	free(bl);
}

static long find(uint32_t type)
{
	size_t off = 0;

	while (off + sizeof(struct mv_rec) <= img_len) {
		struct mv_rec h;

		memcpy(&h, img + off, sizeof(h));
		if (h.type == type)
			return off;
		off += sizeof(h) + h.len;
	}
	return -1;
}

static void fix_crc(size_t at)
{
	struct mv_rec h;

	memcpy(&h, img + at, sizeof(h));
	h.crc = mv_rec_crc_of(&h, img + at + sizeof(h));
	memcpy(img + at, &h, sizeof(h));
}

/*
 * The stream through the codec as a reader feeds it: 0 if it ended whole,
 * else the first refusal, its reason in @why. A refused record is offered
 * again, as a reader that goes on would, to show it changed nothing.
 */
static int feed(const uint8_t *s, size_t len, char *why)
{
	struct mv_codec c = { .guest_pages = GUEST_PAGES };
	size_t off = 0;

	while (off + sizeof(struct mv_rec) <= len) {
		struct mv_codec before = c;
		struct mv_rec h;
		int ret;

		memcpy(&h, s + off, sizeof(h));
		ret = mv_codec_head(&c, &h, why);
		if (!ret && len - off - sizeof(h) < h.len) {
			snprintf(why, MV_CODEC_WHY_LEN, "record %u is cut off", h.seq);
			return -EPIPE;
		}
		if (!ret)
			ret = mv_codec_body(&c, &h, s + off + sizeof(h), why);
		if (ret) {
			if (memcmp(&before, &c, sizeof(c)))
				return -EFAULT;
			return ret;
		}
		mv_codec_take(&c, &h, s + off + sizeof(h));
		off += sizeof(h) + h.len;
	}
	if (off != len) {
		snprintf(why, MV_CODEC_WHY_LEN, "a record header is cut off");
		return -EPIPE;
	}
	if (!mv_codec_ended(&c)) {
		snprintf(why, MV_CODEC_WHY_LEN, "no END record");
		return -EPIPE;
	}
	return 0;
}

TEST(whole_stream_passes)
{
	char why[MV_CODEC_WHY_LEN] = "";

	build();
	EXPECT_EQ(0, feed(img, img_len, why)) {
		TH_LOG("%s", why);
	}
}

enum mutation {
	PAGE_BYTE, TRUNCATED, BAD_VERSION, BAD_GPA, SEQ_GAP, PAGES_CUT_OFF,
	BAD_MAGIC, UNKNOWN_FLAG, SECOND_HEADER, NO_HEADER, PAGES_FIRST,
	CONFIG_RESERVED, CONFIG_VCPUS, CONFIG_MEMORY, END_COUNTS, END_RESERVED,
	AFTER_END, AUDIT_TWICE, VCPU_XSAVE, TRAILING_BYTES, ZERO_COUNT,
};

static const struct {
	enum mutation m;
	const char *name, *expect;
	int err;
} cases[] = {
	/* The module's hostile_streams cases that break the stream */
	{ PAGE_BYTE, "page-byte", "CRC mismatch", -EBADMSG },
	{ TRUNCATED, "truncated", "cut off", -EPIPE },
	{ BAD_VERSION, "bad-version", "stream version", -EPROTONOSUPPORT },
	{ BAD_GPA, "bad-gpa", "outside guest RAM", -EINVAL },
	{ SEQ_GAP, "seq-gap", "expected record number 1: a record is missing or repeated", -EINVAL },
	{ PAGES_CUT_OFF, "pages-cut-off", "page 4 of 5 is cut off", -EINVAL },
	/* Framing and fields */
	{ BAD_MAGIC, "bad-magic", "bad magic", -EINVAL },
	{ UNKNOWN_FLAG, "unknown-page-flag", "unknown flags", -EINVAL },
	{ ZERO_COUNT, "zero-pages", "page count 0 is not 1..256", -EINVAL },
	{ TRAILING_BYTES, "bytes-after-pages", "bytes after the last page", -EINVAL },
	{ VCPU_XSAVE, "vcpu-xsave-size", "XSAVE size does not match", -EINVAL },
	{ CONFIG_RESERVED, "config-reserved", "reserved fields set", -EINVAL },
	{ CONFIG_VCPUS, "config-two-vcpus", "2 vCPUs", -EINVAL },
	{ CONFIG_MEMORY, "config-memory", "not whole pages between 1 MiB and 1 GiB", -EINVAL },
	{ END_COUNTS, "end-counts", "END counts", -EINVAL },
	{ END_RESERVED, "end-reserved", "END's reserved field is not zero", -EINVAL },
	/* Order: what the tools' old check let through */
	{ SECOND_HEADER, "second-header", "second HEADER", -EINVAL },
	{ NO_HEADER, "no-header", "does not start with a HEADER", -EINVAL },
	{ PAGES_FIRST, "pages-before-config", "PAGES must come after CONFIG", -EINVAL },
	{ AUDIT_TWICE, "audit-twice", "AUDIT must come once", -EINVAL },
	{ AFTER_END, "after-end", "goes on after its END", -EINVAL },
};

/* Swap the records at @a and @b (a < b, adjacent), keeping their numbers. */
static void swap_adjacent(size_t a, size_t b)
{
	static uint8_t tmp[sizeof(img)];
	struct mv_rec ha, hb;
	size_t la, lb;

	memcpy(&ha, img + a, sizeof(ha));
	memcpy(&hb, img + b, sizeof(hb));
	la = sizeof(ha) + ha.len;
	lb = sizeof(hb) + hb.len;
	memcpy(tmp, img + a, la);
	memmove(img + a, img + b, lb);
	memcpy(img + a + lb, tmp, la);
	/* Numbered in their new places: only the order is wrong. */
	hb.seq = ha.seq;
	ha.seq = hb.seq + 1;
	memcpy(img + a, &hb, sizeof(hb));
	fix_crc(a);
	memcpy(img + a + lb, &ha, sizeof(ha));
	fix_crc(a + lb);
}

static void renumber_from(size_t at, int by)
{
	while (at + sizeof(struct mv_rec) <= img_len) {
		struct mv_rec h;

		memcpy(&h, img + at, sizeof(h));
		h.seq += by;
		memcpy(img + at, &h, sizeof(h));
		fix_crc(at);
		at += sizeof(h) + h.len;
	}
}

static size_t mutate(enum mutation m)
{
	long at, pg = find(MV_REC_PAGES), end = find(MV_REC_END);
	size_t len = img_len;
	struct mv_rec h;

	memcpy(&h, img + pg, sizeof(h));
	switch (m) {
	case PAGE_BYTE:
		img[pg + sizeof(h) + 8 + 8 + 100] ^= 1;
		break;
	case TRUNCATED:
		len -= 100;
		break;
	case BAD_VERSION:
		img[sizeof(h) + 8] = 99;
		fix_crc(0);
		break;
	case BAD_GPA:
		img[pg + sizeof(h) + 8 + 3] = 0x7f;
		fix_crc(pg);
		break;
	case SEQ_GAP:
		at = find(MV_REC_BASELINE);
		memcpy(&h, img + at, sizeof(h));
		h.seq = 2;
		memcpy(img + at, &h, sizeof(h));
		fix_crc(at);
		break;
	case PAGES_CUT_OFF:
		img[pg + sizeof(h)] += 1;	/* one entry more than it holds */
		fix_crc(pg);
		break;
	case BAD_MAGIC:
		img[sizeof(h)] ^= 0xff;
		fix_crc(0);
		break;
	case UNKNOWN_FLAG:
		img[pg + sizeof(h) + 8] |= 0x10;
		fix_crc(pg);
		break;
	case ZERO_COUNT:
		memset(img + pg + sizeof(h), 0, 4);
		fix_crc(pg);
		break;
	case TRAILING_BYTES:
		img[pg + sizeof(h)] -= 1;	/* the last (zero) page is left over */
		fix_crc(pg);
		break;
	case VCPU_XSAVE:
		at = find(MV_REC_VCPU);
		img[at + sizeof(h) + offsetof(struct mv_rec_vcpu, xsave_size)] = 64;
		fix_crc(at);
		break;
	case CONFIG_RESERVED:
		at = find(MV_REC_CONFIG);
		img[at + sizeof(h) + offsetof(struct mv_rec_config, reserved) + 5] = 1;
		fix_crc(at);
		break;
	case CONFIG_VCPUS:
		at = find(MV_REC_CONFIG);
		img[at + sizeof(h) + offsetof(struct mv_rec_config, vcpus)] = 2;
		fix_crc(at);
		break;
	case CONFIG_MEMORY:
		at = find(MV_REC_CONFIG);
		img[at + sizeof(h) + offsetof(struct mv_rec_config, memory)] = 1;
		fix_crc(at);
		break;
	case END_COUNTS:
		img[end + sizeof(h) + offsetof(struct mv_rec_end, pages)] += 1;
		fix_crc(end);
		break;
	case END_RESERVED:
		img[end + sizeof(h) + offsetof(struct mv_rec_end, reserved)] = 1;
		fix_crc(end);
		break;
	case SECOND_HEADER:
		/* The HEADER again in BASELINE's place: one record more */
		memmove(img + sizeof(h) + sizeof(struct mv_rec_header) * 0 +
			sizeof(h) + sizeof(struct mv_rec_header),
			img + sizeof(h) + sizeof(struct mv_rec_header), img_len);
		len += sizeof(h) + sizeof(struct mv_rec_header);
		memcpy(&h, img, sizeof(h));
		h.seq = 1;
		memcpy(img + sizeof(h) + sizeof(struct mv_rec_header), &h, sizeof(h));
		fix_crc(sizeof(h) + sizeof(struct mv_rec_header));
		break;
	case NO_HEADER:
		at = find(MV_REC_BASELINE);
		memmove(img, img + at, img_len - at);
		len -= at;
		img_len = len;
		renumber_from(0, -1);
		break;
	case PAGES_FIRST:
		swap_adjacent(find(MV_REC_CONFIG), pg);
		break;
	case AUDIT_TWICE:
		at = find(MV_REC_AUDIT);
		memcpy(&h, img + at, sizeof(h));
		memmove(img + at + sizeof(h) + h.len, img + at, img_len - at);
		len += sizeof(h) + h.len;
		img_len = len;
		renumber_from(at + sizeof(h) + h.len, 1);
		break;
	case AFTER_END:
		memcpy(&h, img + end, sizeof(h));
		memcpy(img + img_len, img + end, sizeof(h) + h.len);
		len += sizeof(h) + h.len;
		img_len = len;
		renumber_from(img_len - sizeof(h) - h.len, 1);
		break;
	}
	return len;
}

TEST(hostile_streams_refused_with_the_modules_reasons)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		char why[MV_CODEC_WHY_LEN] = "";
		size_t len;
		int ret;

		build();
		len = mutate(cases[i].m);
		ret = feed(img, len, why);
		TH_LOG("%-20s %d %s", cases[i].name, ret, why);
		EXPECT_EQ(cases[i].err, ret) {
			TH_LOG("%s: %d, \"%s\"", cases[i].name, ret, why);
		}
		EXPECT_NE(NULL, strstr(why, cases[i].expect)) {
			TH_LOG("%s: \"%s\", wanted \"%s\"", cases[i].name, why,
			       cases[i].expect);
		}
	}
}

/* What "mvmig recv --to" runs: the same rules, the record named. */
TEST(file_sink_uses_the_codec)
{
	struct mv_rec_check c = { .codec.guest_pages = GUEST_PAGES };
	const char *why = NULL;
	size_t off = 0;
	struct mv_rec h;
	int ret = 0;

	build();
	mutate(END_RESERVED);
	while (off < img_len) {
		memcpy(&h, img + off, sizeof(h));
		ret = mv_rec_check(&c, &h, img + off + sizeof(h), &why);
		if (ret)
			break;
		off += sizeof(h) + h.len;
	}
	EXPECT_EQ(-EPROTO, ret);
	EXPECT_EQ(MV_REC_END, h.type);
	ASSERT_NE(NULL, why);
	EXPECT_NE(NULL, strstr(why, "END: END's reserved field")) {
		TH_LOG("%s", why);
	}
	EXPECT_FALSE(mv_codec_ended(&c.codec));
}

TEST_HARNESS_MAIN
