// SPDX-License-Identifier: GPL-2.0
/*
 * mvmig evacuate: empty this host before service. Maintenance mode goes
 * on first, so that nothing new arrives while it drains; then each
 * running guest goes to the first destination that takes it, with the
 * commit rules of every single send. Up to --parallel moves run at once,
 * each in a process of its own, and the end is a table of what happened.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/migvisor_nl.h>

#include "../lib/compiler.h"
#include "../lib/json_print.h"
#include "../lib/mvnl.h"
#include "mvmig.h"

enum move_status {
	MOVE_DONE = 0,
	MOVE_STAYED = 1,
	MOVE_UNKNOWN = MVMIG_EXIT_IN_DOUBT,
	MOVE_SKIPPED,		/* nothing runs in it: stopped, never started */
	MOVE_TODO,		/* running: to move */
	MOVE_KINDS
};

struct move {
	struct mvmig_guest g;
	int status;		/* enum move_status */
	int dest;		/* index into the destinations, or -1 */
	struct mvmig_outcome res;	/* of the last attempt */
	char why[1536];		/* each destination's answer, for a stayer */
};

struct evac {
	const struct mvmig_opts *o;
	const char *const *dests;
	unsigned int ndests;
};

static const char *dest_name(const struct evac *e, int i)
{
	return e->dests[i] ? e->dests[i] : e->o->listen;
}

static void __printf(2, 3) say(const struct evac *e, const char *fmt, ...)
{
	va_list ap;

	if (e->o->quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "evacuate: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* One guest, destination after destination, until one takes it. */
static void move_one(const struct evac *e, struct move *mv, bool live_line)
{
	struct mvmig_opts o = *e->o;
	size_t len = 0;
	unsigned int i;

	o.guest = o.target = mv->g.name;
	o.out = &mv->res;
	o.quiet = !live_line;
	o.json = false;
	mv->status = MOVE_STAYED;
	mv->dest = -1;
	for (i = 0; i < e->ndests; i++) {
		if (mvmig_cancel) {
			len += snprintf(mv->why + len, sizeof(mv->why) - len,
					"%scancelled", len ? "; " : "");
			break;
		}
		memset(&mv->res, 0, sizeof(mv->res));
		o.peer = e->dests[i];
		say(e, "%s -> %s ...", mv->g.name, dest_name(e, i));
		mvmig_send(&o, false);
		if (live_line)
			fputc('\n', stderr);
		if (mv->res.status == 0) {
			mv->status = MOVE_DONE;
			mv->dest = i;
			say(e, "%s -> %s: migrated, downtime %.1f ms", mv->g.name,
			    dest_name(e, i), mv->res.downtime_usec / 1000.0);
			return;
		}
		if (len < sizeof(mv->why))
			len += snprintf(mv->why + len, sizeof(mv->why) - len,
					"%s%s: %s", len ? "; " : "",
					dest_name(e, i), mv->res.reason);
		/* It may run there already: trying elsewhere could run it twice. */
		if (mv->res.status == MVMIG_EXIT_IN_DOUBT) {
			mv->status = MOVE_UNKNOWN;
			mv->dest = i;
			say(e, "%s -> %s: outcome unknown, the guest is paused here: %s",
			    mv->g.name, dest_name(e, i), mv->res.reason);
			return;
		}
		say(e, "%s -> %s: %s: %s", mv->g.name, dest_name(e, i),
		    mv->res.outcome, mv->res.reason);
	}
	say(e, "%s stays here, running", mv->g.name);
}

struct slot {
	pid_t pid;
	int fd;
	struct move *mv;
};

/* Reap one mover; its result comes through its pipe. */
static void reap(const struct evac *e, struct slot *slots, unsigned int *n)
{
	unsigned int i;
	int st;
	pid_t pid = waitpid(-1, &st, 0);

	if (pid < 0)
		return;
	for (i = 0; i < *n && slots[i].pid != pid; i++)
		;
	if (i == *n)
		return;
	if (read(slots[i].fd, slots[i].mv, sizeof(*slots[i].mv)) !=
	    sizeof(*slots[i].mv)) {
		/* Died without a word: it may have been in the middle of it. */
		slots[i].mv->status = MOVE_UNKNOWN;
		snprintf(slots[i].mv->why, sizeof(slots[i].mv->why),
			 "the process moving it ended (%s %d) without a result: check the destinations",
			 WIFSIGNALED(st) ? "signal" : "status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		say(e, "%s: %s", slots[i].mv->g.name, slots[i].mv->why);
	}
	close(slots[i].fd);
	slots[i] = slots[--*n];
}

static int run_parallel(const struct evac *e, struct move *mv, unsigned int n)
{
	unsigned int par = e->o->parallel, busy = 0, i, k;
	struct slot *slots = calloc(par, sizeof(*slots));
	bool forwarded = false;

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int p[2];
		pid_t pid;

		if (mv[i].status != MOVE_TODO)
			continue;
		while (busy == par)
			reap(e, slots, &busy);
		if (mvmig_cancel) {
			mv[i].status = MOVE_STAYED;
			snprintf(mv[i].why, sizeof(mv[i].why), "cancelled");
			continue;
		}
		if (pipe(p)) {
			mv[i].status = MOVE_STAYED;
			snprintf(mv[i].why, sizeof(mv[i].why), "pipe: %s", strerror(errno));
			continue;
		}
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			mvnl_shared_drop();
			move_one(e, &mv[i], false);
			if (write(p[1], &mv[i], sizeof(mv[i])) != sizeof(mv[i]))
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		if (pid < 0) {
			close(p[0]);
			mv[i].status = MOVE_STAYED;
			snprintf(mv[i].why, sizeof(mv[i].why), "fork: %s", strerror(errno));
			continue;
		}
		slots[busy++] = (struct slot){ .pid = pid, .fd = p[0], .mv = &mv[i] };
	}
	while (busy) {
		/* A cancel reaches each mover, which stops at its next safe point. */
		if (mvmig_cancel && !forwarded) {
			for (k = 0; k < busy; k++)
				kill(slots[k].pid, SIGTERM);
			forwarded = true;
		}
		reap(e, slots, &busy);
	}
	free(slots);
	return 0;
}

static const char *status_name(int s)
{
	switch (s) {
	case MOVE_DONE:
		return "migrated";
	case MOVE_UNKNOWN:
		return "unknown";
	case MOVE_SKIPPED:
		return "skipped";
	default:
		return "stayed";
	}
}

static void print_table(const struct evac *e, const struct move *mv,
			unsigned int n, const unsigned int *count)
{
	unsigned int i;

	if (e->o->json) {
		json_init(stdout, true, false);
		open_json_object(NULL);
		open_json_array("guests");
		for (i = 0; i < n; i++) {
			open_json_object(NULL);
			print_string(PRINT_JSON, "guest", NULL, mv[i].g.name);
			if (mv[i].dest >= 0)
				print_string(PRINT_JSON, "destination", NULL,
					     dest_name(e, mv[i].dest));
			print_string(PRINT_JSON, "outcome", NULL, status_name(mv[i].status));
			if (mv[i].status == MOVE_DONE) {
				print_uint(PRINT_JSON, "downtime_usec", NULL,
					   mv[i].res.downtime_usec);
				print_uint(PRINT_JSON, "total_usec", NULL,
					   mv[i].res.total_usec);
				print_uint(PRINT_JSON, "bytes", NULL, mv[i].res.bytes);
			} else {
				print_string(PRINT_JSON, "reason", NULL, mv[i].why);
			}
			close_json_object();
		}
		close_json_array();
		print_uint(PRINT_JSON, "migrated", NULL, count[MOVE_DONE]);
		print_uint(PRINT_JSON, "stayed", NULL, count[MOVE_STAYED]);
		print_uint(PRINT_JSON, "unknown", NULL, count[MOVE_UNKNOWN]);
		print_uint(PRINT_JSON, "skipped", NULL, count[MOVE_SKIPPED]);
		close_json_object();
		json_finish();
		return;
	}
	printf("%-*s %-24s %-9s %10s  %s\n", MV_GUEST_NAME_MAX - 1, "GUEST",
	       "DESTINATION", "OUTCOME", "DOWNTIME", "REASON");
	for (i = 0; i < n; i++) {
		char dt[32] = "-";

		if (mv[i].status == MOVE_DONE)
			snprintf(dt, sizeof(dt), "%.1f ms",
				 mv[i].res.downtime_usec / 1000.0);
		printf("%-*s %-24s %-9s %10s  %s\n", MV_GUEST_NAME_MAX - 1,
		       mv[i].g.name, mv[i].dest >= 0 ? dest_name(e, mv[i].dest) : "-",
		       status_name(mv[i].status), dt, mv[i].why);
	}
	printf("%u migrated, %u stayed, %u unknown, %u skipped\n",
	       count[MOVE_DONE], count[MOVE_STAYED], count[MOVE_UNKNOWN],
	       count[MOVE_SKIPPED]);
}

int mvmig_evacuate(const struct mvmig_opts *o, const char *const *dests,
		   unsigned int ndests)
{
	struct evac e = { .o = o, .dests = dests, .ndests = ndests };
	unsigned int n, i, count[MOVE_KINDS] = { 0 }, todo = 0;
	struct mvmig_guest *g;
	struct move *mv;
	char err[512];
	int ret;

	ret = mvmig_maintenance(true, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "Error: cannot turn maintenance mode on: %s\n", err);
		return 1;
	}
	say(&e, "maintenance mode on: this host takes no new guests (mvctl host set maintenance off ends it)");
	ret = mvmig_guest_list(&g, &n, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "Error: cannot list the guests: %s\n", err);
		return 1;
	}
	mv = calloc(n ? n : 1, sizeof(*mv));
	if (!mv) {
		free(g);
		fprintf(stderr, "Error: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		mv[i].g = g[i];
		mv[i].dest = -1;
		if (g[i].state == MV_GUEST_RUNNING) {
			mv[i].status = MOVE_TODO;
			todo++;
			continue;
		}
		/* The receiver starts what it gets: a paused guest would run. */
		if (g[i].state == MV_GUEST_PAUSED) {
			mv[i].status = MOVE_STAYED;
			snprintf(mv[i].why, sizeof(mv[i].why),
				 "paused here: resume it to move it, or move it with mvmig send");
		} else {
			mv[i].status = MOVE_SKIPPED;
			snprintf(mv[i].why, sizeof(mv[i].why), "%s: nothing runs in it",
				 g[i].state == MV_GUEST_STOPPED ? "stopped" : "never started");
		}
	}
	free(g);
	say(&e, "%u guest%s to move, %u other%s", todo, todo == 1 ? "" : "s",
	    n - todo, n - todo == 1 ? "" : "s");
	if (o->parallel > 1) {
		run_parallel(&e, mv, n);
	} else {
		bool live = !o->quiet && !o->json && (o->progress || isatty(2));

		for (i = 0; i < n; i++)
			if (mv[i].status == MOVE_TODO)
				move_one(&e, &mv[i], live);
	}
	for (i = 0; i < n; i++)
		count[mv[i].status]++;
	print_table(&e, mv, n, count);
	for (i = 0; i < n; i++)
		if (mv[i].status == MOVE_UNKNOWN)
			fprintf(stderr, "The guest %s is paused here and may run on %s: if it does, delete it here (mvctl guest del %s); if not, resume it (mvctl guest resume %s).\n",
				mv[i].g.name, mv[i].dest >= 0 ? dest_name(&e, mv[i].dest) : "a destination",
				mv[i].g.name, mv[i].g.name);
	free(mv);
	if (count[MOVE_UNKNOWN])
		return MVMIG_EXIT_IN_DOUBT;
	return count[MOVE_STAYED] ? 1 : 0;
}
