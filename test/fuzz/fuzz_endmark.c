/* test/fuzz/fuzz_endmark.c — the end-of-command scanner of the pooled shell (docker_endmark.c).
 *
 * Byte 0: bit 7 picks stdout (marker + status) or stderr form, bits 0-5 the feed size. The rest
 * is the stream, where byte 0xff stands for the whole marker and 0xfe for a prefix of it, so
 * near-misses and real markers are common. Oracle: a plain search over the whole stream —
 * the output must be exactly the bytes before the first marker (everything when there is none),
 * done must agree, and the status must be the 1-3 digits before an optional '+' and a newline,
 * else -1 (and no '+'). */
#include "docker/docker_endmark.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define NONCE "5c0ffee5c0ffee5c0ffee5c0ffee5c0c"

struct out {
	char *data;
	size_t len, cap;
};

static void emit(void *ctx, const char *data, size_t len)
{
	struct out *o = ctx;

	CHECK(o->len + len <= o->cap);
	memcpy(o->data + o->len, data, len);
	o->len += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct endmark m;
	struct out got;
	char mark[ENDMARK_MAX + 1], *s, *hit;
	size_t step, n = 0, i, mlen, off = 0;
	int with_status, want_done = 0, want_status = -1, want_leftover = 0;

	if (size < 1)
		return 0;
	with_status = data[0] >> 7;
	step = (data[0] & 0x3f) + 1;
	endmark_init(&m, NONCE, with_status);
	memcpy(mark, m.marker, m.mlen + 1);
	mlen = m.mlen;
	s = malloc(size * (mlen + 1) + 1);
	for (i = 1; i < size; i++) {
		if (data[i] == 0xff) {
			memcpy(s + n, mark, mlen);
			n += mlen;
		} else if (data[i] == 0xfe) {
			memcpy(s + n, mark, mlen / 2);
			n += mlen / 2;
		} else {
			s[n++] = (char)data[i];
		}
	}
	got.data = malloc(n + 1);
	got.len = 0;
	got.cap = n;
	while (off < n) {
		size_t k = n - off < step ? n - off : step;

		endmark_feed(&m, s + off, k, emit, &got);
		off += k;
	}
	if (!m.done)
		endmark_flush(&m, emit, &got);

	hit = memmem(s, n, mark, mlen);
	if (hit == NULL) {
		CHECK(got.len == n && memcmp(got.data, s, n) == 0);
	} else {
		const char *p = hit + mlen, *end = s + n;
		int digits = 0, v = 0;

		CHECK(got.len == (size_t)(hit - s) && memcmp(got.data, s, got.len) == 0);
		if (!with_status) {
			want_done = 1;
		} else {
			while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
				v = v * 10 + (*p++ - '0');
				digits++;
			}
			if (p < end && *p == '+' && digits > 0) {
				want_leftover = 1;
				p++;
			}
			if (p < end) {
				want_done = 1;
				want_status = (*p == '\n' && digits > 0) ? v : -1;
				if (want_status < 0)
					want_leftover = 0;
			} else {
				want_leftover = 0; /* not known yet: only a complete line counts */
			}
		}
	}
	CHECK(m.done == want_done);
	if (want_done && with_status)
		CHECK(m.status == want_status && m.leftover == want_leftover);
	free(s);
	free(got.data);
	return 0;
}
