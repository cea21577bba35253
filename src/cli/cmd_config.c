/*
 * cli/cmd_config.c — `chela config check [--json]` and `chela config import FILE`.
 *
 * check: prints the effective configuration (secrets redacted) on stdout and exits 0, or
 * every error (file:line, section, key, what would be valid) and exits 78 (EX_CONFIG), so
 * systemd's RestartPreventExitStatus=78 stops a restart loop on a broken file.
 */
#include "cli/cli.h"
#include "config/config.h"
#include "util/limits.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: chela config check [--json] [--config FILE] [--state DIR]\n"
	"         validate the configuration; print the effective settings (secrets redacted)\n"
	"         or every error with file:line; exit 78 when invalid\n"
	"       chela config import openclaw.json\n"
	"         convert an OpenClaw JSON/JSON5 config to chela INI on stdout\n";

static int check_json(const struct config *cfg, const struct config_errors *errs)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;
	int i;

	cJSON_AddBoolToObject(root, "ok", cfg != NULL);
	if (cfg) {
		arr = cJSON_AddArrayToObject(root, "warnings");
		for (i = 0; i < cfg->nwarnings; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(cfg->warnings[i]));
		cJSON_AddItemToObject(root, "config", config_to_json(cfg));
	} else {
		arr = cJSON_AddArrayToObject(root, "errors");
		for (i = 0; i < errs->n; i++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "file", errs->items[i].file);
			cJSON_AddNumberToObject(e, "line", errs->items[i].line);
			cJSON_AddStringToObject(e, "section", errs->items[i].section);
			cJSON_AddStringToObject(e, "key", errs->items[i].key);
			cJSON_AddStringToObject(e, "message", errs->items[i].message);
			cJSON_AddItemToArray(arr, e);
		}
	}
	text = cJSON_Print(root);
	printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
	return cfg ? CHELA_EXIT_OK : CHELA_EXIT_CONFIG;
}

static int config_check(int argc, char **argv)
{
	struct config *cfg = NULL;
	struct config_errors errs;
	int json = 0, i, rc;
	const struct cli_opt opts[] = {{"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
	enum cli_parse_result r = cli_parse(argc, argv, opts, NULL, 0, NULL, usage);

	if (r != CLI_PARSE_OK)
		return r == CLI_PARSE_HELP ? CHELA_EXIT_OK : CHELA_EXIT_USAGE;
	config_load(cli_common.config_path, cli_common.state_dir, &cfg, &errs);
	if (json) {
		rc = check_json(cfg, &errs);
	} else if (cfg) {
		config_print_ini(cfg, stdout);
		for (i = 0; i < cfg->nwarnings; i++)
			fprintf(stderr, "config: warning: %s\n", cfg->warnings[i]);
		fprintf(stderr, "config: %s: OK\n", cfg->path);
		rc = CHELA_EXIT_OK;
	} else {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "config: %s\n", errs.items[i].message);
		fprintf(stderr, "config: %d error%s; fix %s and run `chela config check` again\n", errs.n,
			errs.n == 1 ? "" : "s", errs.n ? errs.items[0].file : "the file");
		rc = CHELA_EXIT_CONFIG;
	}
	config_free(cfg);
	config_errors_free(&errs);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		fputs(usage, argc < 1 ? stderr : stdout);
		return argc < 1 ? CHELA_EXIT_USAGE : CHELA_EXIT_OK;
	}
	if (strcmp(argv[0], "check") == 0)
		return config_check(argc - 1, argv + 1);
	if (strcmp(argv[0], "import") == 0)
		return cmd_config_import(argc - 1, argv + 1);
	fprintf(stderr, "chela config: unknown subcommand '%s'\n%s", argv[0], usage);
	return CHELA_EXIT_USAGE;
}
