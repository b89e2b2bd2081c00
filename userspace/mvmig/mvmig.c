// SPDX-License-Identifier: GPL-2.0
/*
 * mvmig: move a migvisor guest to another host while it runs, or save it
 * to a file and restore it.
 *
 *   mvmig send GUEST HOST:PORT [options]
 *   mvmig recv [--listen ADDR:PORT] [--once] [--name NAME]
 *   mvmig save GUEST FILE [--keep-source]
 *   mvmig restore FILE [NAME]
 *   mvmig evacuate { DEST... | --listen ADDR:PORT } [--parallel N]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mvmig.h"

atomic_int mvmig_cancel;

void mvmig_test_fault(const char *point)
{
	const char *f = getenv("MVMIG_TEST_FAULT");

	if (f && !strcmp(f, point))
		kill(getpid(), SIGKILL);
}

static void on_signal(int sig)
{
	mvmig_cancel = 1;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"Usage: mvmig send GUEST { HOST:PORT | --listen ADDR:PORT } [ OPTIONS ]\n"
		"       mvmig send --from FILE HOST:PORT [ --name NAME ]\n"
		"       mvmig recv [ --listen ADDR:PORT ] [ --once ] [ --name NAME ]\n"
		"       mvmig recv --to FILE [ --listen ADDR:PORT ]\n"
		"       mvmig save GUEST FILE [ --keep-source ]\n"
		"       mvmig restore FILE [ NAME ]\n"
		"       mvmig evacuate { HOST:PORT... | --listen ADDR:PORT } [ --parallel N ]\n"
		"Options:\n"
		"  --downtime-ms N      stop and copy once the rest fits in N ms (300)\n"
		"  --max-rounds N       at most N pre-copy rounds (%u)\n"
		"  --max-bandwidth R    cap the rate, bytes/s (K, M, G suffixes)\n"
		"  --keep-source        leave the source paused instead of deleting it\n"
		"  --no-auto-converge   never throttle a guest that outruns the link\n"
		"  --name NAME          the guest's name on the destination\n"
		"  --once               recv: one transfer, then exit\n"
		"  --parallel N         evacuate: up to N moves at a time (1)\n"
		"  --wait SEC           keep trying to reach the receiver (0)\n"
		"  --timeout SEC        longest wait for the peer at any step (120)\n"
		"  --write-protect      track dirty pages by EPT write protection, not PML\n"
		"  --unsafe-skip-cpu-check\n"
		"                       send: let a destination that lacks CPU features of\n"
		"                       the guest's baseline take it anyway; its programs\n"
		"                       fault there where they use them (a demonstration of\n"
		"                       what EVC prevents, never for a guest you need)\n"
		"  --from FILE          send a saved snapshot instead of a running guest\n"
		"  --to FILE            receive into a new snapshot file, not a guest\n"
		"  -j, --json           print the figures as JSON\n"
		"  -q, --quiet          no progress line\n"
		"  --progress           a progress line even when stderr is no terminal\n"
		"  -V, --version        print the version\n"
		"  -h, --help           print this help\n"
		"evacuate: maintenance mode on, then every running guest to the first\n"
		"destination that takes it.\n"
		"Exit status: 0 done; 1 failed, the source runs unchanged (evacuate:\n"
		"some guests stayed); 2 usage; 3 the outcome is unknown and the source\n"
		"is left paused (see mvmig(8)).\n",
		MVMIG_MAX_ROUNDS);
}

static int parse_num(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'G': case 'g':
		n <<= 10;
		/* fall through */
	case 'M': case 'm':
		n <<= 10;
		/* fall through */
	case 'K': case 'k':
		n <<= 10;
		end++;
	}
	if (*end)
		return -EINVAL;
	*v = n;
	return 0;
}

static int cmd_evacuate(struct mvmig_opts *o, bool listen_set, char **dests,
		    int ndests)
{
	static const char *const listen_only[] = { NULL };
	struct sigaction sa = { .sa_handler = on_signal };

	if (listen_set == (ndests > 0) || o->target || o->keep_source ||
	    o->from || o->to || o->once) {
		fprintf(stderr, "Error: usage: mvmig evacuate { HOST:PORT... | --listen ADDR:PORT } [ --parallel N ]\n");
		return MVMIG_EXIT_USAGE;
	}
	if (listen_set && o->parallel > 1) {
		fprintf(stderr, "Error: --parallel needs HOST:PORT destinations: --listen takes one connection at a time.\n");
		return MVMIG_EXIT_USAGE;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	mv_io_set_cancel(&mvmig_cancel);
	signal(SIGPIPE, SIG_IGN);
	if (listen_set)
		return mvmig_evacuate(o, listen_only, 1);
	return mvmig_evacuate(o, (const char *const *)dests, ndests);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "downtime-ms", required_argument, NULL, 'd' },
		{ "max-rounds", required_argument, NULL, 'r' },
		{ "max-bandwidth", required_argument, NULL, 'b' },
		{ "keep-source", no_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, 'o' },
		{ "wait", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "write-protect", no_argument, NULL, 'W' },
		{ "unsafe-skip-cpu-check", no_argument, NULL, 'U' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", no_argument, NULL, 'P' },
		{ "parallel", required_argument, NULL, 'N' },
		{ "auto-converge", no_argument, NULL, 'A' },
		{ "no-auto-converge", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct mvmig_opts o = {
		.downtime_ms = 300, .max_rounds = MVMIG_MAX_ROUNDS,
		.timeout_s = 120, .listen = "0.0.0.0:4799", .parallel = 1,
		.auto_converge = true,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	const char *cmd, *pos[2] = { NULL, NULL };
	unsigned int npos = 0;
	bool listen_set = false;
	uint64_t v;
	int c;

	if (argc < 2) {
		print_help(stderr);
		return MVMIG_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("mvmig %s\n", MV_VERSION);
		return 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_num(optarg, &o.downtime_ms))
				goto bad;
			break;
		case 'r':
			if (parse_num(optarg, &v) || !v || v > MVMIG_MAX_ROUNDS)
				goto bad;
			o.max_rounds = v;
			break;
		case 'b':
			if (parse_num(optarg, &o.max_bandwidth))
				goto bad;
			break;
		case 'k':
			o.keep_source = true;
			break;
		case 'A':
		case 'a':
			o.auto_converge = c == 'A';
			break;
		case 'n':
			o.target = optarg;
			break;
		case 'l':
			o.listen = optarg;
			listen_set = true;
			break;
		case 'o':
			o.once = true;
			break;
		case 'w':
			if (parse_num(optarg, &v))
				goto bad;
			o.wait_s = v;
			break;
		case 't':
			if (parse_num(optarg, &v) || !v)
				goto bad;
			o.timeout_s = v;
			break;
		case 'W':
			o.force_wp = true;
			break;
		case 'U':
			o.unsafe_skip_cpu_check = true;
			break;
		case 'F':
			o.from = optarg;
			break;
		case 'T':
			o.to = optarg;
			o.once = true;	/* the file can be written once */
			break;
		case 'j':
			o.json = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'P':
			o.progress = true;
			break;
		case 'N':
			if (parse_num(optarg, &v) || !v || v > 64)
				goto bad;
			o.parallel = v;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		case 'V':
			printf("mvmig %s\n", MV_VERSION);
			return 0;
		default:
			print_help(stderr);
			return MVMIG_EXIT_USAGE;
		}
	}
	if (!strcmp(cmd, "evacuate"))
		return cmd_evacuate(&o, listen_set, argv + optind, argc - optind);
	while (optind < argc) {
		if (npos == 2) {
			fprintf(stderr, "Error: unexpected argument \"%s\".\n", argv[optind]);
			return MVMIG_EXIT_USAGE;
		}
		pos[npos++] = argv[optind++];
	}
	/* No SA_RESTART: a signal also ends the wait it lands in. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	mv_io_set_cancel(&mvmig_cancel);
	signal(SIGPIPE, SIG_IGN);

	if ((o.from && strcmp(cmd, "send")) || (o.to && strcmp(cmd, "recv"))) {
		fprintf(stderr, "Error: --from goes with send, --to with recv.\n");
		return MVMIG_EXIT_USAGE;
	}
	if (o.unsafe_skip_cpu_check) {
		if (strcmp(cmd, "send")) {
			fprintf(stderr, "Error: --unsafe-skip-cpu-check goes with send.\n");
			return MVMIG_EXIT_USAGE;
		}
		fprintf(stderr, "mvmig: WARNING: --unsafe-skip-cpu-check: the destination may take this guest without CPU features it saw; its programs will fault there where they use them.\n");
	}
	if (o.from) {
		if (npos != 1) {
			fprintf(stderr, "Error: usage: mvmig send --from FILE HOST:PORT\n");
			return MVMIG_EXIT_USAGE;
		}
		o.peer = pos[0];
		return mvmig_send(&o, false);
	}
	if (!strcmp(cmd, "send") && npos == 1 && listen_set) {
		/* The receiver's side connects to us. */
		o.guest = pos[0];
		if (!o.target)
			o.target = o.guest;
		return mvmig_send(&o, false);
	}
	if (!strcmp(cmd, "send") || !strcmp(cmd, "save")) {
		if (npos != 2) {
			fprintf(stderr, "Error: usage: mvmig %s GUEST %s\n", cmd,
				cmd[1] == 'e' ? "HOST:PORT" : "FILE");
			return MVMIG_EXIT_USAGE;
		}
		o.guest = pos[0];
		o.peer = pos[1];
		if (!o.target)
			o.target = o.guest;
		return mvmig_send(&o, cmd[1] == 'a');
	}
	if (!strcmp(cmd, "recv")) {
		if (npos) {
			fprintf(stderr, "Error: usage: mvmig recv [ --listen ADDR:PORT ] [ --once ]\n");
			return MVMIG_EXIT_USAGE;
		}
		return mvmig_recv(&o, NULL);
	}
	if (!strcmp(cmd, "restore")) {
		if (npos < 1) {
			fprintf(stderr, "Error: usage: mvmig restore FILE [ NAME ]\n");
			return MVMIG_EXIT_USAGE;
		}
		if (pos[1])
			o.target = pos[1];
		return mvmig_recv(&o, pos[0]);
	}
	fprintf(stderr, "Error: unknown command \"%s\"; try \"mvmig help\".\n", cmd);
	return MVMIG_EXIT_USAGE;
bad:
	fprintf(stderr, "Error: bad value \"%s\" for an option.\n", optarg);
	return MVMIG_EXIT_USAGE;
}
