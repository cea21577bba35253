/* cli/cli_opts.c — see cli.h */
#include "cli/cli.h"
#include "util/limits.h"

#include <stddef.h>

#include <stdio.h>
#include <string.h>

struct cli_common cli_common;

static const struct cli_opt common_opts[] = {
	{"config", 1, &cli_common.config_path, NULL},
	{"state", 1, &cli_common.state_dir, NULL},
	{NULL, 0, NULL, NULL},
};

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len)
{
	const struct cli_opt *o;

	for (o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	for (o = common_opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

enum cli_parse_result cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **positional,
				int max_positional, int *npositional, const char *usage)
{
	int i, npos = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *name;
		const struct cli_opt *o;
		size_t len;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return CLI_PARSE_HELP;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (npos >= max_positional) {
				fprintf(stderr, "chela: unexpected argument '%s'\n%s", a, usage);
				return CLI_PARSE_ERROR;
			}
			positional[npos++] = a;
			continue;
		}
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_opt(opts, name, len);
		if (o == NULL) {
			fprintf(stderr, "chela: unknown option '--%.*s'\n%s", (int)len, name, usage);
			return CLI_PARSE_ERROR;
		}
		if (!o->takes_value) {
			if (eq) {
				fprintf(stderr, "chela: option '--%s' takes no value\n%s", o->name, usage);
				return CLI_PARSE_ERROR;
			}
			*o->flag = 1;
			continue;
		}
		if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			fprintf(stderr, "chela: option '--%s' needs a value\n%s", o->name, usage);
			return CLI_PARSE_ERROR;
		}
	}
	if (npositional)
		*npositional = npos;
	return CLI_PARSE_OK;
}

int cli_not_built(const char *what, const char *where)
{
	fprintf(stderr, "chela %s: not built yet (%s)\n", what, where);
	return CHELA_EXIT_FAILURE;
}
