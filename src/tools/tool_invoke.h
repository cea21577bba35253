/*
 * tools/tool_invoke.h — run one tool call the way the agent does: policy → sandbox decision →
 * execution on the backend the decision names.
 *
 * Contract: tools_invoke() always returns a malloc'd JSON object (the caller frees it) and sets
 * *status. A denied tool gives {"ok":false,"denied":true,"tool","layer","key","error"} where
 * error names the layer and the config key (with file:line) that denied it. Borrowed inputs
 * are only read during the call. When c->where is given it receives where the tool ran:
 * "host" or the sandbox container's name ("" when it did not run: unknown, denied). While a
 * command runs, *c->abort (when given) is polled; once non-zero the command's whole process
 * tree is killed (on the host or in the container) and the result says "aborted".
 */
#ifndef CHELA_TOOLS_TOOL_INVOKE_H
#define CHELA_TOOLS_TOOL_INVOKE_H

#include <stddef.h>

struct config;
struct config_agent;

enum tools_status {
	TOOLS_OK = 0,      /* the tool ran and said ok */
	TOOLS_FAILED = 1,  /* the tool ran (or could not start) and reported an error */
	TOOLS_DENIED = 2,  /* policy refused it */
	TOOLS_UNKNOWN = 3, /* no such tool */
};

struct tools_call {
	const struct config *cfg;
	const struct config_agent *agent;
	const char *session_key; /* "main", "agent:<id>:...", or NULL for the main session */
	const char *sender;      /* "telegram:123", for elevated exec; NULL when none */
	const char *tool;
	const char *args;        /* JSON object text */
	size_t argslen;
	const volatile int *abort; /* NULL = never */
	char *where;             /* optional out: "host" or the container name */
	size_t wherelen;
};

char *tools_invoke(const struct tools_call *c, int *status);

/*
 * Where this call would run, decided as tools_invoke() decides it but without touching Docker:
 * "host" or the container name the sandbox manager uses (sandbox_container_name() over the
 * scope key). Returns 0, or -1 with out = "" when the tool is unknown or denied.
 */
int tools_where(const struct tools_call *c, char *out, size_t outlen);

#endif
