/* sandbox/sandbox_prune.c — see sandbox_manager.h (list the managed containers, prune them). */
#include "sandbox/sandbox_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_HOUR (3600LL * 1000)
#define MS_PER_DAY  (24 * MS_PER_HOUR)

/* Is this container named with a prefix some agent of this config uses? */
static int name_managed(const struct config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nagents; i++) {
		const char *p = cfg->agents[i].sandbox.docker.container_prefix;

		if (p && *p && str_starts_with(name, p))
			return 1;
	}
	return 0;
}

static const struct config_agent *entry_agent(const struct config *cfg, const char *agent_id)
{
	const struct config_agent *a = agent_id ? config_agent_find(cfg, agent_id) : NULL;

	return a ? a : &cfg->agents[0];
}

/* Would the current config build a container with another hash for this scope? */
static int entry_stale(const struct sandbox_mgr *m, const char *agent_id, const char *scope, const char *hash)
{
	const struct config_agent *a = agent_id ? config_agent_find(m->cfg, agent_id) : NULL;
	struct sandbox_spec s;
	int stale;

	if (a == NULL || scope == NULL || hash == NULL)
		return 1; /* its agent is gone from the config */
	if (sandbox_spec_build(a, scope, m->cfg->state_dir, &s, NULL, 0) < 0)
		return 1;
	stale = strcmp(s.hash, hash) != 0;
	sandbox_spec_free(&s);
	return stale;
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

int sandbox_list(struct sandbox_mgr *m, struct sandbox_entry **out, size_t *n, char *err, size_t errlen)
{
	const char *labels[] = {SANDBOX_LABEL "=1", NULL};
	struct docker_container *cs = NULL;
	size_t nc = 0, i;

	*out = NULL;
	*n = 0;
	if (docker_container_list(m->docker, labels, &cs, &nc, err, errlen) < 0)
		return -1;
	*out = xcalloc(nc + 1, sizeof **out);
	for (i = 0; i < nc; i++) {
		struct docker_container *c = &cs[i];
		struct sandbox_entry *e;
		const char *created = docker_container_label(c, SANDBOX_LABEL_CREATED);

		if (c->name == NULL || !name_managed(m->cfg, c->name))
			continue;
		e = &(*out)[(*n)++];
		e->name = xstrdup(c->name);
		e->id = dup_or_empty(c->id);
		e->image = dup_or_empty(c->image);
		e->scope = dup_or_empty(docker_container_label(c, SANDBOX_LABEL_SCOPE));
		e->agent = dup_or_empty(docker_container_label(c, SANDBOX_LABEL_AGENT));
		e->state = dup_or_empty(c->state);
		e->running = c->running;
		e->created_ms = created ? strtoll(created, NULL, 10) : c->created_unix * 1000;
		e->last_used_ms = sandbox_last_used_ms(m, c->name);
		if (e->last_used_ms < e->created_ms)
			e->last_used_ms = e->created_ms;
		e->stale = entry_stale(m, docker_container_label(c, SANDBOX_LABEL_AGENT),
				       docker_container_label(c, SANDBOX_LABEL_SCOPE),
				       docker_container_label(c, SANDBOX_LABEL_HASH));
	}
	docker_container_list_free(cs, nc);
	return 0;
}

void sandbox_list_free(struct sandbox_entry *list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++) {
		free(list[i].name);
		free(list[i].id);
		free(list[i].image);
		free(list[i].scope);
		free(list[i].agent);
		free(list[i].state);
	}
	free(list);
}

int sandbox_prune(struct sandbox_mgr *m, int64_t now_ms, int *removed,
		  void (*report)(const char *name, const char *why, void *ctx), void *ctx, char *err, size_t errlen)
{
	struct sandbox_entry *list = NULL;
	size_t n = 0, i;
	int rc = 0;

	*removed = 0;
	if (sandbox_list(m, &list, &n, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct config_prune *p = &entry_agent(m->cfg, list[i].agent)->sandbox.prune;
		int64_t idle = now_ms - list[i].last_used_ms, age = now_ms - list[i].created_ms;
		char why[128] = "";

		if (p->idle_hours > 0 && idle > p->idle_hours * MS_PER_HOUR)
			snprintf(why, sizeof why, "idle %lld h (idle_hours = %ld)", (long long)(idle / MS_PER_HOUR),
				 p->idle_hours);
		else if (p->max_age_days > 0 && age > p->max_age_days * MS_PER_DAY)
			snprintf(why, sizeof why, "%lld days old (max_age_days = %ld)", (long long)(age / MS_PER_DAY),
				 p->max_age_days);
		if (why[0] == '\0')
			continue;
		if (sandbox_remove(m, list[i].name, err, errlen) == -1) {
			rc = -1;
			break;
		}
		(*removed)++;
		if (report)
			report(list[i].name, why, ctx);
	}
	sandbox_list_free(list, n);
	return rc;
}
