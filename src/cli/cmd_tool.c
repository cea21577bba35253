/*
 * cli/cmd_tool.c — `chela tool`: one tool call through exactly the agent's path (policy →
 * sandbox decision → execution), result JSON on stdout. A denied or failed tool exits 1 with
 * the reason (for a denial: the layer and config key) on stderr as well.
 */
#include "cli/cli.h"

#include "config/config.h"
#include "tools/tool_invoke.h"
#include "tools/tools.h"
#include "util/buf.h"
#include "util/limits.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: chela tool TOOL --session KEY [--agent ID] --args JSON [--sender ID]\n"
"  run one tool through policy, the sandbox decision and execution; prints the JSON result\n"
"  TOOL     exec | process | read | write | edit | apply_patch\n"
"  --session KEY  session key (\"main\" or \"agent:<id>:...\"); decides sandboxing\n"
"  --agent ID     agent (default main)\n"
"  --args JSON    the tool's arguments as a JSON object; \"-\" reads them from stdin\n"
"  --sender ID    who asks (\"telegram:123\"), for [tools.elevated] allow_from\n"
"  --schema       print the tool's argument schema instead of running it\n";

/* --args -: the arguments come from stdin (large patches do not fit a command line well). */
static char *read_stdin(size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	buf_init(&b, TOOLS_ARGS_MAX_BYTES + 1);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			break;
	*len = b.len;
	if (b.overflow) {
		buf_free(&b);
		return NULL;
	}
	return b.data ? buf_take(&b) : strdup("");
}

static const char *json_error(const char *json)
{
	static char msg[1024];
	cJSON *r = cJSON_Parse(json);
	const cJSON *e = cJSON_GetObjectItem(r, "error");

	snprintf(msg, sizeof msg, "%s", cJSON_IsString(e) ? e->valuestring : "the tool failed");
	cJSON_Delete(r);
	return msg;
}

int cmd_tool(int argc, char **argv)
{
	const char *pos[2], *session = NULL, *agent_id = NULL, *args = NULL, *sender = NULL;
	int npos = 0, schema = 0, status, rc = CHELA_EXIT_FAILURE;
	const struct cli_opt opts[] = {
		{"session", 1, &session, NULL}, {"agent", 1, &agent_id, NULL}, {"args", 1, &args, NULL},
		{"sender", 1, &sender, NULL},   {"schema", 0, NULL, &schema},  {NULL, 0, NULL, NULL},
	};
	enum cli_parse_result r = cli_parse(argc, argv, opts, pos, 2, &npos, usage);
	struct tools_call call;
	struct config *cfg = NULL;
	char *stdin_args = NULL, *res;
	size_t argslen = 0;
	int t;

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (npos != 1) {
		fprintf(stderr, "chela tool: name one tool\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	t = policy_tool_find(pos[0]);
	if (t < 0) {
		fprintf(stderr, "chela tool: no tool named '%s' (tools: exec, process, read, write, edit, apply_patch)\n",
			pos[0]);
		return CHELA_EXIT_USAGE;
	}
	if (schema) {
		cJSON *s = tools_schema((enum policy_tool)t);
		char *txt = cJSON_Print(s);

		printf("%s\n", txt);
		free(txt);
		cJSON_Delete(s);
		return CHELA_EXIT_OK;
	}
	if (!session || !session[0] || !args) {
		fprintf(stderr, "chela tool: --session KEY and --args JSON are required\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	if (strcmp(args, "-") == 0) {
		stdin_args = read_stdin(&argslen);
		if (!stdin_args) {
			fprintf(stderr, "chela tool: arguments on stdin are over %d bytes\n", TOOLS_ARGS_MAX_BYTES);
			return CHELA_EXIT_USAGE;
		}
		args = stdin_args;
	} else {
		argslen = strlen(args);
	}
	cfg = cli_load_config();
	if (!cfg) {
		free(stdin_args);
		return CHELA_EXIT_CONFIG;
	}
	memset(&call, 0, sizeof call);
	call.cfg = cfg;
	call.agent = config_agent_find(cfg, agent_id ? agent_id : "main");
	if (!call.agent) {
		fprintf(stderr, "chela tool: no agent '%s' in %s (agents are [agent.<id>] sections)\n", agent_id,
			cfg->path ? cfg->path : "the config");
		rc = CHELA_EXIT_USAGE;
		goto done;
	}
	call.session_key = session;
	call.sender = sender;
	call.tool = pos[0];
	call.args = args;
	call.argslen = argslen;
	res = tools_invoke(&call, &status);
	printf("%s\n", res);
	fflush(stdout);
	if (status == TOOLS_OK)
		rc = CHELA_EXIT_OK;
	else
		fprintf(stderr, "chela tool: %s\n", json_error(res));
	free(res);
done:
	config_free(cfg);
	free(stdin_args);
	return rc;
}
