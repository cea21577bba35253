/*
 * session/session_rebuild.c — the index rebuilt from the transcripts beside it.
 *
 * Why: the index (sessions.json) is a cache. Only the switch to a new transcript is written
 * durably; the per-message counters are rewritten without fsync to keep turns fast, so after
 * a power loss the file may be empty, and a hand edit may break it. Every transcript starts
 * with {"type":"session","sessionId","key","ts"}, so the newest transcript of each key is the
 * current one and nothing but titles and counters has to be recomputed. The unreadable index
 * is kept beside the new one (sessions.json.broken) for the user to look at.
 */
#include "session/session_int.h"

#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REBUILD_HEAD_MAX 4096 /* the first line of a transcript is small */

/* The header line of one transcript file, and its line count; NULL when it has none. */
static cJSON *transcript_head(const char *path, long *lines, time_t *mtime)
{
	char head[REBUILD_HEAD_MAX + 1], buf[65536];
	size_t have = 0;
	ssize_t n;
	long total = 0;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *nl;

	if (fd < 0)
		return NULL;
	*mtime = fstat(fd, &sb) == 0 ? sb.st_mtime : 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		ssize_t i;

		for (i = 0; i < n; i++)
			total += buf[i] == '\n';
		if (have < REBUILD_HEAD_MAX) {
			size_t take = (size_t)n < REBUILD_HEAD_MAX - have ? (size_t)n : REBUILD_HEAD_MAX - have;

			memcpy(head + have, buf, take);
			have += take;
		}
	}
	close(fd);
	head[have] = '\0';
	*lines = total;
	if ((nl = strchr(head, '\n')) == NULL)
		return NULL;
	*nl = '\0';
	return cJSON_Parse(head);
}

/* see session_int.h */
cJSON *session_index_rebuild(const char *dir, const char *why)
{
	cJSON *idx = cJSON_CreateObject();
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	while (d && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *path;
		cJSON *h, *e;
		const cJSON *key, *sid, *ts, *old;
		long lines = 0;
		time_t mtime = 0;

		if (len != SESSION_ID_LEN + 6 || strcmp(de->d_name + SESSION_ID_LEN, ".jsonl") != 0)
			continue;
		path = fs_path_join(dir, de->d_name);
		h = transcript_head(path, &lines, &mtime);
		free(path);
		key = cJSON_GetObjectItemCaseSensitive(h, "key");
		sid = cJSON_GetObjectItemCaseSensitive(h, "sessionId");
		ts = cJSON_GetObjectItemCaseSensitive(h, "ts");
		if (!cJSON_IsString(key) || !cJSON_IsString(sid) || !cJSON_IsNumber(ts) ||
		    strncmp(sid->valuestring, de->d_name, SESSION_ID_LEN) != 0) {
			cJSON_Delete(h);
			continue;
		}
		old = cJSON_GetObjectItemCaseSensitive(idx, key->valuestring);
		if (old && cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(old, "createdAt")) >= ts->valuedouble) {
			cJSON_Delete(h);
			continue; /* an older transcript of a key that was reset since */
		}
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "sessionId", sid->valuestring);
		cJSON_AddNumberToObject(e, "createdAt", ts->valuedouble);
		cJSON_AddNumberToObject(e, "updatedAt", (double)mtime * 1000.0);
		cJSON_AddNumberToObject(e, "messages", lines > 0 ? (double)(lines - 1) : 0);
		cJSON_AddStringToObject(e, "title", "");
		if (old)
			cJSON_ReplaceItemInObjectCaseSensitive(idx, key->valuestring, e);
		else
			cJSON_AddItemToObject(idx, key->valuestring, e);
		found++;
		cJSON_Delete(h);
	}
	if (d)
		closedir(d);
	if (found) /* a new agent has no transcripts and nothing to say */
		log_event(LOG_WARN, "session.index_rebuilt", "dir=%s why=%s sessions=%d", log_quote(dir), log_quote(why),
			  found);
	return idx;
}
