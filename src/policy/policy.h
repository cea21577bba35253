/*
 * policy/policy.h — which tools a session has, whether it is sandboxed, and elevated exec.
 *
 * Contract:
 *   - The engine reads the configuration's tool layers (cfg->tools: global [tools],
 *     [tools.sandbox], [tools.elevated]; agent->tools: that agent's own [agent.<id>.tools*]) and
 *     combines them. Each layer can only narrow: a tool is available when no deny list matches
 *     it, every non-empty allow list (and each profile) includes it, and — for sandboxed
 *     sessions — the sandbox tool policy and the workspace access allow it. Deny always wins.
 *   - Every decision carries the layer and the config key (with file:line when the key was set
 *     in a file) that produced it, so `sandbox explain` and tool-denied errors can say why.
 *   - Elevated exec changes only *where* exec runs (the host instead of the sandbox), never
 *     *whether* it runs: a tool denied anywhere stays denied.
 *   - Pure functions over the config: no I/O except the explain printers. Nothing allocates
 *     except policy_explain_json() (caller frees with cJSON_Delete).
 */
#ifndef CHELA_POLICY_POLICY_H
#define CHELA_POLICY_POLICY_H

#include <stdio.h>

struct config;
struct config_agent;
struct config_tools;
struct cJSON;

enum policy_tool {
	POLICY_TOOL_EXEC,
	POLICY_TOOL_PROCESS,
	POLICY_TOOL_READ,
	POLICY_TOOL_WRITE,
	POLICY_TOOL_EDIT,
	POLICY_TOOL_APPLY_PATCH,
	POLICY_TOOL_COUNT
};

#define POLICY_KEY_MAX    160 /* "agent.<id>.tools.sandbox.allow" plus " (file:line)" */
#define POLICY_REASON_MAX 320

/* Where an allowed tool runs. */
enum policy_where { POLICY_WHERE_HOST, POLICY_WHERE_SANDBOX };

/* The inputs of a decision: the config, the agent, the session and who asked. */
struct policy_session {
	const struct config *cfg;        /* may be NULL in tests (then no file:line in reasons) */
	const struct config_tools *global;
	const struct config_agent *agent;
	const char *session_key;         /* e.g. "agent:main:main" or "main" */
	const char *sender;              /* "telegram:123", or NULL when nobody is named */
	int sandboxed;                   /* from policy_session_sandboxed() */
};

struct policy_decision {
	int allowed;
	enum policy_where where;
	int elevated;                    /* exec on the host because of [tools.elevated] */
	char layer[48];                  /* "global", "agent", "sandbox", "agent sandbox", "workspace" */
	char key[POLICY_KEY_MAX];        /* the config key that decided, with "(file:line)" if set */
	char reason[POLICY_REASON_MAX];  /* a sentence: "denied by tools.deny (chela.ini:14)" */
};

/* "exec" ... "apply_patch"; NULL for an out-of-range value. */
const char *policy_tool_name(enum policy_tool t);
/* The tool with this exact name, or -1. */
int policy_tool_find(const char *name);

/*
 * Does the list entry (a tool name, a `*` glob, or group:runtime / group:fs / group:all, also
 * globbed) cover this tool? Case-insensitive, surrounding blanks ignored.
 */
int policy_entry_matches(const char *entry, enum policy_tool t);
/* Is this entry meaningful (names or globs at least one known tool or group)? For config check. */
int policy_entry_known(const char *entry);

/*
 * Is this session sandboxed? mode off: never; all: always; non-main: unless the key is the
 * agent's main key ("agent:<id>:<main_key>", or the bare main key). Writes the deciding key
 * ("agent.work.sandbox.mode (chela.ini:30)") into why when given.
 */
int policy_session_sandboxed(const struct config *cfg, const struct config_agent *agent, const char *session_key,
			     char *why, size_t whylen);

/* Fill a session for (cfg, agent, key, sender): sandboxed is decided here. */
void policy_session_init(struct policy_session *s, const struct config *cfg, const struct config_agent *agent,
			 const char *session_key, const char *sender);

/* Decide one tool for a session. Always fills d (allowed or not, with the reason). */
void policy_decide(const struct policy_session *s, enum policy_tool t, struct policy_decision *d);

/*
 * May this sender use elevated exec for this agent? Requires global [tools.elevated] enabled,
 * the agent layer not disabling it, and the sender matching the global allow_from and, when the
 * agent sets one, the agent's too. why (optional) gets the reason either way.
 */
int policy_elevated_allowed(const struct policy_session *s, char *why, size_t whylen);

/* The effective tool list with reasons, one tool a line (for `sandbox explain`). */
void policy_explain_print(const struct policy_session *s, FILE *f);
/* The same as JSON: {"sandboxed":..,"elevated":..,"tools":[{"name","allowed","where","layer","key","reason"}]}. */
struct cJSON *policy_explain_json(const struct policy_session *s);

#endif
