// SPDX-License-Identifier: GPL-2.0
/* The writer guest from the host's side, and child processes (mv_writer.h). */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mv_guest.h"
#include "mv_writer.h"

/*
 * The blackout as the guest saw it: the longest gap in its own TSC that
 * ended at the counter value the source stopped at, or one later if the
 * pause fell between its last TSC read and its store (an idle writer has
 * short gaps at the same value before it). 0 if it was under 1 ms.
 */
uint64_t mv_guest_downtime_cycles(const struct writer_state *src,
				  const struct writer_state *dst)
{
	uint64_t best = 0;
	unsigned int i;

	for (i = 0; i < 256 && i < dst->gaps; i++)
		if (dst->gap[i].counter - src->counter <= 1 &&
		    dst->gap[i].cycles > best)
			best = dst->gap[i].cycles;
	return best;
}

uint64_t mv_guest_downtime_us(const struct writer_state *src,
			      const struct writer_state *dst)
{
	return dst->tsc_khz ?
	       mv_guest_downtime_cycles(src, dst) * 1000 / dst->tsc_khz : 0;
}

uint64_t mv_parse_mem(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	return *end == 'M' ? v << 20 : *end == 'G' ? v << 30 : v;
}

int mv_start_writer(const char *name, const char *mem, uint64_t pps)
{
	struct writer_params prm = {
		.magic = WRITER_MAGIC, .pages_per_sec = pps,
		.mem_bytes = mv_parse_mem(mem),
	};

	if (mv_mvctl("guest add %s memory %s baseline nehalem", name, mem) ||
	    mv_mvctl("guest load %s %s/writer.elf", name, mv_guests_dir()) ||
	    mv_guest_rw(name, WRITER_PARAMS_GPA, &prm, sizeof(prm), true) ||
	    mv_mvctl("guest start %s", name))
		return -1;
	/* Until it has stamped a few pages. */
	return mv_wait_for(name, "state running", 10) ? 0 : -1;
}

int mv_writer_state(const char *name, struct writer_state *w)
{
	memset(w, 0, sizeof(*w));
	return mv_guest_rw(name, WRITER_STATE_GPA, w, sizeof(*w), false);
}

/* "running", "paused", ... or "absent" */
const char *mv_state_of(const char *name)
{
	static char st[32];
	char *p;

	if (mv_mvctl("-j guest show %s", name))
		return "absent";
	p = strstr(mv_out, "\"state\":\"");
	if (!p || sscanf(p + 9, "%31[^\"]", st) != 1)
		return "unknown";
	return st;
}

pid_t mv_spawn(const char *log, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Exit status, or -1 if it did not end within @secs (then it is killed). */
int mv_reap(pid_t pid, double secs)
{
	double end = mv_now() + secs;
	int st;

	while (mv_now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(20000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

void mv_slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

int mv_free_port(void)
{
	static int next = 4900;

	return next++;
}

