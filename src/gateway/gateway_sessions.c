/*
 * gateway/gateway_sessions.c — the session methods, served from the session store:
 *
 *   chat.history {sessionKey?, agentId?, limit?} → {sessionKey, messages[]} (the newest `limit`
 *     messages of the current transcript, oldest first, in the shape the web page and OpenClaw
 *     clients read: user/assistant with content [{type:"text"} | {type:"toolCall"}], tool results
 *     as role "toolResult" with toolCallId, toolName, isError and where they ran)
 *   sessions.list {agentId?} → {sessions[], count}
 *   sessions.reset {key | sessionKey, agentId?} → {ok, key}: a new transcript under the key.
 */
#include "gateway/gateway_app_int.h"

#include "config/config.h"
#include "session/session.h"
#include "util/log.h"

#include <cJSON.h>
#include <string.h>

#define HISTORY_DEFAULT_LIMIT 200
#define HISTORY_MAX_LIMIT     1000

static void copy_item(cJSON *to, const cJSON *from, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, name);

	if (v)
		cJSON_AddItemToObject(to, name, cJSON_Duplicate(v, 1));
}

static cJSON *text_part(const char *text)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "type", "text");
	cJSON_AddStringToObject(p, "text", text);
	return p;
}

/* One transcript entry → one history message (NULL for entries that are not messages). */
static cJSON *history_message(const cJSON *e)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(e, "role");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(e, "content");
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(e, "toolCalls"), *call;
	const char *text = cJSON_IsString(content) ? content->valuestring : "";
	cJSON *m, *parts;

	if (!cJSON_IsString(type) || strcmp(type->valuestring, "message") != 0 || !cJSON_IsString(role))
		return NULL;
	m = cJSON_CreateObject();
	if (strcmp(role->valuestring, "tool") == 0) {
		cJSON_AddStringToObject(m, "role", "toolResult");
		cJSON_AddStringToObject(m, "content", text);
		copy_item(m, e, "toolCallId");
		copy_item(m, e, "toolName");
		copy_item(m, e, "isError");
		copy_item(m, e, "where");
	} else {
		cJSON_AddStringToObject(m, "role", role->valuestring);
		parts = cJSON_AddArrayToObject(m, "content");
		if (text[0] || !cJSON_IsArray(calls))
			cJSON_AddItemToArray(parts, text_part(text));
		cJSON_ArrayForEach(call, calls) {
			const cJSON *args = cJSON_GetObjectItemCaseSensitive(call, "arguments");
			cJSON *p = cJSON_CreateObject(), *parsed = NULL;

			cJSON_AddStringToObject(p, "type", "toolCall");
			copy_item(p, call, "id");
			copy_item(p, call, "name");
			if (cJSON_IsString(args) && (parsed = cJSON_Parse(args->valuestring)) != NULL)
				cJSON_AddItemToObject(p, "arguments", parsed);
			else
				copy_item(p, call, "arguments");
			cJSON_AddItemToArray(parts, p);
		}
	}
	copy_item(m, e, "runId");
	if (cJSON_GetObjectItemCaseSensitive(e, "ts"))
		cJSON_AddItemToObject(m, "timestamp", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "ts"), 1));
	return m;
}

void gateway_chat_history(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(params, "limit"), *e;
	char warning[ERR_LEN] = "", err[ERR_LEN] = "";
	struct gateway_app_target tg;
	cJSON *entries = NULL, *msgs, *m;
	int limit = HISTORY_DEFAULT_LIMIT, n, skip;

	(void)job;
	if (gateway_app_resolve(ac->cfg, params, "sessionKey", &tg, res) < 0)
		goto done;
	if (lim && !cJSON_IsNull(lim)) {
		if (!cJSON_IsNumber(lim) || lim->valuedouble < 1) {
			gateway_result_error(res, 400, "invalid_request", "\"limit\" must be a positive number");
			goto done;
		}
		limit = lim->valuedouble > HISTORY_MAX_LIMIT ? HISTORY_MAX_LIMIT : (int)lim->valuedouble;
	}
	entries = session_load(app->store, tg.agent->id, tg.key, warning, sizeof warning, err, sizeof err);
	if (entries == NULL) {
		gateway_result_error(res, 500, "session_error", "%s", err);
		goto done;
	}
	if (warning[0])
		log_event(LOG_WARN, "session.load", "session=%s warning=%s", log_quote(tg.key), log_quote(warning));
	msgs = cJSON_CreateArray();
	cJSON_ArrayForEach(e, entries)
		if ((m = history_message(e)) != NULL)
			cJSON_AddItemToArray(msgs, m);
	for (n = cJSON_GetArraySize(msgs), skip = n - limit; skip > 0; skip--)
		cJSON_DeleteItemFromArray(msgs, 0);
	res->payload = cJSON_CreateObject();
	cJSON_AddStringToObject(res->payload, "sessionKey", tg.key);
	cJSON_AddItemToObject(res->payload, "messages", msgs);
done:
	cJSON_Delete(entries);
	gateway_app_cfg_put(app, ac);
}

void gateway_sessions_list(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const char *agent_id = NULL;
	char err[ERR_LEN] = "";
	cJSON *list;

	(void)job;
	if (gateway_app_param_str(params, "agentId", CONFIG_AGENT_ID_MAX, &agent_id, res) < 0)
		goto done;
	if (agent_id && agent_id[0] && config_agent_find(ac->cfg, agent_id) == NULL) {
		gateway_result_error(res, 404, "not_found", "no agent \"%s\"", agent_id);
		goto done;
	}
	list = session_list(app->store, ac->cfg, agent_id && agent_id[0] ? agent_id : NULL, err, sizeof err);
	if (list == NULL) {
		gateway_result_error(res, 500, "session_error", "%s", err);
		goto done;
	}
	res->payload = cJSON_CreateObject();
	cJSON_AddNumberToObject(res->payload, "count", cJSON_GetArraySize(list));
	cJSON_AddItemToObject(res->payload, "sessions", list);
done:
	gateway_app_cfg_put(app, ac);
}

void gateway_sessions_reset(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	char err[ERR_LEN] = "";
	struct gateway_app_target tg;
	int rc;

	(void)job;
	/* OpenClaw names the session `key`; the page sends both. */
	if (gateway_app_resolve(ac->cfg, params, cJSON_GetObjectItemCaseSensitive(params, "key") ? "key" : "sessionKey", &tg,
			res) < 0)
		goto done;
	/* Under the turn lock: a reset in the middle of a turn would split it across two files. */
	session_lock(app->store, tg.agent->id, tg.key);
	rc = session_reset(app->store, tg.agent->id, tg.key, err, sizeof err);
	session_unlock(app->store, tg.agent->id, tg.key);
	if (rc < 0) {
		gateway_result_error(res, 500, "session_error", "%s", err);
		goto done;
	}
	log_event(LOG_INFO, "session.reset", "session=%s via=ws", log_quote(tg.key));
	res->payload = cJSON_CreateObject();
	cJSON_AddTrueToObject(res->payload, "ok");
	cJSON_AddStringToObject(res->payload, "key", tg.key);
done:
	gateway_app_cfg_put(app, ac);
}
