/*
 * session/session_int.h — what the session/ files share: the store, paths, the index file
 * (read, locked read-modify-write) and transcript ids. Not for other modules.
 *
 * Contract: the index (sessions.json) is only rewritten under an exclusive flock on
 * sessions.lock beside it, by a read-modify-write of what is on disk, so two processes (the
 * gateway and `chela agent`) or two threads never lose each other's entries; readers need no
 * lock because the file is replaced atomically (fs_write_replace). Returns 0 / -1 + err.
 */
#ifndef CHELA_SESSION_SESSION_INT_H
#define CHELA_SESSION_SESSION_INT_H

#include "session/session.h"

#include <pthread.h>
#include <stdint.h>

struct cJSON;

#define SESSION_INDEX_FILE "sessions.json"
#define SESSION_LOCK_FILE  "sessions.lock"
#define SESSION_ID_LEN     36 /* a UUID: 8-4-4-4-12 hex */

/* One key somebody holds or waits for (session_lock). */
struct session_slot {
	char *name; /* "<agent>\n<key>" */
	int busy;
	int waiters;
	int lock_fd; /* the key's flock while busy (-1 when it could not be taken) */
	pthread_cond_t cv;
	struct session_slot *next;
};

struct session_store {
	char *state_dir;
	pthread_mutex_t mu;
	struct session_slot *slots;
};

/* <state>/agents/<agent>/sessions (malloc'd), or NULL with err for an unusable agent id. */
char *session_dir(const struct session_store *st, const char *agent_id, char *err, size_t errlen);
/* A new random transcript id (out holds SESSION_ID_LEN + 1). */
int session_new_id(char *out, char *err, size_t errlen);
/* dir/<id>.jsonl (malloc'd). */
char *session_transcript_path(const char *dir, const char *id);

/* The index as a cJSON object (key → entry). A missing, empty or corrupt index (the corrupt one
 * is set aside as sessions.json.broken) is rebuilt from the transcripts ({} when there are none). */
struct cJSON *session_index_read(const char *dir, char *err, size_t errlen);
/* The index recomputed from the transcripts' header lines (session_rebuild.c); logs why. */
struct cJSON *session_index_rebuild(const char *dir, const char *why);
/* Take the index lock (creating dir); returns the lock fd or -1. */
int session_index_lock(const char *dir, char *err, size_t errlen);
void session_index_unlock(int fd);
/* Replace the index atomically; durably when it now names a different transcript (a new
 * session or a reset), without fsync when only counters and times changed (it is a cache). */
int session_index_write(const char *dir, const struct cJSON *idx, int durable, char *err, size_t errlen);
/* The current transcript id of key in the index into id (SESSION_ID_LEN + 1); 0 found,
 * 1 not found, -1 error. */
int session_index_current(const struct cJSON *idx, const char *key, char *id);

/* Write the first line ({"type":"session",...}) of a new transcript file, durably. */
int session_transcript_create(const char *dir, const char *id, const char *agent_id, const char *key,
			      int64_t now, char *err, size_t errlen);

#endif
