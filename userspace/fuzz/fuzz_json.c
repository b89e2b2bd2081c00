// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: a JSON file as "mvctl baseline add ... file", "pool" and
 * "compare" read it (mv_policy_from_json(): a baseline, an array of
 * them, a host report's offer, or {"policy": ...}). A policy it accepts
 * must be canonical, and must come back the same from the JSON that
 * mv_policy_print() makes of it, as "mvctl -j baseline show" exports it.
 * The same file as a whole host report ("host check --since", "host
 * labels --from", mv_host_from_json()) is accepted or refused with a
 * reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "../lib/host.h"
#include "../lib/json_print.h"
#include "../lib/policy_io.h"

static void round_trip(const struct mv_policy *p)
{
	struct json_object *o;
	struct mv_policy q;
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	json_init(f, true, false);
	mv_policy_print(NULL, p);
	json_finish();
	fclose(f);
	o = json_tokener_parse(text);
	if (!o || mv_policy_from_json(&q, o, err, sizeof(err)) ||
	    mv_policy_hash(&q) != mv_policy_hash(p) ||
	    strcmp(q.brand, p->brand))
		__builtin_trap();
	json_object_put(o);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	static struct mv_host h;
	struct mv_policy p, canon;
	struct json_object *o;
	char err[256];

	if (!tok)
		return 0;
	err[0] = 0;
	o = json_tokener_parse_ex(tok, (const char *)data, size);
	if (o && !mv_policy_from_json(&p, o, err, sizeof(err))) {
		canon = p;
		mv_policy_normalise(&canon);
		if (memcmp(&canon, &p, sizeof(p)))
			__builtin_trap();
		round_trip(&p);
	} else if (o && !err[0]) {
		__builtin_trap();	/* refused without a reason */
	}
	err[0] = 0;
	if (o && mv_host_from_json(&h, o, err, sizeof(err)) && !err[0])
		__builtin_trap();
	json_object_put(o);
	json_tokener_free(tok);
	return 0;
}
