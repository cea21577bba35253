/*
 * cli/cmd_version.c — `chela version`: version, revision, vendored libraries, build flags.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

#include "build_info.h"

#include <cJSON.h>
#include <stdio.h>

static const char usage[] = "usage: chela version\n  print the version, git revision, vendored library versions and build flags\n";

int cmd_version(int argc, char **argv)
{
	enum cli_parse_result r = cli_parse(argc, argv, NULL, NULL, 0, NULL, usage);

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	printf("chela %s (revision %s)\n", CHELA_VERSION, CHELA_REVISION);
	printf("vendored: %s\n", CHELA_VENDOR_VERSIONS);
	printf("cJSON runtime: %s\n", cJSON_Version());
	printf("compiler: %s\n", CHELA_BUILD_CC);
	printf("flags: %s\n", CHELA_BUILD_FLAGS);
	return CHELA_EXIT_OK;
}
