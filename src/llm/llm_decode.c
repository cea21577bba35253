/* llm/llm_decode.c — see llm_decode.h */
#include "llm/llm_decode.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"

#define SNIPPET_MAX 120

static int sse_event(void *ctx, const char *event, const char *data, size_t len);

/* see llm_decode.h */
void llm_decoder_init(struct llm_decoder *d, enum llm_provider p, const struct llm_callbacks *cb,
		      struct llm_result *res, int sse)
{
	memset(d, 0, sizeof *d);
	d->provider = p;
	d->cb = cb;
	d->res = res;
	d->mode = sse < 0 ? 0 : (sse ? 1 : 2);
	d->cur_block = -1;
	llm_sse_init(&d->sse, sse_event, d);
	buf_init(&d->body, LLM_MAX_BODY);
	buf_init(&d->text, LLM_MAX_TEXT);
}

/* see llm_decode.h */
void llm_decoder_free(struct llm_decoder *d)
{
	int i;

	llm_sse_free(&d->sse);
	buf_free(&d->body);
	buf_free(&d->text);
	for (i = 0; i < d->ncalls; i++) {
		FREE(d->calls[i].id);
		FREE(d->calls[i].name);
		buf_free(&d->calls[i].args);
	}
	d->ncalls = 0;
}

/* A printable, single-line excerpt of what the server sent, for error messages. */
static void snippet(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 4 < outlen && i < SNIPPET_MAX; i++)
		out[o++] = isprint((unsigned char)s[i]) ? s[i] : '.';
	if (i < n && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
}

/* see llm_decode.h */
int llm_dec_fail(struct llm_decoder *d, const char *fmt, ...)
{
	va_list ap;

	if (d->failed)
		return -1;
	d->failed = 1;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* see llm_decode.h */
int llm_dec_text(struct llm_decoder *d, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_append(&d->text, s, n) < 0)
		return llm_dec_fail(d, "model reply text exceeds %d bytes", LLM_MAX_TEXT);
	if (d->cb && d->cb->on_text) {
		d->emitted = 1;
		d->cb->on_text(d->cb->ctx, s, n);
	}
	return 0;
}

/* see llm_decode.h */
int llm_dec_call_open(struct llm_decoder *d, int index, const char *id, const char *name)
{
	struct llm_partial_call *c;

	if (d->ncalls >= LLM_MAX_TOOL_CALLS)
		return llm_dec_fail(d, "model asked for more than %d tool calls at once", LLM_MAX_TOOL_CALLS);
	c = &d->calls[d->ncalls];
	c->index = index;
	c->id = xstrdup(id ? id : "");
	c->name = xstrdup(name ? name : "");
	buf_init(&c->args, LLM_MAX_TOOL_ARGS);
	return d->ncalls++;
}

/* see llm_decode.h */
int llm_dec_call_find(struct llm_decoder *d, int index)
{
	int i;

	for (i = d->ncalls - 1; i >= 0; i--)
		if (d->calls[i].index == index)
			return i;
	return -1;
}

/* see llm_decode.h */
int llm_dec_call_args(struct llm_decoder *d, int slot, const char *s, size_t n)
{
	if (buf_append(&d->calls[slot].args, s, n) < 0)
		return llm_dec_fail(d, "tool call \"%.64s\": arguments exceed %d bytes", d->calls[slot].name,
				    LLM_MAX_TOOL_ARGS);
	return 0;
}

/* see llm_decode.h */
void llm_dec_stop(struct llm_decoder *d, const char *reason)
{
	static const struct {
		const char *word;
		enum llm_stop stop;
	} map[] = {
		{ "end_turn", LLM_STOP_END }, { "stop_sequence", LLM_STOP_END }, { "stop", LLM_STOP_END },
		{ "tool_use", LLM_STOP_TOOL_USE }, { "tool_calls", LLM_STOP_TOOL_USE },
		{ "function_call", LLM_STOP_TOOL_USE }, { "max_tokens", LLM_STOP_MAX_TOKENS },
		{ "length", LLM_STOP_MAX_TOKENS },
	};
	size_t i;

	snprintf(d->res->stop_reason, sizeof d->res->stop_reason, "%s", reason);
	d->res->stop = LLM_STOP_OTHER;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(reason, map[i].word) == 0)
			d->res->stop = map[i].stop;
}

/* see llm_decode.h */
const char *llm_json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

/* see llm_decode.h */
long llm_json_long(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e15)
		return -1;
	return (long)v->valuedouble;
}

static int sse_event(void *ctx, const char *event, const char *data, size_t len)
{
	struct llm_decoder *d = ctx;
	cJSON *j;
	char snip[SNIPPET_MAX + 8];
	int rc;

	if (d->done)
		return 0; /* anything after the final event is ignored */
	if (d->provider == LLM_PROVIDER_OPENAI && len == 6 && memcmp(data, "[DONE]", 6) == 0) {
		d->done = 1;
		return 0;
	}
	j = cJSON_ParseWithLength(data, len);
	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		snippet(data, len, snip, sizeof snip);
		return llm_dec_fail(d, "model stream: event \"%.40s\" is not a JSON object: %s", event, snip);
	}
	rc = d->provider == LLM_PROVIDER_ANTHROPIC ? llm_anthropic_event(d, event, j) : llm_openai_chunk(d, j);
	cJSON_Delete(j);
	return rc;
}

/* see llm_decode.h */
int llm_decoder_feed(void *ctx, const char *data, size_t len)
{
	struct llm_decoder *d = ctx;
	size_t i;

	if (d->failed)
		return -1;
	if (d->headlen < sizeof d->head) {
		size_t n = sizeof d->head - d->headlen < len ? sizeof d->head - d->headlen : len;

		memcpy(d->head + d->headlen, data, n);
		d->headlen += n;
	}
	for (i = 0; d->mode == 0 && i < len; i++) {
		if (isspace((unsigned char)data[i]))
			continue;
		d->mode = (data[i] == '{' || data[i] == '[') ? 2 : 1;
	}
	if (d->mode == 2) {
		if (buf_append(&d->body, data, len) < 0)
			return llm_dec_fail(d, "model response exceeds %d bytes", LLM_MAX_BODY);
		return 0;
	}
	if (llm_sse_feed(&d->sse, data, len) < 0) {
		if (!d->failed)
			llm_dec_fail(d, "model stream: %s", d->sse.err);
		return -1;
	}
	/* Before the mode is known (only whitespace so far) the bytes can be dropped. */
	return 0;
}

static int finish_calls(struct llm_decoder *d)
{
	int i;

	d->res->calls = xcalloc((size_t)d->ncalls + 1, sizeof *d->res->calls);
	for (i = 0; i < d->ncalls; i++) {
		struct llm_partial_call *p = &d->calls[i];
		struct llm_tool_call *c = &d->res->calls[i];
		cJSON *j;

		if (p->args.len == 0)
			buf_puts(&p->args, "{}");
		c->id = p->id;
		c->name = p->name;
		c->arguments = buf_take(&p->args);
		p->id = p->name = NULL;
		d->res->ncalls = i + 1;
		j = cJSON_Parse(c->arguments);
		if (j == NULL) {
			char snip[SNIPPET_MAX + 8], msg[ERR_LEN];

			snippet(c->arguments, strlen(c->arguments), snip, sizeof snip);
			snprintf(msg, sizeof msg, "the arguments of tool call \"%.64s\" are not valid JSON: %s", c->name, snip);
			c->args_error = xstrdup(msg);
		} else if (!cJSON_IsObject(j)) {
			char msg[ERR_LEN];

			snprintf(msg, sizeof msg, "the arguments of tool call \"%.64s\" must be a JSON object", c->name);
			c->args_error = xstrdup(msg);
		}
		cJSON_Delete(j);
		if (c->name[0] == 0 && c->args_error == NULL)
			c->args_error = xstrdup("the tool call has no tool name");
	}
	for (i = 0; i < d->ncalls; i++)
		buf_free(&d->calls[i].args);
	d->ncalls = 0;
	for (i = 0; d->cb && d->cb->on_tool_call && i < d->res->ncalls; i++)
		d->cb->on_tool_call(d->cb->ctx, &d->res->calls[i]);
	return 0;
}

/* see llm_decode.h */
int llm_decoder_finish(struct llm_decoder *d)
{
	char snip[SNIPPET_MAX + 8];

	if (d->failed)
		return -1;
	if (d->mode == 2) {
		cJSON *j = cJSON_ParseWithLength(d->body.data ? d->body.data : "", d->body.len);
		int rc;

		if (j == NULL || !cJSON_IsObject(j)) {
			cJSON_Delete(j);
			snippet(d->body.data ? d->body.data : "", d->body.len, snip, sizeof snip);
			return llm_dec_fail(d, "model response is not a JSON object: %s", snip);
		}
		rc = d->provider == LLM_PROVIDER_ANTHROPIC ? llm_anthropic_message(d, j) : llm_openai_message(d, j);
		cJSON_Delete(j);
		if (rc < 0)
			return -1;
	} else if (!d->done) {
		if (d->mode == 0 || (d->sse.events == 0 && !llm_sse_pending(&d->sse)))
			return llm_dec_fail(d, "model response is empty");
		if (d->sse.events == 0) {
			snippet(d->head, d->headlen, snip, sizeof snip);
			return llm_dec_fail(d, "model response is neither a JSON object nor an event stream: %s", snip);
		}
		/* OpenAI-compatible servers that close after the finish_reason without [DONE]. */
		if (!(d->provider == LLM_PROVIDER_OPENAI && d->finish_seen))
			return llm_dec_fail(d, "model stream truncated: the connection ended before %s",
					    d->provider == LLM_PROVIDER_ANTHROPIC ? "message_stop" : "[DONE]");
	}
	d->res->text = buf_take(&d->text);
	return finish_calls(d);
}

/* see llm_decode.h */
void llm_error_summary(const char *body, size_t len, char *out, size_t outlen)
{
	cJSON *j = cJSON_ParseWithLength(body ? body : "", len);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const char *msg = NULL, *type = NULL;

	if (cJSON_IsObject(e)) {
		msg = llm_json_str(e, "message");
		type = llm_json_str(e, "type");
	} else if (cJSON_IsString(e)) {
		msg = e->valuestring;
	}
	if (msg && type)
		snprintf(out, outlen, "%.40s: %.300s", type, msg);
	else if (msg)
		snprintf(out, outlen, "%.300s", msg);
	else if (len == 0)
		snprintf(out, outlen, "(empty body)");
	else
		snippet(body, len, out, outlen);
	cJSON_Delete(j);
}
