/*
 * cli/cmd_agent.c — `chela agent`. Not built yet: the agent-runtime issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela agent --message TEXT [--session KEY] [--agent ID]\n"
"  run one agent turn; the reply goes to stdout, tool activity to stderr\n";

int cmd_agent(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("agent", "the agent-runtime issue");
}
