/* test/fuzz/fuzz_ws.c — the WebSocket frame decoder, message reassembly and UTF-8 validation.
 *
 * Byte 0: bit 7 chooses the mode, the low bits the feed size; byte 1 the caps.
 * - "wire" mode: the rest is what a client sent. It is decoded the way the gateway does (append
 *   what arrived, take events until more is needed, drop what was consumed), once in pieces and
 *   once in one go; both must produce the same events and fail alike. Each event is checked:
 *   a known opcode, control payloads within 125 bytes, messages within the cap, text that an
 *   independent UTF-8 checker accepts, a valid close code.
 * - "round trip" mode: the rest describes messages (type, fragment count, payload) that are
 *   encoded as masked client frames with pings between fragments; decoding must give back
 *   each message whole, the pings in their place, and 1007 exactly for text that is not UTF-8.
 * Both modes also compare ws_utf8_valid() against the independent checker and check that
 * ws_close_payload() never cuts a character in half. */
#include "net/ws.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)
#define MAX_EVENTS 64

/* Decode code points and check the ranges — written independently of ws.c's lead-byte table. */
static int ref_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t need, k;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0) {
			need = 1;
			cp = s[i] & 0x1F;
		} else if ((s[i] & 0xF0) == 0xE0) {
			need = 2;
			cp = s[i] & 0x0F;
		} else if ((s[i] & 0xF8) == 0xF0) {
			need = 3;
			cp = s[i] & 0x07;
		} else {
			return 0;
		}
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000))
			return 0;
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

struct trace {
	int n;
	int op[MAX_EVENTS], code[MAX_EVENTS];
	size_t len[MAX_EVENTS];
	uint32_t hash[MAX_EVENTS];
	int failed, fail_code;
};

static uint32_t fnv(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void check_event(const struct ws_reader *r, const struct ws_event *ev)
{
	switch (ev->opcode) {
	case WS_OP_TEXT:
		CHECK(ref_utf8(ev->data, ev->len));
		/* fall through */
	case WS_OP_BINARY:
		CHECK(ev->len <= r->max_message);
		break;
	case WS_OP_PING:
	case WS_OP_PONG:
		CHECK(ev->len <= WS_CONTROL_PAYLOAD_MAX);
		break;
	case WS_OP_CLOSE:
		CHECK(ev->len <= WS_CLOSE_REASON_MAX);
		CHECK(ev->close_code == WS_CLOSE_NO_STATUS || (ev->close_code >= 1000 && ev->close_code < 5000));
		CHECK(ref_utf8(ev->data, ev->len));
		break;
	default:
		__builtin_trap();
	}
	CHECK(ev->len == 0 || ev->data != NULL);
}

/* Decode wire[0..n) arriving step bytes at a time, as the gateway's connection loop does. */
static void decode(const unsigned char *wire, size_t n, size_t step, size_t max_frame, size_t max_msg,
		   struct trace *t)
{
	struct ws_reader r;
	unsigned char *conn = malloc(n + 1);
	size_t have = 0, off = 0;
	char err[256];

	memset(t, 0, sizeof *t);
	ws_reader_init(&r, max_frame, max_msg);
	while (off < n && !t->failed && t->n < MAX_EVENTS) {
		size_t k = n - off < step ? n - off : step;

		memcpy(conn + have, wire + off, k);
		have += k;
		off += k;
		while (t->n < MAX_EVENTS) {
			struct ws_event ev;
			size_t used = 0;
			int rc = ws_reader_next(&r, conn, have, &used, &ev, err, sizeof err);

			CHECK(used <= have);
			if (rc < 0) {
				CHECK(err[0] != 0);
				CHECK(ev.close_code == WS_CLOSE_PROTOCOL || ev.close_code == WS_CLOSE_BAD_DATA ||
				      ev.close_code == WS_CLOSE_TOO_BIG || ev.close_code == WS_CLOSE_UNSUPPORTED);
				t->failed = 1;
				t->fail_code = ev.close_code;
				break;
			}
			if (rc == 1) {
				check_event(&r, &ev);
				t->op[t->n] = ev.opcode;
				t->code[t->n] = ev.close_code;
				t->len[t->n] = ev.len;
				t->hash[t->n] = fnv(ev.data, ev.len);
				t->n++;
			}
			memmove(conn, conn + used, have - used);
			have -= used;
			if (rc == 0)
				break;
		}
	}
	ws_reader_free(&r);
	free(conn);
}

static void wire_mode(const unsigned char *p, size_t n, size_t step, size_t max_frame, size_t max_msg)
{
	struct trace a, b;
	int i;

	decode(p, n, step, max_frame, max_msg, &a);
	decode(p, n, n ? n : 1, max_frame, max_msg, &b);
	/* In pieces the event cap may stop the run earlier; compare what both saw. */
	if (a.n < MAX_EVENTS && b.n < MAX_EVENTS) {
		CHECK(a.n == b.n && a.failed == b.failed);
		if (a.failed)
			CHECK(a.fail_code == b.fail_code);
	}
	for (i = 0; i < a.n && i < b.n; i++)
		CHECK(a.op[i] == b.op[i] && a.len[i] == b.len[i] && a.hash[i] == b.hash[i] && a.code[i] == b.code[i]);
}

/* Append one masked client frame. */
static size_t put_frame(unsigned char *out, int op, int fin, const unsigned char *pl, size_t len,
			const unsigned char mask[4])
{
	size_t h = ws_frame_header_write(out, op, fin, len), i;

	out[1] |= 0x80;
	memcpy(out + h, mask, 4);
	for (i = 0; i < len; i++)
		out[h + 4 + i] = pl[i] ^ mask[i & 3];
	return h + 4 + len;
}

static void round_trip(const unsigned char *p, size_t n, size_t step)
{
	unsigned char *wire = malloc(n * 40 + 64);
	struct trace want, got;
	size_t i = 0, w = 0;
	const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	int expect_fail = 0, k;

	memset(&want, 0, sizeof want);
	while (i + 2 <= n && want.n < MAX_EVENTS - 4 && !expect_fail) {
		int text = p[i] & 1, nfrag = (p[i] >> 1 & 3) + 1, ping = p[i] >> 3 & 1;
		size_t len = p[i + 1], done = 0;

		i += 2;
		if (len > n - i)
			len = n - i;
		for (k = 0; k < nfrag; k++) {
			size_t part = k == nfrag - 1 ? len - done : len / (size_t)nfrag;

			w += put_frame(wire + w, k == 0 ? (text ? WS_OP_TEXT : WS_OP_BINARY) : WS_OP_CONT,
				       k == nfrag - 1, p + i + done, part, mask);
			done += part;
			if (ping && k < nfrag - 1) { /* a control frame between fragments */
				w += put_frame(wire + w, WS_OP_PING, 1, p + i, len < 10 ? len : 10, mask);
				want.op[want.n] = WS_OP_PING;
				want.len[want.n] = len < 10 ? len : 10;
				want.hash[want.n] = fnv(p + i, want.len[want.n]);
				want.n++;
			}
		}
		if (text && !ref_utf8(p + i, len)) {
			expect_fail = 1;
		} else {
			want.op[want.n] = text ? WS_OP_TEXT : WS_OP_BINARY;
			want.len[want.n] = len;
			want.hash[want.n++] = fnv(p + i, len);
		}
		i += len;
	}
	decode(wire, w, step, 1 << 16, 1 << 20, &got);
	CHECK(got.n == want.n);
	CHECK(got.failed == expect_fail);
	if (expect_fail)
		CHECK(got.fail_code == WS_CLOSE_BAD_DATA);
	for (k = 0; k < want.n; k++)
		CHECK(got.op[k] == want.op[k] && got.len[k] == want.len[k] && got.hash[k] == want.hash[k]);
	free(wire);
}

static void utf8_checks(const unsigned char *p, size_t n)
{
	unsigned char out[WS_CONTROL_PAYLOAD_MAX];
	char *reason;
	size_t m;

	CHECK(ws_utf8_valid(p, n) == ref_utf8(p, n));
	reason = malloc(n + 1);
	memcpy(reason, p, n);
	reason[n] = 0;
	m = ws_close_payload(out, 1000, reason);
	CHECK(m >= 2 && m <= WS_CONTROL_PAYLOAD_MAX);
	if (ref_utf8((const unsigned char *)reason, strlen(reason)))
		CHECK(ref_utf8(out + 2, m - 2));
	free(reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step, max_frame, max_msg;

	if (size < 2)
		return 0;
	step = (data[0] & 0x3f) + 1;
	if (data[0] & 0x40)
		step = size;
	max_frame = (data[1] & 1) ? 16 : 1 << 16;
	max_msg = (data[1] & 2) ? 32 : 1 << 20;
	if (data[0] & 0x80)
		round_trip(data + 2, size - 2, step);
	else
		wire_mode(data + 2, size - 2, step, max_frame, max_msg);
	utf8_checks(data + 2, size - 2);
	return 0;
}
