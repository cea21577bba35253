/*
 * agent/agent_int.h — what the agent/ files share: the state of one turn, the transcript →
 * model-messages conversion, transcript entries, and the tool side of the loop.
 *
 * Contract: a turn keeps the conversation as one cJSON array of transcript entries (what was
 * loaded plus what this turn appended, in order); the model's messages are rebuilt from it
 * before every call, pointing into it (agent_msgs borrow, never copy), so the transcript on
 * disk and what the model saw cannot drift apart.
 */
#ifndef CHELA_AGENT_AGENT_INT_H
#define CHELA_AGENT_AGENT_INT_H

#include "agent/agent.h"
#include "llm/llm.h"
#include "policy/policy.h"

#include <stdint.h>

struct cJSON;
struct config_agent;

#define AGENT_HISTORY_MAX_MESSAGES 2000 /* newest entries sent to the model (older stay on disk) */
#define AGENT_INTERRUPTED_RESULT \
	"{\"ok\":false,\"error\":\"no result: the tool call was interrupted (the turn was aborted or chela stopped)\"}"

struct agent_turn_state {
	const struct agent_turn_req *req;
	const struct agent_events *ev;
	const struct config_agent *agent;
	const char *agent_id;
	const char *key;            /* canonical */
	const char *run_id;
	struct cJSON *entries;      /* the conversation, oldest first (owned by the turn) */
	int64_t deadline;           /* clock_mono_ms() of the [model] timeout_s deadline */
	struct agent_turn_result *res;
};

/* --- model messages from transcript entries (agent_history.c) --- */
struct agent_msgs {
	struct llm_message *m;
	int n;
	struct llm_tool_call **calls; /* one array per assistant message with calls */
	int ncalls;
};

/*
 * Build the model's view of entries: user/assistant/tool messages in order. Repairs what a
 * crash or an abort can leave: a tool call without a result gets an error result (providers
 * refuse unanswered calls), a result without its call is dropped, empty messages are skipped.
 */
void agent_msgs_build(const struct cJSON *entries, struct agent_msgs *out);
void agent_msgs_free(struct agent_msgs *m);

/* Transcript entries (new objects; the caller adds them to the conversation). */
struct cJSON *agent_entry_user(const char *text, const char *run_id);
struct cJSON *agent_entry_assistant(const struct llm_result *r, const char *run_id, int aborted);
struct cJSON *agent_entry_tool(const char *call_id, const char *tool, const char *result, int is_error,
			       const char *where, long duration_ms, const char *run_id);

/* Append entry durably to the transcript and to st->entries (which takes it). */
int agent_record(struct agent_turn_state *st, struct cJSON *entry, char *err, size_t errlen);

/* --- tools (agent_tools.c) --- */
struct agent_toolset {
	struct llm_tool tools[POLICY_TOOL_COUNT];
	char *schemas[POLICY_TOOL_COUNT];
	int n;
};

/* Exactly the tools the policy engine allows this session, with their schemas. */
void agent_toolset_build(const struct agent_turn_state *st, struct agent_toolset *ts);
void agent_toolset_free(struct agent_toolset *ts);

/* The line of the system prompt that says where tools run ("" when they run on the host). */
void agent_sandbox_note(const struct agent_turn_state *st, char *out, size_t outlen);

/*
 * Run one tool call through tools_invoke() (or answer it with an error when its arguments are
 * not a JSON object, or the turn was aborted), with start/end events, and record the result.
 * Returns 0, or -1 when the transcript could not be written (err says why).
 */
int agent_tool_call(struct agent_turn_state *st, const struct llm_tool_call *call, char *err, size_t errlen);

/* Has the caller asked to stop? */
int agent_aborted(const struct agent_turn_state *st);

#endif
