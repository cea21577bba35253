/* util/fs.c — see fs.h */
#include "util/fs.h"
#include "util/err.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_read_file(const char *path, size_t max, char **out, size_t *outlen, char *err, size_t errlen)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, errlen, "%s: not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return err_set(err, errlen, "%s: %lld bytes is over the %zu-byte limit", path,
			       (long long)st.st_size, max);
	}
	data = xmalloc(max + 1 < (size_t)st.st_size + 1 ? max + 1 : (size_t)st.st_size + 1);
	while (len < (size_t)st.st_size && (n = read(fd, data + len, (size_t)st.st_size - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(data);
			close(fd);
			return err_set(err, errlen, "%s: read: %s", path, strerror(errno));
		}
		len += (size_t)n;
	}
	close(fd);
	data[len] = '\0';
	*out = data;
	if (outlen)
		*outlen = len;
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, char *err, size_t errlen)
{
	return fs_write_replace(path, data, len, mode, 1, err, errlen);
}

int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode, int durable, char *err,
		     size_t errlen)
{
	char tmp[4096], dir[4096];
	const char *p = data;
	int fd, dfd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return err_set(err, errlen, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return err_set(err, errlen, "%s: %s", tmp, strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(err, errlen, "%s: write: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if ((durable && fsync(fd) < 0) || close(fd) < 0) {
		unlink(tmp);
		return err_set(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return err_set(err, errlen, "%s: rename: %s", path, strerror(errno));
	}
	if (!durable)
		return 0;
	snprintf(dir, sizeof dir, "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

int fs_mkdir_p(const char *path, mode_t mode, char *err, size_t errlen)
{
	char tmp[4096];
	char *p;

	if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
		return err_set(err, errlen, "%s: path too long", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return err_set(err, errlen, "mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return err_set(err, errlen, "mkdir %s: %s", tmp, strerror(errno));
	if (!fs_is_dir(tmp))
		return err_set(err, errlen, "%s exists and is not a directory", tmp);
	return 0;
}

int fs_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *fs_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *out;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	out = xmalloc(la + strlen(b) + 2);
	memcpy(out, a, la);
	if (la == 0 || a[la - 1] != '/')
		out[la++] = '/';
	strcpy(out + la, b);
	return out;
}

char *fs_expand_home(const char *path)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return xstrdup(path);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	return path[1] ? fs_path_join(home, path + 2) : xstrdup(home);
}

char *fs_absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/')
		return xstrdup(path);
	if (getcwd(cwd, sizeof cwd) == NULL)
		snprintf(cwd, sizeof cwd, "/");
	return strcmp(path, ".") == 0 ? xstrdup(cwd) : fs_path_join(cwd, path);
}
