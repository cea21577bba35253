/*
 * gateway/gateway_auth.c — who may talk to the gateway: the token (configured, or generated
 * once into <state>/gateway.token), the failed-attempt limiter per client address, and the
 * browser Origin check on WebSocket upgrades.
 */
#include "gateway/gateway_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define AUTH_TOKEN_FILE     "gateway.token"
#define AUTH_TOKEN_FILE_MAX 4096

/* Generate a token, keep it (0600) and show the page URL once: the only time it is printed. */
static int token_generate(struct gateway *gw, const char *path, char *err, size_t errlen)
{
	unsigned char raw[GATEWAY_TOKEN_BYTES];
	char hex[2 * GATEWAY_TOKEN_BYTES + 2];

	if (fs_mkdir_p(gw->set.state_dir, 0700, err, errlen) < 0)
		return -1;
	if (hash_random_bytes(raw, sizeof raw) < 0)
		return err_set(err, errlen, "gateway: cannot get random bytes for a token");
	str_hex(raw, sizeof raw, hex);
	strcat(hex, "\n");
	if (fs_write_atomic(path, hex, strlen(hex), 0600, err, errlen) < 0)
		return err_prefix(err, errlen, "gateway: cannot store the generated token");
	hex[strlen(hex) - 1] = '\0';
	gw->token = xstrdup(hex);
	printf("chela gateway: generated an access token (kept in %s).\n"
	       "Open the web chat once with: http://127.0.0.1:%ld/#token=%s\n",
	       path, gw->set.port, gw->token);
	fflush(stdout);
	log_event(LOG_INFO, "gateway.token_generated", "file=%s", log_quote(path));
	return 0;
}

int gateway_auth_prepare(struct gateway *gw, char *err, size_t errlen)
{
	char *path = NULL, *data = NULL, *t;
	size_t len = 0;
	struct stat st;
	int rc = -1;

	FREE(gw->token);
	if (gw->set.auth == GATEWAY_AUTH_NONE)
		return 0;
	if (gw->set.token && gw->set.token[0]) {
		gw->token = xstrdup(gw->set.token);
		return 0;
	}
	path = fs_path_join(gw->set.state_dir, AUTH_TOKEN_FILE);
	if (!fs_exists(path)) {
		rc = token_generate(gw, path, err, errlen);
		goto out;
	}
	if (fs_read_file(path, AUTH_TOKEN_FILE_MAX, &data, &len, err, errlen) < 0)
		goto out;
	t = str_trim(data);
	if (*t == '\0') {
		err_set(err, errlen, "gateway: %s is empty; delete it to generate a new token", path);
		goto out;
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077))
		log_event(LOG_WARN, "gateway.token_file_mode", "file=%s mode=%03o hint=%s", log_quote(path),
			  (unsigned)(st.st_mode & 0777), log_quote("chmod 600 it"));
	gw->token = xstrdup(t);
	rc = 0;
out:
	free(data);
	free(path);
	return rc;
}

int gateway_auth_check(const struct gateway *gw, const char *token)
{
	if (gw->set.auth == GATEWAY_AUTH_NONE)
		return 1;
	if (token == NULL || gw->token == NULL)
		return 0;
	return str_ct_equal(token, gw->token);
}

/* --- failed-attempt limiter --- */

static struct gateway_rate_slot *rate_slot(struct gateway *gw, const char *ip, int create)
{
	struct gateway_rate_slot *s, *victim = NULL;
	int i;

	for (i = 0; i < GATEWAY_RATE_SLOTS; i++) {
		s = &gw->rate[i];
		if (s->ip[0] && strcmp(s->ip, ip) == 0)
			return s;
		/* Reuse an empty slot, else the one whose window started longest ago. */
		if (victim == NULL || !s->ip[0] || (victim->ip[0] && s->window_start_ms < victim->window_start_ms))
			victim = s;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	snprintf(victim->ip, sizeof victim->ip, "%s", ip);
	return victim;
}

int gateway_rate_retry_after(struct gateway *gw, const char *ip)
{
	struct gateway_rate_slot *s = rate_slot(gw, ip, 0);
	int64_t now = clock_mono_ms();

	if (s == NULL || s->blocked_until_ms <= now)
		return 0;
	return (int)((s->blocked_until_ms - now + 999) / 1000);
}

void gateway_rate_fail(struct gateway *gw, const char *ip)
{
	struct gateway_rate_slot *s = rate_slot(gw, ip, 1);
	int64_t now = clock_mono_ms();

	if (now - s->window_start_ms > GATEWAY_AUTH_FAIL_WINDOW_MS) {
		s->window_start_ms = now;
		s->failures = 0;
	}
	if (++s->failures >= GATEWAY_AUTH_FAIL_MAX) {
		s->blocked_until_ms = now + GATEWAY_AUTH_LOCKOUT_MS;
		s->failures = 0;
		s->window_start_ms = now;
		log_event(LOG_WARN, "auth.locked_out", "ip=%s seconds=%d", ip, GATEWAY_AUTH_LOCKOUT_MS / 1000);
	}
}

void gateway_rate_clear(struct gateway *gw, const char *ip)
{
	struct gateway_rate_slot *s = rate_slot(gw, ip, 0);

	if (s)
		memset(s, 0, sizeof *s);
}

/* --- browser origins --- */

int gateway_bind_is_loopback(const char *bind)
{
	if (bind == NULL || strcmp(bind, "loopback") == 0)
		return 1;
	return str_starts_with(bind, "127.") || strcmp(bind, "::1") == 0 || strcmp(bind, "localhost") == 0;
}

static int is_loopback_name(const char *h)
{
	return strcasecmp(h, "localhost") == 0 || str_starts_with(h, "127.") || strcmp(h, "[::1]") == 0;
}

/* Split "host[:port]" or "[v6]:port"; port stays 0 when absent. */
static int split_hostport(const char *s, size_t n, char *host, size_t hostlen, long *port)
{
	const char *colon = NULL, *end = s + n;
	size_t hl;

	*port = 0;
	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (rb == NULL)
			return -1;
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return -1;
			colon = rb + 1;
		}
	} else {
		colon = memchr(s, ':', n);
	}
	hl = colon ? (size_t)(colon - s) : n;
	if (hl == 0 || hl >= hostlen)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (colon) {
		char *e;

		*port = strtol(colon + 1, &e, 10);
		if (e != end || *port <= 0 || *port > 65535)
			return -1;
	}
	return 0;
}

int gateway_origin_allowed(const struct gateway *gw, const char *origin, const char *host)
{
	char oh[256], hh[256];
	long op, hp, odef;
	const char *rest;
	size_t olen;
	int i;

	if (origin == NULL)
		return 1; /* not a browser: browsers always send Origin on a WebSocket upgrade */
	olen = strlen(origin);
	while (olen && origin[olen - 1] == '/')
		olen--;
	for (i = 0; i < gw->set.n_allowed_origins; i++) {
		const char *a = gw->set.allowed_origins[i];

		if (strcmp(a, "*") == 0 || (strlen(a) == olen && strncasecmp(a, origin, olen) == 0))
			return 1;
	}
	if (host == NULL)
		return 0;
	if (strncasecmp(origin, "http://", 7) == 0) {
		rest = origin + 7;
		odef = 80;
	} else if (strncasecmp(origin, "https://", 8) == 0) {
		rest = origin + 8;
		odef = 443;
	} else {
		return 0; /* "null", file:, extensions: never the gateway's own page */
	}
	if (split_hostport(rest, olen - (size_t)(rest - origin), oh, sizeof oh, &op) < 0 ||
	    split_hostport(host, strlen(host), hh, sizeof hh, &hp) < 0)
		return 0;
	if (strcasecmp(oh, hh) != 0)
		return 0;
	/* DNS rebinding: a hostile name pointed at 127.0.0.1 is "same origin" with itself, so a
	 * loopback gateway only trusts pages whose Host is a loopback name. */
	if (gateway_bind_is_loopback(gw->set.bind) && !is_loopback_name(hh))
		return 0;
	/* A Host without a port comes through a proxy on the default port: the names decide. */
	return hp == 0 || (op ? op : odef) == hp;
}
