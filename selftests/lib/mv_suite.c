// SPDX-License-Identifier: GPL-2.0
/*
 * Set-up of a kselftest program before the harness's main(), linked into
 * the kselftests only (not into the unit tests and benchmarks that share
 * mv_util.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest.h"
#include "mv_util.h"

bool mv_no_module_needed __weak;

/* Prepend @dir to PATH if @dir holds @tool. */
static void path_prepend(const char *dir, const char *tool)
{
	const char *old = getenv("PATH");
	char probe[PATH_MAX + 64], *path;

	snprintf(probe, sizeof(probe), "%s/%s", dir, tool);
	if (access(probe, X_OK))
		return;
	if (asprintf(&path, "%s:%s", dir, old ? old : "/usr/sbin:/usr/bin:/sbin:/bin") < 0)
		return;
	setenv("PATH", path, 1);
	free(path);
}

/*
 * Before the harness's main. The tests run mvctl and mvmig through the
 * shell: the rig puts its own on PATH; elsewhere they are the ones beside
 * the test in an installed kselftest tree, or the source tree's, so that
 * the tools match the tests rather than whatever PATH finds first. And on
 * a host where the module is neither loaded nor installed, every test of a
 * suite that needs it would fail for the same reason: the suite skips as
 * a whole instead. In the rig a missing module stays a failure.
 */
__attribute__((constructor)) static void mv_selftest_init(void)
{
	char dir[PATH_MAX + 64];

	if (mv_in_rig())
		return;
	snprintf(dir, sizeof(dir), "%s/../../userspace/mvmig", mv_self_dir());
	path_prepend(dir, "mvmig");
	snprintf(dir, sizeof(dir), "%s/../../userspace/mvctl", mv_self_dir());
	path_prepend(dir, "mvctl");
	path_prepend(mv_self_dir(), "mvctl");

	if (!mv_no_module_needed && !mv_module_loaded() &&
	    access(mv_module_path(), R_OK)) {
		printf("TAP version 13\n1..0 # SKIP migvisor is not loaded and there is no module at any of %s (set MV_MODULE, or make install)\n",
		       mv_module_tried());
		exit(KSFT_SKIP);
	}
}
