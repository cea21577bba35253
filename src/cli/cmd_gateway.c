/*
 * cli/cmd_gateway.c — `chela gateway`. Not built yet: the gateway issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela gateway [--config F] [--port N] [--bind loopback|lan|ADDR]\n"
"  run the gateway in the foreground: HTTP + WebSocket on one port, web chat, probes\n";

int cmd_gateway(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("gateway", "the gateway issue");
}
