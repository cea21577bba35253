/*
 * gateway/gateway_stream.c — HTTP replies that a job writes piece by piece (the OpenAI
 * endpoint's `stream: true`): the head goes out when the job starts streaming, each piece
 * becomes one chunk of a chunked body, and the job's end writes the last chunk. The worker side
 * (gateway_job_stream_*) queues messages; the loop side (gateway_stream_*) writes them.
 *
 * The connection stays in WAIT_JOB meanwhile, so pipelined requests wait behind the stream
 * and keep-alive continues after it. A client that stops reading is cut off by the caps in
 * gateway.h (GATEWAY_STREAM_UNSENT_MAX); one that leaves cancels the job (gateway_conn_close).
 */
#include "gateway/gateway_int.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

#define STREAM_HEAD_BYTES 512

/* --- worker side (see gateway.h) --- */

int gateway_job_stream_start(struct gateway_job *job, int status, const char *content_type)
{
	struct gateway_msg *m;

	if (job->kind != JOB_HTTP || job->streaming)
		return -1;
	job->streaming = 1;
	m = gateway_job_msg(job, MSG_STREAM_HEAD);
	m->status = status;
	m->event = xstrdup(content_type);
	gateway_jobq_push(job->gw, m);
	return gateway_job_cancelled(job) ? -1 : 0;
}

int gateway_job_stream_write(struct gateway_job *job, const char *data, size_t len)
{
	struct gateway_msg *m;

	if (!job->streaming || gateway_job_cancelled(job))
		return -1;
	/* The loop is behind (a client reading slowly): stop rather than queue without bound. */
	if (__atomic_load_n(&job->stream_pending, __ATOMIC_ACQUIRE) + len > GATEWAY_STREAM_PENDING_MAX) {
		gateway_job_cancel(job);
		return -1;
	}
	if (len == 0)
		return 0;
	__atomic_add_fetch(&job->stream_pending, len, __ATOMIC_ACQ_REL);
	m = gateway_job_msg(job, MSG_STREAM_DATA);
	m->data = xmalloc(len);
	memcpy(m->data, data, len);
	m->len = len;
	gateway_jobq_push(job->gw, m);
	return 0;
}

/* --- loop side --- */


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
