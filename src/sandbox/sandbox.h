/*
 * sandbox/sandbox.h — the sandbox decisions of SPEC.md "Sandbox semantics", with no Docker I/O.
 *
 * Contract:
 *   - sandbox_decide() answers "does this session run its tools in a container, and why" from
 *     the agent's mode and the session's key; the reason is a sentence a user can read.
 *   - sandbox_scope_key() / sandbox_slug() / sandbox_container_name() name the container a
 *     session uses: one per session key, per agent ("agent:<id>") or one "shared".
 *   - sandbox_spec_build() resolves everything that shapes that container (image, hardening,
 *     workspace mounts for none/ro/rw, validated binds, env, limits) into a struct sandbox_spec
 *     and its config hash. It reads the file system only to resolve bind sources (realpath) and
 *     never talks to Docker, so `sandbox explain` and the manager agree on one description.
 *   - A spec owns its memory (sandbox_spec_free(), which accepts a zeroed spec); it borrows the
 *     agent's struct config_docker, which must outlive it.
 *   - Fallible functions return 0 / -1 and write a sentence into (err, errlen) (util/err.h);
 *     bind refusals start "sandbox security:" (sandbox_binds.h).
 */
#ifndef CHELA_SANDBOX_SANDBOX_H
#define CHELA_SANDBOX_SANDBOX_H

#include "config/config.h"
#include "util/hash.h"
#include "util/limits.h"

#include <stddef.h>

#define SANDBOX_REASON_MAX       320
#define SANDBOX_SCOPE_SHARED_KEY "shared"
#define SANDBOX_WORKSPACE_TARGET "/workspace"
#define SANDBOX_AGENT_TARGET     "/agent"
#define SANDBOX_TMPFS_DEFAULT_SIZE "64m" /* Docker gives a size-less tmpfs half the RAM */
#define SANDBOX_NAME_MAX         63      /* Docker accepts more; hostnames and our SPEC do not */
#define SANDBOX_SLUG_HASH_HEX    8

/* Files copied from the agent workspace into a workspace_access=none sandbox workspace. */
extern const char *const sandbox_seed_files[];
#define SANDBOX_SKILLS_DIR "skills"

struct sandbox_decision {
	int sandboxed;
	int is_main;
	enum sandbox_mode mode;
	char reason[SANDBOX_REASON_MAX];
};

/* Is session_key the agent's main session ("agent:<agent_id>:<main_key>", case-insensitive)? */
int sandbox_session_is_main(const char *session_key, const char *agent_id, const char *main_key);

/*
 * Turn what a user typed into a full session key: "agent:..." is kept, anything else is taken
 * as a key below the agent ("main" → "agent:<id>:main"). Writes out; -1 when it does not fit.
 */
int sandbox_session_key_normalize(const char *agent_id, const char *key, char *out, size_t outlen);

/* The agent id inside "agent:<id>:rest" into out; -1 when the key has no agent part. */
int sandbox_session_key_agent(const char *session_key, char *out, size_t outlen);

void sandbox_decide(enum sandbox_mode mode, const char *agent_id, const char *main_key, const char *session_key,
		    struct sandbox_decision *out);

/* session → the session key; agent → "agent:<id>"; shared → "shared". -1 when it does not fit. */
int sandbox_scope_key(enum sandbox_scope scope, const char *agent_id, const char *session_key, char *out,
		      size_t outlen);

/*
 * SPEC slug: key lowercased, anything but [a-z0-9] becomes '-', cut to `keep` chars (at most
 * SANDBOX_SLUG_PREFIX_MAX), then '-' and the first 8 hex of sha256(key). out must hold
 * SANDBOX_SLUG_MAX + 1 bytes.
 */
void sandbox_slug(const char *key, size_t keep, char *out);

/*
 * "<prefix><slug>", at most SANDBOX_NAME_MAX chars: the slug's readable part is shortened to
 * fit a long prefix. -1 when the prefix alone leaves no room or holds characters Docker
 * refuses in names (the error names container_prefix).
 */
int sandbox_container_name(const char *prefix, const char *scope_key, char *out, size_t outlen, char *err,
			   size_t errlen);

enum sandbox_mount_kind { SANDBOX_MOUNT_WORKSPACE, SANDBOX_MOUNT_AGENT, SANDBOX_MOUNT_BIND };

struct sandbox_mount {
	enum sandbox_mount_kind kind;
	char *source; /* absolute path as chela sees it (symlinks resolved for binds) */
	char *target;
	int read_only;
	char *origin; /* the configured bind text; NULL for workspace mounts */
};

struct sandbox_tmpfs {
	char *path;
	char *options; /* always carries size= */
};

#define SANDBOX_USER_MAX 64

struct sandbox_spec {
	const struct config_docker *docker; /* borrowed from the agent */
	char *agent_id;
	char *scope_key;
	char slug[SANDBOX_SLUG_MAX + 1];
	char name[SANDBOX_NAME_MAX + 1];
	/*
	 * Who runs in the container: [docker] user when set; else, when chela itself is not root,
	 * its own uid:gid — the workspace it mounts is owned by that uid, and with cap-drop ALL even
	 * the container's root could not write there (no CAP_DAC_OVERRIDE); else "" (the image's user).
	 */
	char user[SANDBOX_USER_MAX + 1];
	const char *user_origin; /* "config", "gateway-uid" or "image" — for explain */
	enum workspace_access access;
	char *agent_workspace;   /* the agent's workspace on the host */
	char *sandbox_workspace; /* <workspace_root>/<slug> (none and ro) or NULL (rw) */
	int write_tools_disabled; /* ro: write, edit and apply_patch are off */
	struct sandbox_mount *mounts;
	int nmounts;
	struct sandbox_tmpfs *tmpfs;
	int ntmpfs;
	char **env; /* "KEY=VALUE" for the container and every exec */
	int nenv;
	char **warnings; /* e.g. read-only bind of a sensitive path */
	int nwarnings;
	char hash[HASH_SHA256_HEX_LEN + 1];
};

/*
 * Build the spec of the container that scope_key uses under this agent. state_dir is used to
 * refuse binding chela's own state. Returns -1 with the first refused bind or bad value.
 */
int sandbox_spec_build(const struct config_agent *agent, const char *scope_key, const char *state_dir,
		       struct sandbox_spec *out, char *err, size_t errlen);
void sandbox_spec_free(struct sandbox_spec *spec);

/* The canonical text the config hash is taken over (caller frees); exposed for tests. */
char *sandbox_spec_canonical(const struct sandbox_spec *spec);

/*
 * May an env key from outside the config (a tool call, a pass-through) reach an exec? Keys that
 * look like secrets (config_key_looks_secret) only when the sandbox env section sets them.
 */
int sandbox_env_key_allowed(const struct config_docker *docker, const char *key);

/*
 * The environment of one exec: the spec's configured env, then those of extra ("K=V",
 * NULL-terminated, may be NULL) that sandbox_env_key_allowed() lets through, later keys
 * replacing earlier ones. Nothing comes from the gateway's own environment. Returns a
 * NULL-terminated array; free with sandbox_env_free().
 */
char **sandbox_exec_env(const struct sandbox_spec *spec, const char *const *extra);
void sandbox_env_free(char **env);

#endif
