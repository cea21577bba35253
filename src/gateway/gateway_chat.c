/*
 * gateway/gateway_chat.c — chat.send, chat.abort and their events: one agent turn per
 * chat.send, run on the job's worker, streaming what happens to the clients as it happens.
 *
 *   chat.send {sessionKey?, agentId?, message, idempotencyKey?}
 *     → res {runId, status:"started"} as soon as the turn has an id (gateway_job_reply), then
 *       event chat  {runId, sessionKey, seq, state:"delta", delta}            while text streams
 *       event agent {runId, sessionKey, seq, stream:"tool", ts, data{phase:"start"|"end", name,
 *                    toolCallId, args | result, isError, where, durationMs}}  per tool call
 *       event chat  {..., state:"final", message{role, content[], timestamp}, usage, stopReason}
 *                   | {..., state:"error", errorMessage} | {..., state:"aborted"}
 *     A turn that fails before it started (bad session, agent setup) is a res error instead,
 *     never both, so a client never sees a run it cannot match.
 *   chat.abort {sessionKey?, runId?} → {ok, aborted, runIds[]}: cancels the job of each matching
 *     run; the job's cancel flag is the turn's abort flag, so a client that disconnects stops
 *     its turns the same way.
 *
 * Events go to every connected client (as OpenClaw does): a second tab on the same session
 * sees the turn too; clients filter by sessionKey.
 */
#include "gateway/gateway_app_int.h"
#include "gateway/gateway_runs.h"

#include "agent/agent.h"
#include "config/config.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAT_MESSAGE_MAX (1024 * 1024) /* one user message (the WS message cap bounds it anyway) */

struct chat_turn {
	struct gateway_job *job;
	struct gateway_app *app;
	struct gateway_run run;
	long seq;
	int started;
};

static cJSON *chat_payload(struct chat_turn *t, const char *state)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "runId", t->run.run_id);
	cJSON_AddStringToObject(p, "sessionKey", t->run.session_key);
	cJSON_AddNumberToObject(p, "seq", (double)++t->seq);
	if (state)
		cJSON_AddStringToObject(p, "state", state);
	return p;
}

/* Tool arguments and results are JSON text from the model or the tool: sent as JSON when they
 * parse, as the text itself when they do not (the model may send broken arguments). */
static cJSON *json_or_text(const char *text)
{
	cJSON *j = text ? cJSON_Parse(text) : NULL;

	return j ? j : cJSON_CreateString(text ? text : "");
}

static void on_start(void *ctx, const char *run_id, const char *session_key)
{
	struct chat_turn *t = ctx;
	cJSON *p = cJSON_CreateObject();

	gateway_runs_set_id(t->app, &t->run, run_id, session_key);
	t->started = 1;
	cJSON_AddStringToObject(p, "runId", run_id);
	cJSON_AddStringToObject(p, "sessionKey", session_key);
	cJSON_AddStringToObject(p, "status", "started");
	gateway_job_reply(t->job, p);
}

static void on_delta(void *ctx, const char *text, size_t len)
{
	struct chat_turn *t = ctx;
	cJSON *p;
	char *s;

	if (len == 0)
		return;
	p = chat_payload(t, "delta");
	s = xstrndup(text, len);
	cJSON_AddStringToObject(p, "delta", s);
	free(s);
	gateway_job_emit(t->job, "chat", p, 1);
}

static cJSON *tool_payload(struct chat_turn *t, const char *phase, const char *call_id, const char *tool,
			   const char *where, cJSON **data)
{
	cJSON *p = chat_payload(t, NULL);

	cJSON_AddStringToObject(p, "stream", "tool");
	cJSON_AddNumberToObject(p, "ts", (double)clock_wall_ms());
	*data = cJSON_AddObjectToObject(p, "data");
	cJSON_AddStringToObject(*data, "phase", phase);
	cJSON_AddStringToObject(*data, "name", tool);
	cJSON_AddStringToObject(*data, "toolCallId", call_id);
	cJSON_AddStringToObject(*data, "where", where && where[0] ? where : "host");
	return p;
}

static void on_tool_start(void *ctx, const char *call_id, const char *tool, const char *args_json, const char *where)
{
	struct chat_turn *t = ctx;
	cJSON *data, *p = tool_payload(t, "start", call_id, tool, where, &data);

	cJSON_AddItemToObject(data, "args", json_or_text(args_json));
	gateway_job_emit(t->job, "agent", p, 1);
}

static void on_tool_end(void *ctx, const char *call_id, const char *tool, const char *result_json, int is_error,
			const char *where, long duration_ms)
{
	struct chat_turn *t = ctx;
	cJSON *data, *p = tool_payload(t, "end", call_id, tool, where, &data);

	cJSON_AddItemToObject(data, "result", json_or_text(result_json));
	cJSON_AddBoolToObject(data, "isError", is_error);
	cJSON_AddNumberToObject(data, "durationMs", (double)duration_ms);
	gateway_job_emit(t->job, "agent", p, 1);
}

/* The assistant message as the page and OpenClaw clients read it. */
static cJSON *assistant_message(const char *text)
{
	cJSON *m = cJSON_CreateObject(), *content = cJSON_AddArrayToObject(m, "content"), *part;

	cJSON_AddStringToObject(m, "role", "assistant");
	part = cJSON_CreateObject();
	cJSON_AddStringToObject(part, "type", "text");
	cJSON_AddStringToObject(part, "text", text ? text : "");
	cJSON_AddItemToArray(content, part);
	cJSON_AddNumberToObject(m, "timestamp", (double)clock_wall_ms());
	return m;
}

static void turn_finished(struct chat_turn *t, enum agent_status st, const struct agent_turn_result *r,
			  const char *err, struct gateway_result *res)
{
	cJSON *p, *u;

	if (!t->started) {
		/* No run id went out: the request itself fails (or, for a turn that needed no model,
		 * e.g. "/new", answers with the outcome). */
		if (st == AGENT_OK) {
			res->payload = cJSON_CreateObject();
			cJSON_AddStringToObject(res->payload, "runId", r->run_id);
			cJSON_AddStringToObject(res->payload, "sessionKey", t->run.session_key);
			cJSON_AddStringToObject(res->payload, "status", "ok");
			cJSON_AddItemToObject(res->payload, "message", assistant_message(r->reply));
		} else if (st == AGENT_ABORTED) {
			gateway_result_error(res, 499, "aborted", "the turn was aborted before it started");
		} else {
			gateway_result_error(res, 502, "agent_error", "%s", err);
		}
		return;
	}
	if (st == AGENT_OK) {
		p = chat_payload(t, "final");
		cJSON_AddItemToObject(p, "message", assistant_message(r->reply));
		u = cJSON_AddObjectToObject(p, "usage");
		cJSON_AddNumberToObject(u, "input", (double)r->input_tokens);
		cJSON_AddNumberToObject(u, "output", (double)r->output_tokens);
		cJSON_AddStringToObject(p, "stopReason", r->stop_reason);
	} else if (st == AGENT_ABORTED) {
		p = chat_payload(t, "aborted");
	} else {
		p = chat_payload(t, "error");
		cJSON_AddStringToObject(p, "errorMessage", err);
	}
	gateway_job_emit(t->job, "chat", p, 1);
	res->payload = cJSON_CreateObject(); /* not sent: the early answer went instead */
}

void gateway_chat_send(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const char *message = NULL, *idem = NULL;
	struct agent_events ev = {0};
	struct agent_turn_req req;
	struct agent_turn_result r;
	struct chat_turn t;
	struct gateway_app_target tg;
	enum agent_status st;
	char err[ERR_LEN] = "", prev_id[AGENT_RUN_ID_LEN + 1];
	int running = 0;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	if (gateway_app_resolve(ac->cfg, params, "sessionKey", &tg, res) < 0 ||
	    gateway_app_param_str(params, "message", CHAT_MESSAGE_MAX, &message, res) < 0 ||
	    gateway_app_param_str(params, "idempotencyKey", GATEWAY_IDEM_MAX, &idem, res) < 0)
		goto done;
	if (message == NULL || message[strspn(message, " \t\r\n")] == '\0') {
		gateway_result_error(res, 400, "invalid_request", "\"message\" must be a non-empty string");
		goto done;
	}
	t.job = job;
	t.app = app;
	t.run.job = job;
	snprintf(t.run.session_key, sizeof t.run.session_key, "%s", tg.key);
	snprintf(t.run.idem, sizeof t.run.idem, "%s", idem ? idem : "");
	if (gateway_runs_add(app, &t.run, prev_id, sizeof prev_id, &running)) {
		/* A retry of a request we already have: point at that run instead of starting another. */
		res->payload = cJSON_CreateObject();
		cJSON_AddStringToObject(res->payload, "runId", prev_id);
		cJSON_AddStringToObject(res->payload, "sessionKey", tg.key);
		cJSON_AddStringToObject(res->payload, "status", running ? "in_flight" : "ok");
		goto done;
	}
	ev.ctx = &t;
	ev.on_start = on_start;
	ev.on_delta = on_delta;
	ev.on_tool_start = on_tool_start;
	ev.on_tool_end = on_tool_end;
	memset(&req, 0, sizeof req);
	req.cfg = ac->cfg;
	req.store = app->store;
	req.agent_id = tg.agent->id;
	req.session_key = tg.key;
	req.message = message;
	req.abort = gateway_job_cancel_flag(job);
	req.stream = 1;
	st = agent_turn(&req, &ev, &r, err, sizeof err);
	gateway_runs_remove(app, &t.run);
	log_event(st == AGENT_FAILED ? LOG_WARN : LOG_INFO, "chat.turn", "run=%s session=%s status=%s tools=%d%s%s",
		  r.run_id, log_quote(t.run.session_key),
		  st == AGENT_OK ? "ok" : st == AGENT_ABORTED ? "aborted" : "error", r.tool_calls,
		  st == AGENT_FAILED ? " error=" : "", st == AGENT_FAILED ? log_quote(err) : "");
	turn_finished(&t, st, &r, err, res);
	agent_result_free(&r);
done:
	gateway_app_cfg_put(app, ac);
}

void gateway_chat_abort(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const char *run_id = NULL;
	struct gateway_app_target tg;
	cJSON *ids;
	int n;

	(void)job;
	if (gateway_app_resolve(ac->cfg, params, "sessionKey", &tg, res) < 0 ||
	    gateway_app_param_str(params, "runId", AGENT_RUN_ID_LEN * 2, &run_id, res) < 0)
		goto done;
	ids = cJSON_CreateArray();
	n = gateway_runs_abort(app, tg.key, run_id && run_id[0] ? run_id : NULL, ids);
	res->payload = cJSON_CreateObject();
	cJSON_AddTrueToObject(res->payload, "ok");
	cJSON_AddBoolToObject(res->payload, "aborted", n > 0);
	cJSON_AddItemToObject(res->payload, "runIds", ids);
	log_event(LOG_INFO, "chat.abort", "session=%s run=%s aborted=%d", log_quote(tg.key),
		  log_quote(run_id ? run_id : ""), n);
done:
	gateway_app_cfg_put(app, ac);
}
