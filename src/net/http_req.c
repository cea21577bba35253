/* net/http_req.c — see http_req.h */
#include "net/http_req.h"
#include "util/err.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_METHOD_MAX 32
#define HTTP_LEADING_CRLF_MAX 8 /* empty lines tolerated before a request (RFC 9112 2.2) */

/* tchar of RFC 9110 5.6.2: what a method or header name may be made of. */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar, SP and HTAB: what a header value may hold. */
static int is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static long reject(struct http_req *req, int status, char *err, size_t errlen, const char *why)
{
	req->status = status;
	err_set(err, errlen, "%s", why);
	return -1;
}

/*
 * Find the blank line that ends the head. Returns its end offset, 0 when not there yet, or -1
 * for a bare LF (which a strict parser must not guess about) or control bytes in the first line.
 */
static long find_head_end(const char *buf, size_t len, size_t start, int *why_bare_lf)
{
	size_t i;

	for (i = start; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == start || buf[i - 1] != '\r') {
			*why_bare_lf = 1;
			return -1;
		}
		if (i >= start + 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return (long)(i + 1);
	}
	return 0;
}

static long parse_request_line(char *line, struct http_req *req, char *err, size_t errlen)
{
	char *sp1, *sp2, *version;
	size_t mlen, i;

	sp1 = strchr(line, ' ');
	if (sp1 == NULL)
		return reject(req, 400, err, errlen, "request line has no target");
	mlen = (size_t)(sp1 - line);
	if (mlen == 0 || mlen > HTTP_METHOD_MAX)
		return reject(req, 400, err, errlen, "request method is empty or too long");
	for (i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)line[i]))
			return reject(req, 400, err, errlen, "request method has a character a token may not hold");
	*sp1 = '\0';
	req->method = line;
	req->target = sp1 + 1;
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL)
		return reject(req, 400, err, errlen, "request line has no HTTP version");
	*sp2 = '\0';
	version = sp2 + 1;
	if (req->target[0] != '/')
		return reject(req, 400, err, errlen, "request target must be an absolute path (origin-form)");
	for (i = 0; req->target[i]; i++)
		if ((unsigned char)req->target[i] <= 0x20 || (unsigned char)req->target[i] >= 0x7f)
			return reject(req, 400, err, errlen, "request target has a space, control or non-ASCII byte");
	if (strncmp(version, "HTTP/", 5) != 0 || strlen(version) != 8 || version[6] != '.' ||
	    version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
		return reject(req, 400, err, errlen, "request line does not end in HTTP/<major>.<minor>");
	if (version[5] != '1')
		return reject(req, 505, err, errlen, "only HTTP/1.x is served");
	req->minor = version[7] - '0';
	if (req->minor > 1)
		req->minor = 1;
	return 0;
}

static long parse_header_line(char *line, struct http_req *req, char *err, size_t errlen)
{
	char *colon, *v, *end;
	size_t i;

	if (line[0] == ' ' || line[0] == '\t')
		return reject(req, 400, err, errlen, "obsolete header line folding is not accepted");
	colon = strchr(line, ':');
	if (colon == NULL || colon == line)
		return reject(req, 400, err, errlen, "header line has no name or no ':'");
	for (i = 0; line + i < colon; i++)
		if (!is_tchar((unsigned char)line[i]))
			return reject(req, 400, err, errlen, "header name has a space or a character a token may not hold");
	if (req->nheaders >= HTTP_REQ_HEADERS_MAX)
		return reject(req, 431, err, errlen, "too many header fields");
	*colon = '\0';
	v = colon + 1;
	for (i = 0; v[i]; i++)
		if (!is_value_char((unsigned char)v[i]))
			return reject(req, 400, err, errlen, "header value has a control byte");
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	req->headers[req->nheaders].name = line;
	req->headers[req->nheaders].value = v;
	req->nheaders++;
	return 0;
}

/* Framing headers: the part of HTTP where leniency turns into request smuggling. */
static long check_framing(struct http_req *req, char *err, size_t errlen)
{
	const char *conn;
	int i, hosts = 0, te = 0;

	req->content_length = -1;
	for (i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];

		if (strcasecmp(h->name, "Host") == 0) {
			hosts++;
		} else if (strcasecmp(h->name, "Content-Length") == 0) {
			long long n = 0;
			size_t k, dl = strlen(h->value);

			if (dl == 0 || dl > 18)
				return reject(req, 400, err, errlen, "Content-Length is empty or too large");
			for (k = 0; k < dl; k++) {
				if (h->value[k] < '0' || h->value[k] > '9')
					return reject(req, 400, err, errlen, "Content-Length is not a decimal number");
				n = n * 10 + (h->value[k] - '0');
			}
			if (req->content_length >= 0 && req->content_length != n)
				return reject(req, 400, err, errlen, "conflicting Content-Length headers");
			req->content_length = n;
		} else if (strcasecmp(h->name, "Transfer-Encoding") == 0) {
			if (te++ || strcasecmp(h->value, "chunked") != 0)
				return reject(req, 501, err, errlen, "only 'Transfer-Encoding: chunked' is supported");
			req->chunked = 1;
		}
	}
	if (req->chunked && req->content_length >= 0)
		return reject(req, 400, err, errlen, "both Content-Length and Transfer-Encoding sent");
	if (req->minor == 1 && hosts != 1)
		return reject(req, 400, err, errlen, hosts ? "more than one Host header" : "HTTP/1.1 request without Host");
	conn = http_req_header(req, "Connection");
	if (req->minor == 1)
		req->keep_alive = !(conn && http_header_has_token(conn, "close"));
	else
		req->keep_alive = conn && http_header_has_token(conn, "keep-alive");
	return 0;
}

/* see http_req.h */
long http_req_parse(const char *buf, size_t len, struct http_req *req, char *err, size_t errlen)
{
	size_t start = 0, i, line_end, head_len, target_len;
	long end;
	int bare_lf = 0;
	char *line, *next, *path;

	memset(req, 0, sizeof *req);
	req->content_length = -1;
	while (start + 1 < len && buf[start] == '\r' && buf[start + 1] == '\n' && start < 2 * HTTP_LEADING_CRLF_MAX)
		start += 2;
	/* The request line alone: reject garbage and oversize before the head completes. */
	for (i = start; i < len && buf[i] != '\n'; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\r') || c == 0x7f)
			return reject(req, 400, err, errlen, "request line has a control byte");
		if (c == '\r' && i + 1 < len && buf[i + 1] != '\n')
			return reject(req, 400, err, errlen, "request line has a CR without LF");
	}
	line_end = i;
	if (line_end - start >= HTTP_REQ_LINE_MAX)
		return reject(req, 414, err, errlen, "request line too long");
	end = find_head_end(buf, len, start, &bare_lf);
	if (end < 0)
		return reject(req, 400, err, errlen, "line ends with a bare LF; CRLF is required");
	if (end == 0) {
		if (len - start >= HTTP_REQ_HEAD_MAX)
			return reject(req, 431, err, errlen, "request header section too large");
		return 0;
	}
	head_len = (size_t)end - start;
	if (head_len > HTTP_REQ_HEAD_MAX)
		return reject(req, 431, err, errlen, "request header section too large");
	/* The head is split into C strings below: a NUL inside it would hide the rest of its line
	 * (and the CRLF the splitter looks for). No field may hold one anyway (RFC 9110 5.5). */
	if (memchr(buf + start, '\0', head_len) != NULL)
		return reject(req, 400, err, errlen, "request head has a NUL byte");
	/* Room for the head and a NUL-terminated copy of the path after it. */
	req->raw = xmalloc(2 * head_len + 2);
	memcpy(req->raw, buf + start, head_len);
	req->raw[head_len] = '\0';
	line = req->raw;
	next = strstr(line, "\r\n");
	*next = '\0';
	if (parse_request_line(line, req, err, errlen) < 0)
		return -1;
	/* The head ends at the first empty line: "\r\n" exactly. A line that merely starts with a
	 * CR is a lone CR, not the end — stopping there would drop the headers after it (a
	 * Content-Length a front proxy saw and we did not: request smuggling). */
	for (line = next + 2; !(line[0] == '\r' && line[1] == '\n'); line = next + 2) {
		next = strstr(line, "\r\n");
		*next = '\0';
		if (strchr(line, '\r'))
			return reject(req, 400, err, errlen, "header line has a CR without LF");
		if (parse_header_line(line, req, err, errlen) < 0)
			return -1;
	}
	if (check_framing(req, err, errlen) < 0)
		return -1;
	target_len = strcspn(req->target, "?");
	path = req->raw + head_len + 1;
	memcpy(path, req->target, target_len);
	path[target_len] = '\0';
	req->path = path;
	req->query = req->target[target_len] == '?' ? req->target + target_len + 1 : "";
	return end;
}

void http_req_free(struct http_req *req)
{
	if (req == NULL)
		return;
	FREE(req->raw);
	memset(req, 0, sizeof *req);
	req->content_length = -1;
}

const char *http_req_header(const struct http_req *req, const char *name)
{
	int i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

int http_header_has_token(const char *value, const char *token)
{
	size_t tl = strlen(token);
	const char *p = value;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == tl && strncasecmp(p, token, tl) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* --- chunked bodies (RFC 9112 7.1) --- */

enum {
	CH_SIZE,       /* hex digits, then optional extensions, up to CR */
	CH_SIZE_LF,    /* LF after the size line */
	CH_DATA,       /* chunk data */
	CH_DATA_CR,    /* CR after the data */
	CH_DATA_LF,    /* LF after the data */
	CH_TRAILER,    /* a trailer line (or the blank line that ends the body) */
	CH_TRAILER_LF, /* LF ending a trailer line */
	CH_DONE,
};

void http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof *c);
	c->state = CH_SIZE;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long chunk_fail(int *status, int code, char *err, size_t errlen, const char *why)
{
	*status = code;
	err_set(err, errlen, "chunked body: %s", why);
	return -1;
}

/* see http_req.h */
long http_chunked_feed(struct http_chunked *c, const char *in, size_t len, struct buf *out, int *done,
		       int *status, char *err, size_t errlen)
{
	size_t i = 0;

	*done = 0;
	while (i < len && c->state != CH_DONE) {
		unsigned char ch = (unsigned char)in[i];
		int h;

		switch (c->state) {
		case CH_SIZE:
			if (++c->line_len > HTTP_CHUNK_LINE_MAX)
				return chunk_fail(status, 400, err, errlen, "chunk-size line too long");
			if (ch == '\r') {
				if (!c->saw_digit)
					return chunk_fail(status, 400, err, errlen, "chunk size has no hex digits");
				c->state = CH_SIZE_LF;
			} else if (c->in_ext == 1) {
				if (!is_value_char(ch))
					return chunk_fail(status, 400, err, errlen, "control byte in a chunk extension");
			} else if (c->in_ext == 0 && (h = hexval(ch)) >= 0) {
				if (c->remaining > (~0ULL >> 4))
					return chunk_fail(status, 400, err, errlen, "chunk size overflows");
				c->remaining = c->remaining * 16 + (unsigned)h;
				c->saw_digit = 1;
				if (c->remaining > out->max - out->len)
					return chunk_fail(status, 413, err, errlen, "body larger than the limit");
			} else if (ch == ';' && c->saw_digit) {
				c->in_ext = 1;
			} else if ((ch == ' ' || ch == '\t') && c->saw_digit) {
				c->in_ext = 2; /* whitespace after the digits: only ';' or CR may follow */
			} else {
				return chunk_fail(status, 400, err, errlen, "chunk size is not hexadecimal");
			}
			i++;
			break;
		case CH_SIZE_LF:
		case CH_DATA_LF:
		case CH_TRAILER_LF:
			if (ch != '\n')
				return chunk_fail(status, 400, err, errlen, "CR not followed by LF");
			i++;
			if (c->state == CH_SIZE_LF) {
				c->line_len = 0;
				c->saw_digit = 0;
				c->in_ext = 0;
				c->state = c->remaining ? CH_DATA : CH_TRAILER;
			} else if (c->state == CH_DATA_LF) {
				c->state = CH_SIZE;
			} else {
				c->state = c->line_len == 0 ? CH_DONE : CH_TRAILER;
				c->line_len = 0;
			}
			break;
		case CH_DATA: {
			size_t n = len - i;

			if (n > c->remaining)
				n = (size_t)c->remaining;
			if (buf_append(out, in + i, n) < 0)
				return chunk_fail(status, 413, err, errlen, "body larger than the limit");
			c->remaining -= n;
			i += n;
			if (c->remaining == 0)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (ch != '\r')
				return chunk_fail(status, 400, err, errlen, "chunk data longer than its size");
			c->state = CH_DATA_LF;
			i++;
			break;
		case CH_TRAILER:
			if (++c->trailer_len > HTTP_CHUNK_TRAILER_MAX)
				return chunk_fail(status, 431, err, errlen, "trailer section too large");
			if (ch == '\r') {
				c->state = CH_TRAILER_LF;
			} else {
				if (!is_value_char(ch))
					return chunk_fail(status, 400, err, errlen, "control byte in a trailer");
				c->line_len++;
			}
			i++;
			break;
		default:
			break;
		}
	}
	*done = c->state == CH_DONE;
	return (long)i;
}
