/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests that run the built tools natively: where the repository
 * is, and a loopback port nobody holds.
 */
#ifndef MV_TOOL_UTIL_H
#define MV_TOOL_UTIL_H

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static char top[PATH_MAX];

/* The repository, from where this binary lives (userspace/tests/). */
static inline void find_top(void)
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
static inline int free_port(void)
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

#endif
