/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID policies in the tools: on the wire, as JSON, from named models,
 * edited with +feature/-feature, and compared.
 */
#ifndef MV_POLICY_IO_H
#define MV_POLICY_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../../common/policy.h"

struct nl_msg;
struct nlattr;
struct json_object;

int mv_policy_put_nl(struct nl_msg *msg, int type, const struct mv_policy *p);
int mv_policy_from_nlattr(struct mv_policy *p, struct nlattr *nest);

/* Print as a JSON object under @key (text: a few lines) */
void mv_policy_print(const char *key, const struct mv_policy *p);

/*
 * From JSON: a baseline object ({"features": [...], ...}), a host report
 * (its "offer"), or an array of baselines (the first). Errors name the
 * key or feature in @err.
 */
int mv_policy_from_json(struct mv_policy *p, struct json_object *o,
			char *err, size_t errlen);
/* A JSON number, or a string of decimal or "0x" hex digits: 0 or -EINVAL */
int mv_json_u64(struct json_object *v, uint64_t *out);
/* @path parsed as JSON, or NULL with "PATH: cannot read it as JSON (why)" */
struct json_object *mv_json_load_file(const char *path, char *err,
				      size_t errlen);
int mv_policy_load_file(const char *path, struct mv_policy *p, char *err,
			size_t errlen);

/* Named models of common/cpu_models.h */
unsigned int mv_model_count(void);
const char *mv_model_name(unsigned int i);
int mv_model_policy(const char *name, struct mv_policy *p);

/* "+feat", "-feat" (also "feat"): -ENOENT with the name in @err */
int mv_policy_edit(struct mv_policy *p, const char *tok, char *err,
		   size_t errlen);

/* Where feature @f lives, "avx (1.0:ECX[28])" style, into @buf */
const char *mv_feature_where(unsigned int f, char *buf, size_t len);

/*
 * Print what @a has that @b lacks ("missing") and the reverse ("extra"),
 * as JSON arrays of {name, leaf, subleaf, reg, bit} or text lines.
 * Returns the number of missing items.
 */
unsigned int mv_policy_diff_print(const struct mv_policy *a,
				  const struct mv_policy *b, bool show_extra);

/* The richest named model @p satisfies, and the closest one overall */
void mv_policy_nearest(const struct mv_policy *p, int *richest, int *closest,
		       unsigned int *closest_dist);

/* The CPUID a guest with policy @p sees, as cpuid-dump prints it */
void mv_policy_dump_cpuid(FILE *f, const struct mv_policy *p,
			  const struct mv_cpuid_dyn *dyn);

#endif
