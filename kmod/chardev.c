// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/migvisor: the data path (guest pages and vCPU state). Only root may
 * open it (mode 0600, and CAP_SYS_ADMIN is checked on open because a
 * changed mode must not widen access to guest memory).
 */
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <linux/migvisor.h>

#include "chardev.h"

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

static long mv_dev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MV_IOC_GET_VERSION:
		return get_version(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mv_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= mv_dev_open,
	.unlocked_ioctl	= mv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= no_llseek,
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
