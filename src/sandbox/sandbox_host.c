/* sandbox/sandbox_host.c — see sandbox_host.h */
#include "sandbox/sandbox_host.h"
#include "sandbox/sandbox_binds.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOST_PROC_FILE_MAX (1024 * 1024)

static int hex_run(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Find "<before><64 hex><after>" in s (after may be "" meaning end of s or any non-hex). */
static int find_id(const char *s, size_t len, const char *before, const char *after, char *id)
{
	size_t bl = strlen(before), al = strlen(after), i;

	for (i = 0; i + bl + SANDBOX_HOST_ID_HEX <= len; i++) {
		const char *h = s + i + bl;
		size_t rest = len - i - bl - SANDBOX_HOST_ID_HEX;

		if (memcmp(s + i, before, bl) != 0 || !hex_run(h, SANDBOX_HOST_ID_HEX))
			continue;
		if (al ? (rest >= al && memcmp(h + SANDBOX_HOST_ID_HEX, after, al) == 0)
		       : (rest == 0 || !isxdigit((unsigned char)h[SANDBOX_HOST_ID_HEX]))) {
			memcpy(id, h, SANDBOX_HOST_ID_HEX);
			id[SANDBOX_HOST_ID_HEX] = '\0';
			return 0;
		}
	}
	return -1;
}

/*
 * mountinfo: "id parent maj:min root mountpoint opts ...". Only the files Docker and Podman bind
 * into every container count (/etc/hostname, /etc/hosts, /etc/resolv.conf), because the host's
 * own mountinfo also lists /var/lib/docker/containers/<id>/mounts/shm for every container.
 */
static int mountinfo_line(const char *line, size_t len, char *id)
{
	static const char *const points[] = {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf", NULL};
	const char *f[5];
	size_t fl[5];
	size_t i = 0, n = 0;
	int k;

	while (n < 5 && i < len) {
		while (i < len && line[i] == ' ')
			i++;
		f[n] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	if (n < 5)
		return -1;
	for (k = 0; points[k]; k++)
		if (fl[4] == strlen(points[k]) && memcmp(f[4], points[k], fl[4]) == 0)
			break;
	if (points[k] == NULL)
		return -1;
	return find_id(f[3], fl[3], "containers/", "/", id);
}

/* cgroup v1: "N:ctrl:/docker/<id>", systemd driver "…/docker-<id>.scope", podman "libpod-<id>". */
static int cgroup_line(const char *line, size_t len, char *id)
{
	const char *path = memchr(line, ':', len);

	if (path == NULL || (path = memchr(path + 1, ':', len - (size_t)(path + 1 - line))) == NULL)
		return -1;
	path++;
	len -= (size_t)(path - line);
	if (find_id(path, len, "/docker/", "", id) == 0 || find_id(path, len, "/docker-", ".scope", id) == 0 ||
	    find_id(path, len, "/libpod-", "", id) == 0)
		return 0;
	return -1;
}

int sandbox_host_id_from_text(const char *text, size_t len, char id[SANDBOX_HOST_ID_HEX + 1])
{
	size_t i = 0;

	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		if (memchr(line, ' ', ll) ? mountinfo_line(line, ll, id) == 0 : cgroup_line(line, ll, id) == 0)
			return 0;
		i += ll + 1;
	}
	return -1;
}

static int id_from_file(const char *proc_dir, const char *name, char *id)
{
	char path[512], *data = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof path, "%s/%s", proc_dir, name);
	if (fs_read_file(path, HOST_PROC_FILE_MAX, &data, &len, NULL, 0) < 0)
		return -1;
	rc = sandbox_host_id_from_text(data, len, id);
	free(data);
	return rc;
}

void sandbox_host_mount_add(struct sandbox_host *h, const char *destination, const char *source)
{
	h->mounts = xrealloc(h->mounts, (h->nmounts + 1) * sizeof *h->mounts);
	h->mounts[h->nmounts].destination = xstrdup(destination);
	h->mounts[h->nmounts].source = xstrdup(source);
	h->nmounts++;
}

int sandbox_host_detect(struct docker *d, const char *proc_dir, struct sandbox_host *h, char *err, size_t errlen)
{
	struct docker_container self;
	char candidate[SANDBOX_HOST_ID_HEX + 1] = "", host[256];
	size_t i;
	int rc;

	memset(h, 0, sizeof *h);
	memset(&self, 0, sizeof self);
	if (id_from_file(proc_dir, "cgroup", candidate) == 0)
		snprintf(h->how, sizeof h->how, "cgroup");
	else if (id_from_file(proc_dir, "mountinfo", candidate) == 0)
		snprintf(h->how, sizeof h->how, "mountinfo");
	else if ((fs_exists("/.dockerenv") || fs_exists("/run/.containerenv")) && gethostname(host, sizeof host) == 0 &&
		 strlen(host) == 12 && hex_run(host, 12)) {
		memcpy(candidate, host, 13);
		snprintf(h->how, sizeof h->how, "hostname");
	} else {
		return 0; /* on the host: paths need no translation */
	}
	rc = docker_container_inspect(d, candidate, &self, err, errlen);
	if (rc != 0) {
		if (rc == DOCKER_NOT_FOUND)
			err_set(err, errlen, "sandbox: chela runs in container %.12s (found via %s) but the engine does "
				"not know it: is the mounted socket another engine's?", candidate, h->how);
		else
			err_prefix(err, errlen, "sandbox: inspecting chela's own container %.12s", candidate);
		docker_container_free(&self);
		return -1;
	}
	h->in_container = 1;
	snprintf(h->id, sizeof h->id, "%s", self.id ? self.id : candidate);
	for (i = 0; i < self.nmounts; i++)
		if (self.mounts[i].destination && self.mounts[i].source && *self.mounts[i].source)
			sandbox_host_mount_add(h, self.mounts[i].destination, self.mounts[i].source);
	docker_container_free(&self);
	return 0;
}

char *sandbox_host_path(const struct sandbox_host *h, const char *path, char *err, size_t errlen)
{
	const struct sandbox_host_mount *best = NULL;
	size_t i, bl = 0;

	if (!h->in_container)
		return xstrdup(path);
	for (i = 0; i < h->nmounts; i++) {
		size_t dl = strlen(h->mounts[i].destination);

		if (sandbox_path_within(path, h->mounts[i].destination) && (best == NULL || dl > bl)) {
			best = &h->mounts[i];
			bl = dl;
		}
	}
	if (best == NULL) {
		err_set(err, errlen, "sandbox: %s is inside chela's own container (%.12s), not on a mount, so a "
			"sandbox container cannot see it; mount it from the host (docker run -v /host/dir:%s)",
			path, h->id, path);
		return NULL;
	}
	if (strcmp(best->destination, "/") == 0)
		return fs_path_join(best->source, path);
	return path[bl] ? fs_path_join(best->source, path + bl) : xstrdup(best->source);
}

void sandbox_host_free(struct sandbox_host *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nmounts; i++) {
		free(h->mounts[i].destination);
		free(h->mounts[i].source);
	}
	free(h->mounts);
	memset(h, 0, sizeof *h);
}
