/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node labels for schedulers, in the feature-file format of Kubernetes
 * Node Feature Discovery (its features.d directory), and drift between
 * two host reports. See docs/labels.md.
 */
#ifndef MV_LABELS_H
#define MV_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "host.h"

#define MV_LABEL_PREFIX		"migvisor.io"
#define MV_LABEL_NAME_MAX	63	/* after the prefix and the "/" */
#define MV_LABEL_PREFIX_MAX	253
#define MV_LABEL_VALUE_MAX	63
/* NFD ignores a feature file of 64 KiB or more */
#define MV_LABELS_SIZE_MAX	(64 * 1024 - 1)
#define MV_LABELS_DIR		"/etc/kubernetes/node-feature-discovery/features.d"
#define MV_LABELS_FILE		"migvisor"
#define MV_LABELS_EXPIRY	3600

struct mv_labels {
	size_t len;
	char buf[MV_LABELS_SIZE_MAX + 1];
};

/* A baseline by name, such as one the module holds */
struct mv_named_policy {
	char name[64];
	struct mv_policy p;
};

/* "<prefix>/<name>" as NFD and Kubernetes take a label name */
bool mv_label_name_valid(const char *label);
bool mv_label_value_valid(const char *value);

/* One "label=value" line; -EINVAL if either is invalid, -E2BIG if full */
int mv_labels_add(struct mv_labels *l, const char *label, const char *value);
/* NFD's "# +expiry-time=<RFC 3339>" line, for @t in UTC */
int mv_labels_expiry(struct mv_labels *l, time_t t);

/*
 * Over the host's CPUID offer, microcode revision, VMX capability bits
 * and VMX MSR values: equal for equal reports, whatever the order of
 * their MSRs; anything else in a report (model name, VMX root, raw
 * leaves with APIC IDs) leaves it alone.
 */
uint64_t mv_host_fingerprint(const struct mv_host *h);

/*
 * The VMX root a guest start would use here, from the per-CPU modes:
 * "owned" (migvisor's VMXON, on every CPU), "shared" (another owner's on
 * at least one CPU), or NULL when none is given, a start would be refused
 * (foreign) or a mode is unknown.
 */
const char *mv_host_kernel_mode(const struct mv_host *h);

/*
 * All labels of @h: the expiry line (none if @expiry is 0), a baseline
 * label for each named model and each of @extra that @h satisfies, the
 * fingerprint and the kernel mode. A baseline whose name makes no valid
 * label is left out and named on @warn (if not NULL): renaming it could
 * make two baselines one label. Returns how many were left out, or a
 * negative errno.
 */
int mv_labels_for_host(struct mv_labels *l, const struct mv_host *h,
		       const struct mv_named_policy *extra, unsigned int n_extra,
		       time_t expiry, FILE *warn);

/*
 * Replace @dir/@file with @l whole: a reader sees the old file or the new
 * one, never part of one. On failure nothing is left behind and @err
 * says which path failed and why.
 */
int mv_labels_write(const char *dir, const char *file,
		    const struct mv_labels *l, char *err, size_t errlen);

/*
 * Print (text or JSON) every change from @before to @now: microcode, the
 * CPUID offer, VMX capabilities and MSRs, VMX root mode; then for each
 * named model and each of @extra (the module's baselines) whether it is
 * still satisfiable. Returns the number of changes; *@lost is the number
 * of those baselines satisfiable before, not now.
 */
unsigned int mv_host_drift_print(const struct mv_host *before,
				 const struct mv_host *now,
				 const struct mv_named_policy *extra,
				 unsigned int n_extra, unsigned int *lost);

#endif
