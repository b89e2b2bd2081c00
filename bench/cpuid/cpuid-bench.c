// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid-bench: run guests/cpuid-bench.elf under one hypervisor and print
 * its figures as one JSON line (prefixed "MV-BENCH " for the rig's log).
 *
 *   cpuid-bench kvm ELF                 a small KVM client, as a VMM would
 *                                       drive kvm_intel
 *   cpuid-bench migvisor ELF BASELINE   a migvisor guest with BASELINE
 *   cpuid-bench spin ELF SECONDS        a counter guest's counting rate
 *                                       over SECONDS of host time
 *
 * MV_BENCH_LABEL, if set, goes into each line as "label" (the sharing
 * section runs the same measurements with VMX root owned and shared).
 *
 * The KVM client builds the machine migvisor gives its guests (uapi
 * MV_GPA_*: identity page tables, GDT, TSS, 64-bit mode at the entry, RSP
 * at the top of RAM) and gives the vCPU every leaf KVM supports, as QEMU
 * with "-cpu host" would, so that KVM's CPUID lookup has its usual table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/migvisor.h>
#include <linux/migvisor_para.h>

#include "../../guests/cpuid-bench.h"
#include "../../userspace/lib/elf_load.h"
#include "../../userspace/lib/mapfile.h"
#include "../../selftests/lib/mv_guest.h"

#define MEM		(8u << 20)
#define ITERS		100
#define REPS		101

static void die(const char *what)
{
	fprintf(stderr, "cpuid-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void print(const char *hv, const char *baseline, unsigned int entries,
		  const struct bench_result *r)
{
	const char *label = getenv("MV_BENCH_LABEL");
	uint64_t i, j;

	printf("MV-BENCH {\"section\": \"cpuid\", \"label\": \"%s\", \"hypervisor\": \"%s\", \"baseline\": \"%s\", \"kvm_cpuid_entries\": %u, \"iters\": %llu, \"empty\": [",
	       label ? label : "", hv, baseline, entries, (unsigned long long)r->iters);
	for (i = 0; i < r->reps; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)r->empty[i]);
	printf("], \"leaves\": [");
	for (j = 0; j < r->nleaves; j++) {
		printf("%s{\"leaf\": \"%#x.%u\", \"cycles\": [", j ? ", " : "",
		       r->leaf[j][0], r->leaf[j][1]);
		for (i = 0; i < r->reps; i++)
			printf("%s%llu", i ? "," : "",
			       (unsigned long long)r->cycles[j][i]);
		printf("]}");
	}
	printf("]}\n");
	fflush(stdout);
}

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, 8);
}

static void seg(struct kvm_segment *s, uint16_t sel, uint64_t base,
		uint32_t limit, uint8_t type, bool code)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->type = type;
	s->present = 1;
	s->s = sel != MV_GDT_TSS;
	s->l = code;
	s->db = !code && sel != MV_GDT_TSS;
	s->g = sel != MV_GDT_TSS;
}

static int run_kvm(const char *elf_path)
{
	struct bench_params prm = { BENCH_MAGIC, 1, ITERS, REPS };
	struct kvm_userspace_memory_region region = { .memory_size = MEM };
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run;
	struct mv_elf elf;
	const char *why;
	uint8_t *mem, *img;
	size_t len;
	unsigned int i, nent = 256;
	int sys, vm, vcpu, runsz, memfd;
	uint64_t gdt[5] = {
		0, 0x00af9b000000ffffull, 0x00cf93000000ffffull,
		0x0000890000000067ull | ((uint64_t)MV_GPA_TSS << 16), 0,
	};

	img = mv_map_file(elf_path, &len);
	if (!img)
		die(elf_path);
	if (mv_elf_check(img, len, MEM, MV_GPA_LOAD_MIN, &elf, &why)) {
		fprintf(stderr, "cpuid-bench: %s: %s\n", elf_path, why);
		return 1;
	}
	sys = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys < 0)
		die("/dev/kvm");
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul))
		die("KVM_SET_TSS_ADDR");
	/* Guest RAM in a memfd, so that the tools' ELF writer fills it. */
	memfd = memfd_create("cpuid-bench", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, MEM))
		die("memfd");
	mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		die("KVM_SET_USER_MEMORY_REGION");

	/* The machine migvisor builds (uapi: MV_GPA_*), 2 MiB pages. */
	put64(mem, MV_GPA_PML4, MV_GPA_PDPT | 3);
	put64(mem, MV_GPA_PDPT, MV_GPA_PD | 3);
	for (i = 0; i < 512; i++)
		put64(mem, MV_GPA_PD + i * 8, ((uint64_t)i << 21) | 0x83);
	memcpy(mem + MV_GPA_GDT, gdt, sizeof(gdt));
	if (mv_elf_write(memfd, img, &elf))
		die(elf_path);
	memcpy(mem + BENCH_PARAMS_GPA, &prm, sizeof(prm));

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	runsz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || runsz < 0)
		die("KVM_CREATE_VCPU");
	run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	cpuid->nent = nent;
	if (ioctl(sys, KVM_GET_SUPPORTED_CPUID, cpuid) ||
	    ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die("KVM_SET_CPUID2");

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	seg(&sregs.cs, MV_GDT_CODE, 0, 0xffffffff, 11, true);
	seg(&sregs.ds, MV_GDT_DATA, 0, 0xffffffff, 3, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	seg(&sregs.tr, MV_GDT_TSS, MV_GPA_TSS, 0x67, 11, false);
	sregs.ldt.unusable = 1;
	sregs.gdt.base = MV_GPA_GDT;
	sregs.gdt.limit = sizeof(gdt) - 1;
	sregs.cr0 = 0x80050033;		/* PG WP NE ET MP PE */
	sregs.cr3 = MV_GPA_PML4;
	sregs.cr4 = 0x620;		/* PAE OSFXSR OSXMMEXCPT */
	sregs.efer = 0xd01;		/* NXE LMA LME SCE */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
	regs.rip = elf.entry;
	regs.rsp = MEM;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) && errno != EINTR)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason == KVM_EXIT_IO)
			continue;
		fprintf(stderr, "cpuid-bench: unexpected KVM exit %u\n",
			run->exit_reason);
		return 1;
	}
	if (((struct bench_result *)(mem + BENCH_RESULT_GPA))->magic != BENCH_MAGIC) {
		fprintf(stderr, "cpuid-bench: the guest halted without results\n");
		return 1;
	}
	print("kvm_intel", "host (KVM_GET_SUPPORTED_CPUID)", cpuid->nent,
	      (struct bench_result *)(mem + BENCH_RESULT_GPA));
	return 0;
}

static int run_migvisor(const char *elf, const char *baseline)
{
	struct bench_params prm = { BENCH_MAGIC, 0, ITERS, REPS };
	static struct bench_result r;

	mv_mvctl("guest del cpuid-bench");
	if (mv_mvctl("guest add cpuid-bench memory 8M baseline %s", baseline) ||
	    mv_mvctl("guest load cpuid-bench %s", elf) ||
	    mv_guest_rw("cpuid-bench", BENCH_PARAMS_GPA, &prm, sizeof(prm), true) ||
	    mv_mvctl("guest start cpuid-bench")) {
		fprintf(stderr, "cpuid-bench: %s", mv_out);
		return 1;
	}
	if (!mv_wait_for("cpuid-bench", "state stopped", 600) ||
	    mv_guest_rw("cpuid-bench", BENCH_RESULT_GPA, &r, sizeof(r), false) ||
	    r.magic != BENCH_MAGIC) {
		mv_mvctl("guest show cpuid-bench");
		fprintf(stderr, "cpuid-bench: no results: %s", mv_out);
		return 1;
	}
	print("migvisor", baseline, 0, &r);
	mv_mvctl("guest del cpuid-bench");
	return 0;
}

/*
 * A CPU-bound guest's throughput: the counter guest counts in a loop
 * that exits only when its time slice ends, so its rate over a few
 * seconds shows what each slice's entry and exit path costs it.
 */
static int run_spin(const char *elf, double secs)
{
	const char *label = getenv("MV_BENCH_LABEL");
	uint64_t a, b;
	double t0, t1;

	mv_mvctl("guest del spin-bench");
	if (mv_mvctl("guest add spin-bench memory 4M") ||
	    mv_mvctl("guest load spin-bench %s", elf) ||
	    mv_mvctl("guest start spin-bench")) {
		fprintf(stderr, "cpuid-bench: %s", mv_out);
		return 1;
	}
	/* Past the guest's start-up. */
	usleep(200000);
	a = mv_read_counter("spin-bench");
	t0 = mv_now();
	usleep(secs * 1e6);
	b = mv_read_counter("spin-bench");
	t1 = mv_now();
	mv_mvctl("host show");
	printf("MV-BENCH {\"section\": \"spin\", \"label\": \"%s\", \"seconds\": %.3f, \"counts\": %llu, \"counts_per_sec\": %.0f, \"shared\": %s}\n",
	       label ? label : "", t1 - t0, (unsigned long long)(b - a),
	       (b - a) / (t1 - t0), strstr(mv_out, "cpu 0: shared") ? "true" : "false");
	fflush(stdout);
	mv_mvctl("guest del spin-bench");
	return b > a ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "kvm"))
		return run_kvm(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "migvisor"))
		return run_migvisor(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "spin"))
		return run_spin(argv[2], atof(argv[3]));
	fprintf(stderr, "usage: cpuid-bench kvm ELF | migvisor ELF BASELINE | spin ELF SECONDS\n");
	return 2;
}
