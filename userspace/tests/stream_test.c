// SPDX-License-Identifier: GPL-2.0
/*
 * The migration record stream in userspace: CRC32C (both paths), record
 * CRCs, the BASELINE record round trip and what it must refuse, the
 * buffered reader over a pipe (whole records, cut-off ones, corrupted
 * wire records) and the page accounting mvmig's metrics use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../lib/policy_io.h"
#include "../lib/stream.h"
#include "../lib/vcpu_clip.h"
#include "../../common/record.h"

TEST(crc32c_vectors)
{
	static const char v[] = "123456789";
	static uint8_t big[10000];
	uint32_t a, b;
	size_t i;

	/* The check value of CRC-32C (RFC 3720, B.4) */
	EXPECT_EQ(0xe3069283u, ~mv_crc32c(~0u, v, 9));
	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7 + (i >> 8);
	/* Split anywhere, the same CRC: the streaming property writers use. */
	a = ~mv_crc32c(~0u, big, sizeof(big));
	b = mv_crc32c(~0u, big, 1234);
	b = ~mv_crc32c(b, big + 1234, sizeof(big) - 1234);
	EXPECT_EQ(a, b);
}

TEST(baseline_record_round_trip)
{
	uint8_t buf[1024];
	struct mv_policy p, q;
	char name[MV_BASELINE_NAME_MAX];
	const char *why;
	struct mv_rec_baseline *b = (void *)buf;

	ASSERT_EQ(0, mv_model_policy("nehalem", &p));
	ASSERT_GE(sizeof(buf), mv_rec_baseline_len());
	mv_rec_baseline_put(buf, &p, "nehalem");
	ASSERT_EQ(0, mv_rec_baseline_get(buf, mv_rec_baseline_len(), &q, name, &why));
	EXPECT_STREQ("nehalem", name);
	EXPECT_EQ(mv_policy_hash(&p), mv_policy_hash(&q));
	/* A hash that does not match the policy */
	b->hash ^= 1;
	EXPECT_EQ(-1, mv_rec_baseline_get(buf, mv_rec_baseline_len(), &q, name, &why));
	EXPECT_NE(NULL, strstr(why, "hash"));
	b->hash ^= 1;
	/* A length that does not match the word count */
	EXPECT_EQ(-1, mv_rec_baseline_get(buf, mv_rec_baseline_len() - 4, &q, name, &why));
	/* A feature bit nobody named */
	((struct mv_rec_word *)(b + 1))[0].mask |= 1u << 31;
	((struct mv_rec_word *)(b + 1))[1].mask = 0xffffffff;
	EXPECT_EQ(-1, mv_rec_baseline_get(buf, mv_rec_baseline_len(), &q, name, &why));
	/* A word this version does not know */
	mv_rec_baseline_put(buf, &p, "nehalem");
	((struct mv_rec_word *)(b + 1))[2].leaf = 0x1234;
	EXPECT_EQ(-1, mv_rec_baseline_get(buf, mv_rec_baseline_len(), &q, name, &why));
	EXPECT_NE(NULL, strstr(why, "does not know"));
	/* Not canonical: a feature whose requirement is missing */
	mv_rec_baseline_put(buf, &p, "nehalem");
	((struct mv_rec_word *)(b + 1))[MV_W_1_ECX].mask &= ~(1u << 0);	/* sse3 */
	b->hash = 0;
	EXPECT_EQ(-1, mv_rec_baseline_get(buf, mv_rec_baseline_len(), &q, name, &why));
	EXPECT_NE(NULL, strstr(why, "canonical"));
}

static int put_pages(int fd, unsigned int zero, unsigned int data)
{
	uint8_t buf[8 + 4 * (8 + 4096)];
	struct mv_rec_pages ph = { .count = zero + data };
	struct mv_rec h = { .type = MV_REC_PAGES };
	size_t off = sizeof(ph);
	unsigned int i;

	memcpy(buf, &ph, sizeof(ph));
	for (i = 0; i < zero + data; i++) {
		uint64_t e = (uint64_t)i << 12 | (i < zero ? MV_PAGE_ZERO : 0);

		memcpy(buf + off, &e, 8);
		off += 8;
		if (i >= zero) {
			memset(buf + off, i, 4096);
			off += 4096;
		}
	}
	h.len = off;
	h.crc = mv_rec_crc_of(&h, buf);
	return mv_write_all(fd, &h, sizeof(h)) ?: mv_write_all(fd, buf, off);
}

TEST(reader_and_accounting)
{
	struct mv_rec_stats st = { 0 };
	struct mv_reader r;
	struct mv_rec h;
	uint8_t *p;
	struct mv_rec bad = { .type = MV_REC_ABORT, .len = 3 };
	struct mv_rec cut = { .type = MV_REC_PAGES, .len = 100 };
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(0, mv_rec_send(fds[1], MV_REC_HELLO, "hi", 2, 0));
	ASSERT_EQ(0, put_pages(fds[1], 2, 2));
	/* A wire record with a flipped bit, then a cut-off record */
	bad.crc = mv_rec_crc_of(&bad, "abc");
	ASSERT_EQ(0, mv_write_all(fds[1], &bad, sizeof(bad)));
	ASSERT_EQ(0, mv_write_all(fds[1], "abd", 3));
	ASSERT_EQ(0, mv_write_all(fds[1], &cut, sizeof(cut)));
	ASSERT_EQ(0, mv_write_all(fds[1], "x", 1));
	close(fds[1]);
	ASSERT_EQ(0, mv_reader_init(&r, fds[0]));
	ASSERT_EQ(1, mv_reader_next(&r, &h, &p));
	EXPECT_EQ(MV_REC_HELLO, h.type);
	EXPECT_EQ(0, memcmp(p, "hi", 2));
	ASSERT_EQ(1, mv_reader_next(&r, &h, &p));
	EXPECT_EQ(MV_REC_PAGES, h.type);
	EXPECT_EQ(h.crc, mv_rec_crc_of(&h, p));
	mv_rec_account_one(&h, p, &st);
	EXPECT_EQ(4, st.pages);
	EXPECT_EQ(2, st.zero_pages);
	EXPECT_EQ(2 * 4096, st.data_bytes);
	EXPECT_EQ(-EBADMSG, mv_reader_next(&r, &h, &p));
	EXPECT_EQ(-EPROTO, mv_reader_next(&r, &h, &p));
	mv_reader_free(&r);
	close(fds[0]);
}


/*
 * The AUDIT record: what the module writes it checks, and everything that
 * could lose or invent a count is refused with its reason. Entries sit at
 * an odd offset, as in a stream buffer.
 */
TEST(audit_record)
{
	static uint8_t raw[1 + 32 + 3 * 16 + 2 * 24];
	uint8_t *buf = raw + 1;
	struct mv_rec_audit a = { .queries = 3, .features = 2, .unrecorded = 5 };
	struct mv_rec_audit_query q[3] = {
		{ 0x0, 0, 2 }, { 0x7, 1, 9 }, { 0x7, 0, 9 },
	};
	const struct mv_cpuid_feature_desc *avx2 = &mv_cpuid_features[MV_F_avx2];
	struct mv_rec_audit_feature f[2] = {
		{ avx2->leaf, avx2->subleaf, avx2->reg, avx2->bit, 3 },
		{ 1, 0, MV_ECX, 30, 1 },	/* rdrand */
	};
	size_t len = mv_rec_audit_len(3, 2);
	const char *why;

#define PUT() do {							\
		memcpy(buf, &a, sizeof(a));				\
		memcpy(buf + sizeof(a), q, sizeof(q));			\
		memcpy(buf + sizeof(a) + sizeof(q), f, sizeof(f));	\
	} while (0)
#define REFUSED(word) do {						\
		PUT();							\
		EXPECT_EQ(-1, mv_rec_audit_check(buf, len, &why));	\
		EXPECT_NE(NULL, strstr(why, word)) {			\
			TH_LOG("%s", why);				\
		}							\
	} while (0)

	ASSERT_EQ(sizeof(raw) - 1, len);
	EXPECT_EQ(MV_F_rdrand, mv_feature_at(1, 0, MV_ECX, 30));
	EXPECT_EQ(-1, mv_feature_at(0x1234, 0, MV_EAX, 0));
	EXPECT_TRUE(mv_cpuid_leaf_indexed(0xd));
	EXPECT_FALSE(mv_cpuid_leaf_indexed(0x1));
	EXPECT_FALSE(mv_cpuid_leaf_indexed(0x80000001));
	PUT();
	EXPECT_EQ(0, mv_rec_audit_check(buf, len, &why)) {
		TH_LOG("%s", why);
	}
	EXPECT_EQ(-1, mv_rec_audit_check(buf, len - 1, &why));
	EXPECT_EQ(-1, mv_rec_audit_check(buf, 31, &why));
	EXPECT_NE(NULL, strstr(why, "short"));
	a.reserved = 1;
	REFUSED("reserved");
	a.reserved = 0;
	a.queries = MV_CPUID_AUDIT_MAX + 1;
	REFUSED("more entries");
	a.queries = 3;
	q[1].subleaf = 0;
	REFUSED("repeats a CPUID query");
	q[1].subleaf = 1;
	q[0].subleaf = 4;		/* leaf 0 has none */
	REFUSED("without subleaves");
	q[0].subleaf = 0;
	q[2].count = 0;
	REFUSED("zero times");
	q[2].count = 9;
	f[1].leaf = 0x1234;
	REFUSED("does not know");
	f[1] = f[0];
	REFUSED("repeats a feature");
	f[1].bit = 30;
	f[1].leaf = 1;
	f[1].subleaf = 0;
	f[1].reg = MV_ECX;
	f[1].count = 0;
	REFUSED("used zero times");
	f[1].count = 1;
	PUT();
	EXPECT_EQ(0, mv_rec_audit_check(buf, len, &why));
	/* Neither counts nor length may be out of step */
	a.features = 1;
	REFUSED("length");
	a.features = 2;
	/* The stream checker takes it between VCPU and END, at any length allowed */
	EXPECT_EQ(mv_rec_audit_len_max(), mv_rec_len_max(MV_REC_AUDIT));
	EXPECT_STREQ("AUDIT", mv_rec_type_name(MV_REC_AUDIT));
#undef PUT
#undef REFUSED
}

/*
 * --unsafe-skip-cpu-check: a Skylake-server vCPU cut for nehalem (no
 * XSAVE: the FXSAVE image stays, CR4 loses OSXSAVE, FSGSBASE and SMEP)
 * and for x86-64-v3 (AVX kept, AVX-512 state dropped from XCR0 and
 * XSTATE_BV, CR4 keeps OSXSAVE only).
 */
TEST(unsafe_vcpu_clip)
{
	struct mv_policy sky, neh, v3;
	struct mv_rec_vcpu v = { 0 }, w;
	static uint8_t rec[sizeof(struct mv_rec_vcpu) + 8192];
	uint64_t lost_xcr0, lost_cr4, bv = 0xe7, got_bv;
	const uint64_t osxsave = 1 << 18, fsgsbase = 1 << 16, smep = 1 << 20;
	const char *why;
	uint8_t *out;
	size_t len, out_len;
	unsigned int i;

	ASSERT_EQ(0, mv_model_policy("skylake-server", &sky));
	ASSERT_EQ(0, mv_model_policy("nehalem", &neh));
	ASSERT_EQ(0, mv_model_policy("x86-64-v3", &v3));
	ASSERT_EQ(0xe7, sky.xcr0);
	v.xsave_size = mv_xsave_size(sky.xcr0, false);
	v.xcr0 = 0xe7;
	v.cr4 = (1 << 5) | osxsave | fsgsbase | smep;	/* PAE */
	v.msr_tsc_aux = 7;
	len = sizeof(v) + v.xsave_size;
	ASSERT_LE(len, sizeof(rec));
	memcpy(rec, &v, sizeof(v));
	for (i = 0; i < v.xsave_size; i++)
		rec[sizeof(v) + i] = i * 7;
	memcpy(rec + sizeof(v) + 512, &bv, 8);

	ASSERT_EQ(0, mv_vcpu_clip(&neh, rec, len, &out, &out_len, &lost_xcr0, &lost_cr4, &why));
	memcpy(&w, out, sizeof(w));
	EXPECT_EQ(sizeof(w) + 512, out_len);
	EXPECT_EQ(512, w.xsave_size);
	EXPECT_EQ(3, w.xcr0);
	EXPECT_EQ(0xe4, lost_xcr0);
	EXPECT_EQ(osxsave | fsgsbase | smep, lost_cr4);
	EXPECT_EQ(1 << 5, w.cr4);
	EXPECT_EQ(mv_policy_has(&neh, MV_F_rdtscp) || mv_policy_has(&neh, MV_F_rdpid) ? 7 : 0,
		  w.msr_tsc_aux);
	EXPECT_EQ(0, memcmp(out + sizeof(w), rec + sizeof(v), 512));
	EXPECT_EQ(v.rip, w.rip);
	free(out);

	ASSERT_EQ(0, mv_vcpu_clip(&v3, rec, len, &out, &out_len, &lost_xcr0, &lost_cr4, &why));
	memcpy(&w, out, sizeof(w));
	EXPECT_EQ(mv_xsave_size(v3.xcr0, false), w.xsave_size);
	EXPECT_EQ(7, w.xcr0);
	EXPECT_EQ(0xe0, lost_xcr0);
	/* x86-64-v3 is an ISA level: no FSGSBASE, no SMEP */
	EXPECT_EQ((1 << 5) | osxsave, w.cr4);
	EXPECT_EQ(fsgsbase | smep, lost_cr4);
	memcpy(&got_bv, out + sizeof(w) + 512, 8);
	EXPECT_EQ(7, got_bv);
	EXPECT_EQ(0, memcmp(out + sizeof(w), rec + sizeof(v), 512));
	/* AVX's upper halves (component 2, at 576) are kept */
	EXPECT_EQ(0, memcmp(out + sizeof(w) + 576, rec + sizeof(v) + 576, 256));
	free(out);

	/* A record whose XSAVE size does not match its length */
	EXPECT_EQ(-EPROTO, mv_vcpu_clip(&neh, rec, len - 1, &out, &out_len, &lost_xcr0, &lost_cr4, &why));
	EXPECT_NE(NULL, strstr(why, "XSAVE size"));
}

/*
 * A length is only as good as its record type allows: the reader refuses
 * a record longer than that before it waits for (or sizes anything by)
 * its payload, and a CONFIG's RAM size is bounded before page maps are
 * allocated from it ('AAAAAAAA' of RAM once asked calloc for 143 TB).
 */
TEST(lengths_bounded_by_type)
{
	struct mv_rec_config cfg = { .name = "g", .memory = 1 << 20, .vcpus = 1 };
	struct mv_rec big = { .type = MV_REC_HEADER, .len = 1000 };
	struct mv_rec wire = { .type = MV_REC_HELLO, .len = 64 << 10 };
	struct mv_page_map m;
	struct mv_reader r;
	struct mv_rec h;
	const char *why;
	uint8_t *p;
	size_t i;
	int fds[2];

	EXPECT_EQ(sizeof(struct mv_rec_header), mv_rec_len_max(MV_REC_HEADER));
	EXPECT_EQ(MV_REC_MAX_LEN, mv_rec_len_max(MV_REC_PAGES));
	/* ACK carries the receiver's times, as text (mvmig.h) */
	EXPECT_EQ(mv_rec_len_max(MV_REC_HELLO), mv_rec_len_max(MV_REC_ACK));
	ASSERT_EQ(0, pipe(fds));
	/* Only the headers: the payloads never come, and are not waited for. */
	ASSERT_EQ(0, mv_write_all(fds[1], &big, sizeof(big)));
	ASSERT_EQ(0, mv_reader_init(&r, fds[0]));
	EXPECT_EQ(-EPROTO, mv_reader_next(&r, &h, &p));
	mv_reader_free(&r);
	ASSERT_EQ(0, mv_write_all(fds[1], &wire, sizeof(wire)));
	ASSERT_EQ(0, mv_reader_init(&r, fds[0]));
	EXPECT_EQ(-EPROTO, mv_reader_next(&r, &h, &p));
	mv_reader_free(&r);
	close(fds[0]);
	close(fds[1]);

	EXPECT_EQ(0, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg) - 1, &cfg, &why));
	cfg.memory = 0x4141414141414141ull;
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	EXPECT_NE(NULL, strstr(why, "RAM"));
	cfg.memory = (1 << 20) + 100;
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	cfg.memory = 1 << 20;
	memset(cfg.name, 'a', sizeof(cfg.name));
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	cfg.name[0] = 0;

	/* 0 is an older writer's; else a rate a baseline may name */
	cfg.tsc_khz = MV_TSC_KHZ_MIN;
	EXPECT_EQ(0, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	cfg.tsc_khz = MV_TSC_KHZ_MAX;
	EXPECT_EQ(0, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	cfg.tsc_khz = MV_TSC_KHZ_MIN - 1;
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	EXPECT_NE(NULL, strstr(why, "TSC"));
	cfg.tsc_khz = MV_TSC_KHZ_MAX + 1;
	EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	EXPECT_NE(NULL, strstr(why, "TSC"));
	cfg.tsc_khz = 0;
	EXPECT_EQ(0, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
	/* Each reserved word, not only the first */
	for (i = 0; i < ARRAY_SIZE(cfg.reserved); i++) {
		cfg.reserved[i] = 1;
		EXPECT_EQ(-EPROTO, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));
		EXPECT_NE(NULL, strstr(why, "reserved"));
		cfg.reserved[i] = 0;
	}
	EXPECT_EQ(0, mv_rec_config_get(&cfg, sizeof(cfg), &cfg, &why));

	EXPECT_EQ(-E2BIG, mv_page_map_init(&m, 0x4141414141414141ull));
	ASSERT_EQ(0, mv_page_map_init(&m, MV_GUEST_MEM_MAX));
	mv_page_map_free(&m);
}

/* Pages sent again, and pages whose last copy had data. */
TEST(page_map)
{
	static uint8_t p[8 + 3 * (8 + 4096)];
	struct mv_page_map m;
	struct mv_rec_stats st = { .map = &m };
	struct mv_rec_pages ph = { .count = 2 };
	struct mv_rec h = { .type = MV_REC_PAGES, .len = 8 + 8 + 4096 + 8 };
	uint64_t a = 0x3000, z = 0x5000 | MV_PAGE_ZERO;

	ASSERT_EQ(0, mv_page_map_init(&m, 64 << 12));
	memcpy(p, &ph, 8);
	memcpy(p + 8, &a, 8);
	memcpy(p + 16 + 4096, &z, 8);
	mv_rec_account_one(&h, p, &st);
	EXPECT_EQ(0, m.resent);
	EXPECT_EQ(1, m.nonzero_pages);
	/* Again: both resent; then page 3 turns zero */
	mv_rec_account_one(&h, p, &st);
	EXPECT_EQ(2, m.resent);
	a = 0x3000 | MV_PAGE_ZERO;
	memcpy(p + 8, &a, 8);
	h.len = 8 + 8;
	ph.count = 1;
	memcpy(p, &ph, 8);
	mv_rec_account_one(&h, p, &st);
	EXPECT_EQ(3, m.resent);
	EXPECT_EQ(0, m.nonzero_pages);
	mv_page_map_free(&m);
}

TEST(zero_page_detection)
{
	static uint64_t pg[512];
	unsigned int i;

	EXPECT_TRUE(mv_page_is_zero(pg));
	for (i = 0; i < 512; i += 37) {
		pg[i] = 1ull << (i % 64);
		EXPECT_FALSE(mv_page_is_zero(pg));
		pg[i] = 0;
	}
}

TEST_HARNESS_MAIN
