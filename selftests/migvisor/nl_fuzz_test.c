// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the module's three ways in, inside an emulated host: generic
 * netlink messages, ioctls on every kind of fd, and mutated record
 * streams into restore sessions. Valid operations are interleaved so that
 * the random input meets live guests, baselines and sessions. Afterwards
 * everything can be deleted, a guest runs and migrates, the module
 * unloads and gives its memory back; the rig judges the kernel log.
 *
 * MV_FUZZ_SEED picks the seed (printed either way, so that a failure
 * reproduces); MV_FUZZ_SCALE (default 1) multiplies the counts:
 * 100,000 messages, 10,000 ioctls and 10,000 streams at 1.
 *
 * Besides crashes, it measures what share of the rejections carried a
 * reason: an extack message for netlink, MV_IOC_ERROR or
 * MV_SESS_IOC_ERROR text for the fds. The genetlink core answers commands
 * it does not know (and NLM_F_DUMP on do-only commands) itself, with no
 * text: those are counted apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"
#include "../lib/mv_guest.h"
#include "../lib/mv_writer.h"

static uint64_t rng;
/* MemAvailable before the first test, kB: each test runs in its own child */
#define MEM_AT_START	"/tmp/nl_fuzz.memavail"

static long mem_available(void)
{
	char mem[64];

	if (mv_run("awk '/^MemAvailable/ { print $2 }' /proc/meminfo", mem,
		   sizeof(mem), false))
		return -1;
	return atol(mem);
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

/*
 * @base scaled by MV_FUZZ_SCALE (1; 0.1 on the debug kernel, whose
 * checkers need each path once rather than the full count, and make each
 * message cost many times the instructions).
 */
static unsigned long scaled(unsigned long base)
{
	const char *s = getenv("MV_FUZZ_SCALE");
	double k = s ? strtod(s, NULL) : 1.0;

	if (!(k > 0.0) || k > 1000.0)
		k = 1.0;
	return base * k < 1.0 ? 1 : (unsigned long)(base * k);
}

static void fuzz_seed(struct __test_metadata *_metadata, const char *what)
{
	const char *s = getenv("MV_FUZZ_SEED");

	rng = s ? strtoull(s, NULL, 0) : 0x6d76667a7a303031ull;	/* "mvfzz001" */
	if (!rng)
		rng = 1;
	TH_LOG("%s: seed 0x%llx (MV_FUZZ_SEED reproduces it)", what,
	       (unsigned long long)rng);
}

/* --- netlink --- */

static size_t put(uint8_t *b, size_t off, uint16_t type, const void *d,
		  uint16_t len)
{
	return mv_nla_put(b, off, type, d, len);
}

/* One random attribute at @off, nested up to @depth; returns the new end. */
static size_t rand_attr(uint8_t *b, size_t off, size_t room, int depth)
{
	uint8_t data[80];
	uint16_t type = below(4) ? 1 + below(MV_A_GUEST_MAX + 2) : rnd();
	unsigned int len, i;
	uint64_t v = rnd();

	if (room < 4 + sizeof(data) + 8)
		return off;
	switch (below(8)) {
	case 0:		/* u32, maybe out of range */
		return put(b, off, type, &v, 4);
	case 1:		/* u64 */
		return put(b, off, type, &v, 8);
	case 2: {	/* string with its NUL, maybe too long */
		len = 1 + below(sizeof(data) - 1);
		for (i = 0; i < len - 1; i++)
			data[i] = below(3) ? 'a' + below(26) : rnd();
		data[len - 1] = 0;
		return put(b, off, type, data, len);
	}
	case 3:		/* string without a NUL */
		len = 1 + below(40);
		memset(data, 'x', len);
		return put(b, off, type, data, len);
	case 4: {	/* a nest of random attributes */
		struct nlattr *a = (struct nlattr *)(b + off);
		size_t end = off + NLA_HDRLEN, n = below(4);

		if (depth <= 0)
			return put(b, off, type, NULL, 0);
		for (i = 0; i < n; i++)
			end = rand_attr(b, end, room - (end - off), depth - 1);
		a->nla_type = type | (below(2) ? NLA_F_NESTED : 0);
		a->nla_len = end - off;
		return end;
	}
	case 5: {	/* a length that lies: longer than what follows */
		size_t end = put(b, off, type, &v, 8);
		struct nlattr *a = (struct nlattr *)(b + off);

		a->nla_len = below(2) ? 2 : 0x7ff0;
		return end;
	}
	case 6:		/* empty */
		return put(b, off, type, NULL, 0);
	default:	/* random bytes */
		len = below(sizeof(data));
		for (i = 0; i < len; i++)
			data[i] = rnd();
		return put(b, off, type, data, len);
	}
}

struct nl_stats {
	unsigned long sent, ok, rejected, with_text, core, no_answer, dumps;
};

static void count(struct nl_stats *st, const struct mv_nl_result *r,
		  uint8_t cmd, bool dump, int ret)
{
	st->sent++;
	if (ret) {
		st->no_answer++;
		return;
	}
	if (r->dumped)
		st->dumps++;
	if (!r->error) {
		st->ok++;
		return;
	}
	/* Unknown commands, and dumps of do-only ones: the genetlink core's */
	if (r->error == -EOPNOTSUPP && !r->msg[0] &&
	    (cmd == 0 || cmd > MV_CMD_MAX || cmd == MV_CMD_GUEST_EVENT ||
	     cmd == MV_CMD_HOST_EVENT || dump)) {
		st->core++;
		return;
	}
	st->rejected++;
	if (r->msg[0])
		st->with_text++;
}

/* A valid request, so that random ones meet live objects. */
static void valid_op(struct mv_nl *nl, unsigned long i)
{
	struct mv_nl_result *r = calloc(1, sizeof(*r));
	uint8_t b[256];
	char name[16];
	uint64_t mem = 1 << 20;
	size_t len;

	snprintf(name, sizeof(name), "fz%lu", i % 8);
	len = put(b, 0, MV_A_GUEST_NAME, name, strlen(name) + 1);
	switch (i % 4) {
	case 0:
		len = put(b, len, MV_A_GUEST_MEMORY, &mem, sizeof(mem));
		mv_nl_request(nl, MV_CMD_GUEST_NEW, MV_GENL_VERSION, b, len, r);
		break;
	case 1:
		mv_nl_request_flags(nl, MV_CMD_GUEST_GET, MV_GENL_VERSION,
				    NLM_F_DUMP, NULL, 0, r);
		break;
	case 2:
		mv_nl_request(nl, MV_CMD_GUEST_GET, MV_GENL_VERSION, b, len, r);
		break;
	default:
		mv_nl_request(nl, MV_CMD_GUEST_DEL, MV_GENL_VERSION, b, len, r);
	}
	free(r);
}

/* One fixture for the timeouts: the harness's default is 30 s a test. */
FIXTURE(fz) {};
/*
 * Random HOST_SET requests switch maintenance mode on and off; each test
 * starts with it off, as the tests after a fuzzer run create guests.
 */
FIXTURE_SETUP(fz)
{
	mv_mvctl("host set maintenance off");
}
FIXTURE_TEARDOWN(fz) {}

TEST_F_TIMEOUT(fz, nl_fuzz_genl, 1800)
{
	struct mv_nl_result *r = calloc(1, sizeof(*r));
	unsigned long n = scaled(100000), i;
	struct timeval tv = { .tv_sec = 5 };
	struct nl_stats st = { 0 };
	static uint8_t b[4096];
	struct mv_nl nl;
	char out[256];

	fuzz_seed(_metadata, "netlink");
	{
		FILE *f = fopen(MEM_AT_START, "w");

		if (f) {
			fprintf(f, "%ld\n", mem_available());
			fclose(f);
		}
	}
	ASSERT_EQ(0, mv_nl_open(&nl, MV_GENL_NAME));
	setsockopt(nl.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Live state: a baseline, a running guest, guests made below */
	mv_mvctl("baseline add fzb model nehalem");
	mv_setup_guest("fzrun", "2M", "hostile-dbloop");
	mv_mvctl("guest start fzrun");
	for (i = 0; i < n; i++) {
		uint8_t cmd = below(8) ? 1 + below(MV_CMD_MAX + 1) : rnd();
		uint8_t ver = below(8) ? MV_GENL_VERSION : rnd();
		uint16_t flags = 0;
		size_t len = 0;
		unsigned int k, na = below(6);
		int ret;

		if (!below(6))
			flags |= NLM_F_DUMP;
		if (!below(16))
			flags |= rnd() & (NLM_F_EXCL | NLM_F_CREATE | NLM_F_REPLACE |
					  NLM_F_APPEND | NLM_F_ECHO);
		/* Half the time, a real guest name first, so handlers go deep */
		if (below(2)) {
			const char *g = below(2) ? "fzrun" : "fz1";

			len = put(b, 0, MV_A_GUEST_NAME, g, strlen(g) + 1);
		}
		for (k = 0; k < na; k++)
			len = rand_attr(b, len, sizeof(b) - len, 4);
		ret = mv_nl_request_flags(&nl, cmd, ver, flags, b, len, r);
		count(&st, r, cmd, flags & NLM_F_DUMP, ret);
		if (i % 50 == 49)
			valid_op(&nl, i / 50);
		/* A pause or resume of the running guest now and then */
		if (i % 5000 == 4999) {
			mv_mvctl("guest pause fzrun");
			mv_mvctl("guest resume fzrun");
		}
	}
	mv_nl_close(&nl);
	TH_LOG("netlink: %lu messages: %lu accepted, %lu rejected (%lu with an extack message), %lu answered by the genetlink core, %lu unanswered, %lu dumps",
	       st.sent, st.ok, st.rejected, st.with_text, st.core, st.no_answer,
	       st.dumps);
	TH_LOG("MV-FUZZ netlink messages=%lu rejected=%lu with_text=%lu share=%.1f%%",
	       st.sent, st.rejected, st.with_text,
	       st.rejected ? 100.0 * st.with_text / st.rejected : 100.0);
	EXPECT_GE(st.sent, n);
	EXPECT_EQ(0, st.no_answer);
	EXPECT_GE(st.with_text * 100, st.rejected * 95);
	/*
	 * The host still answers. (The random requests name fzrun too, so it
	 * may have been paused or deleted on the way: either is a fine end.)
	 */
	ASSERT_EQ(0, mv_run("mvctl host show", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	ASSERT_EQ(0, mv_run("mvctl guest show", out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	free(r);
}

/* --- ioctls --- */

struct io_stats {
	unsigned long sent, ok, rejected, with_text;
};

/* Why the last call on @fd failed, if the fd can say. */
static bool has_reason(int fd, unsigned long err_cmd)
{
	struct mv_sess_error e = { 0 };

	return !ioctl(fd, err_cmd, &e) && e.msg[0];
}

static void one_ioctl(struct io_stats *st, int fd, unsigned long err_cmd,
		      bool session)
{
	static uint8_t buf[512];
	unsigned long cmd, arg;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = below(4) ? 0 : rnd();
	/* Our magic with random numbers, directions and sizes, or anything */
	cmd = below(4) ? _IOC(below(4), MV_IOC_MAGIC, below(0x20), below(300)) :
	      (unsigned long)rnd() & 0xffffffff;
	/* NULL, 1, anything, a kernel address, or a real buffer */
	static const unsigned long args[] = { 0, 1, 0, 0xffff888000000000ul };
	unsigned int pick = below(6);

	arg = pick < 4 ? args[pick] : (unsigned long)buf;
	if (pick == 2)
		arg = rnd();
	/*
	 * Never finish, hand over or commit a live snapshot by chance: those
	 * are the migration's own steps, tested elsewhere.
	 */
	if (session && (cmd == MV_SNAP_IOC_FINISH || cmd == MV_SNAP_IOC_HANDOVER ||
			cmd == MV_SNAP_IOC_COMMIT))
		return;
	ret = ioctl(fd, cmd, arg);
	st->sent++;
	if (ret >= 0) {
		st->ok++;
		/* A new fd (a session, a guest): close it again. */
		if (ret > 2 && (cmd == MV_IOC_GUEST_OPEN || cmd == MV_IOC_SNAPSHOT ||
				cmd == MV_IOC_RESTORE || cmd == MV_IOC_RESTORE_NEW))
			close(ret);
		return;
	}
	st->rejected++;
	if (has_reason(fd, err_cmd))
		st->with_text++;
}

TEST_F_TIMEOUT(fz, nl_fuzz_ioctl, 900)
{
	unsigned long n = scaled(10000), i;
	struct mv_guest_open go = { 0 };
	struct io_stats st = { 0 };
	int dev, gfd, sfd;

	fuzz_seed(_metadata, "ioctl");
	mv_setup_guest("fzio", "2M", "hostile-dbloop");
	mv_mvctl("guest start fzio");
	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	strcpy(go.name, "fzio");
	gfd = ioctl(dev, MV_IOC_GUEST_OPEN, &go);
	ASSERT_LE(0, gfd);
	sfd = ioctl(gfd, MV_IOC_SNAPSHOT, 0);
	ASSERT_LE(0, sfd);
	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			one_ioctl(&st, dev, MV_IOC_ERROR, false);
			break;
		case 1:
			one_ioctl(&st, gfd, MV_IOC_ERROR, false);
			break;
		default:
			one_ioctl(&st, sfd, MV_SESS_IOC_ERROR, true);
		}
	}
	close(sfd);
	close(gfd);
	close(dev);
	TH_LOG("ioctl: %lu calls on /dev/migvisor, a guest fd and a snapshot session: %lu accepted, %lu rejected (%lu with a reason)",
	       st.sent, st.ok, st.rejected, st.with_text);
	TH_LOG("MV-FUZZ ioctl calls=%lu rejected=%lu with_text=%lu share=%.1f%%",
	       st.sent, st.rejected, st.with_text,
	       st.rejected ? 100.0 * st.with_text / st.rejected : 100.0);
	EXPECT_GE(st.sent, n * 9 / 10);
	EXPECT_GE(st.with_text * 100, st.rejected * 95);
	/* The session closed without a hand-over: the guest runs on. */
	EXPECT_STREQ("running", mv_state_of("fzio"));
}

/* --- restore streams --- */

static ssize_t slurp(const char *path, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* One mutation of @src (@len bytes) into @dst; returns its length. */
static size_t mutate(uint8_t *dst, const uint8_t *src, size_t len)
{
	unsigned int i, n;
	size_t at;

	memcpy(dst, src, len);
	switch (below(6)) {
	case 0:		/* byte flips */
		for (n = 1 + below(8), i = 0; i < n; i++)
			dst[below(len)] ^= 1 << below(8);
		return len;
	case 1:		/* cut off */
		return below(len);
	case 2:		/* a record header field: type, length, sequence or CRC */
		at = below(len / 16) * 16;
		dst[at + below(16)] = rnd();
		return len;
	case 3:		/* a run of bytes repeated, as a replayed record would be */
		at = below(len / 2);
		n = below(len - at);
		if (len + n > 4 * len)
			return len;
		memmove(dst + at + n, dst + at, len - at);
		return len + n;
	case 4:		/* random bytes over a stretch */
		at = below(len);
		for (n = below(64), i = 0; i < n && at + i < len; i++)
			dst[at + i] = rnd();
		return len;
	default:	/* a whole random tail */
		at = below(len);
		for (i = at; i < len; i++)
			dst[i] = rnd();
		return len;
	}
}

TEST_F_TIMEOUT(fz, nl_fuzz_streams, 2400)
{
	static uint8_t img[1 << 20], bad[4 << 20];
	unsigned long n = scaled(10000), i, committed = 0, refused = 0,
		      with_text = 0;
	struct mv_restore_new rn = { .memory = 2 << 20 };
	struct mv_sess_error e;
	ssize_t len;
	int dev;

	fuzz_seed(_metadata, "streams");
	/*
	 * A small, live source: a 2 MiB guest (its image is at 1 MiB) that
	 * runs forever, with a baseline so that it can be restored.
	 */
	mv_mvctl("baseline add fzb model nehalem");
	ASSERT_EQ(0, mv_mvctl("guest add fzsrc memory 2M baseline fzb"));
	ASSERT_EQ(0, mv_mvctl("guest load fzsrc %s/hostile-dbloop.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start fzsrc"));
	unlink("/tmp/fz.mvsnap");
	ASSERT_EQ(0, system("mvmig save fzsrc /tmp/fz.mvsnap --keep-source >/dev/null 2>&1"));
	len = slurp("/tmp/fz.mvsnap", img, sizeof(img));
	ASSERT_LT(1024, len);
	TH_LOG("streams: a %zd-byte stream, mutated %lu times", len, n);
	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	strcpy(rn.name, "fzdst");
	for (i = 0; i < n; i++) {
		size_t blen = mutate(bad, img, len), off = 0;
		int sfd = ioctl(dev, MV_IOC_RESTORE_NEW, &rn);
		bool failed = false, small = !below(8);

		ASSERT_LE(0, sfd);
		/*
		 * In random pieces, as a network delivers them. One stream in
		 * eight goes in pieces of up to 64 bytes: they split headers
		 * and CRCs as well, and at one system call per few bytes more
		 * of them would only cost emulated time.
		 */
		while (off < blen && !failed) {
			size_t piece = 1 + below(small ? 64 : 65536);
			ssize_t w;

			if (piece > blen - off)
				piece = blen - off;
			w = write(sfd, bad + off, piece);
			if (w < 0)
				failed = true;
			else
				off += w;
		}
		if (!failed && ioctl(sfd, MV_SNAP_IOC_COMMIT) < 0)
			failed = true;
		if (failed) {
			refused++;
			memset(&e, 0, sizeof(e));
			if (!ioctl(sfd, MV_SESS_IOC_ERROR, &e) && e.msg[0])
				with_text++;
		} else {
			committed++;
		}
		close(sfd);
		/* A committed copy stays: delete it (it never ran). */
		if (!failed)
			mv_mvctl("guest del fzdst");
		if (i % 500 == 0)
			mv_mvctl("guest show fzsrc");
	}
	close(dev);
	TH_LOG("streams: %lu mutated streams: %lu refused (%lu with a reason), %lu committed (a mutation that left the stream valid)",
	       n, refused, with_text, committed);
	TH_LOG("MV-FUZZ streams=%lu refused=%lu with_text=%lu share=%.1f%%", n,
	       refused, with_text, refused ? 100.0 * with_text / refused : 100.0);
	EXPECT_GE(with_text * 100, refused * 95);
	EXPECT_STREQ("absent", mv_state_of("fzdst"));
}

/*
 * After all that: every object can be deleted, a guest runs and
 * migrates, and the module unloads and gives its memory back.
 */
TEST_F_TIMEOUT(fz, nl_fuzz_aftermath, 600)
{
	long after, mem_at_start = -1;
	char out[4096];
	FILE *f;

	mv_delete_all_guests();
	ASSERT_EQ(0, mv_run("mvctl -j guest show", out, sizeof(out), true));
	EXPECT_EQ(NULL, strstr(out, "\"name\"")) {
		TH_LOG("%s", out);
	}
	mv_mvctl("baseline set-default none");
	ASSERT_EQ(0, mv_run("for b in $(mvctl -j baseline show | tr ',{' '\\n\\n' | sed -n 's/.*\"name\":\"\\([^\"]*\\)\".*/\\1/p'); do mvctl baseline del $b || exit 1; done",
			    out, sizeof(out), true)) {
		TH_LOG("%s", out);
	}
	/* A normal life: load, run to its end */
	ASSERT_EQ(0, mv_setup_guest("after", "4M", "hello"));
	ASSERT_EQ(0, mv_mvctl("guest start after"));
	EXPECT_TRUE(mv_wait_for("after", "state stopped", 120));
	ASSERT_EQ(0, mv_mvctl("guest del after"));
	/* A migration: a running guest saved and restored on this host */
	ASSERT_EQ(0, mv_mvctl("baseline add after model nehalem"));
	ASSERT_EQ(0, mv_mvctl("guest add m1 memory 2M baseline after"));
	ASSERT_EQ(0, mv_mvctl("guest load m1 %s/hostile-dbloop.elf", mv_guests_dir()));
	ASSERT_EQ(0, mv_mvctl("guest start m1"));
	unlink("/tmp/after.mvsnap");
	ASSERT_EQ(0, system("mvmig save m1 /tmp/after.mvsnap >/dev/null 2>&1"));
	ASSERT_EQ(0, system("mvmig restore /tmp/after.mvsnap m2 >/dev/null 2>&1"));
	EXPECT_STREQ("running", mv_state_of("m2"));
	mv_delete_all_guests();
	ASSERT_EQ(0, mv_mvctl("baseline del after"));
	/* Unload: nothing holds it, and the memory comes back */
	unlink("/tmp/after.mvsnap");
	unlink("/tmp/fz.mvsnap");
	ASSERT_EQ(0, mv_module_unload());
	EXPECT_FALSE(mv_module_loaded());
	after = mem_available();
	f = fopen(MEM_AT_START, "r");
	if (f) {
		if (fscanf(f, "%ld", &mem_at_start) != 1)
			mem_at_start = -1;
		fclose(f);
	}
	ASSERT_LT(0, mem_at_start);
	TH_LOG("MemAvailable %ld kB before the fuzzing, %ld kB after the unload",
	       mem_at_start, after);
	/* 100,000 messages leaking 80 bytes each would be 8 MiB. */
	EXPECT_GE(after + 8192, mem_at_start);
	EXPECT_EQ(0, mv_module_load());
}

MV_TEST_MAIN
