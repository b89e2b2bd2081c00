// SPDX-License-Identifier: GPL-2.0
/*
 * The receiving side: a record stream from a peer (after a handshake) or
 * from a file, into a restore session of a guest created for it.
 *
 * Before anything is created the stream's baseline is checked against this
 * host: the module refuses a guest whose baseline the host cannot satisfy,
 * and its reason (the missing features, by name) goes back to the sender.
 * The restore session deletes the guest unless it is committed, so a
 * receiver that dies leaves nothing behind. Commit, ACK, start: in this
 * order, so that an ACK the sender gets always means a committed guest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../../common/record.h"
#include "../lib/vcpu_clip.h"
#include "mvmig.h"

struct dst {
	const struct mvmig_opts *o;
	struct mvmig_metrics *m;
	struct mv_reader rd;
	int peer;			/* socket, or -1 for a file */
	int rfd;			/* restore session */
	char name[MV_GUEST_NAME_MAX];
	char source[MV_GUEST_NAME_MAX];		/* its name on the source */
	char baseline[MV_BASELINE_NAME_MAX];
	char peer_host[400];		/* the sender's HELLO host= */
	bool made_baseline;
	struct mv_rec_check chk;	/* --to FILE: no module checks the stream */
	bool sink_is_file;		/* not a pipe or a device */
	bool ack_times;			/* the sender asked for them (HELLO) */
	bool unsafe;			/* HELLO: unsafe-skip-cpu-check=1 */
	bool clip;			/* taken under @clip_to: cut the VCPU */
	struct mv_policy clip_to;
	uint64_t t_end_read;		/* END came off the wire */
	char err[1024];
};

/*
 * The sender only waits for these, so they fit in its socket buffer; a
 * cancelled receiver still tries, without waiting, so that ABORT says why.
 */
static void answer(struct dst *d, uint32_t type, const char *text)
{
	if (d->peer >= 0)
		mv_rec_send(d->peer, type, text, text ? strlen(text) : 0,
			    mvmig_cancel ? MV_IO_NOWAIT : mvmig_timeout_ms(d->o));
}

static int next(struct dst *d, struct mv_rec *h, uint8_t **p, const char *what)
{
	int ret = mv_reader_next(&d->rd, h, p);

	if (ret == 1)
		return 0;
	if (ret == -ECANCELED)
		snprintf(d->err, sizeof(d->err), "cancelled");
	else if (ret == -ETIMEDOUT)
		snprintf(d->err, sizeof(d->err), "%s: nothing came for %u s (--timeout)",
			 what, d->o->timeout_s);
	else
		snprintf(d->err, sizeof(d->err), "%s: %s", what,
			 ret == 0 ? "the stream ended" :
			 ret == -EPROTO ? "a record is cut off or too long for its type" :
			 ret == -EBADMSG ? "a record is corrupted (CRC)" :
			 strerror(-ret));
	return ret ? ret : -EPIPE;
}

/* One record into the restore session, or checked into the file. */
static int to_session(struct dst *d, const struct mv_rec *h, const uint8_t *p)
{
	const char *why;
	int ret;

	if (d->o->to) {
		ret = mv_rec_check(&d->chk, h, p, &why);
		if (ret) {
			snprintf(d->err, sizeof(d->err), "record %u: %s", h->seq, why);
			return ret;
		}
	}
	if (d->o->to && !d->sink_is_file) {
		/* A pipe whose reader stalls must not outlast a cancel. */
		ret = mv_write_peer(d->rfd, h, sizeof(*h), 0);
		if (!ret)
			ret = mv_write_peer(d->rfd, p, h->len, 0);
	} else {
		ret = mv_write_all(d->rfd, h, sizeof(*h));
		if (!ret)
			ret = mv_write_all(d->rfd, p, h->len);
	}
	if (ret == -ECANCELED)
		snprintf(d->err, sizeof(d->err), "cancelled");
	else if (ret && d->o->to)
		snprintf(d->err, sizeof(d->err), "cannot write %s: %s", d->o->to,
			 strerror(-ret));
	else if (ret)
		mvmig_sess_error(d->rfd, ret, d->err, sizeof(d->err));
	return ret;
}

/*
 * --to FILE: the stream goes to a new file instead of a guest; or, checked
 * all the same, to a pipe or a device such as /dev/null (a dry run of the
 * path to this host).
 */
static int open_sink(struct dst *d, uint64_t memory)
{
	struct stat st;

	memset(&d->chk, 0, sizeof(d->chk));
	d->chk.codec.guest_pages = memory / 4096;
	d->sink_is_file = stat(d->o->to, &st) || S_ISREG(st.st_mode);
	d->rfd = d->sink_is_file ?
		 open(d->o->to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) :
		 open(d->o->to, O_WRONLY | O_CLOEXEC);
	if (d->rfd < 0) {
		snprintf(d->err, sizeof(d->err), "cannot create %s: %s", d->o->to,
			 strerror(errno));
		return -errno;
	}
	/* Writes to a pipe then wait in poll(), where a cancel reaches them. */
	if (!d->sink_is_file)
		fcntl(d->rfd, F_SETFL, fcntl(d->rfd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/*
 * Give up the restore session (uncommitted: the module deletes the guest)
 * or the file sink (a file is removed: no partial snapshot files).
 */
static void discard(struct dst *d)
{
	close(d->rfd);
	d->rfd = -1;
	if (d->o->to && d->sink_is_file)
		unlink(d->o->to);
}

/* A file sink is committed once it is whole and on disk. */
static int commit(struct dst *d)
{
	if (!d->o->to) {
		if (ioctl(d->rfd, MV_SNAP_IOC_COMMIT) < 0) {
			mvmig_sess_error(d->rfd, -errno, d->err, sizeof(d->err));
			return -EIO;
		}
		return 0;
	}
	if (!mv_codec_ended(&d->chk.codec)) {
		snprintf(d->err, sizeof(d->err), "the stream has no END record");
		return -EPROTO;
	}
	if (d->sink_is_file && fsync(d->rfd)) {
		snprintf(d->err, sizeof(d->err), "cannot write %s: %s", d->o->to,
			 strerror(errno));
		return -EIO;
	}
	return 0;
}

static const char *hello_value(const char *hello, size_t len, const char *key,
			       char *buf, size_t blen)
{
	size_t k = strlen(key);
	const char *p = hello, *end = hello + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (!nl)
			nl = end;
		if ((size_t)(nl - p) > k && !memcmp(p, key, k) && p[k] == '=') {
			snprintf(buf, blen, "%.*s", (int)(nl - p - k - 1), p + k + 1);
			return buf;
		}
		p = nl + 1;
	}
	return NULL;
}

/*
 * What of @pol this host's offer lacks: @diff, and the features' names,
 * space-separated, in @lacks. -EIO (said in @err) if the offer is unknown.
 */
static int host_lacks(const struct mv_policy *pol, struct mv_policy *offer,
		      struct mv_policy_diff *diff, char *lacks, size_t len,
		      char *err, size_t errlen)
{
	size_t n = 0;
	unsigned int f;

	lacks[0] = 0;
	if (mvmig_host_offer(offer, err, errlen))
		return -EIO;
	mv_policy_diff(pol, offer, diff);
	for (f = 0; f < MV_F_COUNT && n < len - 1; f++)
		if (mv_diff_has(diff->missing, f))
			n += snprintf(lacks + n, len - n, "%s%s", n ? " " : "",
				      mv_cpuid_features[f].name);
	return 0;
}

/*
 * A guest on its source host's own offer: no pool vouches for it, so it
 * is refused; the reason names what of the offer this host lacks, which
 * is what it would have found missing.
 */
static void refuse_host_offer(struct dst *d, const char *guest,
			      const struct mv_policy *pol)
{
	struct mv_policy offer;
	struct mv_policy_diff diff;
	char lacks[512];
	size_t n;

	if (!host_lacks(pol, &offer, &diff, lacks, sizeof(lacks), NULL, 0) &&
	    diff.xcr0_missing) {
		n = strlen(lacks);
		if (n < sizeof(lacks) - 1)
			snprintf(lacks + n, sizeof(lacks) - n, "%sXCR0 %#llx",
				 n ? " " : "", (unsigned long long)diff.xcr0_missing);
	}
	snprintf(d->err, sizeof(d->err), "guest %s has no baseline (it sees its host's own CPUID), so no other host can take it%s%s; give it one with mvctl guest add ... baseline NAME",
		 guest, lacks[0] ? "; this host lacks " : "", lacks);
}

/*
 * The sender said --unsafe-skip-cpu-check. A baseline this host satisfies
 * is taken as always. Otherwise the guest comes under "unsafe-GUEST": the
 * meet of its baseline and this host's offer, which the BASELINE record
 * (@rec, @h) now names, and its VCPU record will be cut to it on the way
 * in (transfer()). Loud on both ends: its programs keep what they chose
 * by the CPUID they saw, and what this host lacks faults here.
 */
static int take_unsafe(struct dst *d, struct mv_policy *pol, uint8_t *rec,
		       struct mv_rec *h)
{
	struct mv_policy offer, meet;
	struct mv_policy_diff diff;
	char lacks[512];

	if (host_lacks(pol, &offer, &diff, lacks, sizeof(lacks), d->err,
		       sizeof(d->err)))
		return -EIO;
	if (!diff.missing_count && d->baseline[0])
		return 0;
	mv_policy_meet(&meet, pol, &offer);
	/* The record's size is the canonical one: mv_rec_baseline_get() checked it */
	if (h->len != mv_rec_baseline_len()) {
		snprintf(d->err, sizeof(d->err), "the BASELINE record has words this version does not write");
		return -EPROTO;
	}
	snprintf(d->baseline, sizeof(d->baseline), "unsafe-%.24s", d->source);
	mv_rec_baseline_put(rec, &meet, d->baseline);
	h->crc = mv_rec_crc_of(h, rec);
	*pol = meet;
	d->clip = true;
	d->clip_to = meet;
	fprintf(stderr, "mvmig: WARNING: --unsafe-skip-cpu-check: guest %s comes under baseline %s; this host lacks %s%s: its programs fault where they use them\n",
		d->source, d->baseline, lacks[0] ? lacks : "nothing of its features",
		diff.xcr0_missing ? " and XCR0 state" : "");
	return 0;
}

/* HEADER, BASELINE, CONFIG: the baseline and the guest, or why not. */
/*
 * The guest and its restore session in one step (MV_IOC_RESTORE_NEW): if
 * this process dies before the commit, the guest goes with the fd.
 */
static int restore_new(const char *name, uint64_t mem, const char *baseline,
		       char *err, size_t errlen)
{
	struct mv_restore_new rn = { .memory = mem };
	struct mv_sess_error e = { 0 };
	int dev, fd, ret;

	snprintf(rn.name, sizeof(rn.name), "%s", name);
	snprintf(rn.baseline, sizeof(rn.baseline), "%s", baseline);
	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		snprintf(err, errlen, "cannot open /dev/%s: %s", MV_DEVICE_NAME,
			 strerror(errno));
		return -errno;
	}
	fd = ioctl(dev, MV_IOC_RESTORE_NEW, &rn);
	ret = -errno;
	if (fd < 0)
		snprintf(err, errlen, "%s",
			 !ioctl(dev, MV_IOC_ERROR, &e) && e.msg[0] ? e.msg :
			 strerror(-ret));
	close(dev);
	return fd < 0 ? ret : fd;
}

static int prepare(struct dst *d, const char *want_name)
{
	struct mv_rec h[3];
	uint8_t *p;
	struct mv_policy pol, here;
	struct mv_rec_config cfg;
	char hname[MV_GUEST_NAME_MAX], e2[400], flag[4];
	const char *why;
	uint8_t *copy[3] = { 0 };
	int ret, i;

	if (d->peer >= 0) {
		ret = next(d, &h[0], &p, "handshake");
		if (ret)
			return ret;
		if (h[0].type != MV_REC_HELLO) {
			snprintf(d->err, sizeof(d->err), "the peer did not start with HELLO");
			return -EPROTO;
		}
		if (!want_name)
			want_name = hello_value((char *)p, h[0].len, "target",
						hname, sizeof(hname));
		/* Kept in @d: a recv without --once takes one HELLO after another. */
		if (hello_value((char *)p, h[0].len, "host", d->peer_host,
				sizeof(d->peer_host)))
			d->m->peer = d->peer_host;
		d->ack_times = hello_value((char *)p, h[0].len, "ack-times",
					   flag, sizeof(flag)) &&
			       !strcmp(flag, "1");
		d->unsafe = hello_value((char *)p, h[0].len, "unsafe-skip-cpu-check",
					flag, sizeof(flag)) &&
			    !strcmp(flag, "1");
	}
	for (i = 0; i < 3; i++) {
		ret = next(d, &h[i], &p, "stream head");
		if (ret)
			goto out;
		if (h[i].type != (uint32_t)MV_REC_HEADER + i) {
			snprintf(d->err, sizeof(d->err), "expected %s, got %s",
				 mv_wire_type_name(MV_REC_HEADER + i),
				 mv_wire_type_name(h[i].type));
			ret = -EPROTO;
			goto out;
		}
		if (!mv_rec_len_ok(&h[i])) {
			snprintf(d->err, sizeof(d->err), "the %s record's length %u is wrong for its type",
				 mv_wire_type_name(h[i].type), h[i].len);
			ret = -EPROTO;
			goto out;
		}
		copy[i] = malloc(h[i].len ? h[i].len : 1);
		if (!copy[i]) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(copy[i], p, h[i].len);
	}
	ret = -EINVAL;
	if (mv_rec_crc_of(&h[1], copy[1]) != h[1].crc ||
	    mv_rec_crc_of(&h[2], copy[2]) != h[2].crc) {
		snprintf(d->err, sizeof(d->err), "the stream head is corrupted (CRC)");
		goto out;
	}
	if (mv_rec_baseline_get(copy[1], h[1].len, &pol, d->baseline, &why)) {
		snprintf(d->err, sizeof(d->err), "%s", why);
		goto out;
	}
	/* The RAM size sizes the guest or the sink's checks: bounded first. */
	if (mv_rec_config_get(copy[2], h[2].len, &cfg, &why)) {
		snprintf(d->err, sizeof(d->err), "%s", why);
		goto out;
	}
	snprintf(d->name, sizeof(d->name), "%s", want_name ? want_name : cfg.name);
	snprintf(d->source, sizeof(d->source), "%s", cfg.name);
	d->m->guest = d->source;
	d->m->guest_bytes = cfg.memory;
	if (d->o->to) {
		ret = open_sink(d, cfg.memory);
		goto head;
	}
	d->clip = false;
	if (d->unsafe) {
		ret = take_unsafe(d, &pol, copy[1], &h[1]);
		if (ret)
			goto out;
	}
	if (!d->baseline[0]) {
		refuse_host_offer(d, cfg.name, &pol);
		goto out;
	}
	/* The same baseline here, or a new one from the stream. */
	ret = mvmig_baseline_get(d->baseline, &here, e2, sizeof(e2));
	if (ret == 1 && mv_policy_hash(&here) != mv_policy_hash(&pol)) {
		snprintf(d->err, sizeof(d->err), "baseline %s on this host differs from the guest's (hash %016llx here, %016llx in the stream)",
			 d->baseline, (unsigned long long)mv_policy_hash(&here),
			 (unsigned long long)mv_policy_hash(&pol));
		ret = -EEXIST;
		goto out;
	}
	if (ret == 0) {
		ret = mvmig_baseline_new(d->baseline, &pol, e2, sizeof(e2));
		if (ret) {
			snprintf(d->err, sizeof(d->err), "cannot create baseline %s: %s",
				 d->baseline, e2);
			goto out;
		}
		d->made_baseline = true;
	} else if (ret < 0) {
		snprintf(d->err, sizeof(d->err), "cannot read baseline %s: %s",
			 d->baseline, e2);
		goto out;
	}
	d->rfd = restore_new(d->name, cfg.memory, d->baseline, e2, sizeof(e2));
	if (d->rfd < 0) {
		ret = d->rfd;
		snprintf(d->err, sizeof(d->err), "cannot create guest %s: %s",
			 d->name, e2);
		goto out;
	}
	mvmig_test_fault("after-create");
	d->made_baseline = false;	/* a guest uses it now */
	ret = 0;
head:
	for (i = 0; i < 3 && !ret; i++)
		ret = to_session(d, &h[i], copy[i]);
out:
	for (i = 0; i < 3; i++)
		free(copy[i]);
	if (ret && d->made_baseline)
		mvmig_baseline_del(d->baseline);
	/* A head the session refused: the guest goes with it, as a sink file does. */
	if (ret && d->rfd >= 0)
		discard(d);
	return ret;
}

/* The VCPU record of an unsafe move, cut to what this host can hold */
static int to_session_clipped(struct dst *d, const struct mv_rec *h,
			      const uint8_t *p)
{
	struct mv_rec nh = *h;
	uint64_t lost_xcr0, lost_cr4;
	const char *why;
	uint8_t *np;
	size_t nlen;
	int ret;

	if (mv_rec_crc_of(h, p) != h->crc) {
		snprintf(d->err, sizeof(d->err), "record %u (VCPU) is corrupted (CRC)", h->seq);
		return -EBADMSG;
	}
	ret = mv_vcpu_clip(&d->clip_to, p, h->len, &np, &nlen, &lost_xcr0,
			   &lost_cr4, &why);
	if (ret) {
		snprintf(d->err, sizeof(d->err), "record %u (VCPU): %s", h->seq, why);
		return ret;
	}
	nh.len = nlen;
	nh.crc = mv_rec_crc_of(&nh, np);
	if (lost_xcr0 || lost_cr4)
		fprintf(stderr, "mvmig: WARNING: guest %s loses XCR0 state %#llx and CR4 bits %#llx here\n",
			d->source, (unsigned long long)lost_xcr0,
			(unsigned long long)lost_cr4);
	ret = to_session(d, &nh, np);
	free(np);
	return ret;
}

/* Records up to END into the session; rounds and progress on the way. */
static int transfer(struct dst *d)
{
	struct mvmig_round *r = &d->m->rounds[0];
	struct mv_rec h;
	uint8_t *p;
	int ret;

	memset(r, 0, sizeof(*r));
	for (;;) {
		if (mvmig_cancel) {
			snprintf(d->err, sizeof(d->err), "cancelled");
			return -ECANCELED;
		}
		ret = next(d, &h, &p, "transfer");
		if (ret)
			return ret;
		if (h.type == MV_REC_END)
			d->t_end_read = mvmig_now_usec();
		d->m->bytes += sizeof(h) + h.len;
		if (h.type == MV_REC_ABORT) {
			snprintf(d->err, sizeof(d->err), "the sender gave up: %.*s",
				 (int)h.len, (char *)p);
			return -ECANCELED;
		}
		if (h.type == MV_REC_ROUND && h.len == sizeof(struct mv_rec_round)) {
			struct mv_rec_round rr;

			memcpy(&rr, p, sizeof(rr));
			if (d->m->nrounds < MVMIG_MAX_ROUNDS + 1)
				r = &d->m->rounds[d->m->nrounds++];
			memset(r, 0, sizeof(*r));
			r->round = rr.round;
			r->final = rr.flags & MV_ROUND_FINAL;
			continue;
		}
		if (h.type >= MV_REC_HELLO) {
			snprintf(d->err, sizeof(d->err), "unexpected %s record",
				 mv_wire_type_name(h.type));
			return -EPROTO;
		}
		if (d->clip && h.type == MV_REC_VCPU)
			ret = to_session_clipped(d, &h, p);
		else
			ret = to_session(d, &h, p);
		if (ret)
			return ret;
		r->bytes += sizeof(h) + h.len;
		if (h.type == MV_REC_PAGES) {
			struct mv_rec_stats st = { 0 };

			mv_rec_account_one(&h, p, &st);
			r->pages += st.pages;
			r->zero_pages += st.zero_pages;
			d->m->pages += st.pages;
			d->m->zero_pages += st.zero_pages;
			mvmig_progress(d->m, r, r->pages);
		}
		if (h.type == MV_REC_END)
			return 0;
	}
}

static int receive_one(struct dst *d, const char *want_name)
{
	uint64_t t0 = mvmig_now_usec(), t_final = 0, t_checked, t_started;
	char me[128], e2[400], times[160];
	int ret;

	d->rfd = -1;
	d->m->nrounds = 0;
	d->t_end_read = 0;
	ret = prepare(d, want_name);
	/* A probe that connects and closes (a relay, a port check) is no migration. */
	if (ret && d->peer >= 0 && !d->rd.bytes)
		return -1;
	if (ret) {
		d->m->outcome = "refused";
		answer(d, MV_REC_REFUSE, d->err);
		goto out;
	}
	mvmig_host_name(me, sizeof(me));
	answer(d, MV_REC_ACCEPT, me);
	ret = transfer(d);
	t_checked = mvmig_now_usec();
	if (!ret)
		ret = commit(d);
	if (ret) {
		d->m->outcome = "failed";
		answer(d, MV_REC_ABORT, d->err);
		discard(d);
		goto out;
	}
	t_final = mvmig_now_usec();
	close(d->rfd);
	if (d->o->to) {
		answer(d, MV_REC_ACK, NULL);
		d->m->outcome = "saved";
		goto out;
	}
	/*
	 * Committed: the guest must run here even if the ACK is lost, and
	 * the source stays paused until it comes. So it starts before the
	 * ACK, which then says what the checks, the commit and the start
	 * took: the sender's downtime in parts (mvmig.h).
	 */
	ret = mvmig_guest_cmd(MV_CMD_GUEST_START, d->name, e2, sizeof(e2));
	t_started = mvmig_now_usec();
	if (d->ack_times) {
		snprintf(times, sizeof(times), MVMIG_ACK_TIMES,
			 (unsigned long long)(t_checked - d->t_end_read),
			 (unsigned long long)(t_final - t_checked),
			 (unsigned long long)(t_started - t_final));
		answer(d, MV_REC_ACK, times);
	} else {
		answer(d, MV_REC_ACK, NULL);
	}
	if (ret) {
		snprintf(d->err, sizeof(d->err), "restored guest %s did not start: %s",
			 d->name, e2);
		d->m->outcome = "failed";
		goto out;
	}
	d->m->outcome = d->peer >= 0 ? "migrated" : "restored";
	d->m->downtime_usec = t_started - (d->t_end_read ? d->t_end_read : t_checked);
out:
	d->m->target = d->name;
	d->m->reason = ret ? d->err : NULL;
	d->m->total_usec = mvmig_now_usec() - t0;
	if (d->m->progress)
		fputc('\n', stderr);
	mvmig_report(d->m, d->o->json);
	if (ret)
		fprintf(stderr, "Error: %s\n", d->err);
	return ret ? 1 : 0;
}

int mvmig_listen(const char *addr, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE },
			*ai;
	char host[256], port[16];
	int fd, one = 1, ret;

	if (mvmig_hostport(addr, true, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "\"%s\" is not ADDR:PORT", addr);
		return -EINVAL;
	}
	ret = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (ret) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(ret));
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 4)) {
			snprintf(err, errlen, "cannot listen on %s: %s", addr,
				 strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

int mvmig_recv(const struct mvmig_opts *o, const char *file)
{
	struct mvmig_metrics m = { .mode = file ? "restore" : "recv",
				   .tracking = "none" };
	struct dst d = { .o = o, .m = &m, .peer = -1 };
	int lfd, ret = 0;

	m.progress = !o->quiet && !o->json && (o->progress || isatty(2));
	if (file) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "Error: cannot open %s: %s\n", file, strerror(errno));
			return 1;
		}
		mv_reader_init(&d.rd, fd);
		m.peer = file;
		ret = receive_one(&d, o->target);
		close(fd);
		mv_reader_free(&d.rd);
		return ret;
	}
	lfd = mvmig_listen(o->listen, d.err, sizeof(d.err));
	if (lfd < 0) {
		fprintf(stderr, "Error: %s\n", d.err);
		return 1;
	}
	if (!o->quiet && !o->json)
		fprintf(stderr, "mvmig: listening on %s\n", o->listen);
	while (!mvmig_cancel) {
		/* Not accept() alone: a cancel must end the wait for a sender. */
		if (mv_io_wait(lfd, POLLIN, 0))
			break;
		d.peer = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (d.peer < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "Error: accept: %s\n", strerror(errno));
			ret = 1;
			break;
		}
		mv_reader_init(&d.rd, d.peer);
		d.rd.timeout_ms = o->timeout_s * 1000;
		ret = receive_one(&d, o->target);
		mv_reader_free(&d.rd);
		close(d.peer);
		if (ret < 0) {
			ret = 0;
			continue;
		}
		if (o->once)
			break;
	}
	close(lfd);
	return ret;
}
