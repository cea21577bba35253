/*
 * docker/docker_exec_int.h — the parts of running a command that docker_exec.c (one engine exec
 * per command) and docker_shell.c (commands through a long-lived shell) share; private to docker/.
 *
 * Contract:
 * - struct exec_out collects one command's output: stdout and stderr into head+tail captures,
 *   the process-group line the launcher prints first on stderr (stripped, kept as pgid), and
 *   the engine's own error frames (type 3).
 * - exec_create()/exec_start() are the engine calls; exec_start() leaves the connection as the
 *   raw multiplexed stream, with any bytes that came with the answer's headers in `extra`.
 * - exec_pump() drives one command's stream to its end: writes `in` (then half-closes when
 *   asked), feeds every frame to `frame`, and enforces the deadline and the abort flag with the
 *   escalation of docker.h (process-group kill from a second exec, then the container). It ends
 *   at end of stream, or earlier when `complete` says the command is over (the shell's case).
 */
#ifndef CHELA_DOCKER_EXEC_INT_H
#define CHELA_DOCKER_EXEC_INT_H

#include "docker/docker_capture.h"
#include "docker/docker_int.h"

#define EXEC_PGID_MARKER "chela-exec-pgid="
#define EXEC_MARKER_MAX  64 /* the marker line is far shorter; more means it is not one */

/* The launcher's inner script: report the group id, enter the workdir ("$1"), run the command.
 * Run as `setsid sh -c EXEC_INNER sh WORKDIR argv...` from a background job, so setsid does not
 * fork and the inner sh leads a new process group whose id is its pid. */
#define EXEC_INNER "echo \"" EXEC_PGID_MARKER "$$\" >&2; cd -- \"$1\" || exit 126; shift; exec \"$@\""

struct exec_out {
	struct docker_cap out, err;
	int want_marker;              /* stderr still starts with the pgid line */
	char marker[EXEC_MARKER_MAX];
	size_t marker_len;
	long pgid;
	struct buf syserr;
};

void exec_out_init(struct exec_out *x, size_t cap, int want_pgid);
void exec_out_stdout(struct exec_out *x, const char *data, size_t len);
void exec_out_stderr(struct exec_out *x, const char *data, size_t len);
/* Moves the captures into res and releases x. */
void exec_out_finish(struct exec_out *x, struct docker_exec_result *res);

struct exec_create_req {
	const char *const *argv;      /* the whole Cmd */
	const char *const *env;
	const char *workdir, *user;
	int attach_stdin;
};
int exec_create(struct docker *d, const char *container, const struct exec_create_req *q, char exec_id[65],
		char *err, size_t errlen);
/* POST /exec/{id}/start, hijacked: s is the stream, extra its first bytes (caller inits extra). */
int exec_start(struct docker *d, const char *exec_id, struct unix_sock *s, struct buf *extra, char *err,
	       size_t errlen);

enum { EXEC_PUMP_ERROR = -1, EXEC_PUMP_EOF = 0, EXEC_PUMP_COMPLETE = 1 };

struct exec_pump {
	struct docker *d;
	const char *container, *user;     /* for the kill escalation */
	struct unix_sock *s;
	struct docker_demux *dm;
	docker_demux_fn frame;
	void *frame_ctx;
	struct exec_out *x;               /* where the pgid comes from */
	int (*complete)(void *frame_ctx); /* NULL: the command ends with the stream */
	const char *in;                   /* written as the stream takes it */
	size_t inlen;
	int close_stdin;                  /* half-close once `in` is written */
	int timeout_ms;
	const volatile int *abort;
	int64_t t0;                       /* when the command started (clock_mono_ms) */
};
/* EXEC_PUMP_EOF, EXEC_PUMP_COMPLETE, or EXEC_PUMP_ERROR with err; res gets timed_out, aborted,
 * killed_container and note. */
int exec_pump(const struct exec_pump *p, struct docker_exec_result *res, char *err, size_t errlen);

/* Through a pooled shell (docker_shell.c): 1 when it ran there (rc in *rc), 0 when this command
 * cannot go through a shell and must be run as its own exec. */
int docker_shell_try(struct docker *d, const char *container, const struct docker_exec_opts *o, int64_t t0,
		     struct docker_exec_result *res, int *rc, char *err, size_t errlen);

#endif
