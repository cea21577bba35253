/*
 * gateway/gateway_openai.c — POST /v1/chat/completions (only with [gateway] openai_http): an
 * OpenAI Chat Completions front door to one agent turn.
 *
 *   model "chela" (agent main) or "chela/<agent>"; anything else is a 400 naming both forms.
 *   The last user message is the turn's message (the transcript already holds the rest);
 *   `user` picks the session agent:<id>:openai:<user> (none: "default").
 *   stream false → a chat.completion object with usage; stream true → text/event-stream of
 *   chat.completion.chunk objects (role, content deltas as the model streams them, a last chunk
 *   with finish_reason, usage when stream_options.include_usage) and `data: [DONE]`.
 *
 * The stream's head is sent with the first text, so a turn that fails before saying anything
 * is still an honest HTTP error (502 with the model's sentence); one that fails later ends its
 * stream with an error object. A client that goes away cancels the job and so aborts the turn.
 */
#include "gateway/gateway_app_int.h"

#include "agent/agent.h"
#include "config/config.h"
#include "session/session.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPENAI_MODEL_PREFIX "chela"
#define OPENAI_USER_MAX     128

struct oai_turn {
	struct gateway_job *job;
	char id[AGENT_RUN_ID_LEN + 16];
	const char *model;
	long created;
	int stream, include_usage;
	int head_sent;
};

/* Send one SSE event with this JSON (owned) as data. */
static int sse_send(struct oai_turn *t, cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);
	struct buf b;
	int rc = -1;

	cJSON_Delete(obj);
	if (text == NULL)
		return -1;
	buf_init(&b, strlen(text) + 16);
	if (buf_printf(&b, "data: %s\n\n", text) == 0)
		rc = gateway_job_stream_write(t->job, b.data, b.len);
	buf_free(&b);
	free(text);
	return rc;
}

/* A chat.completion.chunk; delta is owned; finish may be NULL. */
static cJSON *chunk(const struct oai_turn *t, cJSON *delta, const char *finish)
{
	cJSON *c = cJSON_CreateObject(), *choices, *ch;

	cJSON_AddStringToObject(c, "id", t->id);
	cJSON_AddStringToObject(c, "object", "chat.completion.chunk");
	cJSON_AddNumberToObject(c, "created", (double)t->created);
	cJSON_AddStringToObject(c, "model", t->model);
	choices = cJSON_AddArrayToObject(c, "choices");
	if (delta) {
		ch = cJSON_CreateObject();
		cJSON_AddNumberToObject(ch, "index", 0);
		cJSON_AddItemToObject(ch, "delta", delta);
		if (finish)
			cJSON_AddStringToObject(ch, "finish_reason", finish);
		else
			cJSON_AddNullToObject(ch, "finish_reason");
		cJSON_AddItemToArray(choices, ch);
	}
	return c;
}

static cJSON *text_delta(const char *text, size_t len, int with_role)
{
	cJSON *d = cJSON_CreateObject();
	char *s = xstrndup(text, len);

	if (with_role)
		cJSON_AddStringToObject(d, "role", "assistant");
	cJSON_AddStringToObject(d, "content", s);
	free(s);
	return d;
}

/* The first text opens the stream: head, then a chunk carrying the role with that text. */
static void stream_text(struct oai_turn *t, const char *text, size_t len)
{
	if (!t->head_sent) {
		if (gateway_job_stream_start(t->job, 200, "text/event-stream; charset=utf-8") < 0)
			return;
		t->head_sent = 1;
		sse_send(t, chunk(t, text_delta(text, len, 1), NULL));
		return;
	}
	if (len)
		sse_send(t, chunk(t, text_delta(text, len, 0), NULL));
}

static void on_start(void *ctx, const char *run_id, const char *session_key)
{
	struct oai_turn *t = ctx;

	(void)session_key;
	snprintf(t->id, sizeof t->id, "chatcmpl-%s", run_id);
}

static void on_delta(void *ctx, const char *text, size_t len)
{
	struct oai_turn *t = ctx;

	if (t->stream && len)
		stream_text(t, text, len);
}

static const char *finish_reason(const char *stop)
{
	if (strcmp(stop, "max_tokens") == 0 || strcmp(stop, "length") == 0)
		return "length";
	return "stop";
}

static cJSON *usage(const struct agent_turn_result *r)
{
	cJSON *u = cJSON_CreateObject();

	cJSON_AddNumberToObject(u, "prompt_tokens", (double)r->input_tokens);
	cJSON_AddNumberToObject(u, "completion_tokens", (double)r->output_tokens);
	cJSON_AddNumberToObject(u, "total_tokens", (double)(r->input_tokens + r->output_tokens));
	return u;
}

static cJSON *completion(const struct oai_turn *t, const struct agent_turn_result *r)
{
	cJSON *c = cJSON_CreateObject(), *choices = NULL, *ch = cJSON_CreateObject(), *m;

	cJSON_AddStringToObject(c, "id", t->id);
	cJSON_AddStringToObject(c, "object", "chat.completion");
	cJSON_AddNumberToObject(c, "created", (double)t->created);
	cJSON_AddStringToObject(c, "model", t->model);
	choices = cJSON_AddArrayToObject(c, "choices");
	cJSON_AddNumberToObject(ch, "index", 0);
	m = cJSON_AddObjectToObject(ch, "message");
	cJSON_AddStringToObject(m, "role", "assistant");
	cJSON_AddStringToObject(m, "content", r->reply ? r->reply : "");
	cJSON_AddStringToObject(ch, "finish_reason", finish_reason(r->stop_reason));
	cJSON_AddItemToArray(choices, ch);
	cJSON_AddItemToObject(c, "usage", usage(r));
	return c;
}

static void stream_finish(struct oai_turn *t, enum agent_status st, const struct agent_turn_result *r,
			  const char *err)
{
	if (st == AGENT_OK) {
		if (!t->head_sent)
			stream_text(t, r->reply ? r->reply : "", r->reply ? strlen(r->reply) : 0);
		sse_send(t, chunk(t, cJSON_CreateObject(), finish_reason(r->stop_reason)));
		if (t->include_usage) {
			cJSON *u = chunk(t, NULL, NULL);

			cJSON_AddItemToObject(u, "usage", usage(r));
			sse_send(t, u);
		}
	} else if (st == AGENT_FAILED) {
		cJSON *e = cJSON_CreateObject(), *o = cJSON_AddObjectToObject(e, "error");

		cJSON_AddStringToObject(o, "message", err);
		cJSON_AddStringToObject(o, "type", "model_error");
		cJSON_AddStringToObject(o, "code", "model_error");
		sse_send(t, e);
	}
	gateway_job_stream_write(t->job, "data: [DONE]\n\n", 14);
}

/* The text of the last user message: a string, or the text parts of a content array. */
static char *last_user_text(const cJSON *messages)
{
	const cJSON *m, *last = NULL, *content, *part;
	struct buf b;

	cJSON_ArrayForEach(m, messages) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");

		if (cJSON_IsString(role) && strcmp(role->valuestring, "user") == 0)
			last = m;
	}
	content = cJSON_GetObjectItemCaseSensitive(last, "content");
	if (cJSON_IsString(content))
		return xstrdup(content->valuestring);
	if (!cJSON_IsArray(content))
		return NULL;
	buf_init(&b, GATEWAY_HTTP_BODY_MAX);
	cJSON_ArrayForEach(part, content) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");

		if (cJSON_IsString(type) && strcmp(type->valuestring, "text") == 0 && cJSON_IsString(text)) {
			if (b.len)
				buf_putc(&b, '\n');
			buf_puts(&b, text->valuestring);
		}
	}
	return b.data ? buf_take(&b) : NULL;
}

/* "chela" → main, "chela/<agent>" → that agent; else NULL with res filled. */
static const struct config_agent *model_agent(const struct config *cfg, const char *model, struct gateway_result *res)
{
	const struct config_agent *a = NULL;
	size_t n = strlen(OPENAI_MODEL_PREFIX);

	if (strcmp(model, OPENAI_MODEL_PREFIX) == 0)
		a = config_agent_find(cfg, "main");
	else if (strncmp(model, OPENAI_MODEL_PREFIX "/", n + 1) == 0 && model[n + 1])
		a = config_agent_find(cfg, model + n + 1);
	else {
		gateway_result_error(res, 400, "invalid_request_error",
				     "model \"%.100s\" is not served here: use \"chela\" (agent main) or \"chela/<agent>\"", model);
		return NULL;
	}
	if (a == NULL)
		gateway_result_error(res, 400, "invalid_request_error", "model \"%.100s\": no agent \"%.40s\" in the config",
				     model, model + n + 1);
	return a;
}

void gateway_openai_completions(void *ctx, struct gateway_job *job, const cJSON *body, struct gateway_result *res)
{
	struct gateway_app *app = ctx;
	struct gateway_app_cfg *ac = gateway_app_cfg_get(app);
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(body, "model");
	const cJSON *messages = cJSON_GetObjectItemCaseSensitive(body, "messages");
	const cJSON *stream = cJSON_GetObjectItemCaseSensitive(body, "stream");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(body, "user");
	const cJSON *sopts = cJSON_GetObjectItemCaseSensitive(body, "stream_options");
	const struct config_agent *agent;
	struct agent_events ev = {0};
	struct agent_turn_req req;
	struct agent_turn_result r;
	struct oai_turn t;
	char key[SESSION_KEY_MAX + 1], err[ERR_LEN] = "", *message = NULL;
	enum agent_status st;

	memset(&t, 0, sizeof t);
	memset(&r, 0, sizeof r);
	if (model && !cJSON_IsString(model)) {
		gateway_result_error(res, 400, "invalid_request_error", "\"model\" must be a string");
		goto done;
	}
	t.model = model ? model->valuestring : OPENAI_MODEL_PREFIX;
	if ((agent = model_agent(ac->cfg, t.model, res)) == NULL)
		goto done;
	if (!cJSON_IsArray(messages) || (message = last_user_text(messages)) == NULL ||
	    message[strspn(message, " \t\r\n")] == '\0') {
		gateway_result_error(res, 400, "invalid_request_error",
				     "\"messages\" must be an array ending with a user message that has text");
		goto done;
	}
	if ((stream && !cJSON_IsBool(stream)) || (user && !cJSON_IsString(user)) ||
	    (user && strlen(user->valuestring) > OPENAI_USER_MAX)) {
		gateway_result_error(res, 400, "invalid_request_error",
				     "\"stream\" must be a boolean and \"user\" a string of at most %d bytes", OPENAI_USER_MAX);
		goto done;
	}
	if (session_key_openai(agent->id, user ? user->valuestring : "", key, sizeof key) < 0) {
		gateway_result_error(res, 400, "invalid_request_error", "\"user\" does not make a valid session key");
		goto done;
	}
	t.job = job;
	t.stream = cJSON_IsTrue(stream);
	t.include_usage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sopts, "include_usage"));
	t.created = (long)(clock_wall_ms() / 1000);
	snprintf(t.id, sizeof t.id, "chatcmpl-pending");
	ev.ctx = &t;
	ev.on_start = on_start;
	ev.on_delta = on_delta;
	memset(&req, 0, sizeof req);
	req.cfg = ac->cfg;
	req.store = app->store;
	req.agent_id = agent->id;
	req.session_key = key;
	req.message = message;
	req.abort = gateway_job_cancel_flag(job);
	req.stream = t.stream;
	st = agent_turn(&req, &ev, &r, err, sizeof err);
	log_event(st == AGENT_FAILED ? LOG_WARN : LOG_INFO, "openai.turn", "run=%s session=%s stream=%d status=%s",
		  r.run_id, log_quote(key), t.stream, st == AGENT_OK ? "ok" : st == AGENT_ABORTED ? "aborted" : "error");
	if (t.stream && (t.head_sent || st == AGENT_OK))
		stream_finish(&t, st, &r, err);
	else if (st == AGENT_OK)
		res->payload = completion(&t, &r);
	else if (st == AGENT_ABORTED)
		gateway_result_error(res, 503, "aborted", "the turn was aborted (client gone or gateway stopping)");
	else
		gateway_result_error(res, 502, "model_error", "%s", err);
	agent_result_free(&r);
done:
	free(message);
	gateway_app_cfg_put(app, ac);
}
