// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot sessions: a guest's pages and vCPU state as a record stream
 * (uapi MV_REC_*), read() straight into the caller's buffer. Each page is
 * copied once into a bounce page, so that its zero check, its CRC and the
 * bytes the caller gets are the same snapshot even while the guest writes
 * it (such a page is dirty again and goes out in a later round).
 *
 * The session never changes the guest's memory or state. It may pause the
 * guest (MV_SNAP_IOC_FINISH); who resumes it is decided by how the
 * session ends (uapi comment, and docs/migration.md).
 */
#include <linux/anon_inodes.h>
#include <linux/bitmap.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/netlink.h>
#include <linux/uaccess.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../baseline.h"
#include "../guest.h"
#include "../events.h"
#include "audit.h"
#include "record.h"
#include "session.h"
#include "state.h"

struct mv_snap {
	struct mv_guest *g;		/* held */
	struct mutex lock;		/* reads and ioctls; before guest->lock */
	bool force_wp;
	bool started;			/* a round was taken: tracking is on */
	bool final;			/* FINISH: last pages, then VCPU and END */
	bool ended;			/* END was queued or read */
	bool handed_over;		/* END is leaving: outcome in doubt */
	bool paused;			/* this session paused the guest */
	bool committed;
	u32 seq;
	u32 round;			/* rounds taken; 1 while reading the first */
	u64 pages_sent;
	unsigned long *send;		/* pages of the round not yet read */
	unsigned long cursor;
	u64 *gfns;			/* one PAGES record's pages */
	void *bounce;			/* one page */
	u8 *buf;			/* whole records waiting to be read */
	size_t buf_len, buf_off, buf_size;
	struct mv_rec_vcpu *vcpu;	/* captured at FINISH */
	u64 captured_ns;		/* ktime of the capture */
	void *xsave;
	void *audit;			/* AUDIT payload, captured with the vCPU */
	size_t audit_len;
	struct mv_sess_error err;
};

/* Append a whole record to the pending buffer. */
static void queue(struct mv_snap *s, u32 type, const void *a, size_t alen,
		  const void *b, size_t blen)
{
	struct mv_rec h = { .type = type, .len = alen + blen, .seq = s->seq++ };
	u32 crc = mv_rec_crc_start();
	u8 *p = s->buf + s->buf_len;

	crc = mv_crc32c(crc, a, alen);
	crc = mv_crc32c(crc, b, blen);
	h.crc = mv_rec_crc(&h, crc);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), a, alen);
	memcpy(p + sizeof(h) + alen, b, blen);
	s->buf_len += sizeof(h) + alen + blen;
}

static void queue_head(struct mv_snap *s)
{
	struct mv_guest *g = s->g;
	struct mv_rec_header hd = {
		.magic = MV_REC_MAGIC, .version = MV_REC_VERSION,
		.page_size = PAGE_SIZE,
	};
	struct mv_rec_config cfg = {
		.memory = g->mem.size, .vcpus = 1,
		.tsc_khz = g->vcpu.tsc_khz,
	};
	u8 bl[sizeof(struct mv_rec_baseline) +
	      MV_W_COUNT * sizeof(struct mv_rec_word)];

	strscpy(cfg.name, g->name, sizeof(cfg.name));
	mv_rec_baseline_put(bl, &g->policy,
			    g->baseline ? g->baseline->name : "");
	queue(s, MV_REC_HEADER, &hd, sizeof(hd), NULL, 0);
	queue(s, MV_REC_BASELINE, bl, sizeof(bl), NULL, 0);
	queue(s, MV_REC_CONFIG, &cfg, sizeof(cfg), NULL, 0);
}

static void queue_tail(struct mv_snap *s)
{
	struct mv_rec_end end = {
		.pages = s->pages_sent,
		/* A save slowed for hours still restores (restore.c clamps too) */
		.age_ns = min_t(u64, ktime_get_ns() - s->captured_ns,
				MV_REC_MAX_AGE_NS),
	};

	queue(s, MV_REC_VCPU, s->vcpu, sizeof(*s->vcpu), s->xsave,
	      s->vcpu->xsave_size);
	queue(s, MV_REC_AUDIT, s->audit, s->audit_len, NULL, 0);
	end.records = s->seq;
	queue(s, MV_REC_END, &end, sizeof(end), NULL, 0);
}

/*
 * Whether the first round can leave page @gfn out: a restore target's RAM
 * starts zeroed (MV_IOC_RESTORE takes only a guest never loaded or run),
 * so a page that is zero needs no entry. If the guest writes it after
 * this look, dirty tracking (on since the round began) sends it later,
 * as a ZERO entry if it is zero again by then.
 */
static bool first_round_skips(struct mv_snap *s, unsigned long gfn)
{
	void *va;
	bool zero;

	if (s->round != 1)
		return false;
	va = kmap_local_page(s->g->mem.pages[gfn]);
	zero = !memchr_inv(va, 0, PAGE_SIZE);
	kunmap_local(va);
	return zero;
}

/*
 * One PAGES record of up to @max pages at @ubuf; its length, or 0 when
 * the round has no pages left, or -EFAULT.
 */
static ssize_t read_pages(struct mv_snap *s, char __user *ubuf,
			  unsigned int max)
{
	struct mv_mem *m = &s->g->mem;
	struct mv_rec h = { .type = MV_REC_PAGES, .seq = s->seq };
	struct mv_rec_pages ph = { 0 };
	u32 crc = mv_rec_crc_start();
	size_t off = sizeof(h) + sizeof(ph);
	unsigned long gfn = s->cursor;
	unsigned int i;

	while (ph.count < max) {
		gfn = find_next_bit(s->send, m->npages, gfn);
		if (gfn >= m->npages)
			break;
		if (first_round_skips(s, gfn)) {
			__clear_bit(gfn++, s->send);
			/* A large, empty guest is one long scan. */
			if (!(gfn & 1023))
				cond_resched();
			continue;
		}
		s->gfns[ph.count++] = gfn++;
	}
	if (!ph.count)
		return 0;
	crc = mv_crc32c(crc, &ph, sizeof(ph));
	for (i = 0; i < ph.count; i++) {
		u64 gpa = (u64)s->gfns[i] << PAGE_SHIFT;
		void *va = kmap_local_page(m->pages[s->gfns[i]]);
		bool zero;

		memcpy(s->bounce, va, PAGE_SIZE);
		kunmap_local(va);
		zero = !memchr_inv(s->bounce, 0, PAGE_SIZE);
		if (zero)
			gpa |= MV_PAGE_ZERO;
		crc = mv_crc32c(crc, &gpa, sizeof(gpa));
		if (copy_to_user(ubuf + off, &gpa, sizeof(gpa)))
			return -EFAULT;
		off += sizeof(gpa);
		if (zero)
			continue;
		crc = mv_crc32c(crc, s->bounce, PAGE_SIZE);
		if (copy_to_user(ubuf + off, s->bounce, PAGE_SIZE))
			return -EFAULT;
		off += PAGE_SIZE;
	}
	h.len = off - sizeof(h);
	h.crc = mv_rec_crc(&h, crc);
	if (copy_to_user(ubuf, &h, sizeof(h)) ||
	    copy_to_user(ubuf + sizeof(h), &ph, sizeof(ph)))
		return -EFAULT;
	/* Only a record the caller has in full counts as sent. */
	for (i = 0; i < ph.count; i++)
		__clear_bit(s->gfns[i], s->send);
	s->cursor = s->gfns[ph.count - 1] + 1;
	s->pages_sent += ph.count;
	s->seq++;
	return off;
}

static ssize_t snap_read(struct file *file, char __user *ubuf, size_t len,
			 loff_t *pos)
{
	struct mv_snap *s = file->private_data;
	const size_t page_rec = sizeof(struct mv_rec) +
				sizeof(struct mv_rec_pages) + 8 + PAGE_SIZE;
	ssize_t n, err = 0;
	size_t done = 0;

	if (len < MV_REC_MIN_READ)
		return -EINVAL;
	mutex_lock(&s->lock);
	while (done < len) {
		if (s->buf_off < s->buf_len) {
			/* Queued records are small: all of them, or later. */
			n = s->buf_len - s->buf_off;
			if (n > len - done)
				break;
			if (copy_to_user(ubuf + done, s->buf + s->buf_off, n)) {
				err = -EFAULT;
				break;
			}
			s->buf_off = s->buf_len = 0;
			done += n;
			continue;
		}
		if (s->started && len - done >= page_rec) {
			n = read_pages(s, ubuf + done,
				       min_t(size_t, MV_REC_MAX_PAGES,
					     (len - done - page_rec) /
					     (8 + PAGE_SIZE) + 1));
			if (n < 0) {
				err = n;
				break;
			}
			if (n) {
				done += n;
				continue;
			}
		}
		if (s->final && !s->ended &&
		    bitmap_empty(s->send, s->g->mem.npages)) {
			queue_tail(s);
			/*
			 * Read is not delivered: the receiver may run the guest
			 * only once userspace passes END on (MV_SNAP_IOC_HANDOVER).
			 */
			s->ended = true;
			continue;
		}
		break;
	}
	mutex_unlock(&s->lock);
	return done ? done : err;
}

static long fail(struct mv_snap *s, int err, const char *msg)
{
	mv_sess_set_error(&s->err, err, "%s", msg);
	return err;
}

static long snap_round(struct mv_snap *s, struct mv_snap_round __user *uarg,
		       bool finish)
{
	struct mv_guest *g = s->g;
	struct mv_snap_round r = { 0 };
	u64 total = 0;
	int ret = 0;

	if (s->final)
		return fail(s, -EINVAL, "the final round was already taken");
	mutex_lock(&g->lock);
	if (finish && g->state == MV_GUEST_RUNNING) {
		ret = __mv_guest_pause(g, NULL);
		if (ret) {
			mutex_unlock(&g->lock);
			return fail(s, ret, "the guest did not pause");
		}
		s->paused = true;
		g->snap_paused = true;
	}
	if (g->state != MV_GUEST_RUNNING && g->state != MV_GUEST_PAUSED) {
		mutex_unlock(&g->lock);
		return fail(s, -ESRCH, "the guest stopped");
	}
	if (!s->started) {
		/* A paused guest cannot write: no tracking for a one-pass save. */
		if (!finish) {
			ret = mv_dirty_start(&g->vcpu, s->force_wp);
			if (ret) {
				mutex_unlock(&g->lock);
				return fail(s, ret, "cannot start dirty tracking");
			}
		}
		bitmap_fill(s->send, g->mem.npages);
		s->started = true;
	} else {
		ret = mv_dirty_harvest(&g->vcpu, s->send, &total);
	}
	if (!ret && finish) {
		/* Parked: only a paused guest has a state to capture. */
		ret = g->state != MV_GUEST_PAUSED ? -EBUSY :
		      mv_state_capture(&g->vcpu, s->vcpu, s->xsave);
		s->captured_ns = ktime_get_ns();
		s->audit_len = mv_audit_rec_fill(g, s->audit);
	}
	r.flags = (g->dirty.on ? (g->dirty.pml ? MV_SNAP_PML : MV_SNAP_WP) : 0) |
		  (s->paused ? MV_SNAP_PAUSED : 0);
	mutex_unlock(&g->lock);
	if (ret)
		return fail(s, ret, "cannot read the guest's dirty pages or state");
	if (finish)
		s->final = true;
	s->cursor = 0;
	r.round = s->round++;
	r.pages = bitmap_weight(s->send, g->mem.npages);
	r.dirty_total = total;
	r.throttled_ns = READ_ONCE(g->vcpu.throttled_ns);
	if (copy_to_user(uarg, &r, sizeof(r)))
		return -EFAULT;
	if (finish)
		mv_event_guest(g, MV_EVENT_PAUSED);
	return 0;
}

/*
 * Auto-converge: the guest may newly dirty this many pages a second while
 * the session lasts (vmx/vcpu.c), and the caller reads how fast it does.
 * A limit only before FINISH: after it the guest is paused anyway, and
 * the session's end takes the limit off.
 */
static long snap_throttle(struct mv_snap *s, void __user *uarg)
{
	struct mv_snap_throttle t;
	struct mv_guest *g = s->g;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	if (t.reserved || (t.flags & ~MV_THROTTLE_SET))
		return fail(s, -EINVAL, "unknown flags, or reserved is set");
	if ((t.flags & MV_THROTTLE_SET) && s->final)
		return fail(s, -EINVAL, "the guest is paused for the last round: nothing to throttle");
	if (t.flags & MV_THROTTLE_SET)
		WRITE_ONCE(g->dirty.limit, t.dirty_limit);
	t.dirty_limit = READ_ONCE(g->dirty.limit);
	t.dirty_total = READ_ONCE(g->dirty.total);
	t.throttled_ns = READ_ONCE(g->vcpu.throttled_ns);
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}

static long snap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mv_snap *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret = 0;

	if (cmd == MV_SESS_IOC_ERROR) {
		struct mv_sess_error e;

		/* A copy under the lock: a failing write may be setting it. */
		mutex_lock(&s->lock);
		e = s->err;
		mutex_unlock(&s->lock);
		return mv_sess_get_error(&e, uarg);
	}
	mutex_lock(&s->lock);
	switch (cmd) {
	case MV_SNAP_IOC_ROUND:
		ret = snap_round(s, uarg, false);
		break;
	case MV_SNAP_IOC_FINISH:
		ret = snap_round(s, uarg, true);
		break;
	case MV_SNAP_IOC_THROTTLE:
		ret = snap_throttle(s, uarg);
		break;
	case MV_SNAP_IOC_HANDOVER:
		if (!s->ended || s->buf_off < s->buf_len)
			ret = fail(s, -EINVAL, "hand-over before the END record was read");
		else
			s->handed_over = true;
		break;
	case MV_SNAP_IOC_COMMIT:
		if (!s->handed_over)
			ret = fail(s, -EINVAL, "commit before the END record was handed over");
		else
			s->committed = true;
		break;
	case MV_SNAP_IOC_ABORT:
		if (s->committed) {
			ret = fail(s, -EINVAL, "the session was committed");
			break;
		}
		/* The receiver said it discarded the copy: resuming is safe. */
		s->handed_over = false;
		mutex_lock(&s->g->lock);
		if (s->paused && !__mv_guest_resume(s->g, NULL)) {
			s->paused = false;
			s->g->snap_paused = false;
		}
		mutex_unlock(&s->g->lock);
		break;
	default:
		ret = fail(s, -ENOTTY, "not an ioctl of a snapshot session");
	}
	mutex_unlock(&s->lock);
	return ret;
}

static void snap_free(struct mv_snap *s)
{
	kvfree(s->buf);
	bitmap_free(s->send);
	kfree(s->gfns);
	free_page((unsigned long)s->bounce);
	kfree(s->vcpu);
	kfree(s->audit);
	free_page((unsigned long)s->xsave);
	kfree(s);
}

static int snap_release(struct inode *inode, struct file *file)
{
	struct mv_snap *s = file->private_data;
	struct mv_guest *g = s->g;
	bool resumed = false;

	mutex_lock(&g->lock);
	mv_dirty_stop(&g->vcpu);
	WRITE_ONCE(g->dirty.limit, 0);
	/*
	 * Never resume a guest that another host may be running now: after
	 * the hand-over of END. Before it, END cannot have reached anyone.
	 */
	if (s->paused && !s->committed && !s->handed_over)
		resumed = !__mv_guest_resume(g, NULL);
	g->snap_paused = false;
	mutex_unlock(&g->lock);
	if (resumed)
		mv_event_guest(g, MV_EVENT_RESUMED);
	mv_sess_detach(g);
	snap_free(s);
	return 0;
}

static const struct file_operations mv_snap_fops = {
	.owner		= THIS_MODULE,
	.read		= snap_read,
	.unlocked_ioctl	= snap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= snap_release,
};

int mv_snap_open(struct mv_guest *g, unsigned long flags,
		 struct netlink_ext_ack *extack)
{
	struct mv_snap *s;
	int fd, ret;

	if (flags & ~(unsigned long)MV_SNAP_WP) {
		NL_SET_ERR_MSG(extack, "unknown snapshot flags");
		return -EINVAL;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		NL_SET_ERR_MSG(extack, "out of memory for the snapshot session");
		return -ENOMEM;
	}
	mutex_init(&s->lock);
	s->force_wp = flags & MV_SNAP_WP;
	s->send = bitmap_zalloc(g->mem.npages, MV_GFP_BIG);
	s->gfns = kcalloc(MV_REC_MAX_PAGES, sizeof(*s->gfns), MV_GFP_BIG);
	s->bounce = (void *)__get_free_page(GFP_KERNEL_ACCOUNT);
	s->xsave = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	s->vcpu = kzalloc(sizeof(*s->vcpu), GFP_KERNEL_ACCOUNT);
	s->audit = kmalloc(mv_rec_audit_len_max(), GFP_KERNEL_ACCOUNT);
	/* The largest queue: VCPU (XSAVE area at most a page), AUDIT, END. */
	s->buf_size = 4 * sizeof(struct mv_rec) + sizeof(struct mv_rec_vcpu) +
		      PAGE_SIZE + mv_rec_audit_len_max() +
		      sizeof(struct mv_rec_end) + 1024;
	s->buf = kvmalloc(s->buf_size, MV_GFP_BIG);
	if (!s->send || !s->gfns || !s->bounce || !s->xsave || !s->vcpu ||
	    !s->audit || !s->buf) {
		snap_free(s);
		NL_SET_ERR_MSG(extack, "out of memory for the snapshot session");
		return -ENOMEM;
	}

	mutex_lock(&g->lock);
	if (g->state != MV_GUEST_RUNNING && g->state != MV_GUEST_PAUSED) {
		NL_SET_ERR_MSG(extack, "only a running or paused guest can be snapshot");
		ret = -ESRCH;
		goto err_unlock;
	}
	if (g->session) {
		NL_SET_ERR_MSG(extack, "the guest has a snapshot or restore session already");
		ret = -EBUSY;
		goto err_unlock;
	}
	mv_sess_attach(g);
	s->g = g;
	queue_head(s);
	mutex_unlock(&g->lock);

	fd = anon_inode_getfd("migvisor-snapshot", &mv_snap_fops, s,
			      O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mv_sess_detach(g);
		snap_free(s);
	}
	return fd;

err_unlock:
	mutex_unlock(&g->lock);
	snap_free(s);
	return ret;
}
