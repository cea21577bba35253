/*
 * llm/sse.h — an incremental parser for server-sent events (the text/event-stream format).
 *
 * Contract: pure, no I/O. Bytes arrive in any split through llm_sse_feed(); every complete event
 * (ended by a blank line) is handed to the callback as (event name, data, length). Lines end in
 * LF, CRLF or CR, even when the CR and LF arrive in different feeds. "data:" lines are joined
 * with "\n"; ":" lines are comments; "id:" and "retry:" are ignored (a model stream is never
 * resumed); an event with no data line is not dispatched. The event name defaults to "message".
 * A line over LLM_SSE_LINE_MAX or an event over LLM_SSE_EVENT_MAX is a sticky error (p->err),
 * as is a callback that returns -1. The data handed out is NUL-terminated and valid only during
 * the callback. llm_sse_free() releases the buffers (a zeroed struct is fine).
 */
#ifndef CHELA_LLM_SSE_H
#define CHELA_LLM_SSE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define LLM_SSE_LINE_MAX       (1024 * 1024)     /* one field line */
#define LLM_SSE_EVENT_MAX      (4 * 1024 * 1024) /* the joined data of one event */
#define LLM_SSE_EVENT_NAME_MAX 64

/* Return 0 to go on, -1 to stop parsing (the callback should say why in its own state). */
typedef int (*llm_sse_fn)(void *ctx, const char *event, const char *data, size_t len);

struct llm_sse {
	llm_sse_fn cb;
	void *ctx;
	struct buf line;
	struct buf data;
	char event[LLM_SSE_EVENT_NAME_MAX + 1];
	int has_data;     /* a data: line was seen for the current event */
	int cr_pending;   /* the last byte was CR: a following LF belongs to it */
	int started;      /* bytes of a leading byte-order mark matched; 3 = past it */
	int failed;
	size_t events;    /* events dispatched so far */
	char err[ERR_LEN];
};

void llm_sse_init(struct llm_sse *p, llm_sse_fn cb, void *ctx);
/* 0, or -1 once failed (p->err says why; a callback's -1 leaves p->err empty). */
int llm_sse_feed(struct llm_sse *p, const char *data, size_t len);
/* 1 when a partial line or an undispatched event is buffered (a stream cut short). */
int llm_sse_pending(const struct llm_sse *p);
void llm_sse_free(struct llm_sse *p);

#endif
