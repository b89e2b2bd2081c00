// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a record stream as "mvmig recv --to" takes it from a peer
 * (userspace/mvmig/target.c): the reader over a file descriptor, wire
 * records in between, the head (HEADER, BASELINE, CONFIG) checked as
 * prepare() does, then every record checked (mv_rec_check) and counted
 * into page maps sized from CONFIG, as both ends' metrics do. The same
 * bytes also go through mv_rec_account(), what "send --from" runs over a
 * snapshot file.
 *
 * Each payload is handed on in a buffer of exactly its length, so that
 * reading past a record is an ASan error, not a read of the next one.
 * What the checks accepted is checked again against what it must mean.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/migvisor_rec.h>

#include "../../common/record.h"
#include "../lib/stream.h"

static int fd = -1;

/* Accepted PAGES: every entry inside RAM, and the length adds up. */
static void check_accepted_pages(const struct mv_rec *h, const uint8_t *p,
				 uint64_t guest_bytes)
{
	struct mv_rec_stats st = { 0 };
	struct mv_rec_pages ph;
	size_t o = sizeof(ph);
	uint32_t i;

	memcpy(&ph, p, sizeof(ph));
	for (i = 0; i < ph.count; i++) {
		uint64_t e;

		memcpy(&e, p + o, 8);
		o += 8;
		if ((e & ~(uint64_t)MV_PAGE_FLAGS) >= guest_bytes)
			__builtin_trap();
		if (!(e & MV_PAGE_ZERO))
			o += 4096;
	}
	if (o != h->len)
		__builtin_trap();
	mv_rec_account_one(h, p, &st);
	if (st.pages != ph.count ||
	    st.data_bytes != (st.pages - st.zero_pages) * 4096)
		__builtin_trap();
}

static void run(const uint8_t *data, size_t size)
{
	struct mv_rec_check chk = { 0 };
	struct mv_page_map map = { 0 };
	struct mv_rec_stats st = { .map = &map };
	struct mv_rec_config cfg;
	struct mv_policy pol;
	char name[MV_BASELINE_NAME_MAX];
	unsigned int head = 0;
	struct mv_reader r;
	struct mv_rec h;
	const char *why;
	uint8_t *p, *copy;

	if (mv_reader_init(&r, fd))
		return;
	while (mv_reader_next(&r, &h, &p) == 1) {
		if (h.len > mv_rec_len_max(h.type))
			__builtin_trap();
		copy = malloc(h.len ? h.len : 1);
		if (!copy)
			break;
		memcpy(copy, p, h.len);
		/* Wire records: the reader checked their CRC, transfer() skips them. */
		if (h.type >= MV_REC_HELLO) {
			free(copy);
			continue;
		}
		if (head < 3) {
			/* prepare(): the head, in order, before anything is sized */
			if (h.type != MV_REC_HEADER + head || !mv_rec_len_ok(&h) ||
			    mv_rec_crc_of(&h, copy) != h.crc) {
				free(copy);
				break;
			}
			if (h.type == MV_REC_BASELINE &&
			    mv_rec_baseline_get(copy, h.len, &pol, name, &why)) {
				free(copy);
				break;
			}
			if (h.type == MV_REC_CONFIG) {
				if (mv_rec_config_get(copy, h.len, &cfg, &why)) {
					free(copy);
					break;
				}
				chk.codec.guest_pages = cfg.memory / 4096;
				if (mv_page_map_init(&map, cfg.memory))
					__builtin_trap();	/* bounded: must fit */
			}
			head++;
		}
		if (!mv_rec_check(&chk, &h, copy, &why)) {
			if (h.type == MV_REC_PAGES)
				check_accepted_pages(&h, copy, chk.codec.guest_pages * 4096);
			mv_rec_account_one(&h, copy, &st);
		}
		free(copy);
		if (mv_codec_ended(&chk.codec))
			break;
	}
	if (map.nonzero_pages > map.npages)
		__builtin_trap();
	mv_reader_free(&r);
	/* send --from: accounting straight over the file's bytes */
	memset(&st, 0, sizeof(st));
	st.map = &map;
	mv_rec_account(data, size, &st);
	mv_page_map_free(&map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd < 0)
		fd = memfd_create("stream", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET))
		return 0;
	run(data, size);
	return 0;
}
