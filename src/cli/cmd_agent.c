/*
 * cli/cmd_agent.c — `chela agent`: one agent turn from the command line. The reply streams to
 * stdout as it arrives (a newline at the end), tool activity goes to stderr one line per tool
 * start and end (with where it ran), so `chela agent ... > reply.txt` keeps only the answer.
 * SIGINT/SIGTERM abort the turn: the model stream is dropped and running tools are killed.
 * Exit: 0 ok, 1 the model or a tool path failed (the error on stderr), 2 usage, 78 bad config,
 * 130 aborted.
 */
#include "cli/cli.h"

#include "agent/agent.h"
#include "config/config.h"
#include "session/session.h"
#include "util/limits.h"
#include "util/log.h"

#include <cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD_AGENT_EXIT_ABORTED 130 /* 128 + SIGINT, as shells report an interrupted command */
#define CMD_AGENT_ARGS_SHOWN   160 /* characters of tool arguments echoed to stderr */

static const char usage[] =
"usage: chela agent --message TEXT [--session KEY] [--agent ID] [--sender ID] [--no-stream] [--json]\n"
"  run one agent turn; the reply goes to stdout, tool activity to stderr\n"
"  --session KEY  \"main\" (default), a name below the agent, or a full agent:<id>:... key\n"
"  --agent ID     agent (default main, or the one a full key names)\n"
"  --sender ID    who asks (\"telegram:123\"), for [tools.elevated] allow_from\n"
"  --no-stream    ask the model for the whole reply at once\n"
"  --json         print the result as one JSON object instead of the text\n";

static volatile int abort_flag;

static void on_signal(int sig)
{
	(void)sig;
	abort_flag = 1;
}

struct cli_ctx {
	int json;
	int printed; /* reply text went to stdout */
	int ends_nl;
};

static void ev_delta(void *ctx, const char *text, size_t len)
{
	struct cli_ctx *c = ctx;

	if (c->json || len == 0)
		return;
	fwrite(text, 1, len, stdout);
	fflush(stdout);
	c->printed = 1;
	c->ends_nl = text[len - 1] == '\n';
}

static void ev_tool_start(void *ctx, const char *call_id, const char *tool, const char *args, const char *where)
{
	struct cli_ctx *c = ctx;

	(void)call_id;
	if (c->printed && !c->ends_nl) { /* text before the tool call: end its line */
		putchar('\n');
		fflush(stdout);
		c->ends_nl = 1;
	}
	fprintf(stderr, "[tool] %s start (%s): %.*s%s\n", tool, where && where[0] ? where : "not run",
		CMD_AGENT_ARGS_SHOWN, args, strlen(args) > CMD_AGENT_ARGS_SHOWN ? "..." : "");
}

static void ev_tool_end(void *ctx, const char *call_id, const char *tool, const char *result, int is_error,
			const char *where, long ms)
{
	cJSON *r = cJSON_Parse(result);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");

	(void)ctx;
	(void)call_id;
	fprintf(stderr, "[tool] %s end (%s, %ld ms): %s%s%.300s\n", tool, where && where[0] ? where : "not run", ms,
		is_error ? "error" : "ok", is_error && cJSON_IsString(e) ? ": " : "",
		is_error && cJSON_IsString(e) ? e->valuestring : "");
	cJSON_Delete(r);
}

static void print_json(const struct agent_turn_result *res, enum agent_status st, const char *err)
{
	cJSON *o = cJSON_CreateObject(), *u;
	char *s;

	cJSON_AddBoolToObject(o, "ok", st == AGENT_OK);
	cJSON_AddStringToObject(o, "reply", res->reply ? res->reply : "");
	cJSON_AddStringToObject(o, "runId", res->run_id);
	cJSON_AddStringToObject(o, "sessionKey", res->session_key);
	cJSON_AddNumberToObject(o, "iterations", res->iterations);
	cJSON_AddNumberToObject(o, "toolCalls", res->tool_calls);
	cJSON_AddStringToObject(o, "stopReason", res->stop_reason);
	u = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(u, "inputTokens", (double)res->input_tokens);
	cJSON_AddNumberToObject(u, "outputTokens", (double)res->output_tokens);
	if (st != AGENT_OK)
		cJSON_AddStringToObject(o, "error", err);
	s = cJSON_PrintUnformatted(o);
	printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
}

int cmd_agent(int argc, char **argv)
{
	const char *pos[2], *message = NULL, *session = NULL, *agent_id = NULL, *sender = NULL;
	int npos = 0, no_stream = 0, json = 0, rc = CHELA_EXIT_FAILURE;
	const struct cli_opt opts[] = {
		{"message", 1, &message, NULL}, {"session", 1, &session, NULL}, {"agent", 1, &agent_id, NULL},
		{"sender", 1, &sender, NULL},   {"no-stream", 0, NULL, &no_stream}, {"json", 0, NULL, &json},
		{NULL, 0, NULL, NULL},
	};
	enum cli_parse_result r = cli_parse(argc, argv, opts, pos, 2, &npos, usage);
	struct cli_ctx ctx = { 0 };
	struct agent_events ev = { .ctx = &ctx, .on_delta = ev_delta, .on_tool_start = ev_tool_start,
				   .on_tool_end = ev_tool_end };
	struct agent_turn_req req;
	struct agent_turn_result res;
	struct session_store *store = NULL;
	struct config *cfg = NULL;
	struct sigaction sa;
	char err[ERR_LEN] = "";
	enum agent_status st;

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (npos != 0 || !message || !message[0]) {
		fprintf(stderr, "chela agent: --message TEXT is required\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	cfg = cli_load_config();
	if (!cfg)
		return CHELA_EXIT_CONFIG;
	/* stderr carries the tool lines; routine info logs would bury them (warnings still show) */
	log_set_level(LOG_WARN);
	if (agent_id && !config_agent_find(cfg, agent_id)) {
		fprintf(stderr, "chela agent: no agent '%s' in %s (agents are [agent.<id>] sections)\n", agent_id,
			cfg->path ? cfg->path : "the config");
		rc = CHELA_EXIT_USAGE;
		goto done;
	}
	store = session_store_open(cfg->state_dir, err, sizeof err);
	if (!store) {
		fprintf(stderr, "chela agent: %s\n", err);
		goto done;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: a blocked read should notice soon */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ctx.json = json;
	memset(&req, 0, sizeof req);
	req.cfg = cfg;
	req.store = store;
	req.agent_id = agent_id;
	req.session_key = session;
	req.sender = sender;
	req.message = message;
	req.abort = &abort_flag;
	req.stream = !no_stream;
	st = agent_turn(&req, &ev, &res, err, sizeof err);
	if (json) {
		print_json(&res, st, err);
	} else {
		if (!ctx.printed && res.reply && res.reply[0]) { /* not streamed: the whole reply now */
			fputs(res.reply, stdout);
			ctx.printed = 1;
			ctx.ends_nl = res.reply[strlen(res.reply) - 1] == '\n';
		}
		if (ctx.printed && !ctx.ends_nl)
			putchar('\n');
	}
	fflush(stdout);
	if (st == AGENT_OK)
		rc = CHELA_EXIT_OK;
	else
		fprintf(stderr, "chela agent: %s\n", err);
	if (st == AGENT_ABORTED)
		rc = CMD_AGENT_EXIT_ABORTED;
	agent_result_free(&res);
done:
	session_store_close(store);
	config_free(cfg);
	return rc;
}
