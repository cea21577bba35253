/* llm/llm.c — see llm.h: one model call with retries, backoff and a hard deadline */
#include "llm/llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/llm_decode.h"
#include "net/http_client.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/mem.h"

#define LLM_URL_MAX        2048
#define LLM_AUTH_HDR_MAX   1024

/* see llm.h */
const char *llm_provider_name(enum llm_provider p)
{
	return p == LLM_PROVIDER_ANTHROPIC ? "anthropic" : "openai";
}

/* see llm.h */
const char *llm_stop_name(enum llm_stop s)
{
	static const char *names[] = { "none", "end", "tool_use", "max_tokens", "other" };

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "other";
}

/* see llm.h */
void llm_result_free(struct llm_result *res)
{
	int i;

	if (res == NULL)
		return;
	for (i = 0; i < res->ncalls; i++) {
		free(res->calls[i].id);
		free(res->calls[i].name);
		free(res->calls[i].arguments);
		free(res->calls[i].args_error);
	}
	free(res->calls);
	free(res->text);
	memset(res, 0, sizeof *res);
}

static int retryable_status(int s)
{
	return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504 || s == 529;
}

/* Backoff before attempt n+1: base * 2^n with "equal jitter" (half fixed, half random), capped. */
static long backoff_ms(long base, int n)
{
	long d = base;
	unsigned r = 0;

	while (n-- > 0 && d < LLM_MAX_BACKOFF_MS)
		d *= 2;
	if (d > LLM_MAX_BACKOFF_MS)
		d = LLM_MAX_BACKOFF_MS;
	(void)hash_random_bytes(&r, sizeof r);
	return d / 2 + (long)(r % (unsigned)(d / 2 + 1));
}

/* Sleep until now+ms, waking every 100 ms to look at the abort flag. -1 when aborted. */
static int sleep_ms(long ms, const volatile int *abort)
{
	int64_t until = clock_mono_ms() + ms;

	for (;;) {
		int64_t left = until - clock_mono_ms();
		struct timespec ts;

		if (abort && *abort)
			return -1;
		if (left <= 0)
			return 0;
		if (left > 100)
			left = 100;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* retry-after: delta-seconds only (the HTTP-date form is not used by these APIs); -1 if absent. */
static long retry_after_ms(const struct http_resp *r)
{
	const char *v = http_resp_header(r, "retry-after");
	char *end;
	double s;

	if (v == NULL)
		return -1;
	s = strtod(v, &end);
	if (end == v || s < 0 || s > 3600)
		return -1;
	return (long)(s * 1000);
}

static void host_of(const char *url, char *out, size_t outlen)
{
	struct http_url u;

	if (http_url_parse(url, &u, NULL, 0) == 0)
		snprintf(out, outlen, "%s", u.host);
	else
		snprintf(out, outlen, "?");
}

/* Body bytes go to the decoder; the first call picks SSE or JSON from the Content-Type (a server
 * may answer a streamed request with a whole JSON body, e.g. an error or a non-streaming proxy). */
struct feed_ctx {
	struct llm_decoder *d;
	const struct http_resp *r;
};

static int body_feed(void *ctx, const char *data, size_t len)
{
	struct feed_ctx *f = ctx;

	if (f->d->mode == 0) {
		const char *ct = http_resp_header(f->r, "content-type");

		if (ct)
			f->d->mode = strcasestr(ct, "text/event-stream") ? 1 : 2;
	}
	return llm_decoder_feed(f->d, data, len);
}

struct call_ctx {
	const struct llm_config *cfg;
	char url[LLM_URL_MAX];
	char auth[LLM_AUTH_HDR_MAX];
	const char *headers[8];
	char *body;
	long timeout_ms;
	int64_t deadline;
	struct net_wait w;
};

static int call_prepare(struct call_ctx *c, const struct llm_config *cfg, const struct llm_request *req,
			char *err, size_t errlen)
{
	int anth = cfg->provider == LLM_PROVIDER_ANTHROPIC;
	const char *base = (cfg->base_url && *cfg->base_url) ? cfg->base_url
			   : anth ? LLM_ANTHROPIC_DEFAULT_BASE : LLM_OPENAI_DEFAULT_BASE;
	const char *key = (cfg->api_key && *cfg->api_key) ? cfg->api_key
			  : getenv(anth ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
	size_t bl = strlen(base), n = 0;

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	/* A base that already ends in /v1 (common for local servers) is not doubled. */
	if (bl >= 3 && strncmp(base + bl - 3, "/v1", 3) == 0)
		bl -= 3;
	if (bl + 32 > sizeof c->url)
		return err_set(err, errlen, "model: base_url is too long");
	snprintf(c->url, sizeof c->url, "%.*s%s", (int)bl, base, anth ? "/v1/messages" : "/v1/chat/completions");
	if (key && strpbrk(key, "\r\n"))
		return err_set(err, errlen, "model: api_key contains a line break");
	if (key && *key && strlen(key) + 32 > sizeof c->auth)
		return err_set(err, errlen, "model: api_key is too long");
	c->headers[n++] = "Content-Type: application/json";
	c->headers[n++] = req->stream ? "Accept: text/event-stream" : "Accept: application/json";
	if (anth)
		c->headers[n++] = "anthropic-version: " LLM_ANTHROPIC_VERSION;
	if (key && *key) {
		snprintf(c->auth, sizeof c->auth, anth ? "x-api-key: %s" : "Authorization: Bearer %s", key);
		c->headers[n++] = c->auth;
	}
	c->headers[n] = NULL;
	c->body = anth ? llm_anthropic_body(cfg, req, err, errlen) : llm_openai_body(cfg, req, err, errlen);
	if (c->body == NULL)
		return -1;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : LLM_DEFAULT_TIMEOUT_MS;
	c->deadline = clock_mono_ms() + c->timeout_ms;
	c->w.deadline_ms = c->deadline;
	c->w.abort = cfg->abort;
	return 0;
}

/* Why a non-2xx answer failed, as one sentence the user can act on. */
static void status_error(const struct call_ctx *c, const struct http_resp *r, char *err, size_t errlen)
{
	char host[HTTP_URL_HOST_MAX + 1], summary[400];

	host_of(c->url, host, sizeof host);
	llm_error_summary(r->body.data, r->body.len, summary, sizeof summary);
	if (r->status == 401 || r->status == 403)
		err_set(err, errlen, "model: %d from %s (%s): %s — check [model] api_key", r->status, host,
			llm_provider_name(c->cfg->provider), summary);
	else
		err_set(err, errlen, "model: %d from %s (%s): %s", r->status, host, llm_provider_name(c->cfg->provider),
			summary);
}

/* see llm.h */
int llm_call(const struct llm_config *cfg, const struct llm_request *req, const struct llm_callbacks *cb,
	     struct llm_result *res, char *err, size_t errlen)
{
	struct call_ctx c = { .cfg = cfg };
	int max_retries = cfg->max_retries < 0 ? 0 : cfg->max_retries == 0 ? LLM_DEFAULT_RETRIES : cfg->max_retries;
	long base = cfg->retry_base_ms > 0 ? cfg->retry_base_ms : LLM_DEFAULT_RETRY_BASE_MS;
	int attempt, rc = -1;

	memset(res, 0, sizeof *res);
	if (call_prepare(&c, cfg, req, err, errlen) < 0)
		goto out;
	for (attempt = 0;; attempt++) {
		struct http_client_req q = {
			.method = "POST", .url = c.url, .headers = c.headers, .body = c.body,
			.body_len = strlen(c.body), .ca_file = cfg->ca_file, .w = &c.w,
			.body_max = LLM_MAX_BODY,
		};
		struct llm_decoder d;
		struct http_resp r;
		struct feed_ctx fc = { .d = &d, .r = &r };
		long wait = -1;
		int hrc, emitted;

		llm_result_free(res);
		llm_decoder_init(&d, cfg->provider, cb, res, -1);
		q.on_body = body_feed;
		q.on_body_ctx = &fc;
		res->attempts = attempt + 1;
		hrc = http_client_do(&q, &r, err, errlen);
		res->attempts = attempt + 1;
		res->http_status = r.status;
		if (hrc == 0 && r.status >= 200 && r.status < 300) {
			if (llm_decoder_finish(&d) == 0)
				rc = 0;
			else
				err_set(err, errlen, "model: %s", d.err);
		} else if (hrc == 0) {
			status_error(&c, &r, err, errlen);
			if (retryable_status(r.status))
				wait = retry_after_ms(&r) >= 0 ? retry_after_ms(&r) : backoff_ms(base, attempt);
		} else if (d.failed) {
			err_set(err, errlen, "model: %s", d.err); /* our decoder refused the body */
		} else if (c.w.kind == NET_ERR_TIMEOUT) {
			err_prefix(err, errlen, "model: no complete answer within %ld s ([model] timeout_s)",
				   c.timeout_ms / 1000);
		} else if (c.w.kind == NET_ERR_TRANSIENT && !d.emitted) {
			wait = backoff_ms(base, attempt);
		} else if (c.w.kind == NET_ERR_TRANSIENT) {
			err_prefix(err, errlen, "model stream truncated");
		}
		emitted = d.emitted;
		llm_decoder_free(&d);
		http_resp_free(&r);
		if (rc == 0 || wait < 0 || emitted)
			break;
		if (attempt >= max_retries) {
			err_prefix(err, errlen, "after %d attempts", attempt + 1);
			break;
		}
		if (clock_mono_ms() + wait >= c.deadline) {
			err_prefix(err, errlen, "giving up (next retry in %ld ms would pass the %ld s deadline)", wait,
				   c.timeout_ms / 1000);
			break;
		}
		log_event(LOG_WARN, "llm.retry", "provider=%s attempt=%d wait_ms=%ld why=%s", llm_provider_name(cfg->provider),
			  attempt + 1, wait, log_quote(err));
		if (sleep_ms(wait, cfg->abort) < 0) {
			err_set(err, errlen, "model: aborted");
			break;
		}
	}
out:
	free(c.body);
	return rc;
}
