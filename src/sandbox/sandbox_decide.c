/* sandbox/sandbox_decide.c — see sandbox.h (the pure "which container, and why" decisions). */
#include "sandbox/sandbox.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/limits.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SESSION_AGENT_PREFIX "agent:"

int sandbox_session_is_main(const char *session_key, const char *agent_id, const char *main_key)
{
	size_t pl = strlen(SESSION_AGENT_PREFIX), al = strlen(agent_id);

	if (strncasecmp(session_key, SESSION_AGENT_PREFIX, pl) != 0)
		return 0;
	session_key += pl;
	if (strncasecmp(session_key, agent_id, al) != 0 || session_key[al] != ':')
		return 0;
	return strcasecmp(session_key + al + 1, main_key) == 0;
}

int sandbox_session_key_normalize(const char *agent_id, const char *key, char *out, size_t outlen)
{
	int n;

	if (strncasecmp(key, SESSION_AGENT_PREFIX, strlen(SESSION_AGENT_PREFIX)) == 0)
		n = snprintf(out, outlen, "%s", key);
	else
		n = snprintf(out, outlen, "%s%s:%s", SESSION_AGENT_PREFIX, agent_id, key);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int sandbox_session_key_agent(const char *session_key, char *out, size_t outlen)
{
	const char *id, *end;

	if (strncasecmp(session_key, SESSION_AGENT_PREFIX, strlen(SESSION_AGENT_PREFIX)) != 0)
		return -1;
	id = session_key + strlen(SESSION_AGENT_PREFIX);
	end = strchr(id, ':');
	if (end == NULL || end == id || (size_t)(end - id) >= outlen)
		return -1;
	memcpy(out, id, (size_t)(end - id));
	out[end - id] = '\0';
	return 0;
}

void sandbox_decide(enum sandbox_mode mode, const char *agent_id, const char *main_key, const char *session_key,
		    struct sandbox_decision *out)
{
	memset(out, 0, sizeof *out);
	out->mode = mode;
	out->is_main = sandbox_session_is_main(session_key, agent_id, main_key);
	switch (mode) {
	case SANDBOX_MODE_OFF:
		out->sandboxed = 0;
		snprintf(out->reason, sizeof out->reason,
			 "not sandboxed: sandbox mode is off for agent \"%s\", so its tools run on the host",
			 agent_id);
		break;
	case SANDBOX_MODE_NON_MAIN:
		out->sandboxed = !out->is_main;
		if (out->is_main)
			snprintf(out->reason, sizeof out->reason,
				 "not sandboxed: mode is non-main and \"%s\" is agent \"%s\"'s main session "
				 "(session.main_key = %s), which stays on the host",
				 session_key, agent_id, main_key);
		else
			snprintf(out->reason, sizeof out->reason,
				 "sandboxed: mode is non-main and \"%s\" is not agent \"%s\"'s main session "
				 "(agent:%s:%s)",
				 session_key, agent_id, agent_id, main_key);
		break;
	case SANDBOX_MODE_ALL:
	default:
		out->sandboxed = 1;
		snprintf(out->reason, sizeof out->reason,
			 "sandboxed: mode is all, so every session of agent \"%s\" runs in a container", agent_id);
		break;
	}
}

int sandbox_scope_key(enum sandbox_scope scope, const char *agent_id, const char *session_key, char *out,
		      size_t outlen)
{
	int n;

	switch (scope) {
	case SANDBOX_SCOPE_SESSION:
		n = snprintf(out, outlen, "%s", session_key);
		break;
	case SANDBOX_SCOPE_AGENT:
		n = snprintf(out, outlen, "%s%s", SESSION_AGENT_PREFIX, agent_id);
		break;
	case SANDBOX_SCOPE_SHARED:
	default:
		n = snprintf(out, outlen, "%s", SANDBOX_SCOPE_SHARED_KEY);
		break;
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

void sandbox_slug(const char *key, size_t keep, char *out)
{
	char hex[HASH_SHA256_HEX_LEN + 1];
	size_t i, n = 0;

	if (keep > SANDBOX_SLUG_PREFIX_MAX)
		keep = SANDBOX_SLUG_PREFIX_MAX;
	for (i = 0; key[i] && n < keep; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)key[i]);

		out[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? (char)c : '-';
	}
	hash_sha256_hex(key, strlen(key), hex);
	if (n > 0)
		out[n++] = '-';
	memcpy(out + n, hex, SANDBOX_SLUG_HASH_HEX);
	out[n + SANDBOX_SLUG_HASH_HEX] = '\0';
}

/* Docker names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; the slug part is always in that set. */
static int prefix_valid(const char *p)
{
	if (!isalnum((unsigned char)p[0]))
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return 0;
	return 1;
}

int sandbox_container_name(const char *prefix, const char *scope_key, char *out, size_t outlen, char *err,
			   size_t errlen)
{
	char slug[SANDBOX_SLUG_MAX + 1];
	size_t pl = strlen(prefix), room;

	if (*prefix == '\0' || !prefix_valid(prefix))
		return err_set(err, errlen,
			       "sandbox: container_prefix \"%s\" must start with a letter or digit and hold only "
			       "letters, digits, '_', '.' and '-'",
			       prefix);
	/* Keep at least 4 readable characters of the key so names stay recognisable in `docker ps`. */
	if (pl + 1 + SANDBOX_SLUG_HASH_HEX + 4 > SANDBOX_NAME_MAX)
		return err_set(err, errlen, "sandbox: container_prefix \"%s\" is too long (%zu chars; at most %d)",
			       prefix, pl, SANDBOX_NAME_MAX - 1 - SANDBOX_SLUG_HASH_HEX - 4);
	room = SANDBOX_NAME_MAX - pl - 1 - SANDBOX_SLUG_HASH_HEX;
	sandbox_slug(scope_key, room, slug);
	if (snprintf(out, outlen, "%s%s", prefix, slug) >= (int)outlen)
		return err_set(err, errlen, "sandbox: container name buffer too small");
	return 0;
}
