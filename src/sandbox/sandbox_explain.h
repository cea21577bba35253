/*
 * sandbox/sandbox_explain.h — `chela sandbox explain` and the gateway's sandbox.explain method:
 * what a session's tools run in, why, and which config keys would change that.
 *
 * Contract:
 *   - sandbox_explain_build() returns one JSON document (the caller owns it, cJSON_Delete) that
 *     both the CLI's --json and the text view are made from, so they never disagree. It needs
 *     no engine; given a manager with a connection it adds the container's live state
 *     ("not created", running, stale, last use). Secrets never appear: env values whose names
 *     look like secrets are shown as "<redacted>".
 *   - Each fix-it entry names the exact key to edit as config_origin() reports it
 *     ("agent.work.sandbox.mode" or "agents.defaults.sandbox.mode") and where it is set now
 *     (file:line or "default").
 *   - The tool policy lines belong to the policy engine: it adds a "tools" object to the
 *     document (see SANDBOX_EXPLAIN_TOOLS_KEY); the text view prints whatever lines it holds
 *     under "tools:".
 *   - sandbox_explain_print_text() writes the human view to f.
 */
#ifndef CHELA_SANDBOX_SANDBOX_EXPLAIN_H
#define CHELA_SANDBOX_SANDBOX_EXPLAIN_H

#include "config/config.h"

#include <stdint.h>
#include <stdio.h>

struct cJSON;
struct sandbox_mgr;

#define SANDBOX_EXPLAIN_TOOLS_KEY "tools" /* {"lines": ["..."], ...} filled by the policy engine */
#define SANDBOX_REDACTED          "<redacted>"

/* mgr may be NULL (no engine): the live state is then reported as unknown. */
struct cJSON *sandbox_explain_build(const struct config *cfg, const struct config_agent *agent,
				    const char *session_key, struct sandbox_mgr *mgr, const char *engine_error);
void sandbox_explain_print_text(const struct cJSON *doc, FILE *f);

/* "3m", "2h", "4d" for durations in `list` and `explain`. */
void sandbox_duration_format(int64_t ms, char *out, size_t outlen);

#endif
