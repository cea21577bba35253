/*
 * net/tls_anchors.c — PEM CA bundle → BearSSL trust anchors (see tls_client.h).
 *
 * Each "CERTIFICATE" object is decoded (PEM → DER → X.509) and its subject DN and public key are
 * copied into a br_x509_trust_anchor. Certificates BearSSL cannot use (unsupported key types)
 * are skipped and counted; a bundle with no usable anchor is an error. Bundles are cached per
 * path (and mtime) for the life of the process: the system bundle holds ~150 certificates and
 * decoding it on every request would cost more than the request.
 */
#include "net/tls_client.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#define TLS_ANCHORS_CACHE_MAX 8

struct net_tls_anchors {
	br_x509_trust_anchor *ta;
	size_t n;
	size_t skipped;
};

static int der_append(void *ctx, const void *data, size_t len)
{
	(void)buf_append(ctx, data, len);
	return 0;
}

static void pem_dest(void *ctx, const void *data, size_t len)
{
	(void)buf_append(ctx, data, len);
}

static void dn_dest(void *ctx, const void *data, size_t len)
{
	(void)der_append(ctx, data, len);
}

static void *dup_bytes(const void *p, size_t n)
{
	void *q = xmalloc(n ? n : 1);

	memcpy(q, p, n);
	return q;
}

/* One DER certificate → one anchor appended to a; 0 added, -1 skipped (not usable). */
static int anchor_add(struct net_tls_anchors *a, const unsigned char *der, size_t len)
{
	br_x509_decoder_context dc;
	struct buf dn;
	const br_x509_pkey *pk;
	br_x509_trust_anchor ta;
	int rc = -1;

	buf_init(&dn, 64 * 1024);
	br_x509_decoder_init(&dc, dn_dest, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL || dn.overflow)
		goto out;
	memset(&ta, 0, sizeof ta);
	ta.flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	switch (pk->key_type) {
	case BR_KEYTYPE_RSA:
		ta.pkey.key_type = BR_KEYTYPE_RSA;
		ta.pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta.pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta.pkey.key.rsa.elen = pk->key.rsa.elen;
		break;
	case BR_KEYTYPE_EC:
		ta.pkey.key_type = BR_KEYTYPE_EC;
		ta.pkey.key.ec.curve = pk->key.ec.curve;
		ta.pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta.pkey.key.ec.qlen = pk->key.ec.qlen;
		break;
	default:
		goto out;
	}
	ta.dn.data = dup_bytes(dn.data ? dn.data : "", dn.len);
	ta.dn.len = dn.len;
	a->ta = xrealloc(a->ta, (a->n + 1) * sizeof *a->ta);
	a->ta[a->n++] = ta;
	rc = 0;
out:
	buf_free(&dn);
	return rc;
}

/* see tls_client.h */
struct net_tls_anchors *net_tls_anchors_parse(const char *pem, size_t len, const char *name, char *err, size_t errlen)
{
	struct net_tls_anchors *a = xcalloc(1, sizeof *a);
	br_pem_decoder_context pc;
	struct buf der;
	int in_cert = 0, pass;

	buf_init(&der, TLS_CERT_MAX_BYTES);
	br_pem_decoder_init(&pc);
	/* The decoder only sees an END line once the newline after it arrives: push one extra. */
	for (pass = 0; pass < 2; pass++) {
		const char *p = pass == 0 ? pem : "\n";
		size_t left = pass == 0 ? len : 1;

		while (left > 0) {
			size_t n = br_pem_decoder_push(&pc, p, left);

			p += n;
			left -= n;
			switch (br_pem_decoder_event(&pc)) {
			case BR_PEM_BEGIN_OBJ:
				in_cert = strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") == 0 ||
					  strcmp(br_pem_decoder_name(&pc), "X509 CERTIFICATE") == 0;
				buf_reset(&der);
				der.overflow = 0;
				br_pem_decoder_setdest(&pc, in_cert ? pem_dest : NULL, in_cert ? &der : NULL);
				break;
			case BR_PEM_END_OBJ:
				if (in_cert && (der.overflow || anchor_add(a, (unsigned char *)der.data, der.len) < 0))
					a->skipped++;
				in_cert = 0;
				break;
			case BR_PEM_ERROR:
				err_set(err, errlen, "tls: %s: malformed PEM (certificate %zu)", name, a->n + a->skipped + 1);
				goto fail;
			default:
				break;
			}
		}
	}
	if (a->n == 0) {
		err_set(err, errlen, "tls: %s: no usable CA certificate in the file (%zu skipped)", name, a->skipped);
		goto fail;
	}
	buf_free(&der);
	return a;
fail:
	buf_free(&der);
	net_tls_anchors_free(a);
	return NULL;
}

/* see tls_client.h */
void net_tls_anchors_free(struct net_tls_anchors *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->ta[i].dn.data);
		if (a->ta[i].pkey.key_type == BR_KEYTYPE_RSA) {
			free(a->ta[i].pkey.key.rsa.n);
			free(a->ta[i].pkey.key.rsa.e);
		} else {
			free(a->ta[i].pkey.key.ec.q);
		}
	}
	free(a->ta);
	free(a);
}

/* see tls_client.h */
size_t net_tls_anchors_count(const struct net_tls_anchors *a)
{
	return a ? a->n : 0;
}

/* see tls_client.h */
const br_x509_trust_anchor *net_tls_anchors_array(const struct net_tls_anchors *a)
{
	return a->ta;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *path;
	struct timespec mtime;
	off_t size;
	struct net_tls_anchors *a;
} cache[TLS_ANCHORS_CACHE_MAX];

/* see tls_client.h */
const struct net_tls_anchors *net_tls_anchors_get(const char *path, char *err, size_t errlen)
{
	struct net_tls_anchors *a = NULL;
	struct stat st;
	char *pem = NULL;
	size_t len = 0;
	int i, slot = -1;

	if (stat(path, &st) < 0) {
		err_set(err, errlen, "tls: ca_file %s: %s", path, strerror(errno));
		return NULL;
	}
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < TLS_ANCHORS_CACHE_MAX; i++) {
		if (cache[i].path && strcmp(cache[i].path, path) == 0) {
			if (cache[i].mtime.tv_sec == st.st_mtim.tv_sec && cache[i].mtime.tv_nsec == st.st_mtim.tv_nsec &&
			    cache[i].size == st.st_size) {
				a = cache[i].a;
				goto out;
			}
			slot = i; /* changed on disk: reload into the same slot (the old set is leaked on
				   * purpose, a connection on another thread may still use it) */
			break;
		}
		if (cache[i].path == NULL && slot < 0)
			slot = i;
	}
	if (fs_read_file(path, TLS_CA_FILE_MAX_BYTES, &pem, &len, err, errlen) < 0)
		goto out;
	a = net_tls_anchors_parse(pem, len, path, err, errlen);
	if (a && slot >= 0) {
		free(cache[slot].path);
		cache[slot].path = xstrdup(path);
		cache[slot].mtime = st.st_mtim;
		cache[slot].size = st.st_size;
		cache[slot].a = a;
	}
	/* Cache full: the set is kept anyway (leaked) because the caller holds no free duty. */
out:
	pthread_mutex_unlock(&cache_lock);
	free(pem);
	return a;
}
