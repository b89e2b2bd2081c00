// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The record-stream check every reader shares (see codec.h). Built into
 * migvisor.ko and into the tools from this one file.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#endif

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "codec.h"
#include "record.h"

#define PAGE_BYTES	4096u
#define SEEN(t)		MV_CODEC_SEEN(MV_REC_##t)

static int refuse(char *why, int err, const char *fmt, ...) __printf(3, 4);

static int refuse(char *why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, MV_CODEC_WHY_LEN, fmt, ap);
	va_end(ap);
	return err;
}

static bool all_zero(const void *p, size_t len)
{
	const __u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

/* The lengths each type may have. */
static bool len_ok(const struct mv_codec *c, const struct mv_rec *h)
{
	switch (h->type) {
	case MV_REC_HEADER:
		return h->len == sizeof(struct mv_rec_header);
	case MV_REC_BASELINE:
		/* Room for words a newer writer adds. */
		return h->len >= sizeof(struct mv_rec_baseline) &&
		       h->len <= mv_rec_baseline_len() + 64 * sizeof(struct mv_rec_word);
	case MV_REC_CONFIG:
		return h->len == sizeof(struct mv_rec_config);
	case MV_REC_PAGES:
		return h->len >= sizeof(struct mv_rec_pages) + 8 &&
		       h->len <= MV_REC_MAX_LEN;
	case MV_REC_VCPU:
		if (c->xsave_size)
			return h->len == sizeof(struct mv_rec_vcpu) + c->xsave_size;
		/* A snapshot session hands out whole records of this size. */
		return h->len >= sizeof(struct mv_rec_vcpu) && h->len <= MV_REC_MIN_READ;
	case MV_REC_END:
		return h->len == sizeof(struct mv_rec_end);
	case MV_REC_AUDIT:
		return h->len >= sizeof(struct mv_rec_audit) &&
		       h->len <= mv_rec_audit_len_max();
	}
	return false;
}

int mv_codec_head(const struct mv_codec *c, const struct mv_rec *h, char *why)
{
	if (mv_codec_ended(c))
		return refuse(why, -EINVAL, "the stream goes on after its END record");
	if (h->seq != c->seq)
		return refuse(why, -EINVAL, "expected record number %u: a record is missing or repeated",
			      c->seq);
	if (h->type < MV_REC_HEADER || h->type > MV_REC_AUDIT)
		return refuse(why, -EINVAL, "type %u is not a stream record", h->type);
	if (!len_ok(c, h))
		return refuse(why, -EINVAL, "length %u is wrong for this type", h->len);
	if (h->type != MV_REC_HEADER && !(c->seen & SEEN(HEADER)))
		return refuse(why, -EINVAL, "the stream does not start with a HEADER");
	return 0;
}

int mv_pages_next(const void *p, size_t len, size_t *off, __u64 *entry,
		  const void **data)
{
	const __u8 *b = p;

	if (*off >= len)
		return 0;
	if (len - *off < sizeof(*entry))
		return -1;
	memcpy(entry, b + *off, sizeof(*entry));
	*off += sizeof(*entry);
	*data = NULL;
	if (*entry & MV_PAGE_ZERO)
		return 1;
	if (len - *off < PAGE_BYTES)
		return -1;
	*data = b + *off;
	*off += PAGE_BYTES;
	return 1;
}

static int check_pages(const struct mv_codec *c, const struct mv_rec *h,
		       const void *p, char *why)
{
	const __u8 *b = p;
	struct mv_rec_pages ph;
	size_t off = sizeof(ph);
	unsigned int i;
	__u64 e;

	if (!(c->seen & SEEN(CONFIG)) || (c->seen & SEEN(VCPU)))
		return refuse(why, -EINVAL, "PAGES must come after CONFIG and before VCPU");
	memcpy(&ph, b, sizeof(ph));
	if (!ph.count || ph.count > MV_REC_MAX_PAGES || ph.reserved)
		return refuse(why, -EINVAL, "page count %u is not 1..%u, or reserved set",
			      ph.count, MV_REC_MAX_PAGES);
	for (i = 0; i < ph.count; i++) {
		if (h->len - off < sizeof(e))
			return refuse(why, -EINVAL, "page %u of %u is cut off", i, ph.count);
		memcpy(&e, b + off, sizeof(e));
		off += sizeof(e);
		if ((e & MV_PAGE_FLAGS & ~(__u64)MV_PAGE_ZERO) ||
		    (e >> 12) >= c->guest_pages)
			return refuse(why, -EINVAL,
				      "page entry %llx: unknown flags or outside guest RAM",
				      (unsigned long long)e);
		if (e & MV_PAGE_ZERO)
			continue;
		if (h->len - off < PAGE_BYTES)
			return refuse(why, -EINVAL, "data of page %u is cut off", i);
		off += PAGE_BYTES;
	}
	if (off != h->len)
		return refuse(why, -EINVAL, "%zu bytes after the last page", h->len - off);
	return 0;
}

int mv_codec_config(const struct mv_rec_config *cfg, char *why)
{
	if (!memchr(cfg->name, 0, sizeof(cfg->name)) ||
	    !all_zero(cfg->reserved, sizeof(cfg->reserved)))
		return refuse(why, -EINVAL, "name not terminated or reserved fields set");
	if (cfg->vcpus != 1)
		return refuse(why, -EINVAL, "%u vCPUs; migvisor guests have one", cfg->vcpus);
	/* Readers size page maps and guests from it: nothing else bounds it. */
	if (cfg->memory < MV_GUEST_MEM_MIN || cfg->memory > MV_GUEST_MEM_MAX ||
	    cfg->memory % PAGE_BYTES)
		return refuse(why, -EINVAL,
			      "guest RAM of %llu bytes is not whole pages between 1 MiB and 1 GiB",
			      (unsigned long long)cfg->memory);
	/* 0 is a writer from before the field; anything else a baseline's. */
	if (cfg->tsc_khz && (cfg->tsc_khz < MV_TSC_KHZ_MIN || cfg->tsc_khz > MV_TSC_KHZ_MAX))
		return refuse(why, -EINVAL, "TSC rate %u kHz is outside %u..%u",
			      cfg->tsc_khz, MV_TSC_KHZ_MIN, MV_TSC_KHZ_MAX);
	return 0;
}

static int check_header(const struct mv_codec *c, const void *p, char *why)
{
	struct mv_rec_header hd;

	memcpy(&hd, p, sizeof(hd));
	if (c->seen & SEEN(HEADER))
		return refuse(why, -EINVAL, "second HEADER");
	if (hd.magic != MV_REC_MAGIC)
		return refuse(why, -EINVAL, "bad magic: not a migvisor stream");
	if (hd.version != MV_REC_VERSION)
		return refuse(why, -EPROTONOSUPPORT, "stream version %u, this side reads %u",
			      hd.version, MV_REC_VERSION);
	if (hd.page_size != PAGE_BYTES || hd.reserved[0] || hd.reserved[1])
		return refuse(why, -EINVAL, "page size is not 4096 or reserved fields are set");
	return 0;
}

static int check_end(const struct mv_codec *c, const struct mv_rec *h,
		     const void *p, char *why)
{
	struct mv_rec_end e;

	memcpy(&e, p, sizeof(e));
	if (!(c->seen & SEEN(VCPU)))
		return refuse(why, -EINVAL, "END before the vCPU state");
	/* Any age: readers take MV_REC_MAX_AGE_NS of it at most. */
	if (e.reserved)
		return refuse(why, -EINVAL, "END's reserved field is not zero (a newer writer?)");
	if (e.records != h->seq || e.pages != c->pages)
		return refuse(why, -EINVAL,
			      "END counts %llu records and %llu pages, the stream had %u and %llu",
			      (unsigned long long)e.records, (unsigned long long)e.pages,
			      h->seq, (unsigned long long)c->pages);
	return 0;
}

int mv_codec_body(const struct mv_codec *c, const struct mv_rec *h,
		  const void *p, char *why)
{
	struct mv_rec_config cfg;
	struct mv_policy pol;
	const char *w;
	__u32 xs;

	if (mv_rec_crc(h, mv_crc32c(mv_rec_crc_start(), p, h->len)) != h->crc)
		return refuse(why, -EBADMSG, "CRC mismatch: the record was corrupted");
	switch (h->type) {
	case MV_REC_HEADER:
		return check_header(c, p, why);
	case MV_REC_BASELINE:
		if (c->seen & SEEN(BASELINE))
			return refuse(why, -EINVAL, "second BASELINE");
		if (mv_rec_baseline_get(p, h->len, &pol, NULL, &w))
			return refuse(why, -EINVAL, "%s", w);
		return 0;
	case MV_REC_CONFIG:
		if ((c->seen & SEEN(CONFIG)) || !(c->seen & SEEN(BASELINE)))
			return refuse(why, -EINVAL, "CONFIG must come once, after BASELINE");
		memcpy(&cfg, p, sizeof(cfg));
		return mv_codec_config(&cfg, why);
	case MV_REC_PAGES:
		return check_pages(c, h, p, why);
	case MV_REC_VCPU:
		if (!(c->seen & SEEN(CONFIG)) || (c->seen & SEEN(VCPU)))
			return refuse(why, -EINVAL, "VCPU must come once, after CONFIG");
		memcpy(&xs, (const __u8 *)p + offsetof(struct mv_rec_vcpu, xsave_size),
		       sizeof(xs));
		if (xs != h->len - sizeof(struct mv_rec_vcpu))
			return refuse(why, -EINVAL,
				      "the VCPU record's XSAVE size does not match its length");
		return 0;
	case MV_REC_AUDIT:
		if (!(c->seen & SEEN(VCPU)) || (c->seen & SEEN(AUDIT)))
			return refuse(why, -EINVAL, "AUDIT must come once, after VCPU");
		if (mv_rec_audit_check(p, h->len, &w))
			return refuse(why, -EINVAL, "%s", w);
		return 0;
	default:
		return check_end(c, h, p, why);
	}
}

void mv_codec_take(struct mv_codec *c, const struct mv_rec *h, const void *p)
{
	struct mv_rec_config cfg;
	struct mv_rec_pages ph;

	if (h->type == MV_REC_CONFIG && !c->guest_pages) {
		memcpy(&cfg, p, sizeof(cfg));
		c->guest_pages = cfg.memory / PAGE_BYTES;
	}
	if (h->type == MV_REC_PAGES) {
		memcpy(&ph, p, sizeof(ph));
		c->pages += ph.count;
	}
	c->seen |= MV_CODEC_SEEN(h->type);
	c->seq++;
}
