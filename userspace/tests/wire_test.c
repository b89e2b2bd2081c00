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
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../../selftests/lib/mv_util.h"

static char top[PATH_MAX];

/* The repository, from where this binary lives (userspace/tests/). */
static void find_top(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	snprintf(top, sizeof(top), "%s/../..", dirname(exe));
}

/*
 * A port nobody holds now. (mv_free_port() counts up from 4900, which
 * suits an emulated host with nothing else on it, not this machine.)
 */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && !bind(fd, (void *)&a, sizeof(a)) &&
	    !getsockname(fd, (void *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

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

TEST_HARNESS_MAIN
