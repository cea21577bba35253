/*
 * cli/main.c — chela's entry point: find the command and hand it its arguments.
 *
 * Exit codes (SPEC): 0 ok, 1 runtime failure, 2 usage, 78 invalid config.
 */
#include "cli/cli.h"
#include "util/limits.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"gateway", cmd_gateway, "run the gateway (foreground)"},
	{"agent", cmd_agent, "one agent turn, reply on stdout"},
	{"tool", cmd_tool, "run one tool through policy and sandbox"},
	{"sandbox", cmd_sandbox, "explain | list | recreate | prune sandbox containers"},
	{"config", cmd_config, "check | import the configuration"},
	{"doctor", cmd_doctor, "check Docker, images, runtimes, auth and binds"},
	{"health", cmd_health, "exit 0 when the gateway answers /healthz"},
	{"version", cmd_version, "print version, vendored libraries and build flags"},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: chela <command> [options]   (chela <command> --help for more)\n\ncommands:\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\noptions every command takes: --config FILE, --state DIR\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* A peer closing a socket must be an error return, never a process-killing signal. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return CHELA_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CHELA_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, argv + 2);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "chela: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CHELA_EXIT_USAGE;
}
