/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MV_SELFTEST_GUEST_H
#define MV_SELFTEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_util.h"

/* Output of the last mv_mvctl(): stdout and stderr */
extern char mv_out[1 << 20];

/*
 * Guest images: $MV_GUESTS; else /rig/bin in the rig, else the source
 * tree's guests/ when run from there, else beside the test binary.
 */
const char *mv_guests_dir(void);
/* Run "mvctl ARGS" into mv_out; returns its exit status. */
int mv_mvctl(const char *fmt, ...);
/* Wait until "mvctl guest show NAME" contains @what. */
bool mv_wait_for(const char *name, const char *what, double secs);
/* guest add NAME memory MEM, then load ELF.elf */
int mv_setup_guest(const char *name, const char *mem, const char *elf);
/* pread (or pwrite) guest memory through its fd; 0 or -1 */
int mv_guest_rw(const char *name, uint64_t gpa, void *buf, size_t len,
		bool write);
/* The counter guest's counter (GPA 0x200000) */
uint64_t mv_read_counter(const char *name);
void mv_delete_all_guests(void);

#endif
