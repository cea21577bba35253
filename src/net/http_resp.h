/*
 * net/http_resp.h — an incremental HTTP/1.1 response parser and a tiny request writer.
 *
 * Contract: the parser does no I/O. The caller reads bytes from wherever it likes (a unix socket,
 * a TLS engine) and pushes them in with http_resp_feed(), which says how many of them it used.
 * Every size is capped (status line, header bytes, header count, body size — the body cap is
 * the caller's), so nothing a server sends can grow memory without bound; a violation is a
 * sticky error with a sentence in r->err naming what was wrong.
 *
 *   struct http_resp r;
 *   http_resp_init(&r, NULL, 1 << 20);            // default header caps, 1 MiB body
 *   for (;;) {
 *       n = read(fd, tmp, sizeof tmp);
 *       if (n == 0) { rc = http_resp_finish(&r); break; }   // EOF
 *       off = 0;
 *       while (off < n) {
 *           rc = http_resp_feed(&r, tmp + off, n - off, &used);
 *           off += used;
 *           if (rc == HTTP_RESP_HEADERS_DONE) { look at r.status, http_resp_header(); continue; }
 *           if (rc == HTTP_RESP_DONE || rc == HTTP_RESP_ERROR) goto out;
 *       }
 *   }
 *
 * Results of http_resp_feed():
 *   HTTP_RESP_NEED_MORE     every byte given was used; feed more.
 *   HTTP_RESP_HEADERS_DONE  the final header block ended; *consumed stops exactly after its blank
 *                           line. Returned once per response. Bytes after it belong to the body —
 *                           or, for a 101 or a hijacked 200 (Docker exec), to the raw stream: a
 *                           caller that takes the connection over simply stops feeding.
 *   HTTP_RESP_DONE          the body is complete; *consumed stops at its last byte. Further
 *                           bytes are not this response's (a keep-alive successor, or garbage).
 *   HTTP_RESP_ERROR         r->err says why; further calls return HTTP_RESP_ERROR.
 *
 * Interim 1xx responses (100 Continue, 103 Early Hints) are skipped silently; 101 Switching
 * Protocols is final and has no body. 204, 304 and answers to HEAD (r->head_request) have no
 * body. A body with neither Content-Length nor chunked coding runs until the connection closes:
 * call http_resp_finish() at EOF, which also turns a premature EOF into an error.
 *
 * Body bytes (chunk framing removed) go to r->on_body when the caller sets it (streaming, e.g.
 * server-sent events), otherwise into r->body, a buf capped at the body cap. Either way the
 * total decoded body may not pass the cap.
 *
 * Memory: the struct owns its buffers; http_resp_free() releases them (a zeroed struct is fine).
 * http_resp_reset() prepares the same struct for the next response on a kept-alive connection.
 */
#ifndef CHELA_NET_HTTP_RESP_H
#define CHELA_NET_HTTP_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

/* Default caps; a caller may pass its own struct http_resp_limits. */
#define HTTP_RESP_MAX_STATUS_LINE   1024        /* "HTTP/1.1 200 OK\r\n" and its reason */
#define HTTP_RESP_MAX_HEADER_BYTES  (64 * 1024) /* status line + all header lines + trailers */
#define HTTP_RESP_MAX_HEADERS       128         /* header fields including trailers */
#define HTTP_RESP_MAX_CHUNK_LINE    256         /* "1a2b;ext=...\r\n" */
#define HTTP_RESP_MAX_INTERIM       8           /* 1xx responses skipped before the final one */
#define HTTP_RESP_REASON_MAX        128         /* reason phrase kept (longer ones truncated) */

enum http_resp_result {
	HTTP_RESP_ERROR = -1,
	HTTP_RESP_NEED_MORE = 0,
	HTTP_RESP_HEADERS_DONE = 1,
	HTTP_RESP_DONE = 2,
};

/* How the body is delimited — decided from the headers; the caller may look after HEADERS_DONE. */
enum http_body_mode {
	HTTP_BODY_NONE,    /* 1xx/204/304/HEAD, or Content-Length: 0 */
	HTTP_BODY_LENGTH,  /* Content-Length */
	HTTP_BODY_CHUNKED, /* Transfer-Encoding: chunked */
	HTTP_BODY_CLOSE,   /* until the connection closes */
};

struct http_resp_limits {
	size_t max_status_line;
	size_t max_header_bytes;
	size_t max_headers;
};

struct http_header_ref {
	size_t name_off, value_off; /* offsets into r->hdr_store; each NUL-terminated */
};

/* Returns 0 to go on, -1 to stop (the parser then fails with "body consumer refused data"). */
typedef int (*http_body_fn)(void *ctx, const char *data, size_t len);

struct http_resp {
	/* --- results --- */
	int status;                         /* 100..599 once headers are done */
	int version_minor;                  /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
	char reason[HTTP_RESP_REASON_MAX];  /* reason phrase, possibly truncated */
	enum http_body_mode body_mode;
	uint64_t content_length;            /* when body_mode == HTTP_BODY_LENGTH */
	uint64_t body_total;                /* decoded body bytes seen so far */
	struct buf body;                    /* body when on_body is NULL (capped at body_max) */
	char err[ERR_LEN];                  /* why HTTP_RESP_ERROR */

	/* --- caller settings (set after init, before the first feed) --- */
	int head_request;                   /* the request was HEAD: no body whatever the headers say */
	http_body_fn on_body;               /* stream the body instead of collecting it */
	void *on_body_ctx;

	/* --- private state --- */
	int st;
	struct http_resp_limits lim;
	size_t body_max;
	struct buf line;                    /* the line being assembled */
	struct buf hdr_store;               /* "name\0value\0" pairs */
	struct http_header_ref *hdrs;
	size_t nhdrs;
	size_t hdr_bytes;                   /* bytes of header block(s) seen, against the cap */
	int interim;                        /* 1xx responses skipped */
	int headers_reported;
	uint64_t remaining;                 /* left in the current chunk or Content-Length body */
	int cl_seen;
};

/* limits NULL → the HTTP_RESP_MAX_* defaults. body_max caps the decoded body. */
void http_resp_init(struct http_resp *r, const struct http_resp_limits *limits, size_t body_max);
/* Forget the previous response (keeps settings and caps) to parse the next one. */
void http_resp_reset(struct http_resp *r);
void http_resp_free(struct http_resp *r);

int http_resp_feed(struct http_resp *r, const char *data, size_t len, size_t *consumed);
/* The peer closed the connection: DONE if the body ran to close (or was already done), else ERROR. */
int http_resp_finish(struct http_resp *r);

/* First header with this name (case-insensitive), NULL if none. Valid until reset/free. */
const char *http_resp_header(const struct http_resp *r, const char *name);
size_t http_resp_header_count(const struct http_resp *r);
/* The i-th header (0-based, in arrival order; trailers come last). Returns 0 / -1. */
int http_resp_header_at(const struct http_resp *r, size_t i, const char **name, const char **value);
/* 1 when a comma-separated header (e.g. Connection) lists token, case-insensitively. */
int http_resp_header_has_token(const struct http_resp *r, const char *name, const char *token);

/*
 * Request writer: appends "METHOD target HTTP/1.1", Host, the caller's headers ("Name: value"
 * strings, NULL-terminated array, may be NULL), Content-Length when there is a body or the
 * method is POST/PUT/PATCH, the blank line and the body. Refuses CR, LF or NUL inside any piece
 * (header injection) and an empty method or target. Returns 0 / -1 + err.
 */
int http_req_format(struct buf *out, const char *method, const char *target, const char *host,
		    const char *const *headers, const void *body, size_t body_len, char *err, size_t errlen);

#endif
