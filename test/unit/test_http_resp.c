/* test_http_resp.c — the HTTP/1.1 response parser, table-driven: each case is fed whole, then
 * one byte at a time, then in 7-byte slices; all three must agree. */
#include "harness.h"
#include "net/http_resp.h"
#include "util/buf.h"

#include <stdlib.h>

struct resp_case {
	const char *name;
	const char *input;
	size_t input_len;      /* 0 → strlen(input) */
	int eof;               /* call http_resp_finish at the end of input */
	size_t body_max;
	int want_rc;           /* final result */
	int want_status;
	const char *want_body;
	size_t want_leftover;  /* bytes after the response that must not be consumed */
	const char *want_err;  /* substring of r.err when want_rc is ERROR */
};

static const struct resp_case resp_cases[] = {
	{ "content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, 0, 100,
	  HTTP_RESP_DONE, 200, "hello", 0, NULL },
	{ "keep-alive leftover", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204", 0, 0, 100,
	  HTTP_RESP_DONE, 200, "hi", 12, NULL },
	{ "chunked with ext and trailer",
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
	  0, 0, 100, HTTP_RESP_DONE, 200, "abc0123456789", 0, NULL },
	{ "chunked LF only", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n", 0, 0, 100,
	  HTTP_RESP_DONE, 200, "ok", 0, NULL },
	{ "te overrides cl", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
	  0, 0, 100, HTTP_RESP_DONE, 200, "z", 0, NULL },
	{ "204 no body", "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n", 0, 0, 100, HTTP_RESP_DONE, 204, "", 0, NULL },
	{ "304 ignores cl", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0, 0, 100,
	  HTTP_RESP_DONE, 304, "", 0, NULL },
	{ "close-delimited", "HTTP/1.0 200 OK\r\n\r\nuntil close", 0, 1, 100, HTTP_RESP_DONE, 200, "until close", 0, NULL },
	{ "interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}",
	  0, 0, 100, HTTP_RESP_DONE, 201, "{}", 0, NULL },
	{ "101 leaves the stream", "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\x01\x00\x00\x00", 64, 0,
	  100, HTTP_RESP_DONE, 101, "", 4, NULL },
	{ "no reason phrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", 0, 0, 100, HTTP_RESP_DONE, 404, "", 0, NULL },
	{ "cl over cap", "HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 200, NULL, 0,
	  "exceeds the cap" },
	{ "chunked over cap", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n60\r\n", 0, 0, 10, HTTP_RESP_ERROR,
	  200, NULL, 0, "exceeds the cap" },
	{ "close body over cap", "HTTP/1.1 200 OK\r\n\r\n0123456789A", 0, 0, 10, HTTP_RESP_ERROR, 200, NULL, 0,
	  "exceeds the cap" },
	{ "bad status", "HTTP/2 200 OK\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 0, NULL, 0, "malformed status line" },
	{ "status out of range", "HTTP/1.1 999 Nope\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 0, NULL, 0, "out of range" },
	{ "folded header", "HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 200, NULL, 0, "folded" },
	{ "space before colon", "HTTP/1.1 200 OK\r\nA : b\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 200, NULL, 0,
	  "invalid header name" },
	{ "conflicting cl", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, 0, 100,
	  HTTP_RESP_ERROR, 200, NULL, 0, "conflicting" },
	{ "bad cl", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0, 100, HTTP_RESP_ERROR, 200, NULL, 0,
	  "invalid Content-Length" },
	{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, 0, 100, HTTP_RESP_ERROR,
	  200, NULL, 0, "malformed chunk size" },
	{ "huge chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, 0, 100,
	  HTTP_RESP_ERROR, 200, NULL, 0, "too large" },
	{ "chunk overrun", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n", 0, 0, 100,
	  HTTP_RESP_ERROR, 200, NULL, 0, "longer than its size" },
	{ "eof mid body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, 1, 100, HTTP_RESP_ERROR, 200, NULL, 0,
	  "3 of 10" },
	{ "eof before response", "", 0, 1, 100, HTTP_RESP_ERROR, 0, NULL, 0, "before a response" },
	{ "eof in headers", "HTTP/1.1 200 OK\r\nA: b", 0, 1, 100, HTTP_RESP_ERROR, 200, NULL, 0, "inside the headers" },
	{ "nul in header", "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n", 27, 0, 100, HTTP_RESP_ERROR, 200, NULL, 0, "NUL" },
};

/* Feeds `in` in slices of `step` bytes (0 = all at once), continuing past HEADERS_DONE. */
static int run_case(const struct resp_case *c, size_t step, struct http_resp *r, size_t *total_used)
{
	size_t len = c->input_len ? c->input_len : strlen(c->input), off = 0, used;
	int rc = HTTP_RESP_NEED_MORE;

	http_resp_init(r, NULL, c->body_max);
	*total_used = 0;
	while (off < len) {
		size_t n = step ? (len - off < step ? len - off : step) : len - off;
		rc = http_resp_feed(r, c->input + off, n, &used);
		off += used;
		*total_used += used;
		if (rc == HTTP_RESP_DONE || rc == HTTP_RESP_ERROR)
			return rc;
		if (rc == HTTP_RESP_NEED_MORE && used != n)
			return 99; /* NEED_MORE must use all input */
	}
	if (rc == HTTP_RESP_HEADERS_DONE) { /* a body-less response: one more call says DONE */
		rc = http_resp_feed(r, "", 0, &used);
		if (rc == HTTP_RESP_DONE)
			return rc;
	}
	if (c->eof)
		rc = http_resp_finish(r);
	return rc;
}

TEST(resp_table)
{
	static const size_t steps[] = { 0, 1, 7 };
	size_t k, s;

	for (k = 0; k < sizeof resp_cases / sizeof resp_cases[0]; k++) {
		const struct resp_case *c = &resp_cases[k];
		size_t len = c->input_len ? c->input_len : strlen(c->input);
		for (s = 0; s < 3; s++) {
			struct http_resp r;
			size_t used;
			int rc = run_case(c, steps[s], &r, &used);
			if (rc != c->want_rc)
				fprintf(stderr, "case %s step %zu: rc %d err %s\n", c->name, steps[s], rc, r.err);
			CHECK(rc == c->want_rc);
			if (c->want_status)
				CHECK(r.status == c->want_status);
			if (rc == HTTP_RESP_DONE) {
				if (used != len - c->want_leftover)
					fprintf(stderr, "case %s step %zu: used %zu\n", c->name, steps[s], used);
				CHECK(used == len - c->want_leftover);
				CHECK(r.body.len == strlen(c->want_body));
				CHECK(r.body.len == 0 || memcmp(r.body.data, c->want_body, r.body.len) == 0);
			} else {
				CHECK_CONTAINS(r.err, c->want_err);
			}
			http_resp_free(&r);
		}
	}
}

TEST(headers_lookup)
{
	const char *in = "HTTP/1.1 101 UPGRADED\r\ncontent-type: application/vnd.docker.raw-stream\r\n"
			 "Connection:Upgrade ,  keep-alive\r\nApi-Version: 1.41 \r\n\r\nSTREAM";
	struct http_resp r;
	size_t used;
	const char *n, *v;

	http_resp_init(&r, NULL, 10);
	CHECK(http_resp_feed(&r, in, strlen(in), &used) == HTTP_RESP_HEADERS_DONE);
	CHECK(used == strlen(in) - 6);
	CHECK_STR(r.reason, "UPGRADED");
	CHECK_STR(http_resp_header(&r, "API-VERSION"), "1.41");
	CHECK_STR(http_resp_header(&r, "Content-Type"), "application/vnd.docker.raw-stream");
	CHECK(http_resp_header(&r, "Upgrade") == NULL);
	CHECK(http_resp_header_has_token(&r, "connection", "upgrade"));
	CHECK(http_resp_header_has_token(&r, "connection", "Keep-Alive"));
	CHECK(!http_resp_header_has_token(&r, "connection", "close"));
	CHECK(http_resp_header_count(&r) == 3);
	CHECK(http_resp_header_at(&r, 1, &n, &v) == 0);
	CHECK_STR(n, "Connection");
	CHECK(http_resp_header_at(&r, 3, &n, &v) == -1);
	http_resp_free(&r);
}

TEST(header_caps)
{
	struct http_resp_limits lim = { 32, 64, 2 };
	struct http_resp r;
	size_t used;
	const char *longstatus = "HTTP/1.1 200 OK this reason phrase is far too long\r\n\r\n";
	const char *many = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
	const char *big = "HTTP/1.1 200 OK\r\nA: 0123456789012345678901234567890123456789012345678901234567\r\n\r\n";

	http_resp_init(&r, &lim, 10);
	CHECK(http_resp_feed(&r, longstatus, strlen(longstatus), &used) == HTTP_RESP_ERROR);
	CHECK_CONTAINS(r.err, "status line longer");
	http_resp_free(&r);
	http_resp_init(&r, &lim, 10);
	CHECK(http_resp_feed(&r, many, strlen(many), &used) == HTTP_RESP_ERROR);
	CHECK_CONTAINS(r.err, "more than 2 header");
	http_resp_free(&r);
	http_resp_init(&r, &lim, 10);
	CHECK(http_resp_feed(&r, big, strlen(big), &used) == HTTP_RESP_ERROR);
	CHECK_CONTAINS(r.err, "header block larger");
	CHECK(http_resp_feed(&r, "x", 1, &used) == HTTP_RESP_ERROR); /* sticky */
	http_resp_free(&r);
}

static int count_body(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

TEST(streaming_and_reset)
{
	const char *a = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
	const char *b = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!";
	struct http_resp r;
	size_t used, seen = 0;

	http_resp_init(&r, NULL, 100);
	r.on_body = count_body;
	r.on_body_ctx = &seen;
	CHECK(http_resp_feed(&r, a, strlen(a), &used) == HTTP_RESP_HEADERS_DONE);
	CHECK(r.body_mode == HTTP_BODY_CHUNKED);
	CHECK(http_resp_feed(&r, a + used, strlen(a) - used, &used) == HTTP_RESP_DONE);
	CHECK(seen == 4 && r.body.len == 0);
	http_resp_reset(&r);
	CHECK(http_resp_feed(&r, b, strlen(b), &used) == HTTP_RESP_HEADERS_DONE);
	CHECK(http_resp_feed(&r, b + used, strlen(b) - used, &used) == HTTP_RESP_DONE);
	CHECK(r.status == 404 && seen == 7);
	http_resp_free(&r);
}

TEST(head_request)
{
	const char *in = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
	struct http_resp r;
	size_t used;

	http_resp_init(&r, NULL, 100);
	r.head_request = 1;
	CHECK(http_resp_feed(&r, in, strlen(in), &used) == HTTP_RESP_HEADERS_DONE);
	CHECK(http_resp_feed(&r, "", 0, &used) == HTTP_RESP_DONE);
	http_resp_free(&r);
}

TEST(request_format)
{
	struct buf out;
	char err[ERR_LEN] = "";
	const char *hdrs[] = { "Content-Type: application/json", NULL };
	const char *bad[] = { "X: a\r\nInjected: 1", NULL };

	buf_init(&out, 4096);
	CHECK(http_req_format(&out, "POST", "/v1.41/containers/create?name=x", "docker", hdrs, "{}", 2, err,
			      sizeof err) == 0);
	CHECK_STR(out.data, "POST /v1.41/containers/create?name=x HTTP/1.1\r\nHost: docker\r\n"
			    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
	buf_reset(&out);
	CHECK(http_req_format(&out, "GET", "/_ping", "docker", NULL, NULL, 0, err, sizeof err) == 0);
	CHECK_STR(out.data, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
	buf_reset(&out);
	CHECK(http_req_format(&out, "GET", "/a", "d", bad, NULL, 0, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "invalid request header");
	CHECK(http_req_format(&out, "GET", "/a b", "d", NULL, NULL, 0, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "invalid request target");
	buf_free(&out);
}

int main(void)
{
	RUN(resp_table);
	RUN(headers_lookup);
	RUN(header_caps);
	RUN(streaming_and_reset);
	RUN(head_request);
	RUN(request_format);
	return harness_done();
}
