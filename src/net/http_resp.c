/* net/http_resp.c — see http_resp.h
 *
 * A byte-driven state machine. Lines (status, headers, chunk sizes, trailers) are assembled in
 * r->line under a cap; body bytes are passed through in bulk. RFC 9112 sections are cited where a
 * rule is applied.
 */
#include "net/http_resp.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
	ST_STATUS,
	ST_HEADERS,
	ST_BODY_LEN,
	ST_BODY_CLOSE,
	ST_CHUNK_SIZE,
	ST_CHUNK_DATA,
	ST_CHUNK_CRLF,
	ST_TRAILERS,
	ST_DONE,
	ST_ERROR,
};

static int resp_fail(struct http_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int resp_fail(struct http_resp *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	r->st = ST_ERROR;
	return HTTP_RESP_ERROR;
}

void http_resp_init(struct http_resp *r, const struct http_resp_limits *limits, size_t body_max)
{
	memset(r, 0, sizeof *r);
	if (limits) {
		r->lim = *limits;
	} else {
		r->lim.max_status_line = HTTP_RESP_MAX_STATUS_LINE;
		r->lim.max_header_bytes = HTTP_RESP_MAX_HEADER_BYTES;
		r->lim.max_headers = HTTP_RESP_MAX_HEADERS;
	}
	r->body_max = body_max;
	buf_init(&r->body, body_max);
	buf_init(&r->line, r->lim.max_header_bytes);
	/* Each stored header costs its bytes plus two NULs, always fewer than the line's CRLF + ':'. */
	buf_init(&r->hdr_store, r->lim.max_header_bytes + 16);
	r->st = ST_STATUS;
}

void http_resp_reset(struct http_resp *r)
{
	struct http_resp keep = *r;

	buf_free(&r->body);
	buf_free(&r->line);
	buf_free(&r->hdr_store);
	free(r->hdrs);
	http_resp_init(r, &keep.lim, keep.body_max);
	r->head_request = keep.head_request;
	r->on_body = keep.on_body;
	r->on_body_ctx = keep.on_body_ctx;
}

void http_resp_free(struct http_resp *r)
{
	if (r == NULL)
		return;
	buf_free(&r->body);
	buf_free(&r->line);
	buf_free(&r->hdr_store);
	FREE(r->hdrs);
	r->nhdrs = 0;
}

/* Appends input to r->line up to and including LF. Returns 1 with a complete line (CRLF or LF
 * stripped), 0 when the input ran out first, -1 when the line passes `max`. */
static int line_take(struct http_resp *r, const char *data, size_t len, size_t *i, size_t max, int counts)
{
	const char *start = data + *i;
	const char *nl = memchr(start, '\n', len - *i);
	size_t n = nl ? (size_t)(nl - start) + 1 : len - *i;

	if (r->line.len + n > max + 2 || buf_append(&r->line, start, n) < 0)
		return -1;
	if (counts) {
		r->hdr_bytes += n;
		if (r->hdr_bytes > r->lim.max_header_bytes)
			return -1;
	}
	*i += n;
	if (nl == NULL)
		return 0;
	r->line.len--; /* the LF */
	if (r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.len--;
	r->line.data[r->line.len] = '\0';
	return 1;
}

/* RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase]. A missing reason is tolerated. */
static int parse_status(struct http_resp *r)
{
	const char *s = r->line.data;
	size_t n = r->line.len, rl, k;

	if (memchr(s, '\0', n))
		return resp_fail(r, "http: NUL byte in status line");
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ')
		return resp_fail(r, "http: malformed status line \"%.40s\"", s);
	for (k = 9; k < 12; k++)
		if (s[k] < '0' || s[k] > '9')
			return resp_fail(r, "http: malformed status code in \"%.40s\"", s);
	if (n > 12 && s[12] != ' ')
		return resp_fail(r, "http: malformed status line \"%.40s\"", s);
	r->version_minor = s[7] - '0';
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->status < 100 || r->status > 599)
		return resp_fail(r, "http: status code %d out of range", r->status);
	rl = n > 13 ? n - 13 : 0;
	if (rl >= sizeof r->reason)
		rl = sizeof r->reason - 1;
	memcpy(r->reason, s + (n > 13 ? 13 : n), rl);
	r->reason[rl] = '\0';
	for (k = 0; k < rl; k++)
		if ((unsigned char)r->reason[k] < 0x20 && r->reason[k] != '\t')
			r->reason[k] = '?';
	return 0;
}

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Content-Length: 1*DIGIT; repeats must agree (RFC 9112 §6.3 item 5). */
static int note_content_length(struct http_resp *r, const char *v)
{
	uint64_t n = 0;
	const char *p = v;

	if (*p == '\0')
		return resp_fail(r, "http: empty Content-Length");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return resp_fail(r, "http: invalid Content-Length \"%.40s\"", v);
		if (n > (UINT64_MAX - 9) / 10)
			return resp_fail(r, "http: Content-Length \"%.40s\" too large", v);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (r->cl_seen && n != r->content_length)
		return resp_fail(r, "http: conflicting Content-Length headers");
	r->cl_seen = 1;
	r->content_length = n;
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). Obsolete line folding and
 * whitespace before the colon are refused (§5.1, §5.2). */
static int parse_header(struct http_resp *r, int trailer)
{
	char *s = r->line.data, *colon, *v, *end;
	size_t k, name_len;
	struct http_header_ref ref;

	if (s[0] == ' ' || s[0] == '\t')
		return resp_fail(r, "http: folded header line refused");
	if (memchr(s, '\0', r->line.len))
		return resp_fail(r, "http: NUL byte in header");
	colon = strchr(s, ':');
	if (colon == NULL || colon == s)
		return resp_fail(r, "http: malformed header line \"%.40s\"", s);
	name_len = (size_t)(colon - s);
	for (k = 0; k < name_len; k++)
		if (!is_tchar((unsigned char)s[k]))
			return resp_fail(r, "http: invalid header name \"%.*s\"", (int)(name_len > 40 ? 40 : name_len), s);
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = s + r->line.len;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	for (k = 0; v + k < end; k++)
		if ((unsigned char)v[k] < 0x20 && v[k] != '\t')
			return resp_fail(r, "http: control character in header %.*s", (int)(name_len > 40 ? 40 : name_len), s);
	*colon = '\0';
	if (r->nhdrs >= r->lim.max_headers)
		return resp_fail(r, "http: more than %zu header fields", r->lim.max_headers);
	ref.name_off = r->hdr_store.len;
	ref.value_off = ref.name_off + name_len + 1;
	if (buf_append(&r->hdr_store, s, name_len + 1) < 0 || buf_append(&r->hdr_store, v, (size_t)(end - v) + 1) < 0)
		return resp_fail(r, "http: header block larger than %zu bytes", r->lim.max_header_bytes);
	if (r->hdrs == NULL)
		r->hdrs = xcalloc(r->lim.max_headers ? r->lim.max_headers : 1, sizeof *r->hdrs);
	r->hdrs[r->nhdrs++] = ref;
	if (!trailer && strcasecmp(s, "Content-Length") == 0)
		return note_content_length(r, v) < 0 ? -1 : 0;
	return 0;
}

/* Transfer-Encoding: the body is chunked iff chunked is the final coding (RFC 9112 §6.3 item 4). */
static int te_is_chunked(const char *te)
{
	const char *last = te, *p;
	size_t n;

	for (p = te; *p; p++)
		if (*p == ',')
			last = p + 1;
	while (*last == ' ' || *last == '\t')
		last++;
	n = strlen(last);
	while (n && (last[n - 1] == ' ' || last[n - 1] == '\t'))
		n--;
	return n == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* The header block ended. Returns 1 when a final response's headers are ready, 0 to parse the
 * next (after an interim 1xx), -1 on error. */
static int headers_end(struct http_resp *r)
{
	const char *te;

	if (r->status >= 100 && r->status < 200 && r->status != 101) {
		if (++r->interim > HTTP_RESP_MAX_INTERIM)
			return resp_fail(r, "http: more than %d interim 1xx responses", HTTP_RESP_MAX_INTERIM);
		r->nhdrs = 0;
		buf_reset(&r->hdr_store);
		r->cl_seen = 0;
		r->content_length = 0;
		r->st = ST_STATUS;
		return 0;
	}
	te = http_resp_header(r, "Transfer-Encoding");
	if (r->status == 101 || r->status == 204 || r->status == 304 || r->head_request) {
		r->body_mode = HTTP_BODY_NONE;
	} else if (te != NULL) {
		r->body_mode = te_is_chunked(te) ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE;
		r->cl_seen = 0; /* Transfer-Encoding overrides Content-Length (§6.3 item 3) */
	} else if (r->cl_seen) {
		if (r->content_length > r->body_max)
			return resp_fail(r, "http: body of %llu bytes exceeds the cap of %zu",
					 (unsigned long long)r->content_length, r->body_max);
		r->body_mode = r->content_length ? HTTP_BODY_LENGTH : HTTP_BODY_NONE;
		r->remaining = r->content_length;
	} else {
		r->body_mode = HTTP_BODY_CLOSE;
	}
	switch (r->body_mode) {
	case HTTP_BODY_NONE: r->st = ST_DONE; break;
	case HTTP_BODY_LENGTH: r->st = ST_BODY_LEN; break;
	case HTTP_BODY_CHUNKED: r->st = ST_CHUNK_SIZE; break;
	case HTTP_BODY_CLOSE: r->st = ST_BODY_CLOSE; break;
	}
	return 1;
}

static int deliver(struct http_resp *r, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > r->body_max || r->body_total > r->body_max - n)
		return resp_fail(r, "http: body exceeds the cap of %zu bytes", r->body_max);
	r->body_total += n;
	if (r->on_body) {
		if (r->on_body(r->on_body_ctx, p, n) < 0)
			return resp_fail(r, "http: body consumer refused data");
		return 0;
	}
	if (buf_append(&r->body, p, n) < 0)
		return resp_fail(r, "http: body exceeds the cap of %zu bytes", r->body_max);
	return 0;
}

/* chunk-size [ chunk-ext ] (RFC 9112 §7.1); extensions are ignored. */
static int parse_chunk_size(struct http_resp *r)
{
	const char *s = r->line.data;
	uint64_t n = 0;
	int digits = 0;

	for (; *s; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits >= 15)
			return resp_fail(r, "http: chunk size too large");
		n = n * 16 + (uint64_t)d;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (digits == 0 || (*s != '\0' && *s != ';'))
		return resp_fail(r, "http: malformed chunk size line \"%.40s\"", r->line.data);
	if (n > r->body_max || r->body_total > r->body_max - n)
		return resp_fail(r, "http: body exceeds the cap of %zu bytes", r->body_max);
	r->remaining = n;
	r->st = n ? ST_CHUNK_DATA : ST_TRAILERS;
	return 0;
}

/* see http_resp.h */
int http_resp_feed(struct http_resp *r, const char *data, size_t len, size_t *consumed)
{
	size_t i = 0, n;
	int rc;

	*consumed = 0;
	if (r->st == ST_ERROR)
		return HTTP_RESP_ERROR;
	while (r->st != ST_DONE) {
		if (i == len && r->st != ST_BODY_LEN)
			break;
		switch (r->st) {
		case ST_STATUS:
		case ST_HEADERS:
		case ST_TRAILERS:
		case ST_CHUNK_SIZE:
		case ST_CHUNK_CRLF: {
			int counts = r->st != ST_CHUNK_SIZE && r->st != ST_CHUNK_CRLF;
			size_t max = r->st == ST_STATUS ? r->lim.max_status_line
				   : counts ? r->lim.max_header_bytes : HTTP_RESP_MAX_CHUNK_LINE;

			rc = line_take(r, data, len, &i, max, counts);
			if (rc < 0) {
				*consumed = i;
				if (r->st == ST_STATUS)
					return resp_fail(r, "http: status line longer than %zu bytes", max);
				if (counts)
					return resp_fail(r, "http: header block larger than %zu bytes", r->lim.max_header_bytes);
				return resp_fail(r, "http: chunk framing line longer than %zu bytes", max);
			}
			if (rc == 0)
				break;
			if (r->st == ST_STATUS) {
				if (r->line.len == 0 && r->interim == 0 && r->hdr_bytes <= 2) {
					r->hdr_bytes = 0; /* tolerate a stray CRLF before the status line */
				} else {
					if (parse_status(r) < 0)
						goto fail;
					r->st = ST_HEADERS;
				}
			} else if (r->st == ST_HEADERS) {
				if (r->line.len == 0) {
					buf_reset(&r->line);
					rc = headers_end(r);
					if (rc < 0)
						goto fail;
					if (rc == 1) {
						r->headers_reported = 1;
						*consumed = i;
						return HTTP_RESP_HEADERS_DONE;
					}
				} else if (parse_header(r, 0) < 0) {
					goto fail;
				}
			} else if (r->st == ST_TRAILERS) {
				if (r->line.len == 0)
					r->st = ST_DONE;
				else if (parse_header(r, 1) < 0)
					goto fail;
			} else if (r->st == ST_CHUNK_SIZE) {
				if (parse_chunk_size(r) < 0)
					goto fail;
			} else {
				if (r->line.len != 0) {
					resp_fail(r, "http: chunk data longer than its size");
					goto fail;
				}
				r->st = ST_CHUNK_SIZE;
			}
			buf_reset(&r->line);
			break;
		}
		case ST_BODY_LEN:
		case ST_CHUNK_DATA:
			if (r->remaining == 0) { /* only for ST_BODY_LEN with nothing left */
				r->st = ST_DONE;
				break;
			}
			if (i == len)
				goto out;
			n = len - i;
			if (n > r->remaining)
				n = (size_t)r->remaining;
			if (deliver(r, data + i, n) < 0)
				goto fail;
			i += n;
			r->remaining -= n;
			if (r->remaining == 0)
				r->st = r->st == ST_BODY_LEN ? ST_DONE : ST_CHUNK_CRLF;
			break;
		case ST_BODY_CLOSE:
			n = len - i;
			if (deliver(r, data + i, n) < 0)
				goto fail;
			i += n;
			break;
		}
	}
out:
	*consumed = i;
	return r->st == ST_DONE ? HTTP_RESP_DONE : HTTP_RESP_NEED_MORE;
fail:
	*consumed = i;
	return HTTP_RESP_ERROR;
}

/* see http_resp.h */
int http_resp_finish(struct http_resp *r)
{
	switch (r->st) {
	case ST_DONE:
		return HTTP_RESP_DONE;
	case ST_ERROR:
		return HTTP_RESP_ERROR;
	case ST_BODY_CLOSE:
		r->st = ST_DONE;
		return HTTP_RESP_DONE;
	case ST_STATUS:
		if (r->hdr_bytes == 0 && r->line.len == 0)
			return resp_fail(r, "http: connection closed before a response arrived");
		return resp_fail(r, "http: connection closed inside the status line");
	case ST_HEADERS:
		return resp_fail(r, "http: connection closed inside the headers");
	case ST_BODY_LEN:
		return resp_fail(r, "http: connection closed after %llu of %llu body bytes",
				 (unsigned long long)r->body_total, (unsigned long long)r->content_length);
	default:
		return resp_fail(r, "http: connection closed inside a chunked body after %llu bytes",
				 (unsigned long long)r->body_total);
	}
}

/* see http_resp.h */
const char *http_resp_header(const struct http_resp *r, const char *name)
{
	size_t k;

	for (k = 0; k < r->nhdrs; k++)
		if (strcasecmp(r->hdr_store.data + r->hdrs[k].name_off, name) == 0)
			return r->hdr_store.data + r->hdrs[k].value_off;
	return NULL;
}

size_t http_resp_header_count(const struct http_resp *r)
{
	return r->nhdrs;
}

int http_resp_header_at(const struct http_resp *r, size_t i, const char **name, const char **value)
{
	if (i >= r->nhdrs)
		return -1;
	*name = r->hdr_store.data + r->hdrs[i].name_off;
	*value = r->hdr_store.data + r->hdrs[i].value_off;
	return 0;
}

int http_resp_header_has_token(const struct http_resp *r, const char *name, const char *token)
{
	size_t k, tl = strlen(token);

	for (k = 0; k < r->nhdrs; k++) {
		const char *p;
		if (strcasecmp(r->hdr_store.data + r->hdrs[k].name_off, name) != 0)
			continue;
		p = r->hdr_store.data + r->hdrs[k].value_off;
		while (*p) {
			const char *e;
			size_t n;
			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			e = p;
			while (*e && *e != ',')
				e++;
			n = (size_t)(e - p);
			while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if (n == tl && n && strncasecmp(p, token, n) == 0)
				return 1;
			p = e;
		}
	}
	return 0;
}

static int has_bad_byte(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* see http_resp.h */
int http_req_format(struct buf *out, const char *method, const char *target, const char *host,
		    const char *const *headers, const void *body, size_t body_len, char *err, size_t errlen)
{
	size_t k;
	int needs_length;

	if (method == NULL || *method == '\0' || strpbrk(method, " \t\r\n"))
		return err_set(err, errlen, "http: invalid request method");
	if (target == NULL || *target == '\0' || strpbrk(target, " \t\r\n"))
		return err_set(err, errlen, "http: invalid request target \"%.60s\"", target ? target : "");
	if (host == NULL || has_bad_byte(host))
		return err_set(err, errlen, "http: invalid Host value");
	for (k = 0; headers && headers[k]; k++)
		if (has_bad_byte(headers[k]) || strchr(headers[k], ':') == NULL)
			return err_set(err, errlen, "http: invalid request header \"%.60s\"", headers[k]);
	needs_length = body != NULL || body_len > 0 || strcmp(method, "POST") == 0 ||
		       strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0;
	buf_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host);
	for (k = 0; headers && headers[k]; k++)
		buf_printf(out, "%s\r\n", headers[k]);
	if (needs_length)
		buf_printf(out, "Content-Length: %zu\r\n", body_len);
	buf_puts(out, "\r\n");
	if (body_len)
		buf_append(out, body, body_len);
	if (out->overflow)
		return err_set(err, errlen, "http: request larger than %zu bytes", out->max);
	return 0;
}
