/*
 * tools/tool_sandbox.h — the sandbox backend: tools run inside a running container.
 *
 * Contract: tool_sandbox_open() borrows the Docker client (it must outlive the backend) and
 * copies everything else. The container must be running and have sh, readlink -f, cat, mv,
 * mkdir, rm, wc and setsid (busybox or coreutils). The root the model sees is `workdir`
 * (SPEC: /workspace); file paths are resolved inside the container and refused unless they
 * stay below it. Errors read as the host backend's do, so tool results are identical.
 */
#ifndef CHELA_TOOLS_TOOL_SANDBOX_H
#define CHELA_TOOLS_TOOL_SANDBOX_H

#include "tools/tools.h"

#include <stddef.h>

struct docker;

struct tool_sandbox_opts {
	struct docker *docker;
	const char *container;     /* id or name */
	const char *workdir;       /* absolute, inside the container */
	const char *user;          /* "" / NULL = the image's user */
	const char *const *env;    /* "K=V" for every exec, NULL-terminated; nothing else is passed */
	const char *procdir;       /* background command state; default /tmp/chela-procs */
};

struct tool_backend *tool_sandbox_open(const struct tool_sandbox_opts *o, char *err, size_t errlen);

#endif
