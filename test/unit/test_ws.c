/* test/unit/test_ws.c — the WebSocket codec: RFC 6455 vectors, frame rules, UTF-8. */
#include "harness.h"
#include "net/ws.h"
#include "util/err.h"

#include <string.h>

/* Build a masked client frame into out; returns its length. */
static size_t client_frame(unsigned char *out, int b0, const char *payload, size_t n)
{
	static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	size_t h = 2, i;

	out[0] = (unsigned char)b0;
	if (n < 126) {
		out[1] = (unsigned char)(0x80 | n);
	} else {
		out[1] = 0x80 | 126;
		out[2] = (unsigned char)(n >> 8);
		out[3] = (unsigned char)n;
		h = 4;
	}
	memcpy(out + h, mask, 4);
	for (i = 0; i < n; i++)
		out[h + 4 + i] = (unsigned char)(payload[i] ^ mask[i & 3]);
	return h + 4 + n;
}

TEST(accept_rfc_vector)
{
	char out[WS_ACCEPT_LEN + 1];

	/* RFC 6455 1.3's worked example. */
	ws_accept_compute("dGhlIHNhbXBsZSBub25jZQ==", out);
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	CHECK(ws_key_valid("dGhlIHNhbXBsZSBub25jZQ=="));
	CHECK(!ws_key_valid("dGhlIHNhbXBsZSBub25jZQ="));
	CHECK(!ws_key_valid("dGhlIHNhbXBsZSBub25jZR=="));
	CHECK(!ws_key_valid("dGhlIHNhbXBsZSBub25j!Q=="));
}

TEST(masked_text_and_fragments)
{
	unsigned char b[512];
	struct ws_reader r;
	struct ws_event ev;
	char err[ERR_LEN];
	size_t n, used;

	ws_reader_init(&r, 64, 64);
	n = client_frame(b, 0x81, "Hello", 5);
	CHECK(ws_reader_next(&r, b, n - 1, &used, &ev, err, sizeof err) == 0 && used == 0);
	CHECK(ws_reader_next(&r, b, n, &used, &ev, err, sizeof err) == 1 && used == n);
	CHECK(ev.opcode == WS_OP_TEXT && ev.len == 5 && memcmp(ev.data, "Hello", 5) == 0);
	/* "Hel" + ping + "lo": the ping comes out first, then the whole message. */
	n = client_frame(b, 0x01, "Hel", 3);
	n += client_frame(b + n, 0x89, "p", 1);
	n += client_frame(b + n, 0x80, "lo", 2);
	CHECK(ws_reader_next(&r, b, n, &used, &ev, err, sizeof err) == 1 && ev.opcode == WS_OP_PING);
	memmove(b, b + used, n - used);
	n -= used;
	CHECK(ws_reader_next(&r, b, n, &used, &ev, err, sizeof err) == 1 && used == n);
	CHECK(ev.opcode == WS_OP_TEXT && ev.len == 5 && memcmp(ev.data, "Hello", 5) == 0);
	ws_reader_free(&r);
}

TEST(violations)
{
	static const struct { unsigned char b[16]; size_t n; int code; } cases[] = {
		{{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}, 7, WS_CLOSE_PROTOCOL},   /* unmasked */
		{{0xC1, 0x80, 0, 0, 0, 0}, 6, WS_CLOSE_PROTOCOL},               /* RSV1 */
		{{0x83, 0x80, 0, 0, 0, 0}, 6, WS_CLOSE_PROTOCOL},               /* opcode 3 */
		{{0x09, 0x80, 0, 0, 0, 0}, 6, WS_CLOSE_PROTOCOL},               /* fragmented ping */
		{{0x89, 0xFE, 0, 200}, 4, WS_CLOSE_PROTOCOL},                   /* ping over 125 */
		{{0x80, 0x80, 0, 0, 0, 0}, 6, WS_CLOSE_PROTOCOL},               /* stray continuation */
		{{0x81, 0xFE, 0x00, 0x10}, 4, WS_CLOSE_PROTOCOL},               /* non-minimal 16-bit */
		{{0x81, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10, WS_CLOSE_PROTOCOL}, /* 64-bit top bit */
		{{0x81, 0xFE, 0x01, 0x00}, 4, WS_CLOSE_TOO_BIG},                /* 256 > 64 */
		{{0x81, 0x82, 0, 0, 0, 0, 0xC3, 0x28}, 8, WS_CLOSE_BAD_DATA},   /* bad UTF-8 */
		{{0x88, 0x81, 0, 0, 0, 0, 0x03}, 7, WS_CLOSE_PROTOCOL},         /* 1-byte close */
		{{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xED}, 8, WS_CLOSE_PROTOCOL},   /* close code 1005 */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char b[16];
		struct ws_reader r;
		struct ws_event ev;
		char err[ERR_LEN];
		size_t used;
		int rc;

		memcpy(b, cases[i].b, sizeof b);
		ws_reader_init(&r, 64, 64);
		rc = ws_reader_next(&r, b, cases[i].n, &used, &ev, err, sizeof err);
		ws_reader_free(&r);
		if (rc != -1 || ev.close_code != cases[i].code) {
			snprintf(harness_why, sizeof harness_why, "case %zu: rc %d code %d", i, rc, ev.close_code);
			harness_failed_now = 1;
			return;
		}
	}
}

TEST(message_cap)
{
	unsigned char b[256];
	struct ws_reader r;
	struct ws_event ev;
	char err[ERR_LEN];
	size_t n, used;

	ws_reader_init(&r, 16, 20);
	n = client_frame(b, 0x01, "0123456789abcdef", 16);
	n += client_frame(b + n, 0x80, "0123456789", 10);
	CHECK(ws_reader_next(&r, b, n, &used, &ev, err, sizeof err) == -1 && ev.close_code == WS_CLOSE_TOO_BIG);
	ws_reader_free(&r);
}

TEST(utf8)
{
	CHECK(ws_utf8_valid((const unsigned char *)"plain", 5));
	CHECK(ws_utf8_valid((const unsigned char *)"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	CHECK(!ws_utf8_valid((const unsigned char *)"\xc0\xaf", 2));         /* overlong */
	CHECK(!ws_utf8_valid((const unsigned char *)"\xe0\x80\xaf", 3));     /* overlong */
	CHECK(!ws_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));     /* surrogate */
	CHECK(!ws_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	CHECK(!ws_utf8_valid((const unsigned char *)"\xe2\x82", 2));         /* truncated */
	CHECK(!ws_utf8_valid((const unsigned char *)"\xff", 1));
}

TEST(encode)
{
	unsigned char h[WS_FRAME_HEADER_MAX], p[WS_CONTROL_PAYLOAD_MAX];
	char reason[200];

	CHECK(ws_frame_header_write(h, WS_OP_TEXT, 1, 5) == 2 && h[0] == 0x81 && h[1] == 5);
	CHECK(ws_frame_header_write(h, WS_OP_TEXT, 1, 300) == 4 && h[1] == 126 && h[2] == 1 && h[3] == 44);
	CHECK(ws_frame_header_write(h, WS_OP_BINARY, 0, 70000) == 10 && h[0] == 0x02 && h[1] == 127 && h[9] == 0x70);
	/* A reason over 123 bytes is cut without splitting the 2-byte character that straddles it. */
	memset(reason, 'a', sizeof reason);
	memcpy(reason + 122, "\xc3\xa9", 2);
	reason[199] = '\0';
	CHECK(ws_close_payload(p, 1008, reason) == 2 + 122 && p[0] == 0x03 && p[1] == 0xF0);
}

int main(void)
{
	RUN(accept_rfc_vector);
	RUN(masked_text_and_fragments);
	RUN(violations);
	RUN(message_cap);
	RUN(utf8);
	RUN(encode);
	return harness_done();
}
