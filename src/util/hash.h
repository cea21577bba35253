/*
 * util/hash.h — SHA-256 (BearSSL's) as lowercase hex, and random bytes from the kernel.
 */
#ifndef CHELA_UTIL_HASH_H
#define CHELA_UTIL_HASH_H

#include <stddef.h>

#define HASH_SHA256_HEX_LEN 64

/* out must hold HASH_SHA256_HEX_LEN + 1 bytes. */
void hash_sha256_hex(const void *data, size_t len, char *out);
/* Fill buf from getrandom(2); returns 0 / -1. */
int hash_random_bytes(void *buf, size_t len);

#endif
