/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer guest (guests/writer.c) seen from the host, and the child
 * processes a migration runs: shared by migrate_test and bench/migrate.
 */
#ifndef MV_SELFTEST_WRITER_H
#define MV_SELFTEST_WRITER_H

#include <stdint.h>
#include <sys/types.h>

#include "../../guests/writer.h"
#include "mv_util.h"

/*
 * The blackout as the guest saw it, in its TSC cycles or in us: the longest
 * gap that ended at the counter value the source stopped at (or one
 * later). 0 if it was under 1 ms.
 */
uint64_t mv_guest_downtime_cycles(const struct writer_state *src,
				  const struct writer_state *dst);
uint64_t mv_guest_downtime_us(const struct writer_state *src,
			      const struct writer_state *dst);
/* "32M", "1G" or bytes */
uint64_t mv_parse_mem(const char *s);
/* A writer guest with baseline nehalem, started: 0 or -1 */
int mv_start_writer(const char *name, const char *mem, uint64_t pps);
int mv_writer_state(const char *name, struct writer_state *w);
/* "running", "paused", ... or "absent" */
const char *mv_state_of(const char *name);
int mv_free_port(void);

#endif
