/* cli/cli_config.c — loading the config for a command (see cli.h). */
#include "cli/cli.h"
#include "config/config.h"

#include <stdio.h>

struct config *cli_load_config(void)
{
	struct config *cfg = NULL;
	struct config_errors errs;
	int i;

	if (config_load(cli_common.config_path, cli_common.state_dir, &cfg, &errs) == 0) {
		for (i = 0; i < cfg->nwarnings; i++)
			fprintf(stderr, "config: warning: %s\n", cfg->warnings[i]);
		return cfg;
	}
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "config: %s\n", errs.items[i].message);
	fprintf(stderr, "config: %d error%s (run `chela config check`)\n", errs.n, errs.n == 1 ? "" : "s");
	config_errors_free(&errs);
	return NULL;
}
