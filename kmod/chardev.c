// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/migvisor: the data path (guest pages and vCPU state). Only root may
 * open it (mode 0600, and CAP_SYS_ADMIN is checked on open because a
 * changed mode must not widen access to guest memory).
 *
 * A file descriptor has no extack, so each open file keeps the reason for
 * its last failure, in words, for MV_IOC_ERROR. The reasons come from the
 * same functions netlink calls, through an extack of the file's own.
 */
#include <linux/kernel.h>
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_rec.h>

#include "chardev.h"
#include "guest.h"
#include "migrate/session.h"
#include "vmx/capabilities.h"
#include "vmx/tsc.h"

/* An open /dev/migvisor, or a guest fd: the last failure on it. */
struct mv_fd {
	struct mv_guest *g;		/* held; NULL for /dev/migvisor */
	struct mutex lock;		/* @err */
	struct mv_sess_error err;
};

/* Record why @ret: the extack's text, else @why. Returns @ret. */
static long failed(struct mv_fd *f, long ret, const struct netlink_ext_ack *ext,
		   const char *why)
{
	mutex_lock(&f->lock);
	f->err.err = ret;
	strscpy(f->err.msg, ext && ext->_msg ? ext->_msg : why,
		sizeof(f->err.msg));
	mutex_unlock(&f->lock);
	return ret;
}

/* Each call starts clean: MV_IOC_ERROR tells of the last call only. */
static void clear_error(struct mv_fd *f)
{
	mutex_lock(&f->lock);
	memset(&f->err, 0, sizeof(f->err));
	mutex_unlock(&f->lock);
}

static long get_error(struct mv_fd *f, void __user *uarg)
{
	long ret;

	mutex_lock(&f->lock);
	ret = copy_to_user(uarg, &f->err, sizeof(f->err)) ? -EFAULT : 0;
	mutex_unlock(&f->lock);
	return ret;
}

static struct mv_fd *mv_fd_new(struct mv_guest *g)
{
	struct mv_fd *f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);

	if (!f)
		return NULL;
	mutex_init(&f->lock);
	f->g = g;
	return f;
}

static int mv_dev_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	file->private_data = mv_fd_new(NULL);
	if (!file->private_data)
		return -ENOMEM;
	return nonseekable_open(inode, file);
}

static int mv_dev_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

#define MV_BAD_ARG "the argument does not point to a buffer of the ioctl's size"

static long get_version(struct mv_fd *f, struct mv_version __user *uarg)
{
	struct mv_version v;

	if (copy_from_user(&v, uarg, sizeof(v)))
		return failed(f, -EFAULT, NULL, MV_BAD_ARG);
	if (v.api || v.genl || v.caps || v.rec || v.reserved32 ||
	    memchr_inv(v.reserved, 0, sizeof(v.reserved)))
		return failed(f, -EINVAL, NULL,
			      "struct mv_version: all input fields must be zero");
	v.api = MV_API_VERSION;
	v.genl = MV_GENL_VERSION;
	v.rec = MV_REC_VERSION;
	v.caps = MV_CAP_HANDOVER | MV_CAP_RESTORE_NEW | MV_CAP_ERROR |
		 MV_CAP_THROTTLE | MV_CAP_AUDIT_RECORD | MV_CAP_TSC_RATE;
	if (mv_cpu_has_pml())
		v.caps |= MV_CAP_PML;
	if (mv_tsc_can_scale())
		v.caps |= MV_CAP_TSC_SCALING;
	if (copy_to_user(uarg, &v, sizeof(v)))
		return failed(f, -EFAULT, NULL, MV_BAD_ARG);
	return 0;
}

/* --- per-guest file: its lifetime holds a guest reference --- */

static int guest_release(struct inode *inode, struct file *file)
{
	struct mv_fd *f = file->private_data;

	mv_guest_put(f->g);
	kfree(f);
	return 0;
}

static ssize_t guest_write(struct file *file, const char __user *buf,
			   size_t len, loff_t *pos)
{
	struct mv_fd *f = file->private_data;
	int ret;

	clear_error(f);
	if (*pos < 0)
		return failed(f, -EINVAL, NULL, "negative guest-physical offset");
	ret = mv_guest_load(f->g, *pos, buf, len);
	if (ret == -EBUSY)
		return failed(f, ret, NULL,
			      "the guest was started or has a session: its memory cannot be loaded");
	if (ret == -EFAULT)
		return failed(f, ret, NULL,
			      "the range is below the load area or outside guest RAM, or the buffer is bad");
	if (ret)
		return failed(f, ret, NULL, "cannot load guest memory");
	*pos += len;
	return len;
}

static ssize_t guest_read(struct file *file, char __user *buf, size_t len,
			  loff_t *pos)
{
	struct mv_fd *f = file->private_data;
	struct mv_guest *g = f->g;
	int ret;

	if (*pos < 0 || *pos >= g->mem.size)
		return 0;
	len = min_t(u64, len, g->mem.size - *pos);
	ret = mv_mem_read(&g->mem, *pos, (void __force *)buf, len, true);
	if (ret)
		return failed(f, ret, NULL, "cannot copy guest memory to the buffer");
	*pos += len;
	return len;
}

static long guest_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct mv_fd *f = file->private_data;
	struct netlink_ext_ack ext = {};
	struct mv_guest_entry e;
	long ret;

	if (cmd == MV_IOC_ERROR)
		return get_error(f, (void __user *)arg);
	clear_error(f);
	switch (cmd) {
	case MV_IOC_SET_ENTRY:
		if (copy_from_user(&e, (void __user *)arg, sizeof(e)))
			return failed(f, -EFAULT, NULL, MV_BAD_ARG);
		if (memchr_inv(e.reserved, 0, sizeof(e.reserved)))
			return failed(f, -EINVAL, NULL,
				      "struct mv_guest_entry: reserved fields must be zero");
		ret = mv_guest_set_entry(f->g, e.rip);
		if (ret == -EBUSY)
			return failed(f, ret, NULL,
				      "the guest was started or has a session: its entry point is fixed");
		if (ret)
			return failed(f, ret, NULL,
				      "the entry point is below the load area or outside guest RAM");
		return 0;
	case MV_IOC_SNAPSHOT:
		ret = mv_snap_open(f->g, arg, &ext);
		break;
	case MV_IOC_RESTORE:
		if (arg)
			return failed(f, -EINVAL, NULL, "MV_IOC_RESTORE takes no argument");
		ret = mv_restore_open(f->g, &ext);
		break;
	default:
		return failed(f, -ENOTTY, NULL, "not an ioctl of a migvisor guest fd");
	}
	return ret < 0 ? failed(f, ret, &ext, "session not opened") : ret;
}

static const struct file_operations mv_guest_fops = {
	.owner		= THIS_MODULE,
	.release	= guest_release,
	.read		= guest_read,
	.write		= guest_write,
	.unlocked_ioctl	= guest_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= default_llseek,
};

static long guest_open(struct mv_fd *df, struct mv_guest_open __user *uarg)
{
	struct mv_guest_open o;
	struct mv_guest *g;
	struct file *file;
	struct mv_fd *f;
	int fd;

	if (copy_from_user(&o, uarg, sizeof(o)))
		return failed(df, -EFAULT, NULL, MV_BAD_ARG);
	if (o.flags || o.reserved || !memchr(o.name, 0, sizeof(o.name)))
		return failed(df, -EINVAL, NULL,
			      "struct mv_guest_open: flags or reserved set, or the name is not terminated");
	g = mv_guest_get(o.name);
	if (!g)
		return failed(df, -ENOENT, NULL, "no guest with this name");
	f = mv_fd_new(g);
	if (!f) {
		mv_guest_put(g);
		return -ENOMEM;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto out_free;
	file = anon_inode_getfile("migvisor-guest", &mv_guest_fops, f, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto out_free;
	}
	/* Guest-physical addresses are file offsets: pread/pwrite work. */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE | FMODE_LSEEK;
	fd_install(fd, file);
	return fd;

out_free:
	kfree(f);
	mv_guest_put(g);
	return failed(df, fd, NULL, "cannot make the guest file");
}

static long restore_new(struct mv_fd *f, struct mv_restore_new __user *uarg)
{
	struct netlink_ext_ack ext = {};
	struct mv_restore_new rn;
	long ret;

	if (copy_from_user(&rn, uarg, sizeof(rn)))
		return failed(f, -EFAULT, NULL, MV_BAD_ARG);
	if (rn.flags || rn.reserved || !memchr(rn.name, 0, sizeof(rn.name)) ||
	    !memchr(rn.baseline, 0, sizeof(rn.baseline)))
		return failed(f, -EINVAL, NULL,
			      "struct mv_restore_new: flags or reserved set, or a name is not terminated");
	ret = mv_guest_params_ok(rn.name, rn.memory, &ext);
	if (!ret)
		ret = mv_restore_new(rn.name, rn.memory,
				     rn.baseline[0] ? rn.baseline : NULL, &ext);
	return ret < 0 ? failed(f, ret, &ext, "cannot create the guest") : ret;
}

static long mv_dev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct mv_fd *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (cmd == MV_IOC_ERROR)
		return get_error(f, uarg);
	clear_error(f);
	switch (cmd) {
	case MV_IOC_GET_VERSION:
		return get_version(f, uarg);
	case MV_IOC_GUEST_OPEN:
		return guest_open(f, uarg);
	case MV_IOC_RESTORE_NEW:
		return restore_new(f, uarg);
	default:
		return failed(f, -ENOTTY, NULL, "not an ioctl of /dev/migvisor");
	}
}

static const struct file_operations mv_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mv_dev_open,
	.release	= mv_dev_release,
	.unlocked_ioctl	= mv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice mv_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= MV_DEVICE_NAME,
	.fops	= &mv_dev_fops,
	.mode	= 0600,
};

int mv_chardev_init(void)
{
	return misc_register(&mv_miscdev);
}

void mv_chardev_uninit(void)
{
	misc_deregister(&mv_miscdev);
}
