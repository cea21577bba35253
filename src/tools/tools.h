/*
 * tools/tools.h — the agent's tools (exec, process, read, write, edit, apply_patch) and the
 * backend interface that lets each of them run identically on the host or in a sandbox.
 *
 * Contract:
 *   - A tool is implemented once, over `struct tool_backend`: a handful of primitive operations
 *     (run a command with stdin/timeout/output cap, read/write/remove a file under the root).
 *     The host backend (tool_host.c) roots file access in the agent workspace with
 *     openat2(RESOLVE_BENEATH) (component-wise O_NOFOLLOW walking where openat2 is missing);
 *     the sandbox backend runs the same operations inside the session's container.
 *   - Paths given by the model are made relative to the backend root by tool_path_rel()
 *     before any backend sees them: `..` that leaves the root and absolute paths outside it are
 *     refused with the same sentence on every backend.
 *   - tools_run() never fails silently and never crashes on bad input: it returns a malloc'd
 *     JSON object, {"ok":true,...} or {"ok":false,"error":"<tool>: <what>: <why>"}; the caller
 *     frees it. Arguments are validated against the tool's schema first (tool_args.c).
 *   - Outputs are capped: exec keeps the head and the tail of each stream and says how many
 *     bytes it dropped; read returns at most TOOLS_READ_MAX_LINES lines / TOOLS_READ_MAX_BYTES.
 *   - Backend functions return 0, -1 with err set, or TOOL_ENOENT (read/remove of a missing
 *     file) so callers can tell "absent" from "broken".
 */
#ifndef CHELA_TOOLS_TOOLS_H
#define CHELA_TOOLS_TOOLS_H

#include "policy/policy.h"

#include <stddef.h>
#include <stdint.h>

struct cJSON;

#define TOOL_ENOENT (-2)

/* --- caps and defaults (tools only) --- */
#define TOOLS_EXEC_DEFAULT_TIMEOUT_S 120
#define TOOLS_EXEC_MAX_TIMEOUT_S     3600
#define TOOLS_OUTPUT_HEAD_BYTES      (16 * 1024)  /* per stream: first bytes kept */
#define TOOLS_OUTPUT_TAIL_BYTES      (16 * 1024)  /* per stream: last bytes kept (= head: the Docker capture splits evenly) */
#define TOOLS_FILE_MAX_BYTES         (8 * 1024 * 1024) /* read/edit/patch refuse larger files */
#define TOOLS_READ_MAX_LINES         2000
#define TOOLS_READ_MAX_BYTES         (128 * 1024) /* text returned by one read */
#define TOOLS_READ_LINE_MAX          2000         /* longer lines are cut (and marked) */
#define TOOLS_BINARY_SNIFF_BYTES     8192         /* a NUL in these means "binary" */
#define TOOLS_ARGS_MAX_BYTES         (4 * 1024 * 1024) /* JSON arguments of one call */
#define TOOLS_PATH_MAX               4096
#define TOOLS_PROC_MAX               64           /* background commands per session listed */
#define TOOLS_EXEC_DRAIN_MS          200          /* after the shell exits, wait this for EOF */

/* One captured stream: head + "[... N bytes dropped ...]" + tail, valid UTF-8. */
struct tool_output {
	char *data;
	size_t len;
	size_t dropped;  /* bytes between head and tail that were not kept */
	size_t total;    /* bytes the command wrote */
};

struct tool_exec_req {
	char *const *argv;       /* argv[0] is run via PATH inside the backend */
	const char *cwd;         /* relative to the backend root (tool_path_rel()), NULL = root */
	const void *stdin_data;  /* NULL = empty stdin */
	size_t stdin_len;
	int timeout_ms;          /* > 0; on expiry the whole process tree is killed */
	size_t head_cap, tail_cap;
};

struct tool_exec_res {
	int exit_code;   /* 0..255; 128+N when killed by signal N; -1 unknown */
	int signal;      /* the signal that ended it, 0 if none */
	int timed_out;
	int aborted;     /* the caller's abort flag stopped it (process tree killed) */
	int64_t duration_ms;
	struct tool_output out, err;
};

struct tool_backend {
	const char *kind;    /* "host" or "sandbox" */
	const char *root;    /* the root as the model names it: host workspace dir, or /workspace */
	const char *procdir; /* where background commands keep state (absolute, in the backend) */
	int (*exec)(struct tool_backend *be, const struct tool_exec_req *req, struct tool_exec_res *res, char *err,
		    size_t errlen);
	/* Read a regular file of at most max bytes (larger: -1 with the size in err). */
	int (*read)(struct tool_backend *be, const char *rel, size_t max, char **data, size_t *len, char *err,
		    size_t errlen);
	/* Replace a file atomically, creating missing parent directories. */
	int (*write)(struct tool_backend *be, const char *rel, const void *data, size_t len, char *err, size_t errlen);
	int (*remove)(struct tool_backend *be, const char *rel, char *err, size_t errlen);
	void (*close)(struct tool_backend *be);
	void *priv;
	/* Set by the caller after opening (may stay NULL): while a command runs, the backend polls
	 * it and, once it is non-zero, kills the command's whole process tree (an agent turn that
	 * was aborted must not leave its tools running). */
	const volatile int *abort;
};

/*
 * The host backend rooted at `root` (must exist). procdir: where background commands of this
 * session keep state (created on demand). Returns NULL with err on failure.
 */
struct tool_backend *tool_host_open(const char *root, const char *procdir, char *err, size_t errlen);
void tool_backend_close(struct tool_backend *be);

void tool_exec_res_free(struct tool_exec_res *res);

/*
 * Make a model-given path relative to root: absolute paths must lie under root; "." and empty
 * components vanish; ".." may not climb above root. out gets "." for the root itself.
 */
int tool_path_rel(const char *root, const char *path, char *out, size_t outlen, char *err, size_t errlen);

/* Run one tool by name with JSON arguments; returns a malloc'd JSON result (see contract). */
char *tools_run(struct tool_backend *be, const char *tool, const char *args, size_t argslen);

/* The JSON schema of one tool's arguments (for the model), or NULL. Caller frees. */
struct cJSON *tools_schema(enum policy_tool t);
/* One line on what a tool does, for the model's tool list. */
const char *tools_description(enum policy_tool t);

/* A result object {"ok":false,"error":msg} as a malloc'd string. */
char *tools_error_json(const char *msg);

#endif
