/*
 * llm/llm.h — one model call, provider-neutral: Anthropic Messages or OpenAI Chat Completions.
 *
 * Contract:
 *   - The caller describes the conversation (system prompt, messages with roles, tool calls and
 *     tool results, tool schemas as JSON text) in a struct llm_request whose memory it owns;
 *     llm_call() serialises it into the provider's wire format, POSTs it over HTTP or HTTPS
 *     (net/http_client.h: the same code for the real service and a local server — only
 *     base_url and ca_file differ) and decodes the answer, streamed (SSE) or not.
 *   - While a streamed reply arrives, cb->on_text gets each text delta. When the reply is
 *     complete, cb->on_tool_call gets each tool call in order. Everything is also collected in
 *     *res (which the caller frees with llm_result_free(), also after a failure).
 *   - Retries with exponential backoff and jitter on 429, 5xx, 529 and connection failures,
 *     honouring `retry-after`, but only while nothing has been handed to the callbacks yet;
 *     cfg->timeout_ms is a hard deadline over all attempts; cfg->abort stops everything.
 *   - A tool call whose arguments are not a JSON object is still returned, with args_error
 *     saying why, so the agent can tell the model and let it retry.
 *   - Errors: -1 and one sentence in err ("model: 401 from api.anthropic.com: invalid x-api-key —
 *     check [model] api_key"). Nothing a server sends can crash the process: every size is
 *     capped (LLM_* below) and every field is type-checked.
 */
#ifndef CHELA_LLM_LLM_H
#define CHELA_LLM_LLM_H

#include <stddef.h>

#include "util/err.h"

#define LLM_ANTHROPIC_DEFAULT_BASE "https://api.anthropic.com"
#define LLM_OPENAI_DEFAULT_BASE    "https://api.openai.com"
#define LLM_ANTHROPIC_VERSION      "2023-06-01"
#define LLM_MAX_TOOL_CALLS         64                 /* tool calls in one reply */
#define LLM_MAX_TEXT               (4 * 1024 * 1024)  /* reply text */
#define LLM_MAX_TOOL_ARGS          (1024 * 1024)      /* one tool call's arguments */
#define LLM_MAX_BODY               (16 * 1024 * 1024) /* one response body, streamed or not */
#define LLM_MAX_ERROR_BODY         (64 * 1024)        /* a non-2xx body kept for the message */
#define LLM_DEFAULT_RETRIES        3
#define LLM_DEFAULT_RETRY_BASE_MS  500
#define LLM_MAX_BACKOFF_MS         30000
#define LLM_DEFAULT_TIMEOUT_MS     (300 * 1000)
#define LLM_DEFAULT_MAX_TOKENS     4096

enum llm_provider { LLM_PROVIDER_ANTHROPIC, LLM_PROVIDER_OPENAI };
enum llm_role { LLM_ROLE_USER, LLM_ROLE_ASSISTANT, LLM_ROLE_TOOL };
enum llm_stop { LLM_STOP_NONE, LLM_STOP_END, LLM_STOP_TOOL_USE, LLM_STOP_MAX_TOKENS, LLM_STOP_OTHER };

struct llm_tool_call {
	char *id;
	char *name;
	char *arguments;  /* JSON text as the model sent it ("{}" when it sent nothing) */
	char *args_error; /* NULL when arguments are a JSON object; else why not, for the model */
};

struct llm_message {
	enum llm_role role;
	const char *text;                   /* user/assistant text; a tool's result */
	const struct llm_tool_call *calls;  /* assistant: the calls it made */
	int ncalls;
	const char *tool_call_id;           /* tool: which call this answers */
	int is_error;                       /* tool: the result is an error */
};

struct llm_tool {
	const char *name;
	const char *description;
	const char *parameters_json; /* a JSON Schema object, as text */
};

struct llm_request {
	const char *system;
	const struct llm_message *messages;
	int nmessages;
	const struct llm_tool *tools;
	int ntools;
	long max_tokens; /* 0 = LLM_DEFAULT_MAX_TOKENS */
	int stream;
};

struct llm_config {
	enum llm_provider provider;
	const char *model;
	const char *base_url;      /* NULL/"" = the provider's public API */
	const char *api_key;       /* NULL/"" = $ANTHROPIC_API_KEY / $OPENAI_API_KEY (may be unset) */
	const char *ca_file;       /* NULL/"" = the system bundle */
	long timeout_ms;           /* 0 = LLM_DEFAULT_TIMEOUT_MS; covers every attempt */
	int max_retries;           /* <0 = none, 0 = LLM_DEFAULT_RETRIES */
	long retry_base_ms;        /* 0 = LLM_DEFAULT_RETRY_BASE_MS */
	const volatile int *abort; /* set non-zero from elsewhere to stop the call */
};

struct llm_callbacks {
	void *ctx;
	void (*on_text)(void *ctx, const char *delta, size_t len);
	void (*on_tool_call)(void *ctx, const struct llm_tool_call *call);
};

struct llm_result {
	char *text;                  /* the whole reply text ("" when none) */
	struct llm_tool_call *calls;
	int ncalls;
	enum llm_stop stop;
	char stop_reason[32];        /* the provider's own word: end_turn, tool_calls, ... */
	long input_tokens, output_tokens;
	int attempts;                /* HTTP requests made */
	int http_status;             /* of the last attempt; 0 when none completed */
};

int llm_call(const struct llm_config *cfg, const struct llm_request *req, const struct llm_callbacks *cb,
	     struct llm_result *res, char *err, size_t errlen);
void llm_result_free(struct llm_result *res);
const char *llm_provider_name(enum llm_provider p);
const char *llm_stop_name(enum llm_stop s);

#endif
