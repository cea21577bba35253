/*
 * gateway/gateway_app_int.h — shared by the gateway_app*.c, gateway_chat.c, gateway_runs.c and
 * gateway_openai.c files only: the app's state and the helpers its hooks have in common.
 *
 * Contract: gateway_app_cfg_get() hands out the current config with a reference; every get is
 * paired with gateway_app_cfg_put(). gateway_app_resolve() turns request params {sessionKey?,
 * agentId?} into an agent and a canonical session key, or fills res with a 400/404 error and
 * returns -1. The hooks below are the gateway.h method hooks, one file each side.
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

struct gateway_app_cfg {
	struct config *cfg;
	int refs;
};

struct gateway_app {
	pthread_mutex_t mu;      /* guards cur, the refcounts and the run registry */
	struct gateway_app_cfg *cur;
	struct session_store *store;
	struct gateway_run *runs; /* running turns (gateway_runs.c) */
	struct gateway_run *done; /* recently finished, for idempotent retries */
	int ndone;
};

struct gateway_app_cfg *gateway_app_cfg_get(struct gateway_app *app);
void gateway_app_cfg_put(struct gateway_app *app, struct gateway_app_cfg *c);

struct gateway_app_target {
	const struct config_agent *agent;
	char key[SESSION_KEY_MAX + 1];
};

/* key_field: the params member holding the session key ("sessionKey"; NULL = none). */
int gateway_app_resolve(const struct config *cfg, const cJSON *params, const char *key_field,
			struct gateway_app_target *t, struct gateway_result *res);

/* A string member of params, or NULL; a member of another type is a 400 (returns -1). */
int gateway_app_param_str(const cJSON *params, const char *name, size_t max, const char **out,
			  struct gateway_result *res);

/* The chat and session hooks (gateway_chat.c, gateway_sessions.c, gateway_openai.c). */
void gateway_chat_send(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);
void gateway_chat_history(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);
void gateway_chat_abort(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);
void gateway_sessions_list(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);
void gateway_sessions_reset(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);
void gateway_openai_completions(void *ctx, struct gateway_job *job, const cJSON *params,
				struct gateway_result *res);

#endif
