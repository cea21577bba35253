/*
 * gateway/gateway_app_int.h — shared by the gateway_app*.c, gateway_chat.c, gateway_runs.c and
 * gateway_openai.c files only: the app's state and the helpers its hooks have in common.
 *
 * Contract: app_cfg_get() hands out the current config with a reference; every get is paired
 * with app_cfg_put(). app_resolve() turns request params {sessionKey?, agentId?} into an agent
 * and a canonical session key, or fills res with a 400/404 error and returns -1.
 */
#ifndef CHELA_GATEWAY_GATEWAY_APP_INT_H
#define CHELA_GATEWAY_GATEWAY_APP_INT_H

#include "gateway/gateway_app.h"
#include "util/limits.h"

#include <pthread.h>

struct config;
struct config_agent;
struct session_store;
struct gateway_run;

struct app_cfg {
	struct config *cfg;
	int refs;
};

struct gateway_app {
	pthread_mutex_t mu;      /* guards cur, the refcounts and the run registry */
	struct app_cfg *cur;
	struct session_store *store;
	struct gateway_run *runs; /* running turns (gateway_runs.c) */
	struct gateway_run *done; /* recently finished, for idempotent retries */
	int ndone;
};

struct app_cfg *app_cfg_get(struct gateway_app *app);
void app_cfg_put(struct gateway_app *app, struct app_cfg *c);

struct app_target {
	const struct config_agent *agent;
	char key[SESSION_KEY_MAX + 1];
};

/* key_field: the params member holding the session key ("sessionKey"; NULL = none). */
int app_resolve(const struct config *cfg, const cJSON *params, const char *key_field, struct app_target *t,
		struct gateway_result *res);

/* A string member of params, or NULL; a member of another type is a 400 (returns -1). */
int app_param_str(const cJSON *params, const char *name, size_t max, const char **out, struct gateway_result *res);

#endif
