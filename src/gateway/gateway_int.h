/*
 * gateway/gateway_int.h — the gateway's insides, shared by its files and nothing else.
 *
 * Contract: everything here runs on the loop thread, except struct gateway_jobq, whose
 * queues are guarded by its mutex (workers push results and events there and poke the
 * eventfd). A connection is owned by the loop; it is freed only by gateway_conn_close().
 *
 * Connection states (darkhttpd style; one request at a time, responses strictly in order):
 *
 *   RECV_REQUEST ─head─▶ RECV_BODY ─body─▶ handled inline ─▶ (reply queued) ─▶ RECV_REQUEST
 *        │                                    └─▶ WAIT_JOB ─result─┘
 *        └─ upgrade ─▶ WS ─close─▶ DONE
 *   Any state ─error/close─▶ DONE: flush what is queued, shut down writing, LINGER (drain the
 *   peer so our last bytes are not lost to a reset), then the socket is closed.
 */
#ifndef CHELA_GATEWAY_GATEWAY_INT_H
#define CHELA_GATEWAY_GATEWAY_INT_H

#include "gateway/gateway.h"
#include "net/http_req.h"
#include "net/ws.h"
#include "util/buf.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>

#define GATEWAY_FLUSH_TIMEOUT_MS 5000         /* a closing connection must take its last bytes */
#define GATEWAY_OUT_HIGH_WATER   (256 * 1024)  /* HTTP: stop reading while this much is unsent */
#define GATEWAY_READ_CHUNK       (64 * 1024)   /* bytes read per wake-up */

enum gateway_conn_state {
	CONN_RECV_REQUEST,
	CONN_RECV_BODY,
	CONN_WAIT_JOB,
	CONN_WS,
	CONN_DONE,   /* flushing the last bytes */
	CONN_LINGER, /* write side shut; draining the peer until EOF or the deadline */
};

struct gateway;

struct gateway_conn {
	uint64_t id;
	int fd;
	enum gateway_conn_state state;
	struct gateway *gw;
	struct gateway_conn *prev, *next;
	char ip[INET6_ADDRSTRLEN];
	uint32_t events;          /* epoll mask currently registered */
	struct buf in;            /* received, not yet handled */
	struct buf out;           /* queued for the peer */
	int64_t deadline_ms;      /* the current phase must end by then (0 = none) */
	int head_started;         /* a byte of the current request head arrived */
	/* HTTP: the request being handled */
	struct http_req *req;
	struct buf body;
	struct http_chunked chunk;
	int keep_alive;
	int head_only;            /* HEAD: headers without the body */
	/* WebSocket */
	struct ws_reader ws;
	int ws_authed;
	int ws_close_sent;
	uint64_t ws_seq;          /* last event sequence number sent */
	char nonce[33];           /* connect.challenge nonce (hex) */
	int jobs;                 /* jobs in flight for this connection */
	int streaming;            /* HTTP: a job's chunked reply is being sent */
	int dead;                 /* the socket failed: close at the top of the loop */
	int is_ws;                /* upgraded (counted in gw->nws) */
};

/* The worker pool's shared state (see gateway_job.c). */
struct gateway_jobq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct gateway_job *todo_head, *todo_tail;
	int ntodo;
	struct gateway_msg *done_head, *done_tail; /* results and events for the loop */
	int running;       /* jobs a worker has picked up */
	int nworkers;
	int stopping;
	int efd;           /* eventfd: the loop wakes when done_* grows */
	pthread_t workers[GATEWAY_JOB_WORKERS];
};

struct gateway_rate_slot {
	char ip[INET6_ADDRSTRLEN];
	int64_t window_start_ms;
	int failures;
	int64_t blocked_until_ms;
};

struct gateway {
	struct gateway_settings set;
	struct gateway_hooks hooks;
	gateway_reload_fn reload;
	void *reload_ctx;
	const char *version;
	char *token;          /* effective token (auth=token), never logged */
	int epfd, lfd, sfd;
	struct gateway_conn *conns;
	struct gateway_conn *graveyard; /* closed during this loop pass, freed after it */
	int nconns, nws;
	uint64_t next_conn_id;
	int64_t started_ms;   /* monotonic */
	int64_t next_tick_ms;
	int64_t next_sweep_ms;
	int stopping;
	int64_t stop_deadline_ms;
	struct gateway_jobq jq;
	struct gateway_job *inflight; /* every job not yet finished, for cancellation */
	struct gateway_rate_slot rate[GATEWAY_RATE_SLOTS];
	unsigned long long http_requests;
};

/* The header deadline in force (settings may shorten it for tests). */
#define GATEWAY_HEADER_TIMEOUT(gw) ((gw)->set.header_timeout_ms > 0 ? (gw)->set.header_timeout_ms : GATEWAY_HEADER_TIMEOUT_MS)

/* --- gateway_conn.c: connection I/O and the HTTP state machine --- */
void gateway_conn_accept(struct gateway *gw);
void gateway_conn_on_event(struct gateway_conn *c, uint32_t events);
void gateway_conn_close(struct gateway_conn *c, const char *why);
/* After handling: close dead sockets, start lingering, fix epoll interest. 1 = c is gone. */
int gateway_conn_settle(struct gateway_conn *c);
void gateway_conn_bury(struct gateway *gw);
/* Queue bytes and try to send them now. Returns -1 when the peer is gone or too slow. */
int gateway_conn_send(struct gateway_conn *c, const void *data, size_t len);
/* Queue without sending (several pieces, one write later via gateway_conn_flush). */
int gateway_conn_queue(struct gateway_conn *c, const void *data, size_t len);
void gateway_conn_flush(struct gateway_conn *c);
/* Re-register epoll interest to match the state (reading, writing, paused). */
void gateway_conn_update_events(struct gateway_conn *c);
/* Handle whatever complete input is buffered (requests, frames). */
void gateway_conn_process(struct gateway_conn *c);
/* Finish the connection: send what is queued, then linger and close. */
void gateway_conn_finish(struct gateway_conn *c);
void gateway_conn_sweep(struct gateway *gw, int64_t now);
struct gateway_conn *gateway_conn_find(struct gateway *gw, uint64_t id);

/* --- gateway_http.c: responses and routes --- */
void gateway_http_respond(struct gateway_conn *c, int status, const char *ctype, const char *body, size_t len,
			  const char *extra_headers);
/* Our status line and headers (framing: "Content-Length: N" or "Transfer-Encoding: chunked")
 * into out; -1 when they do not fit. */
int gateway_http_head(struct gateway_conn *c, int status, const char *ctype, const char *framing,
		      const char *extra_headers, char *out, size_t outlen);
/* A plain-text error with a one-line reason; closes the connection after it. */
void gateway_http_fail(struct gateway_conn *c, int status, const char *reason);
void gateway_http_json(struct gateway_conn *c, int status, cJSON *json, const char *extra_headers);
/* Route a complete request (c->req and c->body). */
void gateway_http_route(struct gateway_conn *c);
/* Deliver a finished job's result as the HTTP reply. */
void gateway_http_job_done(struct gateway_conn *c, struct gateway_job *job);
/* The request is answered: wait for the next one on this connection, or finish it. */
void gateway_http_request_done(struct gateway_conn *c);

/* --- gateway_stream.c: chunked replies fed by a job --- */
void gateway_stream_head(struct gateway_conn *c, int status, const char *content_type);
void gateway_stream_data(struct gateway_conn *c, const char *data, size_t len);
void gateway_stream_end(struct gateway_conn *c);
const char *gateway_http_reason(int status);

/* --- gateway_ws.c: frames on an upgraded connection --- */
void gateway_ws_upgrade(struct gateway_conn *c);
void gateway_ws_process(struct gateway_conn *c);
int gateway_ws_send_json(struct gateway_conn *c, cJSON *frame);
void gateway_ws_close(struct gateway_conn *c, int code, const char *reason);

/* --- gateway_proto.c: OpenClaw v4 on top of WebSocket --- */
void gateway_proto_challenge(struct gateway_conn *c);
void gateway_proto_text(struct gateway_conn *c, const char *text, size_t len);
int gateway_proto_event(struct gateway_conn *c, const char *event, cJSON *payload);
void gateway_proto_job_done(struct gateway_conn *c, struct gateway_job *job);
/* A running job's early answer (gateway_job_reply); takes ownership of payload. */
void gateway_proto_job_reply(struct gateway_conn *c, struct gateway_job *job, cJSON *payload);
void gateway_proto_tick(struct gateway *gw);
cJSON *gateway_proto_health(const struct gateway *gw);

/* --- gateway_auth.c: token, origins, rate limiting --- */
int gateway_auth_prepare(struct gateway *gw, char *err, size_t errlen);
/* Constant-time token check; 1 = accepted. With auth=none everything is accepted. */
int gateway_auth_check(const struct gateway *gw, const char *token);
/* Seconds the client must wait before another attempt, 0 when it may try now. */
int gateway_rate_retry_after(struct gateway *gw, const char *ip);
void gateway_rate_fail(struct gateway *gw, const char *ip);
void gateway_rate_clear(struct gateway *gw, const char *ip);
int gateway_origin_allowed(const struct gateway *gw, const char *origin, const char *host);
/* Does this bind setting (loopback | lan | address) listen on loopback only? */
int gateway_bind_is_loopback(const char *bind);

/* --- gateway_job.c: worker pool --- */
enum gateway_job_kind { JOB_HTTP, JOB_WS };

struct gateway_job {
	enum gateway_job_kind kind;
	gateway_method_fn fn;
	void *ctx;
	cJSON *params;       /* owned */
	char *req_id;        /* JOB_WS: the request id to answer */
	char *method;        /* for logs */
	uint64_t conn_id;
	struct gateway *gw;
	struct gateway_result res;
	volatile int cancelled;  /* atomic */
	int replied;         /* worker: gateway_job_reply() answered already */
	int streaming;       /* worker: gateway_job_stream_start() sent the head */
	size_t stream_pending; /* atomic: streamed bytes not yet handed to the connection */
	struct gateway_job *next;          /* queue link */
	struct gateway_job *iprev, *inext; /* in-flight list (loop thread) */
};

enum gateway_msg_kind {
	MSG_DONE,         /* job finished (the loop frees it) */
	MSG_EVENT,        /* event + payload */
	MSG_REPLY,        /* job answered early: payload */
	MSG_STREAM_HEAD,  /* status in `status`, content type in `event` */
	MSG_STREAM_DATA,  /* bytes in data/len */
};

struct gateway_msg {
	enum gateway_msg_kind kind;
	struct gateway_job *job; /* MSG_DONE, MSG_REPLY, MSG_STREAM_*: still owned by the pool */
	uint64_t conn_id;
	int broadcast;
	int status;
	char *event;
	cJSON *payload;
	char *data;
	size_t len;
	struct gateway_msg *next;
};

int gateway_jobq_init(struct gateway *gw, char *err, size_t errlen);
/* Hand a job to the workers (takes ownership). -1 when the queue is full (job freed). */
int gateway_job_submit(struct gateway *gw, struct gateway_job *job);
struct gateway_job *gateway_job_new(struct gateway_conn *c, enum gateway_job_kind kind, gateway_method_fn fn,
				    const cJSON *params, const char *req_id, const char *method);
void gateway_job_free(struct gateway_job *job);
/* Loop side: deliver finished jobs and events (called when the eventfd fires). */
void gateway_jobq_drain(struct gateway *gw);
void gateway_jobq_cancel_all(struct gateway *gw);
/* The client went away: stop whatever it started. */
void gateway_jobq_cancel_conn(struct gateway *gw, uint64_t conn_id);
/* A message about a running job, for the connection that started it (worker side). */
struct gateway_msg *gateway_job_msg(struct gateway_job *job, enum gateway_msg_kind kind);
/* Queue a message for the loop (worker side). */
void gateway_jobq_push(struct gateway *gw, struct gateway_msg *m);
int gateway_jobq_busy(struct gateway *gw);
/* Stop the workers; 1 when every one has exited (gw may then be freed). */
int gateway_jobq_stop(struct gateway *gw);

/* --- gateway_ready.c: /readyz --- */
void gateway_ready_job(void *ctx, struct gateway_job *job, const cJSON *params, struct gateway_result *res);

#endif
