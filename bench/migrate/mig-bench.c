// SPDX-License-Identifier: GPL-2.0
/*
 * mig-bench: live migrations of the writer guest over loopback inside one
 * host, one JSON line each (prefixed "MV-BENCH " for the rig's log).
 *
 *   mig-bench MEM PERCENT REPS MAX_ROUNDS
 *
 * PERCENT is the share of guest RAM the writer dirties per second of its
 * own time (0: idle, one page a second). Each line holds mvmig send's own
 * figures (rounds, bytes, pages sent again, pages with data, host
 * downtime and its parts, converged, auto-converge's dirty limits) and
 * the guest's view: the gap in its TSC across the move, whether every page
 * it checked afterwards held what it wrote, and how far it got on the
 * source while the move ran (what throttling cost it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../selftests/lib/mv_guest.h"
#include "../../selftests/lib/mv_writer.h"

static int one(const char *mem, unsigned int pct, uint64_t pps,
	       unsigned int rep, unsigned int max_rounds)
{
	struct writer_state w0, ws, wd;
	static char out[65536];
	int port = 5100 + rep, rs, rr;
	pid_t rpid, spid;
	char *nl;

	mv_delete_all_guests();
	if (mv_start_writer("src", mem, pps)) {
		fprintf(stderr, "mig-bench: cannot start the writer: %s", mv_out);
		return 1;
	}
	sleep(1);
	/* Its count when the move begins: what throttling cost, at the end */
	if (mv_writer_state("src", &w0))
		return 1;
	rpid = mv_spawn("/tmp/bench-recv.log",
			"mvmig recv --listen 127.0.0.1:%d --once --name dst -j", port);
	spid = mv_spawn("/tmp/bench-send.log",
			"mvmig send src 127.0.0.1:%d --wait 30 --keep-source -j --max-rounds %u",
			port, max_rounds);
	rs = mv_reap(spid, 3600);
	rr = mv_reap(rpid, 60);
	mv_slurp("/tmp/bench-send.log", out, sizeof(out));
	nl = strchr(out, '\n');
	if (nl)
		*nl = 0;
	if (rs || rr || out[0] != '{') {
		fprintf(stderr, "mig-bench: %s pct %u: send %d, recv %d: %s\n",
			mem, pct, rs, rr, out);
		return 1;
	}
	/* Let the destination run and check a stretch of pages. */
	sleep(2);
	if (mv_writer_state("src", &ws) || mv_writer_state("dst", &wd))
		return 1;
	printf("MV-BENCH {\"section\": \"migrate\", \"mem\": %llu, \"percent\": %u, \"pps\": %llu, \"rep\": %u, \"max_rounds\": %u, \"guest_downtime_cycles\": %llu, \"guest_downtime_us\": %llu, \"tsc_khz\": %llu, \"verify_failures\": %llu, \"dst_progress\": %llu, \"src_progress\": %llu, \"send\": %s}\n",
	       (unsigned long long)mv_parse_mem(mem), pct, (unsigned long long)pps,
	       rep, max_rounds,
	       (unsigned long long)mv_guest_downtime_cycles(&ws, &wd),
	       (unsigned long long)mv_guest_downtime_us(&ws, &wd),
	       (unsigned long long)wd.tsc_khz,
	       (unsigned long long)wd.verify_failures,
	       (unsigned long long)(wd.counter - ws.counter),
	       (unsigned long long)(ws.counter - w0.counter), out);
	fflush(stdout);
	mv_delete_all_guests();
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int pct, reps, max_rounds, i;
	uint64_t pps;
	int fails = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: mig-bench MEM PERCENT REPS MAX_ROUNDS\n");
		return 2;
	}
	pct = atoi(argv[2]);
	reps = atoi(argv[3]);
	max_rounds = atoi(argv[4]);
	pps = pct ? mv_parse_mem(argv[1]) / 4096 * pct / 100 : 1;
	for (i = 0; i < reps; i++)
		fails += one(argv[1], pct, pps, i, max_rounds);
	return fails ? 1 : 0;
}
