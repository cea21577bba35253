/*
 * net/http_client.h — one HTTP/1.1 request over TCP or TLS, through a proxy when the
 * environment says so, answered by the incremental parser in net/http_resp.h.
 *
 * Contract:
 *   - URLs are http://host[:port][/path] or https://...; IPv6 literals in brackets.
 *   - HTTPS_PROXY/https_proxy (for https) and HTTP_PROXY/http_proxy (for http) name an
 *     http:// proxy; NO_PROXY/no_proxy lists hosts (exact, or a domain and its subdomains, or
 *     "*") reached directly. https goes through a CONNECT tunnel, so the TLS session and the
 *     certificate check are end to end; http goes to the proxy with the absolute URL.
 *   - One connection per request ("Connection: close"): model turns take seconds, the handshake
 *     milliseconds, and no pool means no stale-connection retries.
 *   - Every wait honours q->w (absolute deadline + abort flag); on failure w->kind tells whether
 *     a retry may help (connection refused/reset/EOF: transient; TLS verification: fatal).
 *   - http_client_do() initialises *r (the caller frees it with http_resp_free()). It returns 0
 *     once a complete response arrived, whatever its status. A 2xx body goes to q->on_body when
 *     set (streaming); any other body is collected in r->body (capped) for the error message.
 */
#ifndef CHELA_NET_HTTP_CLIENT_H
#define CHELA_NET_HTTP_CLIENT_H

#include <stddef.h>

#include "net/http_resp.h"
#include "net/tcp.h"

#define HTTP_URL_HOST_MAX        255
#define HTTP_CLIENT_REQ_MAX      (16 * 1024 * 1024) /* a request (headers + body) we will send */
#define HTTP_CLIENT_READ_CHUNK   16384

struct http_url {
	int tls;
	char host[HTTP_URL_HOST_MAX + 1]; /* without brackets */
	char port[8];
	const char *path;                 /* points into the parsed string; "" when absent */
};

/* Parse url (kept alive by the caller while u->path is used). 0 / -1 + err naming the URL. */
int http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen);

/* 1 when NO_PROXY-style list `no_proxy` says host is reached directly. */
int http_no_proxy_match(const char *no_proxy, const char *host);

struct http_client_req {
	const char *method;
	const char *url;
	const char *const *headers;  /* "Name: value", NULL-terminated; may be NULL */
	const void *body;
	size_t body_len;
	const char *ca_file;         /* NULL or "" = TLS_DEFAULT_CA_FILE */
	struct net_wait *w;
	size_t body_max;             /* cap on the decoded response body */
	http_body_fn on_body;        /* 2xx bodies stream here when set */
	void *on_body_ctx;
};

int http_client_do(const struct http_client_req *q, struct http_resp *r, char *err, size_t errlen);

#endif
