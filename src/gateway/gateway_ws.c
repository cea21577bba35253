/*
 * gateway/gateway_ws.c — the WebSocket side of a connection: the RFC 6455 opening handshake
 * (with the browser Origin check and the auth limiter in front of it), frame dispatch, and
 * sending frames and closes. The OpenClaw protocol on top lives in gateway_proto.c.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

static const char msg426[] = "426 Upgrade Required: WebSocket version 13 only\n";
static const char msg429[] = "429 Too Many Requests: too many failed authentication attempts\n";

void gateway_ws_upgrade(struct gateway_conn *c)
{
	struct gateway *gw = c->gw;
	const struct http_req *req = c->req;
	const char *conn = http_req_header(req, "Connection"), *ver = http_req_header(req, "Sec-WebSocket-Version");
	const char *key = http_req_header(req, "Sec-WebSocket-Key"), *origin = http_req_header(req, "Origin");
	const char *host = http_req_header(req, "Host");
	char accept[WS_ACCEPT_LEN + 1], head[256], extra[64];
	int retry;

	if (strcmp(req->method, "GET") != 0 || req->minor != 1) {
		gateway_http_fail(c, 400, "a WebSocket upgrade must be an HTTP/1.1 GET");
		return;
	}
	if (conn == NULL || !http_header_has_token(conn, "upgrade")) {
		gateway_http_fail(c, 400, "WebSocket upgrade without 'Connection: Upgrade'");
		return;
	}
	if (ver == NULL || strcmp(ver, "13") != 0) {
		c->keep_alive = 0;
		gateway_http_respond(c, 426, "text/plain; charset=utf-8", msg426, sizeof msg426 - 1,
				     "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (key == NULL || !ws_key_valid(key)) {
		gateway_http_fail(c, 400, "missing or malformed Sec-WebSocket-Key");
		return;
	}
	if (!gateway_origin_allowed(gw, origin, host)) {
		/* Cross-site WebSocket hijacking: a page elsewhere driving the user's browser. */
		log_event(LOG_WARN, "ws.origin_refused", "conn=%llu ip=%s origin=%s", (unsigned long long)c->id, c->ip,
			  log_quote(origin));
		gateway_http_fail(c, 403, "browser origin not allowed (same host:port as the gateway, or gateway.allowed_origins)");
		return;
	}
	retry = gateway_rate_retry_after(gw, c->ip);
	if (retry > 0) {
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n", retry);
		c->keep_alive = 0;
		gateway_http_respond(c, 429, "text/plain; charset=utf-8", msg429, sizeof msg429 - 1, extra);
		return;
	}
	if (gw->stopping) {
		gateway_http_fail(c, 503, "gateway is shutting down");
		return;
	}
	ws_accept_compute(key, accept);
	snprintf(head, sizeof head,
		 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Accept: %s\r\n\r\n",
		 accept);
	http_req_free(c->req);
	FREE(c->req);
	buf_free(&c->body);
	c->state = CONN_WS;
	c->is_ws = 1;
	gw->nws++;
	ws_reader_init(&c->ws, GATEWAY_WS_PREAUTH_MAX, GATEWAY_WS_PREAUTH_MAX);
	c->deadline_ms = clock_mono_ms() + GATEWAY_CONNECT_TIMEOUT_MS;
	log_event(LOG_DEBUG, "ws.open", "conn=%llu ip=%s", (unsigned long long)c->id, c->ip);
	gateway_conn_queue(c, head, strlen(head));
	gateway_proto_challenge(c);
}

static int ws_send_frame(struct gateway_conn *c, int opcode, const void *data, size_t len)
{
	unsigned char h[WS_FRAME_HEADER_MAX];
	size_t hl = ws_frame_header_write(h, opcode, 1, len);

	if (c->out.len + hl + len > GATEWAY_WS_BUFFERED_MAX) {
		/* maxBufferedBytes: a client that does not read loses its connection, not our memory. */
		log_event(LOG_WARN, "ws.slow_client", "conn=%llu ip=%s unsent=%zu", (unsigned long long)c->id, c->ip,
			  c->out.len);
		c->dead = 1;
		return -1;
	}
	if (gateway_conn_queue(c, h, hl) < 0 || (len && gateway_conn_queue(c, data, len) < 0))
		return -1;
	gateway_conn_flush(c);
	return c->dead ? -1 : 0;
}

int gateway_ws_send_json(struct gateway_conn *c, cJSON *frame)
{
	char *text;
	int rc;

	if (c->state != CONN_WS || c->ws_close_sent)
		return -1;
	text = cJSON_PrintUnformatted(frame);
	if (text == NULL)
		return -1;
	rc = ws_send_frame(c, WS_OP_TEXT, text, strlen(text));
	free(text);
	return rc;
}

void gateway_ws_close(struct gateway_conn *c, int code, const char *reason)
{
	unsigned char p[WS_CONTROL_PAYLOAD_MAX];
	size_t n;

	if (c->ws_close_sent || c->state != CONN_WS)
		return;
	log_event(code == WS_CLOSE_NORMAL || code == WS_CLOSE_GOING_AWAY ? LOG_DEBUG : LOG_INFO, "ws.close",
		  "conn=%llu ip=%s code=%d reason=%s", (unsigned long long)c->id, c->ip, code, log_quote(reason));
	n = ws_close_payload(p, code, reason);
	ws_send_frame(c, WS_OP_CLOSE, p, n);
	c->ws_close_sent = 1;
	gateway_conn_finish(c);
}

void gateway_ws_process(struct gateway_conn *c)
{
	char err[ERR_LEN];

	while (c->state == CONN_WS && !c->dead && c->in.len > 0) {
		struct ws_event ev;
		size_t used = 0;
		int r = ws_reader_next(&c->ws, (unsigned char *)c->in.data, c->in.len, &used, &ev, err, sizeof err);

		if (r < 0) {
			gateway_ws_close(c, ev.close_code, err);
			return;
		}
		if (r == 0) {
			buf_consume(&c->in, used);
			return;
		}
		/* ev.data points into c->in: handle the event before dropping its bytes. */
		switch (ev.opcode) {
		case WS_OP_TEXT:
			gateway_proto_text(c, (const char *)ev.data, ev.len);
			break;
		case WS_OP_BINARY:
			gateway_ws_close(c, WS_CLOSE_UNSUPPORTED, "binary frames are not part of this protocol");
			break;
		case WS_OP_PING:
			ws_send_frame(c, WS_OP_PONG, ev.data, ev.len);
			break;
		case WS_OP_PONG:
			break;
		case WS_OP_CLOSE:
			/* Echo the peer's code (RFC 6455 5.5.1); "no code" is answered with 1000. */
			gateway_ws_close(c, ev.close_code == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : ev.close_code,
					 "bye");
			break;
		}
		buf_consume(&c->in, used);
	}
}
