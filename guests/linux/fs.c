// SPDX-License-Identifier: GPL-2.0
/*
 * The program's files: the tree `mvctl guest load` packed (read in place,
 * copied on first write), directories implied by their paths, files the
 * program makes (in guest RAM, so a migration takes them along), /dev/null,
 * pipes, and the console as stdout and stderr. Paths have no symlinks;
 * /proc/self/exe reads as the program's own path.
 */
#include "lx.h"

#define S_IFMT		0170000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFREG		0100000
#define S_IFIFO		0010000
#define AT_FDCWD	-100
#define AT_EMPTY_PATH	0x1000
#define AT_REMOVEDIR	0x200
#define AT_SYMLINK_NOFOLLOW 0x100
/* node_at(): an fd without a node (the console, a pipe) */
#define NO_NODE		INT32_MAX
#define O_ACCMODE	3
#define O_WRONLY	1
#define O_RDWR		2
#define O_CREAT		0100
#define O_EXCL		0200
#define O_TRUNC		01000
#define O_APPEND	02000
#define O_NONBLOCK	04000
#define O_DIRECTORY	0200000
#define O_CLOEXEC	02000000
#define O_PATH		010000000
#define O_TMPFILE	020000000
#define LX_MAX_NODES	(MV_LX_MAX_FILES + 256)
#define LX_MAX_FDS	256
#define PIPE_SIZE	65536

enum kind { K_NONE, K_FILE, K_DIR, K_CONSOLE, K_NULL, K_PIPE_R, K_PIPE_W };

struct node {
	char path[MV_LX_PATH_MAX];
	uint32_t mode;
	bool used, owned;
	uint8_t *data;
	uint64_t size, cap;
	uint64_t mtime;
};

struct pipe {
	uint8_t *buf;
	uint64_t head, len;
	int readers, writers;
};

/* An open file description: what dup() shares, offset included. */
struct ofd {
	enum kind kind;
	int node;		/* K_FILE, K_DIR */
	struct pipe *pipe;
	uint64_t pos;
	uint32_t flags;
	int refs;
};

static struct node nodes[LX_MAX_NODES];
static struct ofd ofds[LX_MAX_FDS];
static struct { int ofd; bool cloexec; } fds[LX_MAX_FDS];
static char cwd[MV_LX_PATH_MAX] = "/";
static char exe_path[MV_LX_PATH_MAX];
static uint32_t umask_bits = 022;
static uint64_t boot_time;

/* Normalise @in against @base into @out: absolute, no ".", "..", "//". */
static int normalise(const char *base, const char *in, char *out)
{
	char tmp[2 * MV_LX_PATH_MAX];
	size_t n = 0, i = 0;

	if (!*in)
		return -ENOENT;
	if (*in != '/') {
		n = strlen(base);
		memcpy(tmp, base, n);
		tmp[n++] = '/';
	}
	if (n + strlen(in) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp + n, in);
	n = 0;
	out[n++] = '/';
	while (tmp[i]) {
		size_t s, len;

		while (tmp[i] == '/')
			i++;
		s = i;
		while (tmp[i] && tmp[i] != '/')
			i++;
		len = i - s;
		if (!len || (len == 1 && tmp[s] == '.'))
			continue;
		if (len == 2 && tmp[s] == '.' && tmp[s + 1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;
			continue;
		}
		if (n > 1)
			out[n++] = '/';
		if (n + len >= MV_LX_PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out + n, tmp + s, len);
		n += len;
	}
	out[n] = 0;
	return 0;
}

static int lookup(const char *path)
{
	int i;

	for (i = 0; i < LX_MAX_NODES; i++)
		if (nodes[i].used && !strcmp(nodes[i].path, path))
			return i;
	return -1;
}

static void parent_of(const char *path, char *out)
{
	size_t n = strlen(path);

	strcpy(out, path);
	while (n > 1 && out[n - 1] != '/')
		n--;
	if (n > 1)
		n--;
	out[n] = 0;
}

static int new_node(const char *path, uint32_t mode)
{
	int i;

	for (i = 0; i < LX_MAX_NODES; i++)
		if (!nodes[i].used) {
			memset(&nodes[i], 0, sizeof(nodes[i]));
			nodes[i].used = true;
			strcpy(nodes[i].path, path);
			nodes[i].mode = mode;
			nodes[i].mtime = boot_time;
			return i;
		}
	return -ENOSPC;
}

/* Make every directory above @path, as its packing implies them. */
static void make_parents(const char *path)
{
	char p[MV_LX_PATH_MAX];

	parent_of(path, p);
	if (lookup(p) >= 0)
		return;
	make_parents(p);
	new_node(p, S_IFDIR | 0755);
}

static int alloc_fd(int from)
{
	int i;

	for (i = from; i < LX_MAX_FDS; i++)
		if (!fds[i].ofd)
			return i;
	return -EMFILE;
}

static int alloc_ofd(enum kind k, int node, uint32_t flags)
{
	int i;

	for (i = 1; i < LX_MAX_FDS; i++)
		if (!ofds[i].refs) {
			ofds[i] = (struct ofd){ .kind = k, .node = node,
						.flags = flags, .refs = 1 };
			return i;
		}
	return -EMFILE;
}

static int install(enum kind k, int node, uint32_t flags, int from)
{
	int fd = alloc_fd(from), o;

	if (fd < 0)
		return fd;
	o = alloc_ofd(k, node, flags);
	if (o < 0)
		return o;
	fds[fd].ofd = o;
	fds[fd].cloexec = flags & O_CLOEXEC;
	return fd;
}

static struct ofd *get(long fd)
{
	if (fd < 0 || fd >= LX_MAX_FDS || !fds[fd].ofd)
		return NULL;
	return &ofds[fds[fd].ofd];
}

static bool node_open(int n)
{
	int i;

	for (i = 1; i < LX_MAX_FDS; i++)
		if (ofds[i].refs && ofds[i].node == n &&
		    (ofds[i].kind == K_FILE || ofds[i].kind == K_DIR))
			return true;
	return false;
}

/* Free a node that has lost its name, once nothing has it open. */
static void release_node(int n)
{
	if (n < 0 || nodes[n].path[0] || node_open(n))
		return;
	if (nodes[n].owned)
		lx_kfree(nodes[n].data, nodes[n].cap);
	nodes[n].used = false;
}

static void put_ofd(struct ofd *o)
{
	enum kind k = o->kind;

	if (--o->refs)
		return;
	o->kind = K_NONE;
	if (k == K_FILE || k == K_DIR)
		release_node(o->node);
	if (k == K_PIPE_R)
		o->pipe->readers--;
	if (k == K_PIPE_W)
		o->pipe->writers--;
	if ((k == K_PIPE_R || k == K_PIPE_W) &&
	    !o->pipe->readers && !o->pipe->writers) {
		lx_kfree(o->pipe->buf, PIPE_SIZE);
		lx_kfree(o->pipe, sizeof(*o->pipe));
	}
}

static long do_close(long fd)
{
	struct ofd *o = get(fd);

	if (!o)
		return -EBADF;
	fds[fd].ofd = 0;
	put_ofd(o);
	return 0;
}

void lx_fs_init(const struct mv_lx_boot *b)
{
	const uint8_t *p = __va(b->files_gpa), *end = p + b->files_len;
	const char *s = __va(b->strings_gpa);
	uint32_t i;
	int stdin_node = -1, n;

	boot_time = lx_real_ns();
	new_node("/", S_IFDIR | 0755);
	new_node("/tmp", S_IFDIR | 01777);
	new_node("/dev", S_IFDIR | 0755);
	new_node("/dev/null", S_IFCHR | 0666);
	for (i = 0; i < b->nfiles; i++) {
		struct mv_lx_file f;
		char path[MV_LX_PATH_MAX];

		/* mvctl checked all of this; what reaches here is guest RAM. */
		if (end - p < (long)sizeof(f))
			lx_panic("file table truncated at entry %u", i);
		memcpy(&f, p, sizeof(f));
		p += sizeof(f);
		if (!f.path_len || f.path_len >= MV_LX_PATH_MAX ||
		    end - p < (long)f.path_len)
			lx_panic("file table entry %u has a bad path", i);
		memcpy(path, p, f.path_len);
		path[f.path_len] = 0;
		p += (f.path_len + 7) & ~7U;
		if (f.size > (uint64_t)(end - p))
			lx_panic("file table entry %u is truncated", i);
		if (f.flags & MV_LX_FILE_STDIN) {
			n = new_node("/dev/stdin", S_IFREG | 0444);
			stdin_node = n;
		} else {
			make_parents(path);
			n = lookup(path);
			if (n < 0)
				n = new_node(path, S_IFREG | (f.mode & 07777));
		}
		if (n < 0)
			lx_panic("too many files");
		nodes[n].data = (uint8_t *)p;
		nodes[n].size = f.size;
		p += (f.size + 7) & ~7ULL;
	}
	/* argv[0], the program's own path, for /proc/self/exe */
	if (normalise("/", s, exe_path))
		strcpy(exe_path, "/");
	if (stdin_node >= 0)
		install(K_FILE, stdin_node, 0, 0);
	else
		install(K_NULL, -1, 0, 0);
	install(K_CONSOLE, -1, O_WRONLY, 1);
	fds[2].ofd = fds[1].ofd;
	ofds[fds[1].ofd].refs++;
}

static bool exported(const struct node *n)
{
	return n->used && (n->mode & S_IFMT) == S_IFREG &&
	       strcmp(n->path, "/dev/stdin");
}

/*
 * @n's data as guest-physical extents, at @out when not NULL: one per run
 * of pages that lie next to each other physically. The count.
 */
static uint64_t extents(const struct node *n, struct mv_lx_extent *out)
{
	uint64_t off = 0, count = 0, last_end = ~0ULL;

	while (off < n->size) {
		uint64_t va = (uint64_t)n->data + off;
		uint64_t len = PAGE_SIZE - (va & ~PAGE_MASK);
		uint64_t pa = lx_virt_to_phys((void *)va);

		if (len > n->size - off)
			len = n->size - off;
		if (pa == last_end && count) {
			if (out)
				out[count - 1].len += len;
		} else {
			if (out) {
				out[count].gpa = pa;
				out[count].len = len;
			}
			count++;
		}
		last_end = pa + len;
		off += len;
	}
	return count;
}

void lx_fs_export(void)
{
	struct mv_lx_boot *boot = __va(MV_LX_BOOT_GPA);
	struct mv_lx_out_dir *dir;
	struct mv_lx_out *h;
	uint64_t len = sizeof(*h), off, i;
	uint8_t *t;
	int k;

	for (k = 0; k < LX_MAX_NODES; k++)
		if (exported(&nodes[k]))
			len += sizeof(struct mv_lx_out_file) +
			       ((strlen(nodes[k].path) + 7) & ~7ULL) +
			       extents(&nodes[k], NULL) * sizeof(struct mv_lx_extent);
	if (len > MV_LX_OUT_MAX) {
		lx_log("the files are in too many pieces to list for mvctl guest copy");
		return;
	}
	dir = lx_kalloc(sizeof(*dir));
	t = lx_kalloc(len);
	if (!dir || !t) {
		lx_log("no memory left to list the files for mvctl guest copy");
		return;
	}
	h = (struct mv_lx_out *)t;
	h->magic = MV_LX_OUT_MAGIC;
	off = sizeof(*h);
	for (k = 0; k < LX_MAX_NODES; k++) {
		struct mv_lx_out_file *f = (void *)(t + off);

		if (!exported(&nodes[k]))
			continue;
		f->size = nodes[k].size;
		f->path_len = strlen(nodes[k].path);
		f->mode = nodes[k].mode & 07777;
		f->mtime_ns = nodes[k].mtime;
		memcpy(f + 1, nodes[k].path, f->path_len);
		off += sizeof(*f) + ((f->path_len + 7) & ~7ULL);
		f->nextents = extents(&nodes[k], (void *)(t + off));
		off += f->nextents * sizeof(struct mv_lx_extent);
		h->nfiles++;
	}
	dir->magic = MV_LX_OUT_MAGIC;
	dir->len = off;
	dir->npages = PAGE_UP(off) / PAGE_SIZE;
	for (i = 0; i < dir->npages; i++)
		dir->gpa[i] = lx_virt_to_phys(t + i * PAGE_SIZE);
	boot->out_gpa = lx_virt_to_phys(dir);
}

const void *lx_fs_data(int fd, uint64_t *size)
{
	struct ofd *o = get(fd);

	if (!o || o->kind != K_FILE)
		return NULL;
	*size = nodes[o->node].size;
	return nodes[o->node].data ? nodes[o->node].data : (const void *)"";
}

/* Room for @need bytes, owned: packed data is copied on first write. */
static int reserve(struct node *n, uint64_t need)
{
	uint64_t cap;
	uint8_t *d;

	if (n->owned && need <= n->cap)
		return 0;
	if (need > (1ULL << 40))
		return -EFBIG;
	cap = n->cap * 2 > need ? n->cap * 2 : need;
	if (cap < PAGE_SIZE)
		cap = PAGE_SIZE;
	d = lx_kalloc(cap);
	if (!d)
		return -ENOSPC;
	if (n->size)
		memcpy(d, n->data, n->size);
	if (n->owned)
		lx_kfree(n->data, n->cap);
	n->data = d;
	n->cap = cap;
	n->owned = true;
	return 0;
}

static int set_size(struct node *n, uint64_t size)
{
	int ret;

	if (size > n->size) {
		ret = reserve(n, size);
		if (ret)
			return ret;
		memset(n->data + n->size, 0, size - n->size);
	}
	n->size = size;
	n->mtime = lx_real_ns();
	return 0;
}

/* Data of @len bytes at user @buf: to or from file, console or pipe. */
static long io(struct ofd *o, uint64_t buf, uint64_t len, uint64_t *pos,
	       bool wr)
{
	struct node *n = o->node >= 0 ? &nodes[o->node] : NULL;
	uint64_t done = 0;

	if (len > 0x7ffff000)
		len = 0x7ffff000;
	if (!lx_user_ok(buf, len, !wr))
		return -EFAULT;
	switch (o->kind) {
	case K_CONSOLE:
		if (!wr)
			return -EBADF;
		lx_console((const void *)buf, len);
		return len;
	case K_NULL:
		return wr ? (long)len : 0;
	case K_DIR:
		return -EISDIR;
	case K_PIPE_R:
	case K_PIPE_W: {
		struct pipe *p = o->pipe;

		if (wr != (o->kind == K_PIPE_W))
			return -EBADF;
		if (wr && !p->readers)
			return -EPIPE;
		/* One thread: waiting for the other end would never end. */
		if (wr ? p->len == PIPE_SIZE : !p->len)
			return wr || p->writers ? -EAGAIN : 0;
		while (done < len && (wr ? p->len < PIPE_SIZE : p->len)) {
			if (wr)
				p->buf[(p->head + p->len++) % PIPE_SIZE] =
					((uint8_t *)buf)[done++];
			else {
				((uint8_t *)buf)[done++] = p->buf[p->head];
				p->head = (p->head + 1) % PIPE_SIZE;
				p->len--;
			}
		}
		return done;
	}
	case K_FILE:
		break;
	default:
		return -EBADF;
	}
	if (wr) {
		int ret;

		if ((o->flags & O_ACCMODE) == 0)
			return -EBADF;
		if (o->flags & O_APPEND)
			*pos = n->size;
		if (*pos + len < *pos)
			return -EFBIG;
		if (*pos + len > n->size || !n->owned) {
			ret = reserve(n, *pos + len > n->size ? *pos + len : n->size);
			if (ret)
				return ret;
			if (*pos > n->size)
				memset(n->data + n->size, 0, *pos - n->size);
			if (*pos + len > n->size)
				n->size = *pos + len;
		}
		memcpy(n->data + *pos, (const void *)buf, len);
		n->mtime = lx_real_ns();
	} else {
		if ((o->flags & O_ACCMODE) == O_WRONLY)
			return -EBADF;
		if (*pos >= n->size)
			return 0;
		if (len > n->size - *pos)
			len = n->size - *pos;
		memcpy((void *)buf, n->data + *pos, len);
	}
	*pos += len;
	return len;
}

static long rw(long fd, uint64_t buf, uint64_t len, bool wr)
{
	struct ofd *o = get(fd);

	return o ? io(o, buf, len, &o->pos, wr) : -EBADF;
}

static long prw(long fd, uint64_t buf, uint64_t len, int64_t off, bool wr)
{
	struct ofd *o = get(fd);
	uint64_t pos = off;

	if (!o)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	if (o->kind != K_FILE)
		return o->kind == K_DIR ? -EISDIR : -ESPIPE;
	return io(o, buf, len, &pos, wr);
}

static long rwv(long fd, uint64_t iov, uint64_t cnt, bool wr, int64_t off)
{
	struct ofd *o = get(fd);
	uint64_t i, pos = off;
	long total = 0;

	if (!o)
		return -EBADF;
	if (cnt > 1024)
		return -EINVAL;
	for (i = 0; i < cnt; i++) {
		uint64_t v[2];
		long n;

		if (lx_copy_from_user(v, iov + 16 * i, 16))
			return total ? total : -EFAULT;
		if (!v[1])
			continue;
		n = io(o, v[0], v[1], off < 0 ? &o->pos : &pos, wr);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((uint64_t)n < v[1])
			break;
	}
	return total;
}

/* The absolute path for (dirfd, user path), into @out. */
static int resolve(long dirfd, uint64_t upath, char *out, bool empty_ok)
{
	char in[MV_LX_PATH_MAX];
	const char *base = cwd;
	long n = lx_strncpy_from_user(in, upath, sizeof(in));

	if (n < 0)
		return n;
	if (!n && !empty_ok)
		return -ENOENT;
	if (in[0] != '/' && (int)dirfd != AT_FDCWD) {
		struct ofd *o = get(dirfd);

		if (!o)
			return -EBADF;
		if (o->kind != K_DIR)
			return n ? -ENOTDIR : -EBADF;
		base = nodes[o->node].path;
	}
	if (!n) {
		strcpy(out, base);
		return 0;
	}
	return normalise(base, in, out);
}

static long do_open(long dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	char path[MV_LX_PATH_MAX], parent[MV_LX_PATH_MAX];
	int ret = resolve(dirfd, upath, path, false), n;
	uint32_t acc = flags & O_ACCMODE;

	if (ret)
		return ret;
	if ((flags & O_TMPFILE) || acc == 3)
		return -EINVAL;
	n = lookup(path);
	if (n >= 0 && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (n < 0) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		parent_of(path, parent);
		ret = lookup(parent);
		if (ret < 0)
			return -ENOENT;
		if ((nodes[ret].mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		n = new_node(path, S_IFREG | (mode & 07777 & ~umask_bits));
		if (n < 0)
			return n;
	}
	switch (nodes[n].mode & S_IFMT) {
	case S_IFDIR:
		if (acc != 0 && !(flags & O_PATH))
			return -EISDIR;
		return install(K_DIR, n, flags, 0);
	case S_IFCHR:
		return install(K_NULL, n, flags, 0);
	}
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if ((flags & O_TRUNC) && acc != 0) {
		ret = set_size(&nodes[n], 0);
		if (ret)
			return ret;
	}
	return install(K_FILE, n, flags, 0);
}

struct lx_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};

struct lx_statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t reserved;
};

struct lx_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct lx_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};

_Static_assert(sizeof(struct lx_stat) == 144, "x86-64 struct stat");
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx");

static void fill_stat(int n, enum kind k, struct lx_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = 0x2a;
	st->blksize = 4096;
	if (n < 0) {
		/* The console and pipes */
		st->ino = k == K_CONSOLE ? 1 : 2;
		st->nlink = 1;
		st->mode = k == K_CONSOLE ? S_IFCHR | 0620 : S_IFIFO | 0600;
		st->rdev = k == K_CONSOLE ? 0x8801 : 0;
		st->mtime = st->atime = st->ctime = boot_time / 1000000000;
		return;
	}
	st->ino = n + 16;
	st->nlink = (nodes[n].mode & S_IFMT) == S_IFDIR ? 2 : 1;
	st->mode = nodes[n].mode;
	st->size = (nodes[n].mode & S_IFMT) == S_IFREG ? nodes[n].size : 0;
	if ((nodes[n].mode & S_IFMT) == S_IFDIR)
		st->size = 4096;
	if ((nodes[n].mode & S_IFMT) == S_IFCHR)
		st->rdev = 0x103;	/* 1:3, /dev/null */
	st->blocks = (st->size + 511) / 512;
	st->atime = st->mtime = st->ctime = nodes[n].mtime / 1000000000;
	st->atime_ns = st->mtime_ns = st->ctime_ns = nodes[n].mtime % 1000000000;
}

static int stat_target(long dirfd, uint64_t upath, uint64_t flags,
		       struct lx_stat *st)
{
	char path[MV_LX_PATH_MAX];
	struct ofd *o = NULL;
	int ret, n;

	if (flags & AT_EMPTY_PATH) {
		char c;

		if (lx_copy_from_user(&c, upath, 1))
			return -EFAULT;
		if (!c) {
			if ((int)dirfd == AT_FDCWD) {
				n = lookup(cwd);
			} else {
				o = get(dirfd);
				if (!o)
					return -EBADF;
				n = o->node;
			}
			fill_stat(n, o ? o->kind : K_DIR, st);
			return 0;
		}
	}
	ret = resolve(dirfd, upath, path, false);
	if (ret)
		return ret;
	n = lookup(path);
	if (n < 0)
		return -ENOENT;
	fill_stat(n, K_FILE, st);
	return 0;
}

/*
 * The node a path or an fd names, for chmod and chown: -errno if none.
 * The console and pipes have no node; they answer as their fd exists.
 */
static int node_at(long dirfd, uint64_t upath, uint64_t flags, bool by_fd)
{
	char path[MV_LX_PATH_MAX];
	struct ofd *o;
	int ret, n;

	if (by_fd) {
		o = get(dirfd);
		if (!o)
			return -EBADF;
		return o->kind == K_FILE || o->kind == K_DIR ? o->node : NO_NODE;
	}
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ret = resolve(dirfd, upath, path, false);
	if (ret)
		return ret;
	n = lookup(path);
	return n < 0 ? -ENOENT : n;
}

static long do_chmod(int n, uint64_t mode)
{
	if (n < 0)
		return n;
	if (n != NO_NODE)
		nodes[n].mode = (nodes[n].mode & S_IFMT) | (mode & 07777);
	return 0;
}

/*
 * Every file belongs to root, the program's only user: a change of owner
 * to root (or -1, no change) succeeds, any other is refused rather than
 * pretended. SQLite, running as root, hands its journal to the
 * database's owner this way.
 */
static long do_chown(int n, uint64_t uid, uint64_t gid)
{
	if (n < 0)
		return n;
	if (((uint32_t)uid && (uint32_t)uid != UINT32_MAX) ||
	    ((uint32_t)gid && (uint32_t)gid != UINT32_MAX))
		return -EPERM;
	return 0;
}

static long do_fstat(long fd, uint64_t ubuf)
{
	struct ofd *o = get(fd);
	struct lx_stat st;

	if (!o)
		return -EBADF;
	fill_stat(o->node, o->kind, &st);
	return lx_copy_to_user(ubuf, &st, sizeof(st));
}

static long do_statx(long dirfd, uint64_t upath, uint64_t flags, uint64_t ubuf)
{
	struct lx_stat st;
	struct lx_statx sx;
	int ret = stat_target(dirfd, upath, flags, &st);

	if (ret)
		return ret;
	memset(&sx, 0, sizeof(sx));
	sx.mask = 0x7ff;	/* STATX_BASIC_STATS */
	sx.blksize = st.blksize;
	sx.nlink = st.nlink;
	sx.mode = st.mode;
	sx.ino = st.ino;
	sx.size = st.size;
	sx.blocks = st.blocks;
	sx.atime.sec = st.atime;
	sx.atime.nsec = st.atime_ns;
	sx.mtime = sx.ctime = sx.atime;
	sx.rdev_major = st.rdev >> 8;
	sx.rdev_minor = st.rdev & 0xff;
	sx.dev_minor = st.dev;
	return lx_copy_to_user(ubuf, &sx, sizeof(sx));
}

static long do_getdents(long fd, uint64_t ubuf, uint64_t len)
{
	struct ofd *o = get(fd);
	uint64_t idx = 0, out = 0;
	const char *dir;
	size_t dlen;
	int i;

	if (!o)
		return -EBADF;
	if (o->kind != K_DIR)
		return -ENOTDIR;
	dir = nodes[o->node].path;
	dlen = strlen(dir);
	for (i = -2; i < LX_MAX_NODES; i++) {
		const char *name;
		uint8_t rec[8 + 8 + 2 + 1 + MV_LX_PATH_MAX + 8];
		uint64_t ino, off;
		uint16_t reclen;
		uint8_t type;
		size_t nlen;

		if (i == -2 || i == -1) {
			name = i == -2 ? "." : "..";
			ino = 16 + o->node;
			type = 4;
		} else {
			const char *p = nodes[i].path, *slash;

			if (!nodes[i].used || !strcmp(p, "/") ||
			    strncmp(p, dir, dlen) ||
			    (dlen > 1 && p[dlen] != '/'))
				continue;
			name = p + (dlen > 1 ? dlen + 1 : 1);
			slash = name;
			while (*slash && *slash != '/')
				slash++;
			if (*slash || !*name)
				continue;
			ino = 16 + i;
			type = (nodes[i].mode & S_IFMT) == S_IFDIR ? 4 :
			       (nodes[i].mode & S_IFMT) == S_IFCHR ? 2 : 8;
		}
		if (idx++ < o->pos)
			continue;
		nlen = strlen(name);
		reclen = (19 + nlen + 1 + 7) & ~7;
		if (out + reclen > len)
			return out ? (long)out : -EINVAL;
		off = idx;
		memset(rec, 0, reclen);
		memcpy(rec, &ino, 8);
		memcpy(rec + 8, &off, 8);
		memcpy(rec + 16, &reclen, 2);
		rec[18] = type;
		memcpy(rec + 19, name, nlen);
		if (lx_copy_to_user(ubuf + out, rec, reclen))
			return -EFAULT;
		out += reclen;
		o->pos = idx;
	}
	return out;
}

static long do_lseek(long fd, int64_t off, uint64_t whence)
{
	struct ofd *o = get(fd);
	int64_t base;

	if (!o)
		return -EBADF;
	if (o->kind == K_PIPE_R || o->kind == K_PIPE_W || o->kind == K_CONSOLE)
		return -ESPIPE;
	if (o->kind == K_NULL)
		return 0;
	switch (whence) {
	case 0:
		base = 0;
		break;
	case 1:
		base = o->pos;
		break;
	case 2:
		base = o->kind == K_FILE ? (int64_t)nodes[o->node].size : 0;
		break;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	if (o->kind == K_DIR && base + off != 0)
		return -EINVAL;
	o->pos = base + off;
	return o->pos;
}

static long do_dup(long oldfd, long newfd, uint64_t flags, bool exact)
{
	struct ofd *o = get(oldfd);

	if (!o)
		return -EBADF;
	if (!exact) {
		newfd = alloc_fd(newfd);
		if (newfd < 0)
			return newfd;
	} else {
		if (newfd < 0 || newfd >= LX_MAX_FDS)
			return -EBADF;
		if (newfd == oldfd)
			return -EINVAL;
		if (fds[newfd].ofd)
			do_close(newfd);
	}
	o->refs++;
	fds[newfd].ofd = fds[oldfd].ofd;
	fds[newfd].cloexec = flags & O_CLOEXEC;
	return newfd;
}

static long do_fcntl(long fd, uint64_t cmd, uint64_t arg)
{
	struct ofd *o = get(fd);

	if (!o)
		return -EBADF;
	switch (cmd) {
	case 0:		/* F_DUPFD */
	case 1030:	/* F_DUPFD_CLOEXEC */
		if (arg >= LX_MAX_FDS)
			return -EINVAL;
		return do_dup(fd, arg, cmd == 1030 ? O_CLOEXEC : 0, false);
	case 1:		/* F_GETFD */
		return fds[fd].cloexec;
	case 2:		/* F_SETFD */
		fds[fd].cloexec = arg & 1;
		return 0;
	case 3:		/* F_GETFL */
		return o->flags & ~(uint32_t)O_CLOEXEC;
	case 4:		/* F_SETFL */
		o->flags = (o->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
			   (arg & (O_APPEND | O_NONBLOCK));
		return 0;
	case 5:		/* F_GETLK: one process, no one else holds a lock */
	case 36: {	/* F_OFD_GETLK */
		int16_t unlck = 2;

		return lx_copy_to_user(arg, &unlck, sizeof(unlck));
	}
	case 6: case 7: case 37: case 38:	/* SETLK, SETLKW, OFD_* */
		return 0;
	}
	return -EINVAL;
}

static long do_unlink(long dirfd, uint64_t upath, uint64_t flags)
{
	char path[MV_LX_PATH_MAX];
	int ret = resolve(dirfd, upath, path, false), n, i;
	size_t len = strlen(path);

	if (ret)
		return ret;
	n = lookup(path);
	if (n < 0)
		return -ENOENT;
	if ((nodes[n].mode & S_IFMT) == S_IFDIR) {
		if (!(flags & AT_REMOVEDIR))
			return -EISDIR;
		if (n < 4)
			return -EPERM;
		for (i = 0; i < LX_MAX_NODES; i++)
			if (nodes[i].used && !strncmp(nodes[i].path, path, len) &&
			    nodes[i].path[len] == '/')
				return -ENOTEMPTY;
	} else if (flags & AT_REMOVEDIR) {
		return -ENOTDIR;
	}
	/* An open file lives on, nameless, until its last close. */
	nodes[n].path[0] = 0;
	release_node(n);
	return 0;
}

static long do_pipe(uint64_t ufds, uint64_t flags)
{
	struct pipe *p;
	int fd[2];

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	p = lx_kalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->buf = lx_kalloc(PIPE_SIZE);
	if (!p->buf) {
		lx_kfree(p, sizeof(*p));
		return -ENOMEM;
	}
	fd[0] = install(K_PIPE_R, -1, flags, 0);
	if (fd[0] < 0)
		goto fail;
	ofds[fds[fd[0]].ofd].pipe = p;
	p->readers = 1;
	fd[1] = install(K_PIPE_W, -1, flags | O_WRONLY, 0);
	if (fd[1] < 0) {
		do_close(fd[0]);
		return fd[1];
	}
	ofds[fds[fd[1]].ofd].pipe = p;
	p->writers = 1;
	if (lx_copy_to_user(ufds, fd, sizeof(fd))) {
		do_close(fd[0]);
		do_close(fd[1]);
		return -EFAULT;
	}
	return 0;
fail:
	lx_kfree(p->buf, PIPE_SIZE);
	lx_kfree(p, sizeof(*p));
	return fd[0];
}

static long do_readlink(long dirfd, uint64_t upath, uint64_t ubuf, uint64_t len)
{
	char path[MV_LX_PATH_MAX];
	int ret = resolve(dirfd, upath, path, false);
	size_t n;

	if (ret)
		return ret;
	if ((int64_t)len <= 0)
		return -EINVAL;
	if (strcmp(path, "/proc/self/exe"))
		return lookup(path) >= 0 ? -EINVAL : -ENOENT;
	n = strlen(exe_path);
	if (n > len)
		n = len;
	return lx_copy_to_user(ubuf, exe_path, n) ?: (long)n;
}

static long do_access(long dirfd, uint64_t upath, uint64_t mode)
{
	char path[MV_LX_PATH_MAX];
	int ret = resolve(dirfd, upath, path, false), n;

	if (ret)
		return ret;
	if (mode & ~7ULL)
		return -EINVAL;
	n = lookup(path);
	if (n < 0)
		return -ENOENT;
	/* Root may read and write anything, and execute what has an x bit. */
	if ((mode & 1) && (nodes[n].mode & S_IFMT) == S_IFREG &&
	    !(nodes[n].mode & 0111))
		return -EACCES;
	return 0;
}

static long do_mkdir(long dirfd, uint64_t upath, uint64_t mode)
{
	char path[MV_LX_PATH_MAX], parent[MV_LX_PATH_MAX];
	int ret = resolve(dirfd, upath, path, false), p;

	if (ret)
		return ret;
	if (lookup(path) >= 0)
		return -EEXIST;
	parent_of(path, parent);
	p = lookup(parent);
	if (p < 0)
		return -ENOENT;
	if ((nodes[p].mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	ret = new_node(path, S_IFDIR | (mode & 07777 & ~umask_bits));
	return ret < 0 ? ret : 0;
}

static long do_rename(long odir, uint64_t opath, long ndir, uint64_t npath)
{
	char from[MV_LX_PATH_MAX], to[MV_LX_PATH_MAX], parent[MV_LX_PATH_MAX];
	int ret = resolve(odir, opath, from, false), n, t;

	if (!ret)
		ret = resolve(ndir, npath, to, false);
	if (ret)
		return ret;
	n = lookup(from);
	if (n < 0)
		return -ENOENT;
	if (!strcmp(from, to))
		return 0;
	/* Directories would take their subtree along: not for one level. */
	if ((nodes[n].mode & S_IFMT) == S_IFDIR)
		return -EOPNOTSUPP;
	parent_of(to, parent);
	t = lookup(parent);
	if (t < 0)
		return -ENOENT;
	t = lookup(to);
	if (t >= 0) {
		if ((nodes[t].mode & S_IFMT) == S_IFDIR)
			return -EISDIR;
		nodes[t].path[0] = 0;
		release_node(t);
	}
	strcpy(nodes[n].path, to);
	return 0;
}

static long do_ftruncate(long fd, int64_t len)
{
	struct ofd *o = get(fd);

	if (!o)
		return -EBADF;
	if (o->kind != K_FILE || !(o->flags & O_ACCMODE))
		return -EINVAL;
	if (len < 0)
		return -EINVAL;
	return set_size(&nodes[o->node], len);
}

static long do_sendfile(long out, long in, uint64_t uoff, uint64_t count)
{
	struct ofd *i = get(in), *o = get(out);
	uint64_t pos, *pp, done = 0;

	if (!i || !o)
		return -EBADF;
	if (i->kind != K_FILE)
		return -EINVAL;
	if (uoff) {
		if (lx_copy_from_user(&pos, uoff, 8))
			return -EFAULT;
		pp = &pos;
	} else {
		pp = &i->pos;
	}
	/* Through a user-visible bounce: the stack's top page is ours. */
	while (done < count) {
		struct node *n = &nodes[i->node];
		uint64_t k = count - done, w, tmp;
		long r;

		if (*pp >= n->size)
			break;
		if (k > n->size - *pp)
			k = n->size - *pp;
		if (o->kind == K_CONSOLE) {
			lx_console(n->data + *pp, k);
			w = k;
		} else if (o->kind == K_NULL) {
			w = k;
		} else if (o->kind == K_FILE) {
			struct node *dn = &nodes[o->node];

			if (o->flags & O_APPEND)
				o->pos = dn->size;
			tmp = o->pos + k;
			r = reserve(dn, tmp > dn->size ? tmp : dn->size);
			if (r)
				return done ? (long)done : r;
			n = &nodes[i->node];
			if (o->pos > dn->size)
				memset(dn->data + dn->size, 0, o->pos - dn->size);
			memmove(dn->data + o->pos, n->data + *pp, k);
			if (tmp > dn->size)
				dn->size = tmp;
			o->pos = tmp;
			w = k;
		} else {
			return done ? (long)done : -EINVAL;
		}
		*pp += w;
		done += w;
	}
	if (uoff && lx_copy_to_user(uoff, &pos, 8))
		return -EFAULT;
	return done;
}

static long do_getcwd(uint64_t ubuf, uint64_t len)
{
	size_t n = strlen(cwd) + 1;

	if (len < n)
		return -ERANGE;
	return lx_copy_to_user(ubuf, cwd, n) ?: (long)n;
}

static long do_chdir(uint64_t upath)
{
	char path[MV_LX_PATH_MAX];
	int ret = resolve(AT_FDCWD, upath, path, false), n;

	if (ret)
		return ret;
	n = lookup(path);
	if (n < 0)
		return -ENOENT;
	if ((nodes[n].mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	strcpy(cwd, path);
	return 0;
}

static long do_ioctl(long fd, uint64_t cmd)
{
	struct ofd *o = get(fd);

	if (!o)
		return -EBADF;
	/* TCGETS, TIOCGWINSZ, ...: nothing here is a terminal. */
	(void)cmd;
	return -ENOTTY;
}

long lx_fs_syscall(struct lx_regs *r, bool *handled)
{
	uint64_t a0 = r->rdi, a1 = r->rsi, a2 = r->rdx, a3 = r->r10;
	struct lx_stat st;
	long ret;

	*handled = true;
	switch (r->vector) {
	case 0:		/* read */
		return rw(a0, a1, a2, false);
	case 1:		/* write */
		return rw(a0, a1, a2, true);
	case 2:		/* open */
		return do_open(AT_FDCWD, a0, a1, a2);
	case 257:	/* openat */
		return do_open(a0, a1, a2, a3);
	case 3:		/* close */
		return do_close(a0);
	case 4:		/* stat */
	case 6:		/* lstat */
		ret = stat_target(AT_FDCWD, a0, 0, &st);
		return ret ?: lx_copy_to_user(a1, &st, sizeof(st));
	case 5:		/* fstat */
		return do_fstat(a0, a1);
	case 262:	/* newfstatat */
		ret = stat_target(a0, a1, a3, &st);
		return ret ?: lx_copy_to_user(a2, &st, sizeof(st));
	case 332:	/* statx */
		return do_statx(a0, a1, a2, r->r8);
	case 8:		/* lseek */
		return do_lseek(a0, a1, a2);
	case 16:	/* ioctl */
		return do_ioctl(a0, a1);
	case 17:	/* pread64 */
		return prw(a0, a1, a2, a3, false);
	case 18:	/* pwrite64 */
		return prw(a0, a1, a2, a3, true);
	case 19:	/* readv */
		return rwv(a0, a1, a2, false, -1);
	case 20:	/* writev */
		return rwv(a0, a1, a2, true, -1);
	case 295:	/* preadv */
		return (int64_t)a3 < 0 ? -EINVAL : rwv(a0, a1, a2, false, a3);
	case 296:	/* pwritev */
		return (int64_t)a3 < 0 ? -EINVAL : rwv(a0, a1, a2, true, a3);
	case 21:	/* access */
		return do_access(AT_FDCWD, a0, a1);
	case 269:	/* faccessat */
	case 439:	/* faccessat2 */
		return do_access(a0, a1, a2);
	case 22:	/* pipe */
		return do_pipe(a0, 0);
	case 293:	/* pipe2 */
		return do_pipe(a0, a1);
	case 32:	/* dup */
		return do_dup(a0, 0, 0, false);
	case 33:	/* dup2 */
		if (a0 == a1)
			return get(a0) ? (long)a0 : -EBADF;
		return do_dup(a0, a1, 0, true);
	case 292:	/* dup3 */
		if (a2 & ~(uint64_t)O_CLOEXEC)
			return -EINVAL;
		return do_dup(a0, a1, a2, true);
	case 72:	/* fcntl */
		return do_fcntl(a0, a1, a2);
	case 73:	/* flock */
	case 74:	/* fsync */
	case 75:	/* fdatasync */
	case 221:	/* fadvise64 */
		return get(a0) ? 0 : -EBADF;
	case 76:	/* truncate */
		ret = do_open(AT_FDCWD, a0, O_WRONLY, 0);
		if (ret < 0)
			return ret;
		{
			long fd = ret;

			ret = do_ftruncate(fd, a1);
			do_close(fd);
		}
		return ret;
	case 77:	/* ftruncate */
		return do_ftruncate(a0, a1);
	case 40:	/* sendfile */
		return do_sendfile(a0, a1, a2, a3);
	case 217:	/* getdents64 */
		return do_getdents(a0, a1, a2);
	case 79:	/* getcwd */
		return do_getcwd(a0, a1);
	case 80:	/* chdir */
		return do_chdir(a0);
	case 82:	/* rename */
		return do_rename(AT_FDCWD, a0, AT_FDCWD, a1);
	case 264:	/* renameat */
		return do_rename(a0, a1, a2, a3);
	case 316:	/* renameat2 */
		return r->r8 ? -EINVAL : do_rename(a0, a1, a2, a3);
	case 83:	/* mkdir */
		return do_mkdir(AT_FDCWD, a0, a1);
	case 258:	/* mkdirat */
		return do_mkdir(a0, a1, a2);
	case 84:	/* rmdir */
		return do_unlink(AT_FDCWD, a0, AT_REMOVEDIR);
	case 87:	/* unlink */
		return do_unlink(AT_FDCWD, a0, 0);
	case 263:	/* unlinkat */
		if (a2 & ~(uint64_t)AT_REMOVEDIR)
			return -EINVAL;
		return do_unlink(a0, a1, a2);
	case 89:	/* readlink */
		return do_readlink(AT_FDCWD, a0, a1, a2);
	case 267:	/* readlinkat */
		return do_readlink(a0, a1, a2, a3);
	case 90:	/* chmod */
		return do_chmod(node_at(AT_FDCWD, a0, 0, false), a1);
	case 91:	/* fchmod */
		return do_chmod(node_at(a0, 0, 0, true), a1);
	case 268:	/* fchmodat */
		return do_chmod(node_at(a0, a1, a3, false), a2);
	case 92:	/* chown */
	case 94:	/* lchown */
		return do_chown(node_at(AT_FDCWD, a0, 0, false), a1, a2);
	case 93:	/* fchown */
		return do_chown(node_at(a0, 0, 0, true), a1, a2);
	case 260:	/* fchownat */
		return do_chown(node_at(a0, a1, r->r8, false), a2, a3);
	case 95:	/* umask */
		ret = umask_bits;
		umask_bits = a0 & 0777;
		return ret;
	}
	*handled = false;
	return -LX_NOSYS;
}
