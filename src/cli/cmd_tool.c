/*
 * cli/cmd_tool.c — `chela tool`. Not built yet: the policy and tools issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela tool TOOL --session KEY [--agent ID] --args JSON\n"
"  run one tool through policy, the sandbox decision and execution; prints the JSON result\n";

int cmd_tool(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("tool", "the policy and tools issue");
}
