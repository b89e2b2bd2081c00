// SPDX-License-Identifier: GPL-2.0
/*
 * A zstd round trip over Debian's libzstd.a, linked statically. Its
 * decoder picks a BMI2 build of its hot loops by CPUID at run time, so
 * under a baseline without BMI2 it must take the other one, and give the
 * same bytes either way.
 *
 *   zround [FILE...]   compress each FILE (and a generated buffer) at
 *                      levels 1, 3 and 9, decompress, compare, and print
 *                      sizes and FNV-1a digests
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t fnv(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int round_trip(const char *name, const void *src, size_t n)
{
	static const int levels[] = { 1, 3, 9 };
	size_t cap = ZSTD_compressBound(n);
	void *z = malloc(cap), *back = malloc(n ? n : 1);
	int bad = 0;

	if (!z || !back) {
		printf("%s: out of memory\n", name);
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
		size_t zn = ZSTD_compress(z, cap, src, n, levels[i]), bn;

		if (ZSTD_isError(zn)) {
			printf("%s: level %d: %s\n", name, levels[i], ZSTD_getErrorName(zn));
			bad = 1;
			continue;
		}
		bn = ZSTD_decompress(back, n, z, zn);
		if (ZSTD_isError(bn) || bn != n || memcmp(back, src, n)) {
			printf("%s: level %d: the round trip differs\n", name, levels[i]);
			bad = 1;
			continue;
		}
		printf("%s: %zu bytes, level %d: %zu bytes, frame %016" PRIx64 ", round trip ok\n",
		       name, n, levels[i], zn, fnv(z, zn));
	}
	free(z);
	free(back);
	return bad;
}

static int file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;
	int bad;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				printf("%s: out of memory\n", path);
				return 1;
			}
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	bad = round_trip(path, buf, n);
	free(buf);
	return bad;
}

int main(int argc, char **argv)
{
	size_t n = 256 << 10;
	unsigned char *gen = malloc(n);
	uint64_t s = 42;
	int bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("zround: zstd %s\n", ZSTD_versionString());
	if (!gen)
		return 1;
	/* Half text-like runs, half noise: both of the decoder's paths */
	for (size_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		gen[i] = i % 4096 < 2048 ?
			 (unsigned char)"the quick brown fox "[(i / 7 + (s >> 62)) % 20] :
			 (unsigned char)(s >> 56);
	}
	bad |= round_trip("generated", gen, n);
	for (int i = 1; i < argc; i++)
		bad |= file(argv[i]);
	printf("zround: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
