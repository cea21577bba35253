/*
 * session/session_key.c — see session.h ("Keys"). The canonical form is built by the sandbox
 * module's sandbox_session_key_normalize() so that the transcript a key names and the
 * container it runs in can never disagree; this file only adds the main-key default, the DM,
 * group and OpenAI shapes, and validation (length, control characters).
 */
#include "session/session.h"

#include "config/config.h"
#include "sandbox/sandbox.h"
#include "util/limits.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEY_PREFIX "agent:"

static const char *main_key_of(const struct config *cfg)
{
	return cfg && cfg->session.main_key && cfg->session.main_key[0] ? cfg->session.main_key : "main";
}

/* Control characters would corrupt logs and one-line displays; nothing legitimate sends them. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* see session.h */
int session_key_normalize(const struct config *cfg, const char *agent_id, const char *raw, char *out,
			  size_t outlen, char *err, size_t errlen)
{
	const char *id = agent_id && agent_id[0] ? agent_id : "main";
	char agent[CONFIG_AGENT_ID_MAX + 8];
	size_t cap = outlen < SESSION_KEY_MAX + 1 ? outlen : SESSION_KEY_MAX + 1;

	if (!raw || !raw[0])
		raw = main_key_of(cfg);
	if (has_control(raw))
		return err_set(err, errlen, "session key \"%.60s...\" holds control characters", raw);
	if (sandbox_session_key_normalize(id, raw, out, cap) < 0)
		return err_set(err, errlen, "session key \"%.60s...\" is too long (at most %d characters)", raw,
			       SESSION_KEY_MAX);
	if (strncasecmp(out, KEY_PREFIX, strlen(KEY_PREFIX)) == 0) {
		const char *rest;

		if (session_key_agent(out, agent, sizeof agent) < 0)
			return err_set(err, errlen,
				       "session key \"%.200s\" is not agent:<id>:<name> (the agent id is missing or too long)",
				       out);
		rest = out + strlen(KEY_PREFIX) + strlen(agent) + 1;
		if (*rest == '\0')
			return err_set(err, errlen, "session key \"%.200s\" names no session after the agent id", out);
	}
	return 0;
}

/* see session.h */
int session_key_openai(const char *agent_id, const char *user, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, KEY_PREFIX "%s:openai:%s", agent_id && agent_id[0] ? agent_id : "main",
			 user && user[0] ? user : "default");

	if (n < 0 || (size_t)n >= outlen || n > SESSION_KEY_MAX || has_control(out))
		return -1;
	return 0;
}

/* see session.h */
int session_key_dm(const struct config *cfg, const char *agent_id, const char *channel, const char *peer, char *out,
		   size_t outlen)
{
	const char *id = agent_id && agent_id[0] ? agent_id : "main";
	enum dm_scope scope = cfg ? cfg->session.dm_scope : DM_SCOPE_MAIN;
	int n;

	switch (scope) {
	case DM_SCOPE_PER_PEER:
		n = snprintf(out, outlen, KEY_PREFIX "%s:direct:%s", id, peer);
		break;
	case DM_SCOPE_PER_CHANNEL_PEER:
		n = snprintf(out, outlen, KEY_PREFIX "%s:%s:direct:%s", id, channel, peer);
		break;
	case DM_SCOPE_MAIN:
	default: /* a personal assistant: your DMs are one conversation with you */
		n = snprintf(out, outlen, KEY_PREFIX "%s:%s", id, main_key_of(cfg));
		break;
	}
	if (n < 0 || (size_t)n >= outlen || n > SESSION_KEY_MAX || has_control(out))
		return -1;
	return 0;
}

/* see session.h */
int session_key_group(const char *agent_id, const char *channel, const char *gid, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, KEY_PREFIX "%s:%s:group:%s", agent_id && agent_id[0] ? agent_id : "main",
			 channel, gid);

	if (n < 0 || (size_t)n >= outlen || n > SESSION_KEY_MAX || has_control(out))
		return -1;
	return 0;
}

/* see session.h */
int session_key_agent(const char *key, char *out, size_t outlen)
{
	return key ? sandbox_session_key_agent(key, out, outlen) : -1;
}

/* see session.h */
int session_key_is_main(const struct config *cfg, const char *agent_id, const char *key)
{
	return sandbox_session_is_main(key, agent_id && agent_id[0] ? agent_id : "main", main_key_of(cfg));
}

/* see session.h: agent ids become directory names, so only a safe alphabet is accepted. */
int session_agent_id_valid(const char *id)
{
	size_t n = 0;

	if (!id || !id[0] || id[0] == '.' || id[0] == '-')
		return 0;
	for (; id[n]; n++) {
		char c = id[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return 0;
	}
	return n <= 64;
}
