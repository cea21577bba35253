/*
 * session/session_transcript.c — load, append and reset transcripts (see session.h).
 *
 * An append is one write(2) of one line to a file opened O_APPEND, then fsync when durable, then
 * the index update (message count, times, title) under the index lock. If the file does not end
 * with a newline, the previous writer died mid-line: that fragment is cut off before appending,
 * so the new line can never be glued to it (and the loader's warning goes away with it).
 */
#include "session/session_int.h"

#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TORN_SCAN_CHUNK 4096

static int write_all(int fd, const char *p, size_t len, const char *path, char *err, size_t errlen)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(err, errlen, "sessions: %s: write: %s", path, n < 0 ? strerror(errno) : "no progress");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Cut a torn tail (bytes after the last newline) off an append-only file. */
static int cut_torn_tail(int fd, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char chunk[TORN_SCAN_CHUNK];
	off_t end, keep = 0;

	if (fstat(fd, &sb) < 0)
		return err_set(err, errlen, "sessions: %s: %s", path, strerror(errno));
	end = sb.st_size;
	if (end == 0 || (pread(fd, chunk, 1, end - 1) == 1 && chunk[0] == '\n'))
		return 0;
	while (end > 0 && sb.st_size - end <= SESSION_LINE_MAX) {
		off_t from = end > TORN_SCAN_CHUNK ? end - TORN_SCAN_CHUNK : 0;
		ssize_t n = pread(fd, chunk, (size_t)(end - from), from);

		if (n <= 0)
			return err_set(err, errlen, "sessions: %s: read: %s", path, n < 0 ? strerror(errno) : "short");
		while (n > 0 && chunk[n - 1] != '\n')
			n--;
		if (n > 0) {
			keep = from + n;
			break;
		}
		end = from;
	}
	if (ftruncate(fd, keep) < 0)
		return err_set(err, errlen, "sessions: %s: truncate: %s", path, strerror(errno));
	log_event(LOG_WARN, "session.torn_line_dropped", "file=%s bytes=%lld", log_quote(path),
		  (long long)(sb.st_size - keep));
	return 0;
}

static int append_line(const char *path, const char *line, size_t len, int durable, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600), rc = -1; /* read: the torn-tail check */

	if (fd < 0)
		return err_set(err, errlen, "sessions: %s: %s", path, strerror(errno));
	if (cut_torn_tail(fd, path, err, errlen) < 0 || write_all(fd, line, len, path, err, errlen) < 0)
		goto done;
	if (durable && fsync(fd) < 0) {
		err_set(err, errlen, "sessions: %s: fsync: %s", path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	close(fd);
	return rc;
}

static int append_entry(const char *path, const cJSON *entry, int durable, char *err, size_t errlen)
{
	char *text = cJSON_PrintUnformatted(entry);
	size_t n;
	int rc;

	if (!text)
		return err_set(err, errlen, "sessions: cannot serialise an entry");
	n = strlen(text);
	if (n + 1 > SESSION_LINE_MAX) {
		free(text);
		return err_set(err, errlen, "sessions: an entry of %zu bytes is over the %d-byte line limit", n,
			       SESSION_LINE_MAX);
	}
	text = xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	rc = append_line(path, text, n + 1, durable, err, errlen);
	free(text);
	return rc;
}

int session_transcript_create(const char *dir, const char *id, const char *agent_id, const char *key,
			      int64_t now, char *err, size_t errlen)
{
	cJSON *h = cJSON_CreateObject();
	char *path = session_transcript_path(dir, id);
	int rc;

	cJSON_AddStringToObject(h, "type", "session");
	cJSON_AddStringToObject(h, "sessionId", id);
	cJSON_AddStringToObject(h, "key", key);
	cJSON_AddStringToObject(h, "agentId", agent_id);
	cJSON_AddNumberToObject(h, "ts", (double)now);
	rc = append_entry(path, h, 1, err, errlen);
	cJSON_Delete(h);
	free(path);
	return rc;
}

/* A fresh index entry pointing at a new transcript (which is written first, so the index never
 * names a file that does not exist). */
static int start_transcript(const char *dir, cJSON *idx, const char *agent_id, const char *key, char *id,
			    char *err, size_t errlen)
{
	int64_t now = clock_wall_ms();
	cJSON *e;

	if (session_new_id(id, err, errlen) < 0 || session_transcript_create(dir, id, agent_id, key, now, err, errlen) < 0)
		return -1;
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "sessionId", id);
	cJSON_AddNumberToObject(e, "createdAt", (double)now);
	cJSON_AddNumberToObject(e, "updatedAt", (double)now);
	cJSON_AddNumberToObject(e, "messages", 0);
	cJSON_AddStringToObject(e, "title", "");
	if (cJSON_GetObjectItemCaseSensitive(idx, key))
		cJSON_ReplaceItemInObjectCaseSensitive(idx, key, e);
	else
		cJSON_AddItemToObject(idx, key, e);
	return 0;
}

/* The first user message, one line, at most SESSION_TITLE_MAX characters (not bytes). */
static void make_title(const char *text, char *out, size_t outlen)
{
	size_t o = 0, chars = 0;

	/* stop only where a character starts, so a UTF-8 sequence is never split */
	for (; *text && o + 5 < outlen; text++) {
		unsigned char c = (unsigned char)*text;

		if ((c & 0xc0) != 0x80 && chars++ == SESSION_TITLE_MAX)
			break;
		out[o++] = c == '\n' || c == '\r' || c == '\t' ? ' ' : (char)c;
	}
	out[o] = '\0';
}

static void set_num(cJSON *obj, const char *name, double v)
{
	cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (cJSON_IsNumber(it))
		cJSON_SetNumberValue(it, v);
	else {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
		cJSON_AddNumberToObject(obj, name, v);
	}
}

static void index_note_entry(cJSON *idx, const char *key, const cJSON *entry)
{
	cJSON *e = cJSON_GetObjectItemCaseSensitive(idx, key);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(entry, "type");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(entry, "role");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(entry, "content");
	const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(e, "messages");
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(e, "title");

	set_num(e, "updatedAt", (double)clock_wall_ms());
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "message") != 0)
		return;
	set_num(e, "messages", (cJSON_IsNumber(msgs) ? msgs->valuedouble : 0) + 1);
	if (cJSON_IsString(role) && strcmp(role->valuestring, "user") == 0 && cJSON_IsString(content) &&
	    (!cJSON_IsString(title) || title->valuestring[0] == '\0')) {
		char t[SESSION_TITLE_MAX * 4 + 8];

		make_title(content->valuestring, t, sizeof t);
		cJSON_DeleteItemFromObjectCaseSensitive(e, "title");
		cJSON_AddStringToObject(e, "title", t);
	}
}

/* see session.h */
int session_append(struct session_store *st, const char *agent_id, const char *key, const struct cJSON *entry,
		   int durable, char *err, size_t errlen)
{
	char id[SESSION_ID_LEN + 1], *dir = session_dir(st, agent_id ? agent_id : "main", err, errlen), *path = NULL;
	cJSON *idx = NULL;
	int lock = -1, rc = -1, cur;

	if (!dir)
		return -1;
	/* The index lock covers picking the transcript and updating the index: "create on first
	 * use" happens once. */
	if ((lock = session_index_lock(dir, err, errlen)) < 0 || !(idx = session_index_read(dir, err, errlen)))
		goto done;
	cur = session_index_current(idx, key, id);
	if (cur < 0) {
		err_set(err, errlen, "sessions: %s/" SESSION_INDEX_FILE ": the entry for \"%.200s\" has a bad sessionId",
			dir, key);
		goto done;
	}
	if (cur == 1 && start_transcript(dir, idx, agent_id ? agent_id : "main", key, id, err, errlen) < 0)
		goto done;
	index_note_entry(idx, key, entry);
	/* Durable only when the index now names a new transcript; counters are a cache. */
	if (session_index_write(dir, idx, cur == 1, err, errlen) < 0)
		goto done;
	/* The transcript's own fsync happens outside the index lock, so appends to different
	 * sessions of one agent do not queue behind each other's disk flushes (turns on one key
	 * are already serialised by session_lock). */
	session_index_unlock(lock);
	lock = -1;
	path = session_transcript_path(dir, id);
	rc = append_entry(path, entry, durable, err, errlen);
done:
	session_index_unlock(lock);
	cJSON_Delete(idx);
	free(path);
	free(dir);
	return rc;
}

/* see session.h */
int session_reset(struct session_store *st, const char *agent_id, const char *key, char *err, size_t errlen)
{
	char id[SESSION_ID_LEN + 1], *dir = session_dir(st, agent_id ? agent_id : "main", err, errlen);
	cJSON *idx = NULL;
	int lock = -1, rc = -1;

	if (!dir)
		return -1;
	if ((lock = session_index_lock(dir, err, errlen)) < 0 || !(idx = session_index_read(dir, err, errlen)))
		goto done;
	if (start_transcript(dir, idx, agent_id ? agent_id : "main", key, id, err, errlen) < 0)
		goto done;
	rc = session_index_write(dir, idx, 1, err, errlen);
	if (rc == 0)
		log_event(LOG_INFO, "session.reset", "agent=%s key=%s session_id=%s", log_quote(agent_id ? agent_id : "main"),
			  log_quote(key), id);
done:
	session_index_unlock(lock);
	cJSON_Delete(idx);
	free(dir);
	return rc;
}

/* Read the transcript; one over the cap keeps its newest SESSION_TRANSCRIPT_MAX bytes. */
static int read_capped(const char *path, char **data, size_t *len, int *cut, char *err, size_t errlen)
{
	struct stat sb;
	size_t want, got = 0;
	off_t from;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*data = NULL;
	*cut = 0;
	if (fd < 0)
		return err_set(err, errlen, "sessions: %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, errlen, "sessions: %s: not a regular file", path);
	}
	want = (size_t)sb.st_size > SESSION_TRANSCRIPT_MAX ? SESSION_TRANSCRIPT_MAX : (size_t)sb.st_size;
	from = sb.st_size - (off_t)want;
	*cut = from > 0;
	*data = xmalloc(want + 1);
	while (got < want) {
		ssize_t n = pread(fd, *data + got, want - got, from + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank under us: use what we have */
		got += (size_t)n;
	}
	close(fd);
	(*data)[got] = '\0';
	*len = got;
	return 0;
}

/* see session.h */
struct cJSON *session_load(struct session_store *st, const char *agent_id, const char *key, char *warning,
			   size_t warnlen, char *err, size_t errlen)
{
	char id[SESSION_ID_LEN + 1], *dir = session_dir(st, agent_id ? agent_id : "main", err, errlen);
	char *path = NULL, *data = NULL, *start;
	cJSON *idx = NULL, *out = NULL;
	size_t len = 0;
	int cur, cut = 0;

	if (warning && warnlen)
		warning[0] = '\0';
	if (!dir || !(idx = session_index_read(dir, err, errlen)))
		goto done;
	cur = session_index_current(idx, key, id);
	if (cur == 1) {
		out = cJSON_CreateArray();
		goto done;
	}
	if (cur < 0) {
		err_set(err, errlen, "sessions: %s/" SESSION_INDEX_FILE ": the entry for \"%.200s\" has a bad sessionId",
			dir, key);
		goto done;
	}
	path = session_transcript_path(dir, id);
	if (!fs_exists(path)) { /* indexed but never written (a crash between the two): nothing said yet */
		out = cJSON_CreateArray();
		goto done;
	}
	if (read_capped(path, &data, &len, &cut, err, errlen) < 0)
		goto done;
	start = data;
	if (cut) { /* we started mid-file: drop the partial first line */
		char *nl = memchr(data, '\n', len);

		start = nl ? nl + 1 : data + len;
	}
	out = session_transcript_parse(start, len - (size_t)(start - data), warning, warnlen);
	if (cut && warning && warnlen) {
		size_t w = strlen(warning);

		snprintf(warning + w, warnlen - w, "%sloaded only the newest %d MiB of %s", w ? "; " : "",
			 SESSION_TRANSCRIPT_MAX >> 20, path);
	}
	if (warning && warning[0])
		log_event(LOG_WARN, "session.load_warning", "file=%s warning=%s", log_quote(path), log_quote(warning));
done:
	cJSON_Delete(idx);
	free(data);
	free(path);
	free(dir);
	return out;
}
