/* policy/policy.c — see policy.h */
#include "policy/policy.h"

#include "config/config.h"
#include "sandbox/sandbox.h"
#include "util/limits.h"
#include "util/str.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* snprintf through a va_list: every reason is deliberately cut at its buffer's size. */
__attribute__((format(printf, 3, 4))) static void say(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
}

/* The tools that change files: what workspace_access = ro takes away in a sandbox. */
#define POLICY_WRITERS (1u << POLICY_TOOL_WRITE | 1u << POLICY_TOOL_EDIT | 1u << POLICY_TOOL_APPLY_PATCH)

/* Lowercase, blank-trimmed copy of a list entry; entries are short tool names. */
static void entry_norm(const char *entry, char *out, size_t outlen)
{
	size_t n = 0;

	while (*entry == ' ' || *entry == '\t')
		entry++;
	while (*entry && n + 1 < outlen)
		out[n++] = (char)tolower((unsigned char)*entry++);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
}

/* The first entry of a list matching t, or NULL. */
static const char *list_match(const struct config_list *l, enum policy_tool t)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (policy_entry_matches(l->items[i], t))
			return l->items[i];
	return NULL;
}

/* An allow list narrows only when it has entries: "allow =" (empty) means "no allow list". */
static int list_narrows(const struct config_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->items[i] && l->items[i][strspn(l->items[i], " \t")] != '\0')
			return 1;
	return 0;
}

static unsigned profile_mask(enum tools_profile p)
{
	switch (p) {
	case TOOLS_PROFILE_MINIMAL:
		return 0;
	case TOOLS_PROFILE_CODING:
		return (1u << POLICY_TOOL_COUNT) - 1; /* every tool chela has is a coding tool */
	case TOOLS_PROFILE_FULL:
		return (1u << POLICY_TOOL_COUNT) - 1;
	}
	return 0;
}

static const char *agent_id(const struct policy_session *s)
{
	return s->agent && s->agent->id ? s->agent->id : "main";
}

/*
 * The key a user edits for this setting, with "(file:line)" when the config file set it.
 * rel is below the agent root for agent keys ("tools.deny", "sandbox.mode"); global tool keys
 * ("tools.deny") are passed with agent == NULL.
 */
static void origin(const struct config *cfg, const char *agent, const char *rel, char *out, size_t outlen)
{
	char key[POLICY_KEY_MAX];
	const char *file;
	int line = 0;

	if (agent)
		say(key, sizeof key, "agent.%s.%s", agent, rel);
	else
		say(key, sizeof key, "%s", rel);
	if (cfg && cfg->internal) {
		char got[POLICY_KEY_MAX];

		line = config_origin(cfg, agent, rel, got, sizeof got);
		if (line > 0 && got[0])
			say(key, sizeof key, "%s", got);
	}
	if (line > 0 && cfg && cfg->path) {
		file = strrchr(cfg->path, '/');
		file = file ? file + 1 : cfg->path;
		say(out, outlen, "%s (%s:%d)", key, file, line);
	} else {
		say(out, outlen, "%s", key);
	}
}

static void decide_deny(struct policy_decision *d, const struct policy_session *s, const char *layer,
			const char *agent, const char *rel, const char *entry, enum policy_tool t)
{
	char ent[128];

	d->allowed = 0;
	say(d->layer, sizeof d->layer, "%s", layer);
	origin(s->cfg, agent, rel, d->key, sizeof d->key);
	entry_norm(entry, ent, sizeof ent);
	if (strcmp(ent, policy_tool_name(t)) == 0)
		say(d->reason, sizeof d->reason, "denied by %s", d->key);
	else
		say(d->reason, sizeof d->reason, "denied by %s (entry '%s')", d->key, ent);
}

static void decide_not_allowed(struct policy_decision *d, const struct policy_session *s, const char *layer,
			       const char *agent, const char *rel)
{
	d->allowed = 0;
	say(d->layer, sizeof d->layer, "%s", layer);
	origin(s->cfg, agent, rel, d->key, sizeof d->key);
	say(d->reason, sizeof d->reason, "not in %s", d->key);
}

static void decide_profile(struct policy_decision *d, const struct policy_session *s, const char *layer,
			   const char *agent, enum tools_profile p)
{
	d->allowed = 0;
	say(d->layer, sizeof d->layer, "%s", layer);
	origin(s->cfg, agent, "tools.profile", d->key, sizeof d->key);
	say(d->reason, sizeof d->reason, "not in profile %s (%s)", config_tools_profile_name(p), d->key);
}

/* One layer's deny list; returns 1 when it denied. */
static int check_deny(struct policy_decision *d, const struct policy_session *s, const struct config_list *l,
		      const char *layer, const char *agent, const char *rel, enum policy_tool t)
{
	const char *hit = list_match(l, t);

	if (!hit)
		return 0;
	decide_deny(d, s, layer, agent, rel, hit, t);
	return 1;
}

/* One layer's allow list; returns 1 when it left the tool out. */
static int check_allow(struct policy_decision *d, const struct policy_session *s, const struct config_list *l,
		       const char *layer, const char *agent, const char *rel, enum policy_tool t)
{
	if (!list_narrows(l) || list_match(l, t))
		return 0;
	decide_not_allowed(d, s, layer, agent, rel);
	return 1;
}

void policy_decide(const struct policy_session *s, enum policy_tool t, struct policy_decision *d)
{
	const struct config_tools *g = s->global;
	const struct config_tools *a = s->agent ? &s->agent->tools : NULL;
	const char *id = agent_id(s);
	char why[POLICY_REASON_MAX];

	memset(d, 0, sizeof *d);
	if ((unsigned)t >= POLICY_TOOL_COUNT) {
		say(d->layer, sizeof d->layer, "unknown");
		say(d->reason, sizeof d->reason, "no such tool");
		return;
	}
	/* Deny lists first, in every layer that applies: deny always wins. */
	if (g && check_deny(d, s, &g->deny, "global", NULL, "tools.deny", t))
		return;
	if (a && check_deny(d, s, &a->deny, "agent", id, "tools.deny", t))
		return;
	if (s->sandboxed) {
		if (g && check_deny(d, s, &g->sandbox.deny, "sandbox", NULL, "tools.sandbox.deny", t))
			return;
		if (a && check_deny(d, s, &a->sandbox.deny, "agent sandbox", id, "tools.sandbox.deny", t))
			return;
	}
	/* Then what each layer lets through: profile, then allow list. */
	if (g && !(profile_mask(g->profile) & (1u << t))) {
		decide_profile(d, s, "global", NULL, g->profile);
		return;
	}
	if (g && check_allow(d, s, &g->allow, "global", NULL, "tools.allow", t))
		return;
	if (a && a->profile_set && !(profile_mask(a->profile) & (1u << t))) {
		decide_profile(d, s, "agent", id, a->profile);
		return;
	}
	if (a && check_allow(d, s, &a->allow, "agent", id, "tools.allow", t))
		return;
	if (s->sandboxed) {
		if (g && check_allow(d, s, &g->sandbox.allow, "sandbox", NULL, "tools.sandbox.allow", t))
			return;
		if (a && check_allow(d, s, &a->sandbox.allow, "agent sandbox", id, "tools.sandbox.allow", t))
			return;
		if (s->agent && s->agent->sandbox.workspace_access == WORKSPACE_ACCESS_RO &&
		    (POLICY_WRITERS & (1u << t))) {
			d->allowed = 0;
			say(d->layer, sizeof d->layer, "workspace");
			origin(s->cfg, id, "sandbox.workspace_access", d->key, sizeof d->key);
			say(d->reason, sizeof d->reason, "disabled by %s = ro (the workspace is read-only in the sandbox)",
				 d->key);
			return;
		}
	}
	d->allowed = 1;
	d->where = s->sandboxed ? POLICY_WHERE_SANDBOX : POLICY_WHERE_HOST;
	if (s->sandboxed && t == POLICY_TOOL_EXEC && policy_elevated_allowed(s, why, sizeof why)) {
		d->where = POLICY_WHERE_HOST;
		d->elevated = 1;
		say(d->layer, sizeof d->layer, "elevated");
		say(d->reason, sizeof d->reason, "allowed; runs on the host: %s", why);
		return;
	}
	say(d->layer, sizeof d->layer, s->sandboxed ? "sandbox" : "host");
	say(d->reason, sizeof d->reason, "allowed; runs %s", s->sandboxed ? "in the sandbox" : "on the host");
}

/*
 * Does an allow_from entry name this sender? "telegram:123" matches exactly (globs allowed);
 * a bare "123" matches that sender id on any channel.
 */
static int sender_matches(const char *entry, const char *sender)
{
	char e[256];
	const char *colon;

	entry_norm(entry, e, sizeof e);
	if (e[0] == '\0' || !sender || !sender[0])
		return 0;
	if (str_glob_match(e, sender))
		return 1;
	colon = strrchr(sender, ':');
	return !strchr(e, ':') && colon && str_glob_match(e, colon + 1);
}

static int list_has_sender(const struct config_list *l, const char *sender)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (sender_matches(l->items[i], sender))
			return 1;
	return 0;
}

int policy_elevated_allowed(const struct policy_session *s, char *why, size_t whylen)
{
	const struct config_tools *g = s->global;
	const struct config_tools *a = s->agent ? &s->agent->tools : NULL;
	const char *id = agent_id(s);
	char key[POLICY_KEY_MAX];
	char tmp[POLICY_REASON_MAX];

	if (!why) {
		why = tmp;
		whylen = sizeof tmp;
	}
	if (!g || !g->elevated_enabled) {
		origin(s->cfg, NULL, "tools.elevated.enabled", key, sizeof key);
		say(why, whylen, "elevated exec is off (%s)", key);
		return 0;
	}
	if (a && a->elevated_enabled_set && !a->elevated_enabled) {
		origin(s->cfg, id, "tools.elevated.enabled", key, sizeof key);
		say(why, whylen, "elevated exec is off for this agent (%s)", key);
		return 0;
	}
	if (!s->sender || !s->sender[0]) {
		say(why, whylen, "elevated exec needs a sender listed in tools.elevated.allow_from; none was given");
		return 0;
	}
	if (!list_has_sender(&g->elevated_allow_from, s->sender)) {
		origin(s->cfg, NULL, "tools.elevated.allow_from", key, sizeof key);
		say(why, whylen, "sender '%s' is not in %s", s->sender, key);
		return 0;
	}
	if (a && list_narrows(&a->elevated_allow_from) && !list_has_sender(&a->elevated_allow_from, s->sender)) {
		origin(s->cfg, id, "tools.elevated.allow_from", key, sizeof key);
		say(why, whylen, "sender '%s' is not in %s", s->sender, key);
		return 0;
	}
	say(why, whylen, "sender '%s' is allowed elevated exec by tools.elevated.allow_from", s->sender);
	return 1;
}

int policy_session_sandboxed(const struct config *cfg, const struct config_agent *agent, const char *session_key,
			     char *why, size_t whylen)
{
	const char *main_key = cfg && cfg->session.main_key && cfg->session.main_key[0] ? cfg->session.main_key : "main";
	const char *id = agent && agent->id ? agent->id : "main";
	char key[POLICY_KEY_MAX], full[SESSION_KEY_MAX + 64];
	struct sandbox_decision dec;

	if (!agent) {
		if (why)
			say(why, whylen, "no agent: not sandboxed");
		return 0;
	}
	/* One truth for "is this session sandboxed": the sandbox module's decision, on the full key. */
	if (sandbox_session_key_normalize(id, session_key && session_key[0] ? session_key : main_key, full,
					  sizeof full) < 0)
		say(full, sizeof full, "agent:%s:%s", id, main_key);
	sandbox_decide(agent->sandbox.mode, id, main_key, full, &dec);
	if (why) {
		origin(cfg, id, "sandbox.mode", key, sizeof key);
		say(why, whylen, "%s = %s; %s", key, config_sandbox_mode_name(agent->sandbox.mode), dec.reason);
	}
	return dec.sandboxed;
}

void policy_session_init(struct policy_session *s, const struct config *cfg, const struct config_agent *agent,
			 const char *session_key, const char *sender)
{
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->global = cfg ? &cfg->tools : NULL;
	s->agent = agent;
	s->session_key = session_key;
	s->sender = sender;
	s->sandboxed = policy_session_sandboxed(cfg, agent, session_key, NULL, 0);
}
