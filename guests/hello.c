// SPDX-License-Identifier: GPL-2.0
/* hello: the smallest guest, through both console paths. */
#include "lib/mvguest.h"

int main(void)
{
	const char *p = "hello via port 0xe9\n";

	mv_printf("hello from a migvisor guest (hypercall ABI %llu)\n",
		  (unsigned long long)mv_hypercall(MV_HC_ABI, 0, 0, 0));
	while (*p)
		mv_outb(MV_CONSOLE_PORT, *p++);
	return 0;
}
