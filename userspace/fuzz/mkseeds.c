// SPDX-License-Identifier: GPL-2.0
/*
 * mkseeds DIR: the seed corpus of the fuzz harnesses, small and valid so
 * that fuzzing starts past the first checks: DIR/stream (snapshot streams
 * of a 1 MiB guest, with and without wire records), DIR/json (baselines,
 * a pool of them, a host report) and DIR/elf (guest images). The same
 * seeds each time: nothing here is random or dated.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/migvisor_rec.h>

#include "../../common/record.h"
#include "../lib/host.h"
#include "../lib/json_print.h"
#include "../lib/policy_io.h"
#include "../lib/stream.h"

static const char *dir;

static FILE *create(const char *sub, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void done(FILE *f)
{
	if (fclose(f)) {
		perror("mkseeds");
		exit(1);
	}
}

/* One record: stream records numbered from @seq, wire ones with seq 0. */
static void put(FILE *f, uint32_t *seq, uint32_t type, const void *p,
		uint32_t len)
{
	struct mv_rec h = { .type = type, .len = len };

	if (type < MV_REC_HELLO)
		h.seq = (*seq)++;
	h.crc = mv_rec_crc_of(&h, p);
	fwrite(&h, sizeof(h), 1, f);
	fwrite(p, len, 1, f);
}

static void stream(const char *name, bool wire, unsigned int data_pages)
{
	static const char hello[] = "tool=mvmig seed\nhost=seed\nguest=seed\ntarget=seed\n";
	static uint8_t pages[8 + 4 * (8 + 4096)];
	struct mv_rec_header hd = { .magic = MV_REC_MAGIC,
				    .version = MV_REC_VERSION, .page_size = 4096 };
	struct mv_rec_config cfg = { .name = "seed", .memory = 1 << 20, .vcpus = 1 };
	struct mv_rec_round rr = { .flags = MV_ROUND_FINAL, .pages = 3 };
	uint8_t vcpu[sizeof(struct mv_rec_vcpu) + 512] = { 0 };
	struct mv_rec_vcpu *v = (void *)vcpu;
	struct mv_rec_pages ph = { .count = 1 + data_pages };
	struct mv_rec_end end = { 0 };
	/* CPUID leaf 0 twice, leaf 7.0 once; no hidden feature used */
	struct {
		struct mv_rec_audit h;
		struct mv_rec_audit_query q[2];
	} audit = { { .queries = 2 }, { { 0, 0, 2 }, { 7, 0, 1 } } };
	uint8_t bl[1024];
	struct mv_policy pol;
	uint32_t seq = 0, o = sizeof(ph), i;
	FILE *f = create("stream", name);

	if (mv_model_policy("nehalem", &pol))
		exit(1);
	mv_rec_baseline_put(bl, &pol, "nehalem");
	if (wire)
		put(f, &seq, MV_REC_HELLO, hello, sizeof(hello) - 1);
	put(f, &seq, MV_REC_HEADER, &hd, sizeof(hd));
	put(f, &seq, MV_REC_BASELINE, bl, mv_rec_baseline_len());
	put(f, &seq, MV_REC_CONFIG, &cfg, sizeof(cfg));
	if (wire)
		put(f, &seq, MV_REC_ROUND, &rr, sizeof(rr));
	memcpy(pages, &ph, sizeof(ph));
	for (i = 0; i <= data_pages; i++) {
		/* The first one zero, then pages whose data says where they are. */
		uint64_t e = 0x10000 + i * 0x1000 + (i ? 0 : MV_PAGE_ZERO);

		memcpy(pages + o, &e, 8);
		o += 8;
		if (i) {
			memset(pages + o, 0x40 + i, 4096);
			o += 4096;
		}
	}
	put(f, &seq, MV_REC_PAGES, pages, o);
	v->xsave_size = 512;
	v->rip = 0x100000;
	v->rflags = 2;
	put(f, &seq, MV_REC_VCPU, vcpu, sizeof(vcpu));
	put(f, &seq, MV_REC_AUDIT, &audit, sizeof(audit));
	end.records = seq;
	end.pages = ph.count;
	put(f, &seq, MV_REC_END, &end, sizeof(end));
	if (wire)
		put(f, &seq, MV_REC_ACK, "", 0);
	done(f);
}

static void json_policy(const char *name, const char *model, bool array,
			bool wrapped)
{
	struct mv_policy p;
	FILE *f = create("json", name);

	if (mv_model_policy(model, &p))
		exit(1);
	json_init(f, true, false);
	if (array)
		open_json_array(NULL);
	if (wrapped) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, model);
		mv_policy_print("policy", &p);
		close_json_object();
	} else {
		mv_policy_print(NULL, &p);
	}
	if (array)
		close_json_array();
	json_finish();
	done(f);
}

static void json_report(void)
{
	static struct mv_host h;
	FILE *f = create("json", "host-report.json");

	snprintf(h.vendor, sizeof(h.vendor), "GenuineIntel");
	snprintf(h.model_name, sizeof(h.model_name), "seed CPU");
	h.family = 6;
	h.model = 0x55;
	h.feat_ctl = 5;
	if (mv_model_policy("skylake-server", &h.offer))
		exit(1);
	json_init(f, true, false);
	mv_host_print(&h, false);
	json_finish();
	done(f);
}

static void json_text(const char *name, const char *text)
{
	FILE *f = create("json", name);

	fputs(text, f);
	done(f);
}

struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	unsigned char body[256];
};

static void seg(Elf64_Phdr *ph, uint32_t flags, uint64_t off, uint64_t gpa,
		uint64_t filesz, uint64_t memsz)
{
	ph->p_type = PT_LOAD;
	ph->p_flags = flags;
	ph->p_offset = off;
	ph->p_paddr = ph->p_vaddr = gpa;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	ph->p_align = 4096;
}

static void elf(const char *name, size_t phoff)
{
	static unsigned char out[sizeof(struct img) + 8];
	struct img m = { 0 };
	size_t body = offsetof(struct img, body);
	FILE *f = create("elf", name);

	memcpy(m.eh.e_ident, ELFMAG, SELFMAG);
	m.eh.e_ident[EI_CLASS] = ELFCLASS64;
	m.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m.eh.e_ident[EI_VERSION] = EV_CURRENT;
	m.eh.e_type = ET_EXEC;
	m.eh.e_machine = EM_X86_64;
	m.eh.e_version = EV_CURRENT;
	m.eh.e_entry = 0x100000;
	m.eh.e_phoff = phoff;
	m.eh.e_ehsize = sizeof(m.eh);
	m.eh.e_phentsize = sizeof(Elf64_Phdr);
	m.eh.e_phnum = 2;
	/* Code at 1 MiB, where the entry is; data after it, mostly bss. */
	seg(&m.ph[0], PF_R | PF_X, body, 0x100000, 128, 128);
	seg(&m.ph[1], PF_R | PF_W, body + 128, 0x101000, 128, 8192);
	memset(m.body, 0x90, sizeof(m.body));
	memset(out, 0, sizeof(out));
	memcpy(out, &m.eh, sizeof(m.eh));
	memcpy(out + phoff, m.ph, 2 * sizeof(m.ph[0]));
	memcpy(out + body, m.body, sizeof(m.body));
	fwrite(out, sizeof(struct img), 1, f);
	done(f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	dir = argv[1];
	mkdir(dir, 0755);
	stream("head-pages-vcpu-end", false, 1);
	stream("wire-round-ack", true, 2);
	stream("zero-only", false, 0);
	json_policy("baseline.json", "nehalem", false, false);
	json_policy("shown.json", "haswell", true, true);
	json_report();
	json_text("edited.json",
		  "{\"features\": [\"fpu\", \"sse\", \"sse2\"], \"xcr0\": \"0x3\", \"family\": 6, \"model\": \"0x1a\", \"stepping\": 5, \"brand\": \"seed\"}\n");
	elf("two-segments", sizeof(Elf64_Ehdr));
	elf("odd-phoff", sizeof(Elf64_Ehdr) + 3);
	return 0;
}
