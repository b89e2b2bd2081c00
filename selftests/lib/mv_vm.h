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
#include <sys/types.h>

#include <linux/migvisor.h>

#include "mv_ucall.h"
#include "mv_util.h"

/* The linker's start of this executable's image (its first segment). */
extern const char __executable_start[];

/* Where a position-independent test binary's first page goes. */
#define MV_VM_BASE	0x400000ULL

/* Where guests/counter.c counts (guests/lib/mvguest.h) */
#define MV_COUNTER_GPA	0x200000ULL

struct mv_vm {
	char name[MV_GUEST_NAME_MAX];
	uint64_t mem;
	int fd;			/* the guest's fd: memory, entry */
	bool created;		/* by this mv_vm: mv_vm_destroy() deletes it */
	uint64_t base;		/* guest-physical = base + link address */
	uintptr_t bias;		/* this process: address = bias + link address */
	struct mv_nl nl;
	struct mv_nl_result *res;	/* of the last request: error, extack */
	const char *why;	/* why mv_vm_load_elf() refused an image */
	char fd_msg[248];	/* the guest fd's reason (MV_IOC_ERROR) */
};

/* The SDM's basic exit reasons (Vol. 3D, Appendix C) the tests look at */
enum {
	MV_VM_EXIT_NMI = 0,
	MV_VM_EXIT_INTR = 1,
	MV_VM_EXIT_CPUID = 10,
	MV_VM_EXIT_VMCALL = 18,
	MV_VM_EXIT_PREEMPT = 52,
	MV_VM_EXIT_REASONS = 80,
};

#define MV_VM_VIOLATIONS	64

/* What GUEST_GET says of the guest. */
struct mv_vm_info {
	uint32_t state;		/* enum mv_guest_state */
	uint32_t stop_reason;	/* enum mv_stop_reason, once stopped */
	uint64_t stop_info;
	uint32_t pause_reason;	/* enum mv_pause_reason, while paused */
	uint32_t tsc_khz;
	bool tsc_scaled;
	uint64_t policy_hash;
	uint64_t console_size;	/* bytes the guest ever wrote */
	char baseline[MV_BASELINE_NAME_MAX];
	uint64_t exits[MV_VM_EXIT_REASONS];
	unsigned int nviolations;
	struct {
		char feature[32];
		uint64_t count;
	} violations[MV_VM_VIOLATIONS];
	/* The CPUID audit, first asked first */
	unsigned int nqueries;
	struct {
		uint32_t leaf, subleaf;
		uint64_t count;
	} queries[MV_CPUID_AUDIT_MAX];
	uint64_t unrecorded;
};

/*
 * GUEST_NEW on @baseline ("" or NULL: the default), and the guest fd:
 * 0, or -errno with the kernel's reason in vm->res->msg. The mv_vm is
 * ready for mv_vm_destroy() either way.
 */
int mv_vm_create(struct mv_vm *vm, const char *name, uint64_t mem,
		 const char *baseline);
/* An existing guest (one mvmig restored, say): 0, or -errno. */
int mv_vm_open(struct mv_vm *vm, const char *name);
/* This test binary into the guest, to start at @guest_code: 0 or -errno. */
int mv_vm_load(struct mv_vm *vm, void (*guest_code)(void));
/*
 * A guest image (an ELF file of guests/) into the guest, checked as
 * mvctl checks it: 0, or -errno with the reason in vm->why.
 */
int mv_vm_load_elf(struct mv_vm *vm, const char *path);
/* The image guests/@image.elf (mv_guests_dir()). */
int mv_vm_load_image(struct mv_vm *vm, const char *image);
/* The test's current value of a global into the guest's copy (before start). */
int mv_vm_sync(struct mv_vm *vm, const void *var, size_t len);
#define mv_vm_sync_global(vm, g)	mv_vm_sync(vm, &(g), sizeof(g))
/* GUEST_START, _PAUSE, _RESUME: 0, or -errno with the kernel's reason. */
int mv_vm_start(struct mv_vm *vm);
int mv_vm_pause(struct mv_vm *vm);
int mv_vm_resume(struct mv_vm *vm);
/* GUEST_GET, all of it: 0, or -errno. */
int mv_vm_info(struct mv_vm *vm, struct mv_vm_info *info);
/* A violation count by feature name (0 if none was counted). */
uint64_t mv_vm_violation(const struct mv_vm_info *info, const char *feature);
/* Up to @secs (scaled) for the guest to reach @state: 0, -ETIME, -errno. */
int mv_vm_wait_state(struct mv_vm *vm, uint32_t state, double secs,
		     struct mv_vm_info *info);
/*
 * Wait up to @secs for the guest to stop and read its ucall: 0, -ETIME,
 * or -errno. A guest that stopped without one (a crash) leaves cmd NONE.
 */
int mv_vm_wait(struct mv_vm *vm, double secs, struct mv_ucall *uc);
/* The console as kept (its last MV_CONSOLE_SIZE bytes), NUL-terminated: length or -errno. */
ssize_t mv_vm_console(struct mv_vm *vm, char *buf, size_t len);
/* Guest memory through the guest fd: 0 or -errno. */
int mv_vm_read(struct mv_vm *vm, uint64_t gpa, void *buf, size_t len);
uint64_t mv_vm_read_u64(struct mv_vm *vm, uint64_t gpa);
/* A string guest code pointed at (a ucall's file or expr). */
const char *mv_vm_str(const struct mv_vm *vm, uint64_t guest_addr);
/* Reading replies: a top-level attribute, one inside a nest, a number. */
struct nlattr;
const struct nlattr *mv_reply_attr(const struct mv_nl_result *res, uint16_t type);
const struct nlattr *mv_nested_attr(const struct nlattr *nest, uint16_t type);
uint64_t mv_attr_uint(const struct nlattr *a);
/* Each top-level attribute of the reply in turn: start with NULL. */
const struct nlattr *mv_reply_next(const struct mv_nl_result *res,
				   const struct nlattr *prev);
/* A guest command naming only @name: the kernel's 0 or -errno, reason in @res. */
int mv_nl_guest_cmd(struct mv_nl *nl, uint8_t cmd, const char *name,
		    struct mv_nl_result *res);
/* GUEST_DEL now: the kernel's 0 or -errno (the fd stays open). */
int mv_vm_delete(struct mv_vm *vm);
/* GUEST_DEL if this mv_vm created it and did not delete it, and everything closed. */
void mv_vm_destroy(struct mv_vm *vm);

#endif
