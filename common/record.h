/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The migration record stream (uapi MV_REC_*): CRCs and the baseline
 * record, shared by the module (which writes and checks streams) and by
 * mvmig (which frames, forwards and checks them). Each side supplies
 * mv_crc32c(), the raw CRC32C update: no inversion at either end.
 */
#ifndef _MV_RECORD_H
#define _MV_RECORD_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#endif

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "policy.h"

__u32 mv_crc32c(__u32 crc, const void *p, size_t len);

/* The CRC of a record whose payload has raw CRC @payload (seeded ~0). */
__u32 mv_rec_crc(const struct mv_rec *h, __u32 payload);
static inline __u32 mv_rec_crc_start(void)
{
	return ~0u;
}

/* Payload bytes of a BASELINE record. */
static inline size_t mv_rec_baseline_len(void)
{
	return sizeof(struct mv_rec_baseline) +
	       MV_W_COUNT * sizeof(struct mv_rec_word);
}

/* Fill a BASELINE payload (mv_rec_baseline_len() bytes) from a policy. */
void mv_rec_baseline_put(void *payload, const struct mv_policy *p,
			 const char *name);
/*
 * Read one back: 0, or -1 with the reason in @why. The policy must be
 * canonical and its hash must be the one the record gives.
 */
int mv_rec_baseline_get(const void *payload, size_t len,
			struct mv_policy *p, char *name, const char **why);

/* Payload bytes of an AUDIT record with @queries and @features entries. */
static inline size_t mv_rec_audit_len(__u32 queries, __u32 features)
{
	return sizeof(struct mv_rec_audit) +
	       (size_t)queries * sizeof(struct mv_rec_audit_query) +
	       (size_t)features * sizeof(struct mv_rec_audit_feature);
}

/* The largest AUDIT payload a writer of this version can send. */
static inline size_t mv_rec_audit_len_max(void)
{
	return mv_rec_audit_len(MV_CPUID_AUDIT_MAX, MV_F_COUNT);
}

/*
 * Check an AUDIT payload: 0, or -1 with the reason in @why. Every count
 * is non-zero, no pair or feature repeats, and every feature is one this
 * version knows (so that none is dropped on the way in).
 */
int mv_rec_audit_check(const void *payload, size_t len, const char **why);

/* Human name of a record type, for errors and traces. */
const char *mv_rec_type_name(__u32 type);

#endif /* _MV_RECORD_H */
