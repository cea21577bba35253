/* docker/docker_archive.c — a minimal ustar writer and the container archive endpoints.
 * See docker.h. The tar format is POSIX.1-1988 ustar (POSIX pax "ustar Interchange Format"). */
#include "docker/docker_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define TAR_BLOCK     512
#define TAR_NAME_MAX  100
#define TAR_PREFIX_MAX 155
#define TAR_SIZE_MAX  077777777777ULL /* 11 octal digits */

void docker_tar_init(struct docker_tar *t, size_t max_bytes)
{
	buf_init(&t->out, max_bytes);
}

void docker_tar_free(struct docker_tar *t)
{
	buf_free(&t->out);
}

/* Relative, no empty, "." or ".." component: an archive must not write outside its target. */
static int tar_name_ok(const char *name)
{
	const char *p = name, *end = name + strlen(name), *e;

	if (p == end || *p == '/' || strstr(name, "//") != NULL)
		return 0;
	if (end[-1] == '/')
		end--;
	while (p < end) {
		size_t n;
		e = memchr(p, '/', (size_t)(end - p));
		if (e == NULL)
			e = end;
		n = (size_t)(e - p);
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p = e + 1;
	}
	return 1;
}

static void octal(char *field, size_t width, unsigned long long v)
{
	/* width-1 digits, zero-padded, then NUL; callers keep v within range */
	field[width - 1] = '\0';
	for (size_t k = width - 1; k > 0; k--) {
		field[k - 1] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static int tar_header(struct docker_tar *t, const char *name, int is_dir, size_t size, unsigned mode, unsigned uid,
		      unsigned gid, char *err, size_t errlen)
{
	unsigned char h[TAR_BLOCK];
	char full[TAR_NAME_MAX + TAR_PREFIX_MAX + 3];
	size_t len = strlen(name), split = 0, k;
	unsigned sum = 0;

	if (!tar_name_ok(name))
		return err_set(err, errlen, "docker: tar: refusing entry name \"%.100s\" (must be relative, without "
			       "'.' or '..' parts)", name);
	if (len + (is_dir ? 1 : 0) > TAR_NAME_MAX + TAR_PREFIX_MAX + 1)
		return err_set(err, errlen, "docker: tar: entry name \"%.60s...\" longer than 255 bytes", name);
	if (uid > 07777777 || gid > 07777777)
		return err_set(err, errlen, "docker: tar: %s: uid/gid too large for ustar", name);
	if ((unsigned long long)size > TAR_SIZE_MAX)
		return err_set(err, errlen, "docker: tar: %s is too large for ustar", name);
	snprintf(full, sizeof full, "%s%s", name, is_dir && name[len - 1] != '/' ? "/" : "");
	len = strlen(full);
	memset(h, 0, sizeof h);
	if (len > TAR_NAME_MAX) {
		/* split at a '/' so that prefix <= 155 and name <= 100 */
		for (k = len - 1; k > 0; k--)
			if (full[k] == '/' && k <= TAR_PREFIX_MAX && len - k - 1 <= TAR_NAME_MAX && k != len - 1) {
				split = k;
				break;
			}
		if (split == 0)
			return err_set(err, errlen, "docker: tar: cannot split entry name \"%.60s...\" for ustar", name);
		memcpy(h + 345, full, split);
		memcpy(h, full + split + 1, len - split - 1);
	} else {
		memcpy(h, full, len);
	}
	octal((char *)h + 100, 8, mode & 07777);
	octal((char *)h + 108, 8, uid);
	octal((char *)h + 116, 8, gid);
	octal((char *)h + 124, 12, is_dir ? 0 : size);
	octal((char *)h + 136, 12, (unsigned long long)time(NULL));
	h[156] = is_dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (k = 0; k < TAR_BLOCK; k++)
		sum += h[k];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	if (buf_append(&t->out, h, TAR_BLOCK) < 0)
		return err_set(err, errlen, "docker: tar: archive larger than %zu bytes", t->out.max);
	return 0;
}

/* see docker.h */
int docker_tar_add_dir(struct docker_tar *t, const char *name, unsigned mode, unsigned uid, unsigned gid,
		       char *err, size_t errlen)
{
	return tar_header(t, name, 1, 0, mode, uid, gid, err, errlen);
}

/* see docker.h */
int docker_tar_add_file(struct docker_tar *t, const char *name, const void *data, size_t len, unsigned mode,
			unsigned uid, unsigned gid, char *err, size_t errlen)
{
	static const char zero[TAR_BLOCK];
	size_t pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;

	if (name[0] && name[strlen(name) - 1] == '/')
		return err_set(err, errlen, "docker: tar: file name \"%.100s\" ends in '/'", name);
	if (tar_header(t, name, 0, len, mode, uid, gid, err, errlen) < 0)
		return -1;
	if (buf_append(&t->out, data, len) < 0 || buf_append(&t->out, zero, pad) < 0)
		return err_set(err, errlen, "docker: tar: archive larger than %zu bytes", t->out.max);
	return 0;
}

/* see docker.h */
int docker_tar_finish(struct docker_tar *t, char *err, size_t errlen)
{
	static const char zero[2 * TAR_BLOCK];

	if (buf_append(&t->out, zero, sizeof zero) < 0)
		return err_set(err, errlen, "docker: tar: archive larger than %zu bytes", t->out.max);
	return 0;
}

static void archive_path(struct buf *path, const char *id, const char *p)
{
	buf_puts(path, "/containers/");
	docker_url_escape(path, id);
	buf_puts(path, "/archive?path=");
	docker_url_escape(path, p);
}

/* see docker.h */
int docker_archive_put(struct docker *d, const char *id, const char *dir, const void *tar, size_t len, char *err,
		       size_t errlen)
{
	struct buf path;
	struct http_resp r;
	int rc = -1;

	memset(&r, 0, sizeof r);
	buf_init(&path, 8192);
	archive_path(&path, id, dir);
	if (docker_call(d, "PUT", path.data, 1, "application/x-tar", tar, len, DOCKER_MAX_ERROR_BODY, &r, err,
			errlen) < 0)
		goto out;
	if (r.status != 200) {
		rc = docker_status_error(&r, "PUT", path.data, err, errlen);
		goto out;
	}
	rc = 0;
out:
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}

/* see docker.h */
int docker_archive_get(struct docker *d, const char *id, const char *p, struct buf *out, char *err, size_t errlen)
{
	struct buf path;
	struct http_resp r;
	int rc = -1;

	memset(&r, 0, sizeof r);
	buf_init(&path, 8192);
	archive_path(&path, id, p);
	if (docker_call(d, "GET", path.data, 1, NULL, NULL, 0, out->max, &r, err, errlen) < 0)
		goto out;
	if (r.status != 200) {
		rc = docker_status_error(&r, "GET", path.data, err, errlen);
		goto out;
	}
	if (buf_append(out, r.body.data ? r.body.data : "", r.body.len) < 0) {
		err_set(err, errlen, "docker: GET archive %s: larger than %zu bytes", p, out->max);
		goto out;
	}
	rc = 0;
out:
	http_resp_free(&r);
	buf_free(&path);
	return rc;
}
