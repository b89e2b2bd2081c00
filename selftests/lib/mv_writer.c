// SPDX-License-Identifier: GPL-2.0
/* The writer guest from the host's side (mv_writer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int mv_free_port(void)
{
	static int next = 4900;

	return next++;
}

