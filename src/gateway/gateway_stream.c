/*
 * gateway/gateway_stream.c — HTTP replies that a job writes piece by piece (the OpenAI
 * endpoint's `stream: true`): the head goes out when the job starts streaming, each piece
 * becomes one chunk of a chunked body, and the job's end writes the last chunk.
 *
 * The connection stays in WAIT_JOB meanwhile, so pipelined requests wait behind the stream
 * and keep-alive continues after it. A client that stops reading is cut off by the caps in
 * gateway.h (GATEWAY_STREAM_UNSENT_MAX); one that leaves cancels the job (gateway_conn_close).
 */
#include "gateway/gateway_int.h"

#include <stdio.h>
#include <string.h>

#define STREAM_HEAD_BYTES 512

void gateway_stream_head(struct gateway_conn *c, int status, const char *content_type)
{
	char head[STREAM_HEAD_BYTES];
	/* no-transform / X-Accel-Buffering: proxies must pass events through as they come */
	int n = gateway_http_head(c, status, content_type, "Transfer-Encoding: chunked",
				  "Cache-Control: no-transform\r\nX-Accel-Buffering: no\r\n", head, sizeof head);

	if (n < 0) {
		c->dead = 1;
		return;
	}
	c->streaming = 1;
	/* HEAD asked for headers only: the stream is then just its head and the end. */
	gateway_conn_send(c, head, (size_t)n);
}

void gateway_stream_data(struct gateway_conn *c, const char *data, size_t len)
{
	char size[24];
	int n;

	if (len == 0 || c->head_only)
		return;
	n = snprintf(size, sizeof size, "%zx\r\n", len);
	if (gateway_conn_queue(c, size, (size_t)n) < 0 || gateway_conn_queue(c, data, len) < 0 ||
	    gateway_conn_queue(c, "\r\n", 2) < 0)
		return;
	gateway_conn_flush(c);
}

void gateway_stream_end(struct gateway_conn *c)
{
	static const char last[] = "0\r\n\r\n";

	c->streaming = 0;
	if (!c->head_only)
		gateway_conn_send(c, last, sizeof last - 1);
	gateway_http_request_done(c);
}
