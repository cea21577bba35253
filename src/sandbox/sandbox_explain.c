/* sandbox/sandbox_explain.c — see sandbox_explain.h */
#include "sandbox/sandbox_explain.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_manager.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/limits.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {"sandbox workspace", "agent workspace", "bind"};

void sandbox_duration_format(int64_t ms, char *out, size_t outlen)
{
	int64_t s = ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, outlen, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, outlen, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, outlen, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, outlen, "%lldd", (long long)(s / 86400));
}

/* One fix-it entry: the key to edit, its value now, where that value comes from, and the effect. */
static void fix_add(cJSON *arr, const struct config *cfg, const char *agent_id, const char *key, const char *value,
		    const char *effect)
{
	char name[256], where[512];
	int line = config_origin(cfg, agent_id, key, name, sizeof name);
	cJSON *e = cJSON_CreateObject();

	if (line < 0)
		snprintf(name, sizeof name, "%s", key);
	if (line > 0)
		snprintf(where, sizeof where, "%s:%d", cfg->path, line);
	else
		snprintf(where, sizeof where, "default");
	cJSON_AddStringToObject(e, "key", name);
	cJSON_AddStringToObject(e, "value", value);
	cJSON_AddStringToObject(e, "set_at", where);
	cJSON_AddStringToObject(e, "effect", effect);
	cJSON_AddItemToArray(arr, e);
}

static const char *mode_effect(const struct sandbox_decision *d)
{
	if (d->mode == SANDBOX_MODE_OFF)
		return "set non-main (sandbox every session but the main one) or all to sandbox this session";
	if (d->mode == SANDBOX_MODE_NON_MAIN && !d->sandboxed)
		return "set all to sandbox the main session too, or off to keep every session on the host";
	if (d->mode == SANDBOX_MODE_NON_MAIN)
		return "set off to run this session's tools on the host";
	return d->is_main ? "set non-main to run the main session on the host, or off for every session"
			  : "set off to run this session's tools on the host";
}

static void fixes_build(cJSON *doc, const struct config *cfg, const struct config_agent *a,
			const struct sandbox_decision *d)
{
	const struct config_docker *k = &a->sandbox.docker;
	cJSON *arr = cJSON_AddArrayToObject(doc, "fix");
	char binds[4096];
	size_t n;
	int i;

	fix_add(arr, cfg, a->id, "sandbox.mode", config_sandbox_mode_name(a->sandbox.mode), mode_effect(d));
	if (a->sandbox.mode == SANDBOX_MODE_NON_MAIN) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "key", "session.main_key");
		cJSON_AddStringToObject(e, "value", cfg->session.main_key);
		cJSON_AddStringToObject(e, "set_at", "session.main_key");
		cJSON_AddStringToObject(e, "effect", "names the main session (agent:<id>:<main_key>) that non-main "
			"keeps on the host");
		cJSON_AddItemToArray(arr, e);
	}
	fix_add(arr, cfg, a->id, "sandbox.scope", config_sandbox_scope_name(a->sandbox.scope),
		"session: a container per session; agent: one per agent; shared: one for all");
	fix_add(arr, cfg, a->id, "sandbox.workspace_access", config_workspace_access_name(a->sandbox.workspace_access),
		"none: a sandbox workspace at /workspace; ro: the agent workspace read-only at /agent; rw: it "
		"read-write at /workspace");
	fix_add(arr, cfg, a->id, "sandbox.docker.image", k->image, "the image the container runs (never pulled)");
	fix_add(arr, cfg, a->id, "sandbox.docker.network", k->network, "none: no network; bridge or a network name "
		"for egress");
	fix_add(arr, cfg, a->id, "sandbox.docker.runtime", k->runtime && *k->runtime ? k->runtime : "",
		"runsc runs the container under gVisor");
	fix_add(arr, cfg, a->id, "sandbox.docker.read_only_root", k->read_only_root ? "true" : "false",
		"false lets setup_command install packages into the root file system");
	binds[0] = '\0';
	for (i = 0, n = 0; i < k->binds.n && n < sizeof binds; i++)
		n += (size_t)snprintf(binds + n, sizeof binds - n, "%s%s", i ? ", " : "", k->binds.items[i]);
	fix_add(arr, cfg, a->id, "sandbox.docker.bind", binds, "extra host directories (SRC:DST[:ro]); global and "
		"per-agent binds merge");
}

/* sandboxed: the writing tools are only disabled inside a sandbox; a host session keeps them. */
static void container_build(cJSON *doc, const struct sandbox_spec *s, int sandboxed)
{
	const struct config_docker *d = s->docker;
	cJSON *c = cJSON_AddObjectToObject(doc, "container"), *arr;
	int i;

	cJSON_AddStringToObject(c, "name", s->name);
	cJSON_AddStringToObject(c, "scope_key", s->scope_key);
	cJSON_AddStringToObject(c, "image", d->image);
	cJSON_AddStringToObject(c, "network", d->network);
	cJSON_AddStringToObject(c, "runtime", d->runtime && *d->runtime ? d->runtime : "");
	cJSON_AddStringToObject(c, "user", d->user && *d->user ? d->user : "");
	cJSON_AddStringToObject(c, "workdir", d->workdir);
	cJSON_AddBoolToObject(c, "read_only_root", d->read_only_root);
	arr = cJSON_AddArrayToObject(c, "cap_drop");
	for (i = 0; i < d->cap_drop.n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(d->cap_drop.items[i]));
	arr = cJSON_AddArrayToObject(c, "cap_add");
	for (i = 0; i < d->cap_add.n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(d->cap_add.items[i]));
	cJSON_AddNumberToObject(c, "pids_limit", (double)d->pids_limit);
	cJSON_AddNumberToObject(c, "memory", (double)d->memory);
	cJSON_AddNumberToObject(c, "cpus", d->cpus);
	arr = cJSON_AddArrayToObject(c, "tmpfs");
	for (i = 0; i < s->ntmpfs; i++) {
		char t[512];

		snprintf(t, sizeof t, "%s:%s", s->tmpfs[i].path, s->tmpfs[i].options);
		cJSON_AddItemToArray(arr, cJSON_CreateString(t));
	}
	arr = cJSON_AddArrayToObject(c, "mounts");
	for (i = 0; i < s->nmounts; i++) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "target", s->mounts[i].target);
		cJSON_AddStringToObject(m, "source", s->mounts[i].source);
		cJSON_AddStringToObject(m, "mode", s->mounts[i].read_only ? "ro" : "rw");
		cJSON_AddStringToObject(m, "kind", kind_names[s->mounts[i].kind]);
		cJSON_AddItemToArray(arr, m);
	}
	arr = cJSON_AddArrayToObject(c, "env");
	for (i = 0; i < d->env.n; i++) {
		char kv[CONFIG_MAX_VALUE_BYTES + 256];

		snprintf(kv, sizeof kv, "%s=%s", d->env.items[i].key,
			 config_key_looks_secret(d->env.items[i].key) ? SANDBOX_REDACTED : d->env.items[i].value);
		cJSON_AddItemToArray(arr, cJSON_CreateString(kv));
	}
	cJSON_AddStringToObject(c, "setup_command", d->setup_command ? d->setup_command : "");
	cJSON_AddStringToObject(c, "config_hash", s->hash);
	cJSON_AddBoolToObject(doc, "write_tools_disabled", sandboxed && s->write_tools_disabled);
	arr = cJSON_AddArrayToObject(doc, "warnings");
	for (i = 0; i < s->nwarnings; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s->warnings[i]));
}

/* The container's live state, from the engine. */
static void state_build(cJSON *doc, const struct sandbox_spec *s, struct sandbox_mgr *mgr, const char *engine_error)
{
	cJSON *st = cJSON_AddObjectToObject(doc, "state");
	struct docker_container c;
	char err[ERR_LEN];
	int rc;

	if (mgr == NULL || mgr->docker == NULL) {
		cJSON_AddStringToObject(st, "status", "unknown");
		cJSON_AddStringToObject(st, "detail", engine_error ? engine_error : "no Docker engine connection");
		return;
	}
	memset(&c, 0, sizeof c);
	rc = docker_container_inspect(mgr->docker, s->name, &c, err, sizeof err);
	if (rc == DOCKER_NOT_FOUND) {
		cJSON_AddStringToObject(st, "status", "not created");
		cJSON_AddStringToObject(st, "detail", "created on the session's first sandboxed tool call");
	} else if (rc < 0) {
		cJSON_AddStringToObject(st, "status", "unknown");
		cJSON_AddStringToObject(st, "detail", err);
	} else {
		const char *hash = docker_container_label(&c, SANDBOX_LABEL_HASH);
		int64_t last = sandbox_last_used_ms(mgr, s->name), now = clock_wall_ms();
		int stale = hash == NULL || strcmp(hash, s->hash) != 0;

		cJSON_AddStringToObject(st, "status", c.running ? "running" : c.state ? c.state : "stopped");
		cJSON_AddBoolToObject(st, "stale", stale);
		cJSON_AddNumberToObject(st, "last_used_ms", (double)last);
		if (stale)
			cJSON_AddStringToObject(st, "detail", last && now - last < SANDBOX_STALE_GRACE_MS
				? "stale: the config changed; it is recreated at the first use after 5 idle minutes"
				: "stale: the config changed; it is recreated at its next use");
	}
	docker_container_free(&c);
}

cJSON *sandbox_explain_build(const struct config *cfg, const struct config_agent *a, const char *session_key,
			     struct sandbox_mgr *mgr, const char *engine_error)
{
	cJSON *doc = cJSON_CreateObject();
	struct sandbox_decision d;
	struct sandbox_spec s;
	char scope[SESSION_KEY_MAX + 64], err[ERR_LEN];

	sandbox_decide(a->sandbox.mode, a->id, cfg->session.main_key, session_key, &d);
	cJSON_AddStringToObject(doc, "agent", a->id);
	cJSON_AddStringToObject(doc, "session", session_key);
	cJSON_AddBoolToObject(doc, "sandboxed", d.sandboxed);
	cJSON_AddBoolToObject(doc, "main_session", d.is_main);
	cJSON_AddStringToObject(doc, "reason", d.reason);
	cJSON_AddStringToObject(doc, "mode", config_sandbox_mode_name(a->sandbox.mode));
	cJSON_AddStringToObject(doc, "scope", config_sandbox_scope_name(a->sandbox.scope));
	cJSON_AddStringToObject(doc, "workspace_access", config_workspace_access_name(a->sandbox.workspace_access));
	if (sandbox_scope_key(a->sandbox.scope, a->id, session_key, scope, sizeof scope) < 0) {
		cJSON_AddStringToObject(doc, "error", "session key too long");
	} else if (sandbox_spec_build(a, scope, cfg->state_dir, &s, err, sizeof err) < 0) {
		cJSON_AddStringToObject(doc, "error", err);
	} else {
		container_build(doc, &s, d.sandboxed);
		if (d.sandboxed)
			state_build(doc, &s, mgr, engine_error);
		sandbox_spec_free(&s);
	}
	fixes_build(doc, cfg, a, &d);
	return doc;
}
