// SPDX-License-Identifier: GPL-2.0
/*
 * An ordinary Linux program, built with gcc -static and with musl-gcc
 * -static, that linux_test runs as a guest under the Linux personality.
 * It uses only the C library, so what it prints is what any program would
 * see: its arguments, environment and auxiliary vector, the files packed
 * for it, the clocks, and what a fault or an unknown system call does.
 *
 *   lxinfo info FILE...   argv, environ, auxv; size and FNV-1a of each FILE;
 *                         a new file written, renamed and read back
 *   lxinfo time           the clocks and a 20 ms sleep
 *   lxinfo segv-handled   SIGSEGV caught by a handler, which exits 42
 *   lxinfo segv           a fault with no handler
 *   lxinfo ud             an undefined opcode with no handler
 *   lxinfo nosys          an unknown system call, fork and a thread
 *   lxinfo exit N         exit status N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* From a string, so that the compiler cannot see the store fault. */
static int *bad_ptr(void)
{
	return (int *)strtoul("0x10", NULL, 16);
}

static uint64_t fnv1a(const unsigned char *p, size_t n, uint64_t h)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int hash_file(const char *path)
{
	unsigned char buf[4096];
	uint64_t h = 0xcbf29ce484222325ULL;
	long total = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("file %s: open: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st)) {
		printf("file %s: fstat: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		h = fnv1a(buf, n, h);
		total += n;
	}
	close(fd);
	printf("file %s size %ld read %ld fnv %016llx\n", path,
	       (long)st.st_size, total, (unsigned long long)h);
	return n < 0 || total != st.st_size;
}

static int write_back(void)
{
	static const char msg[] = "written in the guest\n";
	char buf[64] = "";
	FILE *f;

	f = fopen("/tmp/out.txt", "w");
	if (!f || fputs(msg, f) < 0 || fclose(f)) {
		printf("write /tmp/out.txt: %s\n", strerror(errno));
		return 1;
	}
	if (rename("/tmp/out.txt", "/tmp/new.txt")) {
		printf("rename: %s\n", strerror(errno));
		return 1;
	}
	f = fopen("/tmp/new.txt", "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		printf("read /tmp/new.txt: %s\n", strerror(errno));
		return 1;
	}
	fclose(f);
	printf("write-back %s\n", strcmp(buf, msg) ? "differs" : "ok");
	return strcmp(buf, msg) != 0;
}

static int info(int argc, char **argv)
{
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	const char *fn = (const char *)getauxval(AT_EXECFN);
	struct utsname u;
	int i, bad = 0;
	char cwd[64];

	for (i = 0; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	for (i = 0; environ[i]; i++)
		printf("env %s\n", environ[i]);
	printf("auxv pagesz %lu clktck %lu secure %lu uid %lu gid %lu\n",
	       getauxval(AT_PAGESZ), getauxval(AT_CLKTCK),
	       getauxval(AT_SECURE), getauxval(AT_UID), getauxval(AT_GID));
	printf("auxv hwcap %#lx platform %s execfn %s\n", getauxval(AT_HWCAP),
	       plat ? plat : "(none)", fn ? fn : "(none)");
	printf("auxv minsigstksz %s random %s\n",
	       getauxval(AT_MINSIGSTKSZ) >= 1024 ? "ok" : "missing",
	       rnd && (rnd[0] | rnd[5] | rnd[15]) ? "ok" : "missing");
	if (uname(&u) == 0)
		printf("uname %s %s\n", u.sysname, u.machine);
	if (getcwd(cwd, sizeof(cwd)))
		printf("cwd %s\n", cwd);
	printf("pid %d\n", (int)getpid());
	for (i = 2; i < argc; i++)
		bad |= hash_file(argv[i]);
	bad |= write_back();
	return bad;
}

static int clocks(void)
{
	struct timespec a, b, r, w;
	long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &a) || clock_getres(CLOCK_MONOTONIC, &r) ||
	    clock_gettime(CLOCK_REALTIME, &w)) {
		printf("clock: %s\n", strerror(errno));
		return 1;
	}
	usleep(20000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("slept %s (%ld ms)\n", ms >= 20 && ms < 2000 ? "ok" : "wrong", ms);
	printf("realtime %s\n", w.tv_sec > 1700000000 ? "ok" : "wrong");
	printf("resolution %s\n", r.tv_sec == 0 && r.tv_nsec > 0 ? "ok" : "wrong");
	return !(ms >= 20 && ms < 2000);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "handler: SIGSEGV at the bad address\n";

	(void)uc;
	if (sig == SIGSEGV && si->si_addr == (void *)0x10)
		write(1, msg, sizeof(msg) - 1);
	_exit(42);
}

static int nosys(void)
{
	long r = syscall(999);

	printf("syscall 999: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	r = fork();
	printf("fork: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "info";
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "info"))
		return info(argc, argv);
	if (!strcmp(mode, "time"))
		return clocks();
	if (!strcmp(mode, "segv-handled")) {
		sigaction(SIGSEGV, &sa, NULL);
		*bad_ptr() = 1;
		return 1;
	}
	if (!strcmp(mode, "segv")) {
		*bad_ptr() = 1;
		return 1;
	}
	if (!strcmp(mode, "ud")) {
		__asm__ volatile("ud2");
		return 1;
	}
	if (!strcmp(mode, "nosys"))
		return nosys();
	if (!strcmp(mode, "exit") && argc > 2)
		return atoi(argv[2]);
	fprintf(stderr, "lxinfo: unknown mode %s\n", mode);
	return 2;
}
