/*
 * sandbox/sandbox_host.h — chela running inside a container: find that container and map paths
 * chela sees to the host paths the engine needs for sibling containers' bind mounts.
 *
 * Contract:
 *   - sandbox_host_detect() looks for our own container id in /proc/self/cgroup (cgroup v1
 *     ".../docker/<64 hex>" or "docker-<64 hex>.scope"), then /proc/self/mountinfo (cgroup v2:
 *     "/docker/containers/<64 hex>/"), then the hostname (Docker's default is the 12-hex short
 *     id), and inspects it through the engine. Not being in a container is not an error
 *     (h->in_container = 0); being in one the engine does not know is (-1, err says why).
 *   - sandbox_host_path() maps a path through our container's Mounts[] (longest Destination
 *     wins). Outside a container it is the identity. A path on no mount lives in our own
 *     container layer, which a sibling cannot see: -1 with a message saying what to mount.
 *   - sandbox_host_id_from_text() is the pure parser behind the detection (tests feed samples).
 *   - The struct owns its memory (sandbox_host_free(), accepts a zeroed struct).
 */
#ifndef CHELA_SANDBOX_SANDBOX_HOST_H
#define CHELA_SANDBOX_SANDBOX_HOST_H

#include "docker/docker.h"

#include <stddef.h>

#define SANDBOX_HOST_ID_HEX 64

struct sandbox_host_mount {
	char *destination; /* inside our container */
	char *source;      /* on the host */
};

struct sandbox_host {
	int in_container;
	char id[SANDBOX_HOST_ID_HEX + 1];
	char how[32]; /* "cgroup", "mountinfo" or "hostname" */
	struct sandbox_host_mount *mounts;
	size_t nmounts;
};

/*
 * Scan /proc/self/cgroup or /proc/self/mountinfo text for our container id. Returns 0 with id
 * filled (65 bytes), -1 when the text names no container.
 */
int sandbox_host_id_from_text(const char *text, size_t len, char id[SANDBOX_HOST_ID_HEX + 1]);

/* proc_dir: normally "/proc/self" (tests point it at sample files). */
int sandbox_host_detect(struct docker *d, const char *proc_dir, struct sandbox_host *h, char *err, size_t errlen);

/* Pure: add one Destination → Source pair (detect fills these from inspect). */
void sandbox_host_mount_add(struct sandbox_host *h, const char *destination, const char *source);

/* A new string with the host path (caller frees), or NULL with err filled. */
char *sandbox_host_path(const struct sandbox_host *h, const char *path, char *err, size_t errlen);

void sandbox_host_free(struct sandbox_host *h);

#endif
