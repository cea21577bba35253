/*
 * session/session_parse.c — the transcript line loader, pure: (buf, len) in, entries out, no
 * I/O, so the fuzz target drives exactly what session_load() runs.
 *
 * Why lines are judged one by one: a transcript is appended a line per entry with one write(),
 * so a crash can leave at most the last line torn; anything else that does not parse came from
 * outside (an editor, a disk error) and must not cost the user the rest of the conversation.
 */
#include "session/session.h"

#include "util/err.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

struct parse_notes {
	long torn_line;     /* line number of a torn last line, 0 when none */
	size_t torn_bytes;
	long bad;           /* bad lines other than a torn last one */
	long first_bad;
	const char *first_why;
};

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* One line → an entry object, or NULL with why. */
static cJSON *parse_line(const char *s, size_t n, const char **why)
{
	cJSON *e;
	const cJSON *type;

	if (n > SESSION_LINE_MAX) {
		*why = "longer than the line limit";
		return NULL;
	}
	e = cJSON_ParseWithLength(s, n);
	if (!e) {
		*why = "not JSON";
		return NULL;
	}
	type = cJSON_GetObjectItemCaseSensitive(e, "type");
	if (!cJSON_IsObject(e) || !cJSON_IsString(type)) {
		cJSON_Delete(e);
		*why = "not an entry object with a \"type\"";
		return NULL;
	}
	return e;
}

static void say_notes(const struct parse_notes *pn, char *warning, size_t warnlen)
{
	char a[200] = "", b[200] = "";

	if (!warning || warnlen == 0)
		return;
	if (pn->torn_line)
		snprintf(a, sizeof a, "skipped a torn last line (line %ld, %zu bytes): the previous run stopped while "
			 "writing it", pn->torn_line, pn->torn_bytes);
	if (pn->bad == 1)
		snprintf(b, sizeof b, "skipped line %ld (%s)", pn->first_bad, pn->first_why);
	else if (pn->bad > 1)
		snprintf(b, sizeof b, "skipped %ld bad lines (the first is line %ld: %s)", pn->bad, pn->first_bad,
			 pn->first_why);
	snprintf(warning, warnlen, "%s%s%s", a, a[0] && b[0] ? "; " : "", b);
}

/* see session.h */
struct cJSON *session_transcript_parse(const char *buf, size_t len, char *warning, size_t warnlen)
{
	cJSON *out = cJSON_CreateArray();
	struct parse_notes pn;
	size_t pos = 0;
	long line = 0;

	memset(&pn, 0, sizeof pn);
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		const char *why = NULL;
		const cJSON *type;
		cJSON *e;

		line++;
		pos += n + (nl ? 1 : 0);
		if (blank(s, n))
			continue;
		e = parse_line(s, n, &why);
		if (!e) {
			if (pos >= len) { /* the last line: a crash mid-append, not damage */
				pn.torn_line = line;
				pn.torn_bytes = n;
			} else if (pn.bad++ == 0) {
				pn.first_bad = line;
				pn.first_why = why;
			}
			continue;
		}
		type = cJSON_GetObjectItemCaseSensitive(e, "type");
		if (strcmp(type->valuestring, "session") == 0) { /* the header says nothing a reader needs */
			cJSON_Delete(e);
			continue;
		}
		cJSON_AddItemToArray(out, e);
	}
	say_notes(&pn, warning, warnlen);
	return out;
}
