/*
 * session/session_store.c — the store itself: where things live, the index file under its
 * flock, transcript ids, and the per-key turn locks (see session.h and session_int.h).
 */
#include "session/session_int.h"

#include "util/err.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* see session.h */
struct session_store *session_store_open(const char *state_dir, char *err, size_t errlen)
{
	struct session_store *st;

	if (!state_dir || !state_dir[0]) {
		err_set(err, errlen, "sessions: no state directory");
		return NULL;
	}
	st = xcalloc(1, sizeof *st);
	st->state_dir = xstrdup(state_dir);
	pthread_mutex_init(&st->mu, NULL);
	return st;
}

/* see session.h; the caller guarantees nobody holds or waits for a lock any more. */
void session_store_close(struct session_store *st)
{
	struct session_slot *s, *next;

	if (!st)
		return;
	for (s = st->slots; s; s = next) {
		next = s->next;
		pthread_cond_destroy(&s->cv);
		free(s->name);
		free(s);
	}
	pthread_mutex_destroy(&st->mu);
	free(st->state_dir);
	free(st);
}

char *session_dir(const struct session_store *st, const char *agent_id, char *err, size_t errlen)
{
	char *p;
	size_t n;

	if (!session_agent_id_valid(agent_id)) {
		err_set(err, errlen, "sessions: agent id \"%.64s\" is not usable as a directory name",
			agent_id ? agent_id : "");
		return NULL;
	}
	n = strlen(st->state_dir) + strlen(agent_id) + 32;
	p = xmalloc(n);
	snprintf(p, n, "%s/agents/%s/sessions", st->state_dir, agent_id);
	return p;
}

int session_new_id(char *out, char *err, size_t errlen)
{
	unsigned char r[16];
	char hex[33];

	if (hash_random_bytes(r, sizeof r) < 0)
		return err_set(err, errlen, "sessions: no random bytes for a transcript id: %s", strerror(errno));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* UUID version 4, as OpenClaw's ids are */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	str_hex(r, sizeof r, hex);
	snprintf(out, SESSION_ID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	return 0;
}

char *session_transcript_path(const char *dir, const char *id)
{
	size_t n = strlen(dir) + strlen(id) + 8;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s.jsonl", dir, id);
	return p;
}

struct cJSON *session_index_read(const char *dir, char *err, size_t errlen)
{
	char *path = fs_path_join(dir, SESSION_INDEX_FILE), *data = NULL;
	size_t len = 0;
	cJSON *idx = NULL;

	if (!fs_exists(path)) { /* new, or set aside below: transcripts may still be there */
		free(path);
		return session_index_rebuild(dir, "sessions.json is missing");
	}
	if (fs_read_file(path, SESSION_INDEX_MAX, &data, &len, err, errlen) < 0)
		goto done;
	idx = cJSON_ParseWithLength(data, len);
	if (!cJSON_IsObject(idx)) {
		/* A cache gone bad (see session_rebuild.c): keep it for the user, rebuild from the transcripts. */
		char *aside = xmalloc(strlen(path) + 8);

		cJSON_Delete(idx);
		sprintf(aside, "%s.broken", path);
		if (len > 0)
			(void)rename(path, aside);
		free(aside);
		idx = session_index_rebuild(dir, len ? "sessions.json is not a JSON object (kept as sessions.json.broken)"
						     : "sessions.json is empty");
	}
done:
	free(data);
	free(path);
	return idx;
}

int session_index_lock(const char *dir, char *err, size_t errlen)
{
	char *path;
	int fd;

	if (fs_mkdir_p(dir, 0700, err, errlen) < 0)
		return -1;
	path = fs_path_join(dir, SESSION_LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(err, errlen, "sessions: %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	/* flock, not fcntl locks: each open() is its own lock owner, so threads exclude each other too */
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		err_set(err, errlen, "sessions: lock %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

void session_index_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

int session_index_write(const char *dir, const struct cJSON *idx, int durable, char *err, size_t errlen)
{
	char *path = fs_path_join(dir, SESSION_INDEX_FILE), *text = cJSON_PrintUnformatted(idx);
	int rc = -1;

	if (!text) {
		err_set(err, errlen, "sessions: cannot serialise the index");
	} else if (strlen(text) > SESSION_INDEX_MAX) {
		err_set(err, errlen, "sessions: %s would exceed %d bytes", path, SESSION_INDEX_MAX);
	} else {
		rc = fs_write_replace(path, text, strlen(text), 0600, durable, err, errlen);
	}
	free(text);
	free(path);
	return rc;
}

int session_index_current(const struct cJSON *idx, const char *key, char *id)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(idx, key);
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(e, "sessionId");
	size_t i;

	if (!cJSON_IsString(sid))
		return 1;
	/* the id becomes a file name: accept only what session_new_id() makes */
	if (strlen(sid->valuestring) != SESSION_ID_LEN)
		return -1;
	for (i = 0; i < SESSION_ID_LEN; i++) {
		char c = sid->valuestring[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			return -1;
	}
	memcpy(id, sid->valuestring, SESSION_ID_LEN + 1);
	return 0;
}

/* --- turn locks -------------------------------------------------------------------------- */

static char *slot_name(const char *agent_id, const char *key)
{
	size_t n = strlen(agent_id ? agent_id : "main") + strlen(key) + 2;
	char *s = xmalloc(n);

	snprintf(s, n, "%s\n%s", agent_id ? agent_id : "main", key);
	return s;
}

/* The cross-process half of session_lock(): an flock on <sessions>/locks/<sha256 of the slot
 * name>.lock, so a `chela agent` turn and a gateway turn on one key take turns as well. The
 * files stay (one empty file per key ever locked): removing one could let a waiter hold a lock
 * on an unlinked inode while a newcomer locks a fresh file. -1 when it cannot be taken (an
 * unusable state dir): the in-process lock still holds, and the turn's own writes will say
 * what is wrong with the directory. */
static int key_flock(struct session_store *st, const char *agent_id, const char *name)
{
	char hex[HASH_SHA256_HEX_LEN + 1], *dir = session_dir(st, agent_id ? agent_id : "main", NULL, 0);
	char *locks, *path;
	int fd = -1;

	if (dir == NULL)
		return -1;
	hash_sha256_hex(name, strlen(name), hex);
	locks = fs_path_join(dir, "locks");
	path = xmalloc(strlen(locks) + sizeof hex + 8);
	sprintf(path, "%s/%s.lock", locks, hex);
	if (fs_mkdir_p(locks, 0700, NULL, 0) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			fd = -1;
		}
	}
	free(path);
	free(locks);
	free(dir);
	return fd;
}

/* see session.h */
void session_lock(struct session_store *st, const char *agent_id, const char *key)
{
	char *name = slot_name(agent_id, key);
	struct session_slot *s;

	pthread_mutex_lock(&st->mu);
	for (s = st->slots; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			break;
	if (!s) {
		s = xcalloc(1, sizeof *s);
		s->name = name;
		s->lock_fd = -1;
		name = NULL;
		pthread_cond_init(&s->cv, NULL);
		s->next = st->slots;
		st->slots = s;
	}
	s->waiters++;
	while (s->busy)
		pthread_cond_wait(&s->cv, &st->mu);
	s->waiters--;
	s->busy = 1;
	pthread_mutex_unlock(&st->mu);
	/* outside the mutex: another process may hold the key for a whole turn */
	s->lock_fd = key_flock(st, agent_id, name ? name : s->name);
	free(name);
}

/* see session.h */
void session_unlock(struct session_store *st, const char *agent_id, const char *key)
{
	char *name = slot_name(agent_id, key);
	struct session_slot **pp, *s;

	pthread_mutex_lock(&st->mu);
	for (pp = &st->slots; (s = *pp) != NULL; pp = &s->next)
		if (strcmp(s->name, name) == 0)
			break;
	if (s) {
		if (s->lock_fd >= 0)
			close(s->lock_fd); /* releases the flock */
		s->lock_fd = -1;
		s->busy = 0;
		if (s->waiters > 0) {
			pthread_cond_signal(&s->cv);
		} else { /* nobody waits: forget the key, so the map only holds live sessions */
			*pp = s->next;
			pthread_cond_destroy(&s->cv);
			free(s->name);
			free(s);
		}
	}
	pthread_mutex_unlock(&st->mu);
	free(name);
}
