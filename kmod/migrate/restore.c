// SPDX-License-Identifier: GPL-2.0
/*
 * Restore sessions: a record stream written into a guest that was created
 * for it and never loaded or started. The stream is hostile until proven
 * otherwise: each record is taken in whole into a kernel buffer, and its
 * framing, sequence, CRC and every field are checked before any of it
 * touches the guest. A bad record fails the session with a reason
 * (MV_SESS_IOC_ERROR); the guest never starts from a partial stream, and
 * closing an uncommitted session deletes it.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "../baseline.h"
#include "../guest.h"
#include "../vmx/exit.h"
#include "../vmx/tsc.h"
#include "../vmx/vmx.h"
#include "../../common/codec.h"
#include "audit.h"
#include "record.h"
#include "session.h"
#include "state.h"

struct mv_restore {
	struct mv_guest *g;		/* held */
	struct mutex lock;		/* writes and ioctls; before guest->lock */
	struct mv_rec hdr;
	size_t hdr_have;
	u8 *rec;			/* payload, MV_REC_MAX_LEN bytes */
	size_t have;
	struct mv_codec codec;		/* order, framing, counts */
	bool failed;
	bool committed;
	bool rate_set;			/* CONFIG (or VCPU) gave the TSC rate */
	struct mv_sess_error err;
};

static int bad(struct mv_restore *r, int err, const char *fmt, ...)
	__printf(3, 4);

static int bad(struct mv_restore *r, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mv_sess_set_error(&r->err, err, "record %u (%s): %s", r->hdr.seq,
			  mv_rec_type_name(r->hdr.type), msg);
	r->failed = true;
	return err;
}

/* The stream's own rules (common/codec.c), before the payload is taken. */
static int check_header(struct mv_restore *r)
{
	char why[MV_CODEC_WHY_LEN];
	int ret;

	r->codec.xsave_size = mv_state_xsave_size(&r->g->policy);
	ret = mv_codec_head(&r->codec, &r->hdr, why);
	return ret ? bad(r, ret, "%s", why) : 0;
}

static int do_baseline(struct mv_restore *r)
{
	struct mv_policy p;
	const char *why;

	/* The codec took it apart once; here it is read for its hash. */
	if (mv_rec_baseline_get(r->rec, r->hdr.len, &p, NULL, &why))
		return bad(r, -EINVAL, "%s", why);
	if (mv_policy_hash(&p) != mv_policy_hash(&r->g->policy))
		return bad(r, -EINVAL, "the stream's baseline (hash %016llx) is not this guest's (%016llx)",
			   mv_policy_hash(&p), mv_policy_hash(&r->g->policy));
	return 0;
}

/* The guest's TSC rate is the stream's, not this host's baseline's. */
static int take_rate(struct mv_restore *r, u64 khz)
{
	char why[MV_TSC_WHY_LEN];
	int ret;

	if (khz < MV_TSC_KHZ_MIN || khz > MV_TSC_KHZ_MAX)
		return bad(r, -EINVAL, "TSC rate %llu kHz is outside %u..%u",
			   khz, MV_TSC_KHZ_MIN, MV_TSC_KHZ_MAX);
	mutex_lock(&r->g->lock);
	ret = mv_tsc_rate_set(&r->g->vcpu, khz, why);
	mutex_unlock(&r->g->lock);
	if (ret)
		return bad(r, ret, "%s", why);
	r->rate_set = true;
	return 0;
}

static int do_config(struct mv_restore *r)
{
	const struct mv_rec_config *c = (const void *)r->rec;

	if (c->memory != r->g->mem.size)
		return bad(r, -EINVAL, "the stream's guest has %llu bytes of RAM, this one %llu",
			   c->memory, r->g->mem.size);
	/* Before any page: a host that cannot keep the rate takes nothing. */
	if (c->tsc_khz) {
		int ret = take_rate(r, c->tsc_khz);

		if (ret)
			return ret;
	}
	return 0;
}

/* The codec has checked every entry: write them into the guest. */
static int do_pages(struct mv_restore *r)
{
	struct mv_mem *m = &r->g->mem;
	size_t off = sizeof(struct mv_rec_pages);
	const void *data;
	void *va;
	u64 e;

	while (mv_pages_next(r->rec, r->hdr.len, &off, &e, &data) > 0) {
		va = kmap_local_page(m->pages[e >> PAGE_SHIFT]);
		if (data)
			memcpy(va, data, PAGE_SIZE);
		else
			clear_page(va);
		kunmap_local(va);
	}
	return 0;
}

static int do_vcpu(struct mv_restore *r)
{
	struct mv_rec_vcpu *v;
	const char *why;

	/* A writer that predates CONFIG's rate: the VCPU record's, now. */
	if (!r->rate_set) {
		int ret = take_rate(r, ((const struct mv_rec_vcpu *)r->rec)->tsc_khz);

		if (ret)
			return ret;
	}
	if (mv_state_check(&r->g->vcpu, (const void *)r->rec, r->rec + sizeof(*v), &why))
		return bad(r, -EINVAL, "vCPU state refused: %s", why);
	v = kmemdup(r->rec, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return bad(r, -ENOMEM, "out of memory");
	mutex_lock(&r->g->lock);
	mv_state_apply(&r->g->vcpu, v, r->rec + sizeof(*v));
	mutex_unlock(&r->g->lock);
	return 0;
}

static int do_audit(struct mv_restore *r)
{
	mutex_lock(&r->g->lock);
	mv_audit_rec_apply(r->g, r->rec);
	mutex_unlock(&r->g->lock);
	return 0;
}

static int do_end(struct mv_restore *r)
{
	const struct mv_rec_end *e = (const void *)r->rec;

	/*
	 * Its TSC goes on from here, as if it had run since (state.c), by
	 * an hour at most: a stream is not refused for having been slow.
	 */
	mutex_lock(&r->g->lock);
	r->g->vcpu.tsc_base_ns = ktime_get_ns() -
				 min_t(u64, e->age_ns, MV_REC_MAX_AGE_NS);
	mutex_unlock(&r->g->lock);
	return 0;
}

/* A whole record: the codec's rules, then what needs this guest. */
static int use(struct mv_restore *r)
{
	switch (r->hdr.type) {
	case MV_REC_HEADER:
		return 0;
	case MV_REC_BASELINE:
		return do_baseline(r);
	case MV_REC_CONFIG:
		return do_config(r);
	case MV_REC_PAGES:
		return do_pages(r);
	case MV_REC_VCPU:
		return do_vcpu(r);
	case MV_REC_AUDIT:
		return do_audit(r);
	default:
		return do_end(r);
	}
}

static int apply(struct mv_restore *r)
{
	char why[MV_CODEC_WHY_LEN];
	int ret;

	ret = mv_codec_body(&r->codec, &r->hdr, r->rec, why);
	if (ret)
		return bad(r, ret, "%s", why);
	ret = use(r);
	if (ret)
		return ret;
	mv_codec_take(&r->codec, &r->hdr, r->rec);
	return 0;
}

static ssize_t restore_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *pos)
{
	struct mv_restore *r = file->private_data;
	size_t done = 0, n;
	int ret = 0;

	mutex_lock(&r->lock);
	if (r->failed) {
		ret = -EIO;
		goto out;
	}
	while (done < len) {
		if (r->hdr_have < sizeof(r->hdr)) {
			n = min(len - done, sizeof(r->hdr) - r->hdr_have);
			if (copy_from_user((u8 *)&r->hdr + r->hdr_have,
					   ubuf + done, n)) {
				ret = -EFAULT;
				break;
			}
			r->hdr_have += n;
			done += n;
			if (r->hdr_have < sizeof(r->hdr))
				break;
			ret = check_header(r);
			if (ret)
				break;
			r->have = 0;
		}
		n = min_t(size_t, len - done, r->hdr.len - r->have);
		if (copy_from_user(r->rec + r->have, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		r->have += n;
		done += n;
		if (r->have < r->hdr.len)
			break;
		ret = apply(r);
		if (ret)
			break;
		r->hdr_have = 0;
	}
out:
	mutex_unlock(&r->lock);
	return ret ? ret : done;
}

/*
 * The checks in state.c follow the SDM; this is the backstop for what
 * they miss. One VM entry that exits before the first instruction shows
 * that this host's CPU takes the state, before the commit makes this copy
 * the one that must run. A state it refuses fails the session, and the
 * source resumes. Without a VMX-preemption timer the entry would let the
 * guest run, so there only the checks stand.
 */
static int trial_entry(struct mv_restore *r)
{
	struct mv_guest *g = r->g;
	struct netlink_ext_ack ext = {};
	struct mv_exit e;
	int ret;

	lockdep_assert_held(&g->lock);
	if (!g->vmx_held) {
		ret = mv_vmx_get(&ext);
		if (ret) {
			mv_sess_set_error(&r->err, ret, "cannot commit: %s",
					  ext._msg ? ext._msg : "VMX root is not available");
			return ret;
		}
		g->vmx_held = true;
	}
	ret = mv_vcpu_trial(&g->vcpu, &e);
	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret == -EINVAL)
		mv_sess_set_error(&r->err, ret,
				  "this host's CPU refuses the vCPU state (stop %u, info %#llx): not committed",
				  e.stop, e.stop_info);
	else if (ret)
		mv_sess_set_error(&r->err, ret,
				  "cannot try the vCPU state: VMX root is not usable on this CPU now (%d)",
				  ret);
	return ret;
}

static long restore_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct mv_restore *r = file->private_data;
	struct mv_guest *g = r->g;
	long ret = 0;

	if (cmd == MV_SESS_IOC_ERROR) {
		struct mv_sess_error e;

		/* A copy under the lock: a failing write may be setting it. */
		mutex_lock(&r->lock);
		e = r->err;
		mutex_unlock(&r->lock);
		return mv_sess_get_error(&e, (void __user *)arg);
	}
	mutex_lock(&r->lock);
	if (cmd != MV_SNAP_IOC_COMMIT) {
		/* A failed session keeps the reason it failed for. */
		if (!r->failed)
			mv_sess_set_error(&r->err, -ENOTTY, "not an ioctl of a restore session");
		mutex_unlock(&r->lock);
		return -ENOTTY;
	}
	if (r->failed) {
		ret = -EINVAL;
	} else if (!mv_codec_ended(&r->codec) || r->hdr_have) {
		mv_sess_set_error(&r->err, -EINVAL,
				  "commit before a complete, valid stream (up to END)");
		ret = -EINVAL;
	} else {
		mutex_lock(&g->lock);
		ret = trial_entry(r);
		if (!ret) {
			g->restored = true;
			g->entry_set = true;
			r->committed = true;
		}
		mutex_unlock(&g->lock);
	}
	mutex_unlock(&r->lock);
	return ret;
}

static void restore_free(struct mv_restore *r)
{
	kvfree(r->rec);
	kfree(r);
}

static int restore_release(struct inode *inode, struct file *file)
{
	struct mv_restore *r = file->private_data;

	if (!r->committed)
		mv_guest_discard(r->g);
	mv_sess_detach(r->g);
	restore_free(r);
	return 0;
}

static const struct file_operations mv_restore_fops = {
	.owner		= THIS_MODULE,
	.write		= restore_write,
	.unlocked_ioctl	= restore_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= restore_release,
};

static struct mv_restore *restore_alloc(void)
{
	struct mv_restore *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);

	if (!r)
		return NULL;
	mutex_init(&r->lock);
	r->rec = kvmalloc(MV_REC_MAX_LEN, MV_GFP_BIG);
	if (!r->rec) {
		restore_free(r);
		return NULL;
	}
	return r;
}

int mv_restore_open(struct mv_guest *g, struct netlink_ext_ack *extack)
{
	struct mv_restore *r = restore_alloc();
	int fd;

	if (!r) {
		NL_SET_ERR_MSG(extack, "out of memory for the restore buffer");
		return -ENOMEM;
	}
	mutex_lock(&g->lock);
	/* Only a blank guest: nothing loaded, never started, no session. */
	if (g->state != MV_GUEST_CREATED || g->entry_set || g->session) {
		bool busy = g->session;

		mutex_unlock(&g->lock);
		restore_free(r);
		if (busy)
			NL_SET_ERR_MSG(extack, "the guest has a snapshot or restore session already");
		else
			NL_SET_ERR_MSG(extack, "only a guest that was never loaded or started can be restored into");
		return -EBUSY;
	}
	mv_sess_attach(g);
	r->g = g;
	r->codec.guest_pages = g->mem.npages;
	mutex_unlock(&g->lock);

	fd = anon_inode_getfd("migvisor-restore", &mv_restore_fops, r,
			      O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		mv_sess_detach(g);
		restore_free(r);
	}
	return fd;
}

/*
 * A new guest and its restore session in one step (MV_IOC_RESTORE_NEW):
 * it is created with the session attached, so whatever happens to the
 * caller, it dies with the fd unless the stream commits.
 */
int mv_restore_new(const char *name, u64 mem, const char *baseline,
		   struct netlink_ext_ack *extack)
{
	struct mv_restore *r = restore_alloc();
	struct mv_guest *g;
	int fd;

	if (!r) {
		NL_SET_ERR_MSG(extack, "out of memory for the restore buffer");
		return -ENOMEM;
	}
	g = mv_guest_new(name, mem, baseline, true, extack);
	if (IS_ERR(g)) {
		if (PTR_ERR(g) == -EEXIST)
			NL_SET_ERR_MSG(extack, "a guest with this name exists");
		restore_free(r);
		return PTR_ERR(g);
	}
	r->g = g;	/* the session's reference, taken at creation */
	r->codec.guest_pages = g->mem.npages;
	mv_guest_put(g);
	fd = anon_inode_getfd("migvisor-restore", &mv_restore_fops, r,
			      O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		NL_SET_ERR_MSG(extack, "cannot make the session file");
		mv_guest_discard(g);
		mv_sess_detach(g);
		restore_free(r);
	}
	return fd;
}
