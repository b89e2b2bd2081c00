// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's ways out: hypercalls (VMCALL, ABI in uapi) and port I/O,
 * of which only the debug console port does anything.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/migvisor_nl.h>
#include <linux/migvisor_para.h>

#include "../console.h"
#include "../memory.h"
#include "exit_hc.h"
#include "exit_int.h"

static void console_bytes(struct mv_vcpu *v, const u8 *p, size_t n)
{
	mv_console_write(v->con, p, n);
}

static void hc_console(struct mv_vcpu *v)
{
	u64 gpa = v->regs.rdi, len = v->regs.rsi, done = 0;
	u8 buf[256];

	if (!mv_mem_range_ok(v->mem, gpa, len)) {
		v->regs.rax = -EFAULT;
		return;
	}
	/*
	 * Interrupts are off here: copy only what the ring keeps, the last
	 * MV_CONSOLE_SIZE bytes, and count the rest as written.
	 */
	if (len > MV_CONSOLE_SIZE) {
		mv_console_skip(v->con, len - MV_CONSOLE_SIZE);
		done = len - MV_CONSOLE_SIZE;
	}
	while (done < len) {
		size_t n = min_t(u64, sizeof(buf), len - done);

		mv_mem_read(v->mem, gpa + done, buf, n, false);
		console_bytes(v, buf, n);
		done += n;
	}
	v->regs.rax = len;
}

void mv_exit_vmcall(struct mv_vcpu *v, struct mv_exit *e)
{
	switch (v->regs.rax) {
	case MV_HC_EXIT:
		e->stop = MV_STOP_EXIT;
		e->stop_info = v->regs.rdi;
		return;
	case MV_HC_CONSOLE_WRITE:
		hc_console(v);
		break;
	case MV_HC_ABI:
		v->regs.rax = MV_HC_ABI_VERSION;
		break;
	case MV_HC_TSC_KHZ:
		v->regs.rax = v->tsc_khz;
		break;
	case MV_HC_CLOCK_NS:
		/* A reference that is the host's, not the guest's TSC. */
		v->regs.rax = ktime_get_ns();
		break;
	case MV_HC_REALTIME_NS:
		/*
		 * Read once at a guest's start (the Linux personality's
		 * CLOCK_REALTIME base); the guest's TSC carries it on,
		 * across migrations too, since the TSC keeps counting.
		 */
		v->regs.rax = ktime_get_real_ns();
		break;
	default:
		v->regs.rax = -MV_HC_ENOSYS;
	}
	mv_exit_skip(e);
}

void mv_exit_io(struct mv_vcpu *v, struct mv_exit *e)
{
	unsigned int size = (e->qual & 7) + 1, port = e->qual >> 16;
	bool in = e->qual & BIT(3), string = e->qual & BIT(4);

	if (string) {
		/* INS/OUTS are not emulated: the instruction is skipped. */
		mv_exit_skip(e);
		return;
	}
	if (in) {
		/* No devices: reads float high, as on an empty bus. */
		u64 mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;

		v->regs.rax = (v->regs.rax & ~mask) | mask;
		if (size == 4)
			v->regs.rax &= 0xffffffffull;
	} else if (port == MV_CONSOLE_PORT) {
		u8 b[4];

		memcpy(b, &v->regs.rax, sizeof(b));
		console_bytes(v, b, size);
	}
	mv_exit_skip(e);
}
