/* docker/docker_self.c — find the container chela runs in and map its paths to the host's.
 * See docker.h. */
#include "docker/docker.h"
#include "util/fs.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define SELF_PROC_MAX (1024 * 1024) /* /proc/self/mountinfo of a busy host stays far below */

static int is_hex64(const char *p, const char *end)
{
	if (end - p < 64)
		return 0;
	for (int k = 0; k < 64; k++) {
		char c = p[k];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	/* exactly 64: the next byte must not be hex too */
	if (end - p > 64) {
		char c = p[64];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			return 0;
	}
	return 1;
}

/* see docker.h */
int docker_self_id_parse(const char *text, size_t len, char id[65])
{
	/* cgroup v1 ".../docker/<id>", systemd "docker-<id>.scope", mountinfo
	 * "/docker/containers/<id>/hostname" (cgroup v2, where /proc/self/cgroup says "0::/"). */
	static const char *const marks[] = { "/docker/containers/", "/docker/", "docker-", NULL };
	const char *end = text + len;

	for (int m = 0; marks[m]; m++) {
		size_t ml = strlen(marks[m]);
		const char *p = text;
		while (p < end) {
			const char *hit = memmem(p, (size_t)(end - p), marks[m], ml);
			if (hit == NULL)
				break;
			if (is_hex64(hit + ml, end)) {
				memcpy(id, hit + ml, 64);
				id[64] = '\0';
				return 0;
			}
			p = hit + 1;
		}
	}
	return -1;
}

/* see docker.h */
int docker_self_id(char id[65], char *err, size_t errlen)
{
	static const char *const files[] = { "/proc/self/cgroup", "/proc/self/mountinfo", NULL };
	char *text = NULL;
	size_t len = 0;

	for (int k = 0; files[k]; k++) {
		if (fs_read_file(files[k], SELF_PROC_MAX, &text, &len, NULL, 0) < 0)
			continue;
		if (docker_self_id_parse(text, len, id) == 0) {
			free(text);
			return 0;
		}
		FREE(text);
	}
	return err_set(err, errlen, "docker: not running inside a Docker container (no container id in "
		       "/proc/self/cgroup or /proc/self/mountinfo)");
}

/* see docker.h */
char *docker_mount_to_host(const struct docker_container *self, const char *path)
{
	const struct docker_mount_info *best = NULL;
	size_t best_len = 0;

	for (size_t k = 0; k < self->nmounts; k++) {
		const struct docker_mount_info *m = &self->mounts[k];
		size_t dl;
		if (m->destination == NULL || m->source == NULL || m->source[0] != '/')
			continue;
		dl = strlen(m->destination);
		while (dl > 1 && m->destination[dl - 1] == '/')
			dl--;
		if (strncmp(path, m->destination, dl) != 0 || (path[dl] != '/' && path[dl] != '\0' && dl != 1))
			continue;
		if (best == NULL || dl > best_len) {
			best = m;
			best_len = dl;
		}
	}
	if (best == NULL)
		return NULL;
	{
		const char *rest = path + (best_len == 1 ? 0 : best_len);
		size_t sl = strlen(best->source);
		char *out;
		while (sl > 1 && best->source[sl - 1] == '/')
			sl--;
		if (*rest == '/' && sl == 1)
			sl = 0; /* source "/" + "/x" */
		out = xmalloc(sl + strlen(rest) + 1);
		memcpy(out, best->source, sl);
		strcpy(out + sl, rest);
		return out;
	}
}
