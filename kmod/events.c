// SPDX-License-Identifier: GPL-2.0
/*
 * Upward reports without upward calls: see events.h.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/notifier.h>

#include "events.h"

static BLOCKING_NOTIFIER_HEAD(mv_events);

void mv_event_guest(struct mv_guest *g, u32 event)
{
	might_sleep();
	blocking_notifier_call_chain(&mv_events, event, g);
}

int mv_events_subscribe(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&mv_events, nb);
}

void mv_events_unsubscribe(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&mv_events, nb);
}

/*
 * Formatted extack messages. Linux 6.1 has no NL_SET_ERR_MSG_FMT, and
 * where it exists it keeps 80 bytes, less than a list of missing features
 * takes: the message must outlive the handler until the core copies it
 * into the ack. A ring of buffers does that. Between a handler's return
 * and its ack only the handlers of other senders can run (genl_mutex
 * serialises handlers, and one sender's requests are acked in order), and
 * a character-device caller copies its message at once; so a slot is
 * reused only after MV_ERRMSG_SLOTS later failures, which would take that
 * many senders failing at the same moment.
 */
#define MV_ERRMSG_SLOTS		64
#define MV_ERRMSG_LEN		512
static char mv_errmsg_ring[MV_ERRMSG_SLOTS][MV_ERRMSG_LEN];
static atomic_t mv_errmsg_next = ATOMIC_INIT(0);

void mv_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	unsigned int slot;
	va_list ap;
	char *buf;

	if (!extack)
		return;
	slot = (unsigned int)atomic_inc_return(&mv_errmsg_next) % MV_ERRMSG_SLOTS;
	buf = mv_errmsg_ring[slot];
	va_start(ap, fmt);
	vscnprintf(buf, MV_ERRMSG_LEN, fmt, ap);
	va_end(ap);
	extack->_msg = buf;
}
