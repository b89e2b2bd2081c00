/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record streams (uapi MV_REC_*) over a file descriptor: a buffered
 * reader that returns whole records, and writers.
 */
#ifndef MV_STREAM_H
#define MV_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "wire.h"
#include "../../common/codec.h"

struct mv_reader {
	int fd;
	uint8_t *buf;
	size_t cap, off, len;
	uint64_t bytes;			/* consumed so far */
	int timeout_ms;			/* longest wait for a byte; 0: none */
};

int mv_reader_init(struct mv_reader *r, int fd);
void mv_reader_free(struct mv_reader *r);
/*
 * The next whole record: 1, with @h and @payload (valid until the next
 * call); 0 at end of stream between records; -EPROTO for a cut-off
 * record or one longer than its type allows (mv_rec_len_max()),
 * -ETIMEDOUT, -ECANCELED, or -errno. Wire-only records have their CRC
 * checked here (-EBADMSG); stream records are left to the module.
 */
int mv_reader_next(struct mv_reader *r, struct mv_rec *h, uint8_t **payload);

/*
 * Every wait below ends within MV_IO_SLICE_MS of *@flag turning non-zero
 * (a SIGINT/SIGTERM handler sets it), with -ECANCELED: a blocked call
 * cannot miss a signal that landed just before it.
 */
#define MV_IO_SLICE_MS		200
void mv_io_set_cancel(const _Atomic int *flag);
bool mv_io_cancelled(void);
/*
 * Wait for @events on @fd: 0 (also on an error or hang-up, which the
 * next read or write reports), -ETIMEDOUT after @timeout_ms (0: no
 * limit), -ECANCELED, or -errno.
 */
int mv_io_wait(int fd, short events, int timeout_ms);

/* To a file or a session: blocks as the file does, but stops at a cancel. */
int mv_write_all(int fd, const void *p, size_t len);
/*
 * To a peer that may stop reading: -ETIMEDOUT once it took nothing for
 * @timeout_ms (0: no limit), -ECANCELED at a cancel. MV_IO_NOWAIT writes
 * what fits at once, cancelled or not (a last word such as ABORT), and
 * -EAGAIN if not all of it did.
 */
#define MV_IO_NOWAIT		(-1)
int mv_write_peer(int fd, const void *p, size_t len, int timeout_ms);
/* A wire-only record (seq 0) with its CRC, by mv_write_peer(). */
int mv_rec_send(int fd, uint32_t type, const void *p, size_t len,
		int timeout_ms);
/* The CRC a record must carry. */
uint32_t mv_rec_crc_of(const struct mv_rec *h, const void *payload);

/*
 * The longest payload a record of @type may have, as the restoring module
 * allows it (MV_REC_MAX_LEN for a type this version does not know, which
 * its reader refuses by name); the limit for anything sized from a record
 * before it is trusted.
 */
size_t mv_rec_len_max(uint32_t type);
/* Whether @h's length is one its type allows (minimum and maximum). */
bool mv_rec_len_ok(const struct mv_rec *h);
/*
 * A CONFIG payload, checked: whole, the name NUL-terminated, one vCPU,
 * RAM a guest can have (MV_GUEST_MEM_MIN..MAX, whole pages), a TSC rate
 * of 0 (an older writer) or in MV_TSC_KHZ_MIN..MAX, reserved fields zero.
 * 0, or -EPROTO with the reason in @why.
 */
int mv_rec_config_get(const void *p, size_t len, struct mv_rec_config *cfg,
		      const char **why);

/*
 * Which pages a stream has carried, for the figures that compare it with
 * the ideal (one copy of each page with data): pages carried again, and
 * pages whose last copy had data.
 */
struct mv_page_map {
	uint64_t npages;		/* guest pages; 0: not tracked */
	uint64_t *sent, *nonzero;	/* bitmaps */
	uint64_t resent, nonzero_pages;
};

/* 0, -E2BIG for more RAM than a guest can have, or -ENOMEM */
int mv_page_map_init(struct mv_page_map *m, uint64_t guest_bytes);
void mv_page_map_free(struct mv_page_map *m);

/* What a run of stream records holds, for metrics. */
struct mv_rec_stats {
	uint64_t records, pages, zero_pages, data_bytes;
	struct mv_page_map *map;	/* optional */
};
/* Count one record (header and payload apart). */
void mv_rec_account_one(const struct mv_rec *h, const uint8_t *p,
			struct mv_rec_stats *st);
/* Walk @len bytes of whole records; -EPROTO if they are not whole. */
int mv_rec_account(const uint8_t *p, size_t len, struct mv_rec_stats *st);

/*
 * A stream checked record by record as the restoring module checks it
 * (common/codec.c), for a receiver that writes it to a file: framing,
 * order, the page entries inside guest RAM (codec.guest_pages), END's
 * counts and reserved fields.
 */
struct mv_rec_check {
	struct mv_codec codec;
	char why[MV_CODEC_WHY_LEN + 32];
};

/* 0, or -EBADMSG (CRC) / -EPROTO with the reason in @why */
int mv_rec_check(struct mv_rec_check *c, const struct mv_rec *h,
		 const uint8_t *p, const char **why);

/* True if the 4096 bytes at @p are all zero (fast). */
bool mv_page_is_zero(const void *p);

#endif
