// SPDX-License-Identifier: GPL-2.0
/*
 * Guest helpers shared by the kselftests: mvctl with captured output,
 * guest setup and teardown, and reading guest memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/migvisor.h>

#include "mv_guest.h"
#include "mv_util.h"

char mv_out[1 << 20];

const char *mv_guests_dir(void)
{
	static char dir[PATH_MAX + 32];
	char probe[PATH_MAX + 64];
	const char *d = getenv("MV_GUESTS");

	if (d)
		return d;
	if (mv_in_rig())
		return "/rig/bin";
	/* An installed kselftest tree has them beside the tests. */
	snprintf(dir, sizeof(dir), "%s/../../guests", mv_self_dir());
	snprintf(probe, sizeof(probe), "%s/hello.elf", dir);
	if (access(probe, R_OK))
		snprintf(dir, sizeof(dir), "%s", mv_self_dir());
	return dir;
}

/* Run "mvctl ARGS", capture stdout+stderr into out; returns exit status. */
int mv_mvctl(const char *fmt, ...)
{
	char cmd[512] = "mvctl ";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd + 6, sizeof(cmd) - 6, fmt, ap);
	va_end(ap);
	return mv_run(cmd, mv_out, sizeof(mv_out), true);
}

/* Wait until "mvctl guest show NAME" contains @what (seconds of guest time). */
bool mv_wait_for(const char *name, const char *what, double secs)
{
	double end = mv_now() + secs;

	do {
		if (!mv_mvctl("guest show %s", name) && strstr(mv_out, what))
			return true;
		usleep(20000);
	} while (mv_now() < end);
	return false;
}

int mv_setup_guest(const char *name, const char *mem, const char *elf)
{
	if (mv_mvctl("guest add %s memory %s", name, mem))
		return -1;
	return mv_mvctl("guest load %s %s/%s.elf", name, mv_guests_dir(), elf);
}

/* pread/pwrite of guest memory through the guest fd; 0 or -1. */
int mv_guest_rw(const char *name, uint64_t gpa, void *buf, size_t len,
		bool write)
{
	struct mv_guest_open o = {};
	int fd = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC), gfd;
	ssize_t n;

	if (fd < 0)
		return -1;
	snprintf(o.name, sizeof(o.name), "%s", name);
	gfd = ioctl(fd, MV_IOC_GUEST_OPEN, &o);
	close(fd);
	if (gfd < 0)
		return -1;
	n = write ? pwrite(gfd, buf, len, gpa) : pread(gfd, buf, len, gpa);
	close(gfd);
	return n == (ssize_t)len ? 0 : -1;
}

uint64_t mv_read_counter(const char *name)
{
	uint64_t v = 0;

	if (mv_guest_rw(name, 0x200000, &v, sizeof(v), false))
		return 0;
	return v;
}

/* Delete every guest (what a failed test may have left behind). */
void mv_delete_all_guests(void)
{
	static char list[sizeof(mv_out)];
	char *p, name[MV_GUEST_NAME_MAX + 1];

	if (mv_mvctl("-j guest show"))
		return;
	snprintf(list, sizeof(list), "%s", mv_out);
	for (p = list; (p = strstr(p, "\"name\":\"")); ) {
		p += 8;
		if (sscanf(p, "%32[^\"]", name) == 1)
			mv_mvctl("guest del %s", name);
	}
}

