/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The one check of a record stream (linux/migvisor_rec.h), for every
 * reader: the module's restore, mvmig's receiver that writes a file
 * (recv --to, which no module checks) and the tests. It covers what does
 * not need the guest: framing (sequence, type, length, CRC), the order of
 * the records, the fields of HEADER, CONFIG, PAGES and END, the page
 * entries, and END's counts. What needs the guest (the baseline is its
 * own, the memory its size, the vCPU state enters VMX) stays with the
 * module.
 *
 * A reader calls mv_codec_head() on each record's header before it takes
 * the payload (the length is then bounded), mv_codec_body() on the whole
 * record, and mv_codec_take() once it has used it. A record refused by
 * either changes nothing.
 */
#ifndef MV_COMMON_CODEC_H
#define MV_COMMON_CODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#endif

#include <linux/migvisor_rec.h>

/* Room for a reason, with the numbers it names. */
#define MV_CODEC_WHY_LEN	160

/**
 * struct mv_codec - where a stream reader is
 * @guest_pages: pages of guest RAM, which page entries must stay below;
 *	0: CONFIG's memory, once it has come
 * @xsave_size: the XSAVE bytes a VCPU record must carry; 0: any that
 *	match its own xsave_size field (a reader without the baseline)
 * @seq: the number the next record must have
 * @seen: MV_CODEC_SEEN_* of the records taken
 * @pages: page entries taken, for END's count
 */
struct mv_codec {
	__u64 guest_pages;
	__u32 xsave_size;
	__u32 seq;
	__u32 seen;
	__u64 pages;
};

#define MV_CODEC_SEEN(type)	(1u << (type))

/* Whether the stream has come to its END. */
static inline bool mv_codec_ended(const struct mv_codec *c)
{
	return c->seen & MV_CODEC_SEEN(MV_REC_END);
}

/* A record's header: 0, or -EINVAL with the reason in @why. */
int mv_codec_head(const struct mv_codec *c, const struct mv_rec *h, char *why);
/*
 * The whole record (@p: its h->len payload bytes): 0, or -EBADMSG (CRC),
 * -EPROTONOSUPPORT (a stream version this side does not read) or -EINVAL,
 * with the reason in @why.
 */
int mv_codec_body(const struct mv_codec *c, const struct mv_rec *h,
		  const void *p, char *why);
/* A record checked by both and used: the reader moves past it. */
void mv_codec_take(struct mv_codec *c, const struct mv_rec *h, const void *p);

/*
 * The page entries of a PAGES payload of @len bytes, one per call from
 * *@off (start at sizeof(struct mv_rec_pages)): 1 with the entry and its
 * data (NULL for a zero page), 0 at the end, -1 if the payload is cut
 * off. The entries of a record mv_codec_body() passed are all whole.
 */
int mv_pages_next(const void *p, size_t len, size_t *off, __u64 *entry,
		  const void **data);

/* CONFIG's own fields: 0, or -EINVAL with the reason in @why. */
int mv_codec_config(const struct mv_rec_config *cfg, char *why);

#endif
