/*
 * config/json5.h — a JSON5 reader that builds a cJSON tree (for `chela config import`).
 *
 * Contract:
 *   - json5_parse() reads (text, len) — no I/O, no NUL terminator needed — and accepts JSON plus
 *     the JSON5 extensions OpenClaw configs use: // and block comments, trailing commas in
 *     objects and arrays, unquoted identifier keys, single-quoted strings, \x and line-continuation
 *     escapes, hexadecimal numbers, leading/trailing decimal points, an explicit + sign,
 *     Infinity and NaN. A repeated key keeps the last value (as JSON5 says).
 *   - Hard caps: input size (JSON5_MAX_BYTES), nesting depth (JSON5_MAX_DEPTH), one string's
 *     length (JSON5_MAX_STRING). Past a cap the parse fails; it never recurses unbounded.
 *   - Returns a cJSON tree the caller frees with cJSON_Delete(), or NULL with one sentence in
 *     err naming the line and column: "json5: line 4, column 9: expected ':' after key \"port\"".
 */
#ifndef CHELA_CONFIG_JSON5_H
#define CHELA_CONFIG_JSON5_H

#include <stddef.h>

#include <cJSON.h>

#define JSON5_MAX_BYTES  (1024 * 1024) /* same bound as a chela INI file */
#define JSON5_MAX_DEPTH  64
#define JSON5_MAX_STRING (64 * 1024)

cJSON *json5_parse(const char *text, size_t len, char *err, size_t errlen);

#endif
