// SPDX-License-Identifier: GPL-2.0
/*
 * mvmig against a peer that stops: natively, over loopback. Every wait
 * for the peer ends at --timeout with an error that names it, and
 * SIGTERM ends mvmig within a second wherever it waits, with the exit
 * code mvmig(8) gives for that point: 1 before the whole stream was
 * sent (nothing to undo for a --from file), 3 while it waits for the
 * acknowledgement of a whole stream.
 *
 * The stalled receiver here accepts, takes what its mode says and then
 * reads no more, with a small receive buffer so that the sender's writes
 * block soon; the stalled sender says HELLO and HEADER and then nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../lib/stream.h"
#include "../../selftests/lib/mv_util.h"
#include "tool_util.h"

#define TIMEOUT_S	2

enum stall {
	SILENT,		/* never reads, never answers */
	EARLY,		/* answers ACCEPT, then reads nothing more */
	LATE,		/* answers, reads 24 MB of the 33, then stops */
	NO_ACK,		/* reads up to END, never acknowledges */
};

/* What a test has running and where: a fixture's, handed to the helpers. */
struct run {
	char dir[64];
	char img[128];
	char log[128];
	int lfd, port, ready[2];
	pid_t peer, tool;
};

FIXTURE(st) {
	struct run r;
};

FIXTURE_SETUP(st)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct run *r = &self->r;
	int small = 4096;

	find_top();
	r->peer = r->tool = -1;
	snprintf(r->dir, sizeof(r->dir), "/tmp/mv-stall-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(r->dir));
	snprintf(r->img, sizeof(r->img), "%s/g.mvsnap", r->dir);
	snprintf(r->log, sizeof(r->log), "%s/tool.log", r->dir);
	/* 64 MiB, half of it zero pages: far more than the socket buffers. */
	ASSERT_EQ(0, mv_reap(mv_spawn("/dev/null", "%s/bench/stream/mkimage %s 64 50",
				      top, r->img), 120));
	/* Accepted sockets inherit the small buffer; it must be set first. */
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, r->lfd);
	ASSERT_EQ(0, setsockopt(r->lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, bind(r->lfd, (void *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(r->lfd, 4));
	ASSERT_EQ(0, getsockname(r->lfd, (void *)&a, &len));
	r->port = ntohs(a.sin_port);
	ASSERT_EQ(0, pipe2(r->ready, O_CLOEXEC));
}

FIXTURE_TEARDOWN(st)
{
	struct run *r = &self->r;

	if (r->tool > 0)
		mv_reap(r->tool, 0);
	if (r->peer > 0) {
		kill(r->peer, SIGKILL);
		waitpid(r->peer, NULL, 0);
	}
	close(r->lfd);
	mv_reap(mv_spawn("/dev/null", "rm -rf %s", r->dir), 30);
}

/* The receiving end, in a child: stalls as @mode says, then tells @ready. */
static void stalled_receiver(int lfd, enum stall mode, int ready)
{
	struct mv_reader r;
	struct mv_rec h;
	uint8_t *p;
	int fd, i;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || mv_reader_init(&r, fd))
		_exit(1);
	if (mode != SILENT) {
		/* HELLO, HEADER, BASELINE, CONFIG */
		for (i = 0; i < 4; i++)
			if (mv_reader_next(&r, &h, &p) != 1)
				_exit(1);
		if (mv_rec_send(fd, MV_REC_ACCEPT, "stall", 5, 0))
			_exit(1);
	}
	while (mode == LATE && r.bytes < (24 << 20))
		if (mv_reader_next(&r, &h, &p) != 1)
			_exit(1);
	while (mode == NO_ACK && h.type != MV_REC_END)
		if (mv_reader_next(&r, &h, &p) != 1)
			_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* mvmig @cmd started, it waits once the peer has stalled: poll on @ready. */
static int await_stall(int ready)
{
	struct pollfd p = { .fd = ready, .events = POLLIN };
	char c;

	if (poll(&p, 1, 60000) != 1 || read(ready, &c, 1) != 1)
		return -1;
	return 0;
}

/*
 * send --from into a receiver that stalls as @mode says. With @sigterm,
 * SIGTERM a second after the stall; @secs: from the stall (or the signal)
 * to the end. The exit code, or -1 if mvmig did not end in time.
 */
static int send_into(struct run *r, enum stall mode, bool sigterm,
		     double *secs)
{
	double t;
	int rc;

	r->peer = fork();
	if (!r->peer)
		stalled_receiver(r->lfd, mode, r->ready[1]);
	r->tool = mv_spawn(r->log, "exec %s/userspace/mvmig/mvmig send --from %s 127.0.0.1:%d --timeout %d -q",
			      top, r->img, r->port,
			      sigterm ? 60 : TIMEOUT_S);
	if (await_stall(r->ready[0]))
		return -2;
	t = mv_now();
	if (sigterm) {
		/* Time to fill the socket buffers and block in write() or read(). */
		usleep(1000000);
		t = mv_now();
		kill(r->tool, SIGTERM);
		rc = mv_reap(r->tool, 5);
	} else {
		rc = mv_reap(r->tool, TIMEOUT_S + 30);
	}
	*secs = mv_now() - t;
	r->tool = -1;
	return rc;
}

static const char *tool_log(struct run *r)
{
	static char buf[8192];

	mv_slurp(r->log, buf, sizeof(buf));
	return buf;
}

#define EXPECT_TIMED_OUT(rc, want_rc, secs, log)			\
	do {								\
		EXPECT_EQ(want_rc, rc) TH_LOG("%s", log);		\
		EXPECT_GE(TIMEOUT_S + 2.0, secs) TH_LOG("took %.1f s", secs); \
		EXPECT_NE(NULL, strstr(log, "Error: ")) TH_LOG("%s", log); \
		EXPECT_NE(NULL, strstr(log, "(--timeout)")) TH_LOG("%s", log); \
	} while (0)

#define EXPECT_CANCELLED(rc, want_rc, secs, log)			\
	do {								\
		EXPECT_EQ(want_rc, rc) TH_LOG("%s", log);		\
		EXPECT_GE(1.0, secs) TH_LOG("took %.2f s", secs);	\
		EXPECT_NE(NULL, strstr(log, "Error: cancelled")) TH_LOG("%s", log); \
	} while (0)

TEST_F(st, send_times_out_without_an_answer)
{
	double secs;
	int rc = send_into(&self->r, SILENT, false, &secs);

	EXPECT_TIMED_OUT(rc, 1, secs, tool_log(&self->r));
	EXPECT_NE(NULL, strstr(tool_log(&self->r), "no answer from the receiver"));
}

TEST_F(st, send_times_out_when_the_receiver_stops_early)
{
	double secs;
	int rc = send_into(&self->r, EARLY, false, &secs);

	EXPECT_TIMED_OUT(rc, 1, secs, tool_log(&self->r));
	EXPECT_NE(NULL, strstr(tool_log(&self->r), "took no data"));
}

TEST_F(st, send_times_out_when_the_receiver_stops_late)
{
	double secs;
	int rc = send_into(&self->r, LATE, false, &secs);

	EXPECT_TIMED_OUT(rc, 1, secs, tool_log(&self->r));
	EXPECT_NE(NULL, strstr(tool_log(&self->r), "took no data"));
}

/* The whole stream went: the destination may have it (exit 3). */
TEST_F(st, send_times_out_waiting_for_the_ack)
{
	double secs;
	int rc = send_into(&self->r, NO_ACK, false, &secs);

	EXPECT_TIMED_OUT(rc, 3, secs, tool_log(&self->r));
	EXPECT_NE(NULL, strstr(tool_log(&self->r), "no acknowledgement"));
}

TEST_F(st, sigterm_ends_send_waiting_for_an_answer)
{
	double secs;
	int rc = send_into(&self->r, SILENT, true, &secs);

	EXPECT_CANCELLED(rc, 1, secs, tool_log(&self->r));
}

TEST_F(st, sigterm_ends_send_blocked_early)
{
	double secs;
	int rc = send_into(&self->r, EARLY, true, &secs);

	EXPECT_CANCELLED(rc, 1, secs, tool_log(&self->r));
}

TEST_F(st, sigterm_ends_send_blocked_late)
{
	double secs;
	int rc = send_into(&self->r, LATE, true, &secs);

	EXPECT_CANCELLED(rc, 1, secs, tool_log(&self->r));
}

TEST_F(st, sigterm_ends_send_waiting_for_the_ack)
{
	double secs;
	int rc = send_into(&self->r, NO_ACK, true, &secs);

	EXPECT_EQ(3, rc) TH_LOG("%s", tool_log(&self->r));
	EXPECT_GE(1.0, secs) TH_LOG("took %.2f s", secs);
	EXPECT_NE(NULL, strstr(tool_log(&self->r), "cancelled while waiting"));
}

/*
 * recv --to, fed by a sender that says HELLO and HEADER and then nothing;
 * @sigterm as for send_into(). The exit code, or -1.
 */
static int recv_from_stalled(struct run *r, bool sigterm, double *secs)
{
	struct mv_rec_header hd = { .magic = MV_REC_MAGIC,
				    .version = MV_REC_VERSION, .page_size = 4096 };
	uint8_t rec[sizeof(struct mv_rec) + sizeof(hd)];
	struct mv_rec *h = (void *)rec;
	int port = free_port(), fd = -1, i;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	double t;
	int rc;

	r->tool = mv_spawn(r->log, "exec %s/userspace/mvmig/mvmig recv --listen 127.0.0.1:%d --to %s/out.mvsnap --timeout %d -q",
			      top, port, r->dir, sigterm ? 60 : TIMEOUT_S);
	for (i = 0; i < 100; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (!connect(fd, (void *)&a, sizeof(a)))
			break;
		close(fd);
		fd = -1;
		usleep(50000);
	}
	if (fd < 0)
		return -2;
	memset(rec, 0, sizeof(rec));
	h->type = MV_REC_HEADER;
	h->len = sizeof(hd);
	memcpy(h + 1, &hd, sizeof(hd));
	h->crc = mv_rec_crc_of(h, h + 1);
	if (mv_rec_send(fd, MV_REC_HELLO, "host=stalled\n", 13, 0) ||
	    mv_write_all(fd, rec, sizeof(rec)))
		return -2;
	t = mv_now();
	if (sigterm) {
		usleep(1000000);
		t = mv_now();
		kill(r->tool, SIGTERM);
		rc = mv_reap(r->tool, 5);
	} else {
		rc = mv_reap(r->tool, TIMEOUT_S + 30);
	}
	*secs = mv_now() - t;
	r->tool = -1;
	close(fd);
	return rc;
}

TEST_F(st, recv_times_out_when_the_sender_stops)
{
	char out[PATH_MAX];
	double secs;
	int rc = recv_from_stalled(&self->r, false, &secs);

	EXPECT_TIMED_OUT(rc, 1, secs, tool_log(&self->r));
	snprintf(out, sizeof(out), "%s/out.mvsnap", self->r.dir);
	EXPECT_NE(0, access(out, F_OK));
}

TEST_F(st, sigterm_ends_recv_waiting_for_the_sender)
{
	double secs;
	int rc = recv_from_stalled(&self->r, true, &secs);

	EXPECT_CANCELLED(rc, 1, secs, tool_log(&self->r));
}

/* A receiver that waits for its next sender stops too, and cleanly. */
TEST_F(st, sigterm_ends_recv_listening)
{
	double t;
	int rc;

	self->r.tool = mv_spawn(self->r.log, "exec %s/userspace/mvmig/mvmig recv --listen 127.0.0.1:%d -q",
			      top, free_port());
	usleep(500000);
	t = mv_now();
	kill(self->r.tool, SIGTERM);
	rc = mv_reap(self->r.tool, 5);
	self->r.tool = -1;
	EXPECT_EQ(0, rc) TH_LOG("%s", tool_log(&self->r));
	EXPECT_GE(1.0, mv_now() - t);
}

TEST_HARNESS_MAIN
