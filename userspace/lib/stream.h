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

struct mv_reader {
	int fd;
	uint8_t *buf;
	size_t cap, off, len;
	uint64_t bytes;			/* consumed so far */
	int timeout_ms;			/* per read; 0: none */
};

int mv_reader_init(struct mv_reader *r, int fd);
void mv_reader_free(struct mv_reader *r);
/*
 * The next whole record: 1, with @h and @payload (valid until the next
 * call); 0 at end of stream between records; -EPROTO for a cut-off or
 * oversized record, -ETIMEDOUT, or -errno. Wire-only records have their
 * CRC checked here (-EBADMSG); stream records are left to the module.
 */
int mv_reader_next(struct mv_reader *r, struct mv_rec *h, uint8_t **payload);

int mv_write_all(int fd, const void *p, size_t len);
/* A wire-only record (seq 0) with its CRC. */
int mv_rec_send(int fd, uint32_t type, const void *p, size_t len);
/* The CRC a record must carry. */
uint32_t mv_rec_crc_of(const struct mv_rec *h, const void *payload);

/* What a run of stream records holds, for metrics. */
struct mv_rec_stats {
	uint64_t records, pages, zero_pages, data_bytes;
};
/* Count one record (header and payload apart). */
void mv_rec_account_one(const struct mv_rec *h, const uint8_t *p,
			struct mv_rec_stats *st);
/* Walk @len bytes of whole records; -EPROTO if they are not whole. */
int mv_rec_account(const uint8_t *p, size_t len, struct mv_rec_stats *st);

/* True if the 4096 bytes at @p are all zero (fast). */
bool mv_page_is_zero(const void *p);

#endif
