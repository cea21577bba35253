/*
 * util/str.h — small string helpers used across modules.
 *
 * Contract: pure functions over NUL-terminated strings; no I/O. Functions returning char *
 * return memory the caller frees.
 */
#ifndef CHELA_UTIL_STR_H
#define CHELA_UTIL_STR_H

#include <stddef.h>

/* Trim ASCII whitespace in place; returns s advanced past leading space. */
char *str_trim(char *s);
int str_starts_with(const char *s, const char *prefix);
int str_ends_with(const char *s, const char *suffix);
/* Constant-time comparison of two byte strings (length leaks, content does not). */
int str_ct_equal(const char *a, const char *b);
/* Glob match supporting '*' (any run) and '?' (one char). */
int str_glob_match(const char *pattern, const char *s);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void str_hex(const unsigned char *in, size_t n, char *out);
/* Append s to out as a JSON string literal with quotes (out must hold 6*strlen+3). Returns len. */
size_t str_json_quote(const char *s, char *out, size_t outlen);

#endif
