/* test/fuzz/fuzz_http_resp.c — the HTTP response parser (Docker client, HTTP client).
 *
 * Byte 0 picks the feed size (1..31 bytes, or all at once), HEAD, streaming body and a small or
 * large body cap. The rest is a connection's bytes: responses are parsed one after another the
 * way a kept-alive client would (reset after each DONE). The same bytes are then parsed again in
 * one piece and the two runs must agree — how a server's bytes are split across reads must
 * never change what the parser reports. Each response is checked for the contract's invariants:
 * consumed within the input, status range, header count and shape, body size against the cap
 * and against Content-Length. */
#include "net/http_resp.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RESPONSES 8

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct outcome {
	int nresp;
	int rc[MAX_RESPONSES];        /* final result of each response */
	int status[MAX_RESPONSES];
	size_t nhdrs[MAX_RESPONSES];
	size_t used[MAX_RESPONSES];   /* input bytes the response took (on success) */
	uint64_t body_len[MAX_RESPONSES];
	uint32_t body_hash[MAX_RESPONSES];
};

struct stream_sink {
	uint64_t len;
	uint32_t hash;
};

static uint32_t fnv(uint32_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static int on_body(void *ctx, const char *data, size_t len)
{
	struct stream_sink *s = ctx;

	CHECK(len > 0);
	s->len += len;
	s->hash = fnv(s->hash, data, len);
	return 0;
}

static void check_headers(const struct http_resp *r)
{
	size_t k, n = http_resp_header_count(r);
	const char *name, *value;

	CHECK(r->status >= 100 && r->status <= 599);
	CHECK(n <= HTTP_RESP_MAX_HEADERS);
	CHECK(strlen(r->reason) < HTTP_RESP_REASON_MAX);
	for (k = 0; k < n; k++) {
		CHECK(http_resp_header_at(r, k, &name, &value) == 0);
		CHECK(name[0] != '\0' && strpbrk(name, ": \t\r\n") == NULL);
		CHECK(strpbrk(value, "\r\n") == NULL);
		/* lookup by name finds a header with that name (the first one) */
		CHECK(http_resp_header(r, name) != NULL);
	}
	CHECK(http_resp_header_at(r, n, &name, &value) == -1);
	if (r->body_mode == HTTP_BODY_LENGTH)
		CHECK(r->content_length > 0 && r->content_length <= r->body_max);
}

/* Parse data[0..size) as a sequence of responses, feeding at most step bytes at a time. */
static void run(const char *data, size_t size, size_t step, int head, int stream, size_t body_max,
		struct outcome *o)
{
	struct http_resp r;
	struct stream_sink sink = {0, 2166136261u};
	size_t off = 0, start = 0;
	int rc = HTTP_RESP_NEED_MORE;

	memset(o, 0, sizeof *o);
	http_resp_init(&r, NULL, body_max);
	r.head_request = head;
	if (stream) {
		r.on_body = on_body;
		r.on_body_ctx = &sink;
	}
	while (o->nresp < MAX_RESPONSES) {
		size_t n = size - off < step ? size - off : step, used = 0;

		if (n == 0) {
			rc = http_resp_finish(&r);
		} else {
			rc = http_resp_feed(&r, data + off, n, &used);
			CHECK(used <= n);
			off += used;
			if (rc == HTTP_RESP_NEED_MORE)
				CHECK(used == n);
			if (rc == HTTP_RESP_HEADERS_DONE) {
				check_headers(&r);
				continue;
			}
			if (rc == HTTP_RESP_NEED_MORE)
				continue;
		}
		CHECK(rc == HTTP_RESP_DONE || rc == HTTP_RESP_ERROR);
		CHECK(r.body_total <= body_max);
		o->rc[o->nresp] = rc;
		o->status[o->nresp] = r.status;
		if (rc == HTTP_RESP_ERROR) {
			CHECK(r.err[0] != '\0');
			/* sticky */
			CHECK(http_resp_feed(&r, "x", 1, &used) == HTTP_RESP_ERROR);
			o->nresp++;
			break;
		}
		check_headers(&r);
		o->nhdrs[o->nresp] = http_resp_header_count(&r);
		o->used[o->nresp] = off - start;
		if (r.body_mode == HTTP_BODY_LENGTH)
			CHECK(r.body_total == r.content_length);
		if (r.body_mode == HTTP_BODY_NONE)
			CHECK(r.body_total == 0);
		if (stream) {
			CHECK(sink.len == r.body_total && r.body.len == 0);
			o->body_len[o->nresp] = sink.len;
			o->body_hash[o->nresp] = sink.hash;
		} else {
			CHECK(r.body.len == r.body_total);
			o->body_len[o->nresp] = r.body.len;
			o->body_hash[o->nresp] = fnv(2166136261u, r.body.data ? r.body.data : "", r.body.len);
		}
		o->nresp++;
		/* a body that runs to close, or a 101 (the stream is no longer HTTP), ends the connection */
		if (n == 0 || r.body_mode == HTTP_BODY_CLOSE || r.status == 101)
			break;
		sink.len = 0;
		sink.hash = 2166136261u;
		http_resp_reset(&r);
		CHECK(r.head_request == head && r.body_total == 0 && http_resp_header_count(&r) == 0);
		start = off;
		if (off == size)
			break;
	}
	http_resp_free(&r);
	http_resp_free(&r); /* free twice is harmless by contract (zeroed after the first) */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome a, b;
	size_t step, body_max;
	int head, stream, i;

	if (size < 1)
		return 0;
	step = data[0] & 0x1f;
	head = (data[0] >> 5) & 1;
	stream = (data[0] >> 6) & 1;
	body_max = (data[0] & 0x80) ? 64 : 1 << 20;
	if (step == 0)
		step = size;
	run((const char *)data + 1, size - 1, step, head, stream, body_max, &a);
	run((const char *)data + 1, size - 1, size, head, stream, body_max, &b);
	CHECK(a.nresp == b.nresp);
	for (i = 0; i < a.nresp; i++) {
		CHECK(a.rc[i] == b.rc[i]);
		if (a.rc[i] != HTTP_RESP_DONE)
			continue;
		CHECK(a.status[i] == b.status[i] && a.nhdrs[i] == b.nhdrs[i] && a.used[i] == b.used[i]);
		CHECK(a.body_len[i] == b.body_len[i] && a.body_hash[i] == b.body_hash[i]);
	}
	return 0;
}
