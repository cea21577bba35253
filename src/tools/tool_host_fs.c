/*
 * tools/tool_host_fs.c — the host backend's file operations, rooted in the workspace.
 *
 * Every open goes through host_open_beneath(): openat2(2) with RESOLVE_BENEATH (no "..",
 * absolute or symlink escape, checked by the kernel at each step) and RESOLVE_NO_MAGICLINKS
 * (no /proc/self/root style jumps). Kernels without openat2 get a component-wise walk that
 * refuses every symlink (O_NOFOLLOW on each step) — stricter, never looser.
 */
#include "tools/tool_host.h"

#include "util/err.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08
#endif

struct host_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

/* Set once openat2 answered ENOSYS, so we stop asking. */
static int no_openat2;

/* The fallback: walk each component with O_NOFOLLOW, so no symlink is ever followed. */
static int walk_nofollow(int rootfd, const char *rel, int flags, mode_t mode)
{
	char comp[256];
	const char *p = rel, *slash;
	int cur = dup(rootfd), next;
	size_t n;

	if (cur < 0)
		return -1;
	for (;;) {
		while (*p == '/')
			p++;
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n >= sizeof comp || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(cur);
			errno = n >= sizeof comp ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		while (slash && slash[1] == '/')
			slash++;
		if (!slash || !slash[1]) {
			next = openat(cur, n ? comp : ".", flags | O_NOFOLLOW | O_CLOEXEC, mode);
			close(cur);
			return next;
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		if (next < 0)
			return -1;
		cur = next;
		p = slash + 1;
	}
}

int host_open_beneath(int rootfd, const char *rel, int flags, mode_t mode)
{
	struct host_open_how how;
	long fd;

	if (!no_openat2) {
		memset(&how, 0, sizeof how);
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.mode = (flags & O_CREAT) ? mode : 0;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		no_openat2 = 1;
	}
	return walk_nofollow(rootfd, rel, flags, mode);
}

/* A sentence for an open failure; escapes get their own wording. */
static int open_error(const char *rel, const char *what, char *err, size_t errlen)
{
	int e = errno;

	if (e == EXDEV || e == ELOOP)
		return err_set(err, errlen, "%s '%s': refused: the path leaves the workspace (through a symlink or ..)",
			       what, rel);
	if (e == ENOENT)
		return err_set(err, errlen, "%s '%s': no such file or directory", what, rel);
	if (e == ENOTDIR)
		return err_set(err, errlen, "%s '%s': a parent is not a directory", what, rel);
	return err_set(err, errlen, "%s '%s': %s", what, rel, strerror(e));
}

int host_read(struct tool_backend *be, const char *rel, size_t max, char **data, size_t *len, char *err,
	      size_t errlen)
{
	struct host_priv *h = be->priv;
	struct stat st;
	char *b = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	*data = NULL;
	*len = 0;
	fd = host_open_beneath(h->rootfd, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0) {
		if (errno == ENOENT) {
			err_set(err, errlen, "'%s': no such file", rel);
			return TOOL_ENOENT;
		}
		return open_error(rel, "open", err, errlen);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return err_set(err, errlen, "'%s' is a directory, not a file", rel);
		return err_set(err, errlen, "'%s' is not a regular file", rel);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return err_set(err, errlen, "'%s' is %lld bytes, over the %zu-byte limit", rel, (long long)st.st_size, max);
	}
	b = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = read(fd, b + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	b[got] = '\0';
	*data = b;
	*len = got;
	return 0;
}

/* Open (creating as needed) the parent directory of rel, beneath the root. */
static int open_parent(struct host_priv *h, const char *rel, char *base, size_t baselen, char *err, size_t errlen)
{
	char prefix[TOOLS_PATH_MAX];
	const char *slash = strrchr(rel, '/'), *p;
	int fd;

	snprintf(base, baselen, "%s", slash ? slash + 1 : rel);
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		err_set(err, errlen, "'%s' does not name a file", rel);
		return -1;
	}
	if (!slash)
		return host_open_beneath(h->rootfd, ".", O_PATH | O_DIRECTORY, 0);
	/* mkdir -p, one component at a time, each parent opened beneath the root. */
	for (p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		const char *comp;
		int pfd;
		size_t plen = (size_t)(p - rel);

		memcpy(prefix, rel, plen);
		prefix[plen] = '\0';
		comp = strrchr(prefix, '/');
		if (comp) {
			prefix[comp - prefix] = '\0';
			pfd = host_open_beneath(h->rootfd, prefix, O_PATH | O_DIRECTORY, 0);
			prefix[comp - prefix] = '/';
			comp++;
		} else {
			pfd = host_open_beneath(h->rootfd, ".", O_PATH | O_DIRECTORY, 0);
			comp = prefix;
		}
		if (pfd < 0) {
			open_error(prefix, "mkdir", err, errlen);
			return -1;
		}
		if (mkdirat(pfd, comp, 0755) < 0 && errno != EEXIST) {
			err_set(err, errlen, "mkdir '%s': %s", prefix, strerror(errno));
			close(pfd);
			return -1;
		}
		close(pfd);
	}
	memcpy(prefix, rel, (size_t)(slash - rel));
	prefix[slash - rel] = '\0';
	fd = host_open_beneath(h->rootfd, prefix, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		open_error(prefix, "open directory", err, errlen);
	return fd;
}

int host_write(struct tool_backend *be, const char *rel, const void *data, size_t len, char *err, size_t errlen)
{
	struct host_priv *h = be->priv;
	char base[256], tmp[300], rnd[8], hex[17];
	const char *p = data;
	struct stat st;
	mode_t mode = 0644;
	int dfd, fd = -1;
	size_t done = 0;
	ssize_t w;

	dfd = open_parent(h, rel, base, sizeof base, err, errlen);
	if (dfd < 0)
		return -1;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(dfd);
			return err_set(err, errlen, "'%s' is a directory, not a file", rel);
		}
		if (S_ISREG(st.st_mode))
			mode = st.st_mode & 07777;
	}
	/* Write a temp file beside the target and rename it over: readers see old or new, never half. */
	hash_random_bytes(rnd, sizeof rnd);
	str_hex((unsigned char *)rnd, sizeof rnd, hex);
	snprintf(tmp, sizeof tmp, ".%.200s.chela-%s", base, hex);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		err_set(err, errlen, "write '%s': %s", rel, strerror(errno));
		goto fail;
	}
	while (done < len) {
		w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(err, errlen, "write '%s': %s", rel, strerror(errno));
			goto fail;
		}
		done += (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err_set(err, errlen, "write '%s': %s", rel, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, base) < 0) {
		err_set(err, errlen, "write '%s': rename: %s", rel, strerror(errno));
		goto fail;
	}
	close(dfd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}

int host_remove(struct tool_backend *be, const char *rel, char *err, size_t errlen)
{
	struct host_priv *h = be->priv;
	const char *slash = strrchr(rel, '/');
	char dir[TOOLS_PATH_MAX];
	struct stat st;
	int dfd, rc = 0;

	if (slash) {
		memcpy(dir, rel, (size_t)(slash - rel));
		dir[slash - rel] = '\0';
	} else {
		snprintf(dir, sizeof dir, ".");
	}
	dfd = host_open_beneath(h->rootfd, dir, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0) {
		if (errno == ENOENT) {
			err_set(err, errlen, "'%s': no such file", rel);
			return TOOL_ENOENT;
		}
		return open_error(dir, "open directory", err, errlen);
	}
	slash = slash ? slash + 1 : rel;
	if (fstatat(dfd, slash, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		err_set(err, errlen, "'%s': no such file", rel);
		rc = TOOL_ENOENT;
	} else if (S_ISDIR(st.st_mode)) {
		rc = err_set(err, errlen, "'%s' is a directory, not a file", rel);
	} else if (unlinkat(dfd, slash, 0) < 0) {
		rc = err_set(err, errlen, "remove '%s': %s", rel, strerror(errno));
	}
	close(dfd);
	return rc;
}
