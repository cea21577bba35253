/*
 * cli/cmd_sandbox.c — `chela sandbox explain | list | recreate | prune`.
 *
 * explain works without an engine (the container's live state is then "unknown"); the others
 * need one and exit 1 with the engine's error and a pointer to `chela doctor` when it is absent.
 * They only ever touch containers whose names carry one of this config's container prefixes.
 */
#include "cli/cli.h"
#include "config/config.h"
#include "docker/docker.h"
#include "policy/explain_doc.h"
#include "sandbox/sandbox_explain.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_manager.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/limits.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
"usage: chela sandbox explain [--session KEY] [--agent ID] [--sender ID] [--json]\n"
"       chela sandbox list [--json]\n"
"       chela sandbox recreate (--all | --session KEY | --agent ID)\n"
"       chela sandbox prune\n";

struct sbx_ctx {
	struct config *cfg;
	struct docker docker;
	int connected;
	char engine_err[ERR_LEN];
	struct sandbox_mgr mgr;
};

static int ctx_open(struct sbx_ctx *x, int need_engine, const char *what)
{
	memset(x, 0, sizeof *x);
	if ((x->cfg = cli_load_config()) == NULL)
		return CHELA_EXIT_CONFIG;
	x->connected = docker_open(&x->docker, NULL, x->engine_err, sizeof x->engine_err) == 0;
	sandbox_mgr_init(&x->mgr, x->cfg, x->connected ? &x->docker : NULL, NULL, 0);
	if (need_engine && !x->connected) {
		fprintf(stderr, "chela sandbox %s: %s\n  remedy: start the Docker engine or set DOCKER_HOST; "
			"`chela doctor` checks the setup\n", what, x->engine_err);
		return CHELA_EXIT_FAILURE;
	}
	return CHELA_EXIT_OK;
}

static void ctx_close(struct sbx_ctx *x)
{
	sandbox_mgr_free(&x->mgr);
	config_free(x->cfg);
}

static int sandbox_explain(int argc, char **argv)
{
	const char *agent_opt = NULL, *session_opt = NULL, *sender_opt = NULL;
	int json = 0, rc;
	const struct cli_opt opts[] = {{"agent", 1, &agent_opt, NULL}, {"session", 1, &session_opt, NULL},
				       {"sender", 1, &sender_opt, NULL}, {"json", 0, NULL, &json},
				       {NULL, 0, NULL, NULL}};
	char err[ERR_LEN];
	struct sbx_ctx x;
	cJSON *doc;

	if ((rc = cli_parse(argc, argv, opts, NULL, 0, NULL, usage)) != CLI_PARSE_OK)
		return rc == CLI_PARSE_HELP ? CHELA_EXIT_OK : CHELA_EXIT_USAGE;
	if ((rc = ctx_open(&x, 0, "explain")) != CHELA_EXIT_OK)
		return rc;
	doc = explain_doc_build_live(x.cfg, agent_opt, session_opt, sender_opt, x.connected ? &x.mgr : NULL,
				     x.engine_err, err, sizeof err);
	if (doc == NULL) {
		fprintf(stderr, "chela sandbox explain: %s\n", err);
		ctx_close(&x);
		return CHELA_EXIT_USAGE;
	}
	if (json) {
		char *text = cJSON_Print(doc);

		printf("%s\n", text);
		cJSON_free(text);
	} else {
		explain_doc_print_text(doc, stdout);
	}
	rc = cJSON_GetObjectItem(doc, "error") ? CHELA_EXIT_FAILURE : CHELA_EXIT_OK;
	cJSON_Delete(doc);
	ctx_close(&x);
	return rc;
}

static int sandbox_list_cmd(int argc, char **argv)
{
	int json = 0, rc;
	const struct cli_opt opts[] = {{"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
	struct sandbox_entry *list = NULL;
	char err[ERR_LEN], age[16], idle[16];
	int64_t now = clock_wall_ms();
	struct sbx_ctx x;
	size_t n = 0, i;

	if ((rc = cli_parse(argc, argv, opts, NULL, 0, NULL, usage)) != CLI_PARSE_OK)
		return rc == CLI_PARSE_HELP ? CHELA_EXIT_OK : CHELA_EXIT_USAGE;
	if ((rc = ctx_open(&x, 1, "list")) != CHELA_EXIT_OK)
		goto out;
	if (sandbox_list(&x.mgr, &list, &n, err, sizeof err) < 0) {
		fprintf(stderr, "chela sandbox list: %s\n", err);
		rc = CHELA_EXIT_FAILURE;
		goto out;
	}
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		char *text;

		for (i = 0; i < n; i++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddStringToObject(e, "name", list[i].name);
			cJSON_AddStringToObject(e, "session", list[i].scope);
			cJSON_AddStringToObject(e, "agent", list[i].agent);
			cJSON_AddStringToObject(e, "image", list[i].image);
			cJSON_AddBoolToObject(e, "running", list[i].running);
			cJSON_AddStringToObject(e, "state", list[i].state);
			cJSON_AddBoolToObject(e, "stale", list[i].stale);
			cJSON_AddNumberToObject(e, "created_ms", (double)list[i].created_ms);
			cJSON_AddNumberToObject(e, "last_used_ms", (double)list[i].last_used_ms);
			cJSON_AddNumberToObject(e, "age_s", (double)((now - list[i].created_ms) / 1000));
			cJSON_AddNumberToObject(e, "idle_s", (double)((now - list[i].last_used_ms) / 1000));
			cJSON_AddItemToArray(arr, e);
		}
		text = cJSON_Print(arr);
		printf("%s\n", text);
		cJSON_free(text);
		cJSON_Delete(arr);
	} else {
		printf("%-40s %-36s %-28s %-8s %-6s %-5s %s\n", "NAME", "SESSION", "IMAGE", "RUNNING", "STALE", "AGE",
		       "IDLE");
		for (i = 0; i < n; i++) {
			sandbox_duration_format(now - list[i].created_ms, age, sizeof age);
			sandbox_duration_format(now - list[i].last_used_ms, idle, sizeof idle);
			printf("%-40s %-36s %-28s %-8s %-6s %-5s %s\n", list[i].name, list[i].scope, list[i].image,
			       list[i].running ? "yes" : "no", list[i].stale ? "yes" : "no", age, idle);
		}
		if (n == 0)
			printf("(no sandbox containers)\n");
	}
out:
	sandbox_list_free(list, n);
	ctx_close(&x);
	return rc;
}

static int remove_one(struct sbx_ctx *x, const char *name, int *removed)
{
	char err[ERR_LEN];
	int r = sandbox_remove(&x->mgr, name, err, sizeof err);

	if (r == -1) {
		fprintf(stderr, "chela sandbox recreate: %s\n", err);
		return -1;
	}
	if (r == 0) {
		printf("removed %s\n", name);
		(*removed)++;
	}
	return 0;
}

static int sandbox_recreate(int argc, char **argv)
{
	const char *agent_opt = NULL, *session_opt = NULL;
	int all = 0, rc, removed = 0, failed = 0;
	const struct cli_opt opts[] = {{"agent", 1, &agent_opt, NULL}, {"session", 1, &session_opt, NULL},
				       {"all", 0, NULL, &all}, {NULL, 0, NULL, NULL}};
	struct sandbox_entry *list = NULL;
	char err[ERR_LEN];
	struct sbx_ctx x;
	size_t n = 0, i;

	if ((rc = cli_parse(argc, argv, opts, NULL, 0, NULL, usage)) != CLI_PARSE_OK)
		return rc == CLI_PARSE_HELP ? CHELA_EXIT_OK : CHELA_EXIT_USAGE;
	if (all + (session_opt != NULL) + (agent_opt != NULL && session_opt == NULL) != 1) {
		fprintf(stderr, "chela sandbox recreate: give exactly one of --all, --session KEY, --agent ID\n%s", usage);
		return CHELA_EXIT_USAGE;
	}
	if ((rc = ctx_open(&x, 1, "recreate")) != CHELA_EXIT_OK)
		goto out;
	if (session_opt) {
		const struct config_agent *a;
		char key[SESSION_KEY_MAX + 1], scope[SESSION_KEY_MAX + 64], name[SANDBOX_NAME_MAX + 1];

		if ((a = explain_doc_resolve(x.cfg, agent_opt, session_opt, key, sizeof key, err, sizeof err)) == NULL) {
			fprintf(stderr, "chela sandbox recreate: %s\n", err);
			rc = CHELA_EXIT_USAGE;
			goto out;
		}
		if (sandbox_scope_key(a->sandbox.scope, a->id, key, scope, sizeof scope) < 0 ||
		    sandbox_container_name(a->sandbox.docker.container_prefix, scope, name, sizeof name, err,
					   sizeof err) < 0) {
			fprintf(stderr, "chela sandbox recreate: %s\n", err);
			rc = CHELA_EXIT_FAILURE;
			goto out;
		}
		failed = remove_one(&x, name, &removed) < 0;
		if (!failed && removed == 0)
			printf("no container for %s (%s)\n", key, name);
	} else {
		if (sandbox_list(&x.mgr, &list, &n, err, sizeof err) < 0) {
			fprintf(stderr, "chela sandbox recreate: %s\n", err);
			rc = CHELA_EXIT_FAILURE;
			goto out;
		}
		for (i = 0; i < n; i++)
			if (all || strcmp(list[i].agent, agent_opt) == 0)
				failed |= remove_one(&x, list[i].name, &removed) < 0;
	}
	printf("%d container%s removed; each is created again, with the current config, at its session's next "
	       "sandboxed tool call\n", removed, removed == 1 ? "" : "s");
	rc = failed ? CHELA_EXIT_FAILURE : CHELA_EXIT_OK;
out:
	sandbox_list_free(list, n);
	ctx_close(&x);
	return rc;
}

static void prune_report(const char *name, const char *why, void *ctx)
{
	(void)ctx;
	printf("removed %s: %s\n", name, why);
}

static int sandbox_prune_cmd(int argc, char **argv)
{
	char err[ERR_LEN];
	struct sbx_ctx x;
	int rc, removed = 0;

	if ((rc = cli_parse(argc, argv, NULL, NULL, 0, NULL, usage)) != CLI_PARSE_OK)
		return rc == CLI_PARSE_HELP ? CHELA_EXIT_OK : CHELA_EXIT_USAGE;
	if ((rc = ctx_open(&x, 1, "prune")) == CHELA_EXIT_OK) {
		if (sandbox_prune(&x.mgr, clock_wall_ms(), &removed, prune_report, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "chela sandbox prune: %s\n", err);
			rc = CHELA_EXIT_FAILURE;
		}
		printf("pruned %d container%s\n", removed, removed == 1 ? "" : "s");
	}
	ctx_close(&x);
	return rc;
}

int cmd_sandbox(int argc, char **argv)
{
	if (argc < 1) {
		fputs(usage, stderr);
		return CHELA_EXIT_USAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		fputs(usage, stdout);
		return CHELA_EXIT_OK;
	}
	if (strcmp(argv[0], "explain") == 0)
		return sandbox_explain(argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0)
		return sandbox_list_cmd(argc - 1, argv + 1);
	if (strcmp(argv[0], "recreate") == 0)
		return sandbox_recreate(argc - 1, argv + 1);
	if (strcmp(argv[0], "prune") == 0)
		return sandbox_prune_cmd(argc - 1, argv + 1);
	fprintf(stderr, "chela sandbox: unknown subcommand '%s'\n%s", argv[0], usage);
	return CHELA_EXIT_USAGE;
}
