/*
 * gateway/gateway_proto.c — OpenClaw gateway protocol v4 over WebSocket text frames.
 *
 *   server → event connect.challenge {nonce, ts}
 *   client → req connect {minProtocol, maxProtocol, client{...}, role, scopes, auth{token}}
 *   server → res ok hello-ok {protocol, server, features, snapshot, auth, policy}
 *   then req/res for methods, and events (tick, chat, agent) with a per-connection seq.
 *
 * Until `connect` succeeds the connection may send exactly that request (frames capped at
 * GATEWAY_WS_PREAUTH_MAX); anything else, or a bad token, closes it with 1008. Methods that
 * need other modules go through the hooks in gateway.h and run as jobs.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define PROTO_SCOPES_MAX 32 /* scopes echoed back from a connect request */

static const char *const proto_methods[] = {
	"health", "status", "chat.send", "chat.history", "chat.abort", "sessions.list", "sessions.reset", "sandbox.explain",
};
static const char *const proto_events[] = {"connect.challenge", "chat", "agent", "tick"};

int gateway_proto_event(struct gateway_conn *c, const char *event, cJSON *payload)
{
	cJSON *f = cJSON_CreateObject();
	int rc;

	cJSON_AddStringToObject(f, "type", "event");
	cJSON_AddStringToObject(f, "event", event);
	cJSON_AddItemToObject(f, "payload", payload ? payload : cJSON_CreateObject());
	cJSON_AddNumberToObject(f, "seq", (double)++c->ws_seq);
	rc = gateway_ws_send_json(c, f);
	cJSON_Delete(f);
	return rc;
}

static void res_ok(struct gateway_conn *c, const char *id, cJSON *payload)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "type", "res");
	cJSON_AddStringToObject(f, "id", id);
	cJSON_AddTrueToObject(f, "ok");
	cJSON_AddItemToObject(f, "payload", payload ? payload : cJSON_CreateObject());
	gateway_ws_send_json(c, f);
	cJSON_Delete(f);
}

static void res_err(struct gateway_conn *c, const char *id, const char *code, const char *message)
{
	cJSON *f = cJSON_CreateObject(), *e;

	cJSON_AddStringToObject(f, "type", "res");
	if (id)
		cJSON_AddStringToObject(f, "id", id);
	else
		cJSON_AddNullToObject(f, "id");
	cJSON_AddFalseToObject(f, "ok");
	e = cJSON_AddObjectToObject(f, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	gateway_ws_send_json(c, f);
	cJSON_Delete(f);
}

void gateway_proto_challenge(struct gateway_conn *c)
{
	unsigned char nonce[16];
	cJSON *p = cJSON_CreateObject();

	if (hash_random_bytes(nonce, sizeof nonce) < 0)
		memset(nonce, 0, sizeof nonce);
	str_hex(nonce, sizeof nonce, c->nonce);
	cJSON_AddStringToObject(p, "nonce", c->nonce);
	cJSON_AddNumberToObject(p, "ts", (double)clock_wall_ms());
	gateway_proto_event(c, "connect.challenge", p);
}

cJSON *gateway_proto_health(const struct gateway *gw)
{
	cJSON *h = cJSON_CreateObject();

	cJSON_AddTrueToObject(h, "ok");
	cJSON_AddStringToObject(h, "status", "live");
	cJSON_AddNumberToObject(h, "uptimeMs", (double)(clock_mono_ms() - gw->started_ms));
	return h;
}

static cJSON *proto_status(const struct gateway *gw)
{
	cJSON *s = cJSON_CreateObject(), *o;

	cJSON_AddStringToObject(s, "version", gw->version ? gw->version : "");
	cJSON_AddNumberToObject(s, "protocol", GATEWAY_PROTOCOL_VERSION);
	cJSON_AddNumberToObject(s, "uptimeMs", (double)(clock_mono_ms() - gw->started_ms));
	cJSON_AddStringToObject(s, "stateDir", gw->set.state_dir ? gw->set.state_dir : "");
	cJSON_AddStringToObject(s, "authMode", gw->set.auth == GATEWAY_AUTH_NONE ? "none" : "token");
	cJSON_AddStringToObject(s, "bind", gw->set.bind ? gw->set.bind : "");
	cJSON_AddNumberToObject(s, "port", (double)gw->set.port);
	cJSON_AddBoolToObject(s, "openaiHttp", gw->set.openai_http);
	o = cJSON_AddObjectToObject(s, "connections");
	cJSON_AddNumberToObject(o, "total", gw->nconns);
	cJSON_AddNumberToObject(o, "websocket", gw->nws);
	o = cJSON_AddObjectToObject(s, "sandbox");
	cJSON_AddBoolToObject(o, "enabled", gw->set.sandbox_enabled);
	o = cJSON_AddObjectToObject(s, "agentRuntime");
	cJSON_AddBoolToObject(o, "available", gw->hooks.chat_send != NULL);
	return s;
}

static cJSON *str_array(const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static cJSON *hello_ok(struct gateway_conn *c, const char *role, const cJSON *scopes)
{
	struct gateway *gw = c->gw;
	cJSON *p = cJSON_CreateObject(), *o, *a;
	const cJSON *it;
	char conn_id[32], main_key[SESSION_KEY_MAX + 16];
	int n = 0;

	snprintf(conn_id, sizeof conn_id, "conn-%llu", (unsigned long long)c->id);
	cJSON_AddStringToObject(p, "type", "hello-ok");
	cJSON_AddNumberToObject(p, "protocol", GATEWAY_PROTOCOL_VERSION);
	o = cJSON_AddObjectToObject(p, "server");
	cJSON_AddStringToObject(o, "version", gw->version ? gw->version : "");
	cJSON_AddStringToObject(o, "connId", conn_id);
	o = cJSON_AddObjectToObject(p, "features");
	cJSON_AddItemToObject(o, "methods", str_array(proto_methods, sizeof proto_methods / sizeof proto_methods[0]));
	cJSON_AddItemToObject(o, "events", str_array(proto_events, sizeof proto_events / sizeof proto_events[0]));
	o = cJSON_AddObjectToObject(p, "snapshot");
	cJSON_AddItemToObject(o, "health", gateway_proto_health(gw));
	cJSON_AddNumberToObject(o, "uptimeMs", (double)(clock_mono_ms() - gw->started_ms));
	cJSON_AddStringToObject(o, "stateDir", gw->set.state_dir ? gw->set.state_dir : "");
	cJSON_AddStringToObject(o, "authMode", gw->set.auth == GATEWAY_AUTH_NONE ? "none" : "token");
	cJSON_AddItemToObject(o, "presence", cJSON_CreateArray());
	/* The session a client should open first (the web page's default). */
	o = cJSON_AddObjectToObject(o, "sessionDefaults");
	snprintf(main_key, sizeof main_key, "agent:main:%s", gw->set.main_key ? gw->set.main_key : "main");
	cJSON_AddStringToObject(o, "defaultAgentId", "main");
	cJSON_AddStringToObject(o, "mainKey", gw->set.main_key ? gw->set.main_key : "main");
	cJSON_AddStringToObject(o, "mainSessionKey", main_key);
	o = cJSON_AddObjectToObject(p, "auth");
	cJSON_AddStringToObject(o, "role", role);
	a = cJSON_AddArrayToObject(o, "scopes");
	cJSON_ArrayForEach(it, scopes)
		if (cJSON_IsString(it) && n++ < PROTO_SCOPES_MAX)
			cJSON_AddItemToArray(a, cJSON_CreateString(it->valuestring));
	o = cJSON_AddObjectToObject(p, "policy");
	cJSON_AddNumberToObject(o, "maxPayload", GATEWAY_WS_MESSAGE_MAX);
	cJSON_AddNumberToObject(o, "maxBufferedBytes", GATEWAY_WS_BUFFERED_MAX);
	cJSON_AddNumberToObject(o, "tickIntervalMs", GATEWAY_TICK_INTERVAL_MS);
	return p;
}

/* Refuse the handshake: answer the request, then close (1002 protocol, 1008 policy). */
static void connect_refuse(struct gateway_conn *c, const char *id, const char *code, const char *msg, int close_code)
{
	res_err(c, id, code, msg);
	gateway_ws_close(c, close_code, msg);
}

static void proto_connect(struct gateway_conn *c, const char *id, const cJSON *params)
{
	struct gateway *gw = c->gw;
	const cJSON *minp = cJSON_GetObjectItemCaseSensitive(params, "minProtocol");
	const cJSON *maxp = cJSON_GetObjectItemCaseSensitive(params, "maxProtocol");
	const cJSON *client = cJSON_GetObjectItemCaseSensitive(params, "client");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(params, "role");
	const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(params, "scopes");
	const cJSON *auth = cJSON_GetObjectItemCaseSensitive(params, "auth");
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(auth, "token");
	const cJSON *cid = cJSON_GetObjectItemCaseSensitive(client, "id");
	char msg[128];
	int retry;

	if (!cJSON_IsNumber(minp) || !cJSON_IsNumber(maxp)) {
		connect_refuse(c, id, "invalid_request", "connect needs minProtocol and maxProtocol", WS_CLOSE_PROTOCOL);
		return;
	}
	if (minp->valuedouble > GATEWAY_PROTOCOL_VERSION || maxp->valuedouble < GATEWAY_PROTOCOL_VERSION) {
		connect_refuse(c, id, "protocol_mismatch", "this gateway speaks protocol 4 only", WS_CLOSE_PROTOCOL);
		return;
	}
	if (!cJSON_IsObject(client) || !cJSON_IsString(cid) || (role && !cJSON_IsString(role)) ||
	    (scopes && !cJSON_IsArray(scopes))) {
		connect_refuse(c, id, "invalid_request", "connect needs client{id,...}; role a string, scopes an array",
			       WS_CLOSE_POLICY);
		return;
	}
	retry = gateway_rate_retry_after(gw, c->ip);
	if (retry > 0) {
		snprintf(msg, sizeof msg, "too many failed authentication attempts; retry in %d s", retry);
		connect_refuse(c, id, "rate_limited", msg, WS_CLOSE_POLICY);
		return;
	}
	if (!gateway_auth_check(gw, cJSON_IsString(token) ? token->valuestring : NULL)) {
		gateway_rate_fail(gw, c->ip);
		log_event(LOG_WARN, "auth.failed", "conn=%llu ip=%s via=ws client=%s", (unsigned long long)c->id, c->ip,
			  log_quote(cid->valuestring));
		connect_refuse(c, id, "unauthorized", "invalid or missing gateway token", WS_CLOSE_POLICY);
		return;
	}
	gateway_rate_clear(gw, c->ip);
	c->ws_authed = 1;
	c->deadline_ms = 0;
	ws_reader_set_limits(&c->ws, GATEWAY_WS_FRAME_MAX, GATEWAY_WS_MESSAGE_MAX);
	log_event(LOG_INFO, "ws.connect", "conn=%llu ip=%s client=%s role=%s", (unsigned long long)c->id, c->ip,
		  log_quote(cid->valuestring), log_quote(role ? role->valuestring : "operator"));
	res_ok(c, id, hello_ok(c, role ? role->valuestring : "operator", scopes));
}

static void proto_submit(struct gateway_conn *c, gateway_method_fn fn, const char *id, const char *method,
			 const cJSON *params)
{
	struct gateway_job *job = gateway_job_new(c, JOB_WS, fn, params, id, method);

	if (gateway_job_submit(c->gw, job) < 0)
		res_err(c, id, "busy", "the gateway has too many jobs queued; retry shortly");
}

/*
 * chat.abort runs here, on the loop: it only flags running turns (gateway.h), and it must work
 * when every worker is busy with the very turns it is meant to stop.
 */
static void proto_inline(struct gateway_conn *c, gateway_method_fn fn, const char *id, const char *method,
			 const cJSON *params)
{
	struct gateway_job *job = gateway_job_new(c, JOB_WS, fn, params, id, method);

	fn(job->ctx, job, job->params, &job->res);
	gateway_proto_job_done(c, job);
	gateway_job_free(job);
}

static void proto_call(struct gateway_conn *c, const char *id, const char *method, const cJSON *params)
{
	const struct gateway_hooks *h = &c->gw->hooks;
	gateway_method_fn fn = NULL;
	char msg[160];

	if (strcmp(method, "health") == 0) {
		res_ok(c, id, gateway_proto_health(c->gw));
		return;
	}
	if (strcmp(method, "status") == 0) {
		res_ok(c, id, proto_status(c->gw));
		return;
	}
	if (strcmp(method, "connect") == 0) {
		res_err(c, id, "invalid_request", "already connected");
		return;
	}
	if (str_starts_with(method, "chat.")) {
		fn = strcmp(method, "chat.send") == 0      ? h->chat_send
		     : strcmp(method, "chat.history") == 0 ? h->chat_history
		     : strcmp(method, "chat.abort") == 0   ? h->chat_abort
							   : NULL;
		if (fn == NULL && (strcmp(method, "chat.send") == 0 || strcmp(method, "chat.history") == 0 ||
				   strcmp(method, "chat.abort") == 0)) {
			res_err(c, id, "no_model", "no model configured");
			return;
		}
	} else if (strcmp(method, "sessions.list") == 0) {
		if ((fn = h->sessions_list) == NULL) {
			/* No session store is plugged in, so there are no sessions to list. */
			cJSON *p = cJSON_CreateObject();

			cJSON_AddItemToObject(p, "sessions", cJSON_CreateArray());
			res_ok(c, id, p);
			return;
		}
	} else if (strcmp(method, "sessions.reset") == 0) {
		if ((fn = h->sessions_reset) == NULL) {
			res_err(c, id, "not_found", "no such session (no session store is running)");
			return;
		}
	} else if (strcmp(method, "sandbox.explain") == 0) {
		if ((fn = h->sandbox_explain) == NULL) {
			res_err(c, id, "unavailable", "sandbox explain is not built into this gateway yet");
			return;
		}
	}
	if (fn == NULL) {
		snprintf(msg, sizeof msg, "unknown method '%.100s'", method);
		res_err(c, id, "unknown_method", msg);
		return;
	}
	if (fn == h->chat_abort) {
		proto_inline(c, fn, id, method, params);
		return;
	}
	proto_submit(c, fn, id, method, params);
}

void gateway_proto_text(struct gateway_conn *c, const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(root, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
	const char *ids = cJSON_IsString(id) ? id->valuestring : NULL;
	int valid = cJSON_IsObject(root) && cJSON_IsString(type) && strcmp(type->valuestring, "req") == 0 && ids &&
		    cJSON_IsString(method) && (params == NULL || cJSON_IsObject(params));

	if (!c->ws_authed) {
		if (!valid || strcmp(method->valuestring, "connect") != 0)
			connect_refuse(c, ids, "invalid_request", "the first frame must be a connect request",
				       WS_CLOSE_POLICY);
		else
			proto_connect(c, ids, params);
	} else if (!valid) {
		res_err(c, ids, "invalid_request", "a frame must be {\"type\":\"req\",\"id\":string,\"method\":string,\"params\":object}");
	} else {
		proto_call(c, ids, method->valuestring, params);
	}
	cJSON_Delete(root);
}

void gateway_proto_job_done(struct gateway_conn *c, struct gateway_job *job)
{
	if (job->res.payload) {
		res_ok(c, job->req_id, job->res.payload);
		job->res.payload = NULL;
	} else {
		res_err(c, job->req_id, job->res.code[0] ? job->res.code : "internal",
			job->res.message[0] ? job->res.message : "the request failed");
	}
}

void gateway_proto_job_reply(struct gateway_conn *c, struct gateway_job *job, cJSON *payload)
{
	res_ok(c, job->req_id, payload);
}

void gateway_proto_tick(struct gateway *gw)
{
	struct gateway_conn *c, *next;

	for (c = gw->conns; c; c = next) {
		cJSON *p;

		next = c->next; /* settle may close c */
		if (c->state != CONN_WS || !c->ws_authed || c->ws_close_sent)
			continue;
		p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "ts", (double)clock_wall_ms());
		gateway_proto_event(c, "tick", p);
		gateway_conn_settle(c);
	}
}
