/*
 * docker/docker.h — chela's Docker Engine API client (HTTP/1.1 over the engine's unix socket).
 *
 * Contract:
 * - One `struct docker` per engine, opened with docker_open(), which finds the socket
 *   (DOCKER_HOST=unix:///path, else /var/run/docker.sock; tcp:// is refused for now), pings it
 *   and negotiates the API version: min(engine, DOCKER_API_MAX), refused below DOCKER_API_MIN or
 *   the engine's MinAPIVersion. Every later call uses versioned paths (/v1.41/...).
 * - Each call opens its own connection (cheap on a unix socket; no shared state between calls,
 *   so concurrent calls from different threads on one `struct docker` are fine) and has a
 *   deadline: d->timeout_ms unless the call takes its own.
 * - Errors: 0 on success, -1 on failure with a sentence in err that names the method, path and
 *   status and quotes the engine's {"message":...}:
 *       docker: POST /containers/create: 409: Conflict. The container name "/x" is already in use
 *   Calls that look something up return DOCKER_NOT_FOUND (-2) on 404 so callers can tell "absent"
 *   from "failed" (err still says what was missing, e.g. `docker: image "x" not found`).
 * - Memory: strings passed in are borrowed for the call. Structs filled by the client own their
 *   strings; release them with the matching *_free() (which accept zeroed structs). Nothing the
 *   engine sends can crash the process: every response is capped (DOCKER_MAX_RESPONSE) and
 *   parsed leniently (unknown fields ignored, missing ones left empty).
 */
#ifndef CHELA_DOCKER_DOCKER_H
#define CHELA_DOCKER_DOCKER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define DOCKER_DEFAULT_SOCKET     "/var/run/docker.sock"
#define DOCKER_API_MIN            "1.41" /* Docker 20.10, Podman's compatible API */
#define DOCKER_API_MAX            "1.44" /* newest version whose semantics chela was written for */
#define DOCKER_DEFAULT_TIMEOUT_MS 30000  /* per API call */
#define DOCKER_MAX_RESPONSE       (8 * 1024 * 1024) /* any JSON answer (list, inspect, info) */
#define DOCKER_MAX_ERROR_BODY     (64 * 1024)
#define DOCKER_NOT_FOUND          (-2)

struct docker {
	char socket_path[108];
	char api_version[16];      /* negotiated, e.g. "1.41" */
	char engine_version[64];   /* /version Version, e.g. "20.10.24+dfsg1" */
	char engine_api[16];       /* the engine's own ApiVersion */
	char engine_min_api[16];   /* the engine's MinAPIVersion */
	int podman;                /* /version names "Podman Engine" in Components */
	int timeout_ms;            /* deadline for each call (DOCKER_DEFAULT_TIMEOUT_MS) */
};

/* host: NULL → $DOCKER_HOST → DOCKER_DEFAULT_SOCKET. Accepts "unix:///path" or a bare "/path". */
int docker_open(struct docker *d, const char *host, char *err, size_t errlen);
/* Resolve host as docker_open() does, without connecting (for `chela doctor`). */
int docker_host_socket(const char *host, char *path, size_t pathlen, char *err, size_t errlen);
/* GET /_ping (unversioned). On success *api_version (optional, 16 bytes) gets Api-Version. */
int docker_ping(struct docker *d, char *api_version, char *err, size_t errlen);

/* --- engine facts ------------------------------------------------------------------------- */
struct docker_info {
	char *server_version, *os, *kernel, *default_runtime, *cgroup_version;
	char **runtimes;           /* names under /info Runtimes, e.g. "runc", "runsc" */
	size_t nruntimes;
	char **security_options;   /* e.g. "name=seccomp,profile=default", "name=apparmor" */
	size_t nsecurity_options;
};
int docker_info_get(struct docker *d, struct docker_info *out, char *err, size_t errlen);
int docker_info_has_runtime(const struct docker_info *info, const char *name);
void docker_info_free(struct docker_info *info);

/* --- images ------------------------------------------------------------------------------- */
struct docker_image {
	char *id;        /* "sha256:..." */
	char *os, *arch;
	int64_t size;
};
/* 0, DOCKER_NOT_FOUND ("docker: image \"x\" not found"), or -1. out may be NULL. */
int docker_image_inspect(struct docker *d, const char *name, struct docker_image *out, char *err, size_t errlen);
void docker_image_free(struct docker_image *img);

/* --- containers --------------------------------------------------------------------------- */
struct docker_kv {
	const char *key, *value;
};
struct docker_bind {                 /* HostConfig.Mounts[] of Type "bind" */
	const char *source, *target;
	int readonly;
};
struct docker_tmpfs {                /* HostConfig.Tmpfs: path → options; options MUST hold size= */
	const char *path, *options;      /* e.g. "/tmp", "rw,nosuid,nodev,size=64m" */
};
struct docker_ulimit {
	const char *name;                /* "nofile", "nproc", ... */
	int64_t soft, hard;
};

/* Every list is NULL-terminated (char arrays) or counted (struct arrays); NULL/0 = not set.
 * Numbers <= 0 are "not set" (the engine default applies). */
struct docker_create_opts {
	const char *name;                /* container name (optional) */
	const char *image;               /* required */
	const char *const *cmd;
	const char *const *entrypoint;
	const char *const *env;          /* "K=V" */
	const char *workdir, *user, *hostname;
	const struct docker_kv *labels;
	size_t nlabels;
	int tty, open_stdin;
	const struct docker_bind *binds;
	size_t nbinds;
	const struct docker_tmpfs *tmpfs;
	size_t ntmpfs;
	const char *network_mode;        /* "none", "bridge", a network name */
	int readonly_rootfs;
	const char *const *cap_drop, *const *cap_add;
	const char *const *security_opt; /* "no-new-privileges", "seccomp=<json>", "apparmor=<profile>" */
	int64_t pids_limit, memory, memory_swap, nano_cpus;
	const struct docker_ulimit *ulimits;
	size_t nulimits;
	const char *runtime;             /* "runsc" for gVisor; must be listed by docker_info_get() */
	int init;                        /* run an init (tini) as PID 1 */
	const char *const *dns;
	const char *const *extra_hosts;  /* "name:ip" */
};

/* Builds the create body (exposed so it can be checked without an engine). Returns 0 / -1. */
int docker_create_body(const struct docker_create_opts *o, struct buf *out, char *err, size_t errlen);
/* POST /containers/create; id (65 bytes) gets the new container's full id. Engine warnings are
 * ignored. A missing image is DOCKER_NOT_FOUND with "docker: image \"x\" not found". */
int docker_container_create(struct docker *d, const struct docker_create_opts *o, char id[65], char *err,
			    size_t errlen);
/* 204 started, 304 already running: both 0. */
int docker_container_start(struct docker *d, const char *id, char *err, size_t errlen);
int docker_container_stop(struct docker *d, const char *id, int timeout_s, char *err, size_t errlen);
/* signal NULL → "KILL". Killing a container that is not running is an error (409). */
int docker_container_kill(struct docker *d, const char *id, const char *signal, char *err, size_t errlen);
/* DELETE ?force=&v=; DOCKER_NOT_FOUND when there is no such container. */
int docker_container_remove(struct docker *d, const char *id, int force, int volumes, char *err, size_t errlen);

struct docker_mount_info {           /* inspect Mounts[] */
	char *type, *source, *destination;
	int rw;
};
struct docker_label {
	char *key, *value;
};
struct docker_container {
	char *id, *name;                 /* name without the leading "/" */
	char *image;                     /* Config.Image (inspect) or Image (list) */
	char *state;                     /* "running", "exited", "created", ... */
	int running;
	int64_t pid;                     /* host pid of PID 1, 0 when not running */
	int exit_code;
	int64_t created_unix;            /* seconds; from list Created or inspect Created */
	char *started_at, *finished_at;  /* RFC 3339 strings as the engine sent them (inspect only) */
	char *runtime, *network_mode;    /* HostConfig (inspect only) */
	struct docker_label *labels;
	size_t nlabels;
	struct docker_mount_info *mounts;
	size_t nmounts;
};
/* GET /containers/{id}/json. 0, DOCKER_NOT_FOUND or -1. */
int docker_container_inspect(struct docker *d, const char *id, struct docker_container *out, char *err,
			     size_t errlen);
/* GET /containers/json?all=1&filters={"label":[...]}; labels: "k=v" or "k", NULL-terminated (all must
 * match). *out is an array of *n containers (list fields only: no pid/mount details beyond the
 * Mounts summary), freed with docker_container_list_free(). */
int docker_container_list(struct docker *d, const char *const *labels, struct docker_container **out, size_t *n,
			  char *err, size_t errlen);
const char *docker_container_label(const struct docker_container *c, const char *key);
void docker_container_free(struct docker_container *c);
void docker_container_list_free(struct docker_container *list, size_t n);

/* --- files -------------------------------------------------------------------------------- */
/* A minimal ustar writer for PUT archive: regular files and directories only. Names are relative
 * ("a/b.txt"), at most 255 bytes, no "..", split into prefix/name as ustar requires. */
struct docker_tar {
	struct buf out;
};
void docker_tar_init(struct docker_tar *t, size_t max_bytes);
int docker_tar_add_dir(struct docker_tar *t, const char *name, unsigned mode, unsigned uid, unsigned gid,
		       char *err, size_t errlen);
int docker_tar_add_file(struct docker_tar *t, const char *name, const void *data, size_t len, unsigned mode,
			unsigned uid, unsigned gid, char *err, size_t errlen);
/* Appends the two zero blocks; t->out then holds the archive. */
int docker_tar_finish(struct docker_tar *t, char *err, size_t errlen);
void docker_tar_free(struct docker_tar *t);
/* PUT /containers/{id}/archive?path=dir with a tar body. Note the engine refuses a read-only
 * root (403) unless dir is on a writable mount, and cannot write into tmpfs mounts. */
int docker_archive_put(struct docker *d, const char *id, const char *dir, const void *tar, size_t len, char *err,
		       size_t errlen);
/* GET /containers/{id}/archive?path=p into out (capped by out->max). DOCKER_NOT_FOUND if absent. */
int docker_archive_get(struct docker *d, const char *id, const char *path, struct buf *out, char *err,
		       size_t errlen);

/* --- exec --------------------------------------------------------------------------------- */
#define DOCKER_EXEC_DEFAULT_CAP     (256 * 1024) /* bytes kept per stream (half head, half tail) */
#define DOCKER_EXEC_KILL_GRACE_MS   3000         /* after the group kill, wait this long for EOF */
#define DOCKER_EXEC_MAX_STDIN       (64 * 1024 * 1024)
#define DOCKER_EXEC_ABORT_POLL_MS   100

struct docker_exec_opts {
	const char *const *cmd;          /* argv, required */
	const char *const *env;          /* "K=V"; the gateway's environment is never inherited */
	const char *workdir, *user;
	const char *stdin_data;          /* non-NULL → attach stdin, write it, then half-close */
	size_t stdin_len;
	int timeout_ms;                  /* wall clock; <= 0 → no deadline (not recommended) */
	size_t output_cap;               /* per stream; 0 → DOCKER_EXEC_DEFAULT_CAP */
	int no_group;                    /* run argv as-is: no setsid wrapper, so a timeout can only
					    kill the container. Needs no sh/setsid in the image. */
	const volatile int *abort;       /* polled every DOCKER_EXEC_ABORT_POLL_MS; non-zero ends the
					    command as a timeout would (group kill), with res->aborted */
	int reuse_shell;                 /* run it through a pooled shell when it can (see below) */
};

/* One captured stream: the first cap/2 and the last cap/2 bytes. When bytes were dropped, data
 * holds head + "\n[... N bytes dropped ...]\n" + tail; `dropped` is N and `total` counts all. */
struct docker_capture {
	char *data;
	size_t len;
	uint64_t total, dropped;
};

struct docker_exec_result {
	int exit_code;                   /* -1 when unknown (timed out and killed, engine gone) */
	int timed_out;
	int aborted;                     /* o->abort stopped it (timed_out stays 0) */
	int killed_container;            /* the group kill did not end it: the container was killed */
	int64_t duration_ms;
	struct docker_capture out, err;
	char note[160];                  /* "" or e.g. "timed out after 2 s; process group 42 killed" */
};

/*
 * Runs a command in a running container and waits for it (create → start with the hijacked
 * stream → exec inspect). Unless no_group, argv runs as
 *     sh -c '<launcher>' sh argv...
 * where the launcher starts `setsid sh -c 'report $$ on stderr; cd; exec "$@"'` in the background
 * and waits for it: the command leads its own process group, whose id arrives as the first
 * stderr line (stripped from the capture). At the deadline a second exec, as the same user,
 * runs `kill -KILL -<pgid>`; if the stream does not end within DOCKER_EXEC_KILL_GRACE_MS the
 * container is killed. Works with busybox sh and dash; the image needs sh and setsid.
 * Returns 0 when the command ran (whatever its exit code, timed out or not); -1 when it could
 * not be run or the engine went away (err says which), with `res` still holding what arrived.
 */
int docker_exec_run(struct docker *d, const char *container, const struct docker_exec_opts *o,
		    struct docker_exec_result *res, char *err, size_t errlen);
void docker_exec_result_free(struct docker_exec_result *res);

/*
 * Warm exec (docker_shell.c). With reuse_shell the command goes, when it can, through a
 * long-lived `sh` exec'd once per (engine socket, container, user) and kept in a process-wide
 * pool, instead of an exec create + start + inspect of its own — which is where most of an
 * exec's time goes (the engine spawns a runtime process per exec). Same launcher, same result,
 * same deadline and kill escalation; what differs:
 * - the exit code comes from the shell (an end marker per stream carrying a random nonce), not
 *   from exec inspect. A command that leaves processes running in its group retires its shell
 *   (they hold its output; once it is closed they lose their reader), so nothing they write can
 *   be taken for a later command's output — background work belongs to the process tool;
 * - env entries must be NAME=value with a shell-safe NAME, the request line at most
 *   DOCKER_SHELL_MAX_LINE bytes, and stdin needs `head -c` in the image; anything else (and
 *   no_group) runs as its own exec, as does everything when the shell cannot be started.
 * A shell is used by one command at a time; idle ones (at most DOCKER_SHELL_POOL_MAX, for at
 * most DOCKER_SHELL_IDLE_MS) wait in the pool, and one whose stream ended (container stopped or
 * removed, engine restarted) or that got output while idle is dropped when next looked at. The
 * shell only runs request lines that start with a per-shell random token sent over its stdin,
 * so bytes meant for a command's stdin can never be taken for a request.
 */
#define DOCKER_SHELL_POOL_MAX 32
#define DOCKER_SHELL_IDLE_MS  (10 * 60 * 1000)
#define DOCKER_SHELL_MAX_LINE (16 * 1024)
/* Close every idle shell (their sh processes exit on end of stdin). Thread-safe. */
void docker_shell_pool_close(void);
/* How many shells are idle in the pool (for tests). */
size_t docker_shell_pool_idle(void);

/*
 * The stream demultiplexer for non-TTY exec/attach streams, a pure parser: frames of an 8-byte
 * header (type: 0 stdin, 1 stdout, 2 stderr, 3 system error; three zero bytes; big-endian
 * payload length) then the payload. Feed any slicing of the stream; each payload piece is handed
 * to `fn` as it arrives (a frame may arrive in many pieces). Returns 0, or -1 on a malformed
 * header (sticky; err says where).
 */
typedef int (*docker_demux_fn)(void *ctx, int stream, const char *data, size_t len);
struct docker_demux {
	unsigned char hdr[8];
	size_t hdr_len;
	int stream;
	uint32_t remaining;
	uint64_t offset;                 /* stream bytes consumed, for error messages */
	int failed;
};
void docker_demux_init(struct docker_demux *m);
int docker_demux_feed(struct docker_demux *m, const char *data, size_t len, docker_demux_fn fn, void *ctx,
		      char *err, size_t errlen);
/* End of stream: -1 when it ended inside a frame. */
int docker_demux_finish(struct docker_demux *m, char *err, size_t errlen);

/* --- finding our own container -------------------------------------------------------------- */
/* Our container id from /proc/self/cgroup (v1 "/docker/<id>") or /proc/self/mountinfo (v2
 * "/docker/containers/<id>/"). Returns 0 with id (65 bytes) filled, or -1 when not in a container. */
int docker_self_id(char id[65], char *err, size_t errlen);
/* The pure part: scan text (cgroup or mountinfo content) for a 64-hex container id. */
int docker_self_id_parse(const char *text, size_t len, char id[65]);
/* Map a path inside our container to the host path via inspect Mounts[] (longest Destination
 * prefix wins). Returns a new string, or NULL when no mount covers the path. */
char *docker_mount_to_host(const struct docker_container *self, const char *path);

#endif
