/*
 * llm/llm_decode.h — the response decoders behind llm_call(), shared by both providers and
 * exposed for unit tests and fuzz targets (no network needed).
 *
 * Contract: a struct llm_decoder accumulates one reply (text, tool calls, usage, stop reason)
 * from either an SSE stream (llm_decoder_feed(), body bytes in any split) or a whole JSON body
 * (same function: the mode is picked from the first bytes / the content type). Every field a
 * server sends is type-checked and capped; a violation is a sticky error in d->err.
 * llm_decoder_finish() checks the reply is complete (a stream that ended without its final
 * event is "truncated"), validates tool-call arguments and moves the results into d->res.
 * llm_decoder_free() releases everything the decoder still owns (not d->res).
 */
#ifndef CHELA_LLM_LLM_DECODE_H
#define CHELA_LLM_LLM_DECODE_H

#include <cJSON.h>

#include "llm/llm.h"
#include "llm/sse.h"
#include "util/buf.h"

struct llm_partial_call {
	char *id;
	char *name;
	struct buf args;
	int index; /* the provider's index (content block or tool_calls[].index) */
};

struct llm_decoder {
	enum llm_provider provider;
	const struct llm_callbacks *cb;
	struct llm_result *res;
	int mode;             /* 0 undecided (sniffed from the first byte), 1 SSE, 2 JSON body */
	struct llm_sse sse;
	struct buf body;      /* JSON mode: the whole body */
	struct buf text;
	struct llm_partial_call calls[LLM_MAX_TOOL_CALLS];
	int ncalls;
	int cur_block;        /* anthropic: index of the open tool_use block's call, -1 none */
	int started;          /* saw the first event (message_start / first chunk) */
	int done;             /* saw the final event (message_stop / [DONE]) */
	int finish_seen;      /* openai: a finish_reason arrived */
	int emitted;          /* something went to the callbacks: a retry would repeat it */
	int failed;
	char head[128];       /* the first body bytes, quoted in "not JSON" errors */
	size_t headlen;
	char err[ERR_LEN];
};

void llm_decoder_init(struct llm_decoder *d, enum llm_provider p, const struct llm_callbacks *cb,
		      struct llm_result *res, int sse);
/* Body bytes. 0, or -1 once failed (d->err). Fits http_body_fn. */
int llm_decoder_feed(void *d, const char *data, size_t len);
int llm_decoder_finish(struct llm_decoder *d);
void llm_decoder_free(struct llm_decoder *d);

/* Shared helpers for the provider files. */
int llm_dec_fail(struct llm_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int llm_dec_text(struct llm_decoder *d, const char *s, size_t n);
/* Open a new tool call; returns its slot or -1 (cap). */
int llm_dec_call_open(struct llm_decoder *d, int index, const char *id, const char *name);
int llm_dec_call_find(struct llm_decoder *d, int index);
int llm_dec_call_args(struct llm_decoder *d, int slot, const char *s, size_t n);
void llm_dec_stop(struct llm_decoder *d, const char *reason);
/* A JSON field as a string / number, or NULL / -1 when absent or of another type. */
const char *llm_json_str(const cJSON *o, const char *name);
long llm_json_long(const cJSON *o, const char *name);

/* Provider halves: request body (a new string, caller frees) and per-event / whole-body decode. */
char *llm_anthropic_body(const struct llm_config *cfg, const struct llm_request *req, char *err, size_t errlen);
int llm_anthropic_event(struct llm_decoder *d, const char *event, const cJSON *j);
int llm_anthropic_message(struct llm_decoder *d, const cJSON *j);
char *llm_openai_body(const struct llm_config *cfg, const struct llm_request *req, char *err, size_t errlen);
int llm_openai_chunk(struct llm_decoder *d, const cJSON *j);
int llm_openai_message(struct llm_decoder *d, const cJSON *j);

/* The human part of an error body ({"error":{"message":...}} in both APIs) or a cleaned snippet. */
void llm_error_summary(const char *body, size_t len, char *out, size_t outlen);

#endif
