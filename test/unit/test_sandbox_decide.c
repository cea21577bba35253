/* test_sandbox_decide.c — main vs non-main per mode, scope keys, slugs and container names. */
#include "harness.h"
#include "sandbox/sandbox.h"
#include "util/err.h"
#include "util/hash.h"

#include <stdio.h>
#include <string.h>

static const struct {
	enum sandbox_mode mode;
	const char *agent, *main_key, *key;
	int is_main, sandboxed;
	const char *reason_has;
} decide_cases[] = {
	{SANDBOX_MODE_OFF, "main", "main", "agent:main:main", 1, 0, "sandbox mode is off"},
	{SANDBOX_MODE_OFF, "main", "main", "agent:main:telegram:group:42", 0, 0, "run on the host"},
	{SANDBOX_MODE_NON_MAIN, "main", "main", "agent:main:main", 1, 0, "is agent \"main\"'s main session"},
	{SANDBOX_MODE_NON_MAIN, "main", "main", "AGENT:Main:MAIN", 1, 0, "mode is non-main"},
	{SANDBOX_MODE_NON_MAIN, "main", "main", "agent:main:telegram:group:42", 0, 1, "is not agent"},
	{SANDBOX_MODE_NON_MAIN, "main", "main", "agent:main:direct:alice", 0, 1, "(agent:main:main)"},
	{SANDBOX_MODE_NON_MAIN, "main", "home", "agent:main:main", 0, 1, "(agent:main:home)"},
	{SANDBOX_MODE_NON_MAIN, "main", "home", "agent:main:home", 1, 0, "session.main_key = home"},
	/* Another agent's main session is not this agent's main session. */
	{SANDBOX_MODE_NON_MAIN, "work", "main", "agent:main:main", 0, 1, "is not agent \"work\""},
	{SANDBOX_MODE_NON_MAIN, "work", "main", "agent:workx:main", 0, 1, "sandboxed"},
	{SANDBOX_MODE_NON_MAIN, "main", "main", "main", 0, 1, "sandboxed"},
	{SANDBOX_MODE_ALL, "main", "main", "agent:main:main", 1, 1, "mode is all"},
	{SANDBOX_MODE_ALL, "work", "main", "agent:work:discord:group:7", 0, 1, "every session of agent \"work\""},
};

TEST(decide_table)
{
	size_t i;

	for (i = 0; i < sizeof decide_cases / sizeof decide_cases[0]; i++) {
		struct sandbox_decision d;

		sandbox_decide(decide_cases[i].mode, decide_cases[i].agent, decide_cases[i].main_key,
			       decide_cases[i].key, &d);
		CHECK(d.is_main == decide_cases[i].is_main);
		CHECK(d.sandboxed == decide_cases[i].sandboxed);
		CHECK_CONTAINS(d.reason, decide_cases[i].reason_has);
		CHECK(strncmp(d.reason, d.sandboxed ? "sandboxed: " : "not sandboxed: ", 11) == 0);
	}
}

TEST(session_key_normalize)
{
	char out[64], agent[16];

	CHECK(sandbox_session_key_normalize("work", "main", out, sizeof out) == 0);
	CHECK_STR(out, "agent:work:main");
	CHECK(sandbox_session_key_normalize("work", "agent:x:telegram:group:1", out, sizeof out) == 0);
	CHECK_STR(out, "agent:x:telegram:group:1");
	CHECK(sandbox_session_key_normalize("work", "a-very-long-session-key-that-cannot-fit-in-here-at-all", out,
					    sizeof out) == -1);
	CHECK(sandbox_session_key_agent("agent:work:main", agent, sizeof agent) == 0);
	CHECK_STR(agent, "work");
	CHECK(sandbox_session_key_agent("agent::main", agent, sizeof agent) == -1);
	CHECK(sandbox_session_key_agent("main", agent, sizeof agent) == -1);
	CHECK(sandbox_session_key_agent("agent:work", agent, sizeof agent) == -1);
}

TEST(scope_keys)
{
	char out[128];

	CHECK(sandbox_scope_key(SANDBOX_SCOPE_SESSION, "main", "agent:main:direct:bob", out, sizeof out) == 0);
	CHECK_STR(out, "agent:main:direct:bob");
	CHECK(sandbox_scope_key(SANDBOX_SCOPE_AGENT, "work", "agent:work:direct:bob", out, sizeof out) == 0);
	CHECK_STR(out, "agent:work");
	CHECK(sandbox_scope_key(SANDBOX_SCOPE_SHARED, "work", "agent:work:direct:bob", out, sizeof out) == 0);
	CHECK_STR(out, "shared");
	CHECK(sandbox_scope_key(SANDBOX_SCOPE_SESSION, "main", "agent:main:direct:bob", out, 8) == -1);
}

static void hash8(const char *key, char *out)
{
	char hex[HASH_SHA256_HEX_LEN + 1];

	hash_sha256_hex(key, strlen(key), hex);
	memcpy(out, hex, 8);
	out[8] = '\0';
}

TEST(slug_rules)
{
	static const struct {
		const char *key, *readable;
	} cases[] = {
		{"agent:main:main", "agent-main-main"},
		{"Agent:Main:Telegram:Group:-100123", "agent-main-telegram-group--10012"},
		{"agent:main:discord:group:\xc3\xa9t\xc3\xa9", "agent-main-discord-group---t--"},
		{"shared", "shared"},
		{"agent:work", "agent-work"},
	};
	char slug[SANDBOX_SLUG_MAX + 1], want[SANDBOX_SLUG_MAX + 1], h[9];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sandbox_slug(cases[i].key, SANDBOX_SLUG_PREFIX_MAX, slug);
		hash8(cases[i].key, h);
		snprintf(want, sizeof want, "%s-%s", cases[i].readable, h);
		CHECK_STR(slug, want);
		CHECK(strlen(slug) <= SANDBOX_SLUG_PREFIX_MAX + 9);
	}
	/* Keys that differ only in case or punctuation still get different slugs (the hash). */
	sandbox_slug("agent:main:a.b", 32, slug);
	sandbox_slug("agent:main:a_b", 32, want);
	CHECK(strcmp(slug, want) != 0);
}

TEST(container_names)
{
	char name[SANDBOX_NAME_MAX + 1], err[ERR_LEN], h[9];
	char longp[64];

	CHECK(sandbox_container_name("chela-sbx-", "agent:main:main", name, sizeof name, err, sizeof err) == 0);
	hash8("agent:main:main", h);
	CHECK(strncmp(name, "chela-sbx-agent-main-main-", 26) == 0);
	CHECK_STR(name + 26, h);
	/* A long prefix shortens the readable part, never the hash, and stays within 63 chars. */
	memset(longp, 'p', 40);
	longp[40] = '-';
	longp[41] = '\0';
	CHECK(sandbox_container_name(longp, "agent:main:telegram:group:123456789", name, sizeof name, err,
				     sizeof err) == 0);
	CHECK(strlen(name) == SANDBOX_NAME_MAX);
	hash8("agent:main:telegram:group:123456789", h);
	CHECK_STR(name + SANDBOX_NAME_MAX - 8, h);
	memset(longp, 'p', 55);
	longp[55] = '\0';
	CHECK(sandbox_container_name(longp, "agent:main:main", name, sizeof name, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "container_prefix");
	CHECK(sandbox_container_name("-bad", "agent:main:main", name, sizeof name, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "must start with a letter or digit");
	CHECK(sandbox_container_name("a/b-", "agent:main:main", name, sizeof name, err, sizeof err) == -1);
}

int main(void)
{
	RUN(decide_table);
	RUN(session_key_normalize);
	RUN(scope_keys);
	RUN(slug_rules);
	RUN(container_names);
	return harness_done();
}
