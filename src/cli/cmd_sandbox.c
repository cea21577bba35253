/*
 * cli/cmd_sandbox.c — `chela sandbox`. Not built yet: the Docker sandbox issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela sandbox explain [--session KEY] [--agent ID] [--json]\n"
"       chela sandbox list [--json]\n"
"       chela sandbox recreate (--all | --session KEY | --agent ID)\n"
"       chela sandbox prune\n";

int cmd_sandbox(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("sandbox", "the Docker sandbox issue");
}
