// SPDX-License-Identifier: GPL-2.0
/*
 * Guests running the test's own code (mv_vm.h), through netlink and the
 * guest fd alone.
 */
#include <elf.h>
#include <limits.h>
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

#include "../../userspace/lib/elf_load.h"
#include "mv_guest.h"
#include "mv_vm.h"

/* The largest guest image read (guests/ images are a few hundred KiB) */
#define MV_VM_IMAGE_MAX	(16 << 20)

struct mv_ucall mv_ucall_area;

static size_t name_attr(const char *name, void *buf)
{
	return mv_nla_put(buf, 0, MV_A_GUEST_NAME, name, strlen(name) + 1);
}

int mv_nl_guest_cmd(struct mv_nl *nl, uint8_t cmd, const char *name,
		    struct mv_nl_result *res)
{
	uint8_t attrs[64];
	int ret;

	ret = mv_nl_request(nl, cmd, MV_GENL_VERSION, attrs, name_attr(name, attrs), res);
	return ret ? ret : res->error;
}

static int request(struct mv_vm *vm, uint8_t cmd, const void *attrs, size_t len)
{
	int ret = mv_nl_request(&vm->nl, cmd, MV_GENL_VERSION, attrs, len, vm->res);

	return ret ? ret : vm->res->error;
}

static int vm_init(struct mv_vm *vm, const char *name)
{
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->nl.fd = -1;
	vm->why = "";
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->res = calloc(1, sizeof(*vm->res));
	if (!vm->res)
		return -ENOMEM;
	return mv_nl_open(&vm->nl, MV_GENL_NAME);
}

static int open_fd(struct mv_vm *vm)
{
	struct mv_guest_open o = {};
	int dev, ret;

	dev = open("/dev/" MV_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	snprintf(o.name, sizeof(o.name), "%s", vm->name);
	vm->fd = ioctl(dev, MV_IOC_GUEST_OPEN, &o);
	ret = vm->fd < 0 ? -errno : 0;
	close(dev);
	return ret;
}

int mv_vm_create(struct mv_vm *vm, const char *name, uint64_t mem,
		 const char *baseline)
{
	uint8_t attrs[256];
	size_t len;
	int ret;

	ret = vm_init(vm, name);
	if (ret)
		return ret;
	vm->mem = mem;
	/* The caller's name as given: its length is the kernel's to refuse */
	len = name_attr(name, attrs);
	len = mv_nla_put(attrs, len, MV_A_GUEST_MEMORY, &mem, sizeof(mem));
	if (baseline && *baseline)
		len = mv_nla_put(attrs, len, MV_A_GUEST_BASELINE, baseline,
				 strlen(baseline) + 1);
	ret = request(vm, MV_CMD_GUEST_NEW, attrs, len);
	if (ret)
		return ret;
	vm->created = true;
	return open_fd(vm);
}

int mv_vm_open(struct mv_vm *vm, const char *name)
{
	uint8_t attrs[64];
	int ret;

	ret = vm_init(vm, name);
	if (ret)
		return ret;
	ret = request(vm, MV_CMD_GUEST_GET, attrs, name_attr(vm->name, attrs));
	if (ret)
		return ret;
	vm->mem = mv_attr_uint(mv_reply_attr(vm->res, MV_A_GUEST_MEMORY));
	return open_fd(vm);
}

int mv_vm_load_elf(struct mv_vm *vm, const char *path)
{
	struct mv_elf elf;
	char *img;
	ssize_t len;
	int ret;

	img = malloc(MV_VM_IMAGE_MAX);
	if (!img)
		return -ENOMEM;
	len = mv_slurp(path, img, MV_VM_IMAGE_MAX);
	if (len < 0) {
		vm->why = "cannot read the image";
		free(img);
		return -ENOENT;
	}
	ret = mv_elf_check(img, len, vm->mem, MV_GPA_LOAD_MIN, &elf, &vm->why);
	if (!ret) {
		ret = mv_elf_load(vm->fd, img, &elf);
		if (ret) {
			struct mv_sess_error e = {};

			ioctl(vm->fd, MV_IOC_ERROR, &e);
			snprintf(vm->fd_msg, sizeof(vm->fd_msg), "%.*s",
				 (int)sizeof(e.msg), e.msg);
			vm->why = vm->fd_msg;
		}
	}
	free(img);
	return ret;
}

int mv_vm_load_image(struct mv_vm *vm, const char *image)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s.elf", mv_guests_dir(), image);
	return mv_vm_load_elf(vm, path);
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

static int name_request(struct mv_vm *vm, uint8_t cmd)
{
	uint8_t attrs[64];

	return request(vm, cmd, attrs, name_attr(vm->name, attrs));
}

int mv_vm_start(struct mv_vm *vm)
{
	return name_request(vm, MV_CMD_GUEST_START);
}

int mv_vm_pause(struct mv_vm *vm)
{
	return name_request(vm, MV_CMD_GUEST_PAUSE);
}

int mv_vm_resume(struct mv_vm *vm)
{
	return name_request(vm, MV_CMD_GUEST_RESUME);
}

int mv_vm_wait_state(struct mv_vm *vm, uint32_t state, double secs,
		     struct mv_vm_info *info)
{
	double end = mv_now() + secs * mv_timeout_scale();
	int ret;

	for (;;) {
		ret = mv_vm_info(vm, info);
		if (ret || info->state == state)
			return ret;
		if (mv_now() > end)
			return -ETIME;
		usleep(20000);
	}
}

int mv_vm_wait(struct mv_vm *vm, double secs, struct mv_ucall *uc)
{
	uint64_t gpa = vm->base + ((uintptr_t)&mv_ucall_area - vm->bias);
	struct mv_vm_info *info = malloc(sizeof(*info));
	int ret;

	memset(uc, 0, sizeof(*uc));
	if (!info)
		return -ENOMEM;
	ret = mv_vm_wait_state(vm, MV_GUEST_STOPPED, secs, info);
	free(info);
	return ret ? ret : mv_vm_read(vm, gpa, uc, sizeof(*uc));
}

int mv_vm_read(struct mv_vm *vm, uint64_t gpa, void *buf, size_t len)
{
	ssize_t n = pread(vm->fd, buf, len, gpa);

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

uint64_t mv_vm_read_u64(struct mv_vm *vm, uint64_t gpa)
{
	uint64_t v = 0;

	mv_vm_read(vm, gpa, &v, sizeof(v));
	return v;
}

const char *mv_vm_str(const struct mv_vm *vm, uint64_t guest_addr)
{
	if (guest_addr < vm->base)
		return "?";
	return (const char *)(vm->bias + (guest_addr - vm->base));
}

int mv_vm_delete(struct mv_vm *vm)
{
	int ret = name_request(vm, MV_CMD_GUEST_DEL);

	if (!ret)
		vm->created = false;
	return ret;
}

void mv_vm_destroy(struct mv_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
	if (vm->created && vm->nl.fd >= 0 && vm->res)
		mv_vm_delete(vm);
	vm->created = false;
	if (vm->nl.fd >= 0)
		mv_nl_close(&vm->nl);
	vm->nl.fd = -1;
	free(vm->res);
	vm->res = NULL;
}
