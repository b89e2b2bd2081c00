// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl: configure migvisor hosts, baselines and guests over netlink.
 *
 *   mvctl [ OPTIONS ] OBJECT { COMMAND | help }
 *
 * Keywords match exactly (no prefixes), so that new commands never make
 * old command lines ambiguous.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mvctl.h"
#include "../lib/compiler.h"
#include "../lib/json_print.h"

#ifndef MV_VERSION
#define MV_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mvctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"where  OBJECT := { host | baseline | guest | monitor }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -d[etails] | -V[ersion] | -h[elp] }\n");
}

bool argv_match(struct mvctl *ctl, const char *word)
{
	if (ctl->argc < 1 || strcmp(ctl->argv[0], word))
		return false;
	ctl->argc--;
	ctl->argv++;
	return true;
}

const char *argv_next(struct mvctl *ctl)
{
	if (ctl->argc < 1)
		return NULL;
	ctl->argc--;
	return *ctl->argv++;
}

int mvctl_dispatch(struct mvctl *ctl, const char *object,
		   const struct mvctl_cmd *cmds, void (*usage)(FILE *f))
{
	const struct mvctl_cmd *c;

	if (ctl->argc == 0)
		return cmds[0].fn(ctl);
	if (argv_match(ctl, "help")) {
		usage(stdout);
		return 0;
	}
	for (c = cmds; c->name; c++)
		if (argv_match(ctl, c->name))
			return c->fn(ctl);
	fprintf(stderr, "Error: unknown command \"%s %s\", try \"mvctl %s help\".\n",
		object, ctl->argv[0], object);
	return -EINVAL;
}

static const struct mvctl_cmd objects[] = {
	{ "host", cmd_host },
	{ "guest", cmd_guest },
	{ "baseline", cmd_baseline },
	{ "monitor", cmd_monitor },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "pretty",  no_argument, NULL, 'p' },
		{ "details", no_argument, NULL, 'd' },
		{ "Version", no_argument, NULL, 'V' },
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mvctl ctl = {};
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+jpdVh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 'p':
			ctl.pretty = true;
			break;
		case 'd':
			ctl.details = true;
			break;
		case 'V':
			printf("mvctl %s (netlink version %d)\n", MV_VERSION,
			       MV_GENL_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	ctl.argc = argc - optind;
	ctl.argv = argv + optind;
	if (ctl.argc < 1) {
		usage(stderr);
		return 1;
	}
	if (argv_match(&ctl, "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		if (argv_match(&ctl, objects[i].name)) {
			json_init(stdout, ctl.json, ctl.pretty);
			ret = objects[i].fn(&ctl);
			if (json_finish() && !ret)
				ret = 1;
			return ret ? 1 : 0;
		}
	}
	fprintf(stderr, "Error: unknown object \"%s\", try \"mvctl help\".\n",
		ctl.argv[0]);
	return 1;
}
