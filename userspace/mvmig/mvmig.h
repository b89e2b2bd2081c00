/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvmig: live migration, save and restore of migvisor guests.
 */
#ifndef MV_MVMIG_H
#define MV_MVMIG_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../../common/policy.h"
#include "../lib/stream.h"

#define MVMIG_PORT		4799
#define MVMIG_MAX_ROUNDS	30

/* Exit codes beyond 0 (done) and 1 (failed, source unchanged and running) */
#define MVMIG_EXIT_USAGE	2
#define MVMIG_EXIT_IN_DOUBT	3	/* source left paused: see the man page */

/* What one send did, for a caller that runs several (evacuate) */
struct mvmig_outcome {
	int status;			/* its exit status: 0, 1 or 3 */
	char outcome[16];		/* "migrated", "refused", "failed", ... */
	char reason[640];		/* why not, in words ("" when done) */
	uint64_t downtime_usec, total_usec, bytes;
};

struct mvmig_opts {
	const char *guest;		/* source guest */
	const char *target;		/* name on the destination */
	const char *peer;		/* HOST:PORT, or a file */
	const char *listen;		/* recv, or send without a peer: ADDR:PORT */
	const char *from;		/* send: a snapshot file as the source */
	const char *to;			/* recv: a snapshot file as the sink */
	uint64_t downtime_ms;
	uint64_t max_bandwidth;		/* bytes/s, 0: unlimited */
	unsigned int max_rounds;
	unsigned int wait_s;		/* send: retry connecting this long */
	unsigned int timeout_s;		/* any one wait for the peer */
	bool keep_source;
	bool once;
	bool json;
	bool quiet;
	bool progress;			/* a progress line even without a terminal */
	bool force_wp;			/* write-protection dirty tracking */
	bool auto_converge;		/* throttle a guest that outruns the link */
	/* send: let a destination take a guest whose CPU it lacks (unsafe) */
	bool unsafe_skip_cpu_check;
	/* send: fill this, and print neither figures nor errors */
	struct mvmig_outcome *out;
	unsigned int parallel;		/* evacuate: moves at a time */
};

/* Set by SIGINT/SIGTERM: stop at the next safe point. */
extern atomic_int mvmig_cancel;

/*
 * Fault injection for the commit-rule tests: with MVMIG_TEST_FAULT set to
 * a point's name, mvmig kills itself there (SIGKILL, as a crash would).
 * Points: "before-handover", "after-handover" (sender, around the END
 * record), "after-create" (receiver, the guest and session just made).
 */
void mvmig_test_fault(const char *point);

/* --timeout for a poll(), which takes an int */
static inline int mvmig_timeout_ms(const struct mvmig_opts *o)
{
	return o->timeout_s > 2000000u ? 2000000000 : (int)o->timeout_s * 1000;
}

/* Per-round and total figures, printed by report.c */
struct mvmig_round {
	unsigned int round;
	bool final;
	uint64_t pages, zero_pages, bytes;
	uint64_t zero_left_out;		/* first round: zero pages not sent */
	uint64_t usec;
	unsigned int throttle;		/* % of its time the vCPU gave up to... */
	uint64_t dirty_limit;		/* ...this dirty limit, pages/s (auto-converge) */
};

/*
 * Where the host downtime went. The sender's parts are its own clock's;
 * the destination's come in its ACK (MV_REC_ACK text, asked for with
 * "ack-times=1" in HELLO), so no two hosts' clocks are compared.
 */
struct mvmig_downtime {
	uint64_t harvest_usec;		/* FINISH: pause, last harvest, vCPU capture */
	uint64_t pages_usec;		/* the last round's pages, onto the wire */
	uint64_t tail_usec;		/* hand-over, then the VCPU and END records */
	uint64_t answer_usec;		/* END written to the ACK read */
	bool remote;			/* the ACK named the destination's parts: */
	uint64_t checks_usec;		/* END read to the session's checks done */
	uint64_t commit_usec;		/* MV_SNAP_IOC_COMMIT, with its trial entry */
	uint64_t start_usec;		/* GUEST_START */
	uint64_t network_usec;		/* the rest of answer_usec: END and ACK in flight */
};

/* The ACK's text: the destination's parts, in microseconds */
#define MVMIG_ACK_TIMES	"checks_usec=%llu\ncommit_usec=%llu\nstart_usec=%llu\n"

struct mvmig_metrics {
	const char *mode;		/* "send", "save", "recv", "restore" */
	const char *guest, *target, *peer;
	const char *outcome;		/* "migrated", "refused", ... */
	const char *reason;		/* why not, in words */
	unsigned int nrounds;
	struct mvmig_round rounds[MVMIG_MAX_ROUNDS + 2];
	uint64_t guest_bytes;
	uint64_t pages, zero_pages, bytes;
	uint64_t total_usec, downtime_usec;
	struct mvmig_downtime parts;	/* send, live: downtime_usec's parts */
	bool has_parts;
	/* Against the ideal (sender): pages sent again, pages with data at the end */
	bool pages_tracked;
	bool converged;			/* send: stopped because the rest fit the target */
	uint64_t resent_pages, nonzero_pages;
	const char *tracking;		/* "pml", "write-protect", "none" */
	bool progress;			/* a live line on stderr */
};

/* Netlink (nl.c): 0 or -errno, with the kernel's reason in @err. */
int mvmig_guest_state(const char *name, int *state, uint64_t *mem,
		      char *err, size_t errlen);
int mvmig_guest_cmd(int cmd, const char *name, char *err, size_t errlen);
/* 1 found (policy and hash filled), 0 none, or -errno */
int mvmig_baseline_get(const char *name, struct mv_policy *p,
		       char *err, size_t errlen);
int mvmig_baseline_new(const char *name, const struct mv_policy *p,
		       char *err, size_t errlen);
int mvmig_baseline_del(const char *name);
void mvmig_host_name(char *buf, size_t len);
/* What this host can offer a guest (MV_A_HOST_OFFER); 0 or -errno. */
int mvmig_host_offer(struct mv_policy *p, char *err, size_t errlen);

/* /dev/migvisor */
int mvmig_guest_fd(const char *name, char *err, size_t errlen);
void mvmig_sess_error(int sfd, int ret, char *err, size_t errlen);

int mvmig_send(const struct mvmig_opts *o, bool to_file);
/* Move every guest of this host to the first of @dests that takes it. */
int mvmig_evacuate(const struct mvmig_opts *o, const char *const *dests,
		   unsigned int ndests);
/* Every guest of this host: name and state (enum mv_guest_state) */
struct mvmig_guest {
	char name[MV_GUEST_NAME_MAX];
	int state;
};
int mvmig_guest_list(struct mvmig_guest **out, unsigned int *n, char *err,
		     size_t errlen);
/* Maintenance mode on or off; 0 or -errno with the reason in @err */
int mvmig_maintenance(bool on, char *err, size_t errlen);
/* Split HOST:PORT (HOST may be empty with @any_host); 0 or -EINVAL */
int mvmig_hostport(const char *s, bool any_host, char *host, size_t hlen,
		   char *port, size_t plen);
/* A listening TCP socket on ADDR:PORT (ADDR may be empty: any) */
int mvmig_listen(const char *addr, char *err, size_t errlen);
int mvmig_recv(const struct mvmig_opts *o, const char *file);

void mvmig_progress(struct mvmig_metrics *m, const struct mvmig_round *r,
		    uint64_t done_pages);
/* The progress line's last word: the downtime and its parts */
void mvmig_progress_done(const struct mvmig_metrics *m);
void mvmig_report(const struct mvmig_metrics *m, bool json);
uint64_t mvmig_now_usec(void);

#endif
