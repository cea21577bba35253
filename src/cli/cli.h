/*
 * cli/cli.h — the command line: dispatch and the option parser every command shares.
 *
 * Contract: each command lives in its own cmd_<name>.c and exposes `int cmd_<name>(int argc,
 * char **argv)` taking the arguments after its name, returning an exit code (CHELA_EXIT_*).
 * cli_parse() handles `--name value`, `--name=value`, flags, and the options every command
 * accepts (--config F, --state DIR, --help); it prints usage errors itself.
 */
#ifndef CHELA_CLI_CLI_H
#define CHELA_CLI_CLI_H

struct config;

struct cli_opt {
	const char *name;   /* without the leading "--" */
	int takes_value;    /* 1: needs a value, 0: a flag */
	const char **value; /* where a value goes (takes_value) */
	int *flag;          /* set to 1 when a flag is present */
};

/* Options shared by every command, filled by cli_parse(). */
struct cli_common {
	const char *config_path; /* --config */
	const char *state_dir;   /* --state */
};
extern struct cli_common cli_common;

enum cli_parse_result { CLI_PARSE_OK = 0, CLI_PARSE_HELP = 1, CLI_PARSE_ERROR = -1 };

/*
 * Parse argv[0..argc) against opts (terminated by a {NULL} entry). Positional arguments are
 * stored in order into positional[] (up to max_positional). usage is printed for --help (to
 * stdout) and after a usage error (to stderr).
 */
enum cli_parse_result cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **positional,
				int max_positional, int *npositional, const char *usage);

/*
 * Load the effective config the way every command does (--config, $CHELA_CONFIG,
 * <state>/chela.ini; a missing default file is fine). On failure prints every error to
 * stderr and returns NULL; the caller exits CHELA_EXIT_CONFIG.
 */
struct config *cli_load_config(void);

/* Print "chela <what>: not built yet (<where>)" and return CHELA_EXIT_FAILURE. */
int cli_not_built(const char *what, const char *where);

int cmd_gateway(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_tool(int argc, char **argv);
int cmd_sandbox(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_config_import(int argc, char **argv); /* cmd_config_import.c, called by cmd_config */
int cmd_doctor(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
