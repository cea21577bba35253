/*
 * llm/llm_openai.c — the OpenAI Chat Completions wire format (see llm_decode.h), which is also
 * what OpenRouter, vLLM, llama.cpp and Ollama speak.
 *
 * Request: {"model","messages":[system, user, assistant(+tool_calls), tool...],"tools":
 * [{"type":"function","function":{name,description,parameters}}],"max_tokens","stream",
 * "stream_options":{"include_usage":true}}.
 * Stream: "data: {chunk}" events; choices[0].delta carries content and tool_calls fragments —
 * the first fragment of a call has its index, id and name, later ones only the index and a piece
 * of the arguments string; finish_reason ends the choice, a last chunk may carry usage with empty
 * choices, and "data: [DONE]" ends the stream.
 */
#include <stdio.h>
#include <string.h>

#include "llm/llm_decode.h"
#include "util/mem.h"

static int add_tools(cJSON *root, const struct llm_request *req, char *err, size_t errlen)
{
	cJSON *tools;
	int i;

	if (req->ntools == 0)
		return 0;
	tools = cJSON_AddArrayToObject(root, "tools");
	for (i = 0; i < req->ntools; i++) {
		cJSON *t = cJSON_CreateObject(), *f;
		cJSON *schema = cJSON_Parse(req->tools[i].parameters_json ? req->tools[i].parameters_json : "{}");

		if (!cJSON_IsObject(schema)) {
			cJSON_Delete(schema);
			cJSON_Delete(t);
			return err_set(err, errlen, "model: tool \"%s\": parameters are not a JSON object", req->tools[i].name);
		}
		cJSON_AddStringToObject(t, "type", "function");
		f = cJSON_AddObjectToObject(t, "function");
		cJSON_AddStringToObject(f, "name", req->tools[i].name);
		if (req->tools[i].description)
			cJSON_AddStringToObject(f, "description", req->tools[i].description);
		cJSON_AddItemToObject(f, "parameters", schema);
		cJSON_AddItemToArray(tools, t);
	}
	return 0;
}

static cJSON *assistant_msg(const struct llm_message *m)
{
	cJSON *msg = cJSON_CreateObject(), *calls;
	int k;

	cJSON_AddStringToObject(msg, "role", "assistant");
	if (m->text && *m->text)
		cJSON_AddStringToObject(msg, "content", m->text);
	else
		cJSON_AddNullToObject(msg, "content");
	if (m->ncalls == 0)
		return msg;
	calls = cJSON_AddArrayToObject(msg, "tool_calls");
	for (k = 0; k < m->ncalls; k++) {
		cJSON *c = cJSON_CreateObject(), *f;

		cJSON_AddStringToObject(c, "id", m->calls[k].id ? m->calls[k].id : "");
		cJSON_AddStringToObject(c, "type", "function");
		f = cJSON_AddObjectToObject(c, "function");
		cJSON_AddStringToObject(f, "name", m->calls[k].name ? m->calls[k].name : "");
		cJSON_AddStringToObject(f, "arguments", m->calls[k].arguments ? m->calls[k].arguments : "{}");
		cJSON_AddItemToArray(calls, c);
	}
	return msg;
}

/* see llm_decode.h */
char *llm_openai_body(const struct llm_config *cfg, const struct llm_request *req, char *err, size_t errlen)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *msg;
	char *out = NULL;
	int i;

	cJSON_AddStringToObject(root, "model", cfg->model ? cfg->model : "");
	msgs = cJSON_AddArrayToObject(root, "messages");
	if (req->system && *req->system) {
		msg = cJSON_CreateObject();
		cJSON_AddStringToObject(msg, "role", "system");
		cJSON_AddStringToObject(msg, "content", req->system);
		cJSON_AddItemToArray(msgs, msg);
	}
	for (i = 0; i < req->nmessages; i++) {
		const struct llm_message *m = &req->messages[i];

		if (m->role == LLM_ROLE_ASSISTANT) {
			cJSON_AddItemToArray(msgs, assistant_msg(m));
			continue;
		}
		msg = cJSON_CreateObject();
		if (m->role == LLM_ROLE_TOOL) {
			cJSON_AddStringToObject(msg, "role", "tool");
			cJSON_AddStringToObject(msg, "tool_call_id", m->tool_call_id ? m->tool_call_id : "");
			/* The API has no error flag for tool results: say it in the content. */
			if (m->is_error) {
				size_t n = strlen(m->text ? m->text : "") + 16;
				char *t = xmalloc(n);

				snprintf(t, n, "error: %s", m->text ? m->text : "");
				cJSON_AddStringToObject(msg, "content", t);
				free(t);
			} else {
				cJSON_AddStringToObject(msg, "content", m->text ? m->text : "");
			}
		} else {
			cJSON_AddStringToObject(msg, "role", "user");
			cJSON_AddStringToObject(msg, "content", m->text ? m->text : "");
		}
		cJSON_AddItemToArray(msgs, msg);
	}
	if (add_tools(root, req, err, errlen) < 0)
		goto out;
	cJSON_AddNumberToObject(root, "max_tokens", (double)(req->max_tokens > 0 ? req->max_tokens : LLM_DEFAULT_MAX_TOKENS));
	if (req->stream) {
		cJSON_AddTrueToObject(root, "stream");
		cJSON_AddTrueToObject(cJSON_AddObjectToObject(root, "stream_options"), "include_usage");
	}
	out = cJSON_PrintUnformatted(root);
	if (out == NULL)
		err_set(err, errlen, "model: cannot serialise the request");
out:
	cJSON_Delete(root);
	return out;
}

static void usage_from(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "usage");
	long in = llm_json_long(u, "prompt_tokens"), out = llm_json_long(u, "completion_tokens");

	if (in >= 0)
		d->res->input_tokens = in;
	if (out >= 0)
		d->res->output_tokens = out;
}

static int error_obj(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *msg = cJSON_IsString(e) ? e->valuestring : llm_json_str(e, "message");

	return llm_dec_fail(d, "model stream error: %.300s", msg ? msg : "(no message)");
}

/* One streamed tool_calls[] fragment. */
static int tool_fragment(struct llm_decoder *d, const cJSON *tc, int pos)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(tc, "function");
	const char *id = llm_json_str(tc, "id"), *name = llm_json_str(f, "name");
	const char *args = llm_json_str(f, "arguments");
	long index = llm_json_long(tc, "index");
	int slot;

	if (index < 0)
		index = pos; /* some servers omit the index on single calls */
	if (index > 1000)
		return llm_dec_fail(d, "model stream: tool call index %ld is out of range", index);
	slot = llm_dec_call_find(d, (int)index);
	if (slot < 0 || (id && *id && d->calls[slot].id[0] && strcmp(id, d->calls[slot].id) != 0)) {
		slot = llm_dec_call_open(d, (int)index, id, name);
		if (slot < 0)
			return -1;
	} else {
		if (id && *id && !d->calls[slot].id[0]) {
			free(d->calls[slot].id);
			d->calls[slot].id = xstrdup(id);
		}
		if (name && *name && !d->calls[slot].name[0]) {
			free(d->calls[slot].name);
			d->calls[slot].name = xstrdup(name);
		}
	}
	return args ? llm_dec_call_args(d, slot, args, strlen(args)) : 0;
}

/* see llm_decode.h */
int llm_openai_chunk(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *choices = cJSON_GetObjectItemCaseSensitive(j, "choices"), *c0, *delta, *tcs, *tc;
	const char *content, *finish;
	int pos = 0;

	if (cJSON_GetObjectItemCaseSensitive(j, "error"))
		return error_obj(d, j);
	d->started = 1;
	usage_from(d, j);
	if (!cJSON_IsArray(choices))
		return llm_dec_fail(d, "model stream: chunk without a choices array");
	c0 = cJSON_GetArrayItem(choices, 0);
	if (c0 == NULL)
		return 0; /* the usage-only chunk */
	delta = cJSON_GetObjectItemCaseSensitive(c0, "delta");
	content = llm_json_str(delta, "content");
	if (content && llm_dec_text(d, content, strlen(content)) < 0)
		return -1;
	tcs = cJSON_GetObjectItemCaseSensitive(delta, "tool_calls");
	cJSON_ArrayForEach(tc, tcs) {
		if (tool_fragment(d, tc, pos++) < 0)
			return -1;
	}
	finish = llm_json_str(c0, "finish_reason");
	if (finish) {
		llm_dec_stop(d, finish);
		d->finish_seen = 1;
	}
	return 0;
}

/* see llm_decode.h */
int llm_openai_message(struct llm_decoder *d, const cJSON *j)
{
	const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0), *msg, *tc;
	const char *content, *finish;
	int idx = 0;

	if (cJSON_GetObjectItemCaseSensitive(j, "error"))
		return error_obj(d, j);
	msg = cJSON_GetObjectItemCaseSensitive(c0, "message");
	if (!cJSON_IsObject(msg))
		return llm_dec_fail(d, "model response has no choices[0].message");
	content = llm_json_str(msg, "content");
	if (content && llm_dec_text(d, content, strlen(content)) < 0)
		return -1;
	cJSON_ArrayForEach(tc, cJSON_GetObjectItemCaseSensitive(msg, "tool_calls")) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(tc, "function");
		const char *args = llm_json_str(f, "arguments");
		int slot = llm_dec_call_open(d, idx++, llm_json_str(tc, "id"), llm_json_str(f, "name"));

		if (slot < 0 || (args && llm_dec_call_args(d, slot, args, strlen(args)) < 0))
			return -1;
	}
	finish = llm_json_str(c0, "finish_reason");
	if (finish)
		llm_dec_stop(d, finish);
	usage_from(d, j);
	d->done = 1;
	return 0;
}
