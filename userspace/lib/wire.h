/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvmig's own records on the wire between two hosts. They frame the
 * module's record stream (linux/migvisor_rec.h) with the handshake, the
 * rounds and the outcome; the module never gives or takes them. They have
 * the stream's struct mv_rec header, with seq 0, and are not counted.
 */
#ifndef MV_WIRE_H
#define MV_WIRE_H

#include <linux/types.h>
#include <linux/migvisor_rec.h>

enum mv_wire_type {
	MV_REC_HELLO = 32,		/* text: the sender's host and tool */
	MV_REC_ACCEPT,			/* text: the receiver's host */
	MV_REC_REFUSE,			/* text: why not; nothing was created */
	MV_REC_ROUND,			/* struct mv_rec_round */
	MV_REC_ACK,			/* empty: applied, the target is committed */
	MV_REC_ABORT,			/* text: why the transfer stopped */
};

/* MV_REC_ROUND: a pre-copy round, or the final one, begins. */
#define MV_ROUND_FINAL		0x1

struct mv_rec_round {
	__u32 round;			/* from 0 */
	__u32 flags;			/* MV_ROUND_* */
	__u64 pages;			/* pages in this round */
};

_Static_assert(sizeof(struct mv_rec_round) == 16,
	       "struct mv_rec_round must stay 16 bytes: a wire change");

/* A record type's name, the tools' own types included. */
const char *mv_wire_type_name(__u32 type);

#endif
