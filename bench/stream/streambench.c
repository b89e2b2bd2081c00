// SPDX-License-Identifier: GPL-2.0
/*
 * streambench: the machine's limits that the mvmig stream engine is
 * measured against, each printed as one JSON object of samples.
 *
 *   streambench mem SIZE_MIB REPS     memcpy, zero-page scan, CRC32C (GB/s)
 *   streambench tcp-recv PORT FILE    plain TCP copy: socket to a new file
 *                                     (FILE "-": read and drop)
 *   streambench tcp-send FILE HOST:PORT   ... from a file; prints seconds
 *   streambench tsc-khz               this machine's TSC rate
 *
 * The plain copy does what mvmig does minus the protocol: the sender
 * writes the mapped file in 4 MiB runs, the receiver reads into a 2 MiB
 * buffer, writes the file, syncs it and answers one byte, and the sender's
 * clock runs from connect to that byte, as mvmig's runs to the ACK.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../common/record.h"
#include "../../userspace/lib/mapfile.h"
#include "../../userspace/lib/stream.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *big(size_t len, int fill)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("streambench: mmap");
		exit(1);
	}
	memset(p, fill, len);	/* real pages, not the shared zero page */
	return p;
}

static void samples(const char *key, const double *v, int n, bool last)
{
	int i;

	printf("\"%s\": [", key);
	for (i = 0; i < n; i++)
		printf("%s%.3f", i ? ", " : "", v[i]);
	printf("]%s\n", last ? "" : ",");
}

static int mem(size_t mib, int reps)
{
	size_t len = mib << 20, pg;
	uint8_t *a = big(len, 0x5a), *b = big(len, 0), *z = big(len, 0);
	double cp[64], zs[64], crc[64], t;
	uint32_t c = 0;
	int r, nz = 0;

	if (reps > 64)
		reps = 64;
	for (r = 0; r < reps; r++) {
		t = now();
		memcpy(b, a, len);
		cp[r] = len / (now() - t) / 1e9;
		t = now();
		for (pg = 0; pg < len; pg += 4096)
			nz += !mv_page_is_zero(z + pg);
		zs[r] = len / (now() - t) / 1e9;
		t = now();
		c = mv_crc32c(c, a, len);
		crc[r] = len / (now() - t) / 1e9;
	}
	if (nz || !c)
		fprintf(stderr, "streambench: zero pages seen as data: %d\n", nz);
	printf("{\n\"bytes\": %zu,\n", len);
	samples("memcpy_gbps", cp, reps, false);
	samples("zero_scan_gbps", zs, reps, false);
	samples("crc32c_gbps", crc, reps, true);
	printf("}\n");
	return nz ? 1 : 0;
}

static int tcp_recv(const char *port, const char *file)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE },
			*ai;
	size_t cap = 2u << 20;
	uint8_t *buf = malloc(cap), ok = 1;
	int l, fd, out, one = 1;
	ssize_t n;

	if (getaddrinfo("127.0.0.1", port, &hints, &ai))
		return 1;
	l = socket(ai->ai_family, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, ai->ai_addr, ai->ai_addrlen) || listen(l, 1)) {
		perror("streambench: listen");
		return 1;
	}
	fd = accept(l, NULL, NULL);
	/* "-": memory to memory, the loopback limit itself */
	out = strcmp(file, "-") ? open(file, O_WRONLY | O_CREAT | O_EXCL, 0600) :
	      open("/dev/null", O_WRONLY);
	if (fd < 0 || out < 0 || !buf) {
		perror("streambench: tcp-recv");
		return 1;
	}
	/* Whole buffers to the file: small writes cost tmpfs more than TCP. */
	do {
		size_t len = 0;

		while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
			len += n;
		if (len && mv_write_all(out, buf, len))
			return 1;
	} while (n > 0);
	if (n < 0 || (fsync(out) && errno != EINVAL))
		return 1;
	close(out);
	return write(fd, &ok, 1) == 1 ? 0 : 1;
}

static int tcp_send(const char *file, const char *peer)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char host[64], *port;
	size_t off, len, chunk = 4u << 20;
	uint8_t *img = mv_map_file(file, &len), ok;
	int fd = -1, one = 1, tries;
	double t;

	snprintf(host, sizeof(host), "%s", peer);
	port = strrchr(host, ':');
	if (!img || !port)
		return 1;
	*port++ = 0;
	if (getaddrinfo(host, port, &hints, &ai))
		return 1;
	for (tries = 0; tries < 100; tries++) {
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		t = now();
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		close(fd);
		fd = -1;
		usleep(50000);
	}
	if (fd < 0)
		return 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (mv_write_all(fd, img + off, n))
			return 1;
	}
	shutdown(fd, SHUT_WR);
	if (read(fd, &ok, 1) != 1)
		return 1;
	printf("{\"bytes\": %zu, \"seconds\": %.6f}\n", len, now() - t);
	return 0;
}

/* The TSC rate, which a TCG guest's RDTSC follows: for the QEMU peer. */
static int tsc_khz(void)
{
	uint64_t t0 = __builtin_ia32_rdtsc(), t1;
	double w0 = now();

	usleep(200000);
	t1 = __builtin_ia32_rdtsc();
	printf("%.0f\n", (t1 - t0) / (now() - w0) / 1000);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "tsc-khz"))
		return tsc_khz();
	if (argc == 4 && !strcmp(argv[1], "mem"))
		return mem(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "tcp-recv"))
		return tcp_recv(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "tcp-send"))
		return tcp_send(argv[2], argv[3]);
	fprintf(stderr, "usage: streambench mem SIZE_MIB REPS | tcp-recv PORT FILE | tcp-send FILE HOST:PORT\n");
	return 2;
}
