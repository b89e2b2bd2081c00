// SPDX-License-Identifier: GPL-2.0
/*
 * migvisor.ko on a host without VMX (QEMU TCG): the load fails with
 * -EOPNOTSUPP or -ENODEV, says why in exactly one kernel log line, and
 * leaves nothing behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "kselftest_harness.h"
#include "../lib/mv_util.h"

TEST(load_refused_without_vmx)
{
	char *log = calloc(1, 1 << 20), *p;
	struct mv_nl nl;
	int ret, lines = 0;

	ASSERT_NE(NULL, log);
	ret = mv_module_load();
	EXPECT_TRUE(ret == -EOPNOTSUPP || ret == -ENODEV) {
		TH_LOG("finit_module returned %d (%s)", ret, strerror(-ret));
	}
	EXPECT_FALSE(mv_module_loaded());
	EXPECT_NE(0, access("/dev/" MV_DEVICE_NAME, F_OK));
	EXPECT_EQ(-ENOENT, mv_nl_open(&nl, MV_GENL_NAME));

	ASSERT_GT(mv_read_kmsg(log, 1 << 20), 0);
	for (p = log; (p = strstr(p, "migvisor: cannot load")); p++) {
		lines++;
		TH_LOG("%.*s", (int)strcspn(p, "\n"), p);
	}
	EXPECT_EQ(1, lines);
	EXPECT_NE(NULL, strstr(log, "migvisor: cannot load: CPU has no VMX"));
	free(log);
}

TEST(load_refused_again_same_way)
{
	int ret = mv_module_load();

	EXPECT_TRUE(ret == -EOPNOTSUPP || ret == -ENODEV);
	EXPECT_FALSE(mv_module_loaded());
}

TEST(mvctl_explains_missing_module)
{
	char out[1024];

	EXPECT_EQ(1, mv_run("mvctl host show", out, sizeof(out), true));
	EXPECT_NE(NULL, strstr(out, "module is not loaded")) {
		TH_LOG("mvctl said: %s", out);
	}
}

MV_TEST_MAIN
