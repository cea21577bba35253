/*
 * llm/llm_anthropic.c — the Anthropic Messages API wire format (see llm_decode.h).
 *
 * Request: {"model","max_tokens","system","messages":[{"role","content":[blocks]}],"tools",
 * "stream"}. Roles must alternate user/assistant, so tool results (role "user", tool_result
 * blocks) and a following user text are merged into one user message.
 * Stream: message_start → (content_block_start → content_block_delta* → content_block_stop)* →
 * message_delta (stop_reason, output usage) → message_stop; ping and unknown events are ignored;
 * an "error" event fails the call with the server's words.
 */
#include <stdio.h>
#include <string.h>

#include "llm/llm_decode.h"
#include "util/mem.h"

static cJSON *text_block(const char *text)
{
	cJSON *b = cJSON_CreateObject();

	cJSON_AddStringToObject(b, "type", "text");
	cJSON_AddStringToObject(b, "text", text);
	return b;
}

/* Arguments we sent earlier may be invalid JSON (the model's mistake, kept for the record):
 * the API wants an object, so such input is sent as {}. */
static cJSON *tool_use_block(const struct llm_tool_call *c)
{
	cJSON *b = cJSON_CreateObject();
	cJSON *in = c->arguments ? cJSON_Parse(c->arguments) : NULL;

	if (!cJSON_IsObject(in)) {
		cJSON_Delete(in);
		in = cJSON_CreateObject();
	}
	cJSON_AddStringToObject(b, "type", "tool_use");
	cJSON_AddStringToObject(b, "id", c->id ? c->id : "");
	cJSON_AddStringToObject(b, "name", c->name ? c->name : "");
	cJSON_AddItemToObject(b, "input", in);
	return b;
}

static int add_tools(cJSON *root, const struct llm_request *req, char *err, size_t errlen)
{
	cJSON *tools;
	int i;

	if (req->ntools == 0)
		return 0;
	tools = cJSON_AddArrayToObject(root, "tools");
	for (i = 0; i < req->ntools; i++) {
		cJSON *t = cJSON_CreateObject();
		cJSON *schema = cJSON_Parse(req->tools[i].parameters_json ? req->tools[i].parameters_json : "{}");

		if (!cJSON_IsObject(schema)) {
			cJSON_Delete(schema);
			cJSON_Delete(t);
			return err_set(err, errlen, "model: tool \"%s\": parameters are not a JSON object", req->tools[i].name);
		}
		cJSON_AddStringToObject(t, "name", req->tools[i].name);
		if (req->tools[i].description)
			cJSON_AddStringToObject(t, "description", req->tools[i].description);
		cJSON_AddItemToObject(t, "input_schema", schema);
		cJSON_AddItemToArray(tools, t);
	}
	return 0;
}

/* see llm_decode.h */
char *llm_anthropic_body(const struct llm_config *cfg, const struct llm_request *req, char *err, size_t errlen)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *content = NULL;
	const char *cur_role = NULL;
	char *out = NULL;
	int i, k;

	cJSON_AddStringToObject(root, "model", cfg->model ? cfg->model : "");
	cJSON_AddNumberToObject(root, "max_tokens", (double)(req->max_tokens > 0 ? req->max_tokens : LLM_DEFAULT_MAX_TOKENS));
	if (req->system && *req->system)
		cJSON_AddStringToObject(root, "system", req->system);
	msgs = cJSON_AddArrayToObject(root, "messages");
	for (i = 0; i < req->nmessages; i++) {
		const struct llm_message *m = &req->messages[i];
		const char *role = m->role == LLM_ROLE_ASSISTANT ? "assistant" : "user";

		if (cur_role == NULL || strcmp(cur_role, role) != 0) {
			cJSON *msg = cJSON_CreateObject();

			cJSON_AddStringToObject(msg, "role", role);
			content = cJSON_AddArrayToObject(msg, "content");
			cJSON_AddItemToArray(msgs, msg);
			cur_role = role;
		}
		if (m->role == LLM_ROLE_TOOL) {
			cJSON *b = cJSON_CreateObject();

			cJSON_AddStringToObject(b, "type", "tool_result");
			cJSON_AddStringToObject(b, "tool_use_id", m->tool_call_id ? m->tool_call_id : "");
			cJSON_AddStringToObject(b, "content", m->text ? m->text : "");
			if (m->is_error)
				cJSON_AddTrueToObject(b, "is_error");
			cJSON_AddItemToArray(content, b);
			continue;
		}
		if (m->text && *m->text)
			cJSON_AddItemToArray(content, text_block(m->text));
		for (k = 0; m->role == LLM_ROLE_ASSISTANT && k < m->ncalls; k++)
			cJSON_AddItemToArray(content, tool_use_block(&m->calls[k]));
	}
	if (add_tools(root, req, err, errlen) < 0)
		goto out;
	if (req->stream)
		cJSON_AddTrueToObject(root, "stream");
	out = cJSON_PrintUnformatted(root);
	if (out == NULL)
		err_set(err, errlen, "model: cannot serialise the request");
out:
	cJSON_Delete(root);
	return out;
}

static void usage_from(struct llm_decoder *d, const cJSON *usage)
{
	long in = llm_json_long(usage, "input_tokens"), out = llm_json_long(usage, "output_tokens");

	if (in >= 0)
		d->res->input_tokens = in;
	if (out >= 0)
		d->res->output_tokens = out;
}

static int error_event(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *type = llm_json_str(e, "type"), *msg = llm_json_str(e, "message");

	return llm_dec_fail(d, "model stream error: %.40s: %.300s", type ? type : "error", msg ? msg : "(no message)");
}

static int block_start(struct llm_decoder *d, long index, const cJSON *block)
{
	const char *type = llm_json_str(block, "type");

	if (type == NULL)
		return llm_dec_fail(d, "model stream: content_block_start without a block type");
	if (strcmp(type, "tool_use") == 0) {
		const char *id = llm_json_str(block, "id"), *name = llm_json_str(block, "name");

		if (id == NULL || name == NULL)
			return llm_dec_fail(d, "model stream: tool_use block without id or name");
		d->cur_block = llm_dec_call_open(d, (int)index, id, name);
		return d->cur_block < 0 ? -1 : 0;
	}
	if (strcmp(type, "text") == 0) {
		const char *t = llm_json_str(block, "text");

		return t ? llm_dec_text(d, t, strlen(t)) : 0;
	}
	return 0; /* thinking and other block kinds carry nothing we pass on */
}

static int block_delta(struct llm_decoder *d, long index, const cJSON *delta)
{
	const char *type = llm_json_str(delta, "type");
	const char *s;
	int slot;

	if (type == NULL)
		return llm_dec_fail(d, "model stream: content_block_delta without a delta type");
	if (strcmp(type, "text_delta") == 0) {
		s = llm_json_str(delta, "text");
		if (s == NULL)
			return llm_dec_fail(d, "model stream: text_delta without text");
		return llm_dec_text(d, s, strlen(s));
	}
	if (strcmp(type, "input_json_delta") == 0) {
		s = llm_json_str(delta, "partial_json");
		slot = llm_dec_call_find(d, (int)index);
		if (s == NULL || slot < 0)
			return llm_dec_fail(d, "model stream: input_json_delta for block %ld, which is not a tool_use", index);
		return llm_dec_call_args(d, slot, s, strlen(s));
	}
	return 0;
}

/* see llm_decode.h */
int llm_anthropic_event(struct llm_decoder *d, const char *event, const cJSON *j)
{
	const char *type = llm_json_str(j, "type");
	long index = llm_json_long(j, "index");

	if (type == NULL)
		type = event; /* the SSE event name carries the same word */
	if (strcmp(type, "error") == 0)
		return error_event(d, j);
	if (strcmp(type, "message_start") == 0) {
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");

		d->started = 1;
		usage_from(d, cJSON_GetObjectItemCaseSensitive(msg, "usage"));
		return 0;
	}
	if (!d->started && strcmp(type, "ping") != 0)
		return llm_dec_fail(d, "model stream: \"%.40s\" before message_start", type);
	if (strcmp(type, "content_block_start") == 0) {
		if (index < 0)
			return llm_dec_fail(d, "model stream: content_block_start without an index");
		return block_start(d, index, cJSON_GetObjectItemCaseSensitive(j, "content_block"));
	}
	if (strcmp(type, "content_block_delta") == 0) {
		if (index < 0)
			return llm_dec_fail(d, "model stream: content_block_delta without an index");
		return block_delta(d, index, cJSON_GetObjectItemCaseSensitive(j, "delta"));
	}
	if (strcmp(type, "message_delta") == 0) {
		const char *stop = llm_json_str(cJSON_GetObjectItemCaseSensitive(j, "delta"), "stop_reason");

		if (stop)
			llm_dec_stop(d, stop);
		usage_from(d, cJSON_GetObjectItemCaseSensitive(j, "usage"));
		return 0;
	}
	if (strcmp(type, "message_stop") == 0)
		d->done = 1;
	return 0; /* content_block_stop, ping and future events need nothing */
}

/* see llm_decode.h */
int llm_anthropic_message(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(j, "content"), *b;
	const char *type = llm_json_str(j, "type"), *stop = llm_json_str(j, "stop_reason");
	int idx = 0;

	if (type && strcmp(type, "error") == 0)
		return error_event(d, j);
	if (!cJSON_IsArray(content))
		return llm_dec_fail(d, "model response has no content array");
	cJSON_ArrayForEach(b, content) {
		const char *bt = llm_json_str(b, "type");

		if (bt && strcmp(bt, "text") == 0) {
			const char *t = llm_json_str(b, "text");

			if (t && llm_dec_text(d, t, strlen(t)) < 0)
				return -1;
		} else if (bt && strcmp(bt, "tool_use") == 0) {
			const cJSON *in = cJSON_GetObjectItemCaseSensitive(b, "input");
			char *args = in ? cJSON_PrintUnformatted(in) : NULL;
			int slot = llm_dec_call_open(d, idx, llm_json_str(b, "id"), llm_json_str(b, "name"));

			if (slot < 0 || (args && llm_dec_call_args(d, slot, args, strlen(args)) < 0)) {
				free(args);
				return -1;
			}
			free(args);
		}
		idx++;
	}
	if (stop)
		llm_dec_stop(d, stop);
	usage_from(d, cJSON_GetObjectItemCaseSensitive(j, "usage"));
	d->done = 1;
	return 0;
}
