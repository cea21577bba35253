/*
 * net/tls_client.h — a TLS 1.2 client over a connected TCP socket (BearSSL), and the trust
 * anchors it verifies servers against.
 *
 * Contract:
 *   - Trust anchors come from a PEM CA bundle (`ca_file`, default TLS_DEFAULT_CA_FILE).
 *     net_tls_anchors_get() caches each bundle for the process lifetime (the caller never frees
 *     it); net_tls_anchors_parse() is the pure decoder (caller frees), for tests and fuzzing.
 *   - net_tls_start() runs the handshake with SNI = host, verifies the chain against the anchors
 *     and the certificate's names against host (br_x509_minimal), offering only TLS 1.2 with
 *     ECDHE and AES-GCM or ChaCha20-Poly1305. A verification failure is a NET_ERR_FATAL with a
 *     sentence naming the host and the reason ("certificate ... does not match host x").
 *   - The struct net_tls is large (~40 KiB: the record buffers live inside it); allocate it on
 *     the heap. It does not own the fd. All I/O honours the struct net_wait given at start.
 */
#ifndef CHELA_NET_TLS_CLIENT_H
#define CHELA_NET_TLS_CLIENT_H

#include <bearssl.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/tcp.h"
#include "util/err.h"

#define TLS_DEFAULT_CA_FILE    "/etc/ssl/certs/ca-certificates.crt"
#define TLS_CA_FILE_MAX_BYTES  (4 * 1024 * 1024) /* a CA bundle larger than this is refused */
#define TLS_CERT_MAX_BYTES     (64 * 1024)       /* one DER certificate */
#define TLS_HOST_MAX           255

struct net_tls_anchors;

struct net_tls_anchors *net_tls_anchors_parse(const char *pem, size_t len, const char *name, char *err, size_t errlen);
void net_tls_anchors_free(struct net_tls_anchors *a);
const struct net_tls_anchors *net_tls_anchors_get(const char *path, char *err, size_t errlen);
size_t net_tls_anchors_count(const struct net_tls_anchors *a);
const br_x509_trust_anchor *net_tls_anchors_array(const struct net_tls_anchors *a);

struct net_tls {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	br_sslio_context io;
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	int fd;
	struct net_wait *w;
	int tcp_eof;           /* the peer closed the TCP stream */
	char host[TLS_HOST_MAX + 1];
	char ioerr[ERR_LEN];   /* the socket-level reason when BearSSL only says "I/O error" */
};

/* Handshake over fd (already connected). 0 / -1 + err; w->kind says if a retry may help. */
int net_tls_start(struct net_tls *t, int fd, const char *host, const struct net_tls_anchors *anchors,
		  struct net_wait *w, char *err, size_t errlen);
/* >0 bytes, 0 end of stream (close_notify or TCP EOF), -1 error. */
ssize_t net_tls_read(struct net_tls *t, void *buf, size_t len, char *err, size_t errlen);
/* Write everything and flush it to the socket. */
int net_tls_write_all(struct net_tls *t, const void *buf, size_t len, char *err, size_t errlen);

#endif
