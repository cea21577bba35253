/* test/fuzz/fuzz_http_req.c — the gateway's HTTP request parser and chunked-body decoder.
 *
 * Byte 0 picks the feed size for the chunked decoder and its body cap; the rest is what a
 * client sent. Invariants checked on an accepted head: its length is within the input and ends
 * in CRLF CRLF; no shorter prefix is already a complete head while the exact prefix is; method,
 * target and path are well formed; every header line became exactly one header (a line the
 * parser skipped or merged would let a smuggled header through); names are tokens and values
 * hold no CR/LF; framing is never both Content-Length and chunked. A rejection carries a status
 * and a reason. The bytes after the head are then decoded as a chunked body in pieces and in
 * one go, and both must agree. */
#include "net/http_req.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static size_t count_crlf(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i + 1 < n; i++)
		if (p[i] == '\r' && p[i + 1] == '\n')
			c++;
	return c;
}

static void check_head(const char *buf, size_t len, long end, const struct http_req *req)
{
	size_t start = 0, i;
	int k;

	CHECK((size_t)end <= len && end >= 4);
	CHECK(memcmp(buf + end - 4, "\r\n\r\n", 4) == 0);
	while (start + 1 < (size_t)end && buf[start] == '\r' && buf[start + 1] == '\n')
		start += 2;
	/* request line + one line per header + the blank line */
	CHECK(count_crlf(buf + start, (size_t)end - start) == (size_t)req->nheaders + 2);
	CHECK(req->nheaders >= 0 && req->nheaders <= HTTP_REQ_HEADERS_MAX);
	CHECK(req->method && req->method[0] && req->target && req->target[0] == '/');
	CHECK(req->path && strncmp(req->target, req->path, strlen(req->path)) == 0);
	CHECK(strchr(req->path, '?') == NULL && req->query != NULL);
	CHECK(req->minor == 0 || req->minor == 1);
	for (k = 0; k < req->nheaders; k++) {
		const char *n = req->headers[k].name, *v = req->headers[k].value;

		CHECK(n[0] != '\0' && strpbrk(n, " \t\r\n:") == NULL);
		for (i = 0; v[i]; i++)
			CHECK(v[i] == '\t' || (unsigned char)v[i] >= 0x20);
		CHECK(http_req_header(req, n) != NULL);
	}
	CHECK(!(req->chunked && req->content_length >= 0));
	CHECK(req->content_length >= -1);
}

/* Decode in pieces of step; returns the consumed count (or -1) and fills out/done/status. */
static long chunked(const char *p, size_t n, size_t step, size_t cap, struct buf *out, int *done, int *status)
{
	struct http_chunked c;
	char err[256];
	size_t off = 0;

	http_chunked_init(&c);
	buf_init(out, cap);
	*done = 0;
	*status = 0;
	while (off < n && !*done) {
		size_t k = n - off < step ? n - off : step;
		long r = http_chunked_feed(&c, p + off, k, out, done, status, err, sizeof err);

		if (r < 0) {
			CHECK(*status == 400 || *status == 413 || *status == 431);
			return -1;
		}
		CHECK((size_t)r <= k);
		if (!*done)
			CHECK((size_t)r == k);
		off += (size_t)r;
	}
	CHECK(out->len <= cap);
	return (long)off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req req;
	char err[256];
	const char *buf;
	size_t len, step, cap;
	long end;

	if (size < 1)
		return 0;
	step = (data[0] & 0x0f) + 1;
	cap = (data[0] & 0x10) ? 16 : 1 << 16;
	buf = (const char *)data + 1;
	len = size - 1;
	err[0] = 0;
	end = http_req_parse(buf, len, &req, err, sizeof err);
	if (end < 0) {
		CHECK(req.status >= 400 && req.status <= 505 && err[0]);
		http_req_free(&req);
		return 0;
	}
	if (end == 0) {
		http_req_free(&req);
		return 0;
	}
	check_head(buf, len, end, &req);
	http_req_free(&req);
	/* the exact head is complete on its own; one byte less is not */
	{
		struct http_req r2;
		long e2 = http_req_parse(buf, (size_t)end, &r2, err, sizeof err);

		CHECK(e2 == end);
		http_req_free(&r2);
		e2 = http_req_parse(buf, (size_t)end - 1, &r2, err, sizeof err);
		CHECK(e2 <= 0);
		http_req_free(&r2);
	}
	{
		struct buf o1, o2;
		int d1, d2, s1, s2;
		long c1 = chunked(buf + end, len - (size_t)end, step, cap, &o1, &d1, &s1);
		long c2 = chunked(buf + end, len - (size_t)end, len + 1, cap, &o2, &d2, &s2);

		CHECK(c1 == c2 && d1 == d2);
		if (c1 >= 0)
			CHECK(o1.len == o2.len && memcmp(o1.data ? o1.data : "", o2.data ? o2.data : "", o1.len) == 0);
		else
			CHECK(s1 == s2);
		buf_free(&o1);
		buf_free(&o2);
	}
	return 0;
}
