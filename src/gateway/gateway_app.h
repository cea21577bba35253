/*
 * gateway/gateway_app.h — the gateway's hooks (gateway.h) implemented with chela's modules:
 * agent turns (agent/agent.h), the session store (session/session.h), tool calls
 * (tools/tool_invoke.h) and the sandbox explain document. cli/cmd_gateway.c makes one app per
 * process and hands its hooks to gateway_run().
 *
 * Contract:
 *   - gateway_app_open() takes ownership of cfg and opens the one session store of the process
 *     under cfg->state_dir. NULL with err on failure.
 *   - gateway_app_reload() (SIGHUP) swaps in a new config (ownership passes); requests already
 *     running finish with the config they started with, which is freed after the last of them.
 *   - gateway_app_hooks() fills every hook, with ctx = app. Hooks run on worker threads; the app
 *     is safe to use from several at once. gateway_app_close() after gateway_run() returned.
 *   - Errors a client caused are answered with a code and one sentence (invalid_request,
 *     not_found, forbidden...); a model failure is the model's own sentence; nothing a client
 *     or a model sends can stop the process.
 */
#ifndef CHELA_GATEWAY_GATEWAY_APP_H
#define CHELA_GATEWAY_GATEWAY_APP_H

#include "gateway/gateway.h"

#include <stddef.h>

struct config;
struct gateway_app;

struct gateway_app *gateway_app_open(struct config *cfg, char *err, size_t errlen);
void gateway_app_reload(struct gateway_app *app, struct config *cfg);
void gateway_app_hooks(struct gateway_app *app, struct gateway_hooks *out);
void gateway_app_close(struct gateway_app *app);

#endif
