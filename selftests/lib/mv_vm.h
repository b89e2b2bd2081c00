/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests whose code is the test's own (mv_ucall.h), driven through the
 * kernel API only: netlink for the guest's life, the guest fd for its
 * memory and entry. As KVM's selftests do, the whole test binary is
 * loaded into the guest, so guest code, its globals and its strings are
 * where the test's are, moved by one offset.
 */
#ifndef MV_SELFTEST_VM_H
#define MV_SELFTEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/migvisor.h>

#include "mv_ucall.h"
#include "mv_util.h"

/* The linker's start of this executable's image (its first segment). */
extern const char __executable_start[];

/* Where a position-independent test binary's first page goes. */
#define MV_VM_BASE	0x400000ULL

struct mv_vm {
	char name[MV_GUEST_NAME_MAX];
	uint64_t mem;
	int fd;			/* the guest's fd: memory, entry */
	uint64_t base;		/* guest-physical = base + link address */
	uintptr_t bias;		/* this process: address = bias + link address */
	struct mv_nl nl;
	struct mv_nl_result *res;	/* of the last request */
};

/* What GUEST_GET says of the guest. */
struct mv_vm_info {
	uint32_t state;		/* enum mv_guest_state */
	uint32_t stop_reason;	/* enum mv_stop_reason */
	uint64_t stop_info;
	uint32_t tsc_khz;
	uint64_t policy_hash;
	char baseline[MV_BASELINE_NAME_MAX];
};

/* GUEST_NEW on @baseline ("" or NULL: the default): 0, or -errno. */
int mv_vm_create(struct mv_vm *vm, const char *name, uint64_t mem,
		 const char *baseline);
/* This test binary into the guest, to start at @guest_code: 0 or -errno. */
int mv_vm_load(struct mv_vm *vm, void (*guest_code)(void));
/* The test's current value of a global into the guest's copy (before start). */
int mv_vm_sync(struct mv_vm *vm, const void *var, size_t len);
#define mv_vm_sync_global(vm, g)	mv_vm_sync(vm, &(g), sizeof(g))
int mv_vm_start(struct mv_vm *vm);
int mv_vm_info(struct mv_vm *vm, struct mv_vm_info *info);
/*
 * Wait up to @secs for the guest to stop and read its ucall: 0, -ETIME,
 * or -errno. A guest that stopped without one (a crash) leaves cmd NONE.
 */
int mv_vm_wait(struct mv_vm *vm, double secs, struct mv_ucall *uc);
/* A string guest code pointed at (a ucall's file or expr). */
const char *mv_vm_str(const struct mv_vm *vm, uint64_t guest_addr);
/* Reading replies: a top-level attribute, one inside a nest, a number. */
struct nlattr;
const struct nlattr *mv_reply_attr(const struct mv_nl_result *res, uint16_t type);
const struct nlattr *mv_nested_attr(const struct nlattr *nest, uint16_t type);
uint64_t mv_attr_uint(const struct nlattr *a);
/* GUEST_DEL, and everything closed. */
void mv_vm_destroy(struct mv_vm *vm);

#endif
