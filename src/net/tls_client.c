/* net/tls_client.c — see tls_client.h */
#include "net/tls_client.h"

#include <stdio.h>
#include <string.h>

/* TLS 1.2 only, forward secrecy and AEAD only: what current API endpoints negotiate anyway. */
static const uint16_t tls_suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
};

static int tls_low_read(void *ctx, unsigned char *data, size_t len)
{
	struct net_tls *t = ctx;
	ssize_t n = net_tcp_read(t->fd, data, len, t->w, t->ioerr, sizeof t->ioerr);

	if (n == 0) {
		t->tcp_eof = 1;
		snprintf(t->ioerr, sizeof t->ioerr, "connection closed by peer");
		t->w->kind = NET_ERR_TRANSIENT;
	}
	return n > 0 ? (int)n : -1;
}

static int tls_low_write(void *ctx, const unsigned char *data, size_t len)
{
	struct net_tls *t = ctx;

	if (net_tcp_write_all(t->fd, data, len, t->w, t->ioerr, sizeof t->ioerr) < 0)
		return -1;
	return (int)len;
}

static const char *x509_reason(int code)
{
	switch (code) {
	case BR_ERR_X509_BAD_SERVER_NAME: return "its names do not match the host";
	case BR_ERR_X509_NOT_TRUSTED: return "it is not signed by a CA in ca_file";
	case BR_ERR_X509_EXPIRED: return "it has expired or is not yet valid";
	case BR_ERR_X509_NOT_CA: return "an issuer in the chain is not a CA";
	case BR_ERR_X509_BAD_SIGNATURE: return "a signature in the chain is invalid";
	case BR_ERR_X509_EMPTY_CHAIN: return "the server sent no certificate";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "its public key is too weak";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE: return "its key usage forbids TLS server use";
	case BR_ERR_X509_CRITICAL_EXTENSION: return "it has an unsupported critical extension";
	case BR_ERR_X509_TIME_UNKNOWN: return "the current time is unknown";
	default: return "it could not be validated";
	}
}

/* Turn the engine's sticky error (or the socket's) into one sentence. */
static int tls_fail(struct net_tls *t, const char *op, char *err, size_t errlen)
{
	int code = br_ssl_engine_last_error(&t->sc.eng);

	if (code >= BR_ERR_X509_OK && code < BR_ERR_X509_OK + 32) {
		t->w->kind = NET_ERR_FATAL;
		return err_set(err, errlen, "tls: %s: certificate verification failed: %s (BearSSL error %d)",
			       t->host, x509_reason(code), code);
	}
	if (code == BR_ERR_IO || code == BR_ERR_OK) {
		if (t->w->kind == NET_ERR_NONE)
			t->w->kind = NET_ERR_TRANSIENT;
		return err_set(err, errlen, "tls: %s: %s: %s", t->host, op, t->ioerr[0] ? t->ioerr : "I/O error");
	}
	if ((code & 0x100) != 0) { /* a fatal alert the server sent us */
		t->w->kind = NET_ERR_FATAL;
		return err_set(err, errlen, "tls: %s: %s: the server sent alert %d (no common TLS 1.2 ECDHE suite?)",
			       t->host, op, code & 0xff);
	}
	t->w->kind = NET_ERR_FATAL;
	return err_set(err, errlen, "tls: %s: %s: protocol error (BearSSL error %d)", t->host, op, code);
}

/* see tls_client.h */
int net_tls_start(struct net_tls *t, int fd, const char *host, const struct net_tls_anchors *anchors,
		  struct net_wait *w, char *err, size_t errlen)
{
	if (strlen(host) > TLS_HOST_MAX) {
		w->kind = NET_ERR_FATAL;
		return err_set(err, errlen, "tls: host name too long");
	}
	t->fd = fd;
	t->w = w;
	t->tcp_eof = 0;
	t->ioerr[0] = 0;
	snprintf(t->host, sizeof t->host, "%s", host);
	br_ssl_client_init_full(&t->sc, &t->xc, net_tls_anchors_array(anchors), net_tls_anchors_count(anchors));
	br_ssl_engine_set_versions(&t->sc.eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(&t->sc.eng, tls_suites, sizeof tls_suites / sizeof tls_suites[0]);
	br_ssl_engine_set_buffer(&t->sc.eng, t->iobuf, sizeof t->iobuf, 1);
	/* The server name is both the SNI and the name the certificate must carry. */
	if (!br_ssl_client_reset(&t->sc, host, 0))
		return tls_fail(t, "handshake", err, errlen);
	br_sslio_init(&t->io, &t->sc.eng, tls_low_read, t, tls_low_write, t);
	/* Flushing with nothing to send drives the handshake to completion. */
	if (br_sslio_flush(&t->io) < 0)
		return tls_fail(t, "handshake", err, errlen);
	return 0;
}

/* see tls_client.h */
ssize_t net_tls_read(struct net_tls *t, void *buf, size_t len, char *err, size_t errlen)
{
	int n = br_sslio_read(&t->io, buf, len);
	int code;

	if (n > 0)
		return n;
	code = br_ssl_engine_last_error(&t->sc.eng);
	/* close_notify, or a bare TCP close (common: many servers skip close_notify). The HTTP layer
	 * knows from Content-Length/chunking whether the body was complete. */
	if (code == BR_ERR_OK || (code == BR_ERR_IO && t->tcp_eof))
		return 0;
	return tls_fail(t, "read", err, errlen);
}

/* see tls_client.h */
int net_tls_write_all(struct net_tls *t, const void *buf, size_t len, char *err, size_t errlen)
{
	if (br_sslio_write_all(&t->io, buf, len) < 0 || br_sslio_flush(&t->io) < 0)
		return tls_fail(t, "write", err, errlen);
	return 0;
}
