/*
 * cli/cmd_config.c — `chela config check|import`. (Placeholder until config lands.)
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

int cmd_config(int argc, char **argv)
{
	return cli_not_built("config", "the foundation issue");
}
