/* net/http_client.c — see http_client.h */
#include "net/http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/tls_client.h"
#include "util/buf.h"
#include "util/mem.h"

/* A byte stream that is either a bare socket or a TLS session over it. */
struct http_conn {
	int fd;
	struct net_tls *tls; /* NULL for plain http */
	struct net_wait *w;
};

/* see http_client.h */
int http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen)
{
	const char *p, *host, *hend, *port = NULL, *end;
	size_t hlen;

	memset(u, 0, sizeof *u);
	if (strncasecmp(url, "https://", 8) == 0) {
		u->tls = 1;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return err_set(err, errlen, "url \"%.80s\": must start with http:// or https://", url);
	}
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)))
		return err_set(err, errlen, "url \"%.80s\": credentials in the URL are not supported", url);
	if (*p == '[') {
		host = p + 1;
		hend = memchr(host, ']', (size_t)(end - host));
		if (hend == NULL)
			return err_set(err, errlen, "url \"%.80s\": unterminated [IPv6] host", url);
		if (hend[1] == ':')
			port = hend + 2;
		else if (hend + 1 != end)
			return err_set(err, errlen, "url \"%.80s\": junk after ]", url);
	} else {
		host = p;
		hend = memchr(p, ':', (size_t)(end - p));
		if (hend)
			port = hend + 1;
		else
			hend = end;
	}
	hlen = (size_t)(hend - host);
	if (hlen == 0 || hlen > HTTP_URL_HOST_MAX)
		return err_set(err, errlen, "url \"%.80s\": missing or overlong host", url);
	memcpy(u->host, host, hlen);
	if (strpbrk(u->host, " \t\r\n"))
		return err_set(err, errlen, "url \"%.80s\": invalid host", url);
	if (port) {
		size_t plen = (size_t)(end - port);
		long v;
		char *e;

		if (plen == 0 || plen > 5)
			return err_set(err, errlen, "url \"%.80s\": invalid port", url);
		memcpy(u->port, port, plen);
		v = strtol(u->port, &e, 10);
		if (*e || v < 1 || v > 65535)
			return err_set(err, errlen, "url \"%.80s\": invalid port", url);
	} else {
		snprintf(u->port, sizeof u->port, "%s", u->tls ? "443" : "80");
	}
	u->path = end;
	if (strpbrk(u->path, " \t\r\n"))
		return err_set(err, errlen, "url \"%.80s\": whitespace in path", url);
	return 0;
}

/* see http_client.h */
int http_no_proxy_match(const char *no_proxy, const char *host)
{
	const char *p = no_proxy;
	size_t hl = strlen(host);

	while (p && *p) {
		const char *e = p + strcspn(p, ", ");
		const char *colon;
		size_t n;

		while (*p == '.' && p < e) /* ".example.com" and "example.com" mean the same */
			p++;
		colon = memchr(p, ':', (size_t)(e - p));
		n = (size_t)((colon && !memchr(p, ']', (size_t)(e - p)) ? colon : e) - p);
		if (n == 1 && *p == '*')
			return 1;
		if (n > 0 && hl >= n && strncasecmp(host + hl - n, p, n) == 0 && (hl == n || host[hl - n - 1] == '.'))
			return 1;
		p = e + strspn(e, ", ");
	}
	return 0;
}

static const char *env_first(const char *a, const char *b)
{
	const char *v = getenv(a);

	if (v == NULL || *v == 0)
		v = getenv(b);
	return (v && *v) ? v : NULL;
}

static ssize_t conn_read(struct http_conn *c, char *buf, size_t len, char *err, size_t errlen)
{
	if (c->tls)
		return net_tls_read(c->tls, buf, len, err, errlen);
	return net_tcp_read(c->fd, buf, len, c->w, err, errlen);
}

static int conn_write(struct http_conn *c, const void *buf, size_t len, char *err, size_t errlen)
{
	if (c->tls)
		return net_tls_write_all(c->tls, buf, len, err, errlen);
	return net_tcp_write_all(c->fd, buf, len, c->w, err, errlen);
}

/* Read and parse until the response is complete (or, with stop_at_headers, its head is). */
static int conn_read_response(struct http_conn *c, struct http_resp *r, const struct http_client_req *q,
			      int stop_at_headers, char *err, size_t errlen)
{
	char tmp[HTTP_CLIENT_READ_CHUNK];

	for (;;) {
		ssize_t n = conn_read(c, tmp, sizeof tmp, err, errlen);
		size_t off = 0, used;
		int rc;

		if (n < 0)
			return -1;
		if (n == 0) {
			if (http_resp_finish(r) == HTTP_RESP_DONE)
				return 0;
			c->w->kind = NET_ERR_TRANSIENT;
			return err_set(err, errlen, "%s", r->err[0] ? r->err : "connection closed before the response was complete");
		}
		while (off < (size_t)n) {
			rc = http_resp_feed(r, tmp + off, (size_t)n - off, &used);
			off += used;
			if (rc == HTTP_RESP_HEADERS_DONE) {
				if (stop_at_headers) {
					if (off != (size_t)n) {
						c->w->kind = NET_ERR_FATAL;
						return err_set(err, errlen, "proxy sent data after its CONNECT answer");
					}
					return 0;
				}
				if (r->status >= 200 && r->status < 300 && q && q->on_body) {
					r->on_body = q->on_body;
					r->on_body_ctx = q->on_body_ctx;
				}
			} else if (rc == HTTP_RESP_DONE) {
				return 0;
			} else if (rc == HTTP_RESP_ERROR) {
				c->w->kind = NET_ERR_FATAL;
				return err_set(err, errlen, "%s", r->err);
			}
		}
	}
}

/* Ask an http:// proxy for a tunnel to host:port. */
static int proxy_connect(struct http_conn *c, const struct http_url *u, char *err, size_t errlen)
{
	struct http_resp r;
	struct buf req;
	char target[HTTP_URL_HOST_MAX + 16];
	static const char *const hdrs[] = { "User-Agent: chela", NULL };
	int rc = -1;

	buf_init(&req, 4096);
	http_resp_init(&r, NULL, 64 * 1024);
	r.head_request = 1; /* a 2xx CONNECT answer has no body: the tunnel starts after it */
	snprintf(target, sizeof target, strchr(u->host, ':') ? "[%s]:%s" : "%s:%s", u->host, u->port);
	if (http_req_format(&req, "CONNECT", target, target, hdrs, NULL, 0, err, errlen) < 0)
		goto out;
	if (conn_write(c, req.data, req.len, err, errlen) < 0 ||
	    conn_read_response(c, &r, NULL, 1, err, errlen) < 0) {
		err_prefix(err, errlen, "proxy CONNECT %s", target);
		goto out;
	}
	if (r.status != 200) {
		c->w->kind = r.status >= 500 ? NET_ERR_TRANSIENT : NET_ERR_FATAL;
		err_set(err, errlen, "proxy CONNECT %s: %d %s", target, r.status, r.reason);
		goto out;
	}
	rc = 0;
out:
	http_resp_free(&r);
	buf_free(&req);
	return rc;
}

/* see http_client.h */
int http_client_do(const struct http_client_req *q, struct http_resp *r, char *err, size_t errlen)
{
	struct http_conn c = { .fd = -1, .w = q->w };
	struct http_url u, pu;
	struct buf req;
	const char *proxy = NULL, *no_proxy;
	const char *hdrs[64];
	char hostport[HTTP_URL_HOST_MAX + 16], *abs_target = NULL;
	size_t nh = 0;
	int rc = -1;

	buf_init(&req, HTTP_CLIENT_REQ_MAX);
	http_resp_init(r, NULL, q->body_max);
	q->w->kind = NET_ERR_NONE;
	if (http_url_parse(q->url, &u, err, errlen) < 0) {
		q->w->kind = NET_ERR_FATAL;
		goto out;
	}
	proxy = u.tls ? env_first("HTTPS_PROXY", "https_proxy") : env_first("HTTP_PROXY", "http_proxy");
	no_proxy = env_first("NO_PROXY", "no_proxy");
	if (proxy && no_proxy && http_no_proxy_match(no_proxy, u.host))
		proxy = NULL;
	if (proxy && (http_url_parse(proxy, &pu, err, errlen) < 0 || pu.tls)) {
		if (pu.tls)
			err_set(err, errlen, "proxy \"%.80s\": only http:// proxies are supported", proxy);
		err_prefix(err, errlen, "%s", u.tls ? "HTTPS_PROXY" : "HTTP_PROXY");
		q->w->kind = NET_ERR_FATAL;
		goto out;
	}
	c.fd = proxy ? net_tcp_connect(pu.host, pu.port, q->w, err, errlen)
		     : net_tcp_connect(u.host, u.port, q->w, err, errlen);
	if (c.fd < 0) {
		if (proxy)
			err_prefix(err, errlen, "proxy");
		goto out;
	}
	if (proxy && u.tls && proxy_connect(&c, &u, err, errlen) < 0)
		goto out;
	if (u.tls) {
		const char *ca = (q->ca_file && *q->ca_file) ? q->ca_file : TLS_DEFAULT_CA_FILE;
		const struct net_tls_anchors *ta = net_tls_anchors_get(ca, err, errlen);

		if (ta == NULL) {
			q->w->kind = NET_ERR_FATAL;
			goto out;
		}
		c.tls = xcalloc(1, sizeof *c.tls);
		if (net_tls_start(c.tls, c.fd, u.host, ta, q->w, err, errlen) < 0)
			goto out;
	}
	snprintf(hostport, sizeof hostport, strchr(u.host, ':') ? "[%s]" : "%s", u.host);
	if (strcmp(u.port, u.tls ? "443" : "80") != 0)
		snprintf(hostport + strlen(hostport), sizeof hostport - strlen(hostport), ":%s", u.port);
	hdrs[nh++] = "Connection: close";
	hdrs[nh++] = "User-Agent: chela";
	for (size_t i = 0; q->headers && q->headers[i] && nh < 63; i++)
		hdrs[nh++] = q->headers[i];
	hdrs[nh] = NULL;
	if (proxy && !u.tls) {
		abs_target = xmalloc(strlen(hostport) + strlen(u.path) + 16);
		sprintf(abs_target, "http://%s%s", hostport, *u.path ? u.path : "/");
	}
	if (http_req_format(&req, q->method, abs_target ? abs_target : (*u.path ? u.path : "/"), hostport, hdrs,
			    q->body, q->body_len, err, errlen) < 0) {
		q->w->kind = NET_ERR_FATAL;
		goto out;
	}
	if (conn_write(&c, req.data, req.len, err, errlen) < 0)
		goto out;
	rc = conn_read_response(&c, r, q, 0, err, errlen);
out:
	if (rc < 0 && err && !strstr(err, u.host))
		err_prefix(err, errlen, "%s %s", q->method, q->url);
	free(abs_target);
	free(c.tls);
	if (c.fd >= 0)
		close(c.fd);
	buf_free(&req);
	return rc;
}
