/*
 * gateway/gateway_app.c — the app's life cycle (config references across SIGHUP, the one
 * session store), the request-target rule shared by every hook, and the two hooks that are
 * one call each into another module: POST /tools/invoke and sandbox.explain.
 */
#include "gateway/gateway_app_int.h"
#include "gateway/gateway_runs.h"

#include "config/config.h"
#include "docker/docker.h"
#include "policy/explain_doc.h"
#include "policy/policy.h"
#include "sandbox/sandbox_manager.h"
#include "session/session.h"
#include "tools/tool_invoke.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

struct gateway_app_cfg *gateway_app_cfg_get(struct gateway_app *app)
{
	struct gateway_app_cfg *c;

	pthread_mutex_lock(&app->mu);
	c = app->cur;
	c->refs++;
	pthread_mutex_unlock(&app->mu);
	return c;
}

void gateway_app_cfg_put(struct gateway_app *app, struct gateway_app_cfg *c)
{
	int last;

	pthread_mutex_lock(&app->mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&app->mu);
	if (last) {
		config_free(c->cfg);
		free(c);
	}
}

static struct gateway_app_cfg *cfg_ref_new(struct config *cfg)
{
	struct gateway_app_cfg *c = xcalloc(1, sizeof *c);

	c->cfg = cfg;
	c->refs = 1; /* the app's own reference, dropped when it is replaced */
	return c;
}

struct gateway_app *gateway_app_open(struct config *cfg, char *err, size_t errlen)
{
	struct gateway_app *app = xcalloc(1, sizeof *app);

	app->store = session_store_open(cfg->state_dir, err, errlen);
	if (app->store == NULL) {
		config_free(cfg);
		free(app);
		return NULL;
	}
	pthread_mutex_init(&app->mu, NULL);
	app->cur = cfg_ref_new(cfg);
	return app;
}

void gateway_app_reload(struct gateway_app *app, struct config *cfg)
{
	struct gateway_app_cfg *old;

	pthread_mutex_lock(&app->mu);
	old = app->cur;
	app->cur = cfg_ref_new(cfg);
	pthread_mutex_unlock(&app->mu);
	gateway_app_cfg_put(app, old);
}

void gateway_app_close(struct gateway_app *app)
{
	int busy;

	if (app == NULL)
		return;
	pthread_mutex_lock(&app->mu);
	busy = app->runs != NULL;
	pthread_mutex_unlock(&app->mu);
	/* A turn that did not stop within the shutdown grace still uses the store and the config:
	 * leave them to the process exit rather than free them under it. */
	if (busy) {
		log_event(LOG_WARN, "gateway.close", "reason=turns_still_running");
		return;
	}
	session_store_close(app->store);
	gateway_runs_free(app);
	gateway_app_cfg_put(app, app->cur);
	pthread_mutex_destroy(&app->mu);
	free(app);
}

int gateway_app_param_str(const cJSON *params, const char *name, size_t max, const char **out,
			  struct gateway_result *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || strlen(v->valuestring) > max) {
		gateway_result_error(res, 400, "invalid_request", "\"%s\" must be a string of at most %zu bytes", name, max);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

/* see gateway_app_int.h — the same rule as `chela agent --session/--agent` */
int gateway_app_resolve(const struct config *cfg, const cJSON *params, const char *key_field,
			struct gateway_app_target *t, struct gateway_result *res)
{
	const char *raw = NULL, *agent_id = NULL;
	char from_key[CONFIG_AGENT_ID_MAX + 8], err[ERR_LEN];

	memset(t, 0, sizeof *t);
	if ((key_field && gateway_app_param_str(params, key_field, SESSION_KEY_MAX, &raw, res) < 0) ||
	    gateway_app_param_str(params, "agentId", CONFIG_AGENT_ID_MAX, &agent_id, res) < 0)
		return -1;
	if (raw && raw[0] == '\0')
		raw = NULL;
	if (agent_id && agent_id[0] == '\0')
		agent_id = NULL;
	if (raw && session_key_agent(raw, from_key, sizeof from_key) == 0) {
		if (agent_id && strcmp(agent_id, from_key) != 0) {
			gateway_result_error(res, 400, "invalid_request", "session %.200s belongs to agent \"%s\", not \"%s\"",
					     raw, from_key, agent_id);
			return -1;
		}
		agent_id = from_key;
	}
	t->agent = config_agent_find(cfg, agent_id);
	if (t->agent == NULL) {
		gateway_result_error(res, 404, "not_found", "no agent \"%s\" in %s (agents are [agent.<id>] sections)",
				     agent_id, cfg->path ? cfg->path : "the config");
		return -1;
	}
	if (session_key_normalize(cfg, t->agent->id, raw, t->key, sizeof t->key, err, sizeof err) < 0) {
		gateway_result_error(res, 400, "invalid_request", "%s", err);
		return -1;
	}
	return 0;
}

/*
 * POST /tools/invoke {tool, args, sessionKey?, agentId?}: the same path as `chela tool` and the
 * agent. exec and process run commands, so over HTTP they also need [gateway] http_tools_exec:
 * a leaked token must not be a remote shell by default.
 */
static void hook_tools_invoke(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const struct config *cfg = ac->cfg;
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(params, "tool");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "args");
	struct tools_call call;
	struct gateway_app_target t;
	char *argtext = NULL, *out = NULL;
	int status = TOOLS_FAILED, id;

	(void)job;
	if (gateway_app_resolve(cfg, params, "sessionKey", &t, res) < 0)
		goto done;
	id = policy_tool_find(tool->valuestring);
	if (id < 0) {
		gateway_result_error(res, 404, "not_found", "no tool named '%.40s' (tools: exec, process, read, write, edit, "
				     "apply_patch)", tool->valuestring);
		goto done;
	}
	if (policy_entry_matches("group:runtime", (enum policy_tool)id) && !cfg->gateway.http_tools_exec) {
		cJSON *d = cJSON_CreateObject();

		log_event(LOG_INFO, "tools.denied", "tool=%s via=http layer=gateway key=gateway.http_tools_exec",
			  tool->valuestring);
		cJSON_AddFalseToObject(d, "ok");
		cJSON_AddTrueToObject(d, "denied");
		cJSON_AddStringToObject(d, "tool", tool->valuestring);
		cJSON_AddStringToObject(d, "layer", "gateway");
		cJSON_AddStringToObject(d, "key", "gateway.http_tools_exec");
		cJSON_AddStringToObject(d, "error", "exec-class tools (exec, process) are denied over HTTP: set "
				       "[gateway] http_tools_exec = true to allow them");
		res->payload = d;
		res->http_status = 403;
		goto done;
	}
	argtext = args ? cJSON_PrintUnformatted(args) : xstrdup("{}");
	memset(&call, 0, sizeof call);
	call.cfg = cfg;
	call.agent = t.agent;
	call.session_key = t.key;
	call.tool = tool->valuestring;
	call.args = argtext;
	call.argslen = strlen(argtext);
	out = tools_invoke(&call, &status);
	res->payload = cJSON_Parse(out);
	if (res->payload == NULL)
		gateway_result_error(res, 500, "internal", "the tool's result was not JSON");
	else
		res->http_status = status == TOOLS_DENIED ? 403 : status == TOOLS_UNKNOWN ? 404 : 200;
done:
	free(argtext);
	free(out);
	gateway_app_cfg_put(app, ac);
}

/*
 * sandbox.explain {sessionKey?, agentId?, sender?}: the one explain document (policy/explain_doc.h)
 * that `chela sandbox explain --json` prints, with the container's live state when the engine
 * answers.
 */
static void hook_sandbox_explain(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const char *key = NULL, *agent_id = NULL, *sender = NULL;
	struct docker docker;
	struct sandbox_mgr mgr;
	char engine_err[ERR_LEN] = "", err[ERR_LEN] = "";
	int connected;

	(void)job;
	if (gateway_app_param_str(params, "sessionKey", SESSION_KEY_MAX, &key, res) < 0 ||
	    gateway_app_param_str(params, "agentId", CONFIG_AGENT_ID_MAX, &agent_id, res) < 0 ||
	    gateway_app_param_str(params, "sender", SESSION_KEY_MAX, &sender, res) < 0)
		goto done;
	connected = docker_open(&docker, NULL, engine_err, sizeof engine_err) == 0;
	sandbox_mgr_init(&mgr, ac->cfg, connected ? &docker : NULL, NULL, 0);
	res->payload = explain_doc_build_live(ac->cfg, agent_id, key && key[0] ? key : NULL, sender,
					      connected ? &mgr : NULL, engine_err, err, sizeof err);
	sandbox_mgr_free(&mgr);
	if (res->payload == NULL)
		gateway_result_error(res, strstr(err, "no agent") ? 404 : 400,
				     strstr(err, "no agent") ? "not_found" : "invalid_request", "%s", err);
done:
	gateway_app_cfg_put(app, ac);
}

void gateway_app_hooks(struct gateway_app *app, struct gateway_hooks *out)
{
	memset(out, 0, sizeof *out);
	out->ctx = app;
	out->chat_send = gateway_chat_send;
	out->chat_history = gateway_chat_history;
	out->chat_abort = gateway_chat_abort;
	out->sessions_list = gateway_sessions_list;
	out->sessions_reset = gateway_sessions_reset;
	out->sandbox_explain = hook_sandbox_explain;
	out->tools_invoke = hook_tools_invoke;
	out->chat_completions = gateway_openai_completions;
}
