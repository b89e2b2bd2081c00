// SPDX-License-Identifier: GPL-2.0
/*
 * The sending side: a snapshot session of a guest streamed to a peer
 * (pre-copy rounds, then stop-and-copy) or to a file (one pass of a
 * paused guest).
 *
 * Who resumes the source, and when, follows libvirt's promise (docs/
 * migration.md): before the END record leaves the session, any failure
 * closes the session and the module resumes the guest; after it, only an
 * explicit ABORT from the receiver resumes it, and a lost answer leaves it
 * paused (exit code 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>
#include <linux/sockios.h>

#include "../../common/record.h"
#include "../lib/mapfile.h"
#include "mvmig.h"

#define BUF_SIZE	(4u << 20)

struct src {
	const struct mvmig_opts *o;
	struct mvmig_metrics *m;
	int sfd;			/* snapshot session */
	int out;			/* socket or file */
	bool to_file;
	uint8_t *buf;
	struct mv_reader rd;		/* answers from the receiver */
	struct mv_page_map map;		/* pages sent, for repeats */
	const uint8_t *img;		/* --from: the snapshot file, mapped */
	size_t img_len, img_off;	/* its size, and how far it was sent */
	size_t head_len;		/* HEADER, BASELINE, CONFIG */
	char img_guest[MV_GUEST_NAME_MAX];	/* the guest it holds */
	char err[512];
	uint64_t t0;
	uint64_t t_end_seen, t_end_sent;	/* END found in a read; all written */
	uint64_t dirty_limit;		/* auto-converge: pages/s, 0: none */
	uint64_t throttled_ns, t_throttled;	/* the session's total, and when */
	/* auto-converge's window: start, last sample, dirty count, bytes */
	uint64_t ac_t0, ac_sample, ac_total0, ac_bytes0;
	bool no_throttle;		/* the module has no MV_SNAP_IOC_THROTTLE */
	bool no_answer;			/* the handshake got nothing back */
	bool broken;			/* a write to the peer failed midway */
};

uint64_t mvmig_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

int mvmig_hostport(const char *s, bool any_host, char *host, size_t hlen,
		   char *port, size_t plen)
{
	const char *colon = strrchr(s, ':');

	if (!colon || (colon == s && !any_host) || !colon[1] ||
	    (size_t)(colon - s) >= hlen || strlen(colon + 1) >= plen)
		return -EINVAL;
	memcpy(host, s, colon - s);
	host[colon - s] = 0;
	strcpy(port, colon + 1);
	return 0;
}

/* connect(), but within @timeout_ms and open to a cancel: 0 or -errno */
static int connect_until(int fd, const struct addrinfo *a, int timeout_ms)
{
	socklen_t len = sizeof(int);
	int e = 0, ret;

	if (!connect(fd, a->ai_addr, a->ai_addrlen))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	ret = mv_io_wait(fd, POLLOUT, timeout_ms);
	if (ret)
		return ret;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
		return -errno;
	return -e;
}

static int dial(const char *peer, int timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	char host[256], port[16];
	int fd = -1, one = 1, ret = -ECONNREFUSED;

	if (mvmig_hostport(peer, false, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "\"%s\" is not HOST:PORT", peer);
		return -EINVAL;
	}
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret) {
		snprintf(err, errlen, "%s: %s", peer, gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		ret = connect_until(fd, a, timeout_ms);
		if (!ret)
			break;
		snprintf(err, errlen, "cannot connect to %s: %s", peer,
			 ret == -ETIMEDOUT ? "no answer within --timeout" :
			 ret == -ECANCELED ? "cancelled" : strerror(-ret));
		close(fd);
		fd = -1;
		if (ret == -ECANCELED)
			break;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return ret;
	/* Blocking again: every read and write bounds its own wait. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * The receiver's side connects to us (a sender behind NAT, or the test
 * rig's relay): one connection, or -ETIMEDOUT at @deadline.
 */
static int accept_until(int lfd, uint64_t deadline, char *err, size_t errlen)
{
	uint64_t now = mvmig_now_usec();
	int ms = deadline > now ? (deadline - now) / 1000 + 1 : 1, fd;

	fd = mv_io_wait(lfd, POLLIN, ms);
	if (fd) {
		snprintf(err, errlen, "%s", fd == -ECANCELED ? "cancelled" :
			 "no receiver connected in time");
		return fd;
	}
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "accept: %s", strerror(errno));
	return fd < 0 ? -errno : fd;
}

/*
 * A write to the receiver failed. A receiver that gave up sent ABORT (or
 * REFUSE) with its reason and closed; the reset that the rest of our
 * stream then drew does not discard what had already arrived, so its
 * reason replaces the bare "connection reset".
 */
static void receiver_reason(struct src *s)
{
	struct mv_rec h;
	uint8_t *rp;
	int i;

	for (i = 0; i < 4 && !mv_io_wait(s->out, POLLIN, 1000); i++) {
		if (mv_reader_next(&s->rd, &h, &rp) != 1)
			break;
		if (h.type == MV_REC_ABORT || h.type == MV_REC_REFUSE) {
			snprintf(s->err, sizeof(s->err), "the destination failed: %.*s",
				 (int)h.len, (char *)rp);
			return;
		}
	}
}

/*
 * A wait for the receiver (@what) failed with @ret: the reason, naming
 * --timeout when that ran out, since "timed out" alone does not say which
 * wait did, nor what to change.
 */
static void peer_error(struct src *s, int ret, const char *what)
{
	if (ret == -ETIMEDOUT)
		snprintf(s->err, sizeof(s->err), "%s in %u s (--timeout)", what,
			 s->o->timeout_s);
	else if (ret == -ECANCELED)
		snprintf(s->err, sizeof(s->err), "cancelled");
	else
		snprintf(s->err, sizeof(s->err), "%s: %s", what, strerror(-ret));
}

/* A write to the receiver failed: stalled, or the connection is gone. */
static void write_error(struct src *s, int ret)
{
	s->broken = true;
	peer_error(s, ret, ret == -ETIMEDOUT ? "the receiver took no data" :
		   "the connection broke");
}

/* Whole records at @buf to the output; stats into @r, then the rate cap. */
static int forward(struct src *s, struct mvmig_round *r, const uint8_t *buf,
		   size_t n)
{
	struct mv_rec_stats st = { .map = &s->map };
	uint64_t t, budget_us;
	int ret;

	if (mv_rec_account(buf, n, &st)) {
		snprintf(s->err, sizeof(s->err), "%s", s->o->from ?
			 "the snapshot file is cut off or corrupted" :
			 "the module gave a cut-off record");
		return -EPROTO;
	}
	if (s->to_file) {
		ret = mv_write_all(s->out, buf, n);
		if (ret) {
			peer_error(s, ret, "cannot write the file");
			return ret;
		}
	} else {
		ret = mv_write_peer(s->out, buf, n, mvmig_timeout_ms(s->o));
		if (ret) {
			write_error(s, ret);
			/* Only a receiver that closed can have said why first. */
			if (ret == -EPIPE || ret == -ECONNRESET)
				receiver_reason(s);
			return ret;
		}
	}
	r->pages += st.pages;
	r->zero_pages += st.zero_pages;
	r->bytes += n;
	s->m->bytes += n;
	s->m->pages += st.pages;
	s->m->zero_pages += st.zero_pages;
	mvmig_progress(s->m, r, r->pages);
	if (!s->o->max_bandwidth)
		return 0;
	/* Sleep off what went faster than the cap, awake to a cancel. */
	t = mvmig_now_usec() - s->t0;
	budget_us = s->m->bytes * 1000000ull / s->o->max_bandwidth;
	while (budget_us > t && !mvmig_cancel) {
		uint64_t us = budget_us - t < MV_IO_SLICE_MS * 1000ull ?
			      budget_us - t : MV_IO_SLICE_MS * 1000ull;
		struct timespec ts = {
			.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000,
		};

		nanosleep(&ts, NULL);
		t = mvmig_now_usec() - s->t0;
	}
	return 0;
}

/* Everything the session has now, to the output. */
/* Where the END record starts in @n bytes of whole records, or @n. */
static size_t end_offset(const uint8_t *buf, size_t n)
{
	struct mv_rec h;
	size_t off = 0;

	while (n - off >= sizeof(h)) {
		memcpy(&h, buf + off, sizeof(h));
		if (h.type == MV_REC_END)
			return off;
		if (h.len > n - off - sizeof(h))
			break;
		off += sizeof(h) + h.len;
	}
	return n;
}

/*
 * Auto-converge. Every 100 ms of a pre-copy round, the guest's dirty rate
 * (MV_SNAP_IOC_THROTTLE's running count) is set against the link's: pages
 * sent in the same window. A guest that dirties more than half of what
 * the link carries gets a limit of a quarter of the link's rate on the
 * pages it may newly dirty (bytes then stay within 1 / (1 - 1/4) of the
 * ideal), and 70 % of that whenever, half a second on, it is still over,
 * down to 1 % of the link.
 *
 * QEMU's auto-converge takes a growing share of the CPU instead (20 %,
 * then 10 more a pass): a guest that paces its writes by its clock and
 * catches up after each stall, as a server under steady load does,
 * dirties as fast as before until nearly all its CPU is gone, and a
 * guest that only computes loses as much as one that writes. Limiting the
 * dirty rate itself bounds what the next round must carry, and acts
 * within the round that first sees the rate, not one round later.
 */
/* A page on the wire: its PAGES entry (the gfn, 8 bytes) and its data */
#define WIRE_PAGE	(8 + 4096)

#define AC_SAMPLE_US	100000
#define AC_READ		(256u << 10)	/* 35 ms at the emulated 7 MB/s */
#define AC_SETTLE_US	500000

static int throttle_ioctl(struct src *s, struct mv_snap_throttle *t)
{
	int ret;

	if (ioctl(s->sfd, MV_SNAP_IOC_THROTTLE, t) >= 0)
		return 0;
	ret = -errno;
	/* A module without it: pre-copy as before. */
	if (ret == -ENOTTY) {
		s->no_throttle = true;
		return 1;
	}
	mvmig_sess_error(s->sfd, ret, s->err, sizeof(s->err));
	return ret;
}

/* A new window: from now, with the count @total */
static void ac_window(struct src *s, uint64_t now, uint64_t total)
{
	s->ac_t0 = s->ac_sample = now;
	s->ac_total0 = total;
	s->ac_bytes0 = s->m->bytes;
}

/* 0, or -errno from the module */
static int auto_converge(struct src *s)
{
	struct mv_snap_throttle t = { 0 };
	uint64_t now = mvmig_now_usec(), usec, dirtied, sent, want;
	int ret;

	if (!s->o->auto_converge || s->no_throttle || now - s->ac_sample < AC_SAMPLE_US)
		return 0;
	s->ac_sample = now;
	ret = throttle_ioctl(s, &t);
	if (ret)
		return ret > 0 ? 0 : ret;
	usec = now - s->ac_t0;
	if (usec < (s->dirty_limit ? AC_SETTLE_US : AC_SAMPLE_US) ||
	    t.dirty_total < s->ac_total0)
		return 0;
	/*
	 * Only a busy link shows its rate: a first round that scans zero
	 * pages (left out of the stream) sends little while the time runs.
	 */
	if (s->m->bytes - s->ac_bytes0 < AC_READ)
		return 0;
	/* Pages per second, both */
	dirtied = (t.dirty_total - s->ac_total0) * 1000000ull / usec;
	sent = (s->m->bytes - s->ac_bytes0) / WIRE_PAGE * 1000000ull / usec;
	if (dirtied <= sent / 2)
		return 0;
	want = sent / 4;
	if (s->dirty_limit && want > s->dirty_limit * 7 / 10)
		want = s->dirty_limit * 7 / 10;
	if (want < sent / 100)
		want = sent / 100;
	t.flags = MV_THROTTLE_SET;
	t.dirty_limit = want ? want : 1;
	ret = throttle_ioctl(s, &t);
	if (ret)
		return ret > 0 ? 0 : ret;
	s->dirty_limit = t.dirty_limit;
	s->m->rounds[s->m->nrounds].dirty_limit = t.dirty_limit;
	ac_window(s, now, t.dirty_total);
	return 0;
}

/*
 * The share of the last round's time its vCPU gave up to the limit, from
 * the session's running total (taken at each ROUND and FINISH).
 */
static void throttled(struct src *s, const struct mv_snap_round *sr)
{
	uint64_t now = mvmig_now_usec(), ns = sr->throttled_ns - s->throttled_ns;
	struct mvmig_round *r;

	if (s->m->nrounds && s->t_throttled && now > s->t_throttled &&
	    sr->throttled_ns >= s->throttled_ns) {
		r = &s->m->rounds[s->m->nrounds - 1];
		r->throttle = ns / 10 / (now - s->t_throttled);
		if (r->throttle > 100)
			r->throttle = 100;
	}
	s->throttled_ns = sr->throttled_ns;
	s->t_throttled = now;
	/* Each round measures afresh: its pages, its dirt. */
	ac_window(s, now, sr->dirty_total);
}

/*
 * The module's records, to the peer or file. The END record is the
 * commit point: once it has left, the receiver may run the guest. So the
 * session is told just before END is written (MV_SNAP_IOC_HANDOVER);
 * until then, however this process ends, closing the session resumes the
 * source, and afterwards the source stays paused (in doubt) unless the
 * receiver answers.
 */
static int pump(struct src *s, struct mvmig_round *r)
{
	size_t end;
	ssize_t n;
	int ret;

	for (;;) {
		if (mvmig_cancel)
			return -ECANCELED;
		/* Auto-converge samples between writes: a pre-copy round's are small */
		n = read(s->sfd, s->buf, r->final || !s->o->auto_converge ||
			 s->to_file ? BUF_SIZE : AC_READ);
		if (n < 0) {
			ret = -errno;
			mvmig_sess_error(s->sfd, ret, s->err, sizeof(s->err));
			return ret;
		}
		if (n == 0)
			return 0;
		end = end_offset(s->buf, n);
		if (end) {
			ret = forward(s, r, s->buf, end);
			if (!ret && !r->final && !s->to_file)
				ret = auto_converge(s);
			if (ret)
				return ret;
		}
		if (end == (size_t)n)
			continue;
		s->t_end_seen = mvmig_now_usec();
		if (mvmig_cancel)
			return -ECANCELED;
		/* Said before, so that a log shows when it may be in doubt. */
		if (s->m->progress)
			fprintf(stderr, "\nmvmig: handing over END: from here the destination may run the guest\n");
		mvmig_test_fault("before-handover");
		if (ioctl(s->sfd, MV_SNAP_IOC_HANDOVER) < 0) {
			ret = -errno;
			mvmig_sess_error(s->sfd, ret, s->err, sizeof(s->err));
			return ret;
		}
		mvmig_test_fault("after-handover");
		/*
		 * END is the last record. Once it is all written the outcome
		 * is the receiver's: return at once, so that a cancel from
		 * here on is the in-doubt case (await_ack), never an abort.
		 */
		ret = forward(s, r, s->buf + end, n - end);
		s->t_end_sent = mvmig_now_usec();
		return ret;
	}
}

/* The rest of a snapshot file, in runs of whole records. */
static int send_image(struct src *s, struct mvmig_round *r)
{
	size_t end;
	struct mv_rec h;
	int ret;

	while (s->img_off < s->img_len) {
		if (mvmig_cancel)
			return -ECANCELED;
		for (end = s->img_off; end - s->img_off < BUF_SIZE; end += sizeof(h) + h.len) {
			if (s->img_len - end < sizeof(h))
				break;
			memcpy(&h, s->img + end, sizeof(h));
			if (h.len > s->img_len - end - sizeof(h))
				break;
		}
		if (end == s->img_off) {
			snprintf(s->err, sizeof(s->err),
				 "the snapshot file is cut off at byte %zu", end);
			return -EPROTO;
		}
		ret = forward(s, r, s->img + s->img_off, end - s->img_off);
		if (ret)
			return ret;
		s->img_off = end;
	}
	return 0;
}

static int send_round_marker(struct src *s, const struct mv_snap_round *sr,
			     bool final)
{
	struct mv_rec_round rr = {
		.round = sr->round, .flags = final ? MV_ROUND_FINAL : 0,
		.pages = sr->pages,
	};
	int ret;

	if (s->to_file)
		return 0;
	ret = mv_rec_send(s->out, MV_REC_ROUND, &rr, sizeof(rr),
			  mvmig_timeout_ms(s->o));
	if (ret)
		write_error(s, ret);
	return ret;
}

/* One round: harvest, then stream it. */
static int do_round(struct src *s, const struct mv_snap_round *sr, bool final)
{
	struct mvmig_round *r = &s->m->rounds[s->m->nrounds];
	uint64_t t = mvmig_now_usec();
	int ret;

	memset(r, 0, sizeof(*r));
	r->round = sr->round;
	r->final = final;
	r->dirty_limit = final ? 0 : s->dirty_limit;
	ret = send_round_marker(s, sr, final);
	if (ret)
		return ret;
	ret = s->img ? send_image(s, r) : pump(s, r);
	if (!ret && !s->img && sr->pages > r->pages)
		r->zero_left_out = sr->pages - r->pages;
	r->usec = mvmig_now_usec() - t;
	s->m->nrounds++;
	return ret;
}

static int snap_ioctl(struct src *s, unsigned long cmd, struct mv_snap_round *sr)
{
	if (ioctl(s->sfd, cmd, sr) < 0) {
		int ret = -errno;

		mvmig_sess_error(s->sfd, ret, s->err, sizeof(s->err));
		return ret;
	}
	s->m->tracking = sr->flags & MV_SNAP_PML ? "pml" :
			 sr->flags & MV_SNAP_WP ? "write-protect" : "none";
	return 0;
}

/*
 * HELLO, then the stream head (HEADER, BASELINE, CONFIG: from the session,
 * or the first @head_len bytes of a snapshot file), then the receiver's
 * answer: 0 accepted, else refused or failed.
 */
static int negotiate(struct src *s, size_t head_len)
{
	char hello[512], me[128];
	struct mv_rec h;
	uint8_t *p;
	int ret;

	mvmig_host_name(me, sizeof(me));
	snprintf(hello, sizeof(hello), "tool=mvmig %s\nhost=%s\nguest=%s\ntarget=%s\nack-times=1\n%s",
		 MV_VERSION, me, s->m->guest, s->m->target,
		 s->o->unsafe_skip_cpu_check ? "unsafe-skip-cpu-check=1\n" : "");
	ret = mv_rec_send(s->out, MV_REC_HELLO, hello, strlen(hello),
			  mvmig_timeout_ms(s->o));
	if (ret) {
		write_error(s, ret);
		return ret;
	}
	ret = s->img ? forward(s, &s->m->rounds[0], s->img, head_len) :
	      pump(s, &s->m->rounds[0]);
	if (ret)
		return ret;
	ret = mv_reader_next(&s->rd, &h, &p);
	if (ret <= 0) {
		s->no_answer = ret == 0 || ret == -ECONNRESET || ret == -EPIPE;
		if (ret == -ETIMEDOUT || ret == -ECANCELED)
			peer_error(s, ret, "no answer from the receiver");
		else
			snprintf(s->err, sizeof(s->err), "no answer from the receiver: %s",
				 ret ? strerror(-ret) : "the receiver closed the connection");
		return ret ? ret : -ECONNRESET;
	}
	if (h.type == MV_REC_ACCEPT)
		return 0;
	if (h.type == MV_REC_REFUSE) {
		snprintf(s->err, sizeof(s->err), "the destination refused the guest: %.*s",
			 (int)h.len, (char *)p);
		s->m->outcome = "refused";
		return -EPERM;
	}
	snprintf(s->err, sizeof(s->err), "unexpected %s record before the transfer",
		 mv_wire_type_name(h.type));
	return -EPROTO;
}

/* The destination's parts of the downtime, if its ACK names them */
static void ack_times(struct src *s, const char *p, size_t len)
{
	struct mvmig_downtime *d = &s->m->parts;
	unsigned long long c, m, st;
	char text[160];

	snprintf(text, sizeof(text), "%.*s", (int)len, p);
	if (sscanf(text, MVMIG_ACK_TIMES, &c, &m, &st) != 3)
		return;
	d->remote = true;
	d->checks_usec = c;
	d->commit_usec = m;
	d->start_usec = st;
}

/* Wait for ACK or ABORT after END; 0 acked, 1 aborted, <0 in doubt. */
static int await_ack(struct src *s)
{
	struct mv_rec h;
	uint8_t *p;
	int ret;

	for (;;) {
		ret = mv_reader_next(&s->rd, &h, &p);
		if (ret == -ECANCELED)
			snprintf(s->err, sizeof(s->err),
				 "cancelled while waiting for the destination's acknowledgement");
		else if (ret == -ETIMEDOUT)
			peer_error(s, ret, "no acknowledgement from the destination");
		else if (ret <= 0)
			snprintf(s->err, sizeof(s->err), "no acknowledgement from the destination (%s)",
				 ret ? strerror(-ret) : "connection closed");
		if (ret <= 0)
			return ret ? ret : -ECONNRESET;
		if (h.type == MV_REC_ACK) {
			ack_times(s, (const char *)p, h.len);
			return 0;
		}
		if (h.type == MV_REC_ABORT || h.type == MV_REC_REFUSE) {
			snprintf(s->err, sizeof(s->err), "the destination failed: %.*s",
				 (int)h.len, (char *)p);
			return 1;
		}
	}
}

/* downtime_usec, from @t_pause, in its parts (mvmig.h) */
static void downtime_parts(struct src *s, uint64_t t_pause, uint64_t t_finished)
{
	struct mvmig_downtime *d = &s->m->parts;
	uint64_t remote, end = t_pause + s->m->downtime_usec;

	/* A file has no answer, and END may have come with the pages. */
	if (!s->t_end_seen)
		s->t_end_seen = s->t_end_sent = t_finished;
	d->harvest_usec = t_finished - t_pause;
	d->pages_usec = s->t_end_seen - t_finished;
	d->tail_usec = s->t_end_sent - s->t_end_seen;
	d->answer_usec = end - s->t_end_sent;
	remote = d->checks_usec + d->commit_usec + d->start_usec;
	d->network_usec = d->remote && d->answer_usec > remote ?
			  d->answer_usec - remote : 0;
	s->m->has_parts = true;
}

static bool converged(struct src *s, const struct mv_snap_round *sr)
{
	const struct mvmig_round *last = &s->m->rounds[s->m->nrounds - 1];
	uint64_t bw, est_us, queued = 0;
	int q;

	if (!last->usec || !last->bytes)
		return true;
	bw = last->bytes * 1000000ull / last->usec;	/* bytes/s */
	if (s->o->max_bandwidth && bw > s->o->max_bandwidth)
		bw = s->o->max_bandwidth;
	/*
	 * What the socket still holds goes before the last pages: on a slow
	 * link a send buffer of megabytes is a second of downtime that the
	 * rate alone does not show.
	 */
	if (!s->to_file && !ioctl(s->out, SIOCOUTQ, &q) && q > 0)
		queued = q;
	est_us = (sr->pages * (uint64_t)WIRE_PAGE + queued) * 1000000ull / (bw ? bw : 1);
	return est_us <= s->o->downtime_ms * 1000;
}

/*
 * A send that failed (@ret): the outcome and reason for the report, and
 * ABORT to a receiver still listening; not to one that refused the guest
 * (-EPERM) or said ABORT itself (-EIO), nor into a stream cut off inside
 * a record, where it would read as part of that record. The ABORT waits
 * a second at most, and not at all after a cancel, which must end mvmig
 * within one.
 */
static void give_up(struct src *s, int ret)
{
	if (!s->m->outcome)
		s->m->outcome = mvmig_cancel ? "cancelled" : "failed";
	if (mvmig_cancel)
		snprintf(s->err, sizeof(s->err), "cancelled");
	if (!s->to_file && s->out >= 0 && !s->broken && ret != -EPERM &&
	    ret != -EIO)
		mv_rec_send(s->out, MV_REC_ABORT, s->err, strlen(s->err),
			    mvmig_cancel ? MV_IO_NOWAIT : 1000);
	s->m->reason = s->err;
}

/*
 * --from FILE: a saved snapshot (mvmig save) goes to the peer as one
 * stop-and-copy round. The file is the source; nothing is paused or
 * deleted, so a failure anywhere leaves nothing to undo here. Only an
 * answer lost after END leaves the outcome open: the destination may
 * have committed the guest.
 */
static int run_file(struct src *s)
{
	struct mv_snap_round sr = { 0 };
	uint64_t t_end;
	int ret;

	ret = negotiate(s, s->head_len);
	if (!ret)
		ret = do_round(s, &sr, true);
	if (ret)
		goto fail;
	t_end = mvmig_now_usec();
	ret = await_ack(s);
	if (ret < 0) {
		s->m->outcome = "in-doubt";
		s->m->reason = s->err;
		return MVMIG_EXIT_IN_DOUBT;
	}
	if (ret) {
		ret = -EIO;
		goto fail;
	}
	s->m->downtime_usec = mvmig_now_usec() - t_end;
	s->m->outcome = "sent";
	return 0;

fail:
	give_up(s, ret);
	return 1;
}

static int run(struct src *s)
{
	struct mv_snap_round sr;
	char e2[256];
	uint64_t t_pause, t_finished;
	int ret, fd;

	if (s->img)
		return run_file(s);
	fd = mvmig_guest_fd(s->o->guest, s->err, sizeof(s->err));
	if (fd < 0)
		return fd;
	s->sfd = ioctl(fd, MV_IOC_SNAPSHOT, s->o->force_wp ? MV_SNAP_WP : 0);
	ret = -errno;
	close(fd);
	if (s->sfd < 0) {
		snprintf(s->err, sizeof(s->err), "cannot snapshot guest %s: %s",
			 s->o->guest, ret == -ESRCH ? "it is not running or paused" :
			 ret == -EBUSY ? "another migration or save has it" :
			 strerror(-ret));
		return ret;
	}
	if (s->to_file) {
		ret = pump(s, &s->m->rounds[0]);
	} else {
		ret = negotiate(s, 0);
		/* Rounds while the guest runs. */
		while (!ret) {
			ret = snap_ioctl(s, MV_SNAP_IOC_ROUND, &sr);
			if (ret)
				break;
			throttled(s, &sr);
			s->m->converged = sr.round && converged(s, &sr);
			if (s->m->converged || (sr.round && sr.round >= s->o->max_rounds))
				break;
			ret = do_round(s, &sr, false);
		}
	}
	if (ret)
		goto out_fail;
	/* Stop and copy: the guest is paused from here. */
	t_pause = mvmig_now_usec();
	ret = snap_ioctl(s, MV_SNAP_IOC_FINISH, &sr);
	if (ret)
		goto out_fail;
	t_finished = mvmig_now_usec();
	throttled(s, &sr);
	ret = do_round(s, &sr, true);
	if (ret)
		goto out_fail;	/* END not read yet: closing resumes the guest */
	if (s->to_file) {
		ret = fsync(s->out) ? -errno : 0;
		if (ret) {
			snprintf(s->err, sizeof(s->err), "cannot sync the file: %s", strerror(-ret));
			goto out_fail;	/* nothing else has the guest */
		}
	} else {
		ret = await_ack(s);
		if (ret == 1) {
			ret = -EIO;
			goto out_fail;
		}
		if (ret < 0) {
			s->m->outcome = "in-doubt";
			s->m->reason = s->err;
			close(s->sfd);	/* END was read: the guest stays paused */
			return MVMIG_EXIT_IN_DOUBT;
		}
	}
	s->m->downtime_usec = mvmig_now_usec() - t_pause;
	downtime_parts(s, t_pause, t_finished);
	ioctl(s->sfd, MV_SNAP_IOC_COMMIT);
	close(s->sfd);
	s->m->outcome = s->to_file ? "saved" : "migrated";
	if (!s->o->keep_source &&
	    mvmig_guest_cmd(MV_CMD_GUEST_DEL, s->o->guest, e2, sizeof(e2)))
		fprintf(stderr, "Warning: the source guest %s is paused and was not deleted: %s\n",
			s->o->guest, e2);
	return 0;

out_fail:
	give_up(s, ret);
	/*
	 * Every way here is before the END record was all written, or after
	 * the receiver said it discarded the copy: resuming is safe even if
	 * the module handed END out already.
	 */
	ioctl(s->sfd, MV_SNAP_IOC_ABORT);
	close(s->sfd);
	return 1;
}

/*
 * --from FILE, mapped, with its stream head (HEADER, BASELINE, CONFIG)
 * checked and the guest it holds named: 0, or 1 with the reason printed.
 */
static int map_image(struct src *s)
{
	struct mv_rec_config cfg;
	const char *why;
	struct mv_rec h;
	int i;

	s->img = mv_map_file(s->o->from, &s->img_len);
	if (!s->img) {
		fprintf(stderr, "Error: cannot read %s: %s\n", s->o->from,
			errno == ENODATA ? "the file is empty" : strerror(errno));
		return 1;
	}
	madvise((void *)s->img, s->img_len, MADV_SEQUENTIAL);
	for (i = 0; i < 3; i++) {
		if (s->img_len - s->head_len < sizeof(h))
			break;
		memcpy(&h, s->img + s->head_len, sizeof(h));
		if (h.type != (uint32_t)MV_REC_HEADER + i ||
		    h.len > s->img_len - s->head_len - sizeof(h) ||
		    !mv_rec_len_ok(&h))
			break;
		/* It sizes the page maps: bounded before anything is allocated. */
		if (h.type == MV_REC_CONFIG &&
		    mv_rec_config_get(s->img + s->head_len + sizeof(h), h.len,
				      &cfg, &why)) {
			fprintf(stderr, "Error: %s: %s (it gives %llu bytes of RAM, %u vCPUs, TSC %u kHz)\n",
				s->o->from, why, (unsigned long long)cfg.memory,
				cfg.vcpus, cfg.tsc_khz);
			return 1;
		}
		s->head_len += sizeof(h) + h.len;
	}
	if (i < 3) {
		fprintf(stderr, "Error: %s is not a migvisor snapshot (expected %s at byte %zu)\n",
			s->o->from, mv_wire_type_name(MV_REC_HEADER + i), s->head_len);
		return 1;
	}
	snprintf(s->img_guest, sizeof(s->img_guest), "%.*s",
		 (int)sizeof(cfg.name), cfg.name);
	s->m->guest = s->img_guest;
	if (!s->m->target)
		s->m->target = s->img_guest;
	s->m->guest_bytes = cfg.memory;
	return 0;
}

/* A send that ends before it reached a receiver: 1, with @msg said once */
static int early_fail(const struct mvmig_opts *o, const char *msg)
{
	if (o->out) {
		o->out->status = 1;
		snprintf(o->out->outcome, sizeof(o->out->outcome), "failed");
		snprintf(o->out->reason, sizeof(o->out->reason), "%s", msg);
	} else {
		fprintf(stderr, "Error: %s\n", msg);
	}
	return 1;
}

int mvmig_send(const struct mvmig_opts *o, bool to_file)
{
	struct mvmig_metrics m = {
		.mode = to_file ? "save" : "send", .guest = o->guest,
		.target = o->target, .peer = o->peer, .tracking = "none",
	};
	struct src s = { .o = o, .m = &m, .sfd = -1, .out = -1,
			 .to_file = to_file };
	uint64_t deadline = 0;
	int state, ret, lfd = -1;

	m.progress = !o->quiet && !o->json && (o->progress || isatty(2));
	s.t0 = mvmig_now_usec();
	if (o->from) {
		if (map_image(&s))
			return 1;
	} else if (mvmig_guest_state(o->guest, &state, &m.guest_bytes, s.err,
				     sizeof(s.err))) {
		char msg[sizeof(s.err) + 64];

		snprintf(msg, sizeof(msg), "guest %s: %s", o->guest, s.err);
		return early_fail(o, msg);
	}
	s.buf = malloc(BUF_SIZE);
	if (!s.buf)
		return early_fail(o, "cannot allocate the transfer buffer");
	if (to_file) {
		s.out = open(o->peer, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (s.out < 0) {
			fprintf(stderr, "Error: cannot create %s: %s\n", o->peer,
				strerror(errno));
			free(s.buf);
			return 1;
		}
	} else {
		/* The receiver may not be up yet: try until --wait runs out. */
		deadline = s.t0 + o->wait_s * 1000000ull;
	}
	if (!to_file && !o->peer) {
		lfd = mvmig_listen(o->listen, s.err, sizeof(s.err));
		if (lfd < 0) {
			free(s.buf);
			return early_fail(o, s.err);
		}
	}
	for (;;) {
		if (!to_file) {
			s.out = lfd >= 0 ? accept_until(lfd, deadline, s.err, sizeof(s.err)) :
				dial(o->peer, mvmig_timeout_ms(o), s.err, sizeof(s.err));
			if (s.out < 0 && mvmig_now_usec() < deadline && !mvmig_cancel) {
				sleep(1);
				continue;
			}
			if (s.out < 0) {
				free(s.buf);
				if (lfd >= 0)
					close(lfd);
				return early_fail(o, s.err);
			}
			mv_reader_init(&s.rd, s.out);
			s.rd.timeout_ms = o->timeout_s * 1000;
			/* The figures start with the connection, not the waiting. */
			s.t0 = mvmig_now_usec();
		}
		s.no_answer = false;
		s.broken = false;
		s.img_off = s.head_len;
		mv_page_map_free(&s.map);
		ret = mv_page_map_init(&s.map, m.guest_bytes);
		if (ret) {
			snprintf(s.err, sizeof(s.err), "cannot track the pages of %llu bytes of guest RAM: %s",
				 (unsigned long long)m.guest_bytes, strerror(-ret));
			ret = 1;
			break;
		}
		ret = run(&s);
		if (!(ret && s.no_answer && mvmig_now_usec() < deadline &&
		      !mvmig_cancel))
			break;
		/* Nothing started: try the whole handshake again. */
		close(s.out);
		mv_reader_free(&s.rd);
		memset(&m.rounds, 0, sizeof(m.rounds));
		m.nrounds = 0;
		m.bytes = m.pages = m.zero_pages = 0;
		m.outcome = m.reason = NULL;
		sleep(1);
	}
	m.total_usec = mvmig_now_usec() - s.t0;
	m.resent_pages = s.map.resent;
	m.nonzero_pages = s.map.nonzero_pages;
	/* Against the ideal only a whole transfer compares. */
	m.pages_tracked = !ret;
	if (m.progress)
		fputc('\n', stderr);
	mvmig_progress_done(&m);
	if (o->out) {
		o->out->status = ret;
		snprintf(o->out->outcome, sizeof(o->out->outcome), "%s",
			 m.outcome ? m.outcome : ret ? "failed" : "migrated");
		snprintf(o->out->reason, sizeof(o->out->reason), "%s",
			 ret ? s.err : "");
		o->out->downtime_usec = m.downtime_usec;
		o->out->total_usec = m.total_usec;
		o->out->bytes = m.bytes;
	} else {
		mvmig_report(&m, o->json);
		if (ret)
			fprintf(stderr, "Error: %s\n", s.err);
	}
	if (ret == 1 && to_file)
		unlink(o->peer);	/* no partial snapshot files */
	/* With @o->out the caller says what an unknown outcome means. */
	if (ret == MVMIG_EXIT_IN_DOUBT && !o->out && o->from)
		fprintf(stderr, "All of %s was sent, but the destination did not acknowledge it: check whether it has the guest %s.\n",
			o->from, m.target);
	else if (ret == MVMIG_EXIT_IN_DOUBT && !o->out)
		fprintf(stderr, "The guest %s is paused here. Check the destination: if it runs the guest, delete it here (mvctl guest del %s); if not, resume it (mvctl guest resume %s).\n",
			o->guest, o->guest, o->guest);
	close(s.out);
	if (lfd >= 0)
		close(lfd);
	mv_reader_free(&s.rd);
	mv_page_map_free(&s.map);
	if (s.img)
		munmap((void *)s.img, s.img_len);
	free(s.buf);
	return ret;
}
