// SPDX-License-Identifier: GPL-2.0
/* The few libc functions the personality itself needs, and its console. */
#include "lx.h"

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;

	asm volatile("rep movsb" : "+D" (d), "+S" (s), "+c" (n) : : "memory");
	return ret;
}

void *memset(void *d, int c, size_t n)
{
	void *ret = d;

	asm volatile("rep stosb" : "+D" (d), "+c" (n) : "a" (c) : "memory");
	return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strcpy(char *d, const char *s)
{
	char *ret = d;

	while ((*d++ = *s++))
		;
	return ret;
}

/*
 * The hypercall takes guest-physical addresses: kernel memory is copied
 * through a bounce buffer in the identity-mapped image, where VA == PA.
 */
void lx_console(const void *p, size_t n)
{
	static char bounce[4096] __aligned(64);
	const char *s = p;

	while (n) {
		size_t k = n < sizeof(bounce) ? n : sizeof(bounce);

		memcpy(bounce, s, k);
		mv_hypercall(MV_HC_CONSOLE_WRITE, (uint64_t)bounce, k, 0);
		s += k;
		n -= k;
	}
}

static void vlog(const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	memcpy(buf, "mvlinux: ", 9);
	n = mv_vsnprintf(buf + 9, sizeof(buf) - 10, fmt, ap);
	n = n + 9 < (int)sizeof(buf) - 1 ? n + 9 : (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	lx_console(buf, n);
}

void lx_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

/* What guest RAM the run needed, so that the user can size the next one. */
void lx_exit(int status)
{
	static bool exiting;
	struct lx_mm_stats st;

	/* The program's own need, before the table below takes its pages */
	lx_mm_stats(&st);
	/* A fault while the files are listed must not list them again. */
	if (!exiting) {
		exiting = true;
		lx_fs_export();
	}
	lx_log("exit %d; memory: %lu KiB at most in use, %lu KiB of it page tables, of %lu KiB free after %lu KiB of images and files",
	       status & 0xff, st.peak >> 10, st.page_tables >> 10, st.managed >> 10,
	       st.below >> 10);
	for (;;)
		mv_hypercall(MV_HC_EXIT, (uint64_t)(status & 0xff), 0, 0);
}

/* A fault of the personality itself: say so, and stop with 255. */
void lx_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	for (;;)
		mv_hypercall(MV_HC_EXIT, 255, 0, 0);
}
