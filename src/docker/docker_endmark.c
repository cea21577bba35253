/* docker/docker_endmark.c — see docker_endmark.h. */
#include "docker/docker_endmark.h"

#include <stdio.h>
#include <string.h>

void endmark_init(struct endmark *m, const char *nonce, int with_status)
{
	memset(m, 0, sizeof *m);
	m->with_status = with_status;
	m->status = -1;
	snprintf(m->marker, sizeof m->marker, "%s%.32s%c", ENDMARK_PREFIX, nonce, with_status ? ':' : '\n');
	m->mlen = strlen(m->marker);
}

/* The status after the stdout marker: up to 3 digits, an optional '+', then '\n'. */
static void status_char(struct endmark *m, char c)
{
	if (c >= '0' && c <= '9' && m->ndigits < 3 && !m->leftover) {
		m->status = (m->ndigits ? m->status : 0) * 10 + (c - '0');
		m->ndigits++;
		return;
	}
	if (c == '+' && m->ndigits > 0 && !m->leftover) {
		m->leftover = 1;
		return;
	}
	if (c != '\n' || m->ndigits == 0) {
		m->status = -1;
		m->leftover = 0;
	}
	m->done = 1;
}

/* One byte while looking for the marker. On a mismatch after a partial match the first held
 * byte is output and the rest are looked at again: a later one may start the marker (the
 * marker ends in ':' or '\n', so n < mlen re-fed bytes can never complete it). */
static void step(struct endmark *m, char c, endmark_emit_fn emit, void *ctx)
{
	char again[ENDMARK_MAX];
	size_t n, i;

	if (c == m->marker[m->nhold]) {
		m->hold[m->nhold++] = c;
		if (m->nhold == m->mlen) {
			m->nhold = 0;
			m->found = 1;
			m->done = !m->with_status;
		}
		return;
	}
	if (m->nhold == 0) {
		emit(ctx, &c, 1);
		return;
	}
	n = m->nhold;
	memcpy(again, m->hold, n);
	m->nhold = 0;
	emit(ctx, again, 1);
	for (i = 1; i < n; i++)
		step(m, again[i], emit, ctx);
	step(m, c, emit, ctx);
}

void endmark_feed(struct endmark *m, const char *data, size_t len, endmark_emit_fn emit, void *ctx)
{
	size_t i = 0;

	while (i < len && !m->done) {
		if (m->found) {
			status_char(m, data[i++]);
			continue;
		}
		if (m->nhold == 0) {
			/* the common case: output up to the next byte that could start the marker */
			const char *c = memchr(data + i, m->marker[0], len - i);
			size_t run = c ? (size_t)(c - (data + i)) : len - i;

			if (run)
				emit(ctx, data + i, run);
			i += run;
			if (i == len)
				break;
		}
		step(m, data[i++], emit, ctx);
	}
}

void endmark_flush(struct endmark *m, endmark_emit_fn emit, void *ctx)
{
	if (!m->found && m->nhold)
		emit(ctx, m->hold, m->nhold);
	m->nhold = 0;
}
