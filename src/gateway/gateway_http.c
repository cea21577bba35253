/*
 * gateway/gateway_http.c — HTTP replies and routes: probes, the web page, the tools and
 * OpenAI-compatible endpoints, and the hand-off of upgrades to gateway_ws.c.
 *
 * Every reply carries Content-Length, so keep-alive and pipelining stay in step; a request
 * the parser rejects gets a one-line plain-text reason and the connection is closed.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Generated from src/gateway/assets by build.sh (a stub returning NULL when there are none). */
const unsigned char *chela_asset_find(const char *name, size_t *len);

#define HTTP_HEAD_BYTES 1536 /* our own status line and headers, extra headers included */

static const char health_body[] = "{\"ok\":true,\"status\":\"live\"}";

const char *gateway_http_reason(int status)
{
	switch (status) {
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 426: return "Upgrade Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* see gateway_int.h */
void gateway_http_request_done(struct gateway_conn *c)
{
	http_req_free(c->req);
	FREE(c->req);
	if (c->body.cap > HTTP_REQ_HEAD_MAX)
		buf_free(&c->body);
	buf_reset(&c->body);
	if (!c->keep_alive || c->gw->stopping) {
		gateway_conn_finish(c);
		return;
	}
	c->state = CONN_RECV_REQUEST;
	c->head_started = 0;
	c->deadline_ms = clock_mono_ms() + GATEWAY_IDLE_TIMEOUT_MS;
}

int gateway_http_head(struct gateway_conn *c, int status, const char *ctype, const char *framing,
		      const char *extra_headers, char *out, size_t outlen)
{
	int n;

	if (c->gw->stopping)
		c->keep_alive = 0;
	n = snprintf(out, outlen,
		     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%s\r\nConnection: %s\r\n"
		     "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n%s\r\n",
		     status, gateway_http_reason(status), ctype, framing, c->keep_alive ? "keep-alive" : "close",
		     extra_headers ? extra_headers : "");
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	if (c->req)
		log_event(LOG_DEBUG, "http.request", "conn=%llu ip=%s method=%s path=%s status=%d",
			  (unsigned long long)c->id, c->ip, c->req->method, log_quote(c->req->path), status);
	return n;
}

void gateway_http_respond(struct gateway_conn *c, int status, const char *ctype, const char *body, size_t len,
			  const char *extra_headers)
{
	char head[HTTP_HEAD_BYTES], framing[48];
	int n;

	snprintf(framing, sizeof framing, "Content-Length: %zu", len);
	n = gateway_http_head(c, status, ctype, framing, extra_headers, head, sizeof head);
	if (n < 0)
		n = snprintf(head, sizeof head, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
	gateway_conn_queue(c, head, (size_t)n);
	if (!c->head_only && len)
		gateway_conn_queue(c, body, len);
	if (!c->dead)
		gateway_conn_flush(c);
	gateway_http_request_done(c);
}

void gateway_http_fail(struct gateway_conn *c, int status, const char *reason)
{
	char body[ERR_LEN + 64];
	int n = snprintf(body, sizeof body, "%d %s: %s\n", status, gateway_http_reason(status), reason);

	log_event(LOG_INFO, "http.reject", "conn=%llu ip=%s status=%d reason=%s", (unsigned long long)c->id, c->ip,
		  status, log_quote(reason));
	if (n < 0 || (size_t)n >= sizeof body)
		n = (int)strlen(body);
	c->keep_alive = 0;
	c->head_only = 0;
	gateway_http_respond(c, status, "text/plain; charset=utf-8", body, (size_t)n, NULL);
}

void gateway_http_json(struct gateway_conn *c, int status, cJSON *json, const char *extra_headers)
{
	char *text = cJSON_PrintUnformatted(json);

	if (text == NULL) {
		gateway_http_fail(c, 500, "could not encode the reply");
		return;
	}
	gateway_http_respond(c, status, "application/json", text, strlen(text), extra_headers);
	free(text);
}

/* {"ok":false,"error":{"code","message"}} — or OpenAI's error shape for /v1/... */
static void http_error(struct gateway_conn *c, int status, const char *code, const char *message,
		       const char *extra_headers)
{
	cJSON *root = cJSON_CreateObject(), *e;

	if (c->req && str_starts_with(c->req->path, "/v1/")) {
		e = cJSON_AddObjectToObject(root, "error");
		cJSON_AddStringToObject(e, "message", message);
		cJSON_AddStringToObject(e, "type", code);
		cJSON_AddStringToObject(e, "code", code);
	} else {
		cJSON_AddFalseToObject(root, "ok");
		e = cJSON_AddObjectToObject(root, "error");
		cJSON_AddStringToObject(e, "code", code);
		cJSON_AddStringToObject(e, "message", message);
	}
	gateway_http_json(c, status, root, extra_headers);
	cJSON_Delete(root);
}

/* Bearer auth with the failed-attempt limiter in front. 1 = authorized, 0 = answered. */
static int http_authorized(struct gateway_conn *c)
{
	struct gateway *gw = c->gw;
	const char *h, *tok;
	int retry = gateway_rate_retry_after(gw, c->ip);
	char extra[64];

	if (retry > 0) {
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n", retry);
		http_error(c, 429, "rate_limited", "too many failed authentication attempts; retry later", extra);
		return 0;
	}
	if (gw->set.auth == GATEWAY_AUTH_NONE)
		return 1;
	h = http_req_header(c->req, "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		http_error(c, 401, "unauthorized", "missing 'Authorization: Bearer <token>' header",
			   "WWW-Authenticate: Bearer\r\n");
		return 0;
	}
	for (tok = h + 7; *tok == ' '; tok++)
		;
	if (gateway_auth_check(gw, tok)) {
		gateway_rate_clear(gw, c->ip);
		return 1;
	}
	gateway_rate_fail(gw, c->ip);
	log_event(LOG_WARN, "auth.failed", "conn=%llu ip=%s via=http path=%s", (unsigned long long)c->id, c->ip,
		  log_quote(c->req->path));
	http_error(c, 401, "unauthorized", "invalid gateway token", "WWW-Authenticate: Bearer\r\n");
	return 0;
}

static void http_submit(struct gateway_conn *c, gateway_method_fn fn, cJSON *params, const char *method)
{
	struct gateway_job *job = gateway_job_new(c, JOB_HTTP, fn, params, NULL, method);

	if (gateway_job_submit(c->gw, job) < 0) {
		http_error(c, 503, "busy", "the gateway has too many jobs queued; retry shortly", "Retry-After: 1\r\n");
		return;
	}
	c->state = CONN_WAIT_JOB;
	c->deadline_ms = 0;
}

static cJSON *http_body_json(struct gateway_conn *c)
{
	cJSON *j = cJSON_ParseWithLength(c->body.data ? c->body.data : "", c->body.len);

	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		http_error(c, 400, "invalid_request", "request body must be a JSON object", NULL);
		return NULL;
	}
	return j;
}

static void route_tools_invoke(struct gateway_conn *c)
{
	cJSON *body, *tool, *args, *key;

	if (!http_authorized(c) || (body = http_body_json(c)) == NULL)
		return;
	tool = cJSON_GetObjectItemCaseSensitive(body, "tool");
	args = cJSON_GetObjectItemCaseSensitive(body, "args");
	key = cJSON_GetObjectItemCaseSensitive(body, "sessionKey");
	if (!cJSON_IsString(tool) || tool->valuestring[0] == '\0')
		http_error(c, 400, "invalid_request", "\"tool\" must be a non-empty string", NULL);
	else if (args && !cJSON_IsObject(args))
		http_error(c, 400, "invalid_request", "\"args\" must be an object", NULL);
	else if (key && (!cJSON_IsString(key) || strlen(key->valuestring) > SESSION_KEY_MAX))
		http_error(c, 400, "invalid_request", "\"sessionKey\" must be a string of at most 256 bytes", NULL);
	else if (c->gw->hooks.tools_invoke == NULL)
		http_error(c, 501, "not_implemented",
			   "tool invocation is not available: this gateway has no policy/tools engine built in yet", NULL);
	else
		http_submit(c, c->gw->hooks.tools_invoke, body, "tools.invoke");
	cJSON_Delete(body);
}

static void route_chat_completions(struct gateway_conn *c)
{
	cJSON *body;

	if (!http_authorized(c) || (body = http_body_json(c)) == NULL)
		return;
	if (c->gw->hooks.chat_completions == NULL)
		http_error(c, 503, "no_model", "no model configured", NULL);
	else
		http_submit(c, c->gw->hooks.chat_completions, body, "chat.completions");
	cJSON_Delete(body);
}

static void route_readyz(struct gateway_conn *c)
{
	const struct gateway_settings *s = &c->gw->set;
	cJSON *p = cJSON_CreateObject();

	/* The worker gets a snapshot: a SIGHUP may swap the settings while it runs. */
	cJSON_AddBoolToObject(p, "configLoaded", s->config_loaded);
	cJSON_AddBoolToObject(p, "sandbox", s->sandbox_enabled);
	cJSON_AddBoolToObject(p, "channels", s->channels_configured);
	cJSON_AddStringToObject(p, "dockerSocket", s->docker_socket ? s->docker_socket : "");
	http_submit(c, gateway_ready_job, p, "readyz");
	cJSON_Delete(p);
}

static const char *asset_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
		{".png", "image/png"},                 {".ico", "image/x-icon"},
		{".json", "application/json"},         {".webmanifest", "application/manifest+json"},
	};
	size_t i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (str_ends_with(name, types[i].ext))
			return types[i].type;
	return "text/plain; charset=utf-8";
}

/*
 * The page's security headers. The policy allows exactly what the page uses: its own scripts
 * and stylesheet (no inline script or style, no eval), the data: favicon, and the WebSocket
 * back to this gateway. 'self' covers ws:/wss: to the same host in CSP3 browsers; the explicit
 * ws://HOST wss://HOST is for older ones, and only when Host is a plain host[:port] (it is
 * client-supplied, so nothing else may reach a header).
 */
static void asset_headers(struct gateway_conn *c, char *out, size_t outlen)
{
	const char *host = http_req_header(c->req, "Host");
	char ws[260] = "";

	if (host && host[0] && strlen(host) < 120 &&
	    strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]") == strlen(host))
		snprintf(ws, sizeof ws, " ws://%s wss://%s", host, host);
	snprintf(out, outlen,
		 "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
		 "img-src 'self' data:; connect-src 'self'%s; manifest-src 'self'; base-uri 'none'; "
		 "form-action 'none'; frame-ancestors 'none'\r\n"
		 "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\nCross-Origin-Opener-Policy: same-origin\r\n",
		 ws);
}

static void route_asset(struct gateway_conn *c)
{
	const char *path = c->req->path, *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
	const unsigned char *data = NULL;
	char extra[768];
	size_t len = 0;

	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-") == strlen(name) &&
	    strstr(name, "..") == NULL)
		data = chela_asset_find(name, &len);
	if (data == NULL && strcmp(path, "/") == 0) {
		static const char msg[] = "503 Service Unavailable: web page not built into this binary\n";

		gateway_http_respond(c, 503, "text/plain; charset=utf-8", msg, sizeof msg - 1, NULL);
		return;
	}
	if (data == NULL) {
		http_error(c, 404, "not_found", "no such page", NULL);
		return;
	}
	asset_headers(c, extra, sizeof extra);
	gateway_http_respond(c, 200, asset_type(name), (const char *)data, len, extra);
}

void gateway_http_route(struct gateway_conn *c)
{
	const char *m = c->req->method, *p = c->req->path, *up = http_req_header(c->req, "Upgrade");
	int get = strcmp(m, "GET") == 0 || c->head_only, post = strcmp(m, "POST") == 0;

	if (strcmp(p, "/healthz") == 0 || strcmp(p, "/health") == 0) {
		if (get)
			gateway_http_respond(c, 200, "application/json", health_body, sizeof health_body - 1, NULL);
		else
			http_error(c, 405, "method_not_allowed", "use GET", "Allow: GET, HEAD\r\n");
	} else if (up && http_header_has_token(up, "websocket")) {
		gateway_ws_upgrade(c);
	} else if (strcmp(p, "/readyz") == 0) {
		if (get)
			route_readyz(c);
		else
			http_error(c, 405, "method_not_allowed", "use GET", "Allow: GET, HEAD\r\n");
	} else if (strcmp(p, "/tools/invoke") == 0) {
		if (post)
			route_tools_invoke(c);
		else
			http_error(c, 405, "method_not_allowed", "use POST", "Allow: POST\r\n");
	} else if (strcmp(p, "/v1/chat/completions") == 0 && c->gw->set.openai_http) {
		if (post)
			route_chat_completions(c);
		else
			http_error(c, 405, "method_not_allowed", "use POST", "Allow: POST\r\n");
	} else if (get) {
		route_asset(c);
	} else {
		http_error(c, 404, "not_found", "no such endpoint", NULL);
	}
}

void gateway_http_job_done(struct gateway_conn *c, struct gateway_job *job)
{
	struct gateway_result *r = &job->res;

	if (r->payload) {
		gateway_http_json(c, r->http_status ? r->http_status : 200, r->payload, NULL);
		return;
	}
	http_error(c, r->http_status ? r->http_status : 500, r->code[0] ? r->code : "internal",
		   r->message[0] ? r->message : "the request failed", NULL);
}
