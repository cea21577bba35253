/*
 * config/json5.c — JSON5 → cJSON (see json5.h).
 *
 * A recursive-descent reader over (text, len) with an explicit depth counter. Every failure
 * path records the first error (sticky) with line and column and unwinds, freeing what was
 * built; nothing in the input can make it read past len or recurse past JSON5_MAX_DEPTH.
 */
#include "config/json5.h"

#include "util/buf.h"
#include "util/err.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct json5_reader {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	int failed;
	char *err;
	size_t errlen;
};

static int json5_fail(struct json5_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error only: later ones are consequences of it. */
static int json5_fail(struct json5_reader *r, const char *fmt, ...)
{
	char what[256];
	size_t i, line = 1, col = 1;
	va_list ap;

	if (r->failed)
		return -1;
	r->failed = 1;
	for (i = 0; i < r->pos && i < r->len; i++) {
		if (r->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return err_set(r->err, r->errlen, "json5: line %zu, column %zu: %s", line, col, what);
}

static int peek(const struct json5_reader *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int peek_at(const struct json5_reader *r, size_t off)
{
	return r->pos + off < r->len ? (unsigned char)r->s[r->pos + off] : -1;
}

/* Whitespace (including U+00A0, U+FEFF, U+2028/9 as UTF-8) and both comment forms. */
static int skip_space(struct json5_reader *r)
{
	for (;;) {
		int c = peek(r);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			r->pos++;
		} else if (c == 0xC2 && peek_at(r, 1) == 0xA0) {
			r->pos += 2;
		} else if (c == 0xEF && peek_at(r, 1) == 0xBB && peek_at(r, 2) == 0xBF) {
			r->pos += 3;
		} else if (c == 0xE2 && peek_at(r, 1) == 0x80 && (peek_at(r, 2) == 0xA8 || peek_at(r, 2) == 0xA9)) {
			r->pos += 3;
		} else if (c == '/' && peek_at(r, 1) == '/') {
			while (r->pos < r->len && r->s[r->pos] != '\n')
				r->pos++;
		} else if (c == '/' && peek_at(r, 1) == '*') {
			size_t start = r->pos;

			r->pos += 2;
			while (r->pos + 1 < r->len && !(r->s[r->pos] == '*' && r->s[r->pos + 1] == '/'))
				r->pos++;
			if (r->pos + 1 >= r->len) {
				r->pos = start;
				return json5_fail(r, "unterminated /* comment");
			}
			r->pos += 2;
		} else {
			return 0;
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex(struct json5_reader *r, int digits, unsigned long *out)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < digits; i++) {
		int h = hexval(peek(r));

		if (h < 0)
			return json5_fail(r, "expected %d hex digits in escape", digits);
		v = v * 16 + (unsigned long)h;
		r->pos++;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80) {
		buf_putc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 4);
	}
}

/* \uXXXX, joining a surrogate pair; a lone surrogate becomes U+FFFD rather than bad UTF-8. */
static int read_u_escape(struct json5_reader *r, struct buf *b)
{
	unsigned long cp, lo;

	if (read_hex(r, 4, &cp) < 0)
		return -1;
	if (cp >= 0xD800 && cp <= 0xDBFF && peek(r) == '\\' && peek_at(r, 1) == 'u') {
		size_t save = r->pos;

		r->pos += 2;
		if (read_hex(r, 4, &lo) < 0)
			return -1;
		if (lo >= 0xDC00 && lo <= 0xDFFF)
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		else
			r->pos = save;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	put_utf8(b, cp);
	return 0;
}

static int read_escape(struct json5_reader *r, struct buf *b)
{
	int c = peek(r);
	unsigned long v;

	r->pos++;
	switch (c) {
	case 'b': return buf_putc(b, '\b');
	case 'f': return buf_putc(b, '\f');
	case 'n': return buf_putc(b, '\n');
	case 'r': return buf_putc(b, '\r');
	case 't': return buf_putc(b, '\t');
	case 'v': return buf_putc(b, '\v');
	case '0':
		if (peek(r) >= '0' && peek(r) <= '9')
			return json5_fail(r, "octal escapes are not JSON5");
		return json5_fail(r, "\\0 (NUL) is not allowed in a config string");
	case 'x':
		if (read_hex(r, 2, &v) < 0)
			return -1;
		if (v == 0)
			return json5_fail(r, "\\x00 (NUL) is not allowed in a config string");
		put_utf8(b, v);
		return 0;
	case 'u': return read_u_escape(r, b);
	case '\r':
		if (peek(r) == '\n')
			r->pos++;
		return 0; /* line continuation */
	case '\n': return 0;
	case -1: return json5_fail(r, "unterminated string");
	default:
		if (c >= '1' && c <= '9')
			return json5_fail(r, "digit escapes are not JSON5");
		return buf_putc(b, (char)c); /* \" \' \\ \/ and any other character stand for themselves */
	}
}

/* A quoted string ('...' or "..."): returns a malloc'd C string or NULL. */
static char *read_string(struct json5_reader *r)
{
	int quote = peek(r);
	struct buf b;

	buf_init(&b, JSON5_MAX_STRING);
	r->pos++;
	for (;;) {
		int c = peek(r);

		if (c == -1 || c == '\n' || c == '\r') {
			json5_fail(r, "unterminated string (strings end on the same line; use \\n)");
			goto fail;
		}
		r->pos++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (read_escape(r, &b) < 0 && r->failed)
				goto fail;
		} else if (c == 0) {
			json5_fail(r, "NUL byte in a string");
			goto fail;
		} else {
			buf_putc(&b, (char)c);
		}
		if (b.overflow) {
			json5_fail(r, "string longer than %d bytes", JSON5_MAX_STRING);
			goto fail;
		}
	}
	if (b.data == NULL)
		return strdup("");
	return buf_take(&b);
fail:
	buf_free(&b);
	return NULL;
}

static int ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

static int ident_part(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* An unquoted key: ECMAScript identifier characters (non-ASCII taken as-is). */
static char *read_ident(struct json5_reader *r)
{
	size_t start = r->pos;
	char *s;

	while (ident_part(peek(r)) && r->pos - start < JSON5_MAX_STRING)
		r->pos++;
	s = malloc(r->pos - start + 1);
	if (s == NULL) {
		json5_fail(r, "out of memory");
		return NULL;
	}
	memcpy(s, r->s + start, r->pos - start);
	s[r->pos - start] = '\0';
	return s;
}

static int match_word(struct json5_reader *r, const char *w)
{
	size_t n = strlen(w);

	if (r->pos + n > r->len || memcmp(r->s + r->pos, w, n) != 0 || ident_part(peek_at(r, n)))
		return 0;
	r->pos += n;
	return 1;
}

static cJSON *read_number(struct json5_reader *r)
{
	char tmp[128];
	size_t start = r->pos, n;
	double sign = 1, v;
	char *end;

	if (peek(r) == '+' || peek(r) == '-') {
		sign = peek(r) == '-' ? -1 : 1;
		r->pos++;
	}
	if (match_word(r, "Infinity"))
		return cJSON_CreateNumber(sign * INFINITY);
	if (match_word(r, "NaN"))
		return cJSON_CreateNumber(NAN);
	if (peek(r) == '0' && (peek_at(r, 1) == 'x' || peek_at(r, 1) == 'X')) {
		unsigned long long h = 0;
		int digits = 0;

		r->pos += 2;
		while (hexval(peek(r)) >= 0) {
			if (++digits > 15)
				return json5_fail(r, "hex number too large"), NULL;
			h = h * 16 + (unsigned long long)hexval(peek(r));
			r->pos++;
		}
		if (digits == 0)
			return json5_fail(r, "expected hex digits after 0x"), NULL;
		return cJSON_CreateNumber(sign * (double)h);
	}
	while (r->pos < r->len && r->s[r->pos] != '\0' && strchr("0123456789.eE+-", r->s[r->pos]) != NULL && r->pos - start < sizeof tmp - 1) {
		if ((r->s[r->pos] == '+' || r->s[r->pos] == '-') && r->s[r->pos - 1] != 'e' && r->s[r->pos - 1] != 'E')
			break;
		r->pos++;
	}
	n = r->pos - start;
	memcpy(tmp, r->s + start, n);
	tmp[n] = '\0';
	v = strtod(tmp[0] == '+' ? tmp + 1 : tmp, &end);
	if (n == 0 || *end != '\0' || end == tmp || ident_part(peek(r))) {
		r->pos = start;
		return json5_fail(r, "bad number \"%.40s\"", tmp), NULL;
	}
	return cJSON_CreateNumber(v);
}

static cJSON *read_value(struct json5_reader *r);

/* Adds or, for a repeated key, replaces (JSON5: the last one wins). Takes ownership of item. */
static void object_put(cJSON *obj, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

static cJSON *read_object(struct json5_reader *r)
{
	cJSON *obj = cJSON_CreateObject();
	char *key = NULL;

	r->pos++; /* { */
	for (;;) {
		cJSON *v;
		int c;

		if (skip_space(r) < 0)
			goto fail;
		c = peek(r);
		if (c == '}') {
			r->pos++;
			return obj;
		}
		if (c == '"' || c == '\'')
			key = read_string(r);
		else if (ident_start(c))
			key = read_ident(r);
		else {
			json5_fail(r, c == -1 ? "unterminated object (missing '}')" : "expected a key or '}'");
			goto fail;
		}
		if (key == NULL || skip_space(r) < 0)
			goto fail;
		if (peek(r) != ':') {
			json5_fail(r, "expected ':' after key \"%.64s\"", key);
			goto fail;
		}
		r->pos++;
		if ((v = read_value(r)) == NULL)
			goto fail;
		object_put(obj, key, v);
		free(key);
		key = NULL;
		if (skip_space(r) < 0)
			goto fail;
		if (peek(r) == ',')
			r->pos++;
		else if (peek(r) != '}') {
			json5_fail(r, peek(r) == -1 ? "unterminated object (missing '}')" : "expected ',' or '}' in object");
			goto fail;
		}
	}
fail:
	free(key);
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *read_array(struct json5_reader *r)
{
	cJSON *arr = cJSON_CreateArray();

	r->pos++; /* [ */
	for (;;) {
		cJSON *v;

		if (skip_space(r) < 0)
			goto fail;
		if (peek(r) == ']') {
			r->pos++;
			return arr;
		}
		if ((v = read_value(r)) == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, v);
		if (skip_space(r) < 0)
			goto fail;
		if (peek(r) == ',')
			r->pos++;
		else if (peek(r) != ']') {
			json5_fail(r, peek(r) == -1 ? "unterminated array (missing ']')" : "expected ',' or ']' in array");
			goto fail;
		}
	}
fail:
	cJSON_Delete(arr);
	return NULL;
}

static cJSON *read_value(struct json5_reader *r)
{
	cJSON *v = NULL;
	int c;

	if (skip_space(r) < 0)
		return NULL;
	c = peek(r);
	if (c == '{' || c == '[') {
		if (++r->depth > JSON5_MAX_DEPTH)
			return json5_fail(r, "nested deeper than %d levels", JSON5_MAX_DEPTH), NULL;
		v = c == '{' ? read_object(r) : read_array(r);
		r->depth--;
		return v;
	}
	if (c == '"' || c == '\'') {
		char *s = read_string(r);

		if (s == NULL)
			return NULL;
		v = cJSON_CreateString(s);
		free(s);
		return v;
	}
	if (match_word(r, "null"))
		return cJSON_CreateNull();
	if (match_word(r, "true"))
		return cJSON_CreateTrue();
	if (match_word(r, "false"))
		return cJSON_CreateFalse();
	if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || c == 'I' || c == 'N')
		return read_number(r);
	json5_fail(r, c == -1 ? "unexpected end of input, expected a value" : "unexpected character '%c', expected a value",
		   c >= 0x20 && c < 0x7f ? c : '?');
	return NULL;
}

/* see json5.h */
cJSON *json5_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct json5_reader r = {text, len, 0, 0, 0, err, errlen};
	cJSON *root;

	if (len > JSON5_MAX_BYTES) {
		err_set(err, errlen, "json5: input is %zu bytes; the limit is %d", len, JSON5_MAX_BYTES);
		return NULL;
	}
	root = read_value(&r);
	if (root == NULL) {
		if (!r.failed)
			json5_fail(&r, "out of memory");
		return NULL;
	}
	if (skip_space(&r) < 0 || r.pos != r.len) {
		json5_fail(&r, "unexpected text after the end of the value");
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
