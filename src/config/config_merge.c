/*
 * config/config_merge.c — building each agent's effective settings, and saying where a value
 * came from.
 *
 * An agent is rebuilt by replaying assignments over the built-in defaults: [agents.defaults.*]
 * first, then the agent's own sections. Scalars override; a list assigned in a later layer
 * replaces the earlier layer's list, except binds (CF_CONCAT), which concatenate; env maps merge
 * by key. Under scope shared one container serves every agent, so an agent's own docker settings
 * cannot apply: they are skipped with a warning.
 */
#include "config/config_internal.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cfg_warn(struct config *cfg, const char *msg);

/* Replay one layer's assignments for `agent` (-1: the defaults layer) into a. */
static int replay(const struct config *cfg, struct config_agent *a, int layer, int agent, int skip_docker,
		  int *replaced)
{
	const struct config_internal *in = cfg->internal;
	char err[ERR_LEN];
	int i, skipped = 0;

	for (i = 0; i < in->nassigns; i++) {
		const struct cfg_assign *as = &in->assigns[i];
		const struct cfg_field *f = &cfg_fields[as->field];
		void *base;
		int replace = 0;

		if (as->layer != layer || as->agent != agent)
			continue;
		if (skip_docker && (f->flags & CF_DOCKER)) {
			skipped++;
			continue;
		}
		if (f->owner == CO_TOOLS && layer != CFG_LAYER_AGENT)
			continue; /* the global tool layer lives in cfg->tools */
		base = f->owner == CO_TOOLS ? (void *)&a->tools : (void *)a;
		if (f->type == CT_LIST && !(f->flags & CF_CONCAT) && replaced[as->field] != layer) {
			replace = 1; /* first assignment in this layer replaces the inherited list */
			replaced[as->field] = layer;
		}
		if (cfg_apply(f, base, as->envkey, as->value, replace, cfg->state_dir, err, sizeof err) < 0)
			return -1; /* validated when read: cannot happen */
	}
	return skipped;
}

static int build_agent(struct config *cfg, struct config_agent *a, const char *id, int agent)
{
	int *replaced = xcalloc((size_t)cfg_nfields, sizeof *replaced);
	int skipped, set_workspace = 0, i;

	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	cfg_apply_defaults(CO_AGENT, a, cfg->state_dir);
	if (replay(cfg, a, CFG_LAYER_DEFAULTS, -1, 0, replaced) < 0)
		goto fail;
	if (agent >= 0) {
		a->line = cfg->internal->agent_lines[agent];
		if (replay(cfg, a, CFG_LAYER_AGENT, agent, 0, replaced) < 0)
			goto fail;
		for (i = 0; i < cfg->internal->nassigns; i++) {
			const struct cfg_assign *as = &cfg->internal->assigns[i];

			if (as->agent == agent && strcmp(cfg_fields[as->field].key, "workspace") == 0 &&
			    cfg_fields[as->field].section[0] == '\0')
				set_workspace = 1;
		}
	}
	/* Only the default agent inherits the default workspace; others get their own. */
	if (strcmp(id, "main") != 0 && !set_workspace) {
		char name[128];

		snprintf(name, sizeof name, "workspace-%s", id);
		free(a->workspace);
		a->workspace = fs_path_join(cfg->state_dir, name);
	}
	if (agent >= 0 && a->sandbox.scope == SANDBOX_SCOPE_SHARED) {
		/* Rebuild without the agent's docker settings: the shared container has one set. */
		enum sandbox_scope scope = a->sandbox.scope;
		char *workspace = xstrdup(a->workspace);

		for (i = 0; i < cfg_nfields; i++) {
			if (cfg_fields[i].owner == CO_AGENT)
				cfg_release(&cfg_fields[i], a);
			else if (cfg_fields[i].owner == CO_TOOLS)
				cfg_release(&cfg_fields[i], &a->tools);
		}
		memset(replaced, 0, sizeof *replaced * (size_t)cfg_nfields);
		cfg_apply_defaults(CO_AGENT, a, cfg->state_dir);
		replay(cfg, a, CFG_LAYER_DEFAULTS, -1, 0, replaced);
		skipped = replay(cfg, a, CFG_LAYER_AGENT, agent, 1, replaced);
		a->sandbox.scope = scope;
		free(a->workspace);
		a->workspace = workspace;
		if (skipped > 0) {
			char msg[512];

			snprintf(msg, sizeof msg,
				 "agent \"%s\": %d setting%s in [agent.%s.sandbox.docker*] ignored under scope shared "
				 "(the shared container uses [agents.defaults.sandbox.docker])",
				 id, skipped, skipped == 1 ? "" : "s", id);
			cfg_warn(cfg, msg);
		}
	}
	free(replaced);
	return 0;
fail:
	free(replaced);
	return -1;
}

int cfg_merge_agents(struct config *cfg)
{
	struct config_internal *in = cfg->internal;
	int i, main_idx = -1;

	for (i = 0; i < in->nagent_ids; i++)
		if (strcmp(in->agent_ids[i], "main") == 0)
			main_idx = i;
	cfg->agents = xcalloc((size_t)in->nagent_ids + 1, sizeof *cfg->agents);
	cfg->nagents = 0;
	if (build_agent(cfg, &cfg->agents[cfg->nagents++], "main", main_idx) < 0)
		return -1;
	for (i = 0; i < in->nagent_ids; i++) {
		if (i == main_idx)
			continue;
		if (build_agent(cfg, &cfg->agents[cfg->nagents++], in->agent_ids[i], i) < 0)
			return -1;
	}
	return 0;
}

const struct config_agent *config_agent_find(const struct config *cfg, const char *id)
{
	int i;

	if (id == NULL || *id == '\0')
		id = "main";
	for (i = 0; i < cfg->nagents; i++)
		if (strcmp(cfg->agents[i].id, id) == 0)
			return &cfg->agents[i];
	return NULL;
}

int config_origin(const struct config *cfg, const char *agent_id, const char *key, char *out, size_t outlen)
{
	const struct config_internal *in = cfg->internal;
	const struct cfg_field *f = NULL;
	char section[128];
	const char *dot = strrchr(key, '.');
	int i, agent = -1, line = 0, is_tools;

	snprintf(section, sizeof section, "%.*s", dot ? (int)(dot - key) : 0, key);
	is_tools = str_starts_with(key, "tools.");
	f = cfg_field_find(is_tools ? CO_TOOLS : CO_AGENT, section, dot ? dot + 1 : key);
	if (f == NULL || f->type == CT_ENVMAP)
		return -1;
	for (i = 0; i < in->nagent_ids; i++)
		if (agent_id && strcmp(in->agent_ids[i], agent_id) == 0)
			agent = i;
	/* The most specific layer that set it wins: the agent's own, then the defaults. */
	for (i = 0; i < in->nassigns; i++) {
		const struct cfg_assign *as = &in->assigns[i];

		if (&cfg_fields[as->field] != f)
			continue;
		if (agent >= 0 && as->agent == agent) {
			snprintf(out, outlen, "agent.%s.%s", agent_id, key);
			return as->line;
		}
		if (as->agent == -1 && !line && !is_tools) {
			snprintf(out, outlen, "%s.%s", as->section, f->key);
			line = as->line;
		}
	}
	if (line)
		return line;
	if (is_tools)
		snprintf(out, outlen, "%s", key);
	else
		snprintf(out, outlen, "agents.defaults.%s", key);
	return 0;
}

int config_key_looks_secret(const char *name)
{
	static const char *const marks[] = {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
					    "PRIVATE", "CREDENTIAL", "AUTH", "_KEY", "SESSION", "COOKIE", NULL};
	char up[256];
	size_t i;

	for (i = 0; name[i] && i < sizeof up - 1; i++)
		up[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i]);
	up[i] = '\0';
	for (i = 0; marks[i]; i++)
		if (strstr(up, marks[i]))
			return 1;
	return str_ends_with(up, "KEY");
}
