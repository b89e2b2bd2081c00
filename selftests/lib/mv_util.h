/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by migvisor's kselftests: module load/unload, a raw
 * generic netlink client that returns extack details, and running tools.
 */
#ifndef MV_SELFTEST_UTIL_H
#define MV_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Path of migvisor.ko: $MV_MODULE, set by the test rig; else the source
 * tree's kmod/ when run from there, else under /lib/modules of the
 * running kernel, where make install or DKMS put it, compressed or not.
 * When none is there, one that access() fails on; mv_module_tried()
 * lists every path looked at, for the message.
 */
const char *mv_module_path(void);
const char *mv_module_tried(void);
/* The directory of the running test program. */
const char *mv_self_dir(void);
/*
 * Set (defined true) by a suite that does not use the module: the others
 * skip as a whole outside the rig when it is neither loaded nor installed
 * (mv_suite.c, linked into the kselftests only).
 */
extern bool mv_no_module_needed;
/*
 * 0 or -errno, from finit_module(2) / delete_module(2); a compressed
 * file the kernel cannot unpack is loaded with modprobe instead, which
 * gives -EEXIST if loaded and the kernel's error if it fails.
 */
int mv_module_load(void);
int mv_module_unload(void);
bool mv_module_loaded(void);
/* Whether running in the test rig, where missing pieces are failures. */
bool mv_in_rig(void);

struct mv_nl {
	int fd;
	uint16_t family;
	uint32_t seq;
};

struct mv_nl_result {
	int error;		/* 0 or -errno from the kernel's ack */
	char msg[512];		/* extack message (the module's are up to 512), "" if none */
	int bad_off;		/* extack offset of the bad attribute, or -1 */
	/* First reply message, if any (raw nlmsghdr + genlmsghdr + attrs). */
	unsigned char reply[65536];
	size_t reply_len;
	unsigned int dumped;	/* messages of a dump, NLMSG_DONE included */
};

/* Open a NETLINK_GENERIC socket with extack; resolve @family (0: ok). */
int mv_nl_open(struct mv_nl *nl, const char *family);
void mv_nl_close(struct mv_nl *nl);

/*
 * Send one request: genl command @cmd, version @version, followed by the
 * raw attribute bytes @attrs (@len, already laid out as nlattrs). Waits for
 * the ack; fills @res. Returns 0 if a reply or ack arrived, -errno on a
 * socket failure.
 */
int mv_nl_request(struct mv_nl *nl, uint8_t cmd, uint8_t version,
		  const void *attrs, size_t len, struct mv_nl_result *res);

/* The same with extra nlmsg flags (NLM_F_DUMP, ...); a dump ends at DONE. */
int mv_nl_request_flags(struct mv_nl *nl, uint8_t cmd, uint8_t version,
			uint16_t flags, const void *attrs, size_t len,
			struct mv_nl_result *res);

/* Append one attribute to a buffer; returns the new length. */
size_t mv_nla_put(void *buf, size_t off, uint16_t type, const void *data,
		  uint16_t len);

/* Offset of the first attribute in a request built by mv_nl_request. */
size_t mv_nl_attr_offset(void);

/* Run a shell command, capture stdout (and stderr if @with_err). */
int mv_run(const char *cmd, char *out, size_t len, bool with_err);

/* The value of "@key : ..." in the first /proc/cpuinfo block. */
int mv_cpuinfo_field(const char *key, char *out, size_t len);

/* Is @word one of the space-separated words of @list? */
bool mv_word_in(const char *list, const char *word);
/* The running kernel is MAJOR.MINOR or newer. */
bool mv_kernel_at_least(int major, int minor);

/* Read the whole kernel log (klogctl) into @buf. */
int mv_read_kmsg(char *buf, size_t len);

/* Minimal RFC 8259 validator: 0 if @s is one valid JSON value. */
int mv_json_validate(const char *s);

/* CLOCK_MONOTONIC, in seconds */
double mv_now(void);
/* sh -c CMD in its own process group, output to @log */
pid_t mv_spawn(const char *log, const char *fmt, ...);
/* Exit status, or -1 if it did not end within @secs (then it is killed). */
int mv_reap(pid_t pid, double secs);
/*
 * @path's first @len - 1 bytes, NUL-terminated: how many (the file may
 * hold NULs), or -1 and "" if it cannot be opened.
 */
ssize_t mv_slurp(const char *path, char *buf, size_t len);

/*
 * 64-bit FNV-1a over @n bytes, continuing from @h: MV_FNV1A_INIT for a
 * fresh hash, or the last result for the next chunk of a stream. The
 * digests the tests print are compared across hosts and with guests'.
 */
#define MV_FNV1A_INIT 0xcbf29ce484222325ULL
uint64_t mv_fnv1a(uint64_t h, const void *p, size_t n);


/*
 * MV_TIMEOUT_SCALE (a whole number, 1 to 20; default 1): the factor for
 * every test's time limit. A debug kernel (KASAN, lockdep) does the same
 * work in several times the instructions, and an emulated host's clock
 * counts instructions.
 */
int mv_timeout_scale(void);

/*
 * MV_ELSEWHERE="NAME[,NAME...]" (TEST or FIXTURE.TEST): tests that another host of the same run
 * covers (make check spreads its longest tests over the CPU models of a
 * kernel). Each is reported as skipped, with MV_ELSEWHERE_WHY or a
 * default reason, without its fixture's setup. 6.1's harness has no
 * filter options, and a skip says more than a test left out.
 */
bool mv_elsewhere(const char *fixture, const char *test);
const char *mv_elsewhere_why(void);

/*
 * TEST_HARNESS_MAIN, with the time limits scaled by mv_timeout_scale(),
 * the tests of MV_ELSEWHERE skipped, and only those of -r/-t run.
 */
#ifdef __KSELFTEST_HARNESS_H
static inline void mv_skipped_here(struct __test_metadata *_metadata,
				   struct __fixture_variant_metadata *v)
{
	SKIP(return, "%s", mv_elsewhere_why());
}

/*
 * The tests named by "-r FIXTURE.TEST" and "-t TEST" (any number; the
 * newer harness's options, which 6.1's ignores), and global.load, the
 * module load every suite starts with; all of them without any.
 */
static inline bool mv_selected(int argc, char **argv, const char *f,
			       const char *t)
{
	size_t fl = strlen(f);
	bool any = false;
	int i;

	if (!strcmp(f, "global") && !strcmp(t, "load"))
		return true;
	for (i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "-t")) {
			any = true;
			if (!strcmp(argv[i + 1], t))
				return true;
		} else if (!strcmp(argv[i], "-r")) {
			any = true;
			if (!strncmp(argv[i + 1], f, fl) && argv[i + 1][fl] == '.' &&
			    !strcmp(argv[i + 1] + fl + 1, t))
				return true;
		}
	}
	return !any;
}

/* Keep the selected tests of @f, in their order. */
static inline void mv_select(struct __fixture_metadata *f, int argc, char **argv)
{
	struct __test_metadata *t, *next, *head = NULL, *tail = NULL;

	for (t = f->tests; t; t = next) {
		next = t->next;
		if (!mv_selected(argc, argv, f->name, t->name))
			continue;
		t->next = NULL;
		if (!head) {
			head = t;
		} else {
			tail->next = t;
			t->prev = tail;
		}
		tail = t;
	}
	if (head)
		head->prev = tail;
	f->tests = head;
}
#endif

#define MV_TEST_MAIN							\
	int main(int argc, char **argv)					\
	{								\
		struct __fixture_metadata *f;				\
		struct __test_metadata *t;				\
		int k = mv_timeout_scale();				\
									\
		for (f = __fixture_list; f; f = f->next)		\
			mv_select(f, argc, argv);			\
		for (f = __fixture_list; f; f = f->next)		\
			for (t = f->tests; t; t = t->next) {		\
				t->timeout *= k;			\
				if (mv_elsewhere(f->name, t->name))	\
					t->fn = mv_skipped_here;	\
			}						\
		exit(test_harness_run(argc, argv));			\
	}

#endif
