/*
 * policy/explain_doc.h — the whole `sandbox explain` document for one session: where its tools
 * run (the sandbox part, sandbox/sandbox_explain.h) and which tools it has (the policy part).
 * `chela sandbox explain [--json]` and the gateway's sandbox.explain method both print this one
 * document, so the CLI, the JSON and the web page never disagree.
 *
 * Contract:
 *   - explain_doc_build() resolves the agent and session the way the CLI's options do: a session
 *     key "agent:<id>:..." names its agent (agent_id, when also given, must agree), agent_id NULL
 *     or "" means "main", session_key NULL means the agent's main session; a bare key ("main",
 *     "telegram:dm:42") is put under the agent. On a bad request it returns NULL with a sentence
 *     in err (no such agent, conflicting agent, key too long). Otherwise it returns the document
 *     (caller frees with cJSON_Delete): the sandbox explain fields plus
 *       "tools": {"lines": [...],                  one line a tool, then the elevated line
 *                 "list": [{"name","allowed","where","elevated","layer","key","reason"}...],
 *                 "elevated": {"allowed","reason","enabled","allow_from":[...],
 *                              "agent_allow_from":[...]},
 *                 "sender": "..." (only when one was given)}
 *     where each "key" names the config key that decided, with (file:line) when set in a file.
 *   - explain_doc_build() needs no engine and does no I/O; explain_doc_build_live() adds the
 *     container's live state through mgr (NULL: "unknown", engine_error saying why) and lets a
 *     sender be named so elevated exec can be judged for them.
 *   - explain_doc_print_text() writes the human view of a document to f.
 */
#ifndef CHELA_POLICY_EXPLAIN_DOC_H
#define CHELA_POLICY_EXPLAIN_DOC_H

#include <stddef.h>
#include <stdio.h>

struct config;
struct config_agent;
struct cJSON;
struct sandbox_mgr;

/* The resolution above on its own (also for `sandbox recreate --session`): the agent, and the
 * full session key in key; NULL with err on a bad request. */
const struct config_agent *explain_doc_resolve(const struct config *cfg, const char *agent_id, const char *session_key,
					       char *key, size_t keylen, char *err, size_t errlen);
struct cJSON *explain_doc_build(const struct config *cfg, const char *agent_id, const char *session_key, char *err,
				size_t errlen);
struct cJSON *explain_doc_build_live(const struct config *cfg, const char *agent_id, const char *session_key,
				     const char *sender, struct sandbox_mgr *mgr, const char *engine_error, char *err,
				     size_t errlen);
void explain_doc_print_text(const struct cJSON *doc, FILE *f);

#endif
