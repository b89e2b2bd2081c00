/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the layers below the front ends report upwards without calling
 * them: guest events, to whoever subscribed (netlink.c multicasts them),
 * and the text of a refusal, for the extack the netlink core copies. A
 * leaf: it calls nothing of migvisor's.
 */
#ifndef _MV_EVENTS_H
#define _MV_EVENTS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/migvisor_nl.h>

struct mv_guest;
struct netlink_ext_ack;
struct notifier_block;

/*
 * Guest @g had MV_EVENT_@event: the subscribers' notifiers run with
 * (@event, @g), in process context, before this returns. May sleep.
 */
void mv_event_guest(struct mv_guest *g, u32 event);
int mv_events_subscribe(struct notifier_block *nb);
void mv_events_unsubscribe(struct notifier_block *nb);

/* A formatted extack message that outlives the handler: see events.c. */
__printf(2, 3)
void mv_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...);

#endif /* _MV_EVENTS_H */
