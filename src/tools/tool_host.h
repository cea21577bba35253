/*
 * tools/tool_host.h — the host backend's internals, shared by tool_host.c (exec, open/close)
 * and tool_host_fs.c (files). Other modules use tool_host_open() from tools.h.
 *
 * Contract: host_priv owns an O_PATH descriptor of the workspace root; every file operation
 * resolves beneath it with host_open_beneath() (returns an fd or -1 with errno: EXDEV/ELOOP
 * mean the path tried to leave the root).
 */
#ifndef CHELA_TOOLS_TOOL_HOST_H
#define CHELA_TOOLS_TOOL_HOST_H

#include "tools/tools.h"

#include <sys/types.h>

struct host_priv {
	int rootfd;
	char *root;
	char *procdir;
};

int host_open_beneath(int rootfd, const char *rel, int flags, mode_t mode);
int host_read(struct tool_backend *be, const char *rel, size_t max, char **data, size_t *len, char *err,
	      size_t errlen);
int host_write(struct tool_backend *be, const char *rel, const void *data, size_t len, char *err, size_t errlen);
int host_remove(struct tool_backend *be, const char *rel, char *err, size_t errlen);

#endif
