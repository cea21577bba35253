/* llm/sse.c — see sse.h (field rules follow the WHATWG "event stream interpretation") */
#include "llm/sse.h"

#include <string.h>

/* see sse.h */
void llm_sse_init(struct llm_sse *p, llm_sse_fn cb, void *ctx)
{
	memset(p, 0, sizeof *p);
	p->cb = cb;
	p->ctx = ctx;
	buf_init(&p->line, LLM_SSE_LINE_MAX);
	buf_init(&p->data, LLM_SSE_EVENT_MAX);
}

/* see sse.h */
void llm_sse_free(struct llm_sse *p)
{
	buf_free(&p->line);
	buf_free(&p->data);
}

static int sse_fail(struct llm_sse *p, const char *why)
{
	p->failed = 1;
	err_set(p->err, sizeof p->err, "sse: %s", why);
	return -1;
}

static int sse_dispatch(struct llm_sse *p)
{
	int rc = 0;

	if (p->has_data) {
		size_t n = p->data.len;

		if (n > 0 && p->data.data[n - 1] == '\n')
			n--; /* the last data line's newline is not part of the data */
		if (p->data.data)
			p->data.data[n] = 0;
		p->events++;
		rc = p->cb(p->ctx, p->event[0] ? p->event : "message", p->data.data ? p->data.data : "", n);
		if (rc < 0)
			p->failed = 1;
	}
	buf_reset(&p->data);
	p->event[0] = 0;
	p->has_data = 0;
	return rc;
}

/* One complete line, without its terminator, in p->line. */
static int sse_line(struct llm_sse *p)
{
	const char *s = p->line.data ? p->line.data : "";
	size_t n = p->line.len, flen;
	const char *colon, *val;
	size_t vlen;

	if (n == 0)
		return sse_dispatch(p);
	if (s[0] == ':')
		return 0; /* comment (servers send these as keep-alives) */
	colon = memchr(s, ':', n);
	flen = colon ? (size_t)(colon - s) : n;
	val = colon ? colon + 1 : s + n;
	vlen = n - (size_t)(val - s);
	if (vlen > 0 && *val == ' ') {
		val++;
		vlen--;
	}
	if (flen == 5 && memcmp(s, "event", 5) == 0) {
		if (vlen > LLM_SSE_EVENT_NAME_MAX)
			return sse_fail(p, "event name too long");
		memcpy(p->event, val, vlen);
		p->event[vlen] = 0;
	} else if (flen == 4 && memcmp(s, "data", 4) == 0) {
		if (buf_append(&p->data, val, vlen) < 0 || buf_putc(&p->data, '\n') < 0)
			return sse_fail(p, "event data exceeds the cap");
		p->has_data = 1;
	}
	return 0; /* id, retry and unknown fields are ignored */
}

/* see sse.h */
int llm_sse_feed(struct llm_sse *p, const char *data, size_t len)
{
	size_t i = 0;

	if (p->failed)
		return -1;
	/* A UTF-8 byte-order mark may open the stream, possibly split across feeds; p->started
	 * counts BOM bytes matched so far (3 = done). A mismatch gives the bytes back to the line. */
	while (p->started < 3 && i < len) {
		static const char bom[3] = { '\xEF', '\xBB', '\xBF' };

		if (data[i] != bom[p->started]) {
			if (buf_append(&p->line, bom, (size_t)p->started) < 0)
				return sse_fail(p, "line exceeds the cap");
			p->started = 3;
			break;
		}
		p->started++;
		i++;
	}
	while (i < len) {
		size_t j = i;

		if (p->cr_pending) {
			p->cr_pending = 0;
			if (data[i] == '\n') {
				i++;
				continue;
			}
		}
		while (j < len && data[j] != '\n' && data[j] != '\r')
			j++;
		if (j > i && buf_append(&p->line, data + i, j - i) < 0)
			return sse_fail(p, "line exceeds the cap");
		if (j == len)
			break;
		p->cr_pending = data[j] == '\r';
		i = j + 1;
		if (sse_line(p) < 0)
			return -1;
		buf_reset(&p->line);
	}
	return 0;
}

/* see sse.h */
int llm_sse_pending(const struct llm_sse *p)
{
	return p->line.len > 0 || p->has_data;
}
