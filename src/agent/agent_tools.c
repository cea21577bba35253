/*
 * agent/agent_tools.c — the tool side of a turn: which tools the model is offered (exactly
 * what the policy engine allows this session) and running the calls it makes, each through
 * tools_invoke(), the path `chela tool` and POST /tools/invoke share.
 */
#include "agent/agent_int.h"

#include "config/config.h"
#include "sandbox/sandbox.h"
#include "tools/tool_invoke.h"
#include "tools/tools.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int agent_aborted(const struct agent_turn_state *st)
{
	return st->req->abort && *st->req->abort;
}

static void session_of(const struct agent_turn_state *st, struct policy_session *ps)
{
	policy_session_init(ps, st->req->cfg, st->agent, st->key, st->req->sender);
}

/* see agent_int.h */
void agent_toolset_build(const struct agent_turn_state *st, struct agent_toolset *ts)
{
	struct policy_session ps;
	int t;

	memset(ts, 0, sizeof *ts);
	session_of(st, &ps);
	for (t = 0; t < POLICY_TOOL_COUNT; t++) {
		struct policy_decision d;
		cJSON *schema;

		policy_decide(&ps, (enum policy_tool)t, &d);
		if (!d.allowed || !(schema = tools_schema((enum policy_tool)t)))
			continue;
		ts->schemas[ts->n] = cJSON_PrintUnformatted(schema);
		cJSON_Delete(schema);
		ts->tools[ts->n].name = policy_tool_name((enum policy_tool)t);
		ts->tools[ts->n].description = tools_description((enum policy_tool)t);
		ts->tools[ts->n].parameters_json = ts->schemas[ts->n];
		ts->n++;
	}
}

void agent_toolset_free(struct agent_toolset *ts)
{
	int i;

	if (!ts)
		return;
	for (i = 0; i < ts->n; i++)
		free(ts->schemas[i]);
	memset(ts, 0, sizeof *ts);
}

/* see agent_int.h */
void agent_sandbox_note(const struct agent_turn_state *st, char *out, size_t outlen)
{
	struct policy_session ps;
	struct tools_call c;
	char where[SANDBOX_NAME_MAX + 1];

	out[0] = '\0';
	session_of(st, &ps);
	if (!ps.sandboxed)
		return;
	memset(&c, 0, sizeof c);
	c.cfg = st->req->cfg;
	c.agent = st->agent;
	c.session_key = st->key;
	c.tool = "exec";
	if (tools_where(&c, where, sizeof where) < 0 || strcmp(where, "host") == 0)
		snprintf(where, sizeof where, "a sandbox container");
	snprintf(out, outlen,
		 "Your tools run inside the sandbox container %s, not on the user's machine: its files are under %s "
		 "and what it can reach is limited.",
		 where, st->agent->sandbox.docker.workdir && st->agent->sandbox.docker.workdir[0]
				? st->agent->sandbox.docker.workdir : SANDBOX_WORKSPACE_TARGET);
}

/* A result the tool never produced: invalid arguments, or an abort before it started. */
static char *refusal(const struct llm_tool_call *call, int aborted)
{
	char msg[ERR_LEN + 160];

	if (aborted)
		snprintf(msg, sizeof msg, "%.60s: not run: the turn was aborted", call->name ? call->name : "tool");
	else
		snprintf(msg, sizeof msg,
			 "%.60s: invalid arguments: %.400s. Call the tool again with its arguments as one JSON object "
			 "that matches its schema.",
			 call->name ? call->name : "tool", call->args_error);
	return tools_error_json(msg);
}

/*
 * The turn's deadline covers its tools too: an exec that would outlive it gets its timeout_s
 * cut to what is left (then it is killed like any timed-out command and the model is told).
 * Returns new arguments, or NULL to keep the model's.
 */
static char *clamp_exec_timeout(const struct agent_turn_state *st, const char *tool, const char *args)
{
	int64_t left_s = (st->deadline - clock_mono_ms() + 999) / 1000;
	const cJSON *t, *bg;
	cJSON *a;
	char *out = NULL;

	if (strcmp(tool, "exec") != 0 || st->deadline == 0)
		return NULL;
	a = cJSON_Parse(args);
	t = cJSON_GetObjectItemCaseSensitive(a, "timeout_s");
	bg = cJSON_GetObjectItemCaseSensitive(a, "background");
	if (left_s < 1)
		left_s = 1;
	if (cJSON_IsObject(a) && !cJSON_IsTrue(bg) &&
	    (cJSON_IsNumber(t) ? t->valuedouble : TOOLS_EXEC_DEFAULT_TIMEOUT_S) > (double)left_s) {
		cJSON_DeleteItemFromObjectCaseSensitive(a, "timeout_s");
		cJSON_AddNumberToObject(a, "timeout_s", (double)left_s);
		out = cJSON_PrintUnformatted(a);
	}
	cJSON_Delete(a);
	return out;
}

/* see agent_int.h */
int agent_tool_call(struct agent_turn_state *st, const struct llm_tool_call *call, char *err, size_t errlen)
{
	const struct agent_events *ev = st->ev;
	const char *name = call->name ? call->name : "";
	char where[SANDBOX_NAME_MAX + 1] = "", ran[SANDBOX_NAME_MAX + 1] = "";
	struct tools_call c;
	int64_t t0 = clock_mono_ms();
	char *result, *clamped = call->args_error ? NULL : clamp_exec_timeout(st, name, call->arguments ? call->arguments : "{}");
	int status = TOOLS_FAILED, aborted = agent_aborted(st);
	long ms;

	memset(&c, 0, sizeof c);
	c.cfg = st->req->cfg;
	c.agent = st->agent;
	c.session_key = st->key;
	c.sender = st->req->sender;
	c.tool = name;
	c.args = clamped ? clamped : call->arguments ? call->arguments : "{}";
	c.argslen = strlen(c.args);
	c.abort = st->req->abort;
	c.where = ran;
	c.wherelen = sizeof ran;
	/* where it will run, for the start event; tools_invoke() then reports where it did */
	tools_where(&c, where, sizeof where);
	if (ev && ev->on_tool_start)
		ev->on_tool_start(ev->ctx, call->id ? call->id : "", name, c.args, where);
	if (aborted || call->args_error) {
		result = refusal(call, aborted);
	} else {
		result = tools_invoke(&c, &status);
		st->res->tool_calls++;
	}
	if (!result) /* tools_invoke() always answers; this only guards a broken invariant */
		result = tools_error_json("the tool returned nothing");
	if (ran[0])
		memcpy(where, ran, sizeof where);
	ms = (long)(clock_mono_ms() - t0);
	log_event(LOG_INFO, "agent.tool", "run=%s tool=%s where=%s status=%d ms=%ld", st->run_id, log_quote(name),
		  log_quote(where), status, ms);
	if (ev && ev->on_tool_end)
		ev->on_tool_end(ev->ctx, call->id ? call->id : "", name, result, status != TOOLS_OK, where, ms);
	if (agent_record(st, agent_entry_tool(call->id, name, result, status != TOOLS_OK, where, ms, st->run_id), err,
			 errlen) < 0) {
		free(result);
		free(clamped);
		return -1;
	}
	free(result);
	free(clamped);
	return 0;
}
