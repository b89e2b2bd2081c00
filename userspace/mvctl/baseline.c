// SPDX-License-Identifier: GPL-2.0
/*
 * mvctl baseline { add | change | del | show | list | set-default | pool |
 *                  compare | cpuid | models | help }
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <netlink/attr.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mvctl.h"
#include "../lib/json_print.h"
#include "../lib/labels.h"
#include "../lib/mvnl.h"
#include "../lib/policy_io.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mvctl baseline add NAME SOURCE [ EDIT... ] [ tsc-khz KHZ ]\n"
		"       mvctl baseline change NAME SOURCE [ EDIT... ] [ tsc-khz KHZ ]\n"
		"       mvctl baseline { del | show } NAME\n"
		"       mvctl baseline { list | show | models }\n"
		"       mvctl baseline set-default { NAME | none }\n"
		"       mvctl baseline pool REPORT...\n"
		"       mvctl baseline compare BASELINE BASELINE\n"
		"       mvctl baseline cpuid BASELINE [ cr4 VALUE ] [ xcr0 VALUE ] [ apic ID ]\n"
		"SOURCE := { model MODEL | file FILE.json | pool REPORT... }\n"
		"EDIT := { +FEATURE | -FEATURE }   (/proc/cpuinfo or QEMU names)\n"
		"KHZ := the guests' TSC rate on every host, %u to %u\n"
		"       (default: this host's)\n"
		"BASELINE := { NAME | MODEL | FILE.json }   (a file, a baseline in\n"
		"            the module, or a named model, in that order)\n"
		"REPORT := the output of \"mvctl -j host show\" on a host\n",
		MV_TSC_KHZ_MIN, MV_TSC_KHZ_MAX);
}

struct got {
	struct mv_policy p;
	char name[MV_BASELINE_NAME_MAX];
	char model[MV_BASELINE_NAME_MAX];
	uint32_t tsc_khz;		/* 0: the module did not say */
	bool found, is_default;
};

/* BASELINE_GET reply: print it (arg NULL) or keep it */
static int on_baseline(struct nlattr **tb, struct nlattr *head, int len,
		       void *arg)
{
	struct got *g = arg, tmp;
	struct nlattr *a;
	int rem;

	if (!tb[MV_A_BASELINE_NAME] || !tb[MV_A_BASELINE_POLICY])
		return -EPROTO;
	if (!g)
		g = &tmp;
	memset(g, 0, sizeof(*g));
	g->found = true;
	snprintf(g->name, sizeof(g->name), "%s", nla_get_string(tb[MV_A_BASELINE_NAME]));
	if (tb[MV_A_BASELINE_MODEL])
		snprintf(g->model, sizeof(g->model), "%s",
			 nla_get_string(tb[MV_A_BASELINE_MODEL]));
	g->is_default = tb[MV_A_BASELINE_DEFAULT];
	if (tb[MV_A_BASELINE_TSC_KHZ])
		g->tsc_khz = nla_get_u32(tb[MV_A_BASELINE_TSC_KHZ]);
	if (mv_policy_from_nlattr(&g->p, tb[MV_A_BASELINE_POLICY]))
		return -EPROTO;
	if (arg)
		return 0;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "baseline %s", g->name);
	print_string(PRINT_ANY, "source", " from %s", g->model[0] ? g->model : "-");
	print_bool(PRINT_ANY, "default", g->is_default ? " default" : "",
		   g->is_default);
	open_json_array("users");
	print_text(" users:");
	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) == MV_A_BASELINE_USER)
			print_string(PRINT_ANY, NULL, " %s", nla_get_string(a));
	close_json_array();
	print_text("\n");
	/* A module from before TSC rates in baselines sends none: no line. */
	if (g->tsc_khz)
		print_uint(PRINT_ANY, "tsc_khz", "  tsc %llu kHz\n", g->tsc_khz);
	mv_policy_print("policy", &g->p);
	close_json_object();
	return 0;
}

/* One baseline from the module; 1 if there is none by that name. */
static int fetch(const char *name, struct got *g, bool quiet)
{
	struct nl_msg *msg;
	int ret;

	memset(g, 0, sizeof(*g));
	msg = mvctl_msg(MV_CMD_BASELINE_GET, 0, quiet);
	if (!msg)
		return quiet ? 1 : -ENOENT;
	/* A name that does not fit is no baseline's: a quiet look-up goes on. */
	if (nla_put_string(msg, MV_A_BASELINE_NAME, name)) {
		nlmsg_free(msg);
		return quiet ? 1 : mvnl_too_big("baseline show");
	}
	ret = mvctl_send(msg, on_baseline, g, NULL);
	if (ret == -ENOENT && quiet)
		ret = 1;
	else if (ret)
		mvctl_perror(ret, "baseline show");
	return ret;
}

struct dump {
	struct mv_named_policy *v;
	unsigned int n;
};

static int on_dump(struct nlattr **tb, struct nlattr *head, int len, void *arg)
{
	struct dump *d = arg;
	struct mv_named_policy *v;
	struct got g;
	int ret = on_baseline(tb, head, len, &g);

	if (ret)
		return ret;
	v = realloc(d->v, (d->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->v = v;
	snprintf(v[d->n].name, sizeof(v[d->n].name), "%s", g.name);
	v[d->n++].p = g.p;
	return 0;
}

int mv_baseline_dump(struct mv_named_policy **out, unsigned int *n)
{
	struct nl_msg *msg = mvctl_msg(MV_CMD_BASELINE_GET, NLM_F_DUMP, false);
	struct dump d = {};
	int ret;

	ret = msg ? mvctl_send(msg, on_dump, &d, "baseline list") : -ENOENT;
	if (ret) {
		free(d.v);
		d.v = NULL;
		d.n = 0;
	}
	*out = d.v;
	*n = d.n;
	return ret;
}

static bool is_file(const char *s)
{
	struct stat st;

	return strchr(s, '/') || (strlen(s) > 5 && !strcmp(s + strlen(s) - 5, ".json")) ||
	       (!stat(s, &st) && S_ISREG(st.st_mode));
}

int mv_baseline_resolve(const char *what, struct mv_policy *p)
{
	char err[256];
	struct got g;
	int ret;

	if (is_file(what)) {
		ret = mv_policy_load_file(what, p, err, sizeof(err));
		if (ret)
			fprintf(stderr, "Error: %s\n", err);
		return ret;
	}
	ret = fetch(what, &g, true);
	if (ret == 0) {
		*p = g.p;
		return 0;
	}
	if (!mv_model_policy(what, p))
		return 0;
	fprintf(stderr, "Error: \"%s\" is not a file, a baseline in the module, or a model (see \"mvctl baseline models\").\n",
		what);
	return -ENOENT;
}

static int pool_of(struct mvctl *ctl, struct mv_policy *out, bool print)
{
	struct mv_policy p;
	char err[256];
	unsigned int n = 0, dist;
	int richest, closest;

	while (ctl->argc && ctl->argv[0][0] != '+' && ctl->argv[0][0] != '-' &&
	       strcmp(ctl->argv[0], "tsc-khz")) {
		const char *f = argv_next(ctl);

		if (mv_policy_load_file(f, &p, err, sizeof(err))) {
			fprintf(stderr, "Error: %s\n", err);
			return -EINVAL;
		}
		if (n++)
			mv_policy_meet(out, out, &p);
		else
			*out = p;
	}
	if (!n) {
		fprintf(stderr, "Error: pool needs at least one host report.\n");
		return -EINVAL;
	}
	mv_policy_nearest(out, &richest, &closest, &dist);
	/* The pool presents itself as the richest model it contains. */
	if (richest >= 0) {
		struct mv_policy m;

		mv_model_policy(mv_model_name(richest), &m);
		out->signature = m.signature;
		memcpy(out->brand, m.brand, sizeof(out->brand));
	} else {
		snprintf(out->brand, sizeof(out->brand), "migvisor pool baseline");
	}
	mv_policy_normalise(out);
	if (!print)
		return 0;
	open_json_object(NULL);
	print_uint(PRINT_ANY, "hosts", "pool of %llu host(s)\n", n);
	mv_policy_print("policy", out);
	print_string(PRINT_ANY, "richest_model", "  richest named model within the pool: %s\n",
		     richest >= 0 ? mv_model_name(richest) : "none");
	print_string(PRINT_ANY, "closest_model", "  closest named model: %s",
		     closest >= 0 ? mv_model_name(closest) : "none");
	print_uint(PRINT_ANY, "closest_distance", " (%llu features apart)\n", dist);
	close_json_object();
	return 0;
}

/* SOURCE: the policy that the EDITs change */
static int source(struct mvctl *ctl, struct mv_policy *p, char *model,
		  size_t mlen)
{
	const char *arg;
	char err[256];

	if (argv_match(ctl, "model")) {
		arg = argv_next(ctl);
		if (!arg || mv_model_policy(arg, p)) {
			fprintf(stderr, "Error: unknown model \"%s\" (see \"mvctl baseline models\").\n",
				arg ? arg : "");
			return -ENOENT;
		}
		snprintf(model, mlen, "%s", arg);
	} else if (argv_match(ctl, "file")) {
		arg = argv_next(ctl);
		if (!arg) {
			fprintf(stderr, "Error: file needs a path.\n");
			return -EINVAL;
		}
		if (mv_policy_load_file(arg, p, err, sizeof(err))) {
			fprintf(stderr, "Error: %s\n", err);
			return -EINVAL;
		}
		snprintf(model, mlen, "file");
	} else if (argv_match(ctl, "pool")) {
		if (pool_of(ctl, p, false))
			return -EINVAL;
		snprintf(model, mlen, "pool");
	} else {
		fprintf(stderr, "Error: expected \"model\", \"file\" or \"pool\".\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * A TSC rate, kHz: decimal digits only, in range. strtoul() alone would
 * take blanks, a sign ("-1" is ULONG_MAX), "0x" and trailing junk.
 */
static int parse_tsc_khz(const char *s, uint32_t *khz)
{
	unsigned long long v = 0;
	const char *d;

	if (!s || !*s)
		return -EINVAL;
	for (d = s; *d; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		v = v * 10 + (*d - '0');
		/* Past the range already: stop before v can wrap */
		if (v > MV_TSC_KHZ_MAX)
			return -ERANGE;
	}
	if (v < MV_TSC_KHZ_MIN)
		return -ERANGE;
	*khz = v;
	return 0;
}

/* EDITs and tsc-khz after SOURCE, in any order; *@tsc_khz 0 if not given */
static int add_options(struct mvctl *ctl, struct mv_policy *p,
		       uint32_t *tsc_khz)
{
	const char *arg;
	char err[256];

	while (ctl->argc) {
		arg = argv_next(ctl);
		if (!strcmp(arg, "tsc-khz")) {
			arg = argv_next(ctl);
			if (*tsc_khz) {
				fprintf(stderr, "Error: tsc-khz is given twice.\n");
				return -EINVAL;
			}
			if (parse_tsc_khz(arg, tsc_khz)) {
				fprintf(stderr, "Error: tsc-khz%s%s%s: the guests' TSC rate is a whole number of kHz from %u to %u.\n",
					arg ? " \"" : "", arg ? arg : "",
					arg ? "\"" : "", MV_TSC_KHZ_MIN,
					MV_TSC_KHZ_MAX);
				return -EINVAL;
			}
			continue;
		}
		if ((arg[0] != '+' && arg[0] != '-') ||
		    mv_policy_edit(p, arg, err, sizeof(err))) {
			fprintf(stderr, "Error: %s\n", arg[0] == '+' || arg[0] == '-' ?
				err : "after SOURCE come +FEATURE, -FEATURE and tsc-khz KHZ");
			return -EINVAL;
		}
	}
	return 0;
}

static int baseline_add(struct mvctl *ctl, bool replace)
{
	const char *name = argv_next(ctl);
	const char *what = replace ? "baseline change" : "baseline add";
	char model[MV_BASELINE_NAME_MAX];
	struct mv_policy p;
	struct nl_msg *msg;
	uint32_t tsc_khz = 0;
	int ret;

	if (!name) {
		usage(stderr);
		return -EINVAL;
	}
	ret = source(ctl, &p, model, sizeof(model));
	if (!ret)
		ret = add_options(ctl, &p, &tsc_khz);
	if (ret)
		return ret;
	msg = mvctl_msg(MV_CMD_BASELINE_NEW, 0, false);
	if (!msg)
		return -ENOENT;
	if (nla_put_string(msg, MV_A_BASELINE_NAME, name) ||
	    nla_put_string(msg, MV_A_BASELINE_MODEL, model) ||
	    (replace && nla_put_flag(msg, MV_A_BASELINE_REPLACE)) ||
	    (tsc_khz && nla_put_u32(msg, MV_A_BASELINE_TSC_KHZ, tsc_khz)) ||
	    mv_policy_put_nl(msg, MV_A_BASELINE_POLICY, &p)) {
		nlmsg_free(msg);
		return mvnl_too_big(what);
	}
	return mvctl_send(msg, NULL, NULL, what);
}

static int by_name(struct mvctl *ctl, uint8_t cmd, const char *what,
		   bool optional, int flags, mvnl_reply_cb cb)
{
	const char *name = argv_next(ctl);
	struct nl_msg *msg;
	int ret;

	if (!name && !optional) {
		usage(stderr);
		return -EINVAL;
	}
	if (ctl->argc) {
		fprintf(stderr, "Error: unexpected argument \"%s\".\n", ctl->argv[0]);
		return -EINVAL;
	}
	if (name && cmd == MV_CMD_BASELINE_SET_DEFAULT && !strcmp(name, "none"))
		name = NULL;
	msg = mvctl_msg(cmd, name ? 0 : flags, false);
	if (!msg)
		return -ENOENT;
	if (name && nla_put_string(msg, MV_A_BASELINE_NAME, name)) {
		nlmsg_free(msg);
		return mvnl_too_big(what);
	}
	if (cb)
		open_json_array(NULL);
	ret = mvctl_send(msg, cb, NULL, what);
	if (cb)
		close_json_array();
	return ret;
}

static int baseline_compare(struct mvctl *ctl)
{
	const char *an = argv_next(ctl), *bn = argv_next(ctl);
	struct mv_policy a, b;
	unsigned int missing;

	if (!an || !bn || ctl->argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (mv_baseline_resolve(an, &a) || mv_baseline_resolve(bn, &b))
		return -ENOENT;
	open_json_object(NULL);
	print_string(PRINT_ANY, "a", "%s", an);
	print_string(PRINT_ANY, "b", " vs %s", bn);
	print_bool(PRINT_ANY, "equal", " equal: %s\n", !memcmp(&a, &b, sizeof(a)) ||
		   mv_policy_hash(&a) == mv_policy_hash(&b));
	print_text("(\"missing\": in %s, not in %s; \"extra\": the reverse)\n", an, bn);
	missing = mv_policy_diff_print(&a, &b, true);
	print_text("%s satisfies %s: ", bn, an);
	print_bool(PRINT_ANY, "b_satisfies_a", "%s\n", !missing);
	close_json_object();
	return 0;
}

static int baseline_cpuid(struct mvctl *ctl)
{
	const char *what = argv_next(ctl), *v;
	struct mv_cpuid_dyn dyn = { .cr4 = 0x620, .xcr0 = 3 };
	struct mv_policy p;

	if (!what) {
		usage(stderr);
		return -EINVAL;
	}
	while (ctl->argc >= 2) {
		const char *k = argv_next(ctl);

		v = argv_next(ctl);
		if (!strcmp(k, "cr4"))
			dyn.cr4 = strtoull(v, NULL, 0);
		else if (!strcmp(k, "xcr0"))
			dyn.xcr0 = strtoull(v, NULL, 0);
		else if (!strcmp(k, "apic"))
			dyn.apic_id = strtoul(v, NULL, 0);
		else
			break;
	}
	if (ctl->argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (mv_baseline_resolve(what, &p))
		return -ENOENT;
	mv_policy_dump_cpuid(stdout, &p, &dyn);
	return 0;
}

static int baseline_models(void)
{
	struct mv_policy p;
	unsigned int i;

	open_json_array(NULL);
	for (i = 0; i < mv_model_count(); i++) {
		if (mv_model_policy(mv_model_name(i), &p))
			continue;
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "model %s\n", mv_model_name(i));
		mv_policy_print("policy", &p);
		close_json_object();
	}
	close_json_array();
	return 0;
}

static int baseline_new(struct mvctl *ctl)
{
	return baseline_add(ctl, false);
}

static int baseline_change(struct mvctl *ctl)
{
	return baseline_add(ctl, true);
}

static int baseline_del(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_BASELINE_DEL, "baseline del", false, 0, NULL);
}

static int baseline_set_default(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_BASELINE_SET_DEFAULT, "baseline set-default",
		       false, 0, NULL);
}

static int baseline_show(struct mvctl *ctl)
{
	return by_name(ctl, MV_CMD_BASELINE_GET, "baseline show", true,
		       NLM_F_DUMP, on_baseline);
}

static int baseline_pool(struct mvctl *ctl)
{
	struct mv_policy p;

	return pool_of(ctl, &p, true);
}

static int baseline_models_cmd(struct mvctl *ctl)
{
	return baseline_models();
}

int cmd_baseline(struct mvctl *ctl)
{
	static const struct mvctl_cmd cmds[] = {
		{ "show", baseline_show },
		{ "list", baseline_show },
		{ "add", baseline_new },
		{ "change", baseline_change },
		{ "del", baseline_del },
		{ "set-default", baseline_set_default },
		{ "pool", baseline_pool },
		{ "compare", baseline_compare },
		{ "cpuid", baseline_cpuid },
		{ "models", baseline_models_cmd },
		{}
	};

	return mvctl_dispatch(ctl, "baseline", cmds, usage);
}
