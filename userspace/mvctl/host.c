// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl host { show | help }
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/migvisor.h>

#include "mvctl.h"
#include "../lib/host.h"
#include "../lib/json_print.h"
#include "../lib/mvnl.h"
#include "../lib/policy_io.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mvctl host show\n"
		"       mvctl host check BASELINE\n"
		"       mvctl host help\n"
		"Shows this host's CPU, its VMX capabilities and its CPUID feature\n"
		"flags. With -j the output is a host report for baseline pools;\n"
		"with -d it adds the raw VMX MSRs and CPUID leaves.\n"
		"check: can this host run guests of BASELINE (a baseline in the\n"
		"module, a model, or a JSON file)? Exit status 1 if not.\n");
}

static int on_host(struct nlattr **tb, struct nlattr *head, int len,
		   void *arg)
{
	return mv_host_from_nl(arg, tb, head, len);
}

int mv_nl_open_or_explain(struct mvnl *nl);

int mv_nl_open_or_explain(struct mvnl *nl)
{
	int ret = mvnl_open(nl);

	if (ret == -ENOENT)
		fprintf(stderr, "Error: the migvisor module is not loaded (no generic netlink family \"%s\").\n",
			MV_GENL_NAME);
	else if (ret)
		fprintf(stderr, "Error: cannot open a generic netlink socket.\n");
	return ret;
}

static int host_get(struct mv_host *h)
{
	struct nl_msg *msg;
	struct mvnl nl;
	int ret;

	ret = mv_nl_open_or_explain(&nl);
	if (ret)
		return ret;
	msg = mvnl_msg(&nl, MV_CMD_HOST_GET, 0);
	ret = msg ? mvnl_request(&nl, msg, on_host, h) : -ENOMEM;
	if (ret)
		mvnl_perror(&nl, ret, "host show");
	mvnl_close(&nl);
	return ret;
}

int mv_baseline_resolve(const char *what, struct mv_policy *p);

static int host_check(struct mvctl *ctl)
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

int cmd_host(struct mvctl *ctl)
{
	if (ctl->argc == 0 || argv_match(ctl, "show"))
		return host_show(ctl);
	if (argv_match(ctl, "check"))
		return host_check(ctl);
	if (argv_match(ctl, "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "Error: unknown command \"host %s\", try \"mvctl host help\".\n",
		ctl->argv[0]);
	return -EINVAL;
}
