/*
 * cli/cmd_health.c — `chela health`. Not built yet: the gateway issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela health [--url URL]\n"
"  exit 0 when the gateway answers GET /healthz (the image HEALTHCHECK)\n";

int cmd_health(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("health", "the gateway issue");
}
