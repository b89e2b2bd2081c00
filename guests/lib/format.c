// SPDX-License-Identifier: GPL-2.0
/*
 * printf-style formatting for freestanding guest code: the runtime's and
 * the Linux personality's (guests/linux), which has no other libc.
 */
#include <stdarg.h>

#include "mvguest.h"

struct out {
	char *buf;
	unsigned long size, n;
};

static void put(struct out *o, char c)
{
	if (o->n + 1 < o->size)
		o->buf[o->n] = c;
	o->n++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
		    int width, char pad, int neg)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width-- > n)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
}

int mv_vsnprintf(char *buf, unsigned long size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);

			put_num(&o, v < 0 ? -v : v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_num(&o, lng ? va_arg(ap, unsigned long long) :
				va_arg(ap, unsigned int), 10, width, pad, 0);
			break;
		case 'x':
			put_num(&o, lng ? va_arg(ap, unsigned long long) :
				va_arg(ap, unsigned int), 16, width, pad, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				put(&o, *s++);
			break;
		}
		case 'c':
			put(&o, va_arg(ap, int));
			break;
		default:
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.n < size ? o.n : size - 1] = 0;
	return o.n;
}

int mv_snprintf(char *buf, unsigned long size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

