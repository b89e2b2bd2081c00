// SPDX-License-Identifier: GPL-2.0
/*
 * What a migration did: a live line on a terminal, and the figures at the
 * end as text or JSON.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/json_print.h"
#include "mvmig.h"

void mvmig_progress(struct mvmig_metrics *m, const struct mvmig_round *r,
		    uint64_t done_pages)
{
	if (!m->progress)
		return;
	fprintf(stderr, "\r%s %s: round %u%s: %llu pages (%llu zero), %.1f MiB total, dirty limit %llu/s    ",
		m->mode, m->guest ? m->guest : "", r->round,
		r->final ? " (stop-and-copy)" : "",
		(unsigned long long)done_pages,
		(unsigned long long)r->zero_pages,
		m->bytes / 1048576.0, (unsigned long long)r->dirty_limit);
}

static uint64_t rate(uint64_t bytes, uint64_t usec)
{
	return usec ? bytes * 1000000ull / usec : 0;
}

/* downtime_usec in its parts: the sender's, then the destination's */
static void print_parts(const struct mvmig_downtime *d)
{
	open_json_object("downtime_parts");
	print_uint(PRINT_ANY, "harvest_usec", "  downtime parts: harvest %llu", d->harvest_usec);
	print_uint(PRINT_ANY, "last_pages_usec", ", last pages %llu", d->pages_usec);
	print_uint(PRINT_ANY, "vcpu_end_usec", ", VCPU and END %llu", d->tail_usec);
	print_uint(PRINT_ANY, "answer_usec", ", answer %llu", d->answer_usec);
	if (d->remote) {
		print_uint(PRINT_ANY, "dest_checks_usec", " (destination: checks %llu",
			   d->checks_usec);
		print_uint(PRINT_ANY, "dest_commit_usec", ", commit %llu", d->commit_usec);
		print_uint(PRINT_ANY, "dest_start_usec", ", start %llu", d->start_usec);
		print_uint(PRINT_ANY, "network_usec", "; network %llu)", d->network_usec);
	}
	print_string(PRINT_FP, NULL, "%s", " us\n");
	close_json_object();
}

void mvmig_progress_done(const struct mvmig_metrics *m)
{
	const struct mvmig_downtime *d = &m->parts;

	if (!m->progress || !m->has_parts)
		return;
	fprintf(stderr, "\r%s %s: downtime %llu us = harvest %llu + last pages %llu + VCPU/END %llu + answer %llu",
		m->mode, m->guest ? m->guest : "",
		(unsigned long long)m->downtime_usec,
		(unsigned long long)d->harvest_usec, (unsigned long long)d->pages_usec,
		(unsigned long long)d->tail_usec, (unsigned long long)d->answer_usec);
	if (d->remote)
		fprintf(stderr, " (destination checks %llu, commit %llu, start %llu; network %llu)",
			(unsigned long long)d->checks_usec,
			(unsigned long long)d->commit_usec,
			(unsigned long long)d->start_usec,
			(unsigned long long)d->network_usec);
	fputc('\n', stderr);
}

void mvmig_report(const struct mvmig_metrics *m, bool json)
{
	unsigned int i;

	json_init(stdout, json, false);
	open_json_object(NULL);
	print_string(PRINT_ANY, "mode", "%s", m->mode);
	print_string(PRINT_ANY, "guest", " %s", m->guest ? m->guest : "?");
	if (m->target)
		print_string(PRINT_ANY, "target", " as %s", m->target);
	if (m->peer)
		print_string(PRINT_ANY, "peer", " (%s)", m->peer);
	print_string(PRINT_ANY, "outcome", ": %s\n", m->outcome ? m->outcome : "failed");
	if (m->reason)
		print_string(PRINT_ANY, "reason", "  reason: %s\n", m->reason);
	print_uint(PRINT_ANY, "guest_bytes", "  guest RAM %llu bytes", m->guest_bytes);
	print_string(PRINT_ANY, "tracking", ", dirty tracking: %s\n", m->tracking);
	open_json_array("rounds");
	for (i = 0; i < m->nrounds; i++) {
		const struct mvmig_round *r = &m->rounds[i];

		open_json_object(NULL);
		print_uint(PRINT_ANY, "round", "  round %llu", r->round);
		print_bool(PRINT_JSON, "final", NULL, r->final);
		print_string(PRINT_FP, NULL, "%s", r->final ? " (stop-and-copy)" : "");
		print_uint(PRINT_ANY, "pages", ": %llu pages", r->pages);
		print_uint(PRINT_ANY, "zero_pages", " (%llu zero)", r->zero_pages);
		if (r->zero_left_out || is_json())
			print_uint(PRINT_ANY, "zero_left_out", ", %llu zero pages left out",
				   r->zero_left_out);
		print_uint(PRINT_ANY, "bytes", ", %llu bytes", r->bytes);
		print_uint(PRINT_ANY, "usec", " in %llu us", r->usec);
		if (r->dirty_limit) {
			print_uint(PRINT_ANY, "dirty_limit", ", dirty limit %llu pages/s",
				   r->dirty_limit);
			print_uint(PRINT_ANY, "throttle_pct", " (guest throttled %llu %%)",
				   r->throttle);
		} else if (!strcmp(m->mode, "send")) {
			print_uint(PRINT_JSON, "dirty_limit", NULL, 0);
			print_uint(PRINT_JSON, "throttle_pct", NULL, r->throttle);
		}
		print_uint(PRINT_ANY, "bytes_per_sec", " (%llu B/s)\n",
			   rate(r->bytes, r->usec));
		close_json_object();
	}
	close_json_array();
	print_uint(PRINT_ANY, "pages", "  total: %llu pages", m->pages);
	print_uint(PRINT_ANY, "zero_pages", " (%llu zero)", m->zero_pages);
	print_uint(PRINT_ANY, "bytes", ", %llu bytes", m->bytes);
	if (m->guest_bytes)
		print_uint(PRINT_ANY, "bytes_per_guest_byte_x1000",
			   " (%llu/1000 of guest RAM)",
			   m->bytes * 1000 / m->guest_bytes);
	print_uint(PRINT_ANY, "throughput", ", %llu B/s", rate(m->bytes, m->total_usec));
	if (m->pages_tracked) {
		/* The ideal sends each page with data once. */
		print_uint(PRINT_ANY, "resent_pages", "\n  pages sent again %llu",
			   m->resent_pages);
		print_uint(PRINT_ANY, "nonzero_pages", ", pages with data %llu",
			   m->nonzero_pages);
		if (m->nonzero_pages)
			print_uint(PRINT_ANY, "bytes_per_data_byte_x1000",
				   " (%llu/1000 bytes sent per byte of them)",
				   m->bytes * 1000 / (m->nonzero_pages * 4096));
	}
	if (!strcmp(m->mode, "send") && m->nrounds > 1) {
		print_bool(PRINT_JSON, "converged", NULL, m->converged);
		print_string(PRINT_FP, NULL, "\n  %s", m->converged ?
			     "converged: the rest fit the downtime target" :
			     "did not converge: stopped at the round limit");
	}
	print_uint(PRINT_ANY, "downtime_usec", "\n  downtime (host) %llu us",
		   m->downtime_usec);
	print_uint(PRINT_ANY, "total_usec", ", total %llu us\n", m->total_usec);
	if (m->has_parts)
		print_parts(&m->parts);
	close_json_object();
	json_finish();
}
