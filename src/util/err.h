/*
 * util/err.h — the error contract shared by every module.
 *
 * Fallible functions return 0 on success and -1 on failure (or NULL), and write one sentence a
 * user can act on into a caller-supplied buffer: "what: where: why". err_set() formats into
 * that buffer (truncating safely, never overflowing) and returns -1 so a failure path can be a
 * single `return err_set(...)`. A NULL buffer is allowed and means "caller does not care".
 */
#ifndef CHELA_UTIL_ERR_H
#define CHELA_UTIL_ERR_H

#include <stddef.h>

#define ERR_LEN 512 /* size callers should give their error buffers */

int err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix an existing message in place: "prefix: old message". Returns -1. */
int err_prefix(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
