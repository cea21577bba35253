/*
 * agent/agent.h — one agent turn: the user's message → model → tools → model … → reply.
 *
 * Contract:
 *   - agent_turn() resolves the agent (NULL = "main") and the session key
 *     (session_key_normalize), takes the session's turn lock (concurrent turns on one session
 *     run one after the other; different sessions run in parallel), loads the transcript,
 *     assembles the system prompt from the agent workspace (workspace_prompt_build; MEMORY.md
 *     only in the main session), offers the model exactly the tools the policy engine allows
 *     for this session (with their JSON schemas), and loops model → tools → model at most
 *     [model] max_iterations times within the [model] timeout_s deadline.
 *   - Every tool call goes through tools_invoke() — policy, sandbox decision, execution — the
 *     same path as `chela tool` and POST /tools/invoke. Invalid tool arguments and denied tools
 *     are reported back to the model as error results (it may retry), never fatal.
 *   - The user message is appended (durable) before the model is called; each assistant message
 *     and tool result as it completes; the final reply is durable before agent_turn() returns.
 *     A message "/new" or "/reset" resets the session instead of calling the model (reply
 *     "Started a new session."); "/new <text>" resets and then runs <text> in the new session.
 *     An empty message fails without touching the transcript.
 *   - Events go to the callbacks as they happen, on the calling thread: text deltas while the
 *     reply streams, tool start/end with where the tool ran ("host" or the container name).
 *   - *abort (may be NULL) is polled: when it becomes non-zero the model stream is dropped,
 *     running tools are killed, what was said so far is kept in the transcript, and
 *     agent_turn() returns AGENT_ABORTED.
 *   - Results: res->reply is the final text (caller frees with agent_result_free()); on failure
 *     err says what failed ("model: 401 from …: check [model] api_key") and the transcript holds
 *     everything up to the failure.
 */
#ifndef CHELA_AGENT_AGENT_H
#define CHELA_AGENT_AGENT_H

#include <stddef.h>

#include "util/err.h"

struct config;
struct session_store;

#define AGENT_RUN_ID_LEN 32

enum agent_status {
	AGENT_OK = 0,
	AGENT_FAILED = -1,
	AGENT_ABORTED = -2,
};

struct agent_events {
	void *ctx;
	/* the turn started: the canonical session key and this run's id */
	void (*on_start)(void *ctx, const char *run_id, const char *session_key);
	void (*on_delta)(void *ctx, const char *text, size_t len);
	/* args_json: the model's arguments; where: "host" or the sandbox container name */
	void (*on_tool_start)(void *ctx, const char *call_id, const char *tool, const char *args_json,
			      const char *where);
	/* result_json: tools_invoke()'s JSON result */
	void (*on_tool_end)(void *ctx, const char *call_id, const char *tool, const char *result_json, int is_error,
			    const char *where, long duration_ms);
};

struct agent_turn_req {
	const struct config *cfg;
	struct session_store *store;
	const char *agent_id;     /* NULL = "main" */
	const char *session_key;  /* NULL/"" = the agent's main session; already-canonical keys pass through */
	const char *sender;       /* "telegram:123" for elevated exec; NULL when none */
	const char *message;
	const volatile int *abort; /* NULL = never */
	int stream;               /* ask the model to stream (deltas arrive as they come); without it
				     on_delta may get the whole text at once */
};

struct agent_turn_result {
	char *reply;               /* final assistant text ("" when none) */
	char run_id[AGENT_RUN_ID_LEN + 1];
	char session_key[512];     /* canonical */
	int iterations;            /* model calls made */
	int tool_calls;
	long input_tokens, output_tokens;
	char stop_reason[32];
};

enum agent_status agent_turn(const struct agent_turn_req *req, const struct agent_events *ev,
			     struct agent_turn_result *res, char *err, size_t errlen);
void agent_result_free(struct agent_turn_result *res);

#endif
