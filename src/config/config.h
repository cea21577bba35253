/*
 * config/config.h — chela's configuration: the INI file of SPEC.md, typed, validated, merged.
 *
 * Contract:
 *   - config_load() reads one INI file (or none: every key has a default), expands ${VAR} and ~,
 *     checks every section, key and value against the schema (config_schema.c) and collects
 *     every error it finds, each naming file:line, the section and key, and what would be valid.
 *     On any error it returns -1 and *out is NULL; warnings do not fail the load.
 *   - The returned struct is immutable and owns all its memory (config_free()).
 *   - Agents are resolved at load time: cfg->agents[] holds every agent's *effective* settings
 *     (the implicit default agent "main" first, then each [agent.<id>] in file order), with
 *     per-agent sections merged over [agents.defaults.*] as SPEC.md says: scalars override,
 *     binds (and other docker lists) concatenate, env maps merge; under scope shared the
 *     per-agent docker settings are ignored (with a warning).
 *   - Tool policy is layered, not merged: cfg->tools is the global layer ([tools],
 *     [tools.sandbox], [tools.elevated]) and agent->tools holds only what that agent's own
 *     [agent.<id>.tools*] sections set. The policy engine combines the layers.
 *   - Secrets (fields flagged secret, e.g. gateway.token, model.api_key, channel tokens) are
 *     never printed: config_print_*() redacts them.
 */
#ifndef CHELA_CONFIG_CONFIG_H
#define CHELA_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum sandbox_mode { SANDBOX_MODE_OFF, SANDBOX_MODE_NON_MAIN, SANDBOX_MODE_ALL };
enum sandbox_scope { SANDBOX_SCOPE_SESSION, SANDBOX_SCOPE_AGENT, SANDBOX_SCOPE_SHARED };
enum workspace_access { WORKSPACE_ACCESS_NONE, WORKSPACE_ACCESS_RO, WORKSPACE_ACCESS_RW };
enum gateway_auth { GATEWAY_AUTH_TOKEN, GATEWAY_AUTH_NONE };
enum dm_scope { DM_SCOPE_MAIN, DM_SCOPE_PER_PEER, DM_SCOPE_PER_CHANNEL_PEER };
enum tools_profile { TOOLS_PROFILE_MINIMAL, TOOLS_PROFILE_CODING, TOOLS_PROFILE_FULL };
enum model_provider { MODEL_PROVIDER_ANTHROPIC, MODEL_PROVIDER_OPENAI };

/* A comma-separated list; repeated keys accumulate. `set` says the key appeared with a value. */
struct config_list {
	char **items;
	int n;
	int set;
};

struct config_env {
	char *key;
	char *value;
};

/* An ordered KEY=VALUE map ([...sandbox.docker.env]); later keys replace earlier ones. */
struct config_envmap {
	struct config_env *items;
	int n;
};

struct config_docker {
	char *image;
	char *container_prefix;
	char *workdir;
	int read_only_root;
	struct config_list tmpfs;       /* "/tmp" or "/tmp:size=64m,mode=1777" */
	char *network;                  /* none | bridge | <name>; host refused */
	char *user;                     /* "" = image default */
	struct config_list cap_drop;
	struct config_list cap_add;
	char *runtime;                  /* "" = engine default; "runsc" for gVisor */
	char *setup_command;            /* "" = none */
	long pids_limit;                /* 0 = unlimited */
	long long memory;               /* bytes; 0 = unlimited */
	long long memory_swap;          /* bytes; 0 = same as memory */
	double cpus;                    /* 0 = unlimited */
	struct config_list binds;       /* "src:dst[:ro|rw]" */
	struct config_list dns;
	struct config_list extra_hosts; /* "host:ip" */
	struct config_list ulimits;     /* "nofile=1024:2048" */
	char *seccomp_profile;          /* "" = engine default */
	char *apparmor_profile;
	struct config_envmap env;
};

struct config_prune {
	long idle_hours;   /* 0 = never by idleness */
	long max_age_days; /* 0 = never by age */
};

struct config_sandbox {
	enum sandbox_mode mode;
	enum sandbox_scope scope;
	enum workspace_access workspace_access;
	char *workspace_root;
	struct config_docker docker;
	struct config_prune prune;
};

struct config_tool_lists {
	struct config_list allow;
	struct config_list deny;
};

/* One layer of tool policy. Unset lists (set == 0) do not narrow anything. */
struct config_tools {
	enum tools_profile profile;
	int profile_set;
	struct config_list allow;
	struct config_list deny;
	struct config_tool_lists sandbox;       /* [tools.sandbox] */
	int elevated_enabled;
	int elevated_enabled_set;
	struct config_list elevated_allow_from; /* "channel:sender" or "sender" */
};

struct config_model {
	enum model_provider provider;
	char *model;
	char *base_url;  /* "" = provider default */
	char *api_key;   /* secret; "" = provider's usual environment variable */
	char *ca_file;
	long max_tokens;
	long timeout_s;      /* hard per-turn deadline */
	long max_iterations; /* model → tools → model rounds per turn */
};

struct config_agent {
	char *id;
	char *workspace;
	struct config_model model;
	struct config_sandbox sandbox;
	struct config_tools tools; /* this agent's own layer only (see contract) */
	int line;                  /* first line of its [agent.<id>...] sections; 0 for defaults */
};

struct config_gateway {
	long port;
	char *bind;  /* loopback | lan | an IP address */
	enum gateway_auth auth;
	char *token; /* secret; "" = generated into <state>/gateway.token */
	int openai_http;
	int http_tools_exec; /* POST /tools/invoke may run exec-class tools (exec, process) */
	long channel_health_check_minutes;
	struct config_list allowed_origins; /* extra browser origins allowed on WebSocket upgrades */
};

struct config_session {
	char *main_key;
	enum dm_scope dm_scope;
};

struct config_channel {
	int configured; /* the section appeared */
	char *token;    /* secret */
	struct config_list allow_from;
	char *api_base; /* "" = the public API */
};

struct config {
	char *path;      /* the file read, or the default path that was absent */
	int file_loaded; /* 0 when no file existed (all defaults) */
	char *state_dir;
	struct config_gateway gateway;
	struct config_session session;
	struct config_tools tools;     /* global tool policy layer */
	struct config_agent *agents;   /* effective agents; agents[0] is "main" */
	int nagents;
	struct config_channel telegram;
	struct config_channel discord;
	char **warnings;
	int nwarnings;
	struct config_internal *internal; /* per-key origins, for explain */
};

struct config_diag {
	char *file;
	int line; /* 0 when the error is not tied to a line */
	char *section;
	char *key;
	char *message; /* the whole sentence, already prefixed with file:line */
};

struct config_errors {
	struct config_diag *items;
	int n;
};

/*
 * Load the configuration.
 *   path: the file; NULL means "$CHELA_CONFIG, else <state>/chela.ini", where absence is fine.
 *         An explicit path that does not exist is an error.
 *   state_dir: NULL means "$CHELA_STATE_DIR, else ~/.chela".
 *   The main agent's workspace defaults to $CHELA_WORKSPACE (when absolute), else <state>/workspace.
 * Returns 0 and *out, or -1 with errs filled (caller frees with config_errors_free()).
 */
int config_load(const char *path, const char *state_dir, struct config **out, struct config_errors *errs);
/* Same, from a buffer (fuzzing and tests): `name` is used in messages. */
int config_load_buffer(const char *name, const char *data, size_t len, const char *state_dir,
		       struct config **out, struct config_errors *errs);
void config_free(struct config *cfg);
void config_errors_free(struct config_errors *errs);

/* The effective agent with this id ("main" always exists), or NULL. */
const struct config_agent *config_agent_find(const struct config *cfg, const char *id);

/*
 * Where an agent's effective value came from. key is the dotted path below the agent root,
 * e.g. "sandbox.mode", "sandbox.docker.network", "workspace". Writes the config key a user
 * would edit ("agent.work.sandbox.mode" or "agents.defaults.sandbox.mode") into out and
 * returns the line it was set on, or 0 when it is the built-in default (out then names the
 * defaults key to set). Returns -1 for an unknown key.
 */
int config_origin(const struct config *cfg, const char *agent_id, const char *key, char *out, size_t outlen);

/* Is this env/config key name one that looks like a secret (TOKEN, KEY, SECRET, PASSWORD...)? */
int config_key_looks_secret(const char *name);

/* `chela config check` output: the effective config as INI, or as JSON (secrets redacted). */
void config_print_ini(const struct config *cfg, FILE *f);
void config_print_json(const struct config *cfg, FILE *f);
/* The same as a cJSON tree the caller owns (cJSON_Delete). */
struct cJSON *config_to_json(const struct config *cfg);

/* Name of an enum value as written in the INI file. */
const char *config_sandbox_mode_name(enum sandbox_mode m);
const char *config_sandbox_scope_name(enum sandbox_scope s);
const char *config_workspace_access_name(enum workspace_access a);
const char *config_tools_profile_name(enum tools_profile p);

#endif
