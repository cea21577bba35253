/*
 * config/config_import_agents.c — OpenClaw agents, sandbox, docker, tool policy and model → chela
 * INI (see config_import.h and config_import_internal.h).
 */
#include "config/config_import_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define IMP_AGENT_ID_MAX 48 /* chela's CONFIG_AGENT_ID_MAX */

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* The tools chela has, by the names OpenClaw uses for them; "bash" is OpenClaw's alias of exec. */
static const char *chela_tool_name(const char *name)
{
	static const char *const tools[] = {"exec", "process", "read", "write", "edit", "apply_patch",
					    "group:runtime", "group:fs", NULL};
	int i;

	if (strcasecmp(name, "bash") == 0)
		return "exec";
	for (i = 0; tools[i]; i++)
		if (strcasecmp(name, tools[i]) == 0)
			return tools[i];
	if (strchr(name, '*') != NULL || strchr(name, '?') != NULL)
		return name; /* a glob may match chela's tools: keep it */
	return NULL;
}

/*
 * Writes the chela tools of list v as `key`. Returns 1 when v named tools but none of them exist
 * in chela: an allow list reduced to nothing must deny everything, not allow everything.
 */
static int imp_toollist(struct imp *im, const cJSON *v, const char *path, const char *key, const char *extra)
{
	char kept[IMP_VALUE_MAX] = "", dropped[IMP_VALUE_MAX] = "";
	size_t nk = 0, nd = 0;
	int named = 0;
	const cJSON *it;

	if (extra != NULL)
		nk += (size_t)snprintf(kept, sizeof kept, "%s", extra);
	if (cJSON_IsString(v) || cJSON_IsArray(v)) {
		const cJSON *one = cJSON_IsString(v) ? v : NULL;

		for (it = one ? one : v->child; it != NULL; it = one ? NULL : it->next) {
			const char *t;

			if (!cJSON_IsString(it) || strchr(it->valuestring, ',') != NULL)
				continue;
			named = 1;
			t = chela_tool_name(it->valuestring);
			if (t != NULL && strstr(kept, t) == NULL && nk + strlen(t) + 3 < sizeof kept)
				nk += (size_t)snprintf(kept + nk, sizeof kept - nk, "%s%s", nk ? ", " : "", t);
			else if (t == NULL && nd + strlen(it->valuestring) + 3 < sizeof dropped)
				nd += (size_t)snprintf(dropped + nd, sizeof dropped - nd, "%s%s", nd ? ", " : "",
						       it->valuestring);
		}
	} else if (v != NULL) {
		imp_drop(im, path, "expected a list of tool names");
	}
	if (nd > 0) {
		char why[IMP_VALUE_MAX + 64];

		snprintf(why, sizeof why, "chela has no such tools: %s", dropped);
		imp_drop(im, path, why);
	}
	if (nk > 0)
		imp_kv(im, path, key, kept);
	return named && nk == (extra ? strlen(extra) : 0) && extra == NULL;
}

/* allow + deny of one layer; an allow list that kept nothing becomes deny = *. */
static void imp_allow_deny(struct imp *im, const cJSON *o, const char *path)
{
	char p[IMP_PATH_MAX];
	int deny_all;

	imp_path(p, sizeof p, path, "allow");
	deny_all = imp_toollist(im, get(o, "allow"), p, "allow", NULL);
	imp_path(p, sizeof p, path, "deny");
	imp_toollist(im, get(o, "deny"), p, "deny", deny_all ? "*" : NULL);
	if (deny_all)
		imp_note(im, "%s.allow names none of chela's tools, so every tool is denied (deny = *)", path);
}

/* see config_import_internal.h */
void imp_tools(struct imp *im, const cJSON *tools, const char *path, const char *section)
{
	static const char *const handled[] = {"profile", "allow", "deny", "sandbox", "elevated", NULL};
	static const struct imp_reason reasons[] = {
		{"alsoAllow", "chela has no alsoAllow: list the tools in allow, or pick a larger profile"},
		{"byProvider", "chela has one tool policy for every model"},
		{"exec", "chela's exec limits are built in"},
		{"web", "chela has no web tools"},
		{"media", "chela has no media tools"},
		{"codeMode", "chela has no code mode"},
		{"agentToAgent", "chela has no agent-to-agent tools"},
		{NULL, NULL}};
	char p[IMP_PATH_MAX];
	const cJSON *v, *sb, *el;

	if (!cJSON_IsObject(tools))
		return;
	imp_section(im, "%s", section);
	if ((v = get(tools, "profile")) && cJSON_IsString(v)) {
		const char *pr = v->valuestring;

		if (strcmp(pr, "minimal") == 0 || strcmp(pr, "coding") == 0 || strcmp(pr, "full") == 0) {
			imp_path(p, sizeof p, path, "profile");
			imp_kv(im, p, "profile", pr);
		} else if (strcmp(pr, "messaging") == 0) {
			imp_path(p, sizeof p, path, "profile");
			imp_kv(im, p, "profile", "minimal");
			imp_note(im, "%s.profile \"messaging\" became minimal (chela has no messaging tools)", path);
		} else {
			imp_path(p, sizeof p, path, "profile");
			imp_drop(im, p, "chela's profiles are minimal, coding and full");
		}
	}
	imp_allow_deny(im, tools, path);
	sb = get(tools, "sandbox");
	if (cJSON_IsObject(sb)) {
		static const char *const sb_handled[] = {"tools", NULL};

		imp_section(im, "%s.sandbox", section);
		imp_path(p, sizeof p, path, "sandbox.tools");
		imp_allow_deny(im, get(sb, "tools"), p);
		if (cJSON_IsObject(get(sb, "tools"))) {
			static const char *const t_handled[] = {"allow", "deny", NULL};

			imp_rest(im, get(sb, "tools"), p, t_handled, NULL);
		}
		imp_path(p, sizeof p, path, "sandbox");
		imp_rest(im, sb, p, sb_handled, NULL);
	}
	el = get(tools, "elevated");
	if (cJSON_IsObject(el)) {
		static const char *const el_handled[] = {"enabled", "allowFrom", NULL};
		const cJSON *af = get(el, "allowFrom");

		imp_section(im, "%s.elevated", section);
		imp_path(p, sizeof p, path, "elevated.enabled");
		if ((v = get(el, "enabled")))
			imp_bool(im, v, p, "enabled");
		imp_path(p, sizeof p, path, "elevated.allowFrom");
		if (cJSON_IsObject(af)) {
			/* { telegram: ["123"], discord: ["456"] } → telegram:123, discord:456 */
			cJSON *flat = cJSON_CreateArray();
			const cJSON *ch, *id;

			cJSON_ArrayForEach(ch, af) {
				cJSON_ArrayForEach(id, ch) {
					char one[256];

					if (cJSON_IsString(id))
						snprintf(one, sizeof one, "%s:%s", ch->string, id->valuestring);
					else if (cJSON_IsNumber(id))
						snprintf(one, sizeof one, "%s:%.0f", ch->string, id->valuedouble);
					else
						continue;
					cJSON_AddItemToArray(flat, cJSON_CreateString(one));
				}
			}
			imp_list(im, flat, p, "allow_from");
			cJSON_Delete(flat);
		} else if (af != NULL) {
			imp_list(im, af, p, "allow_from");
		}
		imp_path(p, sizeof p, path, "elevated");
		imp_rest(im, el, p, el_handled, NULL);
	}
	imp_rest(im, tools, path, handled, reasons);
}

/* ulimits: { nofile: { soft, hard }, nproc: 256 } → "nofile=1024:2048, nproc=256". */
static void imp_ulimits(struct imp *im, const cJSON *u, const char *path)
{
	cJSON *flat = cJSON_CreateArray();
	const cJSON *it;

	cJSON_ArrayForEach(it, u) {
		char one[128];
		const cJSON *soft = get(it, "soft"), *hard = get(it, "hard");

		if (cJSON_IsNumber(it))
			snprintf(one, sizeof one, "%s=%.0f", it->string, it->valuedouble);
		else if (cJSON_IsNumber(soft) && cJSON_IsNumber(hard))
			snprintf(one, sizeof one, "%s=%.0f:%.0f", it->string, soft->valuedouble, hard->valuedouble);
		else if (cJSON_IsNumber(soft))
			snprintf(one, sizeof one, "%s=%.0f", it->string, soft->valuedouble);
		else if (cJSON_IsString(it))
			snprintf(one, sizeof one, "%s=%s", it->string, it->valuestring);
		else {
			char p[IMP_PATH_MAX];

			imp_path(p, sizeof p, path, it->string ? it->string : "?");
			imp_drop(im, p, "expected a number or { soft, hard }");
			continue;
		}
		cJSON_AddItemToArray(flat, cJSON_CreateString(one));
	}
	imp_list(im, flat, path, "ulimits");
	cJSON_Delete(flat);
}

static void imp_docker(struct imp *im, const cJSON *d, const char *path, const char *section)
{
	/* OpenClaw key → chela key, written as a plain value (s), list (l) or boolean (b). */
	static const struct {
		const char *from, *to;
		char kind;
	} map[] = {
		{"image", "image", 's'}, {"containerPrefix", "container_prefix", 's'}, {"workdir", "workdir", 's'},
		{"readOnlyRoot", "read_only_root", 'b'}, {"user", "user", 's'},
		{"capDrop", "cap_drop", 'l'}, {"capAdd", "cap_add", 'l'}, {"runtime", "runtime", 's'},
		{"pidsLimit", "pids_limit", 's'}, {"memory", "memory", 's'}, {"memorySwap", "memory_swap", 's'},
		{"cpus", "cpus", 's'}, {"dns", "dns", 'l'}, {"extraHosts", "extra_hosts", 'l'},
		{"seccompProfile", "seccomp_profile", 's'}, {"apparmorProfile", "apparmor_profile", 's'},
		{NULL, NULL, 0}};
	static const char *const handled[] = {"image", "containerPrefix", "workdir", "readOnlyRoot", "tmpfs",
					      "user", "capDrop", "capAdd", "runtime", "pidsLimit", "memory",
					      "memorySwap", "cpus", "dns", "extraHosts", "seccompProfile",
					      "apparmorProfile", "network", "setupCommand", "binds", "ulimits", "env",
					      NULL};
	static const struct imp_reason reasons[] = {
		{"gpus", "chela does not pass GPUs into sandboxes"},
		{"dangerouslyAllowContainerNamespaceJoin", "chela never joins another container's namespaces"},
		{"dangerouslyAllowReservedContainerTargets", "chela refuses bind targets over /workspace and /agent"},
		{"dangerouslyAllowExternalBindSources", "chela validates every bind source"},
		{NULL, NULL}};
	char p[IMP_PATH_MAX];
	const cJSON *v, *it;
	int i;

	imp_section(im, "%s", section);
	for (i = 0; map[i].from; i++) {
		if ((v = get(d, map[i].from)) == NULL)
			continue;
		imp_path(p, sizeof p, path, map[i].from);
		if (map[i].kind == 'b')
			imp_bool(im, v, p, map[i].to);
		else if (map[i].kind == 'l')
			imp_list(im, v, p, map[i].to);
		else
			imp_scalar(im, v, p, map[i].to);
	}
	if ((v = get(d, "network")) && cJSON_IsString(v)) {
		imp_path(p, sizeof p, path, "network");
		if (strcmp(v->valuestring, "host") == 0 || strncmp(v->valuestring, "container:", 10) == 0)
			imp_drop(im, p, "chela refuses sharing the host's or another container's network; none is used");
		else
			imp_kv(im, p, "network", v->valuestring);
	}
	if ((v = get(d, "setupCommand"))) {
		imp_path(p, sizeof p, path, "setupCommand");
		if (cJSON_IsArray(v)) {
			char cmd[IMP_VALUE_MAX] = "";
			size_t n = 0;

			cJSON_ArrayForEach(it, v) if (cJSON_IsString(it) && n + strlen(it->valuestring) + 5 < sizeof cmd)
				n += (size_t)snprintf(cmd + n, sizeof cmd - n, "%s%s", n ? " && " : "", it->valuestring);
			imp_kv(im, p, "setup_command", cmd);
		} else {
			imp_scalar(im, v, p, "setup_command");
		}
	}
	if (cJSON_IsArray(v = get(d, "tmpfs"))) {
		/* "/tmp:rw,noexec,size=64m": chela's list is comma-separated, so keep the mount and say so. */
		cJSON *flat = cJSON_CreateArray();

		imp_path(p, sizeof p, path, "tmpfs");
		cJSON_ArrayForEach(it, v) {
			const char *colon = cJSON_IsString(it) ? strchr(it->valuestring, ':') : NULL;

			if (colon != NULL && strchr(colon, ',') != NULL) {
				char mnt[IMP_PATH_MAX];

				snprintf(mnt, sizeof mnt, "%.*s", (int)(colon - it->valuestring), it->valuestring);
				cJSON_AddItemToArray(flat, cJSON_CreateString(mnt));
				imp_note(im, "%s: \"%s\" kept as %s; its mount options were dropped (chela mounts "
					     "tmpfs with its own safe options)", p, it->valuestring, mnt);
			} else {
				cJSON_AddItemToArray(flat, cJSON_Duplicate(it, 1));
			}
		}
		imp_list(im, flat, p, "tmpfs");
		cJSON_Delete(flat);
	} else if (v != NULL) {
		imp_path(p, sizeof p, path, "tmpfs");
		imp_list(im, v, p, "tmpfs");
	}
	if ((v = get(d, "ulimits"))) {
		imp_path(p, sizeof p, path, "ulimits");
		imp_ulimits(im, v, p);
	}
	/* One bind per line: chela's bind key repeats, and a line per mount reads better. */
	if ((v = get(d, "binds"))) {
		imp_path(p, sizeof p, path, "binds");
		if (cJSON_IsArray(v)) {
			cJSON_ArrayForEach(it, v) {
				if (cJSON_IsString(it) && strchr(it->valuestring, ',') == NULL)
					imp_kv(im, p, "bind", it->valuestring);
				else
					imp_drop(im, p, "a bind must be a \"src:dst[:ro]\" string without commas");
			}
		} else {
			imp_drop(im, p, "expected a list of \"src:dst[:ro]\"");
		}
	}
	if (cJSON_IsObject(v = get(d, "env"))) {
		imp_section(im, "%s.env", section);
		cJSON_ArrayForEach(it, v) {
			imp_path(p, sizeof p, path, "env");
			imp_path(p, sizeof p, p, it->string);
			imp_scalar(im, it, p, it->string);
		}
	}
	imp_rest(im, d, path, handled, reasons);
}

/* see config_import_internal.h */
void imp_sandbox(struct imp *im, const cJSON *sb, const char *path, const char *section, int is_defaults)
{
	static const char *const handled[] = {"mode", "scope", "perSession", "workspaceAccess", "workspaceRoot",
					      "docker", "prune", "backend", NULL};
	static const struct imp_reason reasons[] = {
		{"browser", "chela has no sandboxed browser"},
		{"ssh", "chela sandboxes with Docker only"},
		{"sessionToolsVisibility", "no chela equivalent"},
		{NULL, NULL}};
	char p[IMP_PATH_MAX], sec[IMP_SECTION_MAX];
	const cJSON *v, *prune;

	if (!cJSON_IsObject(sb))
		return;
	imp_section(im, "%s", section);
	if ((v = get(sb, "backend")) && !(cJSON_IsString(v) && strcmp(v->valuestring, "docker") == 0)) {
		imp_path(p, sizeof p, path, "backend");
		imp_drop(im, p, "chela sandboxes with Docker only");
	}
	if ((v = get(sb, "mode"))) {
		imp_path(p, sizeof p, path, "mode");
		if (cJSON_IsString(v) && (strcmp(v->valuestring, "off") == 0 || strcmp(v->valuestring, "non-main") == 0 ||
					  strcmp(v->valuestring, "all") == 0))
			imp_kv(im, p, "mode", v->valuestring);
		else
			imp_drop(im, p, "chela's modes are off, non-main and all");
	}
	imp_path(p, sizeof p, path, "scope");
	if ((v = get(sb, "scope")))
		imp_scalar(im, v, p, "scope");
	else if ((v = get(sb, "perSession")) && cJSON_IsBool(v))
		imp_kv(im, p, "scope", cJSON_IsTrue(v) ? "session" : "shared");
	else if (is_defaults) {
		imp_kv(im, p, "scope", "agent");
		imp_note(im, "%s was not set: OpenClaw's default is agent (chela's is session), so scope = agent", p);
	}
	if ((v = get(sb, "workspaceAccess"))) {
		imp_path(p, sizeof p, path, "workspaceAccess");
		imp_scalar(im, v, p, "workspace_access");
	}
	if ((v = get(sb, "workspaceRoot"))) {
		imp_path(p, sizeof p, path, "workspaceRoot");
		imp_scalar(im, v, p, "workspace_root");
	}
	if (cJSON_IsObject(v = get(sb, "docker"))) {
		imp_path(p, sizeof p, path, "docker");
		snprintf(sec, sizeof sec, "%s.docker", section);
		imp_docker(im, v, p, sec);
	}
	if (cJSON_IsObject(prune = get(sb, "prune"))) {
		static const char *const pr_handled[] = {"idleHours", "maxAgeDays", NULL};

		imp_section(im, "%s.prune", section);
		imp_path(p, sizeof p, path, "prune.idleHours");
		if ((v = get(prune, "idleHours")))
			imp_scalar(im, v, p, "idle_hours");
		imp_path(p, sizeof p, path, "prune.maxAgeDays");
		if ((v = get(prune, "maxAgeDays")))
			imp_scalar(im, v, p, "max_age_days");
		imp_path(p, sizeof p, path, "prune");
		imp_rest(im, prune, p, pr_handled, NULL);
	}
	imp_rest(im, sb, path, handled, reasons);
}

static int provider_used(struct imp *im, const char *name)
{
	int i;

	for (i = 0; i < im->nused_providers; i++)
		if (strcmp(im->used_providers[i], name) == 0)
			return 1;
	if (im->nused_providers < IMP_PROVIDERS_MAX)
		snprintf(im->used_providers[im->nused_providers++], sizeof im->used_providers[0], "%s", name);
	return 0;
}

/* see config_import_internal.h */
void imp_model(struct imp *im, const cJSON *model, const cJSON *models, const char *path, const char *section)
{
	char prov[64], p[IMP_PATH_MAX], env[96];
	const cJSON *primary = model, *custom, *v;
	const char *slash;
	size_t i;

	if (model == NULL)
		return;
	if (cJSON_IsObject(model)) {
		static const char *const handled[] = {"primary", NULL};
		static const struct imp_reason reasons[] = {{"fallbacks", "chela has no model fallback"}, {NULL, NULL}};

		primary = get(model, "primary");
		imp_rest(im, model, path, handled, reasons);
	}
	if (!cJSON_IsString(primary) || (slash = strchr(primary->valuestring, '/')) == NULL || slash[1] == '\0' ||
	    (size_t)(slash - primary->valuestring) >= sizeof prov) {
		imp_drop(im, path, "expected \"provider/model\"");
		return;
	}
	snprintf(prov, sizeof prov, "%.*s", (int)(slash - primary->valuestring), primary->valuestring);
	custom = get(get(models, "providers"), prov);
	imp_section(im, "%s", section);
	if (custom == NULL && (strcmp(prov, "anthropic") == 0 || strcmp(prov, "openai") == 0)) {
		imp_kv(im, path, "provider", prov);
		imp_kv(im, path, "model", slash + 1);
		return;
	}
	if (!cJSON_IsObject(custom) || !cJSON_IsString(get(custom, "baseUrl"))) {
		char why[320];

		snprintf(why, sizeof why, "provider \"%s\" is not built in and models.providers.%s has no baseUrl; "
			 "set [model] provider = openai and base_url", prov, prov);
		imp_drop(im, path, why);
		return;
	}
	provider_used(im, prov);
	v = get(custom, "api");
	imp_kv(im, path, "provider",
	       cJSON_IsString(v) && strncmp(v->valuestring, "anthropic", 9) == 0 ? "anthropic" : "openai");
	imp_kv(im, path, "model", slash + 1);
	snprintf(p, sizeof p, "models.providers.%s.baseUrl", prov);
	imp_scalar(im, get(custom, "baseUrl"), p, "base_url");
	if ((v = get(custom, "apiKey"))) {
		size_t n = (size_t)snprintf(env, sizeof env, "%s_API_KEY", prov);

		for (i = 0; i < n && i < sizeof env; i++)
			env[i] = isalnum((unsigned char)env[i]) ? (char)toupper((unsigned char)env[i]) : '_';
		snprintf(p, sizeof p, "models.providers.%s.apiKey", prov);
		imp_secret(im, v, p, "api_key", env);
	}
}

/* see config_import_internal.h */
void imp_models_rest(struct imp *im, const cJSON *models)
{
	static const char *const handled[] = {"providers", NULL};
	const cJSON *pr;

	if (!cJSON_IsObject(models))
		return;
	cJSON_ArrayForEach(pr, get(models, "providers")) {
		char p[IMP_PATH_MAX];
		int i, used = 0;

		for (i = 0; i < im->nused_providers; i++)
			used |= strcmp(im->used_providers[i], pr->string) == 0;
		if (used) {
			static const char *const p_handled[] = {"baseUrl", "apiKey", "api", NULL};
			static const struct imp_reason p_reasons[] = {
				{"models", "chela takes the model name from the agent's model"}, {NULL, NULL}};

			snprintf(p, sizeof p, "models.providers.%s", pr->string);
			imp_rest(im, pr, p, p_handled, p_reasons);
			continue;
		}
		snprintf(p, sizeof p, "models.providers.%s", pr->string);
		imp_drop(im, p, "no agent's primary model uses it");
	}
	imp_rest(im, models, "models", handled, NULL);
}

/* see config_import_internal.h */
void imp_agent_defaults(struct imp *im, const cJSON *agents)
{
	static const char *const handled[] = {"workspace", "sandbox", "model", NULL};
	static const struct imp_reason reasons[] = {
		{"models", "chela has no model catalog or aliases"},
		{"heartbeat", "chela has no heartbeat"},
		{"compaction", "chela has no transcript compaction"},
		{NULL, NULL}};
	const cJSON *d = get(agents, "defaults"), *v;

	if (cJSON_IsObject(d)) {
		imp_section(im, "agents.defaults");
		if ((v = get(d, "workspace")))
			imp_scalar(im, v, "agents.defaults.workspace", "workspace");
		imp_sandbox(im, get(d, "sandbox"), "agents.defaults.sandbox", "agents.defaults.sandbox", 1);
		imp_rest(im, d, "agents.defaults", handled, reasons);
	}
	if (!cJSON_IsObject(get(d, "sandbox"))) {
		/* Per-agent sandboxes without a defaults block still inherit OpenClaw's default scope. */
		const cJSON *list = get(agents, "list"), *a;
		int any = 0;

		if (!cJSON_IsArray(list))
			list = get(agents, "entries");
		cJSON_ArrayForEach(a, list) any |= get(a, "sandbox") != NULL && get(get(a, "sandbox"), "scope") == NULL;
		if (any) {
			imp_section(im, "agents.defaults.sandbox");
			imp_kv(im, "agents.defaults.sandbox.scope", "scope", "agent");
			imp_note(im, "agents.defaults.sandbox.scope was not set: OpenClaw's default is agent "
				     "(chela's is session), so scope = agent");
		}
	}
}

static int valid_agent_id(const char *id)
{
	size_t i;

	if (id[0] == '\0' || strlen(id) > IMP_AGENT_ID_MAX || id[0] == '-' || id[0] == '_')
		return 0;
	for (i = 0; id[i]; i++)
		if (!islower((unsigned char)id[i]) && !isdigit((unsigned char)id[i]) && id[i] != '-' && id[i] != '_')
			return 0;
	return 1;
}

static void imp_agent(struct imp *im, const cJSON *a, const char *id, const char *path, const cJSON *models)
{
	static const char *const handled[] = {"id", "workspace", "sandbox", "tools", "model", "default", NULL};
	static const struct imp_reason reasons[] = {
		{"name", "chela names agents by id"},
		{"identity", "put the agent's identity in its workspace IDENTITY.md"},
		{"agentDir", "chela keeps agent state under <state>/agents/<id>"},
		{"groupChat", "no chela equivalent"},
		{"subagents", "chela has no sub-agent spawning"},
		{"skills", "skills are read from the workspace skills/ folder"},
		{"runtime", "chela runs its own agent loop"},
		{NULL, NULL}};
	char p[IMP_PATH_MAX], sec[IMP_SECTION_MAX];
	const cJSON *v;

	if (!valid_agent_id(id)) {
		imp_drop(im, path, "chela agent ids are lowercase letters, digits, - and _ (at most 48)");
		return;
	}
	imp_section(im, "agent.%s", id);
	if ((v = get(a, "workspace"))) {
		imp_path(p, sizeof p, path, "workspace");
		imp_scalar(im, v, p, "workspace");
	}
	if ((v = get(a, "default")) && cJSON_IsTrue(v) && strcmp(id, "main") != 0)
		imp_note(im, "%s was OpenClaw's default agent; chela's default agent is main (use --agent %s)", path, id);
	imp_path(p, sizeof p, path, "model");
	snprintf(sec, sizeof sec, "agent.%s.model", id);
	imp_model(im, get(a, "model"), models, p, sec);
	imp_path(p, sizeof p, path, "sandbox");
	snprintf(sec, sizeof sec, "agent.%s.sandbox", id);
	imp_sandbox(im, get(a, "sandbox"), p, sec, 0);
	imp_path(p, sizeof p, path, "tools");
	snprintf(sec, sizeof sec, "agent.%s.tools", id);
	imp_tools(im, get(a, "tools"), p, sec);
	imp_rest(im, a, path, handled, reasons);
}

/* see config_import_internal.h */
void imp_agent_list(struct imp *im, const cJSON *agents, const cJSON *models)
{
	static const char *const handled[] = {"defaults", "list", "entries", NULL};
	const cJSON *list = get(agents, "list"), *a;
	char p[IMP_PATH_MAX];
	int i = 0;

	if (!cJSON_IsObject(agents))
		return;
	if (cJSON_IsArray(list)) {
		cJSON_ArrayForEach(a, list) {
			const cJSON *id = get(a, "id");

			snprintf(p, sizeof p, "agents.list[%d]", i++);
			if (!cJSON_IsString(id))
				imp_drop(im, p, "an agent needs an id");
			else
				imp_agent(im, a, id->valuestring, p, models);
		}
	} else if (list != NULL) {
		imp_drop(im, "agents.list", "expected a list of agents");
	}
	cJSON_ArrayForEach(a, get(agents, "entries")) {
		snprintf(p, sizeof p, "agents.entries.%s", a->string);
		imp_agent(im, a, a->string, p, models);
	}
	imp_rest(im, agents, "agents", handled, NULL);
}
