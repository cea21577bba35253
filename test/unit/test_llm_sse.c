/* test_llm_sse.c — table-driven tests of the SSE parser: every case is fed whole, then byte by
 * byte, and must produce the same events both ways. */
#include "harness.h"

#include <stdlib.h>

#include "llm/sse.h"
#include "util/buf.h"

struct collect {
	struct buf out; /* "name=data|" per event */
	int stop_after; /* return -1 after this many events (0 = never) */
	int n;
};

static int collect_cb(void *ctx, const char *event, const char *data, size_t len)
{
	struct collect *c = ctx;

	buf_printf(&c->out, "%s=", event);
	buf_append(&c->out, data, len);
	buf_putc(&c->out, '|');
	c->n++;
	return (c->stop_after && c->n >= c->stop_after) ? -1 : 0;
}

struct sse_case {
	const char *name;
	const char *in;
	const char *want;
	int pending; /* partial event left at the end */
};

static const struct sse_case cases[] = {
	{ "single", "data: hi\n\n", "message=hi|", 0 },
	{ "named", "event: ping\ndata: {}\n\n", "ping={}|", 0 },
	{ "multiline", "data: a\ndata: b\ndata:\n\n", "message=a\nb\n|", 0 },
	{ "no space", "data:x\n\n", "message=x|", 0 },
	{ "two spaces keeps one", "data:  x\n\n", "message= x|", 0 },
	{ "crlf", "event: e\r\ndata: 1\r\n\r\n", "e=1|", 0 },
	{ "cr only", "data: 1\r\rdata: 2\r\r", "message=1|message=2|", 0 },
	{ "comment", ": keep-alive\n\ndata: z\n\n", "message=z|", 0 },
	{ "no data no event", "event: x\n\n", "", 0 },
	{ "name resets", "event: a\ndata: 1\n\ndata: 2\n\n", "a=1|message=2|", 0 },
	{ "id retry ignored", "id: 7\nretry: 10\ndata: q\n\n", "message=q|", 0 },
	{ "field without colon", "data\n\n", "message=|", 0 },
	{ "unknown field", "foo: bar\ndata: k\n\n", "message=k|", 0 },
	{ "bom", "\xEF\xBB\xBF" "data: b\n\n", "message=b|", 0 },
	{ "colon in value", "data: {\"a\":1}\n\n", "message={\"a\":1}|", 0 },
	{ "truncated event", "data: x\n", "", 1 },
	{ "truncated line", "data: x", "", 1 },
	{ "openai done", "data: {\"x\":1}\n\ndata: [DONE]\n\n", "message={\"x\":1}|message=[DONE]|", 0 },
};

static void run_case(const struct sse_case *c, int bytewise, char *got, size_t gotlen, int *pending)
{
	struct collect col = { 0 };
	struct llm_sse p;
	size_t len = strlen(c->in), i;

	buf_init(&col.out, 1 << 16);
	llm_sse_init(&p, collect_cb, &col);
	if (bytewise) {
		for (i = 0; i < len; i++)
			llm_sse_feed(&p, c->in + i, 1);
	} else {
		llm_sse_feed(&p, c->in, len);
	}
	snprintf(got, gotlen, "%s", col.out.data ? col.out.data : "");
	*pending = llm_sse_pending(&p);
	llm_sse_free(&p);
	buf_free(&col.out);
}

TEST(sse_table)
{
	size_t i;
	char got[256], why[128];
	int pending, bytewise;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (bytewise = 0; bytewise < 2; bytewise++) {
			run_case(&cases[i], bytewise, got, sizeof got, &pending);
			snprintf(why, sizeof why, "case \"%.40s\" (%s)", cases[i].name, bytewise ? "bytewise" : "whole");
			if (strcmp(got, cases[i].want) != 0 || pending != cases[i].pending) {
				snprintf(harness_why, sizeof harness_why, "%s: got \"%s\" pending=%d, want \"%.200s\" pending=%d",
					 why, got, pending, cases[i].want, cases[i].pending);
				harness_failed_now = 1;
				return;
			}
		}
	}
}

TEST(sse_line_cap)
{
	struct collect col = { 0 };
	struct llm_sse p;
	char *big = malloc(LLM_SSE_LINE_MAX + 16);
	int rc;

	CHECK(big != NULL);
	memset(big, 'a', LLM_SSE_LINE_MAX + 16);
	memcpy(big, "data: ", 6);
	buf_init(&col.out, 1 << 16);
	llm_sse_init(&p, collect_cb, &col);
	rc = llm_sse_feed(&p, big, LLM_SSE_LINE_MAX + 16);
	free(big);
	CHECK(rc == -1);
	CHECK_CONTAINS(p.err, "line exceeds");
	CHECK(llm_sse_feed(&p, "\n\n", 2) == -1); /* sticky */
	llm_sse_free(&p);
	buf_free(&col.out);
}

TEST(sse_event_cap)
{
	struct collect col = { 0 };
	struct llm_sse p;
	char line[64 * 1024 + 8];
	int rc = 0, i;

	memset(line, 'b', sizeof line);
	memcpy(line, "data: ", 6);
	line[sizeof line - 1] = '\n';
	buf_init(&col.out, 1 << 16);
	llm_sse_init(&p, collect_cb, &col);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = llm_sse_feed(&p, line, sizeof line);
	CHECK(rc == -1);
	CHECK_CONTAINS(p.err, "event data exceeds");
	CHECK(col.n == 0);
	llm_sse_free(&p);
	buf_free(&col.out);
}

TEST(sse_callback_stops)
{
	struct collect col = { .stop_after = 1 };
	struct llm_sse p;

	buf_init(&col.out, 1 << 16);
	llm_sse_init(&p, collect_cb, &col);
	CHECK(llm_sse_feed(&p, "data: 1\n\ndata: 2\n\n", 18) == -1);
	CHECK(col.n == 1);
	llm_sse_free(&p);
	buf_free(&col.out);
}

int main(void)
{
	RUN(sse_table);
	RUN(sse_line_cap);
	RUN(sse_event_cap);
	RUN(sse_callback_stops);
	return harness_done();
}
