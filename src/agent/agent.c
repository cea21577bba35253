/*
 * agent/agent.c — agent_turn(): one user message → model → tools → model … → reply (see
 * agent.h). The order of writes is the durability contract: the user's message is on disk
 * before the model is asked, every assistant message and tool result as it completes, and
 * the final reply before agent_turn() returns, so a crash loses at most the step in flight.
 */
#include "agent/agent_int.h"

#include "config/config.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "workspace/workspace.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGENT_RESET_REPLY "Started a new session."
#define AGENT_NOTE_MAX    512

static void on_text(void *ctx, const char *delta, size_t len)
{
	const struct agent_events *ev = ctx;

	if (ev && ev->on_delta)
		ev->on_delta(ev->ctx, delta, len);
}

/* "/new" or "/reset", alone or followed by a first message for the new session. Returns the
 * message to run after the reset (NULL: none), or the whole text when it is no command. */
static const char *reset_command(const char *msg, int *is_reset)
{
	static const char *const cmds[] = {"/new", "/reset"};
	size_t i, n;

	*is_reset = 0;
	while (isspace((unsigned char)*msg))
		msg++;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		n = strlen(cmds[i]);
		if (strncmp(msg, cmds[i], n) == 0 && (msg[n] == '\0' || isspace((unsigned char)msg[n]))) {
			*is_reset = 1;
			msg += n;
			while (isspace((unsigned char)*msg))
				msg++;
			return *msg ? msg : NULL;
		}
	}
	return msg;
}

static void llm_config_of(const struct agent_turn_state *st, long timeout_ms, struct llm_config *lc)
{
	const struct config_model *m = &st->agent->model;

	memset(lc, 0, sizeof *lc);
	lc->provider = m->provider == MODEL_PROVIDER_OPENAI ? LLM_PROVIDER_OPENAI : LLM_PROVIDER_ANTHROPIC;
	lc->model = m->model;
	lc->base_url = m->base_url;
	lc->api_key = m->api_key;
	lc->ca_file = m->ca_file;
	lc->timeout_ms = timeout_ms;
	lc->abort = st->req->abort;
}

static char *system_prompt(const struct agent_turn_state *st, char *err, size_t errlen)
{
	struct workspace_prompt_opts o;
	char note[AGENT_NOTE_MAX];

	/* A fresh install has no workspace yet; the tools create it the same way. */
	if (fs_mkdir_p(st->agent->workspace, 0755, err, errlen) < 0)
		return NULL;
	agent_sandbox_note(st, note, sizeof note);
	memset(&o, 0, sizeof o);
	o.workspace = st->agent->workspace;
	o.agent_id = st->agent_id;
	o.main_session = session_key_is_main(st->req->cfg, st->agent_id, st->key);
	o.sandbox_note = note;
	return workspace_prompt_build(&o, err, errlen);
}

/* One model call over the conversation so far; its message recorded. 1 = tools to run,
 * 0 = final reply (res->reply set), -1 failed, -2 aborted. */
static int model_step(struct agent_turn_state *st, const char *system, const struct agent_toolset *ts,
		      int64_t deadline, char *err, size_t errlen)
{
	struct agent_turn_result *res = st->res;
	struct llm_callbacks cb = { .ctx = (void *)st->ev, .on_text = on_text };
	struct llm_request rq;
	struct llm_config lc;
	struct llm_result r;
	struct agent_msgs msgs;
	int64_t left = deadline - clock_mono_ms();
	int rc, i;

	if (left <= 0) {
		err_set(err, errlen, "agent: the turn ran past its deadline of %ld s ([model] timeout_s) before the model "
			"answered", st->agent->model.timeout_s);
		return -1;
	}
	agent_msgs_build(st->entries, &msgs);
	memset(&rq, 0, sizeof rq);
	rq.system = system;
	rq.messages = msgs.m;
	rq.nmessages = msgs.n;
	rq.tools = ts->tools;
	rq.ntools = ts->n;
	rq.max_tokens = st->agent->model.max_tokens;
	rq.stream = st->req->stream;
	llm_config_of(st, (long)left, &lc);
	rc = llm_call(&lc, &rq, &cb, &r, err, errlen);
	agent_msgs_free(&msgs);
	res->iterations++;
	res->input_tokens += r.input_tokens;
	res->output_tokens += r.output_tokens;
	snprintf(res->stop_reason, sizeof res->stop_reason, "%s", r.stop_reason);
	if (rc < 0) {
		int aborted = agent_aborted(st);

		/* keep what was said before the abort; a failed call leaves no half message behind */
		if (aborted && r.text && r.text[0]) {
			r.ncalls = 0;
			agent_record(st, agent_entry_assistant(&r, st->run_id, 1), NULL, 0);
			free(res->reply);
			res->reply = xstrdup(r.text);
		}
		llm_result_free(&r);
		return aborted ? -2 : -1;
	}
	if (agent_record(st, agent_entry_assistant(&r, st->run_id, 0), err, errlen) < 0) {
		llm_result_free(&r);
		return -1;
	}
	if (r.ncalls == 0) {
		free(res->reply);
		res->reply = xstrdup(r.text ? r.text : "");
		llm_result_free(&r);
		return 0;
	}
	for (i = 0; i < r.ncalls; i++) {
		if (agent_tool_call(st, &r.calls[i], err, errlen) < 0) {
			llm_result_free(&r);
			return -1;
		}
	}
	llm_result_free(&r);
	return agent_aborted(st) ? -2 : 1;
}

/* The loop, with the session's lock held and the user's message not yet recorded. */
static enum agent_status run_locked(struct agent_turn_state *st, const char *message, char *err, size_t errlen)
{
	struct agent_toolset ts;
	char *system = NULL, warning[ERR_LEN];
	int64_t deadline = clock_mono_ms() + st->agent->model.timeout_s * 1000;
	long max_iter = st->agent->model.max_iterations > 0 ? st->agent->model.max_iterations : 1;
	enum agent_status status = AGENT_FAILED;
	int step = 1;

	memset(&ts, 0, sizeof ts);
	st->deadline = deadline;
	st->entries = session_load(st->req->store, st->agent_id, st->key, warning, sizeof warning, err, errlen);
	if (!st->entries)
		return AGENT_FAILED;
	if (!(system = system_prompt(st, err, errlen)))
		goto done;
	agent_toolset_build(st, &ts);
	if (agent_record(st, agent_entry_user(message, st->run_id), err, errlen) < 0)
		goto done;
	while (step == 1) {
		if (agent_aborted(st)) {
			step = -2;
			break;
		}
		if (st->res->iterations >= max_iter) {
			err_set(err, errlen, "agent: the model still wanted tools after %ld model calls ([model] "
				"max_iterations = %ld); the tool results are in the transcript", max_iter, max_iter);
			step = -1;
			break;
		}
		step = model_step(st, system, &ts, deadline, err, errlen);
	}
	status = step == 0 ? AGENT_OK : step == -2 ? AGENT_ABORTED : AGENT_FAILED;
	if (status == AGENT_ABORTED)
		err_set(err, errlen, "agent: aborted");
done:
	agent_toolset_free(&ts);
	free(system);
	return status;
}

/* Which agent: the one asked for, else the one a canonical key names, else main. */
static const char *agent_id_of(const struct agent_turn_req *req, char *buf, size_t buflen)
{
	if (req->agent_id && req->agent_id[0])
		return req->agent_id;
	if (req->session_key && session_key_agent(req->session_key, buf, buflen) == 0)
		return buf;
	return "main";
}

/* see agent.h */
enum agent_status agent_turn(const struct agent_turn_req *req, const struct agent_events *ev,
			     struct agent_turn_result *res, char *err, size_t errlen)
{
	struct agent_turn_state st;
	char idbuf[64], keyagent[64];
	unsigned char rnd[AGENT_RUN_ID_LEN / 2];
	const char *message;
	enum agent_status status = AGENT_FAILED;
	int64_t t0 = clock_mono_ms();
	int is_reset;

	memset(res, 0, sizeof *res);
	memset(&st, 0, sizeof st);
	st.req = req;
	st.ev = ev;
	st.res = res;
	st.agent_id = agent_id_of(req, idbuf, sizeof idbuf);
	st.agent = config_agent_find(req->cfg, st.agent_id);
	if (!st.agent) {
		err_set(err, errlen, "agent: no agent \"%.64s\" in the config (agents are [agent.<id>] sections)",
			st.agent_id);
		return AGENT_FAILED;
	}
	if (session_key_normalize(req->cfg, st.agent_id, req->session_key, res->session_key, sizeof res->session_key,
				  err, errlen) < 0)
		return AGENT_FAILED;
	if (session_key_agent(res->session_key, keyagent, sizeof keyagent) == 0 && strcmp(keyagent, st.agent_id) != 0) {
		err_set(err, errlen, "agent: session \"%.200s\" belongs to agent \"%s\", not \"%s\"", res->session_key,
			keyagent, st.agent_id);
		return AGENT_FAILED;
	}
	st.key = res->session_key;
	if (hash_random_bytes(rnd, sizeof rnd) < 0) {
		err_set(err, errlen, "agent: no random bytes for a run id");
		return AGENT_FAILED;
	}
	str_hex(rnd, sizeof rnd, res->run_id);
	st.run_id = res->run_id;
	message = reset_command(req->message ? req->message : "", &is_reset);
	if (!is_reset && !*message) {
		err_set(err, errlen, "agent: the message is empty");
		return AGENT_FAILED;
	}

	session_lock(req->store, st.agent_id, st.key);
	if (ev && ev->on_start)
		ev->on_start(ev->ctx, res->run_id, st.key);
	if (is_reset && session_reset(req->store, st.agent_id, st.key, err, errlen) < 0)
		goto done;
	if (is_reset && !message) {
		res->reply = xstrdup(AGENT_RESET_REPLY);
		if (ev && ev->on_delta)
			ev->on_delta(ev->ctx, res->reply, strlen(res->reply));
		status = AGENT_OK;
		goto done;
	}
	status = run_locked(&st, message, err, errlen);
done:
	session_unlock(req->store, st.agent_id, st.key);
	cJSON_Delete(st.entries);
	if (!res->reply)
		res->reply = xstrdup("");
	log_event(status == AGENT_OK ? LOG_INFO : LOG_WARN, "agent.turn",
		  "run=%s agent=%s session=%s status=%d iterations=%d tools=%d ms=%lld%s%s", res->run_id,
		  log_quote(st.agent_id), log_quote(st.key), (int)status, res->iterations, res->tool_calls,
		  (long long)(clock_mono_ms() - t0), status == AGENT_OK ? "" : " error=", status == AGENT_OK ? "" : log_quote(err));
	return status;
}

/* see agent.h */
void agent_result_free(struct agent_turn_result *res)
{
	if (!res)
		return;
	free(res->reply);
	res->reply = NULL;
}
