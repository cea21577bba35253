/*
 * net/ws.h — the RFC 6455 WebSocket codec, server side: handshake key, frame decoding with
 * message reassembly, frame encoding, UTF-8 validation.
 *
 * Contract:
 *   - ws_reader_next() decodes client bytes. It only acts on whole frames (a frame is capped,
 *     so the caller's input buffer is bounded by max_frame + WS_FRAME_HEADER_MAX), unmasks the
 *     payload in place, reassembles fragmented messages into the reader's own capped buffer,
 *     and hands back one event at a time: a complete text/binary message, a ping, a pong, or a
 *     close. Protocol violations return -1 with the close code the server must send (1002
 *     protocol, 1003 unsupported data, 1007 bad UTF-8, 1009 too big) and a reason in err.
 *   - Event data points into the caller's buffer or into the reader; it is valid until the
 *     next call. ws_reader_free() releases the reader's buffer.
 *   - Nothing here does I/O or allocates beyond the reader's capped buffer.
 */
#ifndef CHELA_NET_WS_H
#define CHELA_NET_WS_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

#define WS_FRAME_HEADER_MAX    14  /* 2 + 8 extended length + 4 mask */
#define WS_CONTROL_PAYLOAD_MAX 125 /* RFC 6455 5.5 */
#define WS_CLOSE_REASON_MAX    123 /* control payload minus the 2-byte code */
#define WS_ACCEPT_LEN          28  /* base64 of a SHA-1 digest */

enum ws_opcode {
	WS_OP_CONT = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xA,
};

enum ws_close_code {
	WS_CLOSE_NORMAL = 1000,
	WS_CLOSE_GOING_AWAY = 1001,
	WS_CLOSE_PROTOCOL = 1002,
	WS_CLOSE_UNSUPPORTED = 1003,
	WS_CLOSE_NO_STATUS = 1005, /* never sent: "the peer's close had no code" */
	WS_CLOSE_BAD_DATA = 1007,
	WS_CLOSE_POLICY = 1008,
	WS_CLOSE_TOO_BIG = 1009,
	WS_CLOSE_INTERNAL = 1011,
};

struct ws_reader {
	size_t max_frame;   /* payload cap of one frame */
	size_t max_message; /* cap of a reassembled message */
	struct buf msg;     /* fragments so far */
	int msg_opcode;     /* opcode of the message being reassembled, 0 = none */
};

struct ws_event {
	int opcode;                /* WS_OP_TEXT, _BINARY, _PING, _PONG or _CLOSE */
	const unsigned char *data; /* message or control payload (for CLOSE: the reason) */
	size_t len;
	int close_code;            /* CLOSE: the peer's code (1005 when none); on error: ours */
};

void ws_reader_init(struct ws_reader *r, size_t max_frame, size_t max_message);
/* Change the caps (after authentication, for instance); a message in progress keeps its bytes. */
void ws_reader_set_limits(struct ws_reader *r, size_t max_frame, size_t max_message);
void ws_reader_free(struct ws_reader *r);

/*
 * Decode from buf[0..len) (modified: payloads are unmasked in place). Sets *consumed to the
 * bytes the caller may drop. Returns 1 with *ev filled, 0 when more bytes are needed, or -1
 * on a protocol violation with ev->close_code and err set.
 */
int ws_reader_next(struct ws_reader *r, unsigned char *buf, size_t len, size_t *consumed, struct ws_event *ev,
		   char *err, size_t errlen);

/* Write an unmasked server frame header for a payload of len bytes; returns its length. */
size_t ws_frame_header_write(unsigned char out[WS_FRAME_HEADER_MAX], int opcode, int fin, uint64_t len);
/* The payload of a close frame: code plus a reason cut to WS_CLOSE_REASON_MAX at a UTF-8 boundary. */
size_t ws_close_payload(unsigned char out[WS_CONTROL_PAYLOAD_MAX], int code, const char *reason);

/* Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
int ws_utf8_valid(const unsigned char *s, size_t len);

/* Is this a well-formed Sec-WebSocket-Key (base64 of 16 bytes)? */
int ws_key_valid(const char *key);
/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)), NUL-terminated. */
void ws_accept_compute(const char *key, char out[WS_ACCEPT_LEN + 1]);

#endif
