// SPDX-License-Identifier: GPL-2.0
/*
 * mvmig's two ends over loopback TCP, natively: a saved snapshot
 * (bench/stream/mkimage) sent with "send --from" to "recv --to", which
 * checks every record. A clean stream arrives whole; a corrupted one is
 * refused by the receiver, and the sender reports the receiver's reason,
 * not the connection reset that the rest of its stream drew.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../../selftests/lib/mv_util.h"
#include "tool_util.h"

FIXTURE(w) {
	char dir[64];
	char img[128];
	int port;
};

FIXTURE_SETUP(w)
{
	find_top();
	snprintf(self->dir, sizeof(self->dir), "/tmp/mv-wire-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->img, sizeof(self->img), "%s/g.mvsnap", self->dir);
	/* 64 MiB, half of it zero pages: larger than the socket buffers. */
	ASSERT_EQ(0, mv_reap(mv_spawn("/dev/null", "%s/bench/stream/mkimage %s 64 50",
				      top, self->img), 120));
	self->port = free_port();
	ASSERT_LT(0, self->port);
}

FIXTURE_TEARDOWN(w)
{
	mv_reap(mv_spawn("/dev/null", "rm -rf %s", self->dir), 30);
}

/* recv --to OUT in the background, then send --from; both exit codes. */
static void transfer(const char *dir, const char *img, int port,
		     const char *out, int *send_rc, int *recv_rc)
{
	char log[PATH_MAX];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/recv.log", dir);
	pid = mv_spawn(log, "%s/userspace/mvmig/mvmig recv --listen 127.0.0.1:%d --to %s -j",
		       top, port, out);
	usleep(300000);	/* until it listens */
	snprintf(log, sizeof(log), "%s/send.log", dir);
	*send_rc = mv_reap(mv_spawn(log, "%s/userspace/mvmig/mvmig send --from %s 127.0.0.1:%d -j",
				    top, img, port), 120);
	*recv_rc = mv_reap(pid, 30);
}

TEST_F(w, clean_stream_arrives_whole)
{
	char out[PATH_MAX], path[PATH_MAX], buf[8192];
	int s, r;

	snprintf(out, sizeof(out), "%s/copy.mvsnap", self->dir);
	transfer(self->dir, self->img, self->port, out, &s, &r);
	EXPECT_EQ(0, s);
	EXPECT_EQ(0, r);
	snprintf(path, sizeof(path), "%s/recv.log", self->dir);
	mv_slurp(path, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "\"outcome\":\"saved\"")) TH_LOG("%s", buf);
	/* The copy is the image, byte for byte. */
	EXPECT_EQ(0, mv_reap(mv_spawn("/dev/null", "cmp %s %s", self->img, out), 30));
}

TEST_F(w, corrupt_stream_reason_reaches_sender)
{
	char path[PATH_MAX], buf[8192];
	int fd, s, r;
	uint8_t b;

	/* A data byte 2 MiB in: the receiver sees it after the sender's buffers filled. */
	fd = open(self->img, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, pread(fd, &b, 1, 2 << 20));
	b ^= 1;
	ASSERT_EQ(1, pwrite(fd, &b, 1, 2 << 20));
	close(fd);
	snprintf(path, sizeof(path), "%s/copy.mvsnap", self->dir);
	transfer(self->dir, self->img, self->port, path, &s, &r);
	EXPECT_NE(0, r);
	EXPECT_EQ(1, s);
	/* A refused stream leaves no file behind. */
	EXPECT_NE(0, access(path, F_OK));
	snprintf(path, sizeof(path), "%s/send.log", self->dir);
	mv_slurp(path, buf, sizeof(buf));
	TH_LOG("sender: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "the destination failed: record "));
	EXPECT_NE(NULL, strstr(buf, "CRC"));
	EXPECT_EQ(NULL, strstr(buf, "reset"));
}

/* The CONFIG record of a snapshot file, with its RAM size set to @memory. */
static void set_memory(const char *img, uint64_t memory)
{
	struct mv_rec h;
	off_t off = 0;
	int fd = open(img, O_RDWR), i;

	for (i = 0; fd >= 0 && i < 3; i++) {
		if (pread(fd, &h, sizeof(h), off) != sizeof(h))
			break;
		if (h.type == MV_REC_CONFIG &&
		    pwrite(fd, &memory, 8, off + sizeof(h) +
			   offsetof(struct mv_rec_config, memory)) != 8)
			break;
		off += sizeof(h) + h.len;
	}
	close(fd);
}

/*
 * A snapshot file whose CONFIG claims 'AAAAAAAA' bytes of RAM: the page
 * maps were sized from it (calloc of 143 TB), and the failure said only
 * "Error: ". Now it is refused, with the reason, before anything is sized
 * or connected.
 */
TEST_F(w, send_from_refuses_absurd_ram)
{
	char path[PATH_MAX], buf[8192];
	pid_t recv;
	int rc;

	set_memory(self->img, 0x4141414141414141ull);
	snprintf(path, sizeof(path), "%s/recv.log", self->dir);
	recv = mv_spawn(path, "exec %s/userspace/mvmig/mvmig recv --listen 127.0.0.1:%d --to /dev/null --timeout 5 -q",
			top, self->port);
	usleep(300000);
	snprintf(path, sizeof(path), "%s/send.log", self->dir);
	rc = mv_reap(mv_spawn(path, "exec %s/userspace/tests/mvmig-asan send --from %s 127.0.0.1:%d -q",
			      top, self->img, self->port), 60);
	mv_reap(recv, 0);
	mv_slurp(path, buf, sizeof(buf));
	EXPECT_EQ(1, rc) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "Error: ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "guest RAM")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "Sanitizer")) TH_LOG("%s", buf);
}

/*
 * A receiver keeps the sender's host name from HELLO for its report: it
 * was strdup()ed per connection and never freed, a leak in a long-running
 * recv. LeakSanitizer fails the exit of a receiver that leaked it.
 */
TEST_F(w, recv_keeps_no_copy_of_each_hello)
{
	char log[PATH_MAX], out[PATH_MAX], buf[8192];
	int s, r;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/recv.log", self->dir);
	snprintf(out, sizeof(out), "%s/copy.mvsnap", self->dir);
	pid = mv_spawn(log, "exec %s/userspace/tests/mvmig-asan recv --listen 127.0.0.1:%d --to %s -q",
		       top, self->port, out);
	usleep(500000);
	snprintf(buf, sizeof(buf), "%s/send.log", self->dir);
	s = mv_reap(mv_spawn(buf, "exec %s/userspace/mvmig/mvmig send --from %s 127.0.0.1:%d --wait 10 -q",
			     top, self->img, self->port), 120);
	r = mv_reap(pid, 60);
	mv_slurp(log, buf, sizeof(buf));
	EXPECT_EQ(0, s);
	EXPECT_EQ(0, r) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "LeakSanitizer")) TH_LOG("%s", buf);
}

TEST_HARNESS_MAIN
