/*
 * gateway/gateway.h — the gateway server: one epoll loop serving HTTP/1.1 and WebSocket
 * (OpenClaw protocol v4) on one port, with token auth, failed-auth rate limiting and probes.
 *
 * Contract:
 *   - gateway_run() binds, serves until SIGTERM/SIGINT and returns an exit code (CHELA_EXIT_*).
 *     All socket I/O happens on the calling thread. SIGHUP calls the reload callback and applies
 *     what can change without a restart (auth, token, origins, openai_http, readiness inputs).
 *   - The settings are copied; the caller keeps ownership of what it passes in.
 *   - Work that may block (agent turns, tool calls, Docker probes) runs as a gateway_job on a
 *     worker thread. A job never touches connections: it fills its result, may emit events,
 *     and the loop delivers both to the client that asked, if it is still connected.
 *   - Hooks are how other modules (agent runtime, policy/tools engine, sessions, sandbox)
 *     plug in. A NULL hook gets the documented fallback: an honest error or an empty answer,
 *     never a made-up reply. Hooks run on worker threads (chat_abort on the loop thread) and
 *     must be thread-safe.
 *   - The token is never logged, never put in a page, and compared in constant time.
 */
#ifndef CHELA_GATEWAY_GATEWAY_H
#define CHELA_GATEWAY_GATEWAY_H

#include "config/config.h"

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* --- limits and timing (every bound the gateway enforces) --- */
#define GATEWAY_HTTP_BODY_MAX        (1024 * 1024)      /* request body: more is 413 */
#define GATEWAY_HEADER_TIMEOUT_MS    10000              /* request head must complete within */
#define GATEWAY_BODY_TIMEOUT_MS      30000              /* request body must complete within */
#define GATEWAY_IDLE_TIMEOUT_MS      60000              /* keep-alive connection with no request */
#define GATEWAY_CONNECT_TIMEOUT_MS   10000              /* WebSocket: upgrade to `connect` */
#define GATEWAY_LINGER_MS            1000               /* drain the peer after our last byte */
#define GATEWAY_SHUTDOWN_GRACE_MS    600                /* SIGTERM: flush, then exit */
#define GATEWAY_MAX_CONNECTIONS      4096               /* beyond this new sockets are refused */
#define GATEWAY_WS_PREAUTH_MAX       (64 * 1024)        /* frames before `connect` succeeds */
#define GATEWAY_WS_FRAME_MAX         (4 * 1024 * 1024)  /* one frame after auth */
#define GATEWAY_WS_MESSAGE_MAX       (4 * 1024 * 1024)  /* reassembled message (policy.maxPayload) */
#define GATEWAY_WS_BUFFERED_MAX      (8 * 1024 * 1024)  /* unsent bytes per client (maxBufferedBytes) */
#define GATEWAY_TICK_INTERVAL_MS     15000              /* `tick` events to connected clients */
#define GATEWAY_AUTH_FAIL_MAX        5                  /* failed auth attempts per window... */
#define GATEWAY_AUTH_FAIL_WINDOW_MS  60000              /* ...within this window... */
#define GATEWAY_AUTH_LOCKOUT_MS      60000              /* ...lock the client out this long */
#define GATEWAY_RATE_SLOTS           1024               /* client addresses tracked */
#define GATEWAY_JOB_WORKERS          128                /* worker threads, started on demand: a turn holds one for its whole run, so this many sessions can talk at once */
#define GATEWAY_JOB_QUEUE_MAX        256                /* queued jobs before "busy" */
#define GATEWAY_READY_PROBE_MS       1000               /* Docker /_ping timeout for /readyz */
#define GATEWAY_STREAM_PENDING_MAX   (4 * 1024 * 1024)  /* streamed HTTP bytes a job may have in flight */
#define GATEWAY_STREAM_UNSENT_MAX    (1024 * 1024)      /* ...and a streaming client may leave unread */
#define GATEWAY_PROTOCOL_VERSION     4

struct gateway_settings {
	char *state_dir;
	long port;
	char *bind;               /* loopback | lan | an IP address */
	enum gateway_auth auth;
	char *token;              /* "" with auth=token: generated into <state>/gateway.token */
	int openai_http;
	char **allowed_origins;   /* extra browser origins allowed on upgrades ("*" = any) */
	int n_allowed_origins;
	int config_loaded;        /* a configuration was read and validated */
	int sandbox_enabled;      /* some agent is sandboxed: /readyz checks Docker */
	int channels_configured;  /* some channel is configured: /readyz asks the channels hook */
	char *docker_socket;      /* unix socket path for the readiness probe */
	long header_timeout_ms;   /* 0 = GATEWAY_HEADER_TIMEOUT_MS (tests shorten it) */
	char *main_key;           /* [session] main_key: hello-ok names agent:main:<main_key> the default */
};

/* Fill settings from a loaded config (deep copy). */
void gateway_settings_from_config(const struct config *cfg, struct gateway_settings *out);
void gateway_settings_copy(const struct gateway_settings *in, struct gateway_settings *out);
void gateway_settings_free(struct gateway_settings *s);

/* --- jobs: long work off the loop --- */

struct gateway_job;

/* A method's outcome: a payload (owned, success) or an error code and message. */
struct gateway_result {
	cJSON *payload;
	char code[48];
	char message[256];
	int http_status; /* for HTTP endpoints; 0 = 200 on success, 500 on error */
};

/* Fill res with an error; returns NULL so hooks can `return` it if they like. */
void gateway_result_error(struct gateway_result *res, int http_status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A hook: runs on a worker thread with the request's params (borrowed, may be NULL) and
 * fills res. Long hooks should poll gateway_job_cancelled() and stop when it says so.
 */
typedef void (*gateway_method_fn)(void *ctx, struct gateway_job *job, const cJSON *params,
				  struct gateway_result *res);

/* Has the gateway asked this job to stop (shutdown, its client went away, chat.abort)? Thread-safe. */
int gateway_job_cancelled(const struct gateway_job *job);
/* Ask a running job to stop (chat.abort from another request). Thread-safe; the job must still
 * be running (callers keep a registry of running jobs and remove themselves before returning). */
void gateway_job_cancel(struct gateway_job *job);
/* The cancel flag itself, for code that polls an int (agent_turn's abort); valid while the job runs. */
const volatile int *gateway_job_cancel_flag(const struct gateway_job *job);
/*
 * WebSocket jobs: answer the request now (chat.send → {runId, status:"started"}) and keep
 * running; events emitted afterwards follow the answer, and the job's final result is then not
 * sent. Takes ownership of payload. A second call, or a call from an HTTP job, only frees it.
 */
void gateway_job_reply(struct gateway_job *job, cJSON *payload);
/*
 * HTTP jobs: stream the reply instead of answering at the end (text/event-stream). start sends
 * the head (status, content type, chunked transfer coding); write sends one chunk; the chunked
 * body ends when the hook returns (its result is then ignored). write returns -1 when the job
 * was cancelled (the client went away) or more than GATEWAY_STREAM_PENDING_MAX bytes are
 * waiting to be delivered. Thread-safe; start at most once, before any write.
 */
int gateway_job_stream_start(struct gateway_job *job, int status, const char *content_type);
int gateway_job_stream_write(struct gateway_job *job, const char *data, size_t len);
/*
 * Send an event from a worker: to the client that started the job, or to every connected
 * client when broadcast is set. Takes ownership of payload. Thread-safe; delivered in order.
 */
void gateway_job_emit(struct gateway_job *job, const char *event, cJSON *payload, int broadcast);

struct gateway_hooks {
	void *ctx;
	gateway_method_fn chat_send;        /* NULL: error no_model "no model configured" */
	gateway_method_fn chat_history;     /* NULL: error no_model */
	gateway_method_fn chat_abort;       /* NULL: error no_model. Runs on the loop thread (a full
					     * pool must not delay it): it may only flag jobs, never block */
	gateway_method_fn sessions_list;    /* NULL: built-in {sessions:[]} (no session store yet) */
	gateway_method_fn sessions_reset;   /* NULL: built-in not_found (there are no sessions) */
	gateway_method_fn sandbox_explain;  /* NULL: error unavailable */
	gateway_method_fn tools_invoke;     /* NULL: HTTP 501 not_implemented */
	gateway_method_fn chat_completions; /* NULL: error no_model "no model configured" */
	/* Readiness inputs (run on a worker). NULL docker_ping: GET /_ping on the Docker socket. */
	int (*docker_ping)(void *ctx, const char *socket_path, char *err, size_t errlen);
	/* NULL channels_ready with channels configured: not ready (no channel runtime). */
	int (*channels_ready)(void *ctx, char *err, size_t errlen);
};

/* Reload the configuration (SIGHUP): fill out, or return -1 with err (the old one stays). */
typedef int (*gateway_reload_fn)(void *ctx, struct gateway_settings *out, char *err, size_t errlen);

struct gateway_options {
	const struct gateway_settings *settings;
	const struct gateway_hooks *hooks; /* NULL: every fallback */
	gateway_reload_fn reload;          /* NULL: SIGHUP only logs */
	void *reload_ctx;
	const char *version;
};

int gateway_run(const struct gateway_options *opts);

/* The built-in Docker readiness probe: GET /_ping on a unix socket within timeout_ms. */
int gateway_docker_ping(const char *socket_path, int timeout_ms, char *err, size_t errlen);

#endif
