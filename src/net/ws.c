/* net/ws.c — see ws.h */
#include "net/ws.h"
#include "util/err.h"

#include <bearssl.h>
#include <string.h>

/* RFC 6455 1.3: the GUID appended to the client's key. */
static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ws_reader_init(struct ws_reader *r, size_t max_frame, size_t max_message)
{
	memset(r, 0, sizeof *r);
	ws_reader_set_limits(r, max_frame, max_message);
}

void ws_reader_set_limits(struct ws_reader *r, size_t max_frame, size_t max_message)
{
	if (max_frame > max_message)
		max_frame = max_message;
	r->max_frame = max_frame;
	r->max_message = max_message;
	r->msg.max = max_message;
}

void ws_reader_free(struct ws_reader *r)
{
	buf_free(&r->msg);
	r->msg_opcode = 0;
}

static int fail(struct ws_event *ev, int code, char *err, size_t errlen, const char *why)
{
	ev->close_code = code;
	err_set(err, errlen, "%s", why);
	return -1;
}

/* Close codes a peer may send (RFC 6455 7.4.1 and the IANA registry). */
static int close_code_valid(int code)
{
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

static void unmask(unsigned char *p, size_t n, const unsigned char mask[4])
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] ^= mask[i & 3];
}

/*
 * Parse one frame header at p. Returns header length, 0 if incomplete, -1 on violation.
 * RFC 6455 5.2: RSV bits need a negotiated extension (none is), clients must mask (5.3),
 * control frames are unfragmented and short (5.5), lengths use the minimal encoding.
 */
static int frame_header(const struct ws_reader *r, const unsigned char *p, size_t len, int *fin, int *op,
			uint64_t *plen, const unsigned char **mask, struct ws_event *ev, char *err, size_t errlen)
{
	size_t h = 2;
	uint64_t n;
	int i;

	if (len < 2)
		return 0;
	*fin = (p[0] & 0x80) != 0;
	*op = p[0] & 0x0f;
	if (p[0] & 0x70)
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "reserved frame bits set without an extension");
	if (*op != WS_OP_CONT && *op != WS_OP_TEXT && *op != WS_OP_BINARY && *op != WS_OP_CLOSE && *op != WS_OP_PING &&
	    *op != WS_OP_PONG)
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "unknown frame opcode");
	if (!(p[1] & 0x80))
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "client frame is not masked");
	n = p[1] & 0x7f;
	if (*op >= WS_OP_CLOSE && (!*fin || n > WS_CONTROL_PAYLOAD_MAX))
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "control frame fragmented or over 125 bytes");
	if (n == 126) {
		if (len < 4)
			return 0;
		n = (uint64_t)p[2] << 8 | p[3];
		if (n < 126)
			return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "frame length not minimally encoded");
		h = 4;
	} else if (n == 127) {
		if (len < 10)
			return 0;
		if (p[2] & 0x80)
			return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "frame length has its top bit set");
		for (n = 0, i = 2; i < 10; i++)
			n = n << 8 | p[i];
		if (n < 65536)
			return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "frame length not minimally encoded");
		h = 10;
	}
	if (n > r->max_frame)
		return fail(ev, WS_CLOSE_TOO_BIG, err, errlen, "frame larger than the limit");
	if (len < h + 4)
		return 0;
	*mask = p + h;
	*plen = n;
	return (int)(h + 4);
}

static int control_event(unsigned char *payload, size_t n, int op, struct ws_event *ev, char *err, size_t errlen)
{
	ev->opcode = op;
	ev->data = payload;
	ev->len = n;
	if (op != WS_OP_CLOSE)
		return 1;
	if (n == 1)
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "close frame with a 1-byte payload");
	if (n == 0) {
		ev->close_code = WS_CLOSE_NO_STATUS;
		return 1;
	}
	ev->close_code = payload[0] << 8 | payload[1];
	if (!close_code_valid(ev->close_code))
		return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "close frame with an invalid code");
	if (!ws_utf8_valid(payload + 2, n - 2))
		return fail(ev, WS_CLOSE_BAD_DATA, err, errlen, "close reason is not valid UTF-8");
	ev->data = payload + 2;
	ev->len = n - 2;
	return 1;
}

/* see ws.h */
int ws_reader_next(struct ws_reader *r, unsigned char *buf, size_t len, size_t *consumed, struct ws_event *ev,
		   char *err, size_t errlen)
{
	size_t off = 0;

	memset(ev, 0, sizeof *ev);
	*consumed = 0;
	/* A message handed out by the previous call is done with: give its memory back. */
	if (r->msg_opcode == 0 && r->msg.data)
		buf_free(&r->msg);
	for (;;) {
		const unsigned char *mask = NULL;
		uint64_t plen = 0;
		int fin = 0, op = 0, h;
		unsigned char *payload;

		h = frame_header(r, buf + off, len - off, &fin, &op, &plen, &mask, ev, err, errlen);
		if (h < 0)
			return -1;
		if (h == 0 || len - off - (size_t)h < plen) {
			*consumed = off;
			return 0;
		}
		payload = buf + off + h;
		unmask(payload, (size_t)plen, mask);
		off += (size_t)h + (size_t)plen;
		*consumed = off;
		if (op >= WS_OP_CLOSE)
			return control_event(payload, (size_t)plen, op, ev, err, errlen);
		if (op == WS_OP_CONT && r->msg_opcode == 0)
			return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "continuation frame without a message to continue");
		if (op != WS_OP_CONT && r->msg_opcode != 0)
			return fail(ev, WS_CLOSE_PROTOCOL, err, errlen, "new message before the fragmented one ended");
		if (op == WS_OP_CONT || !fin) {
			if (op != WS_OP_CONT)
				r->msg_opcode = op;
			if (buf_append(&r->msg, payload, (size_t)plen) < 0)
				return fail(ev, WS_CLOSE_TOO_BIG, err, errlen, "message larger than the limit");
			if (!fin)
				continue;
			ev->opcode = r->msg_opcode;
			ev->data = (const unsigned char *)r->msg.data;
			ev->len = r->msg.len;
			r->msg_opcode = 0;
		} else {
			ev->opcode = op;
			ev->data = payload;
			ev->len = (size_t)plen;
		}
		if (ev->opcode == WS_OP_TEXT && !ws_utf8_valid(ev->data, ev->len))
			return fail(ev, WS_CLOSE_BAD_DATA, err, errlen, "text message is not valid UTF-8");
		return 1;
	}
}

size_t ws_frame_header_write(unsigned char out[WS_FRAME_HEADER_MAX], int opcode, int fin, uint64_t len)
{
	size_t i;

	out[0] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0f));
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len < 65536) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
	return 10;
}

size_t ws_close_payload(unsigned char out[WS_CONTROL_PAYLOAD_MAX], int code, const char *reason)
{
	size_t n = reason ? strlen(reason) : 0;

	out[0] = (unsigned char)(code >> 8);
	out[1] = (unsigned char)code;
	if (n > WS_CLOSE_REASON_MAX) {
		n = WS_CLOSE_REASON_MAX;
		/* Do not cut a multi-byte character in half: back up to its lead byte. */
		while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(out + 2, reason, n);
	return n + 2;
}

int ws_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t need, k;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* past U+10FFFF */
		} else {
			return 0;
		}
		if (len - i <= need)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

static int b64_index(char c)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(alphabet, c) : NULL;

	return p ? (int)(p - alphabet) : -1;
}

int ws_key_valid(const char *key)
{
	int i;

	/* 16 bytes encode to 22 significant characters plus "=="; the 22nd carries 2 bits only. */
	if (strlen(key) != 24 || key[22] != '=' || key[23] != '=')
		return 0;
	for (i = 0; i < 22; i++)
		if (b64_index(key[i]) < 0)
			return 0;
	return (b64_index(key[21]) & 0x0f) == 0;
}

static void b64_encode(const unsigned char *in, size_t n, char *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

void ws_accept_compute(const char *key, char out[WS_ACCEPT_LEN + 1])
{
	br_sha1_context ctx;
	unsigned char digest[br_sha1_SIZE];

	br_sha1_init(&ctx);
	br_sha1_update(&ctx, key, strlen(key));
	br_sha1_update(&ctx, ws_guid, sizeof ws_guid - 1);
	br_sha1_out(&ctx, digest);
	b64_encode(digest, sizeof digest, out);
}
