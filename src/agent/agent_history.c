/*
 * agent/agent_history.c — transcript entries in and out: the model's message list rebuilt from
 * the entries (see agent_int.h), and the entries a turn writes.
 */
#include "agent/agent_int.h"

#include "session/session.h"
#include "util/clock.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

struct builder {
	struct agent_msgs *out;
	int cap;
	const struct llm_tool_call *pending; /* calls of the last assistant message */
	int npending;
	char *answered;                      /* per pending call: a result was seen */
};

static struct llm_message *push(struct builder *b)
{
	struct llm_message *m;

	if (b->out->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		b->out->m = xrealloc(b->out->m, (size_t)b->cap * sizeof *b->out->m);
	}
	m = &b->out->m[b->out->n++];
	memset(m, 0, sizeof *m);
	return m;
}

/* Answer every call of the last assistant message that got no result. */
static void close_pending(struct builder *b)
{
	int i;

	for (i = 0; i < b->npending; i++) {
		struct llm_message *m;

		if (b->answered[i])
			continue;
		m = push(b);
		m->role = LLM_ROLE_TOOL;
		m->tool_call_id = b->pending[i].id;
		m->text = AGENT_INTERRUPTED_RESULT;
		m->is_error = 1;
	}
	free(b->answered);
	b->answered = NULL;
	b->pending = NULL;
	b->npending = 0;
}

static void add_tool(struct builder *b, const cJSON *e)
{
	const char *id = str_of(e, "toolCallId"), *text = str_of(e, "content");
	const cJSON *iserr = cJSON_GetObjectItemCaseSensitive(e, "isError");
	struct llm_message *m;
	int i;

	for (i = 0; id && i < b->npending; i++)
		if (!b->answered[i] && strcmp(b->pending[i].id, id) == 0)
			break;
	if (!id || i >= b->npending)
		return; /* a result for no open call: the provider would refuse the whole request */
	b->answered[i] = 1;
	m = push(b);
	m->role = LLM_ROLE_TOOL;
	m->tool_call_id = b->pending[i].id;
	m->text = text ? text : "";
	m->is_error = cJSON_IsTrue(iserr);
}

static void add_assistant(struct builder *b, const cJSON *e)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(e, "toolCalls"), *c;
	const cJSON *list = cJSON_IsArray(calls) ? calls : NULL;
	const char *text = str_of(e, "content");
	struct llm_tool_call *arr = NULL;
	struct llm_message *m;
	int n = 0;

	cJSON_ArrayForEach(c, list) {
		const char *id = str_of(c, "id"), *name = str_of(c, "name"), *args = str_of(c, "arguments");

		if (!id || !name || n >= LLM_MAX_TOOL_CALLS)
			continue;
		if (!arr)
			arr = xcalloc(LLM_MAX_TOOL_CALLS, sizeof *arr);
		/* borrowed from the entry; llm_tool_call's fields are not const only because llm
		 * results own theirs */
		arr[n].id = (char *)id;
		arr[n].name = (char *)name;
		arr[n].arguments = (char *)(args ? args : "{}");
		n++;
	}
	if (n == 0 && (!text || !*text)) {
		free(arr);
		return; /* an empty reply (an abort before the first word): nothing to tell the model */
	}
	m = push(b);
	m->role = LLM_ROLE_ASSISTANT;
	m->text = text ? text : "";
	if (n) {
		b->out->calls = xrealloc(b->out->calls, (size_t)(b->out->ncalls + 1) * sizeof *b->out->calls);
		b->out->calls[b->out->ncalls++] = arr;
		m->calls = arr;
		m->ncalls = n;
		b->pending = arr;
		b->npending = n;
		b->answered = xcalloc((size_t)n, 1);
	}
}

/* see agent_int.h */
void agent_msgs_build(const cJSON *entries, struct agent_msgs *out)
{
	struct builder b;
	const cJSON *e;
	int total = cJSON_GetArraySize(entries), i = 0, skip = total - AGENT_HISTORY_MAX_MESSAGES;

	memset(out, 0, sizeof *out);
	memset(&b, 0, sizeof b);
	b.out = out;
	cJSON_ArrayForEach(e, entries) {
		const char *type = str_of(e, "type"), *role = str_of(e, "role"), *text;

		/* past the cap, start at a user message so no tool result loses its call */
		if (i++ < skip || (skip > 0 && out->n == 0 && !(role && strcmp(role, "user") == 0)))
			continue;
		if (!type || strcmp(type, "message") != 0 || !role)
			continue;
		if (strcmp(role, "tool") == 0) {
			add_tool(&b, e);
			continue;
		}
		close_pending(&b);
		if (strcmp(role, "assistant") == 0) {
			add_assistant(&b, e);
		} else if (strcmp(role, "user") == 0 && (text = str_of(e, "content")) != NULL && *text) {
			struct llm_message *m = push(&b);

			m->role = LLM_ROLE_USER;
			m->text = text;
		}
	}
	close_pending(&b);
}

void agent_msgs_free(struct agent_msgs *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->ncalls; i++)
		free(m->calls[i]);
	free(m->calls);
	free(m->m);
	memset(m, 0, sizeof *m);
}

static cJSON *entry_new(const char *role, const char *text, const char *run_id)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "type", "message");
	cJSON_AddStringToObject(e, "role", role);
	cJSON_AddStringToObject(e, "content", text ? text : "");
	cJSON_AddNumberToObject(e, "ts", (double)clock_wall_ms());
	if (run_id)
		cJSON_AddStringToObject(e, "runId", run_id);
	return e;
}

cJSON *agent_entry_user(const char *text, const char *run_id)
{
	return entry_new("user", text, run_id);
}

cJSON *agent_entry_assistant(const struct llm_result *r, const char *run_id, int aborted)
{
	cJSON *e = entry_new("assistant", r->text, run_id), *calls;
	int i;

	if (r->ncalls > 0) {
		calls = cJSON_AddArrayToObject(e, "toolCalls");
		for (i = 0; i < r->ncalls; i++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "id", r->calls[i].id ? r->calls[i].id : "");
			cJSON_AddStringToObject(c, "name", r->calls[i].name ? r->calls[i].name : "");
			cJSON_AddStringToObject(c, "arguments", r->calls[i].arguments ? r->calls[i].arguments : "{}");
			cJSON_AddItemToArray(calls, c);
		}
	}
	if (r->stop_reason[0])
		cJSON_AddStringToObject(e, "stopReason", r->stop_reason);
	if (r->input_tokens || r->output_tokens) {
		cJSON *u = cJSON_AddObjectToObject(e, "usage");

		cJSON_AddNumberToObject(u, "input", (double)r->input_tokens);
		cJSON_AddNumberToObject(u, "output", (double)r->output_tokens);
	}
	if (aborted)
		cJSON_AddTrueToObject(e, "aborted");
	return e;
}

cJSON *agent_entry_tool(const char *call_id, const char *tool, const char *result, int is_error, const char *where,
			long duration_ms, const char *run_id)
{
	cJSON *e = entry_new("tool", result, run_id);

	cJSON_AddStringToObject(e, "toolCallId", call_id ? call_id : "");
	cJSON_AddStringToObject(e, "toolName", tool ? tool : "");
	cJSON_AddBoolToObject(e, "isError", is_error);
	cJSON_AddStringToObject(e, "where", where ? where : "");
	cJSON_AddNumberToObject(e, "durationMs", (double)duration_ms);
	return e;
}

/* see agent_int.h */
int agent_record(struct agent_turn_state *st, cJSON *entry, char *err, size_t errlen)
{
	int rc = session_append(st->req->store, st->agent_id, st->key, entry, 1, err, errlen);

	cJSON_AddItemToArray(st->entries, entry); /* the model sees it either way: the turn fails next */
	return rc;
}
