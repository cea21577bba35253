/*
 * session/session.h — session keys and transcripts.
 *
 * Contract:
 *   - Keys (SPEC "Sessions"): the main key is "agent:<id>:<main_key>" ([session] main_key,
 *     default "main"); DMs fold into main unless dm_scope says per-peer
 *     ("agent:<id>:direct:<peer>") or per-channel-peer ("agent:<id>:<channel>:direct:<peer>");
 *     groups are "agent:<id>:<channel>:group:<gid>"; OpenAI endpoint calls
 *     "agent:<id>:openai:<user>". session_key_normalize() turns what a client typed ("main",
 *     "", "work", "agent:main:main") into the canonical key; it is the same rule the sandbox
 *     decision uses (sandbox_session_key_normalize), so a key means one thing everywhere.
 *   - Storage: <state>/agents/<agent>/sessions/ holds sessions.json (the index: key → current
 *     transcript id, created/updated times, message count, title) and one append-only
 *     <transcript-id>.jsonl per transcript. Each line is one JSON object (an entry, below).
 *     session_append() with durable=1 fsyncs the transcript (and the index when it changed)
 *     before returning: a reply is acknowledged only after its turn is durable.
 *   - Loading tolerates a crash: a torn or non-JSON last line is skipped with a warning (logged,
 *     and returned in the load's `warning`), never fatal; a bad line in the middle is skipped too
 *     and named by line number. Every read is capped (SESSION_* below).
 *   - session_reset() starts a new transcript under the same key (`/new`, `/reset`); the old
 *     file stays on disk.
 *   - A store is safe to use from several threads. session_lock()/session_unlock() serialise
 *     turns on one key (the second caller waits, in this process or another one sharing the
 *     state dir); different keys never wait for each other.
 *   - Entry format (one JSONL line):
 *       {"type":"message","role":"user"|"assistant"|"tool","content":"text","ts":<ms>,
 *        "toolCalls":[{"id","name","arguments"}]   (assistant, optional),
 *        "toolCallId":"...","toolName":"...","isError":bool,"where":"host"|"<container>" (tool),
 *        "runId":"..."}
 *       {"type":"session","sessionId":"...","key":"...","agentId":"...","ts":<ms>} (first line)
 *   - Errors: -1 and one sentence in err naming the file.
 */
#ifndef CHELA_SESSION_SESSION_H
#define CHELA_SESSION_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/limits.h" /* SESSION_KEY_MAX: a canonical key is at most that many characters */

struct cJSON;
struct config;

#define SESSION_TRANSCRIPT_MAX  (64 * 1024 * 1024) /* bytes of one transcript loaded */
#define SESSION_LINE_MAX        (8 * 1024 * 1024)  /* one JSONL line */
#define SESSION_INDEX_MAX       (8 * 1024 * 1024)  /* sessions.json */
#define SESSION_MAX_SESSIONS    10000              /* sessions listed per call */
#define SESSION_TITLE_MAX       80                 /* characters of the first user message kept as title */

struct session_store;

struct session_store *session_store_open(const char *state_dir, char *err, size_t errlen);
void session_store_close(struct session_store *st);

/* Canonical key for agent_id from what a client gave (NULL/"" = the main key). */
int session_key_normalize(const struct config *cfg, const char *agent_id, const char *raw, char *out,
			  size_t outlen, char *err, size_t errlen);
/* "agent:<id>:openai:<user>" (user "" = "default"). */
int session_key_openai(const char *agent_id, const char *user, char *out, size_t outlen);
/* The agent id a canonical key names ("agent:<id>:..."), copied into out; -1 when not canonical. */
int session_key_agent(const char *key, char *out, size_t outlen);
/* The key of a DM from peer on channel ("telegram", "123") under [session] dm_scope: the main
 * key (main), "agent:<id>:direct:<peer>" (per-peer), "agent:<id>:<channel>:direct:<peer>". */
int session_key_dm(const struct config *cfg, const char *agent_id, const char *channel, const char *peer, char *out,
		   size_t outlen);
/* "agent:<id>:<channel>:group:<gid>" (always its own, non-main session). */
int session_key_group(const char *agent_id, const char *channel, const char *gid, char *out, size_t outlen);
/* Is the canonical key agent_id's main session ([session] main_key)? */
int session_key_is_main(const struct config *cfg, const char *agent_id, const char *key);
/* May this agent id name a directory (letters, digits, '_', '-', '.'; not starting with '.' or '-')? */
int session_agent_id_valid(const char *id);

/* Serialise turns on one key (agent_id NULL = "main"), between threads and between processes
 * sharing the state dir (an flock under <sessions>/locks/). Not reentrant: a thread holding a
 * key must not lock it again. */
void session_lock(struct session_store *st, const char *agent_id, const char *key);
void session_unlock(struct session_store *st, const char *agent_id, const char *key);

/* The current transcript's entries, oldest first, as a cJSON array (caller deletes). A session
 * that does not exist yet gives an empty array. warning (may be NULL) gets a note about skipped
 * lines, "" when none. The "session" header line is not returned: every element is a
 * {"type":"message",...} entry (or a future entry type; readers skip types they do not know). */
struct cJSON *session_load(struct session_store *st, const char *agent_id, const char *key, char *warning,
			   size_t warnlen, char *err, size_t errlen);

/* Append one entry (borrowed) to the current transcript, creating the session on first use.
 * A torn tail left by a crashed writer is cut off first (so the new line stands alone). */
int session_append(struct session_store *st, const char *agent_id, const char *key, const struct cJSON *entry,
		   int durable, char *err, size_t errlen);

/* Start a new transcript under key. Returns 0 (also when the session did not exist: it now does).
 * Appends find the current transcript through the index each time, so a reset while a turn
 * runs would split that turn across two files: take session_lock() around it (agent_turn()
 * does for "/new" and "/reset"). */
int session_reset(struct session_store *st, const char *agent_id, const char *key, char *err, size_t errlen);

/* [{key, agentId, sessionId, createdAt, updatedAt, messages, title}] newest first; agent_id NULL = all
 * agents of cfg. Caller deletes. */
struct cJSON *session_list(struct session_store *st, const struct config *cfg, const char *agent_id, char *err,
			   size_t errlen);

/* The loader, pure (no I/O; for tests and fuzzing): JSONL text → entries as session_load()
 * returns them, with warning about skipped lines ("" when none). Never NULL. */
struct cJSON *session_transcript_parse(const char *buf, size_t len, char *warning, size_t warnlen);

#endif
