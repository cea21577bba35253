/*
 * cli/cmd_doctor.c — `chela doctor`. Not built yet: the Docker sandbox issue.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

static const char usage[] =
"usage: chela doctor\n"
"  checks: Docker engine reachable, sandbox image present, runtimes (runsc), auth, risky binds\n";

int cmd_doctor(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0;
	enum cli_parse_result r = cli_parse(argc, argv, NULL, pos, 8, &npos, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	return cli_not_built("doctor", "the Docker sandbox issue");
}
