// SPDX-License-Identifier: GPL-2.0
/*
 * Record streams over file descriptors (see stream.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/migvisor_rec.h>

#include "../../common/record.h"
#include "stream.h"

#define READER_CAP	(2 * (MV_REC_MAX_LEN + sizeof(struct mv_rec)))

static const _Atomic int *cancel_flag;

void mv_io_set_cancel(const _Atomic int *flag)
{
	cancel_flag = flag;
}

bool mv_io_cancelled(void)
{
	return cancel_flag && atomic_load(cancel_flag);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

int mv_io_wait(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t end = timeout_ms > 0 ? now_ms() + timeout_ms : 0, now;
	int ms, n;

	/*
	 * Short polls, not one long one: a signal that lands between the
	 * check of the flag and poll() would otherwise go unseen until the
	 * whole timeout ran out.
	 */
	for (;;) {
		if (mv_io_cancelled())
			return -ECANCELED;
		ms = MV_IO_SLICE_MS;
		if (end) {
			now = now_ms();
			if (now >= end)
				return -ETIMEDOUT;
			if (end - now < (uint64_t)ms)
				ms = end - now;
		}
		n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

int mv_reader_init(struct mv_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->cap = READER_CAP;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -ENOMEM;
}

void mv_reader_free(struct mv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Have at least @need unread bytes: 1, or 0 at EOF, or -errno. */
static int fill(struct mv_reader *r, size_t need)
{
	ssize_t n;

	if (r->len - r->off >= need)
		return 1;
	if (r->off) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	while (r->len < need) {
		if (r->timeout_ms) {
			int ret = mv_io_wait(r->fd, POLLIN, r->timeout_ms);

			if (ret)
				return ret;
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			int ret = errno == EAGAIN ?
				  mv_io_wait(r->fd, POLLIN, r->timeout_ms) :
				  mv_io_cancelled() ? -ECANCELED : 0;

			if (ret)
				return ret;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r->len += n;
	}
	return 1;
}

uint32_t mv_rec_crc_of(const struct mv_rec *h, const void *payload)
{
	return mv_rec_crc(h, mv_crc32c(mv_rec_crc_start(), payload, h->len));
}

int mv_reader_next(struct mv_reader *r, struct mv_rec *h, uint8_t **payload)
{
	int ret = fill(r, sizeof(*h));

	if (ret <= 0)
		return ret ? ret : (r->len > r->off ? -EPROTO : 0);
	memcpy(h, r->buf + r->off, sizeof(*h));
	if (h->len > mv_rec_len_max(h->type))
		return -EPROTO;
	ret = fill(r, sizeof(*h) + h->len);
	if (ret <= 0)
		return ret ? ret : -EPROTO;
	*payload = r->buf + r->off + sizeof(*h);
	r->off += sizeof(*h) + h->len;
	r->bytes += sizeof(*h) + h->len;
	if (h->type >= MV_REC_HELLO && mv_rec_crc_of(h, *payload) != h->crc)
		return -EBADMSG;
	return 1;
}

int mv_write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	ssize_t n;

	while (len) {
		n = write(fd, b, len);
		if (n < 0 && errno == EINTR) {
			if (mv_io_cancelled())
				return -ECANCELED;
			continue;
		}
		if (n < 0)
			return -errno;
		b += n;
		len -= n;
	}
	return 0;
}

int mv_write_peer(int fd, const void *p, size_t len, int timeout_ms)
{
	const uint8_t *b = p;
	bool sock = true, nowait = timeout_ms == MV_IO_NOWAIT;
	ssize_t n;
	int ret;

	while (len) {
		if (!nowait && mv_io_cancelled())
			return -ECANCELED;
		/*
		 * A socket never blocks here, whatever its flags: the wait is
		 * poll()'s, which the timeout and the cancel flag bound. (A
		 * pipe blocks unless it was opened non-blocking.)
		 */
		if (sock)
			n = send(fd, b, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(fd, b, len);
		if (n < 0 && errno == ENOTSOCK && sock) {
			sock = false;
			continue;
		}
		if (n >= 0) {
			b += n;
			len -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (nowait)
			return -EAGAIN;
		ret = mv_io_wait(fd, POLLOUT, timeout_ms);
		if (ret)
			return ret;
	}
	return 0;
}

int mv_rec_send(int fd, uint32_t type, const void *p, size_t len,
		int timeout_ms)
{
	struct mv_rec h = { .type = type, .len = len };
	uint8_t *buf = malloc(sizeof(h) + len);
	int ret;

	if (!buf)
		return -ENOMEM;
	h.crc = mv_rec_crc_of(&h, p);
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	ret = mv_write_peer(fd, buf, sizeof(h) + len, timeout_ms);
	free(buf);
	return ret;
}

/* What a text record (HELLO, ACCEPT, REFUSE, ABORT) may hold. */
#define TEXT_MAX	4096

size_t mv_rec_len_max(uint32_t type)
{
	switch (type) {
	case MV_REC_HEADER:
		return sizeof(struct mv_rec_header);
	case MV_REC_BASELINE:
		/* Room for words a newer version adds, as the module allows. */
		return mv_rec_baseline_len() + 64 * sizeof(struct mv_rec_word);
	case MV_REC_CONFIG:
		return sizeof(struct mv_rec_config);
	case MV_REC_VCPU:
		/* A snapshot session hands out whole records of this size. */
		return MV_REC_MIN_READ;
	case MV_REC_END:
		return sizeof(struct mv_rec_end);
	case MV_REC_AUDIT:
		return mv_rec_audit_len_max();
	case MV_REC_HELLO:
	case MV_REC_ACCEPT:
	case MV_REC_REFUSE:
	case MV_REC_ABORT:
		return TEXT_MAX;
	case MV_REC_ROUND:
		return sizeof(struct mv_rec_round);
	case MV_REC_ACK:
		/* Empty, or the receiver's times when HELLO asked (mvmig.h) */
		return TEXT_MAX;
	}
	return MV_REC_MAX_LEN;
}

bool mv_rec_len_ok(const struct mv_rec *h)
{
	size_t min = 0;

	switch (h->type) {
	case MV_REC_HEADER:
	case MV_REC_CONFIG:
	case MV_REC_END:
	case MV_REC_ROUND:
		min = mv_rec_len_max(h->type);
		break;
	case MV_REC_BASELINE:
		min = sizeof(struct mv_rec_baseline);
		break;
	case MV_REC_PAGES:
		min = sizeof(struct mv_rec_pages) + 8;
		break;
	case MV_REC_VCPU:
		min = sizeof(struct mv_rec_vcpu);
		break;
	case MV_REC_AUDIT:
		min = sizeof(struct mv_rec_audit);
		break;
	}
	return h->len >= min && h->len <= mv_rec_len_max(h->type);
}

int mv_rec_config_get(const void *p, size_t len, struct mv_rec_config *cfg,
		      const char **why)
{
	static __thread char reason[MV_CODEC_WHY_LEN + 32];
	char r[MV_CODEC_WHY_LEN];

	if (len != sizeof(*cfg)) {
		*why = "the CONFIG record has the wrong size";
		return -EPROTO;
	}
	memcpy(cfg, p, sizeof(*cfg));
	if (mv_codec_config(cfg, r)) {
		snprintf(reason, sizeof(reason), "the CONFIG record: %s", r);
		*why = reason;
		return -EPROTO;
	}
	return 0;
}

int mv_page_map_init(struct mv_page_map *m, uint64_t guest_bytes)
{
	size_t words = (guest_bytes / 4096 + 63) / 64;

	memset(m, 0, sizeof(*m));
	if (guest_bytes > MV_GUEST_MEM_MAX)
		return -E2BIG;
	m->sent = calloc(words ? words : 1, 8);
	m->nonzero = calloc(words ? words : 1, 8);
	if (!m->sent || !m->nonzero) {
		mv_page_map_free(m);
		return -ENOMEM;
	}
	m->npages = guest_bytes / 4096;
	return 0;
}

void mv_page_map_free(struct mv_page_map *m)
{
	free(m->sent);
	free(m->nonzero);
	memset(m, 0, sizeof(*m));
}

static void map_page(struct mv_page_map *m, uint64_t e)
{
	uint64_t pfn = (e & ~(uint64_t)MV_PAGE_FLAGS) / 4096, bit;
	bool was_nz, nz = !(e & MV_PAGE_ZERO);

	if (pfn >= m->npages)
		return;		/* the receiving module refuses it */
	bit = 1ull << (pfn % 64);
	if (m->sent[pfn / 64] & bit)
		m->resent++;
	m->sent[pfn / 64] |= bit;
	was_nz = m->nonzero[pfn / 64] & bit;
	if (nz && !was_nz) {
		m->nonzero[pfn / 64] |= bit;
		m->nonzero_pages++;
	} else if (!nz && was_nz) {
		m->nonzero[pfn / 64] &= ~bit;
		m->nonzero_pages--;
	}
}

void mv_rec_account_one(const struct mv_rec *h, const uint8_t *p,
			struct mv_rec_stats *st)
{
	struct mv_rec_pages ph;
	size_t o = sizeof(ph);
	uint32_t i;

	st->records++;
	if (h->type != MV_REC_PAGES || h->len < sizeof(ph))
		return;
	memcpy(&ph, p, sizeof(ph));
	for (i = 0; i < ph.count && o + 8 <= h->len; i++) {
		uint64_t e;

		memcpy(&e, p + o, 8);
		o += 8;
		st->pages++;
		if (st->map && st->map->npages)
			map_page(st->map, e);
		if (e & MV_PAGE_ZERO) {
			st->zero_pages++;
		} else {
			o += 4096;
			st->data_bytes += 4096;
		}
	}
}

int mv_rec_account(const uint8_t *p, size_t len, struct mv_rec_stats *st)
{
	size_t off = 0;

	while (off < len) {
		struct mv_rec h;

		if (len - off < sizeof(h))
			return -EPROTO;
		memcpy(&h, p + off, sizeof(h));
		off += sizeof(h);
		if (len - off < h.len)
			return -EPROTO;
		mv_rec_account_one(&h, p + off, st);
		off += h.len;
	}
	return 0;
}

int mv_rec_check(struct mv_rec_check *c, const struct mv_rec *h,
		 const uint8_t *p, const char **why)
{
	char reason[MV_CODEC_WHY_LEN];
	int ret;

	/* The module's own rules (common/codec.c): a file is checked as a restore is. */
	ret = mv_codec_head(&c->codec, h, reason);
	if (!ret)
		ret = mv_codec_body(&c->codec, h, p, reason);
	if (ret) {
		snprintf(c->why, sizeof(c->why), "%s: %s", mv_rec_type_name(h->type), reason);
		*why = c->why;
		return ret == -EBADMSG ? -EBADMSG : -EPROTO;
	}
	mv_codec_take(&c->codec, h, p);
	return 0;
}

bool mv_page_is_zero(const void *p)
{
	const uint64_t *q = p;
	unsigned int i;

	/* OR eight words at a time: the compiler vectorises this loop. */
	for (i = 0; i < 512; i += 8) {
		if (q[i] | q[i + 1] | q[i + 2] | q[i + 3] | q[i + 4] |
		    q[i + 5] | q[i + 6] | q[i + 7])
			return false;
	}
	return true;
}

const char *mv_wire_type_name(__u32 type)
{
	static const char *const wire[] = {
		"HELLO", "ACCEPT", "REFUSE", "ROUND", "ACK", "ABORT",
	};

	if (type >= MV_REC_HELLO && type - MV_REC_HELLO < ARRAY_SIZE(wire))
		return wire[type - MV_REC_HELLO];
	return mv_rec_type_name(type);
}
