// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP byte stream between two test hosts: the sender streams a seeded
 * pseudo-random sequence, the receiver checks every byte and acks with a
 * hash, so a stream that merely "connected" cannot pass.
 *
 *   MV_XFER_ROLE=recv MV_XFER_PORT=5555          net_xfer_test
 *   MV_XFER_ROLE=send MV_XFER_PEER=10.0.2.2:5555 net_xfer_test
 *   MV_XFER_ROLE=send MV_XFER_PORT=5555          net_xfer_test (waits for
 *	a connection, e.g. from rig/tcp-relay, instead of making one)
 *   (no role: both ends in this process, over loopback)
 *
 * The sender retries until MV_XFER_DEADLINE seconds have passed, because
 * the peer host may still be booting: with slirp, a connection is
 * accepted on the development machine before the peer listens, so only
 * the ack proves delivery.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"

#define HDR_MAGIC 0x3158564dU	/* "MVX1" */
#define ACK_MAGIC 0x4158564dU	/* "MVXA" */

struct hdr {
	uint32_t magic;
	uint32_t seed;
	uint64_t len;
};

/* A network check between test hosts: the module plays no part. */
bool mv_no_module_needed = true;

struct ack {
	uint32_t magic;
	uint32_t ok;
	uint64_t received;
	uint64_t hash;
};

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v ? strtoull(v, NULL, 0) : def;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The stream: xorshift64* keyed by the seed, and an FNV-1a hash over it. */
static void fill(uint64_t *state, unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		*state ^= *state >> 12;
		*state ^= *state << 25;
		*state ^= *state >> 27;
		buf[i] = (*state * 0x2545F4914F6CDD1DULL) >> 56;
	}
}

/* Milliseconds to wait in one poll(): capped, so no int overflow. */
static int wait_ms(double deadline)
{
	double left = deadline - now();

	if (left <= 0)
		return 0;
	return left > 60 ? 60000 : (int)(left * 1000) + 1;
}

static int io_full(int fd, void *buf, size_t n, bool wr, double deadline)
{
	size_t done = 0;

	while (done < n) {
		struct pollfd p = { .fd = fd, .events = wr ? POLLOUT : POLLIN };
		int ms = wait_ms(deadline);
		ssize_t r;

		if (!ms)
			return -ETIMEDOUT;
		if (poll(&p, 1, ms) <= 0)
			continue;
		r = wr ? send(fd, (char *)buf + done, n - done, MSG_NOSIGNAL)
		       : recv(fd, (char *)buf + done, n - done, 0);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		done += r;
	}
	return 0;
}

/*
 * connect() that gives up at @deadline instead of blocking for good. The
 * per-attempt limit is long because slirp answers in wall time while an
 * idle emulated host's clock races ahead.
 */
static int connect_timeout(int fd, const struct sockaddr_in *to,
			   double deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int flags = fcntl(fd, F_GETFL), err = 0;
	socklen_t len = sizeof(err);
	double end = now() + 300;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) &&
	    errno != EINPROGRESS)
		return -errno;
	if (end > deadline)
		end = deadline;
	while (poll(&p, 1, wait_ms(end)) == 0)
		if (!wait_ms(end))
			return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return err ? -err : -errno;
	return 0;
}

/* Stream on a connected socket; 0 when the receiver acked it exactly. */
static int send_stream(int fd, uint32_t seed, uint64_t len, double deadline)
{
	static unsigned char buf[65536];
	uint64_t state = seed | 1ULL << 40, hash = MV_FNV1A_INIT;
	struct hdr h = { HDR_MAGIC, seed, len };
	struct ack a;
	uint64_t left = len;
	int ret;

	ret = io_full(fd, &h, sizeof(h), true, deadline);
	while (!ret && left) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);

		fill(&state, buf, n);
		hash = mv_fnv1a(hash, buf, n);
		ret = io_full(fd, buf, n, true, deadline);
		left -= n;
	}
	if (!ret)
		ret = io_full(fd, &a, sizeof(a), false, deadline);
	if (!ret && (a.magic != ACK_MAGIC || !a.ok || a.received != len ||
		     a.hash != hash))
		ret = -EBADMSG;
	if (!ret)
		fprintf(stderr, "# sent %llu bytes, fnv1a %016llx, acked\n",
		       (unsigned long long)len, (unsigned long long)hash);
	return ret;
}

/* One attempt. 0 when the receiver acked the exact stream. */
static int send_once(const struct sockaddr_in *to, uint32_t seed,
		     uint64_t len, double deadline)
{
	int fd, ret;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect_timeout(fd, to, deadline);
	if (!ret)
		ret = send_stream(fd, seed, len, deadline);
	close(fd);
	return ret;
}

static int do_send(const char *peer, uint32_t seed, uint64_t len,
		   double deadline)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(peer, ':');
	int ret, tries = 0;

	if (!colon || colon - peer >= (long)sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - peer), peer);
	to.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1)
		return -EINVAL;
	do {
		tries++;
		ret = send_once(&to, seed, len, deadline);
		if (!ret)
			break;
		if (tries <= 3 || tries % 30 == 0)
			fprintf(stderr, "# attempt %d: %s\n", tries, strerror(-ret));
		sleep(1);
	} while (now() < deadline);
	fprintf(stderr, "# %d attempt(s), last result %d\n", tries, ret);
	return ret;
}

static int listen_on(uint16_t port);

/* Sender that waits to be connected to; retries until one stream is acked. */
static int send_accepted(int lfd, uint32_t seed, uint64_t len, double deadline)
{
	int tries = 0, ret = -ETIMEDOUT;

	while (now() < deadline) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, wait_ms(deadline)) <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		tries++;
		ret = send_stream(fd, seed, len, deadline);
		close(fd);
		if (!ret)
			break;
		if (tries <= 3 || tries % 30 == 0)
			fprintf(stderr, "# attempt %d: %s\n", tries, strerror(-ret));
	}
	fprintf(stderr, "# %d attempt(s), last result %d\n", tries, ret);
	return ret;
}

static int listen_on(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Accept until one complete, verified stream has arrived. */
static int do_recv(int lfd, double deadline)
{
	static unsigned char buf[65536], want[65536];

	while (now() < deadline) {
		uint64_t state, hash = MV_FNV1A_INIT, got = 0;
		struct ack a = { ACK_MAGIC, 1, 0, 0 };
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		struct hdr h;
		int fd, ret;

		if (poll(&p, 1, wait_ms(deadline)) <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		ret = io_full(fd, &h, sizeof(h), false, deadline);
		if (ret || h.magic != HDR_MAGIC) {
			close(fd);
			continue;
		}
		state = h.seed | 1ULL << 40;
		while (!ret && got < h.len) {
			size_t n = h.len - got < sizeof(buf) ? h.len - got : sizeof(buf);

			ret = io_full(fd, buf, n, false, deadline);
			if (ret)
				break;
			fill(&state, want, n);
			if (memcmp(buf, want, n))
				a.ok = 0;
			hash = mv_fnv1a(hash, buf, n);
			got += n;
		}
		if (ret) {
			/* Peer went away mid-stream: wait for its retry. */
			close(fd);
			continue;
		}
		a.received = got;
		a.hash = hash;
		ret = io_full(fd, &a, sizeof(a), true, deadline);
		close(fd);
		fprintf(stderr, "# received %llu bytes, fnv1a %016llx, %s\n",
		       (unsigned long long)got, (unsigned long long)hash,
		       a.ok ? "every byte verified" : "CONTENT MISMATCH");
		return a.ok && !ret ? 0 : -EBADMSG;
	}
	return -ETIMEDOUT;
}

FIXTURE(xfer) {};
FIXTURE_SETUP(xfer) {}
FIXTURE_TEARDOWN(xfer) {}

/*
 * Guest clocks race ahead while an emulated host idles, so the deadlines
 * here are generous; the rig's wall-clock timeout is the real limit.
 */
TEST_F_TIMEOUT(xfer, tcp_stream, 10000000)
{
	const char *role = getenv("MV_XFER_ROLE");
	uint64_t len = env_u64("MV_XFER_BYTES", 1 << 20);
	uint32_t seed = env_u64("MV_XFER_SEED", 0x6d76);
	double deadline = now() + env_u64("MV_XFER_DEADLINE", 120);
	int lfd, st;
	pid_t pid;

	if (role && !strcmp(role, "send") && !getenv("MV_XFER_PEER")) {
		lfd = listen_on(env_u64("MV_XFER_PORT", 0));
		ASSERT_GE(lfd, 0);
		ASSERT_EQ(0, send_accepted(lfd, seed, len, deadline));
		close(lfd);
		return;
	}
	if (role && !strcmp(role, "send")) {
		ASSERT_NE(NULL, getenv("MV_XFER_PEER"));
		ASSERT_EQ(0, do_send(getenv("MV_XFER_PEER"), seed, len, deadline));
		return;
	}
	lfd = listen_on(env_u64("MV_XFER_PORT", 0));
	ASSERT_GE(lfd, 0);
	if (role && !strcmp(role, "recv")) {
		ASSERT_EQ(0, do_recv(lfd, deadline));
		close(lfd);
		return;
	}

	/* Loopback: a child sends to our ephemeral port. */
	{
		struct sockaddr_in a;
		socklen_t al = sizeof(a);
		char peer[32];

		ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&a, &al));
		snprintf(peer, sizeof(peer), "127.0.0.1:%u", ntohs(a.sin_port));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			close(lfd);
			_exit(do_send(peer, seed, len, deadline) ? 1 : 0);
		}
		EXPECT_EQ(0, do_recv(lfd, deadline));
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		close(lfd);
	}
}

TEST_HARNESS_MAIN
