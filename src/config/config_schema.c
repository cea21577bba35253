/*
 * config/config_schema.c — the rows of the key table (see config_schema.h) and enum names.
 *
 * Defaults follow SPEC.md's INI layout. Bounds are deliberately generous but finite, so a typo
 * like `port = 187890` or `pids_limit = -1` is caught where it is written.
 */
#include "config/config.h"
#include "config/config_schema.h"
#include "util/limits.h"

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

static const char *const auth_names[] = {"token", "none", NULL};
static const char *const dm_names[] = {"main", "per-peer", "per-channel-peer", NULL};
static const char *const mode_names[] = {"off", "non-main", "all", NULL};
static const char *const scope_names[] = {"session", "agent", "shared", NULL};
static const char *const access_names[] = {"none", "ro", "rw", NULL};
static const char *const profile_names[] = {"minimal", "coding", "full", NULL};
static const char *const provider_names[] = {"anthropic", "openai", NULL};

const char *config_sandbox_mode_name(enum sandbox_mode m) { return mode_names[m]; }
const char *config_sandbox_scope_name(enum sandbox_scope s) { return scope_names[s]; }
const char *config_workspace_access_name(enum workspace_access a) { return access_names[a]; }
const char *config_tools_profile_name(enum tools_profile p) { return profile_names[p]; }

#define NOSET (-1L)
#define G(sec, k, t, field, ...) {CO_GLOBAL, sec, k, t, offsetof(struct config, field), __VA_ARGS__}
#define A(sec, k, t, field, ...) {CO_AGENT, sec, k, t, offsetof(struct config_agent, field), __VA_ARGS__}
#define T(sec, k, t, field, ...) {CO_TOOLS, sec, k, t, offsetof(struct config_tools, field), __VA_ARGS__}
#define D(k, t, field, ...) A("sandbox.docker", k, t, sandbox.docker.field, __VA_ARGS__)

const struct cfg_field cfg_fields[] = {
	/* [gateway] */
	G("gateway", "port", CT_INT, gateway.port, NOSET, 1, 65535, NULL, STRINGIFY(GATEWAY_DEFAULT_PORT), 0, NULL),
	G("gateway", "bind", CT_STR, gateway.bind, NOSET, 0, 0, NULL, "loopback", 0, "bind"),
	G("gateway", "auth", CT_ENUM, gateway.auth, NOSET, 0, 0, auth_names, "token", 0, NULL),
	G("gateway", "token", CT_STR, gateway.token, NOSET, 0, 0, NULL, NULL, CF_SECRET, NULL),
	G("gateway", "openai_http", CT_BOOL, gateway.openai_http, NOSET, 0, 0, NULL, "false", 0, NULL),
	G("gateway", "http_tools_exec", CT_BOOL, gateway.http_tools_exec, NOSET, 0, 0, NULL, "false", 0, NULL),
	G("gateway", "channel_health_check_minutes", CT_INT, gateway.channel_health_check_minutes, NOSET, 0, 1440,
	  NULL, "5", 0, NULL),
	G("gateway", "allowed_origins", CT_LIST, gateway.allowed_origins, NOSET, 0, 0, NULL, NULL, 0, "origin"),

	/* [session] */
	G("session", "main_key", CT_STR, session.main_key, NOSET, 0, 0, NULL, "main", 0, "main_key"),
	G("session", "dm_scope", CT_ENUM, session.dm_scope, NOSET, 0, 0, dm_names, "main", 0, NULL),

	/* [channel.telegram], [channel.discord] */
	G("channel.telegram", "token", CT_STR, telegram.token, NOSET, 0, 0, NULL, NULL, CF_SECRET, NULL),
	G("channel.telegram", "allow_from", CT_LIST, telegram.allow_from, NOSET, 0, 0, NULL, NULL, 0, NULL),
	G("channel.telegram", "api_base", CT_STR, telegram.api_base, NOSET, 0, 0, NULL, NULL, 0, "url"),
	G("channel.discord", "token", CT_STR, discord.token, NOSET, 0, 0, NULL, NULL, CF_SECRET, NULL),
	G("channel.discord", "allow_from", CT_LIST, discord.allow_from, NOSET, 0, 0, NULL, NULL, 0, NULL),
	G("channel.discord", "api_base", CT_STR, discord.api_base, NOSET, 0, 0, NULL, NULL, 0, "url"),

	/* [tools], [tools.sandbox], [tools.elevated] — global layer and [agent.<id>.tools*] */
	T("tools", "profile", CT_ENUM, profile, offsetof(struct config_tools, profile_set), 0, 0, profile_names,
	  "coding", 0, NULL),
	T("tools", "allow", CT_LIST, allow, NOSET, 0, 0, NULL, NULL, 0, "toolname"),
	T("tools", "deny", CT_LIST, deny, NOSET, 0, 0, NULL, NULL, 0, "toolname"),
	T("tools.sandbox", "allow", CT_LIST, sandbox.allow, NOSET, 0, 0, NULL,
	  "exec, process, read, write, edit, apply_patch", 0, "toolname"),
	T("tools.sandbox", "deny", CT_LIST, sandbox.deny, NOSET, 0, 0, NULL, NULL, 0, "toolname"),
	T("tools.elevated", "enabled", CT_BOOL, elevated_enabled, offsetof(struct config_tools, elevated_enabled_set),
	  0, 0, NULL, "false", 0, NULL),
	T("tools.elevated", "allow_from", CT_LIST, elevated_allow_from, NOSET, 0, 0, NULL, NULL, 0, NULL),

	/* [agents.defaults] / [agent.<id>] */
	A("", "workspace", CT_PATH, workspace, NOSET, 0, 0, NULL, "@workspace@", 0, "abspath"),

	/* [model] (= [agents.defaults.model]) / [agent.<id>.model] */
	A("model", "provider", CT_ENUM, model.provider, NOSET, 0, 0, provider_names, "anthropic", 0, NULL),
	A("model", "model", CT_STR, model.model, NOSET, 0, 0, NULL, "claude-sonnet-4-5", 0, NULL),
	A("model", "base_url", CT_STR, model.base_url, NOSET, 0, 0, NULL, NULL, 0, "url"),
	A("model", "api_key", CT_STR, model.api_key, NOSET, 0, 0, NULL, NULL, CF_SECRET, NULL),
	A("model", "ca_file", CT_PATH, model.ca_file, NOSET, 0, 0, NULL, "/etc/ssl/certs/ca-certificates.crt", 0,
	  "abspath"),
	A("model", "max_tokens", CT_INT, model.max_tokens, NOSET, 1, 1000000, NULL, "8192", 0, NULL),
	A("model", "timeout_s", CT_INT, model.timeout_s, NOSET, 1, 86400, NULL, "600", 0, NULL),
	A("model", "max_iterations", CT_INT, model.max_iterations, NOSET, 1, 1000, NULL, "24", 0, NULL),

	/* [agents.defaults.sandbox] */
	A("sandbox", "mode", CT_ENUM, sandbox.mode, NOSET, 0, 0, mode_names, "off", 0, NULL),
	A("sandbox", "scope", CT_ENUM, sandbox.scope, NOSET, 0, 0, scope_names, "session", 0, NULL),
	A("sandbox", "workspace_access", CT_ENUM, sandbox.workspace_access, NOSET, 0, 0, access_names, "none", 0, NULL),
	A("sandbox", "workspace_root", CT_PATH, sandbox.workspace_root, NOSET, 0, 0, NULL, "@state@/sandboxes", 0,
	  "abspath"),

	/* [agents.defaults.sandbox.docker] */
	D("image", CT_STR, image, NOSET, 0, 0, NULL, SANDBOX_DEFAULT_IMAGE, CF_DOCKER, "nonempty"),
	D("container_prefix", CT_STR, container_prefix, NOSET, 0, 0, NULL, SANDBOX_DEFAULT_PREFIX, CF_DOCKER, "prefix"),
	D("workdir", CT_STR, workdir, NOSET, 0, 0, NULL, "/workspace", CF_DOCKER, "abspath"),
	D("read_only_root", CT_BOOL, read_only_root, NOSET, 0, 0, NULL, "true", CF_DOCKER, NULL),
	D("tmpfs", CT_LIST, tmpfs, NOSET, 0, 0, NULL, "/tmp, /var/tmp, /run", CF_DOCKER, "tmpfs"),
	D("network", CT_STR, network, NOSET, 0, 0, NULL, "none", CF_DOCKER, "network"),
	D("user", CT_STR, user, NOSET, 0, 0, NULL, NULL, CF_DOCKER, "user"),
	D("cap_drop", CT_LIST, cap_drop, NOSET, 0, 0, NULL, "ALL", CF_DOCKER, "capability"),
	D("cap_add", CT_LIST, cap_add, NOSET, 0, 0, NULL, NULL, CF_DOCKER, "capability"),
	D("runtime", CT_STR, runtime, NOSET, 0, 0, NULL, NULL, CF_DOCKER, NULL),
	D("setup_command", CT_STR, setup_command, NOSET, 0, 0, NULL, NULL, CF_DOCKER, NULL),
	D("pids_limit", CT_INT, pids_limit, NOSET, 0, 1000000, NULL, STRINGIFY(SANDBOX_DEFAULT_PIDS), CF_DOCKER, NULL),
	D("memory", CT_SIZE, memory, NOSET, 6.0 * 1024 * 1024, 1e15, NULL, NULL, CF_DOCKER, NULL),
	D("memory_swap", CT_SIZE, memory_swap, NOSET, 6.0 * 1024 * 1024, 1e15, NULL, NULL, CF_DOCKER, NULL),
	D("cpus", CT_DOUBLE, cpus, NOSET, 0.01, 1024, NULL, NULL, CF_DOCKER, NULL),
	D("bind", CT_LIST, binds, NOSET, 0, 0, NULL, NULL, CF_DOCKER | CF_CONCAT, "bind"),
	D("dns", CT_LIST, dns, NOSET, 0, 0, NULL, NULL, CF_DOCKER, NULL),
	D("extra_hosts", CT_LIST, extra_hosts, NOSET, 0, 0, NULL, NULL, CF_DOCKER, "extra_host"),
	D("ulimits", CT_LIST, ulimits, NOSET, 0, 0, NULL, NULL, CF_DOCKER, "ulimit"),
	D("seccomp_profile", CT_STR, seccomp_profile, NOSET, 0, 0, NULL, NULL, CF_DOCKER, NULL),
	D("apparmor_profile", CT_STR, apparmor_profile, NOSET, 0, 0, NULL, NULL, CF_DOCKER, NULL),
	/* [agents.defaults.sandbox.docker.env]: any key */
	A("sandbox.docker.env", "*", CT_ENVMAP, sandbox.docker.env, NOSET, 0, 0, NULL, "LANG=C.UTF-8", CF_DOCKER, NULL),

	/* [agents.defaults.sandbox.prune] */
	A("sandbox.prune", "idle_hours", CT_INT, sandbox.prune.idle_hours, NOSET, 0, 87600, NULL, "24", 0, NULL),
	A("sandbox.prune", "max_age_days", CT_INT, sandbox.prune.max_age_days, NOSET, 0, 3650, NULL, "7", 0, NULL),
};

const int cfg_nfields = (int)(sizeof cfg_fields / sizeof cfg_fields[0]);

const char cfg_sections_hint[] =
	"gateway, model, session, tools, tools.sandbox, tools.elevated, agents.defaults, "
	"agents.defaults.model, agents.defaults.sandbox, agents.defaults.sandbox.docker, "
	"agents.defaults.sandbox.docker.env, agents.defaults.sandbox.prune, agent.<id> (and the same "
	"sub-sections, plus agent.<id>.tools[.sandbox|.elevated]), channel.telegram, channel.discord";
