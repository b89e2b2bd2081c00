// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/migvisor: the data path (guest pages and vCPU state). Only root may
 * open it (mode 0600, and CAP_SYS_ADMIN is checked on open because a
 * changed mode must not widen access to guest memory).
 */
#include <linux/kernel.h>
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <linux/migvisor.h>

#include "chardev.h"
#include "guest.h"
#include "migrate/session.h"

static int mv_dev_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

static long get_version(struct mv_version __user *uarg)
{
	struct mv_version v;

	if (copy_from_user(&v, uarg, sizeof(v)))
		return -EFAULT;
	if (v.api || v.genl || memchr_inv(v.reserved, 0, sizeof(v.reserved)))
		return -EINVAL;
	v.api = MV_API_VERSION;
	v.genl = MV_GENL_VERSION;
	if (copy_to_user(uarg, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

/* --- per-guest file: its lifetime holds a guest reference --- */

static int guest_release(struct inode *inode, struct file *file)
{
	mv_guest_put(file->private_data);
	return 0;
}

static ssize_t guest_write(struct file *file, const char __user *buf,
			   size_t len, loff_t *pos)
{
	struct mv_guest *g = file->private_data;
	int ret;

	if (*pos < 0)
		return -EINVAL;
	ret = mv_guest_load(g, *pos, buf, len);
	if (ret)
		return ret;
	*pos += len;
	return len;
}

static ssize_t guest_read(struct file *file, char __user *buf, size_t len,
			  loff_t *pos)
{
	struct mv_guest *g = file->private_data;
	int ret;

	if (*pos < 0 || *pos >= g->mem.size)
		return 0;
	len = min_t(u64, len, g->mem.size - *pos);
	ret = mv_mem_read(&g->mem, *pos, (void __force *)buf, len, true);
	if (ret)
		return ret;
	*pos += len;
	return len;
}

static long guest_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct mv_guest *g = file->private_data;
	struct mv_guest_entry e;

	switch (cmd) {
	case MV_IOC_SET_ENTRY:
		if (copy_from_user(&e, (void __user *)arg, sizeof(e)))
			return -EFAULT;
		if (memchr_inv(e.reserved, 0, sizeof(e.reserved)))
			return -EINVAL;
		return mv_guest_set_entry(g, e.rip);
	case MV_IOC_SNAPSHOT:
		return mv_snap_open(g, arg);
	case MV_IOC_RESTORE:
		return arg ? -EINVAL : mv_restore_open(g);
	default:
		return -ENOTTY;
	}
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

static long guest_open(struct mv_guest_open __user *uarg)
{
	struct mv_guest_open o;
	struct mv_guest *g;
	struct file *file;
	int fd;

	if (copy_from_user(&o, uarg, sizeof(o)))
		return -EFAULT;
	if (o.flags || o.reserved || !memchr(o.name, 0, sizeof(o.name)))
		return -EINVAL;
	g = mv_guest_get(o.name);
	if (!g)
		return -ENOENT;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto out_put;
	file = anon_inode_getfile("migvisor-guest", &mv_guest_fops, g, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto out_put;
	}
	/* Guest-physical addresses are file offsets: pread/pwrite work. */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE | FMODE_LSEEK;
	fd_install(fd, file);
	return fd;

out_put:
	mv_guest_put(g);
	return fd;
}

static long mv_dev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MV_IOC_GET_VERSION:
		return get_version(uarg);
	case MV_IOC_GUEST_OPEN:
		return guest_open(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mv_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mv_dev_open,
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
