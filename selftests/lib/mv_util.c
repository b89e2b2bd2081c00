// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <limits.h>

#include "mv_util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

bool mv_in_rig(void)
{
	return getenv("MV_RIG") != NULL;
}

const char *mv_self_dir(void)
{
	static char dir[PATH_MAX];
	char *slash;
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		strcpy(dir, ".");
		return dir;
	}
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return dir;
}

/*
 * Every place a host's install can leave the module: make install
 * (INSTALL_MOD_DIR=updates, or extra) and DKMS (DEST_MODULE_LOCATION
 * updates/dkms), each compressed as the kernel's configuration asks
 * (Debian's 6.12 and later: xz) or not.
 */
static const char *const mv_module_dirs[] = {
	"updates/dkms", "updates/kmod", "extra/kmod", "extra", NULL
};
static const char *const mv_module_exts[] = { "", ".xz", ".zst", ".gz", NULL };
/* What mv_module_path() looked at last, in the shell's brace notation. */
static char mv_tried[PATH_MAX + 512];

const char *mv_module_tried(void)
{
	mv_module_path();
	return mv_tried;
}

const char *mv_module_path(void)
{
	static char path[PATH_MAX + 128];
	const char *p = getenv("MV_MODULE");
	const char *const *d, *const *e;
	struct utsname u;
	size_t n;

	if (p || mv_in_rig()) {
		p = p ?: "/rig/migvisor.ko";
		snprintf(mv_tried, sizeof(mv_tried), "%s", p);
		return p;
	}
	/* Run from the source tree: its build, which matches the tests' uapi. */
	snprintf(path, sizeof(path), "%s/../../kmod/migvisor.ko", mv_self_dir());
	if (uname(&u))
		strcpy(u.release, "unknown");
	n = snprintf(mv_tried, sizeof(mv_tried), "%s, /lib/modules/%s/{", path,
		     u.release);
	for (d = mv_module_dirs; *d && n < sizeof(mv_tried); d++)
		n += snprintf(mv_tried + n, sizeof(mv_tried) - n, "%s%s",
			      d == mv_module_dirs ? "" : ",", *d);
	for (e = mv_module_exts; *e && n < sizeof(mv_tried); e++)
		n += snprintf(mv_tried + n, sizeof(mv_tried) - n, "%s%s",
			      e == mv_module_exts ? "}/migvisor.ko{" : ",", *e);
	if (n < sizeof(mv_tried))
		snprintf(mv_tried + n, sizeof(mv_tried) - n, "}");
	if (!access(path, R_OK))
		return path;
	for (d = mv_module_dirs; *d; d++) {
		for (e = mv_module_exts; *e; e++) {
			snprintf(path, sizeof(path),
				 "/lib/modules/%s/%s/migvisor.ko%s",
				 u.release, *d, *e);
			if (!access(path, R_OK))
				return path;
		}
	}
	/*
	 * None: the place make install puts it, which access() fails on, so
	 * that callers skip; mv_module_tried() names every place looked at.
	 */
	snprintf(path, sizeof(path), "/lib/modules/%s/updates/kmod/migvisor.ko",
		 u.release);
	return path;
}

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/*
 * modprobe, for a compressed file the kernel cannot unpack: kmod's
 * libkmod decompresses in userspace. It loads by name, from depmod's
 * index, which DKMS and make install keep up to date. Its exit status
 * says only that it failed; the kernel's errno is in its last words
 * ("could not insert 'migvisor': No such device"), which the callers'
 * checks need.
 */
static int mv_modprobe(int fail)
{
	char line[512], *why = NULL;
	FILE *f;
	int e;

	/* finit_module's answer, which modprobe would hide behind a 0. */
	if (mv_module_loaded())
		return -EEXIST;
	f = popen("modprobe migvisor 2>&1", "r");
	if (!f)
		return fail;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		fprintf(stderr, "# %s\n", line);
		free(why);
		why = strrchr(line, ':') ?
		      strdup(strrchr(line, ':') + 1 + strspn(strrchr(line, ':') + 1, " ")) :
		      NULL;
	}
	if (!pclose(f) && mv_module_loaded()) {
		free(why);
		return 0;
	}
	for (e = 1; why && e < 4096; e++)
		if (!strcmp(why, strerror(e))) {
			fail = -e;
			break;
		}
	free(why);
	return fail;
}

int mv_module_load(void)
{
	const char *path = mv_module_path();
	size_t n = strlen(path);
	bool packed = n < 3 || strcmp(path + n - 3, ".ko");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "",
		      packed ? MODULE_INIT_COMPRESSED_FILE : 0);
	ret = ret ? -errno : 0;
	close(fd);
	/*
	 * A kernel before 5.17 rejects the flag (EINVAL); one without
	 * CONFIG_MODULE_DECOMPRESS, or built for another format, cannot
	 * unpack the file (EOPNOTSUPP, EINVAL, ENOEXEC). The module's own
	 * init refuses with EOPNOTSUPP too (no usable VMX): modprobe then
	 * runs it once more, and fails the same way.
	 */
	if (packed && (ret == -EINVAL || ret == -EOPNOTSUPP || ret == -ENOEXEC))
		ret = mv_modprobe(ret);
	return ret;
}

int mv_module_unload(void)
{
	return syscall(SYS_delete_module, "migvisor", O_NONBLOCK) ? -errno : 0;
}

bool mv_module_loaded(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "migvisor ", 9))
			found = true;
	fclose(f);
	return found;
}

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	unsigned char attrs[4096];
};

size_t mv_nl_attr_offset(void)
{
	return NLMSG_HDRLEN + GENL_HDRLEN;
}

size_t mv_nla_put(void *buf, size_t off, uint16_t type, const void *data,
		  uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)buf + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(a->nla_len) - a->nla_len);
	return off + NLA_ALIGN(a->nla_len);
}

static int raw_request(struct mv_nl *nl, uint16_t type, uint8_t cmd,
		       uint8_t version, uint16_t flags, const void *attrs,
		       size_t len, struct mv_nl_result *res)
{
	struct req r = {};
	unsigned char buf[65536];
	bool done = false;

	memset(res, 0, sizeof(*res));
	res->bad_off = -1;
	if (len > sizeof(r.attrs))
		return -E2BIG;
	r.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	r.n.nlmsg_type = type;
	r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r.n.nlmsg_seq = ++nl->seq;
	r.g.cmd = cmd;
	r.g.version = version;
	memcpy(r.attrs, attrs, len);
	if (send(nl->fd, &r, r.n.nlmsg_len, 0) < 0)
		return -errno;

	while (!done) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				/* The end of a dump: its payload is the errno. */
				if (h->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&res->error, NLMSG_DATA(h), sizeof(int));
				res->dumped++;
				done = true;
				continue;
			}
			if (h->nlmsg_flags & NLM_F_MULTI)
				res->dumped++;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = NLMSG_HDRLEN + sizeof(*e);
				struct nlattr *a;

				res->error = e->error;
				done = true;
				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				while (off + NLA_HDRLEN <= h->nlmsg_len) {
					a = (struct nlattr *)((char *)h + off);
					if (a->nla_len < NLA_HDRLEN)
						break;
					if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
						snprintf(res->msg, sizeof(res->msg), "%.*s",
							 (int)(a->nla_len - NLA_HDRLEN),
							 (char *)a + NLA_HDRLEN);
					if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS)
						memcpy(&res->bad_off, (char *)a + NLA_HDRLEN, 4);
					off += NLA_ALIGN(a->nla_len);
				}
			} else if (!res->reply_len &&
				   h->nlmsg_len <= sizeof(res->reply)) {
				memcpy(res->reply, h, h->nlmsg_len);
				res->reply_len = h->nlmsg_len;
			}
		}
	}
	return 0;
}

int mv_nl_open(struct mv_nl *nl, const char *family)
{
	unsigned char attrs[64];
	struct mv_nl_result *res;
	struct nlattr *a;
	size_t len, off;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	len = mv_nla_put(attrs, 0, CTRL_ATTR_FAMILY_NAME, family,
			 strlen(family) + 1);
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	ret = raw_request(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, attrs, len,
			  res);
	if (!ret)
		ret = res->error;
	if (!ret && !res->reply_len)
		ret = -ENOENT;
	if (!ret) {
		ret = -ENOENT;
		off = NLMSG_HDRLEN + GENL_HDRLEN;
		while (off + NLA_HDRLEN <= res->reply_len) {
			a = (struct nlattr *)(res->reply + off);
			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				memcpy(&nl->family, (char *)a + NLA_HDRLEN, 2);
				ret = 0;
			}
			off += NLA_ALIGN(a->nla_len);
		}
	}
	free(res);
	if (ret) {
		close(nl->fd);
		nl->fd = -1;
	}
	return ret;
}

void mv_nl_close(struct mv_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

int mv_nl_request(struct mv_nl *nl, uint8_t cmd, uint8_t version,
		  const void *attrs, size_t len, struct mv_nl_result *res)
{
	return raw_request(nl, nl->family, cmd, version, 0, attrs, len, res);
}

int mv_nl_request_flags(struct mv_nl *nl, uint8_t cmd, uint8_t version,
			uint16_t flags, const void *attrs, size_t len,
			struct mv_nl_result *res)
{
	return raw_request(nl, nl->family, cmd, version, flags, attrs, len, res);
}

int mv_run(const char *cmd, char *out, size_t len, bool with_err)
{
	char full[1024];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(full, sizeof(full), "%s%s", cmd, with_err ? " 2>&1" : "");
	p = popen(full, "r");
	if (!p)
		return -errno;
	while (n + 1 < len) {
		size_t r = fread(out + n, 1, len - 1 - n, p);

		if (!r)
			break;
		n += r;
	}
	out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int mv_cpuinfo_field(const char *key, char *out, size_t len)
{
	static char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t kl = strlen(key);
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, key, kl) || (line[kl] != ' ' && line[kl] != '\t'))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		p++;
		while (*p == ' ')
			p++;
		p[strcspn(p, "\n")] = 0;
		snprintf(out, len, "%s", p);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

bool mv_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a, b;

	if (uname(&u) || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

bool mv_word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = !p[wl] || isspace((unsigned char)p[wl]);

		if (start && end)
			return true;
		p += wl;
	}
	return false;
}

int mv_read_kmsg(char *buf, size_t len)
{
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* --- JSON validation (recursive descent, RFC 8259) --- */

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *value(const char *s, int depth);

static const char *string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s && *s != '"') {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)s[i]))
						return NULL;
				s += 4;
			} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
				return NULL;
			}
		}
		s++;
	}
	return *s == '"' ? s + 1 : NULL;
}

static const char *number(const char *s)
{
	const char *start;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return NULL;
	if (*s == '.') {
		start = ++s;
		while (isdigit((unsigned char)*s))
			s++;
		if (s == start)
			return NULL;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		start = s;
		while (isdigit((unsigned char)*s))
			s++;
		if (s == start)
			return NULL;
	}
	return s;
}

static const char *container(const char *s, char close, bool obj, int depth)
{
	s = ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (obj) {
			s = string(s);
			if (!s)
				return NULL;
			s = ws(s);
			if (*s++ != ':')
				return NULL;
		}
		s = value(s, depth + 1);
		if (!s)
			return NULL;
		s = ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
		s = ws(s);
	}
}

static const char *value(const char *s, int depth)
{
	if (depth > 64)
		return NULL;
	s = ws(s);
	if (*s == '{')
		return container(s, '}', true, depth);
	if (*s == '[')
		return container(s, ']', false, depth);
	if (*s == '"')
		return string(s);
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	return number(s);
}

int mv_json_validate(const char *s)
{
	s = value(s, 0);
	if (!s)
		return -EINVAL;
	return *ws(s) ? -EINVAL : 0;
}

double mv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

pid_t mv_spawn(const char *log, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Exit status, or -1 if it did not end within @secs (then it is killed). */
int mv_reap(pid_t pid, double secs)
{
	double end = mv_now() + secs;
	int st;

	while (mv_now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(20000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

ssize_t mv_slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(fd);
	return got;
}

uint64_t mv_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

int mv_timeout_scale(void)
{
	const char *s = getenv("MV_TIMEOUT_SCALE");
	char *end;
	long k;

	if (!s || !*s)
		return 1;
	k = strtol(s, &end, 10);
	if (*end || k < 1 || k > 20) {
		fprintf(stderr, "MV_TIMEOUT_SCALE=%s: not a whole number from 1 to 20; using 1\n", s);
		return 1;
	}
	return k;
}

bool mv_elsewhere(const char *fixture, const char *test)
{
	const char *s = getenv("MV_ELSEWHERE"), *end;
	size_t nf = strlen(fixture), nt = strlen(test), n;

	for (; s && *s; s = *end ? end + 1 : end) {
		end = strchrnul(s, ',');
		n = end - s;
		if (n == nt && !strncmp(s, test, nt))
			return true;
		if (n == nf + 1 + nt && !strncmp(s, fixture, nf) && s[nf] == '.' &&
		    !strncmp(s + nf + 1, test, nt))
			return true;
	}
	return false;
}

const char *mv_elsewhere_why(void)
{
	const char *why = getenv("MV_ELSEWHERE_WHY");

	return why && *why ? why : "another host of this run covers it (MV_ELSEWHERE)";
}
