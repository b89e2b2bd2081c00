// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl's and mvmig's netlink requests, natively: a request whose
 * attributes do not fit in its message (a name of a few KiB) is refused
 * with a reason, and the message is freed on that way out too. Only the
 * family look-up is a stand-in (there is no module here); the sockets,
 * the messages and the code that builds them are the real ones. Built
 * with ASan: LeakSanitizer looks for what each call lost, and wrapping
 * nlmsg_alloc() (-Wl,--wrap) shows that a message was built at all.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <sanitizer/lsan_interface.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/json_print.h"
#include "../mvctl/mvctl.h"
#include "../mvmig/mvmig.h"

static int allocated;

struct nl_msg *__real_nlmsg_alloc(void);

struct nl_msg *__wrap_nlmsg_alloc(void)
{
	struct nl_msg *m = __real_nlmsg_alloc();

	allocated += !!m;
	return m;
}

/* No module here: any family id will do, the requests never get sent. */
int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	return 0x7777;
}

/* Needed by mvmig's code, which this test links without mvmig.c. */
atomic_int mvmig_cancel;

static char huge[5000];

/* "mvctl OBJECT A0 A1 ...", @cmd being OBJECT's; its return value */
static int mvctl(int (*cmd)(struct mvctl *), const char *a0, const char *a1,
		 const char *a2, const char *a3)
{
	const char * const argv[] = { a0, a1, a2, a3, NULL };
	struct mvctl ctl = { .argv = (char **)argv };

	while (argv[ctl.argc])
		ctl.argc++;
	return cmd(&ctl);
}

/* @call fails, having built a message, and loses nothing (LeakSanitizer). */
#define EXPECT_NO_LEAK(call)						\
	do {								\
		allocated = 0;						\
		EXPECT_NE(0, call);					\
		EXPECT_LT(0, allocated) TH_LOG("%s: no message built", #call); \
		EXPECT_EQ(0, __lsan_do_recoverable_leak_check()) TH_LOG("%s", #call); \
	} while (0)

TEST(mvctl_frees_requests_that_do_not_fit)
{
	int err;

	memset(huge, 'a', sizeof(huge) - 1);
	json_init(stdout, false, false);
	EXPECT_NO_LEAK(mvctl(cmd_guest, "show", huge, NULL, NULL));
	EXPECT_NO_LEAK(mvctl(cmd_guest, "del", huge, NULL, NULL));
	EXPECT_NO_LEAK(mvctl(cmd_guest, "add", huge, "memory", "16M"));
	EXPECT_NO_LEAK(mvctl(cmd_guest, "console", huge, NULL, NULL));
	EXPECT_NO_LEAK(mvctl(cmd_baseline, "show", huge, NULL, NULL));
	EXPECT_NO_LEAK(mvctl(cmd_baseline, "del", huge, NULL, NULL));
	EXPECT_NO_LEAK(mvctl(cmd_baseline, "add", huge, "model", "nehalem"));
	/*
	 * resolve: a file, a baseline in the module (fetch), or a model. Its
	 * error repeats the name, all 5000 bytes of it: not in the log.
	 */
	fflush(stderr);
	err = dup(2);
	ASSERT_LE(0, err);
	freopen("/dev/null", "w", stderr);
	EXPECT_NO_LEAK(mvctl(cmd_baseline, "compare", huge, "nehalem", NULL));
	fflush(stderr);
	dup2(err, 2);
	close(err);
	json_finish();
}

TEST(mvctl_guest_add_with_a_huge_baseline_name)
{
	const char * const argv[] = { "add", "g", "memory", "16M", "baseline", huge,
				      NULL };
	struct mvctl ctl = { .argc = 6, .argv = (char **)argv };

	memset(huge, 'b', sizeof(huge) - 1);
	json_init(stdout, false, false);
	EXPECT_NO_LEAK(cmd_guest(&ctl));
	json_finish();
}

/*
 * A TSC rate that is not digits in MV_TSC_KHZ_MIN..MAX is refused by
 * name before any message is built: the module would take "0x10" as
 * nothing at all. A good one goes in the request (which then does not
 * fit, for the huge name, and is freed).
 */
TEST(mvctl_baseline_add_checks_tsc_khz)
{
	static const char *const bad[] = {
		"", "abc", "-1", "+5000", " 5000", "5000 ", "0x5000", "5e6",
		"999", "20000001", "4294967296", "99999999999999999999999",
	};
	const char *argv[7] = { "add", "b", "model", "nehalem", "tsc-khz" };
	struct mvctl ctl;
	char msg[512];
	size_t i;
	FILE *err;
	int saved;

	json_init(stdout, false, false);
	err = tmpfile();
	ASSERT_NE(NULL, err);
	fflush(stderr);
	saved = dup(2);
	ASSERT_LE(0, saved);
	dup2(fileno(err), 2);
	/* One past the list: tsc-khz with no value at all */
	for (i = 0; i <= ARRAY_SIZE(bad); i++) {
		argv[5] = i < ARRAY_SIZE(bad) ? bad[i] : NULL;
		ctl = (struct mvctl){ .argc = argv[5] ? 6 : 5, .argv = (char **)argv };
		allocated = 0;
		fflush(stderr);
		ftruncate(fileno(err), 0);
		rewind(err);
		EXPECT_EQ(-EINVAL, cmd_baseline(&ctl)) TH_LOG("\"%s\"", argv[5]);
		EXPECT_EQ(0, allocated) TH_LOG("\"%s\": a message was built", argv[5]);
		fflush(stderr);
		rewind(err);
		memset(msg, 0, sizeof(msg));
		fread(msg, 1, sizeof(msg) - 1, err);
		EXPECT_NE(NULL, strstr(msg, "tsc-khz")) TH_LOG("%s", msg);
		EXPECT_NE(NULL, strstr(msg, "1000 to 20000000")) TH_LOG("%s", msg);
	}
	/* Twice is an error too, even with the same rate */
	argv[5] = "100000";
	argv[6] = "tsc-khz";
	ctl = (struct mvctl){ .argc = 7, .argv = (char **)argv };
	allocated = 0;
	EXPECT_EQ(-EINVAL, cmd_baseline(&ctl));
	EXPECT_EQ(0, allocated);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(err);

	memset(huge, 'd', sizeof(huge) - 1);
	argv[1] = huge;
	argv[5] = "1000";
	ctl = (struct mvctl){ .argc = 6, .argv = (char **)argv };
	EXPECT_NO_LEAK(cmd_baseline(&ctl));
	argv[5] = "20000000";
	ctl = (struct mvctl){ .argc = 6, .argv = (char **)argv };
	EXPECT_NO_LEAK(cmd_baseline(&ctl));
	json_finish();
}

TEST(mvmig_frees_requests_that_do_not_fit)
{
	struct mv_policy p;
	uint64_t mem;
	char err[256];
	int state;

	memset(huge, 'c', sizeof(huge) - 1);
	err[0] = 0;
	EXPECT_NO_LEAK(mvmig_guest_state(huge, &state, &mem, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "does not fit"));
	EXPECT_NO_LEAK(mvmig_guest_cmd(MV_CMD_GUEST_DEL, huge, NULL, 0));
	EXPECT_NO_LEAK(mvmig_baseline_get(huge, &p, err, sizeof(err)));
	EXPECT_NO_LEAK(mvmig_baseline_del(huge));
}

TEST_HARNESS_MAIN
