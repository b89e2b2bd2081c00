// SPDX-License-Identifier: GPL-2.0
/*
 * What both kinds of session share: the last error, in words, because a
 * file descriptor has no extack.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/uaccess.h>

#include "../guest.h"
#include "session.h"

void mv_sess_attach(struct mv_guest *g)
{
	lockdep_assert_held(&g->lock);
	g->session = true;
	kref_get(&g->ref);
}

void mv_sess_detach(struct mv_guest *g)
{
	mutex_lock(&g->lock);
	g->session = false;
	mutex_unlock(&g->lock);
	mv_guest_put(g);
}

void mv_sess_set_error(struct mv_sess_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	e->err = err;
	va_start(ap, fmt);
	vscnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

long mv_sess_get_error(const struct mv_sess_error *e, void __user *uarg)
{
	return copy_to_user(uarg, e, sizeof(*e)) ? -EFAULT : 0;
}
