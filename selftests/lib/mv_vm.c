// SPDX-License-Identifier: GPL-2.0
/*
 * Guests running the test's own code (mv_vm.h), through netlink and the
 * guest fd alone.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "mv_vm.h"

struct mv_ucall mv_ucall_area;

const struct nlattr *mv_reply_attr(const struct mv_nl_result *res, uint16_t type)
{
	const struct nlmsghdr *h = (const void *)res->reply;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	if (res->reply_len < off || h->nlmsg_len > res->reply_len)
		return NULL;
	while (off + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const void *)(res->reply + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

const struct nlattr *mv_nested_attr(const struct nlattr *nest, uint16_t type)
{
	size_t off = NLA_HDRLEN;

	while (nest && off + NLA_HDRLEN <= nest->nla_len) {
		const struct nlattr *a = (const void *)((const char *)nest + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nest->nla_len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

uint64_t mv_attr_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN,
		       a->nla_len - NLA_HDRLEN < 8 ? a->nla_len - NLA_HDRLEN : 8);
	return v;
}

static size_t name_attr(struct mv_vm *vm, void *buf)
{
	return mv_nla_put(buf, 0, MV_A_GUEST_NAME, vm->name, strlen(vm->name) + 1);
}

static int request(struct mv_vm *vm, uint8_t cmd, const void *attrs, size_t len)
{
	int ret = mv_nl_request(&vm->nl, cmd, MV_GENL_VERSION, attrs, len, vm->res);

	return ret ? ret : vm->res->error;
}

int mv_vm_create(struct mv_vm *vm, const char *name, uint64_t mem,
		 const char *baseline)
{
	struct mv_guest_open o = {};
	uint8_t attrs[256];
	size_t len;
	int dev, ret;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->nl.fd = -1;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->mem = mem;
	vm->res = calloc(1, sizeof(*vm->res));
	if (!vm->res)
		return -ENOMEM;
	ret = mv_nl_open(&vm->nl, MV_GENL_NAME);
	if (ret)
		return ret;
	len = name_attr(vm, attrs);
	len = mv_nla_put(attrs, len, MV_A_GUEST_MEMORY, &mem, sizeof(mem));
	if (baseline && *baseline)
		len = mv_nla_put(attrs, len, MV_A_GUEST_BASELINE, baseline,
				 strlen(baseline) + 1);
	ret = request(vm, MV_CMD_GUEST_NEW, attrs, len);
	if (ret)
		return ret;
	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	snprintf(o.name, sizeof(o.name), "%s", name);
	vm->fd = ioctl(dev, MV_IOC_GUEST_OPEN, &o);
	ret = vm->fd < 0 ? -errno : 0;
	close(dev);
	return ret;
}

int mv_vm_load(struct mv_vm *vm, void (*guest_code)(void))
{
	struct mv_guest_entry entry = {};
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t first = UINT64_MAX, end = 0;
	char *seg;
	int exe, i, ret = 0;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return -errno;
	if (pread(exe, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(ph)) {
		close(exe);
		return -ENOEXEC;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(exe, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			goto bad;
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr < first)
			first = ph.p_vaddr;
		if (ph.p_vaddr + ph.p_memsz > end)
			end = ph.p_vaddr + ph.p_memsz;
	}
	/*
	 * A position-independent binary links from 0, where the guest's
	 * page tables are: it goes up by MV_VM_BASE. Its code runs there
	 * as it does here, every reference being relative to the code.
	 */
	vm->base = eh.e_type == ET_DYN ? MV_VM_BASE : 0;
	vm->bias = (uintptr_t)__executable_start - first;
	/* Half a MiB above the image for the stack at the top of RAM */
	if (first == UINT64_MAX || vm->base + end + (512 << 10) > vm->mem)
		goto toobig;
	for (i = 0; i < eh.e_phnum && !ret; i++) {
		if (pread(exe, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) != sizeof(ph))
			goto bad;
		if (ph.p_type != PT_LOAD || !ph.p_filesz)
			continue;
		seg = malloc(ph.p_filesz);
		if (!seg) {
			ret = -ENOMEM;
			break;
		}
		/* RAM starts zeroed: the rest of p_memsz, .bss, is already so. */
		if (pread(exe, seg, ph.p_filesz, ph.p_offset) != (ssize_t)ph.p_filesz ||
		    pwrite(vm->fd, seg, ph.p_filesz, vm->base + ph.p_vaddr) !=
		    (ssize_t)ph.p_filesz)
			ret = -EIO;
		free(seg);
	}
	close(exe);
	if (ret)
		return ret;
	entry.rip = vm->base + ((uintptr_t)guest_code - vm->bias);
	return ioctl(vm->fd, MV_IOC_SET_ENTRY, &entry) ? -errno : 0;
bad:
	close(exe);
	return -EIO;
toobig:
	close(exe);
	return -E2BIG;
}

int mv_vm_sync(struct mv_vm *vm, const void *var, size_t len)
{
	uint64_t gpa = vm->base + ((uintptr_t)var - vm->bias);

	return pwrite(vm->fd, var, len, gpa) == (ssize_t)len ? 0 : -errno;
}

int mv_vm_start(struct mv_vm *vm)
{
	uint8_t attrs[64];

	return request(vm, MV_CMD_GUEST_START, attrs, name_attr(vm, attrs));
}

int mv_vm_info(struct mv_vm *vm, struct mv_vm_info *info)
{
	const struct nlattr *a;
	uint8_t attrs[64];
	int ret;

	memset(info, 0, sizeof(*info));
	ret = request(vm, MV_CMD_GUEST_GET, attrs, name_attr(vm, attrs));
	if (ret)
		return ret;
	if (!mv_reply_attr(vm->res, MV_A_GUEST_STATE))
		return -EPROTO;
	info->state = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_STATE));
	info->stop_reason = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_STOP_REASON));
	info->stop_info = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_STOP_INFO));
	info->tsc_khz = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_TSC_KHZ));
	info->policy_hash = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_POLICY_HASH));
	a = mv_reply_attr(vm->res, MV_A_GUEST_BASELINE);
	if (a)
		snprintf(info->baseline, sizeof(info->baseline), "%.*s",
			 (int)(a->nla_len - NLA_HDRLEN), (const char *)a + NLA_HDRLEN);
	return 0;
}

int mv_vm_wait(struct mv_vm *vm, double secs, struct mv_ucall *uc)
{
	double end = mv_now() + secs * mv_timeout_scale();
	struct mv_vm_info info;
	uint64_t gpa = vm->base + ((uintptr_t)&mv_ucall_area - vm->bias);
	int ret;

	memset(uc, 0, sizeof(*uc));
	for (;;) {
		ret = mv_vm_info(vm, &info);
		if (ret)
			return ret;
		if (info.state == MV_GUEST_STOPPED)
			break;
		if (mv_now() > end)
			return -ETIME;
		usleep(20000);
	}
	return pread(vm->fd, uc, sizeof(*uc), gpa) == sizeof(*uc) ? 0 : -EIO;
}

const char *mv_vm_str(const struct mv_vm *vm, uint64_t guest_addr)
{
	if (guest_addr < vm->base)
		return "?";
	return (const char *)(vm->bias + (guest_addr - vm->base));
}

void mv_vm_destroy(struct mv_vm *vm)
{
	uint8_t attrs[64];

	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
	if (vm->nl.fd >= 0 && vm->res) {
		request(vm, MV_CMD_GUEST_DEL, attrs, name_attr(vm, attrs));
		mv_nl_close(&vm->nl);
	}
	free(vm->res);
	vm->res = NULL;
}
