/*
 * sandbox/sandbox_manager.h — the life of sandbox containers over the Docker client.
 *
 * Contract:
 *   - sandbox_ensure() gives a session a running container: it decides (sandbox.h), builds the
 *     spec, and under a per-container lock file (flock, so two processes or threads agree)
 *     creates it lazily (labels chela.sandbox=1, chela.scope, chela.config_hash,
 *     chela.created_ms, chela.agent; read-only root, sized tmpfs, network none, cap-drop ALL,
 *     no-new-privileges, pids limit, init, `sleep infinity`), runs setup_command once with
 *     `sh -lc`, reuses a running one, starts a stopped one, and recreates one whose config hash
 *     differs unless it was used in the last SANDBOX_STALE_GRACE_MS (then handle.stale = 1).
 *     A missing image is an error telling how to build it; nothing is ever pulled.
 *   - Bookkeeping lives in <state>/sandboxes/.state/: <name>.lock (flock), <name>.used (its
 *     mtime is the last use), <name>.setup (the id of the container whose setup completed).
 *   - sandbox_exec() runs one command in an ensured container with the spec's env (never the
 *     gateway's) and marks the container used.
 *   - list / remove / prune only touch containers labelled chela.sandbox=1 whose names start
 *     with a container_prefix of this config, so two chela installs (or test runs) sharing an
 *     engine leave each other alone.
 *   - All functions return 0 / -1 with a sentence in err. Structs own their memory (the
 *     matching *_free(), which accept zeroed structs).
 */
#ifndef CHELA_SANDBOX_SANDBOX_MANAGER_H
#define CHELA_SANDBOX_SANDBOX_MANAGER_H

#include "config/config.h"
#include "docker/docker.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_host.h"

#include <stdint.h>

#define SANDBOX_LOCK_TIMEOUT_MS  (10 * 60 * 1000) /* waiting for another creator (setup may be slow) */
#define SANDBOX_SETUP_TIMEOUT_MS (10 * 60 * 1000) /* setup_command wall clock */
#define SANDBOX_STOP_TIMEOUT_S   2
#define SANDBOX_SEED_FILE_MAX    (4 * 1024 * 1024)  /* one seeded file or skill file */
#define SANDBOX_SEED_TOTAL_MAX   (64 * 1024 * 1024) /* all of skills/ */
#define SANDBOX_SEED_DEPTH_MAX   8
#define SANDBOX_IMAGE_HINT \
	"build it with `./build.sh image` (see docker/README.md), or `docker load` a saved image; chela never pulls"

#define SANDBOX_LABEL        "chela.sandbox"
#define SANDBOX_LABEL_SCOPE  "chela.scope"
#define SANDBOX_LABEL_HASH   "chela.config_hash"
#define SANDBOX_LABEL_CREATED "chela.created_ms"
#define SANDBOX_LABEL_AGENT  "chela.agent"

struct sandbox_mgr {
	const struct config *cfg;
	struct docker *docker;   /* borrowed */
	char *state_dir;         /* <state>/sandboxes/.state */
	struct sandbox_host host;
	int host_detected;
};

struct sandbox_handle {
	struct sandbox_decision decision;
	struct sandbox_spec spec;
	char id[65];
	int created, recreated, started, stale, setup_ran;
};

int sandbox_mgr_init(struct sandbox_mgr *m, const struct config *cfg, struct docker *d, char *err, size_t errlen);
void sandbox_mgr_free(struct sandbox_mgr *m);

/*
 * Decide for (agent, session_key); when sandboxed, make sure the container runs. A session that
 * is not sandboxed returns 0 with h->decision.sandboxed == 0 and no container touched.
 */
int sandbox_ensure(struct sandbox_mgr *m, const struct config_agent *agent, const char *session_key,
		   struct sandbox_handle *h, char *err, size_t errlen);
void sandbox_handle_free(struct sandbox_handle *h);

/* Run o->cmd in h's container; o->env is filtered through sandbox_exec_env(). */
int sandbox_exec(struct sandbox_mgr *m, const struct sandbox_handle *h, const struct docker_exec_opts *o,
		 struct docker_exec_result *res, char *err, size_t errlen);

/* One managed container as `sandbox list` shows it. */
struct sandbox_entry {
	char *name, *id, *image, *scope, *agent, *state;
	int running;
	int stale;          /* its config hash differs from what the config now gives */
	int64_t created_ms; /* label, else the engine's Created */
	int64_t last_used_ms; /* <name>.used, else created_ms */
};

int sandbox_list(struct sandbox_mgr *m, struct sandbox_entry **out, size_t *n, char *err, size_t errlen);
void sandbox_list_free(struct sandbox_entry *list, size_t n);

/* Remove one container by name (and its bookkeeping). DOCKER_NOT_FOUND when absent. */
int sandbox_remove(struct sandbox_mgr *m, const char *name, char *err, size_t errlen);

/*
 * Remove managed containers idle longer than their agent's prune.idle_hours or older than
 * max_age_days (0 disables either). *removed counts them; names are printed to `report` when
 * non-NULL, with the reason.
 */
int sandbox_prune(struct sandbox_mgr *m, int64_t now_ms, int *removed, void (*report)(const char *name,
		  const char *why, void *ctx), void *ctx, char *err, size_t errlen);

/* Last use of a container name in ms (0 when never recorded). */
int64_t sandbox_last_used_ms(const struct sandbox_mgr *m, const char *name);

#endif
