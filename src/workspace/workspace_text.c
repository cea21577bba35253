/* workspace/workspace_text.c — pure text helpers for the prompt (see workspace.h) */
#include <stdio.h>
#include <string.h>

#include "workspace/workspace.h"

/* Move a cut position back so it does not land inside a UTF-8 sequence. */
static size_t utf8_floor(const char *s, size_t len, size_t pos)
{
	size_t back = 0;

	if (pos >= len)
		return len;
	while (pos > 0 && back < 3 && ((unsigned char)s[pos] & 0xC0) == 0x80) {
		pos--;
		back++;
	}
	return pos;
}

#define CLIP_MARKER "\n\n[... %s truncated: %zu of %zu bytes left out; read the file for the rest ...]\n\n"

/* see workspace.h */
size_t workspace_text_clip(struct buf *out, const char *text, size_t len, size_t max, const char *name)
{
	char marker[256];
	size_t head, tail_start, room, mlen;

	if (len <= max) {
		buf_append(out, text, len);
		return 0;
	}
	/* Size the marker for the largest number it can show, then fill in the real one. */
	mlen = (size_t)snprintf(marker, sizeof marker, CLIP_MARKER, name, len, len);
	if (mlen >= sizeof marker)
		mlen = sizeof marker - 1;
	if (max <= mlen + 16) {
		/* No room for text around the marker: the marker alone still tells the model. */
		snprintf(marker, sizeof marker, CLIP_MARKER, name, len, len);
		buf_puts(out, marker + 2);
		return len;
	}
	room = max - mlen;
	head = utf8_floor(text, len, room * 7 / 9);
	tail_start = len - room * 2 / 9;
	while (tail_start < len && ((unsigned char)text[tail_start] & 0xC0) == 0x80)
		tail_start++; /* the tail starts at a character boundary too */
	snprintf(marker, sizeof marker, CLIP_MARKER, name, tail_start - head, len);
	buf_append(out, text, head);
	buf_puts(out, marker);
	buf_append(out, text + tail_start, len - tail_start);
	return tail_start - head;
}

/* One "key: value" line of front matter; strips quotes. */
static void fm_value(const char *v, size_t n, char *dst)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	if (n > WORKSPACE_SKILL_FIELD_MAX)
		n = WORKSPACE_SKILL_FIELD_MAX;
	memcpy(dst, v, n);
	dst[n] = 0;
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' '; /* one skill, one prompt line */
}

/* see workspace.h */
int workspace_skill_front_matter(const char *text, size_t len, char *name, char *desc)
{
	size_t i = 0;

	name[0] = desc[0] = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (len - i < 4 || memcmp(text + i, "---", 3) != 0 || (text[i + 3] != '\n' && text[i + 3] != '\r'))
		return 0;
	i += 3;
	while (i < len) {
		const char *line, *eol, *colon;
		size_t n;

		while (i < len && (text[i] == '\n' || text[i] == '\r'))
			i++;
		line = text + i;
		eol = memchr(line, '\n', len - i);
		n = eol ? (size_t)(eol - line) : len - i;
		i += n;
		if (n >= 3 && memcmp(line, "---", 3) == 0)
			return 1;
		colon = memchr(line, ':', n);
		if (colon == NULL)
			continue;
		if (colon - line == 4 && memcmp(line, "name", 4) == 0)
			fm_value(colon + 1, n - 5, name);
		else if (colon - line == 11 && memcmp(line, "description", 11) == 0)
			fm_value(colon + 1, n - 12, desc);
	}
	return 0; /* no closing line: not front matter after all */
}
