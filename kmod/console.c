// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/slab.h>

#include <linux/migvisor.h>

#include "console.h"

int mv_console_init(struct mv_console *c)
{
	spin_lock_init(&c->lock);
	c->total = 0;
	c->buf = kzalloc(MV_CONSOLE_SIZE, GFP_KERNEL_ACCOUNT);
	return c->buf ? 0 : -ENOMEM;
}

void mv_console_free(struct mv_console *c)
{
	kfree(c->buf);
	c->buf = NULL;
}

void mv_console_skip(struct mv_console *c, u64 n)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->total += n;
	spin_unlock_irqrestore(&c->lock, flags);
}

void mv_console_write(struct mv_console *c, const u8 *p, size_t n)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	/* Only the tail of an oversized write can survive anyway. */
	if (n > MV_CONSOLE_SIZE) {
		p += n - MV_CONSOLE_SIZE;
		c->total += n - MV_CONSOLE_SIZE;
		n = MV_CONSOLE_SIZE;
	}
	while (n) {
		size_t at = c->total % MV_CONSOLE_SIZE;
		size_t k = min_t(size_t, n, MV_CONSOLE_SIZE - at);

		memcpy(c->buf + at, p, k);
		c->total += k;
		p += k;
		n -= k;
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

size_t mv_console_read(struct mv_console *c, u64 *off, u8 *dst, size_t len)
{
	unsigned long flags;
	size_t done = 0;
	u64 oldest;

	spin_lock_irqsave(&c->lock, flags);
	oldest = c->total > MV_CONSOLE_SIZE ? c->total - MV_CONSOLE_SIZE : 0;
	if (*off < oldest)
		*off = oldest;
	if (*off > c->total)
		*off = c->total;
	while (done < len && *off + done < c->total) {
		size_t at = (*off + done) % MV_CONSOLE_SIZE;
		size_t k = min3(len - done, (size_t)(MV_CONSOLE_SIZE - at),
				(size_t)(c->total - *off - done));

		memcpy(dst + done, c->buf + at, k);
		done += k;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return done;
}

u64 mv_console_total(struct mv_console *c)
{
	unsigned long flags;
	u64 t;

	spin_lock_irqsave(&c->lock, flags);
	t = c->total;
	spin_unlock_irqrestore(&c->lock, flags);
	return t;
}
