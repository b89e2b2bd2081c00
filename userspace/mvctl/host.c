// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl host { show | check | labels | help }
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mvctl.h"
#include "../lib/host.h"
#include "../lib/json_print.h"
#include "../lib/labels.h"
#include "../lib/mvnl.h"
#include "../lib/policy_io.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mvctl host show\n"
		"       mvctl host set maintenance { on | off }\n"
		"       mvctl host check BASELINE\n"
		"       mvctl host check --since REPORT [ --from REPORT ]\n"
		"       mvctl host labels [ --from REPORT ] [ --write [ DIR ] ]\n"
		"                         [ --expiry SECONDS ]\n"
		"       mvctl host help\n"
		"Shows this host's CPU, its VMX capabilities and its CPUID feature\n"
		"flags. With -j the output is a host report for baseline pools;\n"
		"with -d it adds the raw VMX MSRs and CPUID leaves.\n"
		"set maintenance on: this host takes no new guests and no incoming\n"
		"migrations (until off); its guests keep running.\n"
		"check: can this host run guests of BASELINE (a baseline in the\n"
		"module, a model, or a JSON file)? Exit status 1 if not.\n"
		"check --since: what changed since an earlier report (microcode,\n"
		"CPUID, VMX) and which models are still satisfiable; exit status 1\n"
		"if one no longer is. --from compares another report, not this host.\n"
		"labels: Node Feature Discovery labels (baselines satisfied, host\n"
		"fingerprint, kernel mode); --write puts them in DIR/migvisor\n"
		"(DIR: " MV_LABELS_DIR "),\n"
		"expiring after SECONDS (%d; 0: never).\n"
		"REPORT := the output of \"mvctl -j host show\"\n", MV_LABELS_EXPIRY);
}

static int on_host(struct nlattr **tb, struct nlattr *head, int len,
		   void *arg)
{
	return mv_host_from_nl(arg, tb, head, len);
}

static int host_get(struct mv_host *h)
{
	struct nl_msg *msg = mvctl_msg(MV_CMD_HOST_GET, 0, false);

	return msg ? mvctl_send(msg, on_host, h, "host show") : -ENOENT;
}

/* A host from a report file, or this host if @path is NULL */
static int host_load(const char *path, struct mv_host *h)
{
	char err[512];

	if (!path)
		return host_get(h);
	if (mv_host_load_file(path, h, err, sizeof(err))) {
		fprintf(stderr, "Error: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

/* "--opt VALUE": the value, or NULL with an error said if there is none */
static const char *opt_arg(struct mvctl *ctl, const char *opt)
{
	const char *v = argv_next(ctl);

	if (!v)
		fprintf(stderr, "Error: %s needs an argument.\n", opt);
	return v;
}

static int host_drift(struct mvctl *ctl)
{
	const char *since = NULL, *from = NULL, *a;
	struct mv_named_policy *extra = NULL;
	struct mv_host *before, *now;
	unsigned int lost, n, n_extra = 0;
	int ret;

	while ((a = argv_next(ctl))) {
		const char **dst = !strcmp(a, "--since") ? &since :
				   !strcmp(a, "--from") ? &from : NULL;

		if (!dst) {
			fprintf(stderr, "Error: unexpected argument \"%s\".\n", a);
			return -EINVAL;
		}
		*dst = opt_arg(ctl, a);
		if (!*dst)
			return -EINVAL;
	}
	if (!since) {
		fprintf(stderr, "Error: check needs --since REPORT, the earlier host report.\n");
		return -EINVAL;
	}
	before = calloc(1, sizeof(*before));
	now = calloc(1, sizeof(*now));
	ret = before && now ? 0 : -ENOMEM;
	if (!ret)
		ret = host_load(since, before);
	if (!ret)
		ret = host_load(from, now);
	/*
	 * On this host, the module's baselines too, as host labels does:
	 * one that stopped being satisfiable takes its label away as well.
	 */
	if (!ret && !from)
		ret = mv_baseline_dump(&extra, &n_extra);
	if (!ret) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "since", "changes since %s", since);
		if (from)
			print_string(PRINT_ANY, "from", " in %s", from);
		else
			print_string(PRINT_JSON, "from", NULL, "");
		print_hex(PRINT_ANY, "fingerprint_before", " (fingerprint %016llx",
			  mv_host_fingerprint(before));
		print_hex(PRINT_ANY, "fingerprint_after", " -> %016llx):\n",
			  mv_host_fingerprint(now));
		n = mv_host_drift_print(before, now, extra, n_extra, &lost);
		print_uint(PRINT_JSON, "changed", NULL, n);
		print_uint(PRINT_ANY, "lost", "baselines no longer satisfiable: %llu\n",
			   lost);
		close_json_object();
		ret = lost ? 1 : 0;
	}
	free(extra);
	free(before);
	free(now);
	return ret;
}

static void print_labels(const struct mv_labels *l, const char *path)
{
	static const char expiry[] = "# +expiry-time=";
	char key[400], val[100];
	const char *s, *eq, *nl;

	if (!is_json()) {
		if (!path)
			fputs(l->buf, stdout);
		return;
	}
	open_json_object(NULL);
	if (path)
		print_string(PRINT_JSON, "file", NULL, path);
	for (s = l->buf; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!strncmp(s, expiry, strlen(expiry))) {
			snprintf(val, sizeof(val), "%.*s", (int)(nl - s - strlen(expiry)),
				 s + strlen(expiry));
			print_string(PRINT_JSON, "expiry_time", NULL, val);
		}
	}
	open_json_object("labels");
	for (s = l->buf; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		eq = memchr(s, '=', nl - s);
		if (*s == '#' || !eq)
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s), s);
		snprintf(val, sizeof(val), "%.*s", (int)(nl - eq - 1), eq + 1);
		print_string(PRINT_JSON, key, NULL, val);
	}
	close_json_object();
	close_json_object();
}

static int host_labels(struct mvctl *ctl)
{
	const char *from = NULL, *dir = NULL, *a, *v;
	struct mv_named_policy *extra = NULL;
	unsigned long long secs = MV_LABELS_EXPIRY;
	unsigned int n_extra = 0;
	struct mv_labels *l;
	struct mv_host *h;
	char err[PATH_MAX + 128], path[PATH_MAX + 16];
	char *end;
	int ret;

	while ((a = argv_next(ctl))) {
		if (!strcmp(a, "--write")) {
			/* The directory is optional: NFD's own by default */
			dir = ctl->argc && ctl->argv[0][0] != '-' ? argv_next(ctl) :
			      MV_LABELS_DIR;
		} else if (!strcmp(a, "--from")) {
			from = opt_arg(ctl, a);
			if (!from)
				return -EINVAL;
		} else if (!strcmp(a, "--expiry")) {
			v = opt_arg(ctl, a);
			if (!v)
				return -EINVAL;
			errno = 0;
			secs = strtoull(v, &end, 10);
			/* A year at most: labels a scheduler trusts longer are stale */
			if (!*v || *end || errno || secs > 366ull * 24 * 3600 ||
			    v[0] == '-' || v[0] == '+' || v[0] == ' ') {
				fprintf(stderr, "Error: --expiry \"%s\": not a number of seconds from 0 to %llu.\n",
					v, 366ull * 24 * 3600);
				return -EINVAL;
			}
		} else {
			fprintf(stderr, "Error: unexpected argument \"%s\".\n", a);
			return -EINVAL;
		}
	}
	h = calloc(1, sizeof(*h));
	l = calloc(1, sizeof(*l));
	ret = h && l ? 0 : -ENOMEM;
	if (!ret)
		ret = host_load(from, h);
	/* The module's own baselines only when asking the module */
	if (!ret && !from)
		ret = mv_baseline_dump(&extra, &n_extra);
	if (!ret) {
		ret = mv_labels_for_host(l, h, extra, n_extra,
					 secs ? time(NULL) + (time_t)secs : 0, stderr);
		if (ret < 0)
			fprintf(stderr, "Error: cannot build the labels: %s.\n",
				strerror(-ret));
		else
			ret = 0;
	}
	if (!ret && dir) {
		ret = mv_labels_write(dir, MV_LABELS_FILE, l, err, sizeof(err));
		if (ret)
			fprintf(stderr, "Error: %s.\n", err);
		snprintf(path, sizeof(path), "%s/%s", dir, MV_LABELS_FILE);
	}
	if (!ret)
		print_labels(l, dir ? path : NULL);
	free(extra);
	free(l);
	free(h);
	return ret;
}

static int host_check_baseline(struct mvctl *ctl)
{
	const char *what = argv_next(ctl);
	struct mv_policy bl;
	struct mv_host *h;
	unsigned int missing;
	int ret;

	if (!what || ctl->argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (mv_baseline_resolve(what, &bl))
		return -ENOENT;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	ret = host_get(h);
	if (!ret) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "baseline", "baseline %s", what);
		print_string(PRINT_ANY, "host", " on this host (%s):\n", h->model_name);
		missing = mv_policy_diff_print(&bl, &h->offer, ctl->details);
		print_bool(PRINT_ANY, "satisfied", "satisfied: %s\n", !missing);
		close_json_object();
		ret = missing ? 1 : 0;
	}
	free(h);
	return ret;
}

/* "check --since ...": drift; "check BASELINE": that baseline here */
static int host_check(struct mvctl *ctl)
{
	if (ctl->argc && !strncmp(ctl->argv[0], "--", 2))
		return host_drift(ctl);
	return host_check_baseline(ctl);
}

static int host_show(struct mvctl *ctl)
{
	struct mv_host *h;
	int ret;

	if (ctl->argc) {
		fprintf(stderr, "Error: unexpected argument \"%s\".\n", ctl->argv[0]);
		return -EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	ret = host_get(h);
	if (!ret)
		mv_host_print(h, ctl->details);
	free(h);
	return ret;
}

/* host set maintenance { on | off } */
static int host_set(struct mvctl *ctl)
{
	const char *v;
	struct nl_msg *msg;
	bool on;

	if (!argv_match(ctl, "maintenance")) {
		fprintf(stderr, "Error: usage: mvctl host set maintenance { on | off }\n");
		return -EINVAL;
	}
	v = argv_next(ctl);
	if (!v || ctl->argc || (strcmp(v, "on") && strcmp(v, "off"))) {
		fprintf(stderr, "Error: maintenance is \"on\" or \"off\"%s%s%s.\n",
			v ? ", not \"" : "", v ? v : "", v ? "\"" : "");
		return -EINVAL;
	}
	on = !strcmp(v, "on");
	msg = mvctl_msg(MV_CMD_HOST_SET, 0, false);
	if (!msg)
		return -ENOENT;
	if (nla_put_u8(msg, MV_A_HOST_MAINTENANCE, on)) {
		nlmsg_free(msg);
		return mvnl_too_big("host set");
	}
	return mvctl_send(msg, NULL, NULL, "host set");
}

int cmd_host(struct mvctl *ctl)
{
	static const struct mvctl_cmd cmds[] = {
		{ "show", host_show },
		{ "set", host_set },
		{ "check", host_check },
		{ "labels", host_labels },
		{}
	};

	return mvctl_dispatch(ctl, "host", cmds, usage);
}
