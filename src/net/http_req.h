/*
 * net/http_req.h — the HTTP/1.1 request parser the gateway runs on untrusted bytes (RFC 9112).
 *
 * Contract:
 *   - http_req_parse() looks at the bytes received so far and either asks for more (0), or
 *     returns the length of a complete request head and fills *req, or rejects the request
 *     (-1) with req->status set to the status to answer (400, 414, 431, 501, 505) and a
 *     one-line reason in err. It does no I/O and never reads past len.
 *   - A parsed request owns a private copy of its head (req->raw); every string in it points
 *     into that copy and stays valid until http_req_free(). The caller's buffer may be
 *     consumed or reallocated right after the call.
 *   - Strict on purpose: CRLF line ends only, no obsolete line folding, no control bytes in
 *     values, origin-form targets only, Content-Length and Transfer-Encoding never together
 *     (request smuggling), `chunked` is the only transfer coding accepted.
 *   - http_chunked_feed() decodes a chunked body incrementally into a capped buf.
 */
#ifndef CHELA_NET_HTTP_REQ_H
#define CHELA_NET_HTTP_REQ_H

#include "util/buf.h"

#include <stddef.h>

#define HTTP_REQ_LINE_MAX      4096  /* request line, CRLF included: longer is 414 */
#define HTTP_REQ_HEAD_MAX      16384 /* request line + headers + blank line: longer is 431 */
#define HTTP_REQ_HEADERS_MAX   64    /* header fields: more is 431 */
#define HTTP_CHUNK_LINE_MAX    256   /* a chunk-size line with its extensions */
#define HTTP_CHUNK_TRAILER_MAX 4096  /* all trailer fields together */

struct http_header {
	const char *name;  /* as sent; compare case-insensitively */
	const char *value; /* leading and trailing whitespace removed */
};

struct http_req {
	char *raw; /* owned copy of the head; the strings below point into it */
	const char *method;
	const char *target; /* as sent: path plus optional ?query */
	const char *path;   /* target up to '?' (its own NUL-terminated copy inside raw) */
	const char *query;  /* after '?', or "" */
	int minor;          /* HTTP/1.<minor>: 0 or 1 */
	struct http_header headers[HTTP_REQ_HEADERS_MAX];
	int nheaders;
	int keep_alive;            /* what the client asked for, by version and Connection */
	int chunked;               /* Transfer-Encoding: chunked */
	long long content_length;  /* -1 when absent */
	int status;                /* on rejection: the status code to answer */
};

/* Returns head length (> 0), 0 when more bytes are needed, -1 when rejected (see contract). */
long http_req_parse(const char *buf, size_t len, struct http_req *req, char *err, size_t errlen);
void http_req_free(struct http_req *req);

/* The first header with this name (case-insensitive), or NULL. */
const char *http_req_header(const struct http_req *req, const char *name);
/* Does a comma-separated header value hold this token (case-insensitive)? e.g. Connection. */
int http_header_has_token(const char *value, const char *token);

/* Incremental chunked-body decoder. Zero it (or http_chunked_init) before the first feed. */
struct http_chunked {
	int state;
	unsigned long long remaining; /* data bytes left in the current chunk */
	size_t line_len;              /* bytes of the current size or trailer line */
	size_t trailer_len;
	int saw_digit;
	int in_ext; /* 1: past ";" (extensions, ignored); 2: whitespace after the digits */
};

void http_chunked_init(struct http_chunked *c);
/*
 * Decode from in[0..len), appending data to out (whose cap is the body limit). Returns the
 * bytes consumed and sets *done once the last chunk and trailers are complete; returns -1 on
 * malformed input (status 400) or when out's cap is passed (status 413), with *status and err.
 */
long http_chunked_feed(struct http_chunked *c, const char *in, size_t len, struct buf *out, int *done,
		       int *status, char *err, size_t errlen);

#endif
