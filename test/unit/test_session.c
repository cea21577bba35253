/* test_session.c — session keys, the JSONL transcript store (round trip, torn and garbage
 * lines, reset, list) and the per-key turn locks. */
#include "harness.h"

#include <cJSON.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"

static char state[64];

static struct config *load(const char *ini)
{
	struct config *cfg = NULL;
	struct config_errors errs = { 0 };

	config_load_buffer("t.ini", ini, strlen(ini), state, &cfg, &errs);
	config_errors_free(&errs);
	return cfg;
}

static cJSON *msg(const char *role, const char *text)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "type", "message");
	cJSON_AddStringToObject(e, "role", role);
	cJSON_AddStringToObject(e, "content", text);
	return e;
}

static int append(struct session_store *st, const char *key, const char *role, const char *text)
{
	cJSON *e = msg(role, text);
	char err[ERR_LEN];
	int rc = session_append(st, "main", key, e, 1, err, sizeof err);

	if (rc < 0)
		fprintf(stderr, "append: %s\n", err);
	cJSON_Delete(e);
	return rc;
}

static const char *content_at(const cJSON *arr, int i)
{
	const cJSON *c = cJSON_GetObjectItem(cJSON_GetArrayItem(arr, i), "content");

	return cJSON_IsString(c) ? c->valuestring : "(none)";
}

/* The transcript file of key (from the index). */
static void transcript_path(const char *key, char *out, size_t outlen)
{
	char idx[256], *data = NULL;
	cJSON *j;

	snprintf(idx, sizeof idx, "%s/agents/main/sessions/sessions.json", state);
	fs_read_file(idx, 1 << 20, &data, NULL, NULL, 0);
	j = cJSON_Parse(data ? data : "{}");
	snprintf(out, outlen, "%s/agents/main/sessions/%s.jsonl", state,
		 cJSON_GetObjectItem(cJSON_GetObjectItem(j, key), "sessionId")->valuestring);
	cJSON_Delete(j);
	free(data);
}

static void raw_append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
}

TEST(keys_main)
{
	struct config *cfg = load("[session]\nmain_key = home\n");
	char out[SESSION_KEY_MAX + 1], err[ERR_LEN];

	CHECK(cfg != NULL);
	CHECK(session_key_normalize(NULL, "main", NULL, out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:main:main");
	CHECK(session_key_normalize(NULL, "main", "", out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:main:main");
	CHECK(session_key_normalize(cfg, "main", NULL, out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:main:home"); /* [session] main_key */
	CHECK(session_key_is_main(cfg, "main", out));
	CHECK(session_key_normalize(cfg, "work", "home", out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:work:home");
	CHECK(session_key_normalize(cfg, NULL, "work", out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:main:work");
	CHECK(!session_key_is_main(cfg, "main", out));
	config_free(cfg);
}

TEST(keys_canonical_passthrough_and_agent)
{
	char out[SESSION_KEY_MAX + 1], err[ERR_LEN], agent[32];

	CHECK(session_key_normalize(NULL, "main", "agent:work:telegram:group:-100", out, sizeof out, err, sizeof err) == 0);
	CHECK_STR(out, "agent:work:telegram:group:-100");
	CHECK(session_key_agent(out, agent, sizeof agent) == 0);
	CHECK_STR(agent, "work");
	CHECK(session_key_agent("main", agent, sizeof agent) < 0);
	CHECK(session_key_normalize(NULL, "main", "agent:work", out, sizeof out, err, sizeof err) < 0);
	CHECK(session_key_normalize(NULL, "main", "agent:work:", out, sizeof out, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "names no session");
}

TEST(keys_too_long_and_control)
{
	char out[SESSION_KEY_MAX + 1], err[ERR_LEN], big[400];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(session_key_normalize(NULL, "main", big, out, sizeof out, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "too long");
	big[SESSION_KEY_MAX - strlen("agent:main:")] = '\0'; /* exactly the limit fits */
	CHECK(session_key_normalize(NULL, "main", big, out, sizeof out, err, sizeof err) == 0);
	CHECK(strlen(out) == SESSION_KEY_MAX);
	CHECK(session_key_normalize(NULL, "main", "a\nb", out, sizeof out, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "control");
}

TEST(keys_dm_scopes_group_openai)
{
	struct config *m = load("[session]\ndm_scope = main\n");
	struct config *pp = load("[session]\ndm_scope = per-peer\n");
	struct config *pc = load("[session]\ndm_scope = per-channel-peer\n");
	char out[SESSION_KEY_MAX + 1];

	CHECK(m && pp && pc);
	CHECK(session_key_dm(m, "main", "telegram", "123", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:main");
	CHECK(session_key_dm(pp, "main", "telegram", "123", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:direct:123");
	CHECK(session_key_dm(pc, "work", "discord", "42", out, sizeof out) == 0);
	CHECK_STR(out, "agent:work:discord:direct:42");
	CHECK(session_key_group("main", "telegram", "-100", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:telegram:group:-100");
	CHECK(!session_key_is_main(m, "main", out));
	CHECK(session_key_openai("main", "bob", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:openai:bob");
	CHECK(session_key_openai("main", "", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:openai:default");
	CHECK(session_key_openai("main", "x\ny", out, sizeof out) < 0);
	config_free(m);
	config_free(pp);
	config_free(pc);
}

TEST(append_load_round_trip)
{
	char err[ERR_LEN], warn[ERR_LEN];
	struct session_store *st = session_store_open(state, err, sizeof err);
	cJSON *arr;

	CHECK(st != NULL);
	arr = session_load(st, "main", "agent:main:rt", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 0); /* no session yet */
	cJSON_Delete(arr);
	CHECK(append(st, "agent:main:rt", "user", "hello \"there\"\nsecond line") == 0);
	CHECK(append(st, "agent:main:rt", "assistant", "hi ✓") == 0);
	arr = session_load(st, "main", "agent:main:rt", warn, sizeof warn, err, sizeof err);
	CHECK(arr != NULL);
	CHECK(cJSON_GetArraySize(arr) == 2);
	CHECK_STR(content_at(arr, 0), "hello \"there\"\nsecond line");
	CHECK_STR(content_at(arr, 1), "hi ✓");
	CHECK_STR(warn, "");
	cJSON_Delete(arr);
	session_store_close(st);
}

TEST(torn_last_line_skipped_then_cut)
{
	char err[ERR_LEN], warn[ERR_LEN], path[512], *data = NULL;
	struct session_store *st = session_store_open(state, err, sizeof err);
	cJSON *arr;

	CHECK(append(st, "agent:main:torn", "user", "one") == 0);
	CHECK(append(st, "agent:main:torn", "assistant", "two") == 0);
	transcript_path("agent:main:torn", path, sizeof path);
	raw_append(path, "{\"type\":\"message\",\"role\":\"user\",\"cont");
	arr = session_load(st, "main", "agent:main:torn", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	CHECK_CONTAINS(warn, "torn last line");
	cJSON_Delete(arr);
	/* the next append cuts the fragment: the new line stands alone and the warning is gone */
	CHECK(append(st, "agent:main:torn", "user", "three") == 0);
	arr = session_load(st, "main", "agent:main:torn", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 3);
	CHECK_STR(content_at(arr, 2), "three");
	CHECK_STR(warn, "");
	cJSON_Delete(arr);
	CHECK(fs_read_file(path, 1 << 20, &data, NULL, err, sizeof err) == 0);
	CHECK(strstr(data, "\"cont{") == NULL);
	free(data);
	session_store_close(st);
}

TEST(garbage_middle_line_named)
{
	char err[ERR_LEN], warn[ERR_LEN], path[512];
	struct session_store *st = session_store_open(state, err, sizeof err);
	cJSON *arr;

	CHECK(append(st, "agent:main:garbage", "user", "one") == 0);
	transcript_path("agent:main:garbage", path, sizeof path);
	raw_append(path, "this is not json\n[1,2]\n");
	CHECK(append(st, "agent:main:garbage", "assistant", "two") == 0);
	arr = session_load(st, "main", "agent:main:garbage", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	CHECK_STR(content_at(arr, 1), "two");
	CHECK_CONTAINS(warn, "skipped 2 bad lines (the first is line 3: not JSON)");
	cJSON_Delete(arr);
	session_store_close(st);
}

TEST(parse_pure)
{
	char warn[ERR_LEN];
	const char *t = "{\"type\":\"session\",\"sessionId\":\"x\"}\n\n{\"type\":\"message\",\"role\":\"user\",\"content\":\"a\"}\r\n"
			"{\"no\":\"type\"}\n{\"type\":\"message\",\"role\":\"user\",\"content\":\"b\"}";
	cJSON *arr = session_transcript_parse(t, strlen(t), warn, sizeof warn);

	CHECK(cJSON_GetArraySize(arr) == 2); /* header dropped; the unterminated but whole last line kept */
	CHECK_STR(content_at(arr, 1), "b");
	CHECK_CONTAINS(warn, "skipped line 4");
	cJSON_Delete(arr);
	arr = session_transcript_parse("", 0, warn, sizeof warn);
	CHECK(arr && cJSON_GetArraySize(arr) == 0);
	CHECK_STR(warn, "");
	cJSON_Delete(arr);
}

TEST(reset_new_transcript_old_kept)
{
	char err[ERR_LEN], warn[ERR_LEN], before[512], after[512];
	struct session_store *st = session_store_open(state, err, sizeof err);
	cJSON *arr;

	CHECK(append(st, "agent:main:reset", "user", "old") == 0);
	transcript_path("agent:main:reset", before, sizeof before);
	CHECK(session_reset(st, "main", "agent:main:reset", err, sizeof err) == 0);
	transcript_path("agent:main:reset", after, sizeof after);
	CHECK(strcmp(before, after) != 0);
	CHECK(fs_exists(before));
	arr = session_load(st, "main", "agent:main:reset", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 0);
	cJSON_Delete(arr);
	CHECK(append(st, "agent:main:reset", "user", "new") == 0);
	arr = session_load(st, "main", "agent:main:reset", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 1);
	CHECK_STR(content_at(arr, 0), "new");
	cJSON_Delete(arr);
	/* reset of a session that never existed creates it */
	CHECK(session_reset(st, "main", "agent:main:fresh", err, sizeof err) == 0);
	session_store_close(st);
}

TEST(list_newest_first_with_counts)
{
	char err[ERR_LEN], dir[128];
	struct session_store *st;
	cJSON *arr, *e;

	snprintf(dir, sizeof dir, "%s/list", state);
	st = session_store_open(dir, err, sizeof err);
	CHECK(append(st, "agent:main:a", "user", "first session, with a title that is long enough to be cut somewhere after eighty characters for sure") == 0);
	usleep(5000);
	CHECK(append(st, "agent:main:b", "user", "b1") == 0);
	CHECK(append(st, "agent:main:b", "assistant", "b2") == 0);
	usleep(5000);
	CHECK(append(st, "agent:main:a", "assistant", "a2") == 0);
	CHECK(append(st, "agent:main:a", "user", "a3") == 0);
	arr = session_list(st, NULL, "main", err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	e = cJSON_GetArrayItem(arr, 0);
	CHECK_STR(cJSON_GetObjectItem(e, "key")->valuestring, "agent:main:a");
	CHECK(cJSON_GetObjectItem(e, "messages")->valueint == 3);
	CHECK(strlen(cJSON_GetObjectItem(e, "title")->valuestring) == SESSION_TITLE_MAX);
	CHECK_STR(cJSON_GetObjectItem(e, "agentId")->valuestring, "main");
	e = cJSON_GetArrayItem(arr, 1);
	CHECK_STR(cJSON_GetObjectItem(e, "key")->valuestring, "agent:main:b");
	CHECK(cJSON_GetObjectItem(e, "messages")->valueint == 2);
	CHECK_STR(cJSON_GetObjectItem(e, "title")->valuestring, "b1");
	cJSON_Delete(arr);
	arr = session_list(st, NULL, NULL, err, sizeof err); /* no config: agents found on disk */
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	cJSON_Delete(arr);
	session_store_close(st);
}

/* The index is a cache: emptied (a power loss after an un-fsynced rewrite) or broken by hand,
 * it is rebuilt from the transcripts — the current transcript of each key, reset or not. */
TEST(index_rebuilt_from_transcripts)
{
	char err[ERR_LEN], warn[ERR_LEN], dir[128], index[256], broken[300];
	struct session_store *st;
	cJSON *arr, *e;
	int fd;

	snprintf(dir, sizeof dir, "%s/rebuild", state);
	st = session_store_open(dir, err, sizeof err);
	CHECK(append(st, "agent:main:x", "user", "gone") == 0);
	usleep(2000);
	CHECK(session_reset(st, "main", "agent:main:x", err, sizeof err) == 0);
	CHECK(append(st, "agent:main:x", "user", "kept") == 0);
	CHECK(append(st, "agent:main:x", "assistant", "reply") == 0);
	CHECK(append(st, "agent:main:y", "user", "other") == 0);
	snprintf(index, sizeof index, "%s/agents/main/sessions/sessions.json", dir);
	fd = open(index, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	close(fd);
	arr = session_load(st, "main", "agent:main:x", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	CHECK_STR(content_at(arr, 0), "kept");
	cJSON_Delete(arr);
	raw_append(index, "{not json");
	arr = session_list(st, NULL, "main", err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	e = cJSON_GetArrayItem(arr, 0);
	CHECK(cJSON_GetObjectItem(e, "messages") != NULL);
	cJSON_Delete(arr);
	snprintf(broken, sizeof broken, "%s.broken", index);
	CHECK(fs_exists(broken));
	/* and the next append writes a good index again */
	CHECK(append(st, "agent:main:y", "assistant", "again") == 0);
	arr = session_load(st, "main", "agent:main:y", warn, sizeof warn, err, sizeof err);
	CHECK(arr && cJSON_GetArraySize(arr) == 2);
	cJSON_Delete(arr);
	session_store_close(st);
}

TEST(bad_agent_id_refused)
{
	char err[ERR_LEN];
	struct session_store *st = session_store_open(state, err, sizeof err);
	cJSON *e = msg("user", "x");

	CHECK(session_append(st, "../evil", "agent:x:y", e, 1, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "not usable");
	cJSON_Delete(e);
	session_store_close(st);
}

/* --- locks --- */
struct locker {
	struct session_store *st;
	const char *key;
	int64_t got, released;
};

static void *hold(void *p)
{
	struct locker *l = p;

	session_lock(l->st, "main", l->key);
	l->got = clock_mono_ms();
	usleep(200 * 1000);
	l->released = clock_mono_ms();
	session_unlock(l->st, "main", l->key);
	return NULL;
}

static int64_t run_pair(const char *k1, const char *k2, struct locker *a, struct locker *b)
{
	char err[ERR_LEN];
	struct session_store *st = session_store_open(state, err, sizeof err);
	pthread_t t1, t2;
	int64_t t0 = clock_mono_ms();

	*a = (struct locker){ st, k1, 0, 0 };
	*b = (struct locker){ st, k2, 0, 0 };
	pthread_create(&t1, NULL, hold, a);
	pthread_create(&t2, NULL, hold, b);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	session_store_close(st);
	return clock_mono_ms() - t0;
}

TEST(lock_one_key_serialises)
{
	struct locker a, b;
	int64_t ms = run_pair("agent:main:same", "agent:main:same", &a, &b);

	CHECK(ms >= 390);
	CHECK(a.got >= b.released || b.got >= a.released); /* never both inside */
}

TEST(lock_two_keys_parallel)
{
	struct locker a, b;
	int64_t ms = run_pair("agent:main:one", "agent:main:two", &a, &b);

	CHECK(ms < 390);
}

/* A turn in another process (the gateway while `chela agent` runs) holds the key too. */
TEST(lock_one_key_serialises_across_processes)
{
	char err[ERR_LEN], ready[300];
	struct session_store *st;
	int64_t t0, waited;
	pid_t child;
	int status = -1;

	snprintf(ready, sizeof ready, "%s/child-holds-lock", state);
	child = fork();
	if (child == 0) {
		struct session_store *cs = session_store_open(state, err, sizeof err);
		int fd;

		if (cs == NULL)
			_exit(2);
		session_lock(cs, "main", "agent:main:shared");
		fd = open(ready, O_CREAT | O_WRONLY, 0600);
		close(fd);
		usleep(500 * 1000);
		session_unlock(cs, "main", "agent:main:shared");
		session_store_close(cs);
		_exit(0);
	}
	CHECK(child > 0);
	for (t0 = clock_mono_ms(); !fs_exists(ready) && clock_mono_ms() - t0 < 5000;)
		usleep(5000);
	CHECK(fs_exists(ready));
	st = session_store_open(state, err, sizeof err);
	CHECK(st != NULL);
	t0 = clock_mono_ms();
	session_lock(st, "main", "agent:main:shared");
	waited = clock_mono_ms() - t0;
	session_unlock(st, "main", "agent:main:shared");
	/* another key is not held up by it */
	session_lock(st, "main", "agent:main:other");
	session_unlock(st, "main", "agent:main:other");
	session_store_close(st);
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(waited >= 300);
}

int main(void)
{
	snprintf(state, sizeof state, "/tmp/chela-session-XXXXXX");
	if (!mkdtemp(state))
		return 1;
	RUN(keys_main);
	RUN(keys_canonical_passthrough_and_agent);
	RUN(keys_too_long_and_control);
	RUN(keys_dm_scopes_group_openai);
	RUN(append_load_round_trip);
	RUN(torn_last_line_skipped_then_cut);
	RUN(garbage_middle_line_named);
	RUN(parse_pure);
	RUN(reset_new_transcript_old_kept);
	RUN(list_newest_first_with_counts);
	RUN(index_rebuilt_from_transcripts);
	RUN(bad_agent_id_refused);
	RUN(lock_one_key_serialises);
	RUN(lock_two_keys_parallel);
	RUN(lock_one_key_serialises_across_processes);
	if (!harness_failed) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", state);
		if (system(cmd) != 0)
			return 1;
	}
	return harness_done();
}
