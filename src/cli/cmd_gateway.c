/*
 * cli/cmd_gateway.c — `chela gateway`: load the config, apply --port/--bind, run the gateway in
 * the foreground until SIGTERM. SIGHUP re-reads the same config file (the flags still win).
 */
#include "cli/cli.h"
#include "config/config.h"
#include "gateway/gateway.h"
#include "gateway/gateway_app.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"

#include "build_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: chela gateway [--config F] [--state DIR] [--port N] [--bind loopback|lan|ADDR]\n"
"  run the gateway in the foreground: HTTP + WebSocket on one port, web chat, probes\n"
"  --port 0 picks a free port (logged in the gateway.listen line)\n"
"  CHELA_LOG_LEVEL=debug|info|warn|error sets how much is logged (default info)\n"
"  CHELA_GATEWAY_HEADER_TIMEOUT_MS=N shortens the request-head deadline (default 10000; tests)\n";

struct gateway_cli {
	long port;        /* -1: from the config */
	const char *bind; /* NULL: from the config */
	struct gateway_app *app; /* the hooks' state; takes each reloaded config */
};

static void apply_flags(const struct gateway_cli *g, struct gateway_settings *s)
{
	const char *ht = getenv("CHELA_GATEWAY_HEADER_TIMEOUT_MS");

	if (ht && atol(ht) > 0)
		s->header_timeout_ms = atol(ht);
	if (g->port >= 0)
		s->port = g->port;
	if (g->bind) {
		free(s->bind);
		s->bind = xstrdup(g->bind);
	}
}

/* SIGHUP: the same file again; the first error is what the log will show. */
static int reload_config(void *ctx, struct gateway_settings *out, char *err, size_t errlen)
{
	struct config *cfg = NULL;
	struct config_errors errs;

	memset(&errs, 0, sizeof errs);
	if (config_load(cli_common.config_path, cli_common.state_dir, &cfg, &errs) < 0) {
		err_set(err, errlen, "%s%s", errs.n ? errs.items[0].message : "config: cannot load",
			errs.n > 1 ? " (and more: run `chela config check`)" : "");
		config_errors_free(&errs);
		return -1;
	}
	gateway_settings_from_config(cfg, out);
	apply_flags(ctx, out);
	gateway_app_reload(((struct gateway_cli *)ctx)->app, cfg);
	return 0;
}

static void set_log_level(void)
{
	const char *l = getenv("CHELA_LOG_LEVEL");

	if (l == NULL)
		return;
	if (strcmp(l, "debug") == 0)
		log_set_level(LOG_DEBUG);
	else if (strcmp(l, "warn") == 0)
		log_set_level(LOG_WARN);
	else if (strcmp(l, "error") == 0)
		log_set_level(LOG_ERROR);
	else
		log_set_level(LOG_INFO);
}

int cmd_gateway(int argc, char **argv)
{
	const char *port = NULL, *bind = NULL;
	const struct cli_opt opts[] = {
		{"port", 1, &port, NULL},
		{"bind", 1, &bind, NULL},
		{NULL, 0, NULL, NULL},
	};
	struct gateway_cli g = {.port = -1};
	struct gateway_settings set;
	struct gateway_options go;
	struct gateway_hooks hooks;
	struct config *cfg;
	char err[ERR_LEN];
	enum cli_parse_result r = cli_parse(argc, argv, opts, NULL, 0, NULL, usage);
	int rc;

	if (r == CLI_PARSE_HELP)
		return CHELA_EXIT_OK;
	if (r == CLI_PARSE_ERROR)
		return CHELA_EXIT_USAGE;
	if (port) {
		char *end;

		g.port = strtol(port, &end, 10);
		if (*port == '\0' || *end || g.port < 0 || g.port > 65535) {
			fprintf(stderr, "chela gateway: --port '%s' is not a TCP port (0-65535)\n%s", port, usage);
			return CHELA_EXIT_USAGE;
		}
	}
	if (bind && *bind == '\0') {
		fprintf(stderr, "chela gateway: --bind needs loopback, lan or an IP address\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	g.bind = bind;
	set_log_level();
	cfg = cli_load_config();
	if (cfg == NULL)
		return CHELA_EXIT_CONFIG;
	gateway_settings_from_config(cfg, &set);
	apply_flags(&g, &set);
	/* One app (session store, running turns) for the whole process; it owns cfg from here. */
	g.app = gateway_app_open(cfg, err, sizeof err);
	if (g.app == NULL) {
		fprintf(stderr, "chela gateway: %s\n", err);
		gateway_settings_free(&set);
		return CHELA_EXIT_FAILURE;
	}
	gateway_app_hooks(g.app, &hooks);
	memset(&go, 0, sizeof go);
	go.settings = &set;
	go.hooks = &hooks;
	go.reload = reload_config;
	go.reload_ctx = &g;
	go.version = CHELA_VERSION;
	rc = gateway_run(&go);
	gateway_app_close(g.app);
	gateway_settings_free(&set);
	return rc;
}
